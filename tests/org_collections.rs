//! sObject Collections (chunks of 200, per-row errors) and Composite bundles against wiremock.

mod org_support;

use org_support::{data, fixture, hits, token_client};
use orgsync::org::OrgError;
use orgsync::org::composite::Subrequest;
use serde_json::{Map, Value, json};
use wiremock::matchers::{body_string_contains, method, path, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

fn fields(name: &str) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("Name".into(), json!(name));
    m
}

/// Answers a collection request with one result per record; names starting with `lock` fail
/// with UNABLE_TO_LOCK_ROW, names starting with `dup` with DUPLICATE_VALUE.
struct CollectionResponder;

impl Respond for CollectionResponder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        assert_eq!(body["allOrNone"], false);
        let rows: Vec<Value> = body["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                assert_eq!(r["attributes"]["type"], "Account");
                let name = r["Name"].as_str().unwrap();
                if name.starts_with("lock") {
                    json!({"success":false,"errors":[{"statusCode":"UNABLE_TO_LOCK_ROW","message":"unable to obtain exclusive access to this record","fields":[]}]})
                } else if name.starts_with("dup") {
                    json!({"success":false,"errors":[{"statusCode":"DUPLICATE_VALUE","message":"duplicate value found: Ext__c duplicates value","fields":["Ext__c"]}]})
                } else {
                    json!({"id": format!("001{name}"), "success": true, "errors": [], "created": true})
                }
            })
            .collect();
        ResponseTemplate::new(200).set_body_json(rows)
    }
}

#[tokio::test]
async fn collections_chunk_by_200_and_report_row_errors() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path(data("/composite/sobjects/Account/Ext__c")))
        .respond_with(CollectionResponder)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(data("/composite/sobjects")))
        .respond_with(CollectionResponder)
        .mount(&server)
        .await;
    let client = token_client(&server, 1);
    let mut records: Vec<_> = (0..450).map(|i| fields(&format!("r{i}"))).collect();
    records[5] = fields("lock5");
    records[301] = fields("dup301");
    let results = client
        .upsert_many("Account", "Ext__c", &records, false)
        .await
        .unwrap();
    assert_eq!(results.len(), 450);
    assert_eq!(
        hits(&server, &data("/composite/sobjects/Account/Ext__c")).await,
        3
    );
    let sizes: Vec<usize> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            serde_json::from_slice::<Value>(&r.body).unwrap()["records"]
                .as_array()
                .unwrap()
                .len()
        })
        .collect();
    assert_eq!(sizes, [200, 200, 50]);
    assert!(results[5].is_transient_failure());
    assert!(!results[301].is_transient_failure());
    assert_eq!(results[301].errors[0].error_code, "DUPLICATE_VALUE");
    assert_eq!(results[449].id.as_deref(), Some("001r449"));
    assert_eq!(results.iter().filter(|r| r.success).count(), 448);
    let created = client
        .create_many("Account", &records[..3], false)
        .await
        .unwrap();
    assert_eq!(created.len(), 3);
}

#[tokio::test]
async fn collection_delete_and_retrieve() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path(data("/composite/sobjects")))
        .and(query_param("ids", "001A,001B"))
        .and(query_param("allOrNone", "true"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"id":"001A","success":true,"errors":[]},
            {"id":"001B","success":false,"errors":[{"statusCode":"ALL_OR_NONE_OPERATION_ROLLED_BACK","message":"Record rolled back","fields":[]}]}
        ])))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(data("/composite/sobjects/Account")))
        .and(body_string_contains("\"fields\":[\"Name\"]"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"attributes":{"type":"Account","url":"/x"},"Id":"001A","Name":"Acme"}, null
        ])))
        .mount(&server)
        .await;
    let client = token_client(&server, 1);
    let deleted = client.delete_many(&["001A", "001B"], true).await.unwrap();
    assert!(deleted[1].is_rolled_back());
    let got = client
        .retrieve_many("Account", &["001A", "001Z"], &["Name"])
        .await
        .unwrap();
    assert_eq!(got[0].as_ref().unwrap().id(), Some("001A"));
    assert!(got[1].is_none());
}

#[tokio::test]
async fn composite_bundles_reads_by_25() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(data("/composite")))
        .respond_with(|r: &Request| {
            let body: Value = serde_json::from_slice(&r.body).unwrap();
            let subs = body["compositeRequest"].as_array().unwrap();
            let out: Vec<Value> = subs
                .iter()
                .map(|s| json!({"body":{"ok":true},"httpHeaders":{},"httpStatusCode":200,"referenceId":s["referenceId"]}))
                .collect();
            ResponseTemplate::new(200).set_body_json(json!({ "compositeResponse": out }))
        })
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(data("/composite")))
        .and(body_string_contains("NewPayment"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(fixture("camel/composite-response-failure.json")),
        )
        .with_priority(1)
        .mount(&server)
        .await;
    let client = token_client(&server, 1);
    let reads: Vec<_> = (0..30)
        .map(|i| {
            Subrequest::get(
                &client,
                &format!("d{i}"),
                &format!("/sobjects/O{i}__c/describe"),
            )
        })
        .collect();
    assert!(matches!(
        client.composite(&reads, false).await,
        Err(OrgError::Config(_))
    ));
    let out = client.composite_reads(&reads).await.unwrap();
    assert_eq!(out.len(), 30);
    assert_eq!(out[29].reference_id, "d29");
    assert_eq!(hits(&server, &data("/composite")).await, 2);
    let write = Subrequest {
        method: "POST".into(),
        url: data("/sobjects/blng__Payment__c"),
        reference_id: "NewPayment1".into(),
        body: Some(json!({"Name": "x"})),
    };
    let failed = client.composite(&[write], true).await.unwrap();
    assert_eq!(failed[1].errors()[0].error_code, "INVALID_FIELD");
}
