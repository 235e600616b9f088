//! SOAP partner API: `undelete` restores a record and its cascade-deleted children; faults for
//! bad sessions; per-row errors; `login` issues a working session.

#[path = "common/emulator.rs"]
mod common;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use common::{TOKEN, get, send};
use orgsync::emulator::fixture::{DefaultOrg, default_org};
use orgsync::emulator::{EmulatorOptions, EmulatorState, app};
use serde_json::json;
use tower::ServiceExt;

const V: &str = "/services/data/v59.0";

fn emulator() -> (EmulatorState, Router) {
    let mut o = EmulatorOptions::new(default_org(DefaultOrg::Primary, 9).unwrap());
    o.access_token = Some(TOKEN.to_owned());
    o.password = Some("secret".to_owned());
    let state = EmulatorState::new(o);
    (state.clone(), app(state))
}

/// POST an envelope the way jsforce's `SOAP._createEnvelope` builds it.
async fn soap(app: &Router, session: Option<&str>, body: &str) -> (StatusCode, String, String) {
    let header = session
        .map(|s| format!("<SessionHeader><sessionId>{s}</sessionId></SessionHeader>"))
        .unwrap_or_default();
    let envelope = format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/""#,
            r#" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
            r#"<soapenv:Header xmlns="urn:partner.soap.sforce.com">{}</soapenv:Header>"#,
            r#"<soapenv:Body xmlns="urn:partner.soap.sforce.com">{}</soapenv:Body></soapenv:Envelope>"#
        ),
        header, body
    );
    let req = Request::builder()
        .method(Method::POST)
        .uri("/services/Soap/u/59.0")
        .header("content-type", "text/xml")
        .header("soapaction", "\"\"")
        .body(Body::from(envelope))
        .unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let ct = resp.headers()["content-type"].to_str().unwrap().to_owned();
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, ct, String::from_utf8(bytes.to_vec()).unwrap())
}

fn undelete_body(ids: &[&str]) -> String {
    let ids: String = ids
        .iter()
        .map(|i| format!("<ns1:ids>{i}</ns1:ids>"))
        .collect();
    format!(
        r#"<undelete xmlns="urn:partner.soap.sforce.com" xmlns:ns1="sobject.partner.soap.sforce.com">{ids}</undelete>"#
    )
}

async fn create(app: &Router, object: &str, body: serde_json::Value) -> String {
    let a = send(
        app,
        Method::POST,
        &format!("{V}/sobjects/{object}"),
        Some(&body.to_string()),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    a.json()["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn undelete_restores_a_record_and_its_cascade_deleted_child() {
    let (state, app) = emulator();
    let account = create(&app, "Account", json!({"Name": "Soap Parent"})).await;
    let contact = create(
        &app,
        "Contact",
        json!({"LastName": "Soap Child", "AccountId": account}),
    )
    .await;
    let d = send(
        &app,
        Method::DELETE,
        &format!("{V}/sobjects/Account/{account}"),
        None,
    )
    .await;
    assert_eq!(d.status, StatusCode::NO_CONTENT);
    assert_eq!(
        get(&app, &format!("{V}/sobjects/Contact/{contact}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    let (status, ct, xml) = soap(&app, Some(TOKEN), &undelete_body(&[&account])).await;
    assert_eq!(status, StatusCode::OK, "{xml}");
    assert_eq!(ct, "text/xml;charset=UTF-8");
    assert!(
        xml.contains(&format!("<undeleteResponse><result><id>{account}</id><success>true</success></result></undeleteResponse>")),
        "{xml}"
    );
    assert!(
        xml.contains("<soapenv:Body><undeleteResponse>"),
        "no attributes on Body: {xml}"
    );
    let c = get(&app, &format!("{V}/sobjects/Contact/{contact}")).await;
    assert_eq!(c.status, StatusCode::OK);
    assert_eq!(c.json()["AccountId"], account.as_str());
    assert_eq!(state.journal.to_json()["calls"]["soap"], 1);
}

#[tokio::test]
async fn undelete_reports_per_row_errors_and_all_or_none_rolls_back() {
    let (_, app) = emulator();
    let live = create(&app, "Account", json!({"Name": "Still Here"})).await;
    let gone = create(&app, "Account", json!({"Name": "Gone"})).await;
    send(
        &app,
        Method::DELETE,
        &format!("{V}/sobjects/Account/{gone}"),
        None,
    )
    .await;
    let (status, _, xml) = soap(&app, Some(TOKEN), &undelete_body(&[&live, "not-an-id"])).await;
    assert_eq!(status, StatusCode::OK);
    assert!(xml.contains(&format!("<statusCode>UNDELETE_FAILED</statusCode></errors><id>{live}</id><success>false</success>")), "{xml}");
    assert!(xml.contains("<statusCode>MALFORMED_ID</statusCode></errors><id xsi:nil=\"true\"/><success>false</success>"), "{xml}");
    let all_or_none = format!(
        "<AllOrNoneHeader><allOrNone>true</allOrNone></AllOrNoneHeader><SessionHeader><sessionId>{TOKEN}</sessionId></SessionHeader>"
    );
    let (_, _, xml) = soap_with_header(&app, &all_or_none, &undelete_body(&[&gone, &live])).await;
    assert!(xml.contains("ALL_OR_NONE_OPERATION_ROLLED_BACK"), "{xml}");
    assert_eq!(
        get(&app, &format!("{V}/sobjects/Account/{gone}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

async fn soap_with_header(app: &Router, header: &str, body: &str) -> (StatusCode, String, String) {
    let envelope = format!(
        r#"<se:Envelope xmlns:se="http://schemas.xmlsoap.org/soap/envelope/"><se:Header>{header}</se:Header><se:Body>{body}</se:Body></se:Envelope>"#
    );
    let req = Request::builder()
        .method(Method::POST)
        .uri("/services/Soap/u/59.0/00D000000000001")
        .header("content-type", "text/xml")
        .body(Body::from(envelope))
        .unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .unwrap();
    (
        status,
        String::new(),
        String::from_utf8(bytes.to_vec()).unwrap(),
    )
}

#[tokio::test]
async fn bad_sessions_and_requests_are_soap_faults() {
    let (state, app) = emulator();
    let (status, ct, xml) = soap(&app, Some("nope"), &undelete_body(&["001000000000000AAA"])).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(ct, "text/xml;charset=UTF-8");
    assert!(
        xml.contains("<faultcode>sf:INVALID_SESSION_ID</faultcode>"),
        "{xml}"
    );
    assert!(xml.contains("<faultstring>INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session</faultstring>"), "{xml}");
    let (status, _, xml) = soap(&app, None, &undelete_body(&[])).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(xml.contains("sf:INVALID_SESSION_ID"));
    let (_, _, xml) = soap(&app, Some(TOKEN), "<frobnicate/>").await;
    assert!(
        xml.contains("<faultcode>soapenv:Client</faultcode>"),
        "{xml}"
    );
    let (_, _, xml) = soap_with_header(&app, "", "<undelete><ids>x").await;
    assert!(xml.contains("soapenv:Client"), "{xml}");
    assert_eq!(
        state.journal.to_json()["calls"]["soap"],
        1,
        "only authenticated calls count"
    );
}

#[tokio::test]
async fn login_issues_a_session_that_works_for_rest() {
    let (state, app) = emulator();
    state.set_instance_url("http://localhost:1234");
    let body = "<login xmlns=\"urn:partner.soap.sforce.com\"><username>orgsync@acme.example</username><password>secret</password></login>";
    let (status, _, xml) = soap_with_header(&app, "", body).await;
    assert_eq!(status, StatusCode::OK, "{xml}");
    assert!(
        xml.contains("<serverUrl>http://localhost:1234/services/Soap/u/59.0/00D"),
        "{xml}"
    );
    assert!(
        xml.contains(&format!(
            "<organizationId>{}</organizationId>",
            state.org_id
        )),
        "{xml}"
    );
    let session = xml
        .split("<sessionId>")
        .nth(1)
        .unwrap()
        .split("</sessionId>")
        .next()
        .unwrap();
    let a = common::send_with(
        &app,
        Method::GET,
        &format!("{V}/limits"),
        Some(session),
        &[],
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    let bad = body.replace("secret", "wrong");
    let (status, _, xml) = soap_with_header(&app, "", &bad).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        xml.contains("<faultcode>sf:INVALID_LOGIN</faultcode>"),
        "{xml}"
    );
}
