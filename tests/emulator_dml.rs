//! DML rules of the emulator: each with a failing and a passing case.

use chrono::{DateTime, TimeZone, Utc};
use orgsync::emulator::dml::{Ctx, DmlError, Tx, UpsertError};
use orgsync::emulator::fixture::{DefaultOrg, default_org};
use orgsync::emulator::model::Org;
use serde_json::{Map, Value, json};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 10, 0, 0).unwrap()
}

fn org() -> Org {
    default_org(DefaultOrg::Primary, 7).unwrap()
}

fn ctx(org: &Org) -> Ctx {
    Ctx {
        user_id: org.integration_user_id.clone().unwrap(),
        now: now(),
    }
}

fn obj(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

fn code(r: Result<impl std::fmt::Debug, Vec<DmlError>>) -> String {
    r.unwrap_err()[0].status_code.clone()
}

fn first_id(org: &Org, object: &str) -> String {
    org.records(object).next().unwrap().id().to_owned()
}

#[test]
fn required_fields() {
    let mut o = org();
    let c = ctx(&o);
    let mut tx = Tx::begin(&mut o, c);
    let err = tx
        .insert("Opportunity", obj(json!({"Amount": 5})))
        .unwrap_err();
    assert_eq!(err[0].status_code, "REQUIRED_FIELD_MISSING");
    assert_eq!(
        err[0].message,
        "Required fields are missing: [Name, StageName, CloseDate]"
    );
    assert_eq!(err[0].fields, ["Name", "StageName", "CloseDate"]);
    tx.insert(
        "Opportunity",
        obj(json!({"Name": "N", "StageName": "Prospecting", "CloseDate": "2026-05-01"})),
    )
    .unwrap();
    // Clearing a required field on update is refused too.
    let acct = first_id(tx.org(), "Account");
    assert_eq!(
        code(tx.update(&acct, obj(json!({"Name": null})))),
        "REQUIRED_FIELD_MISSING"
    );
}

#[test]
fn string_lengths() {
    let mut o = org();
    let c = ctx(&o);
    let mut tx = Tx::begin(&mut o, c);
    let err = tx
        .insert("Account", obj(json!({"Name": "x".repeat(256)})))
        .unwrap_err();
    assert_eq!(err[0].status_code, "STRING_TOO_LONG");
    assert!(
        err[0].message.ends_with("(max length=255)"),
        "{}",
        err[0].message
    );
    assert_eq!(err[0].fields, ["Name"]);
    tx.insert("Account", obj(json!({"Name": "x".repeat(255)})))
        .unwrap();
}

#[test]
fn restricted_and_unrestricted_picklists() {
    let mut o = org();
    let c = ctx(&o);
    let mut tx = Tx::begin(&mut o, c);
    let err = tx
        .insert(
            "Account",
            obj(json!({"Name": "A", "Customer_Priority__c": "Urgent"})),
        )
        .unwrap_err();
    assert_eq!(
        err[0].status_code,
        "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"
    );
    assert_eq!(err[0].fields, ["Customer_Priority__c"]);
    // Unrestricted picklists take any value.
    let id = tx
        .insert(
            "Account",
            obj(json!({"Name": "A", "Customer_Priority__c": "High", "SLA__c": "Tin", "Segments__c": "SMB; Enterprise"})),
        )
        .unwrap();
    let rec = tx.org().record(&id).unwrap();
    assert_eq!(rec.get("SLA__c"), Some(&json!("Tin")));
    assert_eq!(rec.get("Segments__c"), Some(&json!("SMB;Enterprise")));
}

#[test]
fn read_only_and_unknown_fields() {
    let mut o = org();
    let c = ctx(&o);
    let acct = first_id(&o, "Account");
    let mut tx = Tx::begin(&mut o, c);
    let err = tx
        .insert(
            "Invoice__c",
            obj(
                json!({"Account__c": acct, "Name": "INV-9", "CreatedDate": "2020-01-01T00:00:00Z"}),
            ),
        )
        .unwrap_err();
    assert_eq!(err[0].status_code, "INVALID_FIELD_FOR_INSERT_UPDATE");
    assert_eq!(err[0].fields, ["Name", "CreatedDate"]);
    assert!(err[0].message.starts_with(
        "Unable to create/update fields: Name, CreatedDate. Please check the security settings"
    ));
    let err = tx
        .insert("Account", obj(json!({"Name": "A", "Nope__c": 1})))
        .unwrap_err();
    assert_eq!(err[0].status_code, "INVALID_FIELD");
    assert_eq!(
        err[0].message,
        "No such column 'Nope__c' on sobject of type Account"
    );
    // Any-case field names resolve to the canonical name.
    let id = tx.insert("account", obj(json!({"name": "lower"}))).unwrap();
    assert_eq!(
        tx.org().record(&id).unwrap().get("Name"),
        Some(&json!("lower"))
    );
    // Master-detail is not reparentable, formula fields are read-only.
    let inv = first_id(tx.org(), "Invoice__c");
    assert_eq!(
        code(tx.update(&inv, obj(json!({"Account__c": acct})))),
        "INVALID_FIELD_FOR_INSERT_UPDATE"
    );
    assert_eq!(
        code(tx.update(&inv, obj(json!({"Days_Overdue__c": 3})))),
        "INVALID_FIELD_FOR_INSERT_UPDATE"
    );
}

#[test]
fn audit_fields_only_on_insert_and_only_with_the_permission() {
    let mut o = org();
    o.identity.audit_fields_on_insert = true;
    // The permission shows in describe as createable audit fields.
    let mut def = o.object("Account").unwrap().clone();
    for f in &mut def.fields {
        if [
            "CreatedDate",
            "CreatedById",
            "LastModifiedDate",
            "LastModifiedById",
        ]
        .contains(&f.name.as_str())
        {
            f.createable = true;
        }
    }
    o.put_object(def);
    let c = ctx(&o);
    let mut tx = Tx::begin(&mut o, c);
    let id = tx
        .insert(
            "Account",
            obj(json!({"Name": "Old", "CreatedDate": "2019-05-01T08:00:00.000+0000"})),
        )
        .unwrap();
    let rec = tx.org().record(&id).unwrap();
    assert_eq!(
        rec.get("CreatedDate"),
        Some(&json!("2019-05-01T08:00:00.000+0000"))
    );
    assert_eq!(
        rec.get("SystemModstamp"),
        Some(&json!("2026-03-01T10:00:00.000+0000"))
    );
    assert_eq!(
        code(tx.update(&id, obj(json!({"CreatedDate": "2019-05-02T08:00:00Z"})))),
        "INVALID_FIELD_FOR_INSERT_UPDATE"
    );
    assert_eq!(
        code(tx.insert(
            "Account",
            obj(json!({"Name": "A", "SystemModstamp": "2019-05-02T08:00:00Z"}))
        )),
        "INVALID_FIELD_FOR_INSERT_UPDATE"
    );
}

#[test]
fn lookups_ids_and_references() {
    let mut o = org();
    let c = ctx(&o);
    let acct = first_id(&o, "Account");
    let contact = first_id(&o, "Contact");
    let mut tx = Tx::begin(&mut o, c);
    let bad = |v: &str| obj(json!({"LastName": "L", "AccountId": v}));
    let err = tx.insert("Contact", bad("001xyz")).unwrap_err();
    assert_eq!(err[0].status_code, "MALFORMED_ID");
    assert_eq!(err[0].fields, ["AccountId"]);
    assert_eq!(
        code(tx.insert("Contact", bad(&contact))),
        "FIELD_INTEGRITY_EXCEPTION"
    );
    let missing = format!("{}zzzzz", &acct[..10]);
    assert_eq!(
        code(tx.insert("Contact", bad(&missing))),
        "INVALID_CROSS_REFERENCE_KEY"
    );
    // A 15-character ID is stored in its 18-character form.
    let id = tx.insert("Contact", bad(&acct[..15])).unwrap();
    assert_eq!(
        tx.org().record(&id).unwrap().get("AccountId"),
        Some(&json!(acct))
    );
    // Updates and deletes take 15-character IDs too.
    tx.update(&id[..15], obj(json!({"Title": "T"}))).unwrap();
    assert_eq!(
        code(tx.update("bad", obj(json!({"Title": "T"})))),
        "MALFORMED_ID"
    );
}

#[test]
fn unique_and_external_ids_and_upsert() {
    let mut o = org();
    let c = ctx(&o);
    let mut tx = Tx::begin(&mut o, c);
    let holder = tx
        .org()
        .records("Account")
        .find(|r| r.get("External_Key__c") == Some(&json!("ACC-0001")))
        .unwrap()
        .id()
        .to_owned();
    let err = tx
        .insert(
            "Account",
            obj(json!({"Name": "Dup", "External_Key__c": "acc-0001"})),
        )
        .unwrap_err();
    assert_eq!(err[0].status_code, "DUPLICATE_VALUE");
    assert_eq!(
        err[0].message,
        format!(
            "duplicate value found: External_Key__c duplicates value on record with id: {holder}"
        )
    );
    // Upsert: update the match, insert when none.
    let up = tx
        .upsert(
            "Account",
            "External_Key__c",
            "ACC-0001",
            obj(json!({"Phone": "1"})),
        )
        .unwrap();
    assert_eq!((up.id.as_str(), up.created), (holder.as_str(), false));
    let up = tx
        .upsert(
            "Account",
            "External_Key__c",
            "NEW-1",
            obj(json!({"Name": "New"})),
        )
        .unwrap();
    assert!(up.created);
    // A non-unique external ID held twice is ambiguous.
    tx.insert(
        "Contact",
        obj(json!({"LastName": "A", "Contact_Key__c": "K"})),
    )
    .unwrap();
    tx.insert(
        "Contact",
        obj(json!({"LastName": "B", "Contact_Key__c": "K"})),
    )
    .unwrap();
    let err = tx
        .upsert("Contact", "Contact_Key__c", "K", obj(json!({"Title": "x"})))
        .unwrap_err();
    assert!(matches!(err, UpsertError::Multiple(ids) if ids.len() == 2));
}

#[test]
fn numbers_emails_and_json_shapes() {
    let mut o = org();
    let c = ctx(&o);
    let mut tx = Tx::begin(&mut o, c);
    let err = tx
        .insert(
            "Account",
            obj(json!({"Name": "A", "Discount_Rate__c": 1000})),
        )
        .unwrap_err();
    assert_eq!(err[0].status_code, "NUMBER_OUTSIDE_VALID_RANGE");
    assert_eq!(err[0].fields, ["Discount_Rate__c"]);
    assert_eq!(
        code(tx.insert(
            "Account",
            obj(json!({"Name": "A", "NumberOfEmployees": 123456789}))
        )),
        "NUMBER_OUTSIDE_VALID_RANGE"
    );
    let err = tx
        .insert(
            "Account",
            obj(json!({"Name": "A", "AnnualRevenue": "lots"})),
        )
        .unwrap_err();
    assert_eq!(err[0].status_code, "JSON_PARSER_ERROR");
    assert!(
        err[0]
            .message
            .starts_with("Cannot deserialize instance of currency from VALUE_STRING value lots")
    );
    assert_eq!(
        code(tx.insert(
            "Account",
            obj(json!({"Name": "A", "Industry": ["Banking"]}))
        )),
        "JSON_PARSER_ERROR"
    );
    assert_eq!(
        code(tx.insert(
            "Account",
            obj(json!({"Name": "A", "Support_Email__c": "not-an-email"}))
        )),
        "INVALID_EMAIL_ADDRESS"
    );
    let id = tx
        .insert(
            "Account",
            obj(json!({"Name": "A", "Discount_Rate__c": 12.345, "AnnualRevenue": "1500",
                "Support_Email__c": "help@acme.example", "Last_Reviewed__c": "2024-03-01T11:00:00+01:00",
                "SLA_Expiration_Date__c": "2027-01-31", "Review_Time__c": "09:30:00Z", "Website": ""})),
        )
        .unwrap();
    let rec = tx.org().record(&id).unwrap();
    assert_eq!(rec.get("Discount_Rate__c"), Some(&json!(12.35)));
    assert_eq!(rec.get("AnnualRevenue"), Some(&json!(1500.0)));
    assert_eq!(
        rec.get("Last_Reviewed__c"),
        Some(&json!("2024-03-01T10:00:00.000+0000"))
    );
    assert_eq!(rec.get("Review_Time__c"), Some(&json!("09:30:00.000Z")));
    assert_eq!(rec.get("Website"), Some(&Value::Null));
    assert_eq!(
        code(tx.insert(
            "Account",
            obj(json!({"Name": "A", "SLA_Expiration_Date__c": "31/01/2027"}))
        )),
        "JSON_PARSER_ERROR"
    );
}

#[test]
fn server_kept_fields_defaults_and_derived_values() {
    let mut o = org();
    let c = ctx(&o);
    let admin = c.user_id.clone();
    let acct = first_id(&o, "Account");
    let mut tx = Tx::begin(&mut o, c);
    let case = tx.insert("Case", obj(json!({"Subject": "S"}))).unwrap();
    let rec = tx.org().record(&case).unwrap().clone();
    assert_eq!(rec.get("Status"), Some(&json!("New")));
    assert_eq!(rec.get("IsEscalated"), Some(&json!(false)));
    assert_eq!(rec.get("OwnerId"), Some(&json!(admin)));
    assert_eq!(rec.get("IsDeleted"), Some(&json!(false)));
    assert_eq!(
        rec.get("CreatedDate"),
        Some(&json!("2026-03-01T10:00:00.000+0000"))
    );
    let number = rec.get("CaseNumber").and_then(Value::as_str).unwrap();
    assert!(
        number.len() == 8 && number.bytes().all(|b| b.is_ascii_digit()),
        "{number}"
    );
    let inv = tx
        .insert("Invoice__c", obj(json!({"Account__c": acct})))
        .unwrap();
    let name = tx
        .org()
        .record(&inv)
        .unwrap()
        .get("Name")
        .and_then(Value::as_str)
        .unwrap()
        .to_owned();
    assert!(name.starts_with("INV-") && name.len() == 8, "{name}");
    let c = tx
        .insert(
            "Contact",
            obj(json!({"FirstName": "Grace", "LastName": "Hopper", "MailingCity": "Arlington"})),
        )
        .unwrap();
    let rec = tx.org().record(&c).unwrap();
    assert_eq!(rec.get("Name"), Some(&json!("Grace Hopper")));
    assert_eq!(
        rec.get("MailingAddress").and_then(|a| a.get("city")),
        Some(&json!("Arlington"))
    );
    assert_eq!(
        code(tx.update(&c, obj(json!({"Name": "X"})))),
        "INVALID_FIELD_FOR_INSERT_UPDATE"
    );
    let id = tx
        .insert("Account", obj(json!({"Name": "Geo", "Headquarters__Latitude__s": 1.5, "Headquarters__Longitude__s": 2.5})))
        .unwrap();
    assert_eq!(
        tx.org().record(&id).unwrap().get("Headquarters__c"),
        Some(&json!({"latitude": 1.5, "longitude": 2.5}))
    );
}

#[test]
fn update_stamps_modification_fields() {
    let mut o = org();
    let c = ctx(&o);
    let id = first_id(&o, "Account");
    let created = o.record(&id).unwrap().get("CreatedDate").cloned();
    let mut later = c.clone();
    later.now = Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).unwrap();
    let mut tx = Tx::begin(&mut o, later);
    tx.update(&id, obj(json!({"Phone": "555"}))).unwrap();
    let rec = tx.org().record(&id).unwrap();
    assert_eq!(
        rec.get("LastModifiedDate"),
        Some(&json!("2026-03-02T00:00:00.000+0000"))
    );
    assert_eq!(
        rec.get("SystemModstamp"),
        Some(&json!("2026-03-02T00:00:00.000+0000"))
    );
    assert_eq!(rec.get("CreatedDate").cloned(), created);
    let touched = tx.commit();
    assert_eq!(touched, vec![id]);
}
