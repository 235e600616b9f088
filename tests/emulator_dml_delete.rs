//! Rollback, cascade delete and undelete, restricted deletes, hard delete, automation and
//! the replication windows.

use chrono::{DateTime, Duration, TimeZone, Utc};
use orgsync::emulator::dml::{Ctx, Tx};
use orgsync::emulator::fixture::{DefaultOrg, default_org};
use orgsync::emulator::model::{Org, Record};
use serde_json::{Map, Value, json};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 10, 0, 0).unwrap()
}

fn org() -> Org {
    default_org(DefaultOrg::Primary, 3).unwrap()
}

fn ctx(org: &Org, now: DateTime<Utc>) -> Ctx {
    Ctx {
        user_id: org.integration_user_id.clone().unwrap(),
        now,
    }
}

fn obj(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

fn snapshot(org: &Org) -> Vec<Record> {
    org.objects()
        .flat_map(|d| org.records(&d.name).cloned().collect::<Vec<_>>())
        .collect()
}

/// An account with two contacts, an opportunity, an invoice with a line, and a case that
/// points at one contact (Case.ContactId clears on delete; Case.AccountId is not set so the
/// restricted delete does not block).
struct Family {
    account: String,
    contacts: [String; 2],
    opp: String,
    invoice: String,
    line: String,
    case: String,
}

fn family(tx: &mut Tx<'_>) -> Family {
    let account = tx
        .insert("Account", obj(json!({"Name": "Family"})))
        .unwrap();
    let c1 = tx
        .insert(
            "Contact",
            obj(json!({"LastName": "One", "AccountId": account})),
        )
        .unwrap();
    let c2 = tx
        .insert(
            "Contact",
            obj(json!({"LastName": "Two", "AccountId": account})),
        )
        .unwrap();
    let opp = tx
        .insert("Opportunity", obj(json!({"Name": "O", "StageName": "Prospecting", "CloseDate": "2026-06-01", "AccountId": account})))
        .unwrap();
    let invoice = tx
        .insert("Invoice__c", obj(json!({"Account__c": account})))
        .unwrap();
    let line = tx
        .insert(
            "Invoice_Line__c",
            obj(json!({"Invoice__c": invoice, "Quantity__c": 1})),
        )
        .unwrap();
    let case = tx
        .insert("Case", obj(json!({"Subject": "S", "ContactId": c1})))
        .unwrap();
    Family {
        account,
        contacts: [c1, c2],
        opp,
        invoice,
        line,
        case,
    }
}

fn deleted(org: &Org, id: &str) -> bool {
    org.record(id).unwrap().is_deleted()
}

#[test]
fn rollback_restores_exactly() {
    let mut o = org();
    let before = snapshot(&o);
    let c = ctx(&o, now());
    let acct = o.records("Account").next().unwrap().id().to_owned();
    let mut tx = Tx::begin(&mut o, c);
    let f = family(&mut tx);
    tx.update(&acct, obj(json!({"Phone": "1"}))).unwrap();
    tx.delete(&f.account).unwrap();
    tx.rollback();
    assert_eq!(snapshot(&o), before);
    assert!(o.deletions().next().is_none());
    // Dropping without commit rolls back too; the unique index is restored with it.
    {
        let c = ctx(&o, now());
        let mut tx = Tx::begin(&mut o, c);
        tx.insert(
            "Account",
            obj(json!({"Name": "X", "External_Key__c": "ROLLED"})),
        )
        .unwrap();
    }
    assert_eq!(snapshot(&o), before);
    let c = ctx(&o, now());
    let mut tx = Tx::begin(&mut o, c);
    tx.insert(
        "Account",
        obj(json!({"Name": "X", "External_Key__c": "ROLLED"})),
    )
    .unwrap();
}

#[test]
fn cascade_delete_and_undelete_round_trip() {
    let mut o = org();
    let c = ctx(&o, now());
    let mut tx = Tx::begin(&mut o, c);
    let f = family(&mut tx);
    // Deleted on its own first: must stay deleted after the account's undelete.
    tx.delete(&f.contacts[1]).unwrap();
    tx.delete(&f.account).unwrap();
    let org = tx.org();
    for id in [&f.account, &f.contacts[0], &f.opp, &f.invoice, &f.line] {
        assert!(deleted(org, id), "{id} not deleted");
    }
    assert!(!deleted(org, &f.case));
    assert_eq!(
        org.record(&f.case).unwrap().get("ContactId"),
        Some(&Value::Null)
    );
    assert_eq!(
        org.deletion(&f.line).unwrap().cascade_root.as_deref(),
        Some(f.account.as_str())
    );
    assert_eq!(
        tx.update(&f.opp, obj(json!({"Name": "x"}))).unwrap_err()[0].status_code,
        "ENTITY_IS_DELETED"
    );
    // A cascade-deleted child cannot come back without its master.
    assert_eq!(
        tx.undelete(&f.invoice).unwrap_err()[0].status_code,
        "UNDELETE_FAILED"
    );

    tx.undelete(&f.account).unwrap();
    let org = tx.org();
    for id in [&f.account, &f.contacts[0], &f.opp, &f.invoice, &f.line] {
        assert!(!deleted(org, id), "{id} not restored");
    }
    assert!(deleted(org, &f.contacts[1]));
    assert_eq!(
        org.record(&f.case).unwrap().get("ContactId"),
        Some(&json!(f.contacts[0]))
    );
    assert_eq!(
        tx.undelete(&f.account).unwrap_err()[0].status_code,
        "UNDELETE_FAILED"
    );
}

#[test]
fn restricted_delete_and_undeletable_objects() {
    let mut o = org();
    let c = ctx(&o, now());
    let admin = c.user_id.clone();
    let mut tx = Tx::begin(&mut o, c);
    let acct = tx
        .insert("Account", obj(json!({"Name": "Has Cases"})))
        .unwrap();
    let case = tx
        .insert("Case", obj(json!({"Subject": "S", "AccountId": acct})))
        .unwrap();
    let err = tx.delete(&acct).unwrap_err();
    assert_eq!(err[0].status_code, "DELETE_FAILED");
    assert!(!deleted(tx.org(), &acct));
    tx.delete(&case).unwrap();
    tx.delete(&acct).unwrap();
    // Users cannot be deleted.
    assert_eq!(
        tx.delete(&admin).unwrap_err()[0].status_code,
        "INVALID_TYPE_FOR_OPERATION"
    );
    assert_eq!(
        tx.delete(&acct).unwrap_err()[0].status_code,
        "ENTITY_IS_DELETED"
    );
}

#[test]
fn hard_delete_and_purge_leave_tombstones_for_get_deleted() {
    let mut o = org();
    let c = ctx(&o, now());
    let mut tx = Tx::begin(&mut o, c);
    let f = family(&mut tx);
    tx.hard_delete(&f.invoice).unwrap();
    assert!(tx.org().record(&f.invoice).is_none());
    assert!(tx.org().record(&f.line).is_none());
    tx.delete(&f.opp).unwrap();
    tx.purge(&f.opp).unwrap();
    assert!(tx.org().record(&f.opp).is_none());
    tx.commit();
    let got = o
        .deleted_records(
            "Invoice_Line__c",
            now() - Duration::hours(1),
            now() + Duration::hours(1),
            now() + Duration::hours(1),
        )
        .unwrap();
    assert_eq!(got.deleted_records.len(), 1);
    assert_eq!(got.deleted_records[0].id, f.line);
    let got = o
        .deleted_records(
            "Opportunity",
            now() - Duration::hours(1),
            now() + Duration::hours(1),
            now() + Duration::hours(1),
        )
        .unwrap();
    assert_eq!(got.deleted_records[0].id, f.opp);
}

#[test]
fn replication_windows() {
    let mut o = org();
    let t0 = now();
    let c = ctx(&o, t0);
    let mut tx = Tx::begin(&mut o, c);
    let a = tx.insert("Account", obj(json!({"Name": "Early"}))).unwrap();
    tx.commit();
    let c = ctx(&o, t0 + Duration::minutes(10));
    let mut tx = Tx::begin(&mut o, c);
    let b = tx.insert("Account", obj(json!({"Name": "Later"}))).unwrap();
    tx.delete(&a).unwrap();
    tx.commit();
    let end_now = t0 + Duration::minutes(20);
    let got = o
        .updated_ids(
            "Account",
            t0 + Duration::minutes(5),
            t0 + Duration::seconds(15 * 60 + 42),
            end_now,
        )
        .unwrap();
    assert_eq!(got.ids, vec![b.clone()]);
    assert_eq!(got.latest_date_covered, t0 + Duration::minutes(15));
    let del = o
        .deleted_records("Account", t0 + Duration::minutes(5), end_now, end_now)
        .unwrap();
    assert_eq!(del.deleted_records[0].id, a);
    assert_eq!(
        del.deleted_records[0].deleted_date,
        t0 + Duration::minutes(10)
    );
    assert_eq!(del.earliest_date_available, end_now - Duration::days(15));
    let err = o.updated_ids("Account", end_now, t0, end_now).unwrap_err();
    assert_eq!(err.status_code, "INVALID_REPLICATION_DATE");
    let err = o
        .updated_ids("Account", end_now - Duration::days(31), end_now, end_now)
        .unwrap_err();
    assert_eq!(err.message, "startDate cannot be more than 30 days ago");
    let err = o
        .deleted_records("Account", end_now - Duration::days(16), end_now, end_now)
        .unwrap_err();
    assert_eq!(err.message, "startDate cannot be more than 15 days ago");
}

#[test]
fn automation_rules_fire_only_while_their_trigger_is_active() {
    let mut o = org();
    let c = ctx(&o, now());
    let mut tx = Tx::begin(&mut o, c);
    let a = tx.insert("Account", obj(json!({"Name": "Rated"}))).unwrap();
    assert_eq!(
        tx.org().record(&a).unwrap().get("Rating"),
        Some(&json!("Warm"))
    );
    let hot = tx
        .insert("Account", obj(json!({"Name": "Hot", "Rating": "Hot"})))
        .unwrap();
    assert_eq!(
        tx.org().record(&hot).unwrap().get("Rating"),
        Some(&json!("Hot"))
    );
    let case = tx
        .insert("Case", obj(json!({"Subject": "S", "Description": "d"})))
        .unwrap();
    tx.update(&case, obj(json!({"Subject": "S2"}))).unwrap();
    assert_eq!(
        tx.org().record(&case).unwrap().get("Description"),
        Some(&json!("d (checked)"))
    );
    let contact = tx
        .insert(
            "Contact",
            obj(json!({"LastName": "L", "Languages__c": "english"})),
        )
        .unwrap();
    assert_eq!(
        tx.org().record(&contact).unwrap().get("Languages__c"),
        Some(&json!("ENGLISH"))
    );

    // Deactivate AccountTrigger through its Tooling record.
    let trigger = tx
        .org()
        .records("ApexTrigger")
        .find(|t| t.get("Name") == Some(&json!("AccountTrigger")))
        .unwrap()
        .id()
        .to_owned();
    tx.update(&trigger, obj(json!({"Status": "Inactive"})))
        .unwrap();
    let b = tx
        .insert("Account", obj(json!({"Name": "Unrated"})))
        .unwrap();
    assert_eq!(tx.org().record(&b).unwrap().get("Rating"), None);
}

#[test]
fn secondary_has_the_case_trigger_inactive() {
    let mut o = default_org(DefaultOrg::Secondary, 3).unwrap();
    let c = ctx(&o, now());
    let mut tx = Tx::begin(&mut o, c);
    let case = tx
        .insert("Case", obj(json!({"Subject": "S", "Description": "d"})))
        .unwrap();
    tx.update(&case, obj(json!({"Subject": "S2"}))).unwrap();
    assert_eq!(
        tx.org().record(&case).unwrap().get("Description"),
        Some(&json!("d"))
    );
}
