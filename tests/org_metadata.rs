//! Metadata API deploy over REST: multipart upload and status polling.

mod org_support;

use org_support::{data, token_client};
use orgsync::org::OrgError;
use orgsync::org::bulk2::PollSettings;
use orgsync::org::metadata::DeployOptions;
use serde_json::json;
use wiremock::matchers::{body_string_contains, header_regex, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn deploy_uploads_multipart_and_polls_until_done() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(data("/metadata/deployRequest")))
        .and(header_regex(
            "content-type",
            "^multipart/form-data; boundary=",
        ))
        .and(body_string_contains("name=\"json\""))
        .and(body_string_contains("\"checkOnly\":true"))
        .and(body_string_contains("filename=\"deploy.zip\""))
        .and(body_string_contains("PK-zip-bytes"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "id": "0AfOK", "deployResult": {"id": "0AfOK", "status": "Pending", "done": false}})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(data("/metadata/deployRequest/0AfOK")))
        .and(query_param("includeDetails", "true"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "0AfOK", "deployResult": {"status": "InProgress", "done": false}})))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(data("/metadata/deployRequest/0AfOK")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "0AfOK", "deployResult": {"status": "Succeeded", "done": true, "success": true, "numberComponentsTotal": 2}})))
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(data("/metadata/deployRequest/0AfBAD")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "0AfBAD", "deployResult": {"status": "Failed", "done": true, "success": false, "errorMessage": "Trigger X: coverage 12%"}})))
        .mount(&server)
        .await;
    let client = token_client(&server, 1);
    let options = DeployOptions {
        check_only: true,
        test_level: Some("RunLocalTests".into()),
        ..DeployOptions::default()
    };
    let started = client
        .deploy_metadata(b"PK-zip-bytes".to_vec(), &options)
        .await
        .unwrap();
    assert_eq!(started.id, "0AfOK");
    let poll = PollSettings {
        interval: std::time::Duration::from_millis(1),
        max_polls: 5,
    };
    let done = client.wait_for_deploy(&started.id, poll).await.unwrap();
    assert_eq!(done.deploy_result.number_components_total, 2);
    let err = client.wait_for_deploy("0AfBAD", poll).await.unwrap_err();
    assert!(matches!(err, OrgError::JobFailed { ref state, .. } if state == "Failed"));
    assert!(!err.to_string().contains("coverage"));
}
