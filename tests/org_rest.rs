//! REST data calls against wiremock with captured Salesforce bodies: query paging, upsert
//! status rules, single-record CRUD and replication.

mod org_support;

use org_support::{data, fixture, token_client};
use orgsync::org::OrgError;
use orgsync::org::rest::{QueryOptions, UpsertOutcome};
use serde_json::{Map, Value, json};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn fields(name: &str) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("Name".into(), json!(name));
    m
}

#[tokio::test]
async fn query_follows_next_records_url_with_batch_size() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(data("/query")))
        .and(query_param("q", "SELECT Text_Label FROM Whizbang"))
        .and(header("Sforce-Query-Options", "batchSize=500"))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture(
            "restforce/sobject__query_paginated_first_page_response.json",
        )))
        .mount(&server)
        .await;
    // The captured nextRecordsUrl is used verbatim (it names v26.0).
    Mock::given(method("GET"))
        .and(path("/services/data/v26.0/query/01gD"))
        .and(header("Sforce-Query-Options", "batchSize=500"))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture(
            "restforce/sobject__query_paginated_last_page_response.json",
        )))
        .mount(&server)
        .await;
    let client = token_client(&server, 1);
    let options = QueryOptions {
        include_deleted: false,
        batch_size: Some(500),
    };
    let records = client
        .query_all("SELECT Text_Label FROM Whizbang", options)
        .await
        .unwrap();
    let labels: Vec<_> = records
        .iter()
        .map(|r| r.get("Text_Label").unwrap().as_str().unwrap())
        .collect();
    assert_eq!(labels, ["First Page", "Last Page"]);
}

#[tokio::test]
async fn query_all_uses_the_query_all_resource_and_errors_keep_codes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(data("/queryAll")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(fixture("restforce/sobject__query_empty_response.json")),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(data("/query")))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_string(fixture("restforce/sobject__query_error_response.json")),
        )
        .mount(&server)
        .await;
    let client = token_client(&server, 3);
    let options = QueryOptions {
        include_deleted: true,
        batch_size: None,
    };
    assert!(
        client
            .query_all("SELECT Id FROM Account", options)
            .await
            .unwrap()
            .is_empty()
    );
    let err = client
        .query("SELECT Nope FROM Account", QueryOptions::default())
        .await
        .unwrap_err();
    assert_eq!(err.error_codes(), ["INVALID_FIELD"]);
    assert!(
        !err.to_string().contains("error_message"),
        "Salesforce's message is not displayed"
    );
}

#[tokio::test]
async fn upsert_status_rules() {
    let server = MockServer::start().await;
    let at = |v: &str| data(&format!("/sobjects/Account/Ext__c/{v}"));
    Mock::given(method("PATCH"))
        .and(path(at("new")))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({"id":"001N","success":true,"errors":[],"created":true})),
        )
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(at("v46")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id":"001U","success":true,"errors":[],"created":false})),
        )
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(at("old")))
        .respond_with(ResponseTemplate::new(204).set_body_string(fixture(
            "restforce/sobject__upsert_updated_success_response.json",
        )))
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(at("dup")))
        .respond_with(ResponseTemplate::new(300).set_body_string(fixture(
            "restforce/sobject__upsert_multiple_error_response.json",
        )))
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(at("a%2Fb%20c")))
        .respond_with(ResponseTemplate::new(201).set_body_string(fixture(
            "restforce/sobject__upsert_created_success_response.json",
        )))
        .mount(&server)
        .await;
    let client = token_client(&server, 1);
    let f = fields("Acme");
    assert_eq!(
        client.upsert("Account", "Ext__c", "new", &f).await.unwrap(),
        UpsertOutcome::Created { id: "001N".into() }
    );
    assert_eq!(
        client.upsert("Account", "Ext__c", "v46", &f).await.unwrap(),
        UpsertOutcome::Updated {
            id: Some("001U".into())
        }
    );
    assert_eq!(
        client.upsert("Account", "Ext__c", "old", &f).await.unwrap(),
        UpsertOutcome::Updated { id: None }
    );
    match client
        .upsert("Account", "Ext__c", "dup", &f)
        .await
        .unwrap_err()
    {
        OrgError::MultipleChoices { urls } => assert_eq!(urls.len(), 2),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        client
            .upsert("Account", "Ext__c", "a/b c", &f)
            .await
            .unwrap(),
        UpsertOutcome::Created { id: "foo".into() }
    );
}

#[tokio::test]
async fn single_record_crud_and_replication() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(data("/sobjects/Account/001A")))
        .and(query_param("fields", "Id,Name"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"attributes":{"type":"Account","url":"/x"},"Id":"001A","Name":"Acme"}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(data("/sobjects/Account/001A")))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(data("/sobjects/Account/001A")))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(data("/sobjects/Contact/updated/")))
        .and(query_param("start", "2015-08-18T00:00:00+00:00"))
        .and(query_param("end", "2015-08-19T09:00:00+00:00"))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture(
            "restforce/sobject__get_updated_success_response.json",
        )))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(data("/sobjects/Contact/deleted/")))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture(
            "restforce/sobject__get_deleted_success_response.json",
        )))
        .mount(&server)
        .await;
    let client = token_client(&server, 1);
    let rec = client
        .get("Account", "001A", &["Id", "Name"])
        .await
        .unwrap();
    assert_eq!(rec.id(), Some("001A"));
    client
        .update("Account", "001A", &fields("B"))
        .await
        .unwrap();
    client.delete("Account", "001A").await.unwrap();
    use chrono::TimeZone;
    let start = chrono::Utc.with_ymd_and_hms(2015, 8, 18, 0, 0, 0).unwrap();
    let end = chrono::Utc.with_ymd_and_hms(2015, 8, 19, 9, 0, 0).unwrap();
    assert_eq!(
        client
            .updated("Contact", start, end)
            .await
            .unwrap()
            .ids
            .len(),
        7
    );
    assert_eq!(
        client
            .deleted("Contact", start, end)
            .await
            .unwrap()
            .deleted_records
            .len(),
        1
    );
}
