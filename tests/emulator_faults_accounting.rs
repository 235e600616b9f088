//! Accounting and the other controls over real HTTP: the journal counts calls as Salesforce
//! does (a Composite request is one call, each Bulk request is one, control routes and
//! `GET /services/data` are free), the daily allowance is enforced, `reset` clears journal,
//! faults and usage (and the org with `{"data": true}`), and the latency profile is switchable.

mod emulator_faults_support;

use emulator_faults_support::{Emu, TOKEN, V, accounts, options};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

#[tokio::test]
async fn the_journal_counts_calls_the_way_salesforce_does() {
    let e = Emu::start();
    for batch in ["a", "b"] {
        let names: Vec<String> = (0..150).map(|i| format!("{batch}{i:03}")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let a = e
            .data(
                Method::POST,
                "/composite/sobjects",
                Some(json!({"records": accounts(&names)})),
            )
            .await;
        assert_eq!(a.status, StatusCode::OK);
    }
    // One Composite request with three sub-requests is one call.
    let composite = json!({"compositeRequest": [
        {"method": "GET", "url": format!("{V}/limits"), "referenceId": "l1"},
        {"method": "GET", "url": format!("{V}/limits"), "referenceId": "l2"},
        {"method": "POST", "url": format!("{V}/sobjects/Account"), "referenceId": "n", "body": {"Name": "zz"}},
    ]});
    let a = e.data(Method::POST, "/composite", Some(composite)).await;
    assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
    // A query of two pages is two calls.
    let first: Value = e
        .http
        .get(format!(
            "{}{V}/query?q=SELECT+Id+FROM+Account",
            e.emu.instance_url
        ))
        .bearer_auth(TOKEN)
        .header("Sforce-Query-Options", "batchSize=200")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let next = first["nextRecordsUrl"].as_str().unwrap();
    let second = e.call(Method::GET, next, None).await;
    assert_eq!(second.status, StatusCode::OK);
    // Every Bulk HTTP request is one call.
    e.data(
        Method::POST,
        "/jobs/ingest",
        Some(json!({"object": "Account", "operation": "insert"})),
    )
    .await;
    e.data(Method::GET, "/jobs/ingest/750000000000001AAA", None)
        .await;
    e.data(
        Method::GET,
        "/jobs/ingest/750000000000001AAA/failedResults",
        None,
    )
    .await;
    // Free: the version list and the controls.
    e.call(Method::GET, "/services/data", None).await;
    e.control(Method::GET, "/faults", None).await;
    e.control(Method::GET, "/latency", None).await;

    let j = e.journal().await;
    assert_eq!(j["calls"]["collections"], 2);
    assert_eq!(j["calls"]["composite"], 1);
    assert_eq!(j["calls"]["query"], 2);
    assert_eq!(j["calls"]["bulk"], 3);
    assert_eq!(j["calls"]["rest"], 0);
    assert_eq!(j["apiUsage"], 8);
    assert_eq!(
        j["routes"],
        json!({
            "GET /jobs/ingest/{jobId}": 1,
            "GET /jobs/ingest/{jobId}/failedResults": 1,
            "GET /query": 1,
            "GET /query/{locator}": 1,
            "POST /composite": 1,
            "POST /composite/sobjects": 2,
            "POST /jobs/ingest": 1,
        })
    );
    let a = e.data(Method::GET, "/limits", None).await;
    assert_eq!(a.header("sforce-limit-info"), Some("api-usage=9/15000"));
    assert_eq!(a.body["DailyApiRequests"]["Remaining"], 15000 - 9);
}

#[tokio::test]
async fn the_daily_allowance_refuses_calls_once_used_up() {
    let e = Emu::start();
    e.data(Method::GET, "/limits", None).await;
    let a = e
        .control(Method::POST, "/allowance", Some(json!({"max": 3})))
        .await;
    assert_eq!(a.body, json!({"max": 3, "used": 1, "remaining": 2}));
    assert_eq!(
        e.data(Method::GET, "/sobjects", None).await.status,
        StatusCode::OK
    );
    assert_eq!(
        e.data(Method::GET, "/limits", None).await.status,
        StatusCode::OK
    );
    let refused = e.data(Method::GET, "/limits", None).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(
        refused.body,
        json!([{"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}])
    );
    assert_eq!(refused.header("sforce-limit-info"), Some("api-usage=3/3"));
    // A refused call is not counted; OAuth calls are never refused.
    assert_eq!(e.journal().await["apiUsage"], 3);
    let form = [
        ("grant_type", "refresh_token"),
        ("refresh_token", "5Aep861test.refresh"),
        ("client_id", "test-client-id"),
        ("client_secret", "test-client-secret"),
    ];
    let token = e
        .http
        .post(format!("{}/services/oauth2/token", e.emu.instance_url))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(token.status(), StatusCode::OK);
    // Reset gives the day back and the fixture's allowance.
    e.control(Method::POST, "/reset", None).await;
    let a = e.control(Method::GET, "/allowance", None).await;
    assert_eq!(a.body, json!({"max": 15000, "used": 0, "remaining": 15000}));
    assert_eq!(
        e.data(Method::GET, "/limits", None).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn reset_clears_journal_and_faults_and_with_data_the_org() {
    let e = Emu::start();
    e.account("Kept").await;
    e.fault(json!({"match": {"times": 0}, "fault": {"kind": "http503"}}))
        .await;
    let a = e.control(Method::POST, "/reset", Some(json!({}))).await;
    assert_eq!(
        a.body,
        json!({"reset": true, "data": false, "faultsDeleted": 1})
    );
    assert_eq!(
        e.control(Method::GET, "/faults", None).await.body,
        json!({"faults": []})
    );
    assert_eq!(e.journal().await["apiUsage"], 0);
    assert_eq!(e.account_names().await, ["Kept"]);

    let a = e
        .control(Method::POST, "/reset", Some(json!({"data": true})))
        .await;
    assert_eq!(a.body["data"], true);
    assert!(e.account_names().await.is_empty());
    assert_eq!(e.journal().await["calls"]["query"], 1);
}

#[tokio::test]
async fn the_latency_profile_is_set_at_start_and_through_the_control_api() {
    let mut o = options(1);
    o.latency = Some("sf-typical".to_owned());
    let e = Emu::with(o);
    let a = e.control(Method::GET, "/latency", None).await;
    assert_eq!(a.body["profile"], "sf-typical");
    assert_eq!(a.body["rangesMs"]["queryPage"], json!([80, 150]));
    assert_eq!(a.body["rangesMs"]["collectionWrite"], json!([100, 200]));
    let a = e
        .control(Method::POST, "/latency", Some(json!({"profile": "lan"})))
        .await;
    assert_eq!(a.body["profile"], "lan");
    assert_eq!(
        e.data(Method::GET, "/limits", None).await.status,
        StatusCode::OK
    );
    let a = e
        .control(Method::POST, "/latency", Some(json!({"profile": "warp"})))
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(
        a.body[0]["message"]
            .as_str()
            .unwrap()
            .contains("sf-typical")
    );
    let a = e.control(Method::GET, "/latency", None).await;
    assert_eq!(a.body["profile"], "lan");
    assert_eq!(
        Emu::start()
            .control(Method::GET, "/latency", None)
            .await
            .body["profile"],
        "zero"
    );
}

#[test]
fn the_cli_refuses_an_unknown_latency_profile() {
    let out = assert_cmd::Command::cargo_bin("orgsync")
        .unwrap()
        .args(["emulator", "--latency", "warp"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("sf-typical"), "{err}");
}
