//! Tooling API and SOAP undelete against wiremock.

mod org_support;

use org_support::{data, token_client};
use orgsync::org::OrgError;
use serde_json::{Map, json};
use wiremock::matchers::{body_string_contains, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

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
