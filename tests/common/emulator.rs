//! Shared helpers for the emulator HTTP tests: a small org built from the model, and a
//! `oneshot` client for the router.
#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use orgsync::emulator::model::{FieldDef, FieldType, ObjectDef, Org, OrgIdentity};
use orgsync::emulator::{EmulatorOptions, EmulatorState, app};
use serde_json::Value;
use tower::ServiceExt;

/// The static token of test emulators.
pub const TOKEN: &str = "00D000000000001!AQtesttoken";

fn system_fields(fields: &mut Vec<FieldDef>) {
    let mut id = FieldDef::new("Id", FieldType::Id);
    id.nillable = false;
    id.createable = false;
    id.updateable = false;
    id.defaulted_on_create = true;
    id.id_lookup = true;
    fields.insert(0, id);
    let mut deleted = FieldDef::new("IsDeleted", FieldType::Boolean);
    deleted.createable = false;
    deleted.updateable = false;
    deleted.nillable = false;
    deleted.defaulted_on_create = true;
    deleted.default_value = Some(Value::Bool(false));
    fields.push(deleted);
    for name in ["CreatedDate", "LastModifiedDate", "SystemModstamp"] {
        let mut f = FieldDef::new(name, FieldType::Datetime);
        f.createable = false;
        f.updateable = false;
        f.nillable = false;
        f.defaulted_on_create = true;
        fields.push(f);
    }
    for name in ["CreatedById", "LastModifiedById"] {
        let mut f = FieldDef::new(name, FieldType::Reference);
        f.createable = false;
        f.updateable = false;
        f.nillable = false;
        f.defaulted_on_create = true;
        f.reference_to = vec!["User".into()];
        f.relationship_name = Some(name.trim_end_matches("Id").to_owned());
        fields.push(f);
    }
}

fn object(name: &str, prefix: &str, mut fields: Vec<FieldDef>) -> ObjectDef {
    system_fields(&mut fields);
    ObjectDef {
        name: name.into(),
        label: name.into(),
        label_plural: format!("{name}s"),
        key_prefix: prefix.into(),
        custom: name.ends_with("__c"),
        createable: true,
        updateable: true,
        deletable: true,
        undeletable: true,
        queryable: true,
        retrieveable: true,
        replicateable: true,
        searchable: true,
        triggerable: true,
        feed_enabled: false,
        layoutable: true,
        mergeable: false,
        tooling: false,
        fields,
        child_relationships: vec![],
    }
}

fn text(name: &str, len: u32) -> FieldDef {
    let mut f = FieldDef::new(name, FieldType::String);
    f.length = len;
    f
}

/// A small org: Account (with `Ext_Id__c` external ID and a `ParentId` self-lookup) and
/// Contact (lookup to Account).
pub fn test_org(seed: u64) -> Org {
    let mut org = Org::new(
        OrgIdentity {
            id: format!("00D00000000000{seed}AAA"),
            name: format!("Test Org {seed}"),
            edition: "Enterprise Edition".into(),
            is_sandbox: false,
            daily_api_allowance: 15_000,
            audit_fields_on_insert: false,
        },
        seed,
    );
    let mut name = text("Name", 255);
    name.nillable = false;
    name.name_field = true;
    let mut ext = text("Ext_Id__c", 80);
    ext.external_id = true;
    ext.unique = true;
    let mut parent = FieldDef::new("ParentId", FieldType::Reference);
    parent.reference_to = vec!["Account".into()];
    parent.relationship_name = Some("Parent".into());
    parent.child_relationship_name = Some("ChildAccounts".into());
    let mut employees = FieldDef::new("NumberOfEmployees", FieldType::Int);
    employees.digits = 8;
    org.put_object(object(
        "Account",
        "001",
        vec![name, text("Industry", 40), employees, ext, parent],
    ));
    let mut last = text("LastName", 80);
    last.nillable = false;
    let mut account = FieldDef::new("AccountId", FieldType::Reference);
    account.reference_to = vec!["Account".into()];
    account.relationship_name = Some("Account".into());
    let mut email = FieldDef::new("Email", FieldType::Email);
    email.length = 80;
    org.put_object(object(
        "Contact",
        "003",
        vec![text("FirstName", 40), last, account, email],
    ));
    org
}

/// Options with fixed credentials around [`test_org`].
pub fn options(seed: u64) -> EmulatorOptions {
    let mut o = EmulatorOptions::new(test_org(seed));
    o.seed = seed;
    o.access_token = Some(TOKEN.to_owned());
    o.client_id = Some("test-client-id".to_owned());
    o.client_secret = Some("test-client-secret".to_owned());
    o.refresh_token = Some("5Aep861test.refresh".to_owned());
    o.password = Some("pw".to_owned());
    o
}

/// A state and its router.
pub fn router() -> (EmulatorState, Router) {
    let state = EmulatorState::new(options(1));
    (state.clone(), app(state))
}

/// One answer of the router.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
}

impl Answer {
    /// The body as JSON (`Null` when empty).
    pub fn json(&self) -> Value {
        if self.text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&self.text).unwrap()
        }
    }

    /// A header as text.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    }
}

/// Send one request to the router; `token` adds `Authorization: Bearer`.
pub async fn send_with(
    app: &Router,
    method: Method,
    uri: &str,
    token: Option<&str>,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Answer {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    if body.is_some() {
        req = req.header("content-type", "application/json");
    }
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let req = req.body(Body::from(body.unwrap_or("").to_owned())).unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .unwrap();
    Answer {
        status,
        headers,
        text: String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

/// Send with the static token.
pub async fn send(app: &Router, method: Method, uri: &str, body: Option<&str>) -> Answer {
    send_with(app, method, uri, Some(TOKEN), &[], body).await
}

/// `GET` with the static token.
pub async fn get(app: &Router, uri: &str) -> Answer {
    send(app, Method::GET, uri, None).await
}
