//! Triggers and metadata through the Tooling API, against wiremock orgs (the emulator does not
//! serve `/tooling` yet): the trigger difference of the default fixtures (an inactive trigger in
//! the secondary), metadata of every supported kind with full names resolved, one Tooling call
//! per kind, and the wiring into a whole observe run.

use orgsync::observe::read::OrgReader;
use orgsync::observe::tooling::{read_metadata, read_triggers};
use orgsync::observe::{self, MetadataKind, ObserveOptions, OrgRole};
use orgsync::org::{Auth, CallClass, OrgClient, OrgConfig, RetryPolicy};
use secrecy::SecretString;
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param_contains};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const TOOLING_QUERY: &str = "/services/data/v62.0/tooling/query";

fn client(server: &MockServer) -> OrgClient {
    let mut cfg = OrgConfig::new(
        url::Url::parse(&server.uri()).unwrap(),
        Auth::AccessToken {
            access_token: SecretString::from("tok"),
        },
    );
    cfg.retry = RetryPolicy::none();
    OrgClient::new(cfg).unwrap()
}

fn page(entity: &str, records: Vec<Value>) -> Value {
    json!({"size": records.len(), "totalSize": records.len(), "done": true,
           "queryLocator": null, "entityTypeName": entity, "records": records})
}

fn trigger(name: &str, object: &str, status: &str) -> Value {
    json!({"attributes": {"type": "ApexTrigger"}, "Id": format!("01q{name}"), "Name": name,
           "TableEnumOrId": object, "Status": status, "ApiVersion": 62.0,
           "Body": format!("trigger {name} on {object} (before insert) {{ }}")})
}

/// The default fixtures' triggers; `case_status` is the CaseTrigger_UpdateDesc status.
async fn mount_triggers(server: &MockServer, case_status: &str) {
    let rows = vec![
        trigger("AccountTrigger", "Account", "Active"),
        trigger("CaseTrigger_UpdateDesc", "Case", case_status),
        trigger("ContactTrigger_Normalize", "Contact", "Active"),
    ];
    Mock::given(method("GET"))
        .and(path(TOOLING_QUERY))
        .and(query_param_contains("q", "FROM ApexTrigger"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page("ApexTrigger", rows)))
        .mount(server)
        .await;
}

async fn mount_metadata(server: &MockServer) {
    let date = "2025-01-15T09:30:00.000+0000";
    let kinds: Vec<(&str, Vec<Value>)> = vec![
        (
            "ApexPage",
            vec![
                json!({"Id": "066A", "Name": "InvoicePdf", "MasterLabel": "Invoice PDF", "ApiVersion": 62.0, "Markup": "<apex:page/>", "LastModifiedDate": date}),
            ],
        ),
        (
            "CustomObject",
            vec![
                json!({"Id": "01I000000000001AAA", "DeveloperName": "Invoice", "Description": null, "LastModifiedDate": date}),
            ],
        ),
        (
            "CustomField",
            vec![
                json!({"Id": "00NA", "DeveloperName": "Status", "TableEnumOrId": "01I000000000001AAA", "Description": null, "LastModifiedDate": date}),
                json!({"Id": "00NB", "DeveloperName": "External_Key", "TableEnumOrId": "Account", "Description": null, "LastModifiedDate": date}),
            ],
        ),
        (
            "Layout",
            vec![
                json!({"Id": "00hA", "Name": "Invoice Layout", "TableEnumOrId": "01I000000000001", "LayoutType": "Standard", "LastModifiedDate": date}),
            ],
        ),
        (
            "PermissionSet",
            vec![
                json!({"Id": "0PSA", "Name": "OrgSync_Integration", "Label": "OrgSync Integration", "Description": null, "LastModifiedDate": date}),
            ],
        ),
        (
            "RecordType",
            vec![
                json!({"Id": "012A", "Name": "Partner", "DeveloperName": "Partner", "SobjectType": "Account", "IsActive": true, "Description": null, "LastModifiedDate": date}),
            ],
        ),
        (
            "Profile",
            vec![
                json!({"Id": "00eA", "Name": "Standard User", "Description": null, "LastModifiedDate": date}),
            ],
        ),
    ];
    for (entity, rows) in kinds {
        Mock::given(method("GET"))
            .and(path(TOOLING_QUERY))
            .and(query_param_contains("q", format!("FROM {entity}")))
            .respond_with(ResponseTemplate::new(200).set_body_json(page(entity, rows)))
            .mount(server)
            .await;
    }
    // Apex classes over two pages.
    let mut first = page(
        "ApexClass",
        vec![
            json!({"Id": "01pB", "Name": "AccountRatingTest", "Body": "@IsTest class AccountRatingTest {}", "LastModifiedDate": date}),
        ],
    );
    first["done"] = json!(false);
    first["nextRecordsUrl"] = json!("/services/data/v62.0/tooling/query/01gA-1");
    Mock::given(method("GET"))
        .and(path(TOOLING_QUERY))
        .and(query_param_contains("q", "FROM ApexClass"))
        .respond_with(ResponseTemplate::new(200).set_body_json(first))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/services/data/v62.0/tooling/query/01gA-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(
            "ApexClass",
            vec![json!({"Id": "01pA", "Name": "AccountRating", "Body": "public class AccountRating {}", "LastModifiedDate": date})],
        )))
        .mount(server)
        .await;
}

#[tokio::test]
async fn an_inactive_trigger_in_the_secondary_shows() {
    let (p, s) = (MockServer::start().await, MockServer::start().await);
    mount_triggers(&p, "Active").await;
    mount_triggers(&s, "Inactive").await;
    let read = |server| async move {
        read_triggers(&OrgReader::new(OrgRole::Primary, client(server), 4))
            .await
            .unwrap()
    };
    let (pt, st) = (read(&p).await, read(&s).await);
    assert_eq!(pt.len(), 3);
    let case = |ts: &[observe::ApexTrigger]| {
        ts.iter()
            .find(|t| t.name == "CaseTrigger_UpdateDesc")
            .unwrap()
            .clone()
    };
    assert_eq!(case(&pt).status, "Active");
    assert_eq!(case(&st).status, "Inactive");
    assert_eq!(case(&pt).object, "Case");
    assert_eq!(case(&pt).body_hash, case(&st).body_hash);
    assert_eq!(case(&pt).api_version.as_deref(), Some("62.0"));
    let names: Vec<&str> = pt.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "AccountTrigger",
            "CaseTrigger_UpdateDesc",
            "ContactTrigger_Normalize"
        ]
    );
}

#[tokio::test]
async fn metadata_of_every_kind_with_full_names() {
    let server = MockServer::start().await;
    mount_metadata(&server).await;
    let c = client(&server);
    let items = read_metadata(&OrgReader::new(OrgRole::Primary, c.clone(), 2))
        .await
        .unwrap();
    let names: Vec<(MetadataKind, &str)> = items
        .iter()
        .map(|i| (i.kind, i.full_name.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            (MetadataKind::ApexClass, "AccountRating"),
            (MetadataKind::ApexClass, "AccountRatingTest"),
            (MetadataKind::ApexPage, "InvoicePdf"),
            (MetadataKind::CustomObject, "Invoice__c"),
            (MetadataKind::CustomField, "Account.External_Key__c"),
            (MetadataKind::CustomField, "Invoice__c.Status__c"),
            (MetadataKind::Layout, "Invoice__c-Invoice Layout"),
            (MetadataKind::PermissionSet, "OrgSync_Integration"),
            (MetadataKind::RecordType, "Account.Partner"),
            (MetadataKind::Profile, "Standard User"),
        ]
    );
    assert_eq!(items[0].content, "public class AccountRating {}");
    assert_eq!(items[2].content, "<apex:page/>");
    assert_eq!(
        items[0].last_modified.as_deref(),
        Some("2025-01-15T09:30:00.000+0000")
    );
    // One Tooling query per kind, plus the second page of Apex classes.
    assert_eq!(c.usage().calls[&CallClass::Tooling], 9);
}

/// Answers a composite request: every describe 404 (objects absent), every query one row that
/// carries the fields of the org identity and integration user queries.
struct Composite;

impl Respond for Composite {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        let subs = body["compositeRequest"].as_array().unwrap();
        let answers: Vec<Value> = subs
            .iter()
            .map(|s| {
                let url = s["url"].as_str().unwrap();
                let (status, body) = if url.contains("/describe") {
                    (404, json!([{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}]))
                } else {
                    (200, json!({"totalSize": 1, "done": true, "records": [{
                        "attributes": {"type": "X"}, "Id": "00Dxx0000001gEREAY",
                        "OrganizationType": "Developer Edition", "IsSandbox": true,
                        "Username": "int@example.com", "Profile": {"Name": "Integration"}}]}))
                };
                json!({"body": body, "httpHeaders": {}, "httpStatusCode": status,
                       "referenceId": s["referenceId"]})
            })
            .collect();
        ResponseTemplate::new(200)
            .insert_header("Sforce-Limit-Info", "api-usage=7/15000")
            .set_body_json(json!({"compositeResponse": answers}))
    }
}

async fn mount_org(server: &MockServer, case_status: &str) {
    Mock::given(method("POST"))
        .and(path("/services/data/v62.0/composite"))
        .respond_with(Composite)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/services/oauth2/userinfo"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "user_id": "005xx000001SvTmAAK", "organization_id": "00Dxx0000001gEREAY",
            "preferred_username": "int@example.com", "email": "private@example.com"})))
        .mount(server)
        .await;
    mount_triggers(server, case_status).await;
    mount_metadata(server).await;
}

#[tokio::test]
async fn a_whole_run_reads_triggers_and_metadata_when_asked() {
    let (p, s) = (MockServer::start().await, MockServer::start().await);
    mount_org(&p, "Active").await;
    mount_org(&s, "Inactive").await;
    let text = format!(
        "apiVersion: orgsync.dev/v1
kind: OrgSync
metadata: {{name: observe-mock}}
spec:
  orgs:
    primary:
      instanceUrl: {p}
      auth: {{method: access-token, accessToken: {{env: OBSERVE_T_MOCK_UNUSED}}}}
    secondary:
      instanceUrl: {s}
      auth: {{method: access-token, accessToken: {{env: OBSERVE_T_MOCK_UNUSED}}}}
  connection:
    type: replication
    direction: one-way
    syncMetadata: true
  triggers:
    default: inactive-in-secondary
  objects:
    Account:
      publish: {{fields: [Name]}}
",
        p = p.uri(),
        s = s.uri()
    );
    let spec = orgsync::spec::check_source("mock.yaml", text, std::path::Path::new("."))
        .spec
        .unwrap();
    let snap = observe::observe_with(&spec, &client(&p), &client(&s), ObserveOptions::default())
        .await
        .unwrap();
    let status = |o: &observe::OrgSnapshot| o.triggers.as_ref().unwrap()[1].status.clone();
    assert_eq!(status(&snap.primary), "Active");
    assert_eq!(status(&snap.secondary), "Inactive");
    assert_eq!(snap.secondary.metadata.as_ref().unwrap().len(), 10);
    assert_eq!(snap.primary.object("Account"), Some(None));
    assert_eq!(snap.primary.edition, "Developer Edition");
    assert!(snap.primary.is_sandbox);
    assert_eq!(snap.primary.integration_user.username, "int@example.com");
    assert_eq!(snap.primary.limits.daily_max, 15_000);
    assert_eq!(snap.primary.limits.daily_remaining, 14_993);
    assert!(snap.primary.users.is_none());
    assert!(
        !serde_json::to_string(&snap)
            .unwrap()
            .contains("private@example.com")
    );
}
