//! A small org: Account (self lookup Parent, Owner → User), Contact (Account lookup), User, and
//! a Tooling object.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use crate::emulator::model::{FieldDef, FieldType, ObjectDef, Org, OrgIdentity, Record};
use crate::emulator::soql::{ExecOptions, QueryOutput, SoqlError, run};

pub fn object(name: &str, prefix: &str, fields: Vec<FieldDef>) -> ObjectDef {
    let mut all = vec![
        FieldDef::new("Id", FieldType::Id),
        FieldDef::new("IsDeleted", FieldType::Boolean),
        FieldDef::new("CreatedDate", FieldType::Datetime),
        FieldDef::new("SystemModstamp", FieldType::Datetime),
    ];
    all.extend(fields);
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
        fields: all,
        child_relationships: Vec::new(),
    }
}

pub fn lookup(name: &str, target: &str, rel: &str, child_rel: Option<&str>) -> FieldDef {
    let mut f = FieldDef::new(name, FieldType::Reference);
    f.reference_to = vec![target.into()];
    f.relationship_name = Some(rel.into());
    f.child_relationship_name = child_rel.map(Into::into);
    f
}

/// The 18-character ID of record `n` of an object with key prefix `prefix`.
pub fn id(prefix: &str, n: u32) -> String {
    let id15 = format!("{prefix}xx{:010}", n);
    crate::emulator::model::ids::to18(&id15).unwrap()
}

pub fn record(object: &str, fields: Value) -> Record {
    let Value::Object(mut m) = fields else {
        panic!("record fields must be an object")
    };
    m.entry("IsDeleted").or_insert(json!(false));
    Record {
        object: object.into(),
        fields: m,
    }
}

pub fn empty_org() -> Org {
    let identity = OrgIdentity {
        id: "00Dxx0000000001AAA".into(),
        name: "Test".into(),
        edition: "Developer Edition".into(),
        is_sandbox: false,
        daily_api_allowance: 15000,
        audit_fields_on_insert: false,
    };
    let mut org = Org::new(identity, 7);
    org.put_object(object(
        "User",
        "005",
        vec![
            FieldDef::new("Username", FieldType::String),
            FieldDef::new("Name", FieldType::String),
        ],
    ));
    let mut employees = FieldDef::new("NumberOfEmployees", FieldType::Int);
    employees.digits = 8;
    org.put_object(object(
        "Account",
        "001",
        vec![
            FieldDef::new("Name", FieldType::String),
            FieldDef::new("Industry", FieldType::Picklist),
            employees,
            FieldDef::new("AnnualRevenue", FieldType::Currency),
            lookup("ParentId", "Account", "Parent", Some("ChildAccounts")),
            lookup("OwnerId", "User", "Owner", None),
            FieldDef::new("Regions__c", FieldType::Multipicklist),
            FieldDef::new("Active__c", FieldType::Boolean),
        ],
    ));
    org.put_object(object(
        "Contact",
        "003",
        vec![
            FieldDef::new("LastName", FieldType::String),
            lookup("AccountId", "Account", "Account", None),
            FieldDef::new("Birthdate", FieldType::Date),
        ],
    ));
    let mut trigger = object(
        "ApexTrigger",
        "01q",
        vec![
            FieldDef::new("Name", FieldType::String),
            FieldDef::new("Status", FieldType::Picklist),
        ],
    );
    trigger.tooling = true;
    org.put_object(trigger);
    let mut hidden = object("Hidden", "0Hx", vec![]);
    hidden.queryable = false;
    org.put_object(hidden);
    org
}

/// The org the query tests share.
pub fn org() -> Org {
    let mut org = empty_org();
    let u1 = id("005", 1);
    org.put_record(record(
        "User",
        json!({"Id": u1, "Username": "ada@example.com", "Name": "Ada"}),
    ));
    let a = |n| id("001", n);
    let accounts = [
        json!({"Id": a(1), "Name": "Acme", "Industry": "Technology", "NumberOfEmployees": 100,
               "AnnualRevenue": 1000000.0, "OwnerId": u1, "Regions__c": "EMEA;APAC", "Active__c": true,
               "CreatedDate": "2024-03-13T09:00:00.000+0000"}),
        json!({"Id": a(2), "Name": "acme labs", "Industry": "Technology", "NumberOfEmployees": 5,
               "ParentId": a(1), "OwnerId": u1, "Regions__c": "EMEA", "Active__c": false,
               "CreatedDate": "2024-03-12T23:59:59.000+0000"}),
        json!({"Id": a(3), "Name": "Globex", "Industry": null, "NumberOfEmployees": 2500,
               "AnnualRevenue": 5.5, "ParentId": a(2), "Active__c": true,
               "CreatedDate": "2024-02-20T10:00:00.000+0000"}),
        json!({"Id": a(4), "Name": "Initech", "Industry": "Finance",
               "CreatedDate": "2023-12-31T10:00:00.000+0000"}),
        json!({"Id": a(5), "Name": "Deleted Co", "Industry": "Finance", "IsDeleted": true,
               "CreatedDate": "2024-03-01T10:00:00.000+0000"}),
    ];
    for f in accounts {
        org.put_record(record("Account", f));
    }
    let c = |n| id("003", n);
    let contacts = [
        json!({"Id": c(1), "LastName": "Smith", "AccountId": a(1), "Birthdate": "1980-01-31"}),
        json!({"Id": c(2), "LastName": "O'Brien", "AccountId": a(1), "Birthdate": "2024-03-13"}),
        json!({"Id": c(3), "LastName": "Jones", "AccountId": a(3), "Birthdate": null}),
        json!({"Id": c(4), "LastName": "Gone", "AccountId": a(1), "IsDeleted": true}),
        json!({"Id": c(5), "LastName": "Orphan"}),
    ];
    for f in contacts {
        org.put_record(record("Contact", f));
    }
    org.put_record(record(
        "ApexTrigger",
        json!({"Id": id("01q", 1), "Name": "AccountTrigger", "Status": "Active"}),
    ));
    org
}

/// Wednesday 2024-03-13 15:30 UTC.
pub fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2024-03-13T15:30:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

pub fn opts() -> ExecOptions {
    ExecOptions {
        include_deleted: false,
        now: now(),
        api_version: "59.0".into(),
        tooling: false,
    }
}

pub fn q(org: &Org, soql: &str) -> QueryOutput {
    run(org, soql, &opts()).unwrap_or_else(|e| panic!("{soql}: {e}"))
}

pub fn err(org: &Org, soql: &str) -> SoqlError {
    match run(org, soql, &opts()) {
        Ok(_) => panic!("{soql}: expected an error"),
        Err(e) => e,
    }
}

/// One string field of every returned record.
pub fn col(out: &QueryOutput, field: &str) -> Vec<String> {
    out.records
        .iter()
        .map(|r: &Map<String, Value>| match r.get(field) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Null) | None => "<null>".into(),
            Some(v) => v.to_string(),
        })
        .collect()
}
