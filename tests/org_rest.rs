//! REST, collections, composite, tooling, Bulk 2.0 and SOAP calls against wiremock, with
//! captured Salesforce bodies where they exist.

mod org_support;

use org_support::{data, fixture, hits, token_client};
use orgsync::org::OrgError;
use orgsync::org::bulk2::{IngestJobRequest, IngestOperation, IngestResults, PollSettings};
use orgsync::org::composite::Subrequest;
use orgsync::org::rest::{QueryOptions, UpsertOutcome};
use serde_json::{Map, Value, json};
use wiremock::matchers::{body_string_contains, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

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

#[tokio::test]
async fn tooling_query_and_crud() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(data("/tooling/query")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "size":1,"totalSize":1,"done":true,"queryLocator":null,"entityTypeName":"ApexTrigger",
            "records":[{"attributes":{"type":"ApexTrigger","url":"/x"},"Id":"01qA","Name":"CaseTrigger","Status":"Active"}]})))
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(data("/tooling/sobjects/ApexTrigger/01qA")))
        .and(body_string_contains("Inactive"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = token_client(&server, 1);
    let triggers = client
        .tooling_query("SELECT Id, Name, Status FROM ApexTrigger")
        .await
        .unwrap();
    assert_eq!(triggers[0].get("Name"), Some(&json!("CaseTrigger")));
    let mut status = Map::new();
    status.insert("Status".into(), json!("Inactive"));
    client
        .tooling_update("ApexTrigger", "01qA", &status)
        .await
        .unwrap();
    assert_eq!(client.usage().calls[&orgsync::org::CallClass::Tooling], 2);
}

#[tokio::test]
async fn bulk_query_follows_the_locator_until_null() {
    let server = MockServer::start().await;
    let results = data("/jobs/query/750Q/results");
    Mock::given(method("POST"))
        .and(path(data("/jobs/query")))
        .and(body_string_contains("\"operation\":\"queryAll\""))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"id":"750Q","operation":"queryAll","state":"UploadComplete","apiVersion":62.0}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(data("/jobs/query/750Q")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"id":"750Q","state":"InProgress"})),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(data("/jobs/query/750Q")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"id":"750Q","state":"JobComplete","numberRecordsProcessed":3}),
            ),
        )
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(results.as_str()))
        .and(query_param("locator", "LOC2"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("Sforce-Locator", "null")
                .insert_header("Sforce-NumberOfRecords", "1")
                .set_body_string("\"Id\",\"Name\"\n\"001C\",\"Gamma\"\n"),
        )
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(results.as_str()))
        .and(header("accept", "text/csv"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("Sforce-Locator", "LOC2")
                .insert_header("Sforce-NumberOfRecords", "2")
                .set_body_string("\"Id\",\"Name\"\n\"001A\",\"Alpha\"\n\"001B\",\"Beta, Inc\"\n"),
        )
        .with_priority(2)
        .mount(&server)
        .await;
    let client = token_client(&server, 1);
    let job = client
        .create_query_job("SELECT Id, Name FROM Account", true)
        .await
        .unwrap();
    let poll = PollSettings {
        interval: std::time::Duration::from_millis(1),
        max_polls: 5,
    };
    let done = client.wait_for_bulk_job(&job.id, true, poll).await.unwrap();
    assert_eq!(done.number_records_processed, 3);
    let table = client
        .query_job_results(&job.id, Some(50000))
        .await
        .unwrap();
    assert_eq!(table.headers, ["Id", "Name"]);
    assert_eq!(table.rows.len(), 3);
    assert_eq!(table.cell(1, "Name"), Some("Beta, Inc"));
    assert_eq!(table.cell(2, "Id"), Some("001C"));
    assert_eq!(hits(&server, &results).await, 2);
}

#[tokio::test]
async fn bulk_ingest_lifecycle_and_failure() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(data("/jobs/ingest")))
        .and(body_string_contains("\"externalIdFieldName\":\"Ext__c\""))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id":"750I","state":"Open","apiVersion":62})),
        )
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(data("/jobs/ingest/750I/batches")))
        .and(header("content-type", "text/csv"))
        .respond_with(ResponseTemplate::new(201))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(data("/jobs/ingest/750I")))
        .and(body_string_contains("UploadComplete"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"id":"750I","state":"UploadComplete"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(data("/jobs/ingest/750I")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id":"750I","state":"JobComplete","numberRecordsProcessed":2,"numberRecordsFailed":1})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(data("/jobs/ingest/750I/failedResults")))
        .respond_with(ResponseTemplate::new(200).set_body_string("\"sf__Id\",\"sf__Error\",Ext__c,Name\n\"\",\"REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name --\",\"E2\",\"\"\n"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(data("/jobs/ingest/750F")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id":"750F","state":"Failed","errorMessage":"InvalidBatch : Field name not found : Secret__c"})))
        .mount(&server)
        .await;
    let client = token_client(&server, 1);
    let poll = PollSettings {
        interval: std::time::Duration::from_millis(1),
        max_polls: 3,
    };
    let request = IngestJobRequest::new("Account", IngestOperation::Upsert, Some("Ext__c"));
    let info = client
        .run_ingest_job(&request, b"Ext__c,Name\nE1,Acme\nE2,\n".to_vec(), poll)
        .await
        .unwrap();
    assert_eq!(info.number_records_failed, 1);
    let failed = client
        .ingest_results("750I", IngestResults::Failed)
        .await
        .unwrap();
    assert!(
        failed
            .cell(0, "sf__Error")
            .unwrap()
            .starts_with("REQUIRED_FIELD_MISSING")
    );
    let err = client
        .wait_for_bulk_job("750F", false, poll)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "bulk ingest job 750F ended in state Failed"
    );
    assert!(!format!("{err:?}").contains("Secret__c"));
}

#[tokio::test]
async fn soap_undelete_round_trip() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/services/Soap/u/62.0"))
        .and(body_string_contains("<urn:sessionId>tok</urn:sessionId>"))
        .and(body_string_contains("<urn:ids>001A</urn:ids><urn:ids>001B</urn:ids>"))
        .respond_with(ResponseTemplate::new(200).insert_header("content-type", "text/xml").set_body_string(
            r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com"><soapenv:Body><undeleteResponse><result><id>001A</id><success>true</success></result><result><errors><message>entity is not in the recycle bin</message><statusCode>UNDELETE_FAILED</statusCode></errors><id>001B</id><success>false</success></result></undeleteResponse></soapenv:Body></soapenv:Envelope>"#,
        ))
        .mount(&server)
        .await;
    let client = token_client(&server, 1);
    let results = client.undelete(&["001A", "001B"]).await.unwrap();
    assert!(results[0].success);
    assert_eq!(results[1].errors[0].error_code, "UNDELETE_FAILED");
    assert_eq!(client.usage().calls[&orgsync::org::CallClass::Soap], 1);
}

#[tokio::test]
async fn soap_invalid_session_fault_is_recognised() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/services/Soap/u/62.0"))
        .respond_with(ResponseTemplate::new(500).set_body_string(
            r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="urn:fault.partner.soap.sforce.com"><soapenv:Body><soapenv:Fault><faultcode>sf:INVALID_SESSION_ID</faultcode><faultstring>INVALID_SESSION_ID: Invalid Session ID found in SessionHeader</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>"#,
        ))
        .mount(&server)
        .await;
    let client = token_client(&server, 3);
    let err = client.undelete(&["001A"]).await.unwrap_err();
    assert!(matches!(err, OrgError::SessionNotRefreshable), "{err:?}");
}
