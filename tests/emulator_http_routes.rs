//! Router tests (no sockets): routing, trailing slashes, versions, error shapes, limits.

#[path = "common/emulator.rs"]
mod common;

use axum::http::{Method, StatusCode};
use common::{get, router, send, send_with};
use serde_json::json;

const V: &str = "/services/data/v59.0";

#[tokio::test]
async fn versions_list_needs_no_session_and_has_no_limit_header() {
    let (_s, app) = router();
    for path in ["/services/data", "/services/data/"] {
        let a = send_with(&app, Method::GET, path, None, &[], None).await;
        assert_eq!(a.status, StatusCode::OK);
        assert_eq!(
            a.header("content-type").unwrap(),
            "application/json;charset=UTF-8"
        );
        assert!(a.header("sforce-limit-info").is_none());
        let v = a.json();
        let last = v.as_array().unwrap().last().unwrap().clone();
        assert_eq!(
            last,
            json!({"label":"Spring '26","url":"/services/data/v66.0","version":"66.0"})
        );
    }
}

#[tokio::test]
async fn resources_list_has_absolute_identity_and_relative_paths() {
    let (s, app) = router();
    s.set_instance_url("http://127.0.0.1:9");
    for path in [V, &format!("{V}/")] {
        let a = get(&app, path).await;
        assert_eq!(a.status, StatusCode::OK, "{path}");
        let v = a.json();
        assert_eq!(v["sobjects"], "/services/data/v59.0/sobjects");
        assert_eq!(v["query"], "/services/data/v59.0/query");
        let identity = v["identity"].as_str().unwrap();
        assert!(identity.starts_with("http://127.0.0.1:9/id/00D000000000001AAA/005"));
    }
}

#[tokio::test]
async fn unknown_versions_and_routes_answer_not_found_arrays() {
    let (_s, app) = router();
    for path in [
        "/services/data/v19.0/sobjects",
        "/services/data/v67.0/limits",
        "/services/data/latest2/limits",
        "/services/data/v59.0/nonsense",
        "/nothing/here",
        "/services/data/v59.0/sobjects/NoSuchObject/describe",
    ] {
        let a = get(&app, path).await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(a.json()[0]["errorCode"], "NOT_FOUND", "{path}");
    }
}

#[tokio::test]
async fn missing_or_bad_session_is_401_array() {
    let (_s, app) = router();
    for token in [None, Some("nope")] {
        let a = send_with(&app, Method::GET, &format!("{V}/limits"), token, &[], None).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
        assert_eq!(
            a.json(),
            json!([{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}])
        );
    }
}

#[tokio::test]
async fn wrong_method_is_405_array() {
    let (_s, app) = router();
    let a = send(&app, Method::DELETE, &format!("{V}/limits"), None).await;
    assert_eq!(a.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(a.json()[0]["errorCode"], "METHOD_NOT_ALLOWED");
    let a = send(
        &app,
        Method::PUT,
        &format!("{V}/sobjects/Account"),
        Some("{}"),
    )
    .await;
    assert_eq!(a.status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn malformed_json_is_400_json_parser_error() {
    let (_s, app) = router();
    let a = send(
        &app,
        Method::POST,
        &format!("{V}/sobjects/Account/"),
        Some("{\"Name\":"),
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(a.json()[0]["errorCode"], "JSON_PARSER_ERROR");
}

#[tokio::test]
async fn every_route_answers_with_and_without_trailing_slash() {
    let (_s, app) = router();
    let created = send(
        &app,
        Method::POST,
        &format!("{V}/sobjects/Account"),
        Some(r#"{"Name":"Acme","Ext_Id__c":"A-1"}"#),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let id = created.json()["id"].as_str().unwrap().to_owned();
    let now = chrono::Utc::now();
    let start = (now - chrono::Duration::days(1))
        .format("%Y-%m-%dT%H:%M:%S%%2B00:00")
        .to_string();
    let end = (now + chrono::Duration::hours(1))
        .format("%Y-%m-%dT%H:%M:%S%%2B00:00")
        .to_string();
    let paths = [
        format!("{V}/sobjects"),
        format!("{V}/sobjects/Account"),
        format!("{V}/sobjects/Account/describe"),
        format!("{V}/sobjects/Account/{id}"),
        format!("{V}/sobjects/Account/Ext_Id__c/A-1"),
        format!("{V}/limits"),
        format!("{V}/query?q=SELECT+Id+FROM+Account"),
        format!("{V}/queryAll?q=SELECT+Id+FROM+Account"),
        format!("{V}/sobjects/Account/updated?start={start}&end={end}"),
        format!("{V}/sobjects/Account/deleted?start={start}&end={end}"),
        format!("{V}/composite/sobjects/Account?ids={id}&fields=Name"),
    ];
    for p in &paths {
        let (path, query) = p
            .split_once('?')
            .map_or((p.as_str(), None), |(a, b)| (a, Some(b)));
        for variant in [path.to_owned(), format!("{path}/")] {
            let uri = match query {
                Some(q) => format!("{variant}?{q}"),
                None => variant.clone(),
            };
            let a = get(&app, &uri).await;
            assert_eq!(a.status, StatusCode::OK, "{uri}: {}", a.text);
            assert!(
                a.header("sforce-limit-info")
                    .unwrap()
                    .starts_with("api-usage=")
            );
        }
    }
}

#[tokio::test]
async fn limits_header_counts_every_call_and_limits_document_matches() {
    let (s, app) = router();
    let a = get(&app, &format!("{V}/limits/")).await;
    assert_eq!(a.header("sforce-limit-info").unwrap(), "api-usage=1/15000");
    let v = a.json();
    assert_eq!(v["DailyApiRequests"]["Max"], 15000);
    assert_eq!(v["DailyApiRequests"]["Remaining"], 14999);
    assert_eq!(
        v["DailyApiRequests"]["Workbench"],
        json!({"Max":0,"Remaining":0})
    );
    let a = get(&app, &format!("{V}/sobjects")).await;
    assert_eq!(a.header("sforce-limit-info").unwrap(), "api-usage=2/15000");
    // a composite request counts once, whatever it contains
    let body = json!({"compositeRequest": [
        {"method":"GET","url":"/services/data/v59.0/limits","referenceId":"a"},
        {"method":"GET","url":"/services/data/v59.0/sobjects","referenceId":"b"}
    ]});
    let a = send(
        &app,
        Method::POST,
        &format!("{V}/composite"),
        Some(&body.to_string()),
    )
    .await;
    assert_eq!(a.header("sforce-limit-info").unwrap(), "api-usage=3/15000");
    let j = send_with(&app, Method::GET, "/__emulator/journal", None, &[], None)
        .await
        .json();
    assert_eq!(j["calls"]["rest"], 2);
    assert_eq!(j["calls"]["composite"], 1);
    assert_eq!(j["apiUsage"], 3);
    let r = send_with(&app, Method::POST, "/__emulator/reset", None, &[], None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(s.journal.api_usage(), 0);
}

#[tokio::test]
async fn usage_beyond_the_allowance_is_refused_with_request_limit_exceeded() {
    let (s, app) = router();
    s.set_daily_allowance(2);
    assert_eq!(
        get(&app, &format!("{V}/limits")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        get(&app, &format!("{V}/limits")).await.status,
        StatusCode::OK
    );
    let a = get(&app, &format!("{V}/limits")).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert_eq!(
        a.json(),
        json!([{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}])
    );
    assert_eq!(a.header("sforce-limit-info").unwrap(), "api-usage=2/2");
}

#[tokio::test]
async fn clock_control_freezes_server_time() {
    let (_s, app) = router();
    let a = send_with(
        &app,
        Method::POST,
        "/__emulator/clock",
        None,
        &[],
        Some(r#"{"freeze":"2024-03-01T10:00:00Z"}"#),
    )
    .await;
    assert_eq!(a.json()["now"], "2024-03-01T10:00:00.000+0000");
    let c = send(
        &app,
        Method::POST,
        &format!("{V}/sobjects/Account"),
        Some(r#"{"Name":"T"}"#),
    )
    .await;
    let id = c.json()["id"].as_str().unwrap().to_owned();
    let r = get(
        &app,
        &format!("{V}/sobjects/Account/{id}?fields=SystemModstamp"),
    )
    .await;
    assert_eq!(r.json()["SystemModstamp"], "2024-03-01T10:00:00.000+0000");
    let bad = send_with(
        &app,
        Method::POST,
        "/__emulator/clock",
        None,
        &[],
        Some(r#"{"freeze":"soon"}"#),
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}
