//! Fixture loading: located errors, the documented differences between the default orgs,
//! references that resolve, valid IDs.

use orgsync::emulator::fixture::{DefaultOrg, FixtureError, default_org, load_str};
use orgsync::emulator::model::{FieldType, Org, ids};
use serde_json::Value;

const MINIMAL: &str = r#"
org:
  name: Tiny
  edition: Developer Edition
  dailyApiAllowance: 15000
  instanceSeed: 9
  integrationUser: admin
base: standard
profiles:
  - {ref: lic, type: UserLicense, Name: Salesforce}
  - {ref: p, Name: System Administrator, UserLicenseId: {ref: lic}}
users:
  - {ref: admin, Username: a@tiny.example, LastName: A, Email: a@tiny.example, Alias: a, ProfileId: {ref: p}, TimeZoneSidKey: GMT, LocaleSidKey: en_US, EmailEncodingKey: UTF-8, LanguageLocaleKey: en_US}
records:
"#;

fn located(text: &str) -> (u64, u64, String) {
    match load_str("tiny.yaml", text).unwrap_err() {
        FixtureError::Invalid {
            file,
            line,
            column,
            message,
        } => {
            assert_eq!(file, "tiny.yaml");
            (line, column, message)
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn a_minimal_fixture_loads() {
    let org = load_str(
        "tiny.yaml",
        &format!("{MINIMAL}  - {{type: Account, Name: A}}\n"),
    )
    .unwrap();
    assert_eq!(org.record_count("Account"), 1);
    assert_eq!(org.identity.edition, "Developer Edition");
}

#[test]
fn errors_name_file_line_and_column() {
    let (line, column, message) = located("org: [unclosed\n");
    assert!(line >= 1 && column >= 1, "{line}:{column} {message}");

    let (line, _, message) = located(&format!(
        "{MINIMAL}  - {{type: Contact, LastName: L, AccountId: {{ref: nowhere}}}}\n"
    ));
    assert_eq!(line, 15);
    assert!(message.contains("unknown ref `nowhere`"), "{message}");

    let (line, _, message) = located(&format!("{MINIMAL}  - {{type: Account, Nme: A}}\n"));
    assert_eq!(line, 15);
    assert!(message.contains("INVALID_FIELD"), "{message}");

    let (line, _, message) =
        located(&MINIMAL.replace("instanceSeed: 9", "instanceSeed: 9\n  colour: blue"));
    assert_eq!(line, 7);
    assert!(message.contains("colour"), "{message}");

    let (_, _, message) = located(&format!(
        "{}objects:\n  Widget__c: {{keyPrefix: \"001\"}}\n",
        MINIMAL.replace("records:\n", "")
    ));
    assert!(
        message.contains("keyPrefix 001 is already used"),
        "{message}"
    );
}

#[test]
fn load_file_reports_missing_files() {
    let err = orgsync::emulator::fixture::load_file(std::path::Path::new("/nonexistent/x.yaml"))
        .unwrap_err();
    assert!(matches!(err, FixtureError::Read { .. }));
    assert!(err.to_string().contains("/nonexistent/x.yaml"));
}

/// Every lookup value in every record points at a live record of a target object.
fn assert_references_resolve(org: &Org) {
    for def in org.objects() {
        for rec in org.records(&def.name) {
            let id = rec.id();
            assert!(ids::is_valid(id) && id.len() == 18, "{id}");
            assert_eq!(ids::key_prefix(id), def.key_prefix, "{} {id}", def.name);
            for f in def
                .fields
                .iter()
                .filter(|f| f.ftype == FieldType::Reference)
            {
                let Some(target) = rec.get(&f.name).and_then(Value::as_str) else {
                    continue;
                };
                let t = org
                    .record(target)
                    .unwrap_or_else(|| panic!("{}.{} -> {target}", def.name, f.name));
                assert!(
                    f.reference_to
                        .iter()
                        .any(|r| r.eq_ignore_ascii_case(&t.object))
                );
            }
        }
    }
}

#[test]
fn default_orgs_resolve_and_have_valid_ids() {
    for which in [DefaultOrg::Primary, DefaultOrg::Secondary] {
        let org = default_org(which, 0).unwrap();
        assert_references_resolve(&org);
        assert!(org.identity.id.starts_with("00D"));
        assert!(!org.identity.is_sandbox);
        assert_eq!(org.identity.edition, "Enterprise Edition");
        let orgrec = org.record(&org.identity.id).unwrap();
        assert_eq!(orgrec.object, "Organization");
    }
}

#[test]
fn primary_is_realistic() {
    let org = default_org(DefaultOrg::Primary, 0).unwrap();
    let total: usize = [
        "Account",
        "Contact",
        "Lead",
        "Opportunity",
        "Case",
        "CaseComment",
        "Task",
        "Product2",
        "Invoice__c",
        "Invoice_Line__c",
    ]
    .iter()
    .map(|o| org.record_count(o))
    .sum();
    assert!(total >= 300, "{total}");
    let user_types: Vec<&str> = org
        .records("User")
        .filter_map(|u| u.get("UserType").and_then(Value::as_str))
        .collect();
    assert!(
        user_types.contains(&"Standard")
            && user_types.contains(&"PowerPartner")
            && user_types.contains(&"Guest")
    );
    assert!(
        org.records("Account")
            .any(|a| a.get("ParentId").is_some_and(|p| !p.is_null()))
    );
    // The canary value later tests look for in orgsync output.
    assert!(
        org.records("Account")
            .any(|a| a.get("Description") == Some(&Value::from("CANARY-RECORD-VALUE-7f3a")))
    );
    // Tooling records generated from the schema.
    assert!(
        org.records("CustomField")
            .any(|f| f.get("FullName") == Some(&Value::from("Account.External_Key__c")))
    );
    assert!(
        org.records("CustomObject")
            .any(|f| f.get("FullName") == Some(&Value::from("Invoice__c")))
    );
    let account = org.object("Account").unwrap();
    assert_eq!(
        account.child_relationship("ChildAccounts").unwrap().field,
        "ParentId"
    );
    assert!(
        account
            .child_relationship("Contacts")
            .unwrap()
            .cascade_delete
    );
    assert!(
        account
            .child_relationship("Cases")
            .unwrap()
            .restricted_delete
    );
    let created = account.field("CreatedDate").unwrap();
    assert!(!created.createable && !created.updateable);
    assert_eq!(
        org.object("Invoice_Line__c")
            .unwrap()
            .field("Invoice__c")
            .unwrap()
            .relationship_order,
        Some(0)
    );
}

#[test]
fn secondary_differs_in_the_documented_ways() {
    let p = default_org(DefaultOrg::Primary, 0).unwrap();
    let s = default_org(DefaultOrg::Secondary, 0).unwrap();
    let pa = p.object("Account").unwrap();
    let sa = s.object("Account").unwrap();
    assert!(pa.field("Support_Email__c").is_some());
    assert!(sa.field("Support_Email__c").is_none());
    assert_eq!(pa.field("Legacy_Number__c").unwrap().length, 30);
    assert_eq!(sa.field("Legacy_Number__c").unwrap().length, 20);
    let status = |o: &Org, name: &str| {
        o.records("ApexTrigger")
            .find(|t| t.get("Name") == Some(&Value::from(name)))
            .and_then(|t| t.get("Status").cloned())
    };
    assert_eq!(
        status(&p, "CaseTrigger_UpdateDesc"),
        Some(Value::from("Active"))
    );
    assert_eq!(
        status(&s, "CaseTrigger_UpdateDesc"),
        Some(Value::from("Inactive"))
    );
    assert_eq!(s.record_count("User"), 1);
    assert!(p.record_count("User") > 1);
    assert_eq!(s.record_count("Account"), 0);
    let admin = |o: &Org| {
        o.record(o.integration_user_id.as_deref().unwrap())
            .unwrap()
            .get("Username")
            .cloned()
    };
    assert_ne!(admin(&p), admin(&s));
    // Apart from the documented differences, the schemas match.
    let names = |o: &Org| o.objects().map(|d| d.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(&p), names(&s));
    // IDs never collide between the two, nor across seeds.
    assert_ne!(p.identity.id, s.identity.id);
    assert_ne!(
        p.identity.id,
        default_org(DefaultOrg::Primary, 1).unwrap().identity.id
    );
}
