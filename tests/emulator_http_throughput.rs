//! Volume through the router: many collection writes and a large paged query complete and stay
//! consistent (no timing assertions; the elapsed time is the test's run time).

#[path = "common/emulator.rs"]
mod common;

use axum::http::{Method, StatusCode};
use common::{get, router, send};
use serde_json::{Value, json};

#[tokio::test]
async fn ten_thousand_collection_writes_then_a_paged_read() {
    let (_s, app) = router();
    for batch in 0..50 {
        let recs: Vec<Value> = (0..200)
            .map(|i| json!({"attributes":{"type":"Account"},"Name":format!("B{batch}-{i}"),"Industry":"Tech"}))
            .collect();
        let a = send(
            &app,
            Method::POST,
            "/services/data/v59.0/composite/sobjects",
            Some(&json!({"allOrNone": true, "records": recs}).to_string()),
        )
        .await;
        assert_eq!(a.status, StatusCode::OK);
    }
    let mut next =
        Some("/services/data/v59.0/query?q=SELECT+Id,Name,Industry+FROM+Account".to_owned());
    let mut seen = 0;
    while let Some(url) = next {
        let page = get(&app, &url).await.json();
        assert_eq!(page["totalSize"], 10_000);
        seen += page["records"].as_array().unwrap().len();
        next = page["nextRecordsUrl"].as_str().map(str::to_owned);
    }
    assert_eq!(seen, 10_000);
}
