//! Bulk API 2.0 ingest and query jobs against wiremock.

mod org_support;

use org_support::{data, hits, token_client};
use orgsync::org::bulk2::{IngestJobRequest, IngestOperation, IngestResults, PollSettings};
use serde_json::json;
use wiremock::matchers::{body_string_contains, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

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
