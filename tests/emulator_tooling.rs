//! Tooling REST: query pages with Tooling's extra keys, describe, CRUD per metadata type,
//! CustomField / CustomObject schema changes, trigger status vs automation, and the
//! production ("active org") restriction.

#[path = "common/emulator.rs"]
mod common;

use axum::Router;
use axum::http::{Method, StatusCode};
use common::{TOKEN, get, send};
use orgsync::emulator::fixture::{DefaultOrg, default_org};
use orgsync::emulator::{EmulatorOptions, EmulatorState, app};
use serde_json::{Value, json};

const V: &str = "/services/data/v59.0";
const T: &str = "/services/data/v59.0/tooling";

/// The default primary org; `sandbox` turns it into a sandbox (Tooling writes allowed).
fn emulator(sandbox: bool) -> (EmulatorState, Router) {
    let mut org = default_org(DefaultOrg::Primary, 7).unwrap();
    org.identity.is_sandbox = sandbox;
    let mut o = EmulatorOptions::new(org);
    o.access_token = Some(TOKEN.to_owned());
    let state = EmulatorState::new(o);
    (state.clone(), app(state))
}

async fn post(app: &Router, uri: &str, body: Value) -> common::Answer {
    send(app, Method::POST, uri, Some(&body.to_string())).await
}

async fn patch(app: &Router, uri: &str, body: Value) -> common::Answer {
    send(app, Method::PATCH, uri, Some(&body.to_string())).await
}

async fn tooling_query(app: &Router, soql: &str) -> Value {
    let a = get(app, &format!("{T}/query/?q={}", urlencode(soql))).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    a.json()
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

async fn trigger_id(app: &Router, name: &str) -> String {
    let q = tooling_query(
        app,
        &format!("SELECT Id FROM ApexTrigger WHERE Name = '{name}'"),
    )
    .await;
    q["records"][0]["Id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn tooling_query_adds_size_locator_and_entity_type() {
    let (state, app) = emulator(false);
    let q = tooling_query(
        &app,
        "SELECT Id, Name, Status, TableEnumOrId FROM ApexTrigger",
    )
    .await;
    assert_eq!(q["size"], 4);
    assert_eq!(q["totalSize"], 4);
    assert_eq!(q["done"], true);
    assert_eq!(q["queryLocator"], Value::Null);
    assert_eq!(q["entityTypeName"], "ApexTrigger");
    let url = q["records"][0]["attributes"]["url"].as_str().unwrap();
    assert!(
        url.starts_with("/services/data/v59.0/tooling/sobjects/ApexTrigger/01q"),
        "{url}"
    );
    // jsforce's `conn.tooling.query` path has no trailing slash.
    let a = get(
        &app,
        &format!("{T}/query?q={}", urlencode("SELECT Id FROM ApexClass")),
    )
    .await;
    assert_eq!(a.json()["entityTypeName"], "ApexClass");
    assert_eq!(state.journal.to_json()["calls"]["tooling"], 2);
    // The data API does not serve Tooling objects.
    let a = get(
        &app,
        &format!("{V}/query?q={}", urlencode("SELECT Id FROM ApexTrigger")),
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(a.json()[0]["errorCode"], "INVALID_TYPE");
}

#[tokio::test]
async fn tooling_query_pages_through_locators() {
    let (_, app) = emulator(false);
    for n in 0..205 {
        let a = post(
            &app,
            &format!("{T}/sobjects/Layout"),
            json!({"FullName": format!("Account-Paging {n}")}),
        )
        .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    }
    let uri = format!(
        "{T}/query?q={}",
        urlencode("SELECT Id, Name FROM Layout WHERE Name LIKE 'Paging%'")
    );
    let a = common::send_with(
        &app,
        Method::GET,
        &uri,
        Some(TOKEN),
        &[("Sforce-Query-Options", "batchSize=200")],
        None,
    )
    .await;
    let first = a.json();
    assert_eq!(first["totalSize"], 205);
    assert_eq!(first["done"], false);
    assert_eq!(first["records"].as_array().unwrap().len(), 200);
    let next = first["nextRecordsUrl"].as_str().unwrap();
    assert!(
        next.starts_with("/services/data/v59.0/tooling/query/01g"),
        "{next}"
    );
    assert!(next.ends_with(first["queryLocator"].as_str().unwrap()));
    let second = get(&app, next).await.json();
    assert_eq!(second["done"], true);
    assert_eq!(second["records"].as_array().unwrap().len(), 5);
    assert_eq!(second["entityTypeName"], "Layout");
    assert_eq!(second["queryLocator"], Value::Null);
    assert_eq!(
        get(&app, next).await.json()[0]["errorCode"],
        "INVALID_QUERY_LOCATOR"
    );
}

#[tokio::test]
async fn describe_global_basic_info_and_describe_serve_tooling_objects() {
    let (_, app) = emulator(false);
    let g = get(&app, &format!("{T}/sobjects/")).await.json();
    let names: Vec<&str> = g["sobjects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    for n in [
        "ApexTrigger",
        "ApexClass",
        "ApexPage",
        "CustomObject",
        "CustomField",
        "Layout",
        "PermissionSet",
        "RecordType",
        "Profile",
    ] {
        assert!(names.contains(&n), "{n} in {names:?}");
    }
    assert!(!names.contains(&"Account"));
    assert_eq!(
        g["sobjects"][0]["urls"]["sobject"]
            .as_str()
            .unwrap()
            .split("/sobjects/")
            .next(),
        Some(T)
    );
    let info = get(&app, &format!("{T}/sobjects/ApexTrigger")).await.json();
    assert_eq!(info["objectDescribe"]["keyPrefix"], "01q");
    let d = get(&app, &format!("{T}/sobjects/ApexTrigger/describe"))
        .await
        .json();
    let status = d["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "Status")
        .unwrap();
    assert_eq!(status["type"], "picklist");
    assert_eq!(
        get(&app, &format!("{T}/sobjects/Account/describe"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&app, &format!("{V}/sobjects/ApexTrigger/describe"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

/// Create, read, update, query and delete one record of `object`.
async fn crud(app: &Router, object: &str, create: Value, change: Value, check: (&str, Value)) {
    let a = post(app, &format!("{T}/sobjects/{object}"), create).await;
    assert_eq!(a.status, StatusCode::CREATED, "{object}: {}", a.text);
    let id = a.json()["id"].as_str().unwrap().to_owned();
    assert!(
        a.header("location")
            .unwrap()
            .ends_with(&format!("/tooling/sobjects/{object}/{id}"))
    );
    let rec = get(app, &format!("{T}/sobjects/{object}/{id}")).await;
    assert_eq!(rec.status, StatusCode::OK, "{object}: {}", rec.text);
    assert_eq!(rec.json()["attributes"]["type"], object);
    let u = patch(app, &format!("{T}/sobjects/{object}/{id}"), change).await;
    assert_eq!(u.status, StatusCode::NO_CONTENT, "{object}: {}", u.text);
    let q = tooling_query(
        app,
        &format!("SELECT Id, {} FROM {object} WHERE Id = '{id}'", check.0),
    )
    .await;
    assert_eq!(q["records"][0][check.0], check.1, "{object}");
    let d = send(
        app,
        Method::DELETE,
        &format!("{T}/sobjects/{object}/{id}"),
        None,
    )
    .await;
    assert_eq!(d.status, StatusCode::NO_CONTENT, "{object}: {}", d.text);
    assert_eq!(
        get(app, &format!("{T}/sobjects/{object}/{id}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn crud_for_every_metadata_type_in_a_sandbox() {
    let (_, app) = emulator(true);
    crud(
        &app,
        "ApexClass",
        json!({"Name": "SyncHelper", "Body": "public class SyncHelper { }"}),
        json!({"Body": "public class SyncHelper { void x() {} }"}),
        ("Body", json!("public class SyncHelper { void x() {} }")),
    )
    .await;
    crud(
        &app,
        "ApexPage",
        json!({"Name": "SyncPage", "MasterLabel": "Sync Page", "Markup": "<apex:page/>"}),
        json!({"MasterLabel": "Sync Page 2"}),
        ("MasterLabel", json!("Sync Page 2")),
    )
    .await;
    crud(
        &app,
        "ApexTrigger",
        json!({"Body": "trigger LeadTrigger on Lead (before insert, after update) { }"}),
        json!({"Status": "Inactive"}),
        ("Status", json!("Inactive")),
    )
    .await;
    crud(
        &app,
        "Layout",
        json!({"FullName": "Lead-Sync Layout"}),
        json!({"Name": "Sync Layout 2"}),
        ("Name", json!("Sync Layout 2")),
    )
    .await;
    crud(
        &app,
        "PermissionSet",
        json!({"Name": "Sync_Access", "Label": "Sync Access"}),
        json!({"Label": "Sync Access 2"}),
        ("Label", json!("Sync Access 2")),
    )
    .await;
    crud(&app, "RecordType",
        json!({"Name": "Reseller", "DeveloperName": "Reseller", "SobjectType": "Account", "IsActive": true}),
        json!({"IsActive": false}),
        ("IsActive", json!(false))).await;
    let lic = get(
        &app,
        &format!(
            "{V}/query?q={}",
            urlencode("SELECT Id FROM UserLicense LIMIT 1")
        ),
    )
    .await
    .json();
    let lic = lic["records"][0]["Id"].as_str().unwrap().to_owned();
    crud(
        &app,
        "Profile",
        json!({"Name": "Sync Profile", "UserLicenseId": lic}),
        json!({"Description": "for sync"}),
        ("Description", json!("for sync")),
    )
    .await;
}

#[tokio::test]
async fn apex_trigger_create_derives_name_object_usage_and_metadata() {
    let (_, app) = emulator(true);
    let a = post(
        &app,
        &format!("{T}/sobjects/ApexTrigger"),
        json!({"Body": "trigger OppTrigger on Opportunity (before insert, after update) { }"}),
    )
    .await;
    let id = a.json()["id"].as_str().unwrap().to_owned();
    let rec = get(&app, &format!("{T}/sobjects/ApexTrigger/{id}"))
        .await
        .json();
    assert_eq!(rec["Name"], "OppTrigger");
    assert_eq!(rec["TableEnumOrId"], "Opportunity");
    assert_eq!(rec["UsageBeforeInsert"], true);
    assert_eq!(rec["UsageAfterUpdate"], true);
    assert_eq!(rec["UsageBeforeUpdate"], false);
    assert_eq!(rec["Status"], "Active");
    assert_eq!(rec["ApiVersion"], 59.0);
    assert_eq!(rec["Metadata"]["status"], "Active");
    let bad = post(&app, &format!("{T}/sobjects/ApexTrigger"),
        json!({"Name": "X", "TableEnumOrId": "NoSuch__c", "Body": "trigger X on NoSuch__c (before insert) { }"})).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.json()[0]["errorCode"], "FIELD_INTEGRITY_EXCEPTION");
}

#[tokio::test]
async fn custom_field_created_in_a_sandbox_is_described_writable_and_queryable() {
    let (_, app) = emulator(true);
    let a = post(&app, &format!("{T}/sobjects/CustomField"), json!({
        "FullName": "Account.Sync_Key__c",
        "Metadata": {"type": "Text", "length": 80, "label": "Sync Key", "externalId": true, "unique": true}
    })).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    let id = a.json()["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("00N"));
    let d = get(&app, &format!("{V}/sobjects/Account/describe"))
        .await
        .json();
    let f = d["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "Sync_Key__c")
        .unwrap()
        .clone();
    assert_eq!(
        (f["type"].clone(), f["length"].clone()),
        (json!("string"), json!(80))
    );
    assert_eq!(
        (
            f["externalId"].clone(),
            f["unique"].clone(),
            f["custom"].clone()
        ),
        (json!(true), json!(true), json!(true))
    );
    assert_eq!(f["label"], "Sync Key");
    // Writable (upsert on the new external ID) and queryable.
    let up = patch(
        &app,
        &format!("{V}/sobjects/Account/Sync_Key__c/SRC-1"),
        json!({"Name": "Via New Key"}),
    )
    .await;
    assert_eq!(up.status, StatusCode::CREATED, "{}", up.text);
    let q = get(
        &app,
        &format!(
            "{V}/query?q={}",
            urlencode("SELECT Name FROM Account WHERE Sync_Key__c = 'SRC-1'")
        ),
    )
    .await
    .json();
    assert_eq!(q["records"][0]["Name"], "Via New Key");
    // The Tooling record and its Metadata.
    let rec = get(&app, &format!("{T}/sobjects/CustomField/{id}"))
        .await
        .json();
    assert_eq!(rec["FullName"], "Account.Sync_Key__c");
    assert_eq!(rec["TableEnumOrId"], "Account");
    assert_eq!(rec["Metadata"]["length"], 80);
    let q = tooling_query(&app, "SELECT Id, DeveloperName FROM CustomField WHERE TableEnumOrId = 'Account' AND DeveloperName = 'Sync_Key'").await;
    assert_eq!(q["records"][0]["Id"], id.as_str());
    // Update: a longer field; then delete: gone from describe.
    let u = patch(&app, &format!("{T}/sobjects/CustomField/{id}"), json!({
        "Metadata": {"type": "Text", "length": 120, "label": "Sync Key", "externalId": true, "unique": true}
    })).await;
    assert_eq!(u.status, StatusCode::NO_CONTENT, "{}", u.text);
    let d = get(&app, &format!("{V}/sobjects/Account/describe"))
        .await
        .json();
    let f = d["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "Sync_Key__c")
        .unwrap()
        .clone();
    assert_eq!(f["length"], 120);
    assert_eq!(
        send(
            &app,
            Method::DELETE,
            &format!("{T}/sobjects/CustomField/{id}"),
            None
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );
    let d = get(&app, &format!("{V}/sobjects/Account/describe"))
        .await
        .json();
    assert!(
        d["fields"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["name"] != "Sync_Key__c")
    );
}

#[tokio::test]
async fn custom_field_errors_are_reported_like_salesforce() {
    let (_, app) = emulator(true);
    let uri = format!("{T}/sobjects/CustomField");
    let dup = post(
        &app,
        &uri,
        json!({"FullName": "Account.External_Key__c", "Metadata": {"type": "Text", "length": 10}}),
    )
    .await;
    assert_eq!(dup.status, StatusCode::BAD_REQUEST);
    assert_eq!(dup.json()[0]["errorCode"], "DUPLICATE_DEVELOPER_NAME");
    let no_meta = post(&app, &uri, json!({"FullName": "Account.New__c"})).await;
    assert_eq!(no_meta.json()[0]["errorCode"], "REQUIRED_FIELD_MISSING");
    let no_object = post(
        &app,
        &uri,
        json!({"FullName": "Nope__c.New__c", "Metadata": {"type": "Text", "length": 10}}),
    )
    .await;
    assert_eq!(
        no_object.json()[0]["errorCode"],
        "FIELD_INTEGRITY_EXCEPTION"
    );
    let bad_target = post(&app, &uri, json!({"FullName": "Account.L__c", "Metadata": {"type": "Lookup", "referenceTo": "Nope__c"}})).await;
    assert_eq!(
        bad_target.json()[0]["errorCode"],
        "FIELD_INTEGRITY_EXCEPTION"
    );
    let d = get(&app, &format!("{V}/sobjects/Account/describe"))
        .await
        .json();
    assert!(
        d["fields"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["name"] != "L__c"),
        "failed writes change nothing"
    );
}

#[tokio::test]
async fn custom_object_gets_a_prefix_standard_fields_fields_and_data() {
    let (_, app) = emulator(true);
    let a = post(&app, &format!("{T}/sobjects/CustomObject"), json!({
        "FullName": "Shipment__c",
        "Metadata": {"label": "Shipment", "pluralLabel": "Shipments", "nameField": {"type": "Text", "label": "Shipment Name"}, "deploymentStatus": "Deployed", "sharingModel": "ReadWrite"}
    })).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    let co = a.json()["id"].as_str().unwrap().to_owned();
    let d = get(&app, &format!("{V}/sobjects/Shipment__c/describe"))
        .await
        .json();
    let prefix = d["keyPrefix"].as_str().unwrap().to_owned();
    assert!(prefix.starts_with('a') && prefix.len() == 3, "{prefix}");
    assert_eq!(d["custom"], true);
    let names: Vec<&str> = d["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    for n in [
        "Id",
        "Name",
        "OwnerId",
        "CreatedDate",
        "SystemModstamp",
        "IsDeleted",
    ] {
        assert!(names.contains(&n), "{n}");
    }
    let f = post(&app, &format!("{T}/sobjects/CustomField"), json!({
        "FullName": "Shipment__c.Weight__c", "Metadata": {"type": "Number", "precision": 10, "scale": 2, "label": "Weight"}
    })).await;
    assert_eq!(f.status, StatusCode::CREATED, "{}", f.text);
    let fid = f.json()["id"].as_str().unwrap().to_owned();
    let rec = get(&app, &format!("{T}/sobjects/CustomField/{fid}"))
        .await
        .json();
    assert_eq!(rec["TableEnumOrId"], co.as_str());
    let r = post(
        &app,
        &format!("{V}/sobjects/Shipment__c"),
        json!({"Name": "S-1", "Weight__c": 12.5}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert!(r.json()["id"].as_str().unwrap().starts_with(&prefix));
    let q = get(
        &app,
        &format!(
            "{V}/query?q={}",
            urlencode("SELECT Name, Weight__c FROM Shipment__c")
        ),
    )
    .await
    .json();
    assert_eq!(q["records"][0]["Weight__c"], 12.5);
    assert_eq!(
        get(&app, &format!("{T}/sobjects/CustomObject/{co}"))
            .await
            .json()["Metadata"]["label"],
        "Shipment"
    );
    assert_eq!(
        send(
            &app,
            Method::DELETE,
            &format!("{T}/sobjects/CustomObject/{co}"),
            None
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        get(&app, &format!("{V}/sobjects/Shipment__c/describe"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&app, &format!("{T}/sobjects/CustomField/{fid}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn production_refuses_apex_and_schema_writes_with_salesforce_message() {
    let (_, app) = emulator(false);
    let creates = [
        (
            "ApexClass",
            json!({"Name": "X", "Body": "public class X {}"}),
        ),
        (
            "ApexPage",
            json!({"Name": "X", "MasterLabel": "X", "Markup": "<apex:page/>"}),
        ),
        (
            "ApexTrigger",
            json!({"Body": "trigger X on Account (before insert) { }"}),
        ),
        (
            "CustomField",
            json!({"FullName": "Account.X__c", "Metadata": {"type": "Text", "length": 10}}),
        ),
        (
            "CustomObject",
            json!({"FullName": "X__c", "Metadata": {"label": "X"}}),
        ),
    ];
    for (object, body) in creates {
        let a = post(&app, &format!("{T}/sobjects/{object}"), body).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{object}");
        assert_eq!(
            a.json(),
            json!([{"message": "Save or update not supported in active organizations", "errorCode": "INVALID_TYPE"}]),
            "{object}"
        );
    }
    let id = trigger_id(&app, "AccountTrigger").await;
    let a = patch(
        &app,
        &format!("{T}/sobjects/ApexTrigger/{id}"),
        json!({"Status": "Inactive"}),
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        a.json()[0]["message"],
        "Save or update not supported in active organizations"
    );
    let d = send(
        &app,
        Method::DELETE,
        &format!("{T}/sobjects/ApexTrigger/{id}"),
        None,
    )
    .await;
    assert_eq!(d.status, StatusCode::BAD_REQUEST);
    let q = tooling_query(
        &app,
        "SELECT Status FROM ApexTrigger WHERE Name = 'AccountTrigger'",
    )
    .await;
    assert_eq!(q["records"][0]["Status"], "Active");
    // Other metadata types are writable in production.
    let ok = post(
        &app,
        &format!("{T}/sobjects/PermissionSet"),
        json!({"Name": "P", "Label": "P"}),
    )
    .await;
    assert_eq!(ok.status, StatusCode::CREATED);
}

#[tokio::test]
async fn trigger_status_switches_its_automation_in_a_sandbox() {
    let (_, app) = emulator(true);
    let rating = |app: Router, name: &'static str| async move {
        let r = post(
            &app,
            &format!("{V}/sobjects/Account"),
            json!({"Name": name}),
        )
        .await;
        let id = r.json()["id"].as_str().unwrap().to_owned();
        get(&app, &format!("{V}/sobjects/Account/{id}?fields=Rating"))
            .await
            .json()["Rating"]
            .clone()
    };
    assert_eq!(rating(app.clone(), "Before").await, "Warm");
    let id = trigger_id(&app, "AccountTrigger").await;
    let a = patch(
        &app,
        &format!("{T}/sobjects/ApexTrigger/{id}"),
        json!({"Status": "Inactive"}),
    )
    .await;
    assert_eq!(a.status, StatusCode::NO_CONTENT, "{}", a.text);
    assert_eq!(rating(app.clone(), "While Inactive").await, Value::Null);
    let a = patch(
        &app,
        &format!("{T}/sobjects/ApexTrigger/{id}"),
        json!({"Metadata": {"status": "Active", "apiVersion": 62.0}}),
    )
    .await;
    assert_eq!(a.status, StatusCode::NO_CONTENT, "{}", a.text);
    assert_eq!(rating(app.clone(), "Again").await, "Warm");
}
