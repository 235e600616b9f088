//! Scripted faults over real HTTP: each kind's exact wire shape, nth/times/probability matching,
//! per-row lock errors inside sObject Collections, commit-then-fail and hang.

mod emulator_faults_support;

use std::time::Duration;

use emulator_faults_support::{Emu, accounts, impatient_client, options};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

#[tokio::test]
async fn http503_answers_server_unavailable_once_and_is_not_counted() {
    let e = Emu::start();
    e.fault(json!({"match": {"path": "/query"}, "fault": {"kind": "http503"}}))
        .await;
    let a = e
        .data(Method::GET, "/query?q=SELECT+Id+FROM+Account", None)
        .await;
    assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        a.body,
        json!([{"message": "Server too busy", "errorCode": "SERVER_UNAVAILABLE"}])
    );
    assert_eq!(
        a.header("content-type"),
        Some("application/json;charset=UTF-8")
    );
    assert_eq!(a.header("sforce-limit-info"), Some("api-usage=0/15000"));
    let a = e
        .data(Method::GET, "/query?q=SELECT+Id+FROM+Account", None)
        .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(e.journal().await["calls"]["query"], 1);
}

#[tokio::test]
async fn request_limit_and_invalid_session_have_salesforce_shapes() {
    let e = Emu::start();
    e.fault(json!({"match": {"method": "GET", "path": "/limits"}, "fault": {"kind": "requestLimitExceeded"}}))
        .await;
    e.fault(json!({"match": {"path": "/services/data/*/sobjects"}, "fault": {"kind": "invalidSessionId"}}))
        .await;
    let a = e.data(Method::GET, "/limits", None).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert_eq!(
        a.body,
        json!([{"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}])
    );
    let a = e.data(Method::GET, "/sobjects", None).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        a.body,
        json!([{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}])
    );
    // Once each (the default `times`), then the calls go through.
    assert_eq!(
        e.data(Method::GET, "/limits", None).await.status,
        StatusCode::OK
    );
    assert_eq!(
        e.data(Method::GET, "/sobjects", None).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn nth_and_times_pick_the_calls_that_fail() {
    let e = Emu::start();
    let id = e
        .fault(
            json!({"match": {"method": "get", "path": "/limits", "nth": 2, "times": 2},
                      "fault": {"kind": "http503"}}),
        )
        .await;
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(e.data(Method::GET, "/limits", None).await.status.as_u16());
    }
    assert_eq!(statuses, [200, 503, 503, 200, 200]);
    let listed = e.control(Method::GET, "/faults", None).await.body;
    let rule = &listed["faults"][0];
    assert_eq!(rule["id"], id);
    assert_eq!(rule["seen"], 5);
    assert_eq!(rule["fired"], 2);
    assert_eq!(rule["exhausted"], true);
    assert_eq!(rule["match"]["nth"], 2);
    assert_eq!(rule["fault"]["kind"], "http503");
}

#[tokio::test]
async fn every_fires_on_each_kth_match() {
    let e = Emu::start();
    e.fault(
        json!({"match": {"path": "/limits", "every": 2, "times": 0}, "fault": {"kind": "http503"}}),
    )
    .await;
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(e.data(Method::GET, "/limits", None).await.status.as_u16());
    }
    assert_eq!(statuses, [503, 200, 503, 200, 503]);
}

#[tokio::test]
async fn probability_draws_from_the_seeded_rng() {
    async fn pattern() -> Vec<u16> {
        let e = Emu::with(options(4));
        e.fault(
            json!({"match": {"path": "/limits", "probability": 0.5, "times": 0},
                       "fault": {"kind": "http503"}}),
        )
        .await;
        let mut out = Vec::new();
        for _ in 0..24 {
            out.push(e.data(Method::GET, "/limits", None).await.status.as_u16());
        }
        out
    }
    let first = pattern().await;
    assert_eq!(first, pattern().await);
    assert!(first.contains(&503) && first.contains(&200), "{first:?}");
}

#[tokio::test]
async fn objects_match_from_the_path_and_from_attributes_type() {
    let e = Emu::start();
    e.fault(json!({"match": {"object": "contact", "times": 0}, "fault": {"kind": "http503"}}))
        .await;
    let acc = e
        .data(
            Method::POST,
            "/composite/sobjects",
            Some(json!({"records": accounts(&["A"])})),
        )
        .await;
    assert_eq!(acc.status, StatusCode::OK);
    let contact = json!({"records": [{"attributes": {"type": "Contact"}, "LastName": "L"}]});
    let a = e
        .data(Method::POST, "/composite/sobjects", Some(contact))
        .await;
    assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE);
    let a = e
        .data(Method::GET, "/sobjects/Contact/describe", None)
        .await;
    assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE);
    let a = e
        .data(Method::GET, "/query?q=SELECT+Id+FROM+Contact", None)
        .await;
    assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE);
    let a = e
        .data(Method::GET, "/sobjects/Account/describe", None)
        .await;
    assert_eq!(a.status, StatusCode::OK);
}

#[tokio::test]
async fn single_record_lock_is_a_400_array_and_writes_nothing() {
    let e = Emu::start();
    let id = e.account("Before").await;
    e.fault(json!({"match": {"method": "PATCH", "object": "Account"}, "fault": {"kind": "unableToLockRow"}}))
        .await;
    let a = e
        .data(
            Method::PATCH,
            &format!("/sobjects/Account/{id}"),
            Some(json!({"Name": "After"})),
        )
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        a.body,
        json!([{
            "message": format!("unable to obtain exclusive access to this record or 1 records: {id}"),
            "errorCode": "UNABLE_TO_LOCK_ROW",
            "fields": []
        }])
    );
    assert_eq!(e.account_names().await, ["Before"]);
    // The failed call counts, like a DML failure on Salesforce.
    assert_eq!(
        e.journal().await["routes"]["PATCH /sobjects/{object}/{id}"],
        1
    );
}

fn statuses_of(rows: &Value) -> Vec<String> {
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| match r["success"].as_bool() {
            Some(true) => "ok".to_owned(),
            _ => r["errors"][0]["statusCode"].as_str().unwrap().to_owned(),
        })
        .collect()
}

#[tokio::test]
async fn collection_lock_fails_its_rows_and_the_others_succeed() {
    let e = Emu::start();
    e.fault(json!({"match": {"path": "/composite/sobjects"}, "fault": {"kind": "unableToLockRow", "rows": [1]}}))
        .await;
    let body = json!({"allOrNone": false, "records": accounts(&["A", "B", "C"])});
    let a = e
        .data(Method::POST, "/composite/sobjects", Some(body))
        .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(statuses_of(&a.body), ["ok", "UNABLE_TO_LOCK_ROW", "ok"]);
    assert_eq!(
        a.body[1],
        json!({"success": false, "errors": [{
            "statusCode": "UNABLE_TO_LOCK_ROW",
            "message": "unable to obtain exclusive access to this record",
            "fields": []
        }]})
    );
    assert_eq!(e.account_names().await, ["A", "C"]);
    assert_eq!(e.journal().await["calls"]["collections"], 1);
}

#[tokio::test]
async fn collection_lock_under_all_or_none_rolls_every_row_back() {
    let e = Emu::start();
    e.fault(
        json!({"match": {"method": "POST"}, "fault": {"kind": "unableToLockRow", "rows": [1]}}),
    )
    .await;
    let body = json!({"allOrNone": true, "records": accounts(&["A", "B", "C"])});
    let a = e
        .data(Method::POST, "/composite/sobjects", Some(body))
        .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(
        statuses_of(&a.body),
        [
            "ALL_OR_NONE_OPERATION_ROLLED_BACK",
            "UNABLE_TO_LOCK_ROW",
            "ALL_OR_NONE_OPERATION_ROLLED_BACK"
        ]
    );
    assert!(e.account_names().await.is_empty());
}

#[tokio::test]
async fn collection_update_and_delete_locks_name_the_record() {
    let e = Emu::start();
    let a1 = e.account("One").await;
    let a2 = e.account("Two").await;
    e.fault(
        json!({"match": {"method": "PATCH", "path": "/composite/sobjects"},
                   "fault": {"kind": "unableToLockRow", "rows": [0]}}),
    )
    .await;
    let body = json!({"records": [
        {"attributes": {"type": "Account"}, "Id": a1, "Name": "One!"},
        {"attributes": {"type": "Account"}, "Id": a2, "Name": "Two!"},
    ]});
    let a = e
        .data(Method::PATCH, "/composite/sobjects", Some(body))
        .await;
    assert_eq!(statuses_of(&a.body), ["UNABLE_TO_LOCK_ROW", "ok"]);
    assert_eq!(a.body[0]["id"], a1.as_str());
    assert_eq!(
        a.body[0]["errors"][0]["message"],
        format!("unable to obtain exclusive access to this record or 1 records: {a1}")
    );
    assert_eq!(e.account_names().await, ["One", "Two!"]);

    e.fault(
        json!({"match": {"method": "DELETE"}, "fault": {"kind": "unableToLockRow", "rows": [1]}}),
    )
    .await;
    let a = e
        .data(
            Method::DELETE,
            &format!("/composite/sobjects?ids={a1},{a2}&allOrNone=false"),
            None,
        )
        .await;
    assert_eq!(statuses_of(&a.body), ["ok", "UNABLE_TO_LOCK_ROW"]);
    assert_eq!(a.body[1]["id"], a2.as_str());
    assert_eq!(e.account_names().await, ["Two!"]);
}

#[tokio::test]
async fn commit_then_fail_writes_the_record_but_answers_an_error() {
    let e = Emu::start();
    e.fault(json!({"match": {"method": "PATCH", "object": "Account"}, "fault": {"kind": "commitThenFail"}}))
        .await;
    let path = "/sobjects/Account/Ext_Id__c/K-1";
    let a = e
        .data(Method::PATCH, path, Some(json!({"Name": "Landed"})))
        .await;
    assert_eq!(a.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(a.body[0]["errorCode"], "UNKNOWN_EXCEPTION");
    assert!(a.body[0]["message"].as_str().unwrap().starts_with(
        "An unexpected error occurred. Please include this ErrorId if you contact support: "
    ));
    // The client could not know, but the write landed: the retried upsert updates it.
    assert_eq!(e.account_names().await, ["Landed"]);
    let retry = e
        .data(Method::PATCH, path, Some(json!({"Name": "Landed"})))
        .await;
    assert_eq!(retry.status, StatusCode::OK);
    assert_eq!(retry.body["created"], false);
    assert_eq!(e.account_names().await, ["Landed"]);
}

#[tokio::test]
async fn commit_then_fail_can_answer_503() {
    let e = Emu::start();
    e.fault(json!({"match": {"path": "/composite/sobjects"}, "fault": {"kind": "commitThenFail", "status": 503}}))
        .await;
    let body = json!({"records": accounts(&["A", "B"])});
    let a = e
        .data(Method::POST, "/composite/sobjects", Some(body))
        .await;
    assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(a.body[0]["errorCode"], "SERVER_UNAVAILABLE");
    assert_eq!(e.account_names().await, ["A", "B"]);
}

#[tokio::test]
async fn hang_outlasts_a_short_client_timeout_then_the_emulator_answers() {
    let e = Emu::start();
    e.fault(json!({"match": {"path": "/limits"}, "fault": {"kind": "hang", "seconds": 2}}))
        .await;
    let client = impatient_client(Duration::from_secs(1));
    let err = e
        .send(&client, Method::GET, "/services/data/v59.0/limits", None)
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err}");
    // Deleting the rules releases any hanging request; the next call answers at once.
    e.control(Method::DELETE, "/faults", None).await;
    let a = e
        .send(&client, Method::GET, "/services/data/v59.0/limits", None)
        .await
        .unwrap();
    assert_eq!(a.status, StatusCode::OK);
}

#[tokio::test]
async fn rules_are_listed_deleted_and_validated() {
    let e = Emu::start();
    let id = e
        .fault(json!({"fault": {"kind": "hang", "seconds": 1}}))
        .await;
    let one = e.control(Method::GET, &format!("/faults/{id}"), None).await;
    assert_eq!(one.body["fault"], json!({"kind": "hang", "seconds": 1.0}));
    let a = e
        .control(Method::DELETE, &format!("/faults/{id}"), None)
        .await;
    assert_eq!(a.status, StatusCode::NO_CONTENT);
    let a = e
        .control(Method::DELETE, &format!("/faults/{id}"), None)
        .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    let bad = e
        .control(
            Method::POST,
            "/faults",
            Some(json!({"fault": {"kind": "meteor"}})),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.body[0]["errorCode"], "INVALID_FIELD");
    assert!(bad.body[0]["message"].as_str().unwrap().contains("meteor"));
    let bad = e
        .control(
            Method::POST,
            "/faults",
            Some(json!({"match": {"nth": 0}, "fault": {"kind": "http503"}})),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        e.control(Method::GET, "/faults", None).await.body,
        json!({"faults": []})
    );
}

#[tokio::test]
async fn control_routes_are_never_faulted() {
    let e = Emu::start();
    e.fault(json!({"match": {"times": 0}, "fault": {"kind": "http503"}}))
        .await;
    let a = e.control(Method::GET, "/journal", None).await;
    assert_eq!(a.status, StatusCode::OK);
    let a = e.data(Method::GET, "/limits", None).await;
    assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE);
}
