//! Observe against two emulated orgs (the default primary and secondary fixtures): the documented
//! differences, lookup targets, users, counts, fingerprints, bundling and errors.

#[path = "observe_support/mod.rs"]
mod support;

use orgsync::emulator::fixture::DefaultOrg;
use orgsync::observe::{self, FieldType, ObserveError, ObserveOptions, OrgRole, connect};
use support::{Conn, journal, set_tokens, spec, start};

const INVOICES: &str = "    Account:
      publish: {fields: \"*\"}
    Contact:
      publish: {fields: [LastName, FirstName, AccountId, Email]}
    Invoice__c:
      publish: {fields: \"*\"}
    Invoice_Line__c:
      publish: {fields: [Quantity__c, Unit_Price__c, Product__c, Invoice__c]}";

#[tokio::test]
async fn snapshot_shows_the_documented_differences() {
    let (p, s) = (
        start(DefaultOrg::Primary, 11),
        start(DefaultOrg::Secondary, 11),
    );
    set_tokens("OBSERVE_T_DIFF", &p, &s);
    let objects = format!(
        "{INVOICES}
    Lead:
      publish: {{fields: [LastName, Company, Nonexistent__c]}}
    Missing_Thing__c:
      publish: {{fields: \"*\"}}"
    );
    let spec = spec("OBSERVE_T_DIFF", &p, &s, &Conn::default(), &objects);
    let snap = observe::observe(&spec).await.unwrap();
    let (pri, sec) = (&snap.primary, &snap.secondary);

    // Identity.
    assert_eq!(pri.role, OrgRole::Primary);
    assert_eq!(pri.org_id, p.org_id);
    assert_eq!(sec.org_id, s.org_id);
    assert_eq!(pri.edition, "Enterprise Edition");
    assert!(!pri.is_sandbox);
    assert_eq!(pri.api_version, "62.0");
    assert_eq!(pri.instance_url, p.instance_url);
    assert_eq!(pri.integration_user.username, "admin@acme.example");
    assert_eq!(pri.integration_user.id, p.user_id);
    assert_eq!(
        pri.integration_user.profile.as_deref(),
        Some("System Administrator")
    );
    assert_eq!(sec.integration_user.username, "admin@acme.example.dr");

    // A custom field missing in the secondary, a shorter text field.
    let account = |o: &observe::OrgSnapshot| o.object("Account").unwrap().unwrap().clone();
    assert!(account(pri).field("Support_Email__c").is_some());
    assert!(account(sec).field("Support_Email__c").is_none());
    let legacy = |o: &observe::OrgSnapshot| account(o).field("Legacy_Number__c").unwrap().length;
    assert_eq!((legacy(pri), legacy(sec)), (30, 20));

    // Recognised types.
    let invoice = pri.object("Invoice__c").unwrap().unwrap();
    let ty = |f: &str| invoice.field(f).unwrap().field_type.clone();
    assert_eq!(ty("Total__c"), FieldType::RollUpSummary);
    assert_eq!(ty("Days_Overdue__c"), FieldType::Formula);
    assert_eq!(ty("Terms__c"), FieldType::RichTextArea);
    assert_eq!(ty("Notes__c"), FieldType::LongTextArea);
    assert_eq!(ty("Name"), FieldType::AutoNumber);
    assert_eq!(ty("Account__c"), FieldType::MasterDetail);
    let status = invoice
        .field("Status__c")
        .unwrap()
        .picklist
        .as_ref()
        .unwrap();
    assert!(status.restricted);
    assert_eq!(status.values[0].value, "Draft");
    assert_eq!(
        account(pri).field("Headquarters__c").unwrap().field_type,
        FieldType::Geolocation
    );

    // Lookup targets are described in both orgs; a missing object is None, not an error.
    for org in [pri, sec] {
        assert!(org.object("Product2").unwrap().is_some(), "{}", org.role);
        assert!(org.object("User").unwrap().is_some(), "{}", org.role);
        assert_eq!(org.object("Missing_Thing__c"), Some(None));
    }
    assert_eq!(
        pri.objects.keys().collect::<Vec<_>>(),
        sec.objects.keys().collect::<Vec<_>>()
    );

    // Field access from describe.
    let lead = &pri.field_access["Lead"];
    assert!(lead["LastName"].read && lead["LastName"].create && lead["LastName"].update);
    assert!(!lead["Nonexistent__c"].read);
    assert!(!pri.field_access["Invoice__c"]["Total__c"].create);
    assert!(!sec.field_access["Account"].contains_key("Support_Email__c"));
    assert!(!pri.field_access.contains_key("Missing_Thing__c"));

    // Only what was asked for.
    assert!(pri.users.is_none() && pri.profiles.is_none() && pri.roles.is_none());
    assert!(pri.triggers.is_none() && pri.metadata.is_none());

    // Counts on the primary only; limits from the org.
    assert_eq!(pri.record_counts["Invoice_Line__c"], 33);
    assert_eq!(pri.record_counts["Lead"], 20);
    assert!(!pri.record_counts.contains_key("Missing_Thing__c"));
    assert!(sec.record_counts.is_empty());
    assert_eq!(pri.limits.daily_max, 100_000);
    assert_eq!(sec.limits.daily_max, 50_000);
    assert!(pri.limits.daily_remaining < pri.limits.daily_max);

    // No record values in the snapshot.
    let json = serde_json::to_string(&snap).unwrap();
    assert!(!json.contains("CANARY-RECORD-VALUE-7f3a"));
    assert!(!json.contains(&p.access_token));
}

#[tokio::test]
async fn users_profiles_and_roles_only_with_sync_users() {
    let (p, s) = (
        start(DefaultOrg::Primary, 12),
        start(DefaultOrg::Secondary, 12),
    );
    set_tokens("OBSERVE_T_USERS", &p, &s);
    let conn = Conn {
        users: true,
        ..Conn::default()
    };
    let spec = spec("OBSERVE_T_USERS", &p, &s, &conn, INVOICES);
    let snap = observe::observe(&spec).await.unwrap();
    let names = |o: &observe::OrgSnapshot| {
        o.users
            .as_ref()
            .unwrap()
            .iter()
            .map(|u| u.username.clone())
            .collect::<Vec<_>>()
    };
    // Standard-licence users only (no partner, no guest), sorted; one is inactive.
    assert_eq!(
        names(&snap.primary),
        [
            "admin@acme.example",
            "former.employee@acme.example",
            "orgsync@acme.example",
            "sam.sales@acme.example",
            "sue.support@acme.example",
            "vera.vp@acme.example",
        ]
    );
    let users = snap.primary.users.as_ref().unwrap();
    let sam = users
        .iter()
        .find(|u| u.username.starts_with("sam"))
        .unwrap();
    assert_eq!(sam.profile.as_deref(), Some("Standard User"));
    assert_eq!(sam.role.as_deref(), Some("Sales_Rep"));
    assert!(sam.active);
    assert!(
        !users
            .iter()
            .find(|u| u.username.starts_with("former"))
            .unwrap()
            .active
    );
    // The missing users of the secondary.
    assert_eq!(names(&snap.secondary), ["admin@acme.example.dr"]);

    let profiles = snap.secondary.profiles.as_ref().unwrap();
    assert!(
        profiles
            .iter()
            .any(|p| p.name == "Integration User" && p.license.as_deref() == Some("Salesforce"))
    );
    assert!(!profiles.iter().any(|p| p.name == "Acme Site Guest Profile"));
    let roles = snap.primary.roles.as_ref().unwrap();
    let rep = roles
        .iter()
        .find(|r| r.developer_name == "Sales_Rep")
        .unwrap();
    assert_eq!(rep.parent.as_deref(), Some("VP_Sales"));
    assert!(snap.primary.object("User").unwrap().is_some());
    // No emails in the snapshot.
    assert!(
        !serde_json::to_string(&snap)
            .unwrap()
            .contains("sam.sales@acme.example\",\"email")
    );
}

#[tokio::test]
async fn missing_secret_and_refused_token_are_errors() {
    let (p, s) = (
        start(DefaultOrg::Primary, 13),
        start(DefaultOrg::Secondary, 13),
    );
    set_tokens("OBSERVE_T_AUTH", &p, &s);
    let objects = "    Account:\n      publish: {fields: [Name]}";
    let spec = spec("OBSERVE_T_AUTH", &p, &s, &Conn::default(), objects);

    // A secret that cannot be read.
    let mut broken = spec.clone();
    broken.secondary.auth = orgsync::spec::model::AuthSpec::AccessToken {
        access_token: orgsync::spec::SecretRef::Env("OBSERVE_T_AUTH_SURELY_UNSET".into()),
    };
    let err = observe::observe(&broken).await.unwrap_err();
    assert!(matches!(err, ObserveError::Connect(_)));
    assert_eq!(err.role(), OrgRole::Secondary);

    // A token the org refuses.
    // SAFETY: the name is unique to this test.
    unsafe { std::env::set_var("OBSERVE_T_AUTH_BAD", "00Dbogus!notatoken") };
    let mut refused = spec.clone();
    refused.primary.auth = orgsync::spec::model::AuthSpec::AccessToken {
        access_token: orgsync::spec::SecretRef::Env("OBSERVE_T_AUTH_BAD".into()),
    };
    let err = observe::observe(&refused).await.unwrap_err();
    assert_eq!(err.role(), OrgRole::Primary);
    assert!(err.org_error().is_some(), "{err:?}");
    assert!(!format!("{err} {err:?}").contains("notatoken"));
}

#[tokio::test]
async fn reads_are_bundled_into_few_api_calls() {
    let (p, s) = (
        start(DefaultOrg::Primary, 14),
        start(DefaultOrg::Secondary, 14),
    );
    set_tokens("OBSERVE_T_CALLS", &p, &s);
    let all = "    Account: {publish: {fields: \"*\"}}
    Contact: {publish: {fields: \"*\"}}
    Lead: {publish: {fields: \"*\"}}
    Opportunity: {publish: {fields: \"*\"}}
    Case: {publish: {fields: \"*\"}}
    CaseComment: {publish: {fields: \"*\"}}
    Task: {publish: {fields: \"*\"}}
    Product2: {publish: {fields: \"*\"}}
    Invoice__c: {publish: {fields: \"*\"}}
    Invoice_Line__c: {publish: {fields: \"*\"}}";
    let conn = Conn {
        users: true,
        ..Conn::default()
    };
    let spec = spec("OBSERVE_T_CALLS", &p, &s, &conn, all);
    let primary = connect::client(OrgRole::Primary, &spec.primary).unwrap();
    let secondary = connect::client(OrgRole::Secondary, &spec.secondary).unwrap();
    let snap = observe::observe_with(&spec, &primary, &secondary, ObserveOptions::default())
        .await
        .unwrap();
    // 11 describes (10 objects + User) and 4 queries fit one composite call; the second pass
    // (targets, the integration user and 10 counts = 11 queries) needs three (5 queries each).
    assert_eq!(snap.primary.record_counts.len(), 10);
    let pj = journal(&p).await;
    assert_eq!(pj["calls"]["composite"], 4, "{pj}");
    assert_eq!(pj["apiUsage"], 4, "{pj}");
    // The secondary counts nothing: one bundle per pass.
    let sj = journal(&s).await;
    assert_eq!(sj["calls"]["composite"], 2, "{sj}");
    assert_eq!(sj["apiUsage"], 2, "{sj}");
    // The client's own counter agrees (plus the userinfo call, which is not an API call).
    let usage = primary.usage();
    assert_eq!(usage.total_calls(), 5);
    assert_eq!(usage.calls[&orgsync::org::CallClass::Composite], 4);
}
