//! Metadata API REST deploy: multipart request, Pending → InProgress → Succeeded/Failed
//! polling, trigger deactivation in production with RunLocalTests, checkOnly, NoTestRun in
//! production, component failures with rollback, fields and objects in a sandbox.

#[path = "common/emulator.rs"]
mod common;

use std::io::Write;

use axum::Router;
use axum::http::{Method, StatusCode};
use common::{TOKEN, get, send, send_with};
use orgsync::emulator::fixture::{DefaultOrg, default_org};
use orgsync::emulator::{EmulatorOptions, EmulatorState, app};
use serde_json::{Value, json};

const V: &str = "/services/data/v59.0";
const BOUNDARY: &str = "orgsyncBoundary42";

fn emulator(sandbox: bool) -> Router {
    let mut org = default_org(DefaultOrg::Primary, 11).unwrap();
    org.identity.is_sandbox = sandbox;
    let mut o = EmulatorOptions::new(org);
    o.access_token = Some(TOKEN.to_owned());
    app(EmulatorState::new(o))
}

fn zip(files: &[(&str, &str)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for (name, text) in files {
        w.start_file(*name, opts).unwrap();
        w.write_all(text.as_bytes()).unwrap();
    }
    w.finish().unwrap().into_inner()
}

const PACKAGE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Package xmlns="http://soap.sforce.com/2006/04/metadata"><types><members>*</members><name>ApexTrigger</name></types><version>59.0</version></Package>"#;

fn trigger_inactive() -> Vec<(&'static str, &'static str)> {
    vec![
        ("package.xml", PACKAGE),
        (
            "triggers/AccountTrigger.trigger",
            "trigger AccountTrigger on Account (before insert, before update) { }",
        ),
        (
            "triggers/AccountTrigger.trigger-meta.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?>
<ApexTrigger xmlns="http://soap.sforce.com/2006/04/metadata"><apiVersion>59.0</apiVersion><status>Inactive</status></ApexTrigger>"#,
        ),
    ]
}

async fn deploy(app: &Router, options: Value, files: &[(&str, &str)]) -> common::Answer {
    let mut body = Vec::new();
    body.extend_from_slice(format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"json\"\r\nContent-Type: application/json\r\n\r\n").as_bytes());
    body.extend_from_slice(json!({"deployOptions": options}).to_string().as_bytes());
    body.extend_from_slice(format!("\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"deploy.zip\"\r\nContent-Type: application/zip\r\n\r\n").as_bytes());
    body.extend_from_slice(&zip(files));
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    let req = axum::http::Request::builder()
        .method(Method::POST)
        .uri(format!("{V}/metadata/deployRequest"))
        .header("authorization", format!("Bearer {TOKEN}"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(axum::body::Body::from(body))
        .unwrap();
    use tower::ServiceExt;
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .unwrap();
    common::Answer {
        status,
        headers,
        text: String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

/// Create a deploy and poll it to the end; returns (create body, final body).
async fn run(app: &Router, options: Value, files: &[(&str, &str)]) -> (Value, Value) {
    let a = deploy(app, options, files).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    let created = a.json();
    let id = created["id"].as_str().unwrap().to_owned();
    let uri = format!("{V}/metadata/deployRequest/{id}?includeDetails=true");
    let first = get(app, &uri).await.json();
    assert_eq!(first["deployResult"]["status"], "InProgress");
    assert_eq!(first["deployResult"]["done"], false);
    let last = get(app, &uri).await.json();
    assert_eq!(last["deployResult"]["done"], true, "{last}");
    (created, last)
}

async fn new_account_rating(app: &Router) -> Value {
    let a = send(
        app,
        Method::POST,
        &format!("{V}/sobjects/Account"),
        Some(r#"{"Name":"Deploy Probe"}"#),
    )
    .await;
    let id = a.json()["id"].as_str().unwrap().to_owned();
    get(app, &format!("{V}/sobjects/Account/{id}?fields=Rating"))
        .await
        .json()["Rating"]
        .clone()
}

async fn trigger_status(app: &Router) -> Value {
    let q = url::form_urlencoded::byte_serialize(
        b"SELECT Status FROM ApexTrigger WHERE Name = 'AccountTrigger'",
    )
    .collect::<String>();
    get(app, &format!("{V}/tooling/query?q={q}")).await.json()["records"][0]["Status"].clone()
}

#[tokio::test]
async fn production_deploy_with_run_local_tests_deactivates_a_trigger() {
    let app = emulator(false);
    let a = deploy(
        &app,
        json!({"testLevel": "RunLocalTests", "singlePackage": true}),
        &trigger_inactive(),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    let created = a.json();
    assert_eq!(created["deployResult"]["status"], "Pending");
    assert!(created["id"].as_str().unwrap().starts_with("0Af"));
    assert_eq!(created["deployOptions"]["testLevel"], "RunLocalTests");
    let uri = format!(
        "{V}/metadata/deployRequest/{}?includeDetails=true",
        created["id"].as_str().unwrap()
    );
    assert_eq!(
        get(&app, &uri).await.json()["deployResult"]["status"],
        "InProgress"
    );
    assert_eq!(
        new_account_rating(&app).await,
        "Warm",
        "nothing applies before the deploy finishes"
    );
    let done = get(&app, &uri).await.json();
    let r = &done["deployResult"];
    assert_eq!(r["status"], "Succeeded", "{done}");
    assert_eq!(r["success"], true);
    assert_eq!(r["numberComponentsDeployed"], 1);
    assert_eq!(r["numberComponentErrors"], 0);
    assert_eq!(r["numberTestsCompleted"], 1, "the org's one @IsTest class");
    assert_eq!(r["details"]["runTestResult"]["numTestsRun"], 1);
    assert_eq!(
        r["details"]["componentSuccesses"][0]["fullName"],
        "AccountTrigger"
    );
    assert_eq!(
        r["details"]["componentSuccesses"][0]["componentType"],
        "ApexTrigger"
    );
    assert_eq!(trigger_status(&app).await, "Inactive");
    assert_eq!(
        new_account_rating(&app).await,
        Value::Null,
        "the automation stopped firing"
    );
}

#[tokio::test]
async fn check_only_validates_without_applying() {
    let app = emulator(false);
    let (_, done) = run(
        &app,
        json!({"checkOnly": true, "testLevel": "RunLocalTests"}),
        &trigger_inactive(),
    )
    .await;
    assert_eq!(done["deployResult"]["status"], "Succeeded", "{done}");
    assert_eq!(done["deployResult"]["checkOnly"], true);
    assert_eq!(trigger_status(&app).await, "Active");
    assert_eq!(new_account_rating(&app).await, "Warm");
}

#[tokio::test]
async fn no_test_run_is_refused_for_apex_in_production_only() {
    let app = emulator(false);
    let (_, done) = run(&app, json!({"testLevel": "NoTestRun"}), &trigger_inactive()).await;
    let r = &done["deployResult"];
    assert_eq!(r["status"], "Failed");
    assert_eq!(r["success"], false);
    assert_eq!(r["errorStatusCode"], "INVALID_OPERATION");
    assert_eq!(
        r["errorMessage"],
        "testLevel of NoTestRun cannot be used in production organizations"
    );
    assert_eq!(trigger_status(&app).await, "Active");
    let sandbox = emulator(true);
    let (_, done) = run(
        &sandbox,
        json!({"testLevel": "NoTestRun"}),
        &trigger_inactive(),
    )
    .await;
    assert_eq!(done["deployResult"]["status"], "Succeeded");
    assert_eq!(done["deployResult"]["numberTestsCompleted"], 0);
    assert_eq!(trigger_status(&sandbox).await, "Inactive");
}

#[tokio::test]
async fn failed_components_are_detailed_and_roll_back_the_deploy() {
    let app = emulator(false);
    let files = [
        ("package.xml", PACKAGE),
        (
            "objects/Account/fields/Deploy_Key__c.field-meta.xml",
            r#"<CustomField xmlns="http://soap.sforce.com/2006/04/metadata"><fullName>Deploy_Key__c</fullName><label>Deploy Key</label><type>Text</type><length>40</length><externalId>true</externalId></CustomField>"#,
        ),
        (
            "objects/Account/fields/Broken__c.field-meta.xml",
            r#"<CustomField xmlns="http://soap.sforce.com/2006/04/metadata"><fullName>Broken__c</fullName><type>Hierarchy</type></CustomField>"#,
        ),
        ("layouts/Account-Deploy.layout", "<Layout/>"),
    ];
    let (_, done) = run(
        &app,
        json!({"testLevel": "RunLocalTests", "rollbackOnError": true}),
        &files,
    )
    .await;
    let r = &done["deployResult"];
    assert_eq!(r["status"], "Failed", "{done}");
    assert_eq!(r["numberComponentErrors"], 2);
    assert_eq!(r["numberComponentsTotal"], 3);
    assert_eq!(r["numberComponentsDeployed"], 0);
    let failures = r["details"]["componentFailures"].as_array().unwrap();
    let files: Vec<&str> = failures
        .iter()
        .map(|f| f["fileName"].as_str().unwrap())
        .collect();
    assert!(
        files.contains(&"layouts/Account-Deploy.layout"),
        "{files:?}"
    );
    assert!(
        failures
            .iter()
            .all(|f| f["success"] == false && f["problemType"] == "Error")
    );
    assert!(
        failures
            .iter()
            .any(|f| f["problem"].as_str().unwrap().contains("Hierarchy"))
    );
    let d = get(&app, &format!("{V}/sobjects/Account/describe"))
        .await
        .json();
    assert!(
        d["fields"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["name"] != "Deploy_Key__c"),
        "rolled back"
    );
}

#[tokio::test]
async fn sandbox_deploy_creates_objects_and_fields() {
    let app = emulator(true);
    let files = [
        ("unpackaged/package.xml", PACKAGE),
        (
            "unpackaged/objects/Widget__c.object",
            r#"<CustomObject xmlns="http://soap.sforce.com/2006/04/metadata"><label>Widget</label><pluralLabel>Widgets</pluralLabel><nameField><label>Widget Name</label><type>Text</type></nameField><fields><fullName>Size__c</fullName><label>Size</label><type>Number</type><precision>5</precision><scale>1</scale></fields></CustomObject>"#,
        ),
    ];
    let (_, done) = run(&app, json!({"singlePackage": false}), &files).await;
    assert_eq!(done["deployResult"]["status"], "Succeeded", "{done}");
    assert_eq!(done["deployResult"]["numberComponentsDeployed"], 2);
    let d = get(&app, &format!("{V}/sobjects/Widget__c/describe"))
        .await
        .json();
    assert_eq!(d["labelPlural"], "Widgets");
    let size = d["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "Size__c")
        .unwrap()
        .clone();
    assert_eq!(
        (
            size["type"].clone(),
            size["precision"].clone(),
            size["scale"].clone()
        ),
        (json!("double"), json!(5), json!(1))
    );
    let r = send(
        &app,
        Method::POST,
        &format!("{V}/sobjects/Widget__c"),
        Some(r#"{"Name":"W","Size__c":2.5}"#),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
}

#[tokio::test]
async fn malformed_requests_are_refused() {
    let app = emulator(true);
    let a = send(
        &app,
        Method::POST,
        &format!("{V}/metadata/deployRequest"),
        Some("{}"),
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(a.json()[0]["errorCode"], "INVALID_MULTIPART_REQUEST");
    assert_eq!(
        get(
            &app,
            &format!("{V}/metadata/deployRequest/0Af000000000001AAA")
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    let (_, done) = run(
        &app,
        json!({}),
        &[(
            "triggers/X.trigger",
            "trigger X on Account (before insert) {}",
        )],
    )
    .await;
    assert_eq!(done["deployResult"]["status"], "Failed");
    assert_eq!(done["deployResult"]["errorMessage"], "No package.xml found");
    let del = send_with(
        &app,
        Method::DELETE,
        &format!("{V}/metadata/deployRequest"),
        Some(TOKEN),
        &[],
        None,
    )
    .await;
    assert_eq!(del.status, StatusCode::METHOD_NOT_ALLOWED);
}
