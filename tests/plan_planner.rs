//! Golden tests of the planner over scenarios on the default orgs' shapes: every plan is checked,
//! planned twice (deterministic), snapshot as colour-free text, and — where apply could go ahead —
//! applied in a simulation and planned again to an empty plan.

mod planner_support;

use orgsync::observe::{FieldType, MetadataKind, OrgUser};
use orgsync::plan::planner::{StateView, desired_connection};
use orgsync::plan::{Action, Area, Rule};
use orgsync::state::{ConnectionState, ObjectState};
use planner_support::{Flags, converges, field, new_field, object, orgs, plain, planned, spec};

const ACCOUNT_CONTACT: &str = "    Account:
      publish: {fields: \"*\", exclude: [Rating]}
    Contact:
      publish: {fields: \"*\"}";

fn ids(plan: &orgsync::plan::Plan) -> Vec<&str> {
    plan.changes.iter().map(|c| c.id.as_str()).collect()
}

#[test]
fn fresh_one_way_publish() {
    let spec = spec(
        Flags {
            metadata: true,
            ..Flags::default()
        },
        ACCOUNT_CONTACT,
        "",
    );
    let snap = orgs(&spec);
    let plan = planned(&spec, &snap, &StateView::default());
    assert!(!plan.is_blocked());
    let ids = ids(&plan);
    assert!(ids.contains(&"field:secondary:Account.Support_Email__c"));
    assert!(ids.contains(&"field:secondary:Account.Legacy_Number__c"));
    assert!(ids.contains(&"key-field:secondary:Contact.OrgSync_Source_Id__c"));
    let account = plan
        .changes
        .iter()
        .find(|c| c.id == "records:Account")
        .unwrap();
    assert_eq!(account.record_impact, Some(79));
    insta::assert_snapshot!(plain(&plan));
    converges(&spec, &snap, &plan);
}

#[test]
fn two_way_publish() {
    let spec = spec(
        Flags {
            two_way: true,
            metadata: true,
            ..Flags::default()
        },
        "    Account:
      publish: {fields: [Name, Phone, Legacy_Number__c, Support_Email__c]}
    Contact:
      publish: {fields: [LastName, FirstName, AccountId, Email]}",
        "",
    );
    let mut snap = orgs(&spec);
    snap.secondary.record_counts.insert("Account".into(), 12);
    let plan = planned(&spec, &snap, &StateView::default());
    assert!(!plan.is_blocked(), "{}", plain(&plan));
    let ids = ids(&plan);
    assert!(ids.contains(&"key-field:primary:Account.OrgSync_Source_Id__c"));
    assert!(ids.contains(&"key-field:secondary:Account.OrgSync_Source_Id__c"));
    let account = plan
        .changes
        .iter()
        .find(|c| c.id == "records:Account")
        .unwrap();
    assert_eq!(account.record_impact, Some(79 + 12));
    insta::assert_snapshot!(plain(&plan));
    converges(&spec, &snap, &plan);
}

#[test]
fn nothing_to_do() {
    let spec = spec(Flags::default(), ACCOUNT_CONTACT, "");
    let mut snap = orgs(&spec);
    // The secondary as a finished apply leaves it.
    let (legacy, email) = {
        let p = object(&mut snap.primary, "Account");
        (
            p.fields["Legacy_Number__c"].clone(),
            p.fields["Support_Email__c"].clone(),
        )
    };
    let account = object(&mut snap.secondary, "Account");
    account.fields.insert(legacy.name.clone(), legacy);
    account.fields.insert(email.name.clone(), email);
    for o in ["Account", "Contact"] {
        let key = orgsync::observe::FieldSchema {
            length: 18,
            external_id: true,
            unique: true,
            ..new_field(orgsync::spec::KEY_FIELD, FieldType::Text)
        };
        object(&mut snap.secondary, o)
            .fields
            .insert(key.name.clone(), key);
    }
    let state = StateView {
        generation: Some(3),
        connection: Some(desired_connection(&spec, &snap)),
        linked_records: Default::default(),
    };
    let plan = planned(&spec, &snap, &state);
    assert!(plan.changes.is_empty(), "{}", plain(&plan));
    insta::assert_snapshot!(plain(&plan));
}

#[test]
fn field_set_change_and_unpublish_with_links() {
    let spec = spec(
        Flags::default(),
        "    Account:
      publish: {fields: [Name, Phone, Website]}",
        "",
    );
    let mut snap = orgs(&spec);
    let key = orgsync::observe::FieldSchema {
        length: 18,
        external_id: true,
        unique: true,
        ..new_field(orgsync::spec::KEY_FIELD, FieldType::Text)
    };
    object(&mut snap.secondary, "Account")
        .fields
        .insert(key.name.clone(), key);
    let object_state = |fields: &[&str]| ObjectState {
        published_fields: fields.iter().map(|f| f.to_string()).collect(),
        subscribed_fields: fields
            .iter()
            .map(|f| (f.to_string(), f.to_string()))
            .collect(),
        key_field: Some(orgsync::spec::KEY_FIELD.into()),
    };
    let mut connection = ConnectionState::default();
    connection
        .objects
        .insert("Account".into(), object_state(&["Name", "Phone", "Fax"]));
    connection
        .objects
        .insert("Lead".into(), object_state(&["LastName", "Company"]));
    let state = StateView {
        generation: Some(7),
        connection: Some(connection),
        linked_records: [("Lead".to_string(), 57)].into_iter().collect(),
    };
    let plan = planned(&spec, &snap, &state);
    let lead = plan
        .changes
        .iter()
        .find(|c| c.id == "records:Lead")
        .unwrap();
    assert_eq!(
        (lead.action, lead.record_impact),
        (Action::Delete, Some(57))
    );
    assert!(ids(&plan).contains(&"connection:state:Lead"));
    insta::assert_snapshot!(plain(&plan));
}

#[test]
fn every_blocking_rule() {
    let spec = spec(
        Flags {
            users: true,
            ..Flags::default()
        },
        "    Account:
      publish: {fields: [Name, Site, Legacy_Number__c, Support_Email__c, Description, Account_Notes__c, Primary_Contact__c]}
      subscribe:
        fieldMap: {Description: Site}
    Contact:
      publish: {fields: [LastName, AccountId, Title]}
    Case:
      publish: {fields: [Subject, Nonexistent__c, Product_Area__c]}
    Invoice__c:
      publish: {fields: [Amount_Due__c]}
    Invoice_Line__c:
      publish: {fields: [Quantity__c, Product__c]}",
        "",
    );
    let mut snap = orgs(&spec);
    // A lookup cycle: Account → Contact → Account.
    let mut lookup = new_field("Primary_Contact__c", FieldType::Lookup);
    lookup.reference_to = vec!["Contact".into()];
    object(&mut snap.primary, "Account")
        .fields
        .insert(lookup.name.clone(), lookup.clone());
    object(&mut snap.secondary, "Account")
        .fields
        .insert(lookup.name.clone(), lookup);
    // The integration user cannot edit Contact.Title in the secondary.
    field(&mut snap.secondary, "Contact", "Title").updateable = false;
    if let Some(access) = snap
        .secondary
        .field_access
        .get_mut("Contact")
        .and_then(|f| f.get_mut("Title"))
    {
        access.update = false;
    }
    // A key field that is not one.
    let mut key = new_field(orgsync::spec::KEY_FIELD, FieldType::Text);
    key.length = 40;
    object(&mut snap.secondary, "Contact")
        .fields
        .insert(key.name.clone(), key);
    // Case.Product_Area__c is a number in the secondary.
    field(&mut snap.secondary, "Case", "Product_Area__c").field_type = FieldType::Number;
    // No Invoice__c in the secondary, and no syncMetadata to create it.
    snap.secondary.objects.insert("Invoice__c".into(), None);
    // The secondary has no Sales_Rep role.
    snap.secondary.roles = Some(Vec::new());
    let plan = planned(&spec, &snap, &StateView::default());
    assert!(plan.is_blocked());
    let rules: std::collections::BTreeSet<Rule> = plan
        .changes
        .iter()
        .filter(|c| c.blocking)
        .filter_map(|c| c.problem.as_ref().map(|p| p.rule))
        .collect();
    for rule in [
        Rule::ObjectMissing,
        Rule::FieldMissing,
        Rule::TypeIncompatible,
        Rule::LookupToUnpublished,
        Rule::LookupCycle,
        Rule::FieldAccess,
        Rule::KeyFieldInvalid,
        Rule::MissingProfileOrRole,
    ] {
        assert!(
            rules.contains(&rule),
            "{rule:?} not reported:\n{}",
            plain(&plan)
        );
    }
    let unsupported = plan
        .changes
        .iter()
        .find(|c| c.id == "rule:unsupported-field:primary:Account.Account_Notes__c")
        .unwrap();
    assert!(!unsupported.blocking);
    insta::assert_snapshot!(plain(&plan));
}

#[test]
fn custom_object_created_with_sync_metadata() {
    let spec = spec(
        Flags {
            metadata: true,
            ..Flags::default()
        },
        "    Account:
      publish: {fields: [Name]}
    Invoice__c:
      publish: {fields: \"*\"}",
        "",
    );
    let mut snap = orgs(&spec);
    snap.secondary.objects.insert("Invoice__c".into(), None);
    let plan = planned(&spec, &snap, &StateView::default());
    assert!(!plan.is_blocked(), "{}", plain(&plan));
    assert!(ids(&plan).contains(&"object:secondary:Invoice__c"));
    assert!(ids(&plan).contains(&"field:secondary:Invoice__c.Account__c"));
    insta::assert_snapshot!(plain(&plan));
    converges(&spec, &snap, &plan);
}

#[test]
fn users_create_update_deactivate() {
    let spec = spec(
        Flags {
            users: true,
            ..Flags::default()
        },
        "    Account:
      publish: {fields: [Name]}",
        "",
    );
    let mut snap = orgs(&spec);
    let user = |name: &str, profile: &str, role: Option<&str>, active: bool| OrgUser {
        id: "005x".into(),
        username: name.into(),
        profile: Some(profile.into()),
        role: role.map(str::to_owned),
        active,
    };
    snap.secondary.users.as_mut().unwrap().extend([
        user(
            "vera.vp@acme.example.dr",
            "Standard User",
            Some("Sales_Rep"),
            true,
        ),
        user(
            "former.employee@acme.example.dr",
            "Standard User",
            None,
            true,
        ),
        user(
            "sue.support@acme.example.dr",
            "Standard User",
            Some("Support_Manager"),
            false,
        ),
    ]);
    snap.secondary
        .users
        .as_mut()
        .unwrap()
        .sort_by(|a, b| a.username.cmp(&b.username));
    let plan = planned(&spec, &snap, &StateView::default());
    let action = |id: &str| plan.changes.iter().find(|c| c.id == id).map(|c| c.action);
    assert_eq!(
        action("user:secondary:sam.sales@acme.example.dr"),
        Some(Action::Create)
    );
    assert_eq!(
        action("user:secondary:vera.vp@acme.example.dr"),
        Some(Action::Update)
    );
    assert_eq!(
        action("user:secondary:sue.support@acme.example.dr"),
        Some(Action::Update)
    );
    assert_eq!(
        action("user:secondary:former.employee@acme.example.dr"),
        Some(Action::Delete)
    );
    assert_eq!(action("user:secondary:admin@acme.example.dr"), None);
    insta::assert_snapshot!(plain(&plan));
    converges(&spec, &snap, &plan);
}

#[test]
fn triggers_per_policy() {
    let spec = spec(
        Flags::default(),
        "    Account:
      publish: {fields: [Name]}",
        "  triggers:
    default: mirror
    overrides:
      AccountTrigger: primary-only
      ContactTrigger_Normalize: inactive-in-secondary",
    );
    let mut snap = orgs(&spec);
    let triggers = snap.secondary.triggers.as_mut().unwrap();
    // The secondary lost InvoiceTrigger_DueDate and has an older CaseTrigger body.
    triggers.retain(|t| t.name != "InvoiceTrigger_DueDate");
    let case = triggers
        .iter_mut()
        .find(|t| t.name == "CaseTrigger_UpdateDesc")
        .unwrap();
    case.body = "trigger CaseTrigger_UpdateDesc on Case (before update) {\n}".into();
    let plan = planned(&spec, &snap, &StateView::default());
    let trigger = |name: &str| {
        plan.changes
            .iter()
            .find(|c| c.id == format!("trigger:secondary:{name}"))
            .map(|c| c.action)
    };
    assert_eq!(trigger("AccountTrigger"), Some(Action::Update));
    assert_eq!(trigger("CaseTrigger_UpdateDesc"), Some(Action::Update));
    assert_eq!(trigger("ContactTrigger_Normalize"), Some(Action::Update));
    assert_eq!(trigger("InvoiceTrigger_DueDate"), Some(Action::Create));
    insta::assert_snapshot!(plain(&plan));
    converges(&spec, &snap, &plan);
}

#[test]
fn metadata_apex_diff() {
    let spec = spec(
        Flags {
            metadata: true,
            ..Flags::default()
        },
        "    Account:
      publish: {fields: [Name]}",
        "",
    );
    let mut snap = orgs(&spec);
    let class = snap
        .secondary
        .metadata
        .as_mut()
        .unwrap()
        .iter_mut()
        .find(|m| m.kind == MetadataKind::ApexClass && m.full_name == "AccountRating")
        .unwrap();
    class.content = "public class AccountRating {\n  public static void defaultWarm(List<Account> accts) {\n  }\n}\n".into();
    let primary = snap
        .primary
        .metadata
        .as_mut()
        .unwrap()
        .iter_mut()
        .find(|m| m.kind == MetadataKind::ApexClass && m.full_name == "AccountRating")
        .unwrap();
    primary.content = "public class AccountRating {\n  public static void defaultWarm(List<Account> accts) {\n    for (Account a : accts) {\n      if (a.Rating == null) a.Rating = 'Warm';\n    }\n  }\n}\n".into();
    let plan = planned(&spec, &snap, &StateView::default());
    assert!(plan.in_area(Area::Metadata).any(|c| c.id
        == "metadata:secondary:ApexClass AccountRating"
        && c.action == Action::Update));
    // Support_Email__c is not published here, so it is deployed as metadata.
    assert!(ids(&plan).contains(&"metadata:secondary:CustomField Account.Support_Email__c"));
    insta::assert_snapshot!(plain(&plan));
    converges(&spec, &snap, &plan);
}

#[test]
fn over_budget() {
    let spec = spec(
        Flags::default(),
        ACCOUNT_CONTACT,
        "  records:
    apiBudget: 10%",
    );
    let mut snap = orgs(&spec);
    snap.primary
        .record_counts
        .insert("Account".into(), 4_000_000);
    snap.primary.limits.daily_max = 15_000;
    snap.primary.limits.daily_remaining = 1_500;
    snap.secondary.limits.daily_max = 100;
    snap.secondary.limits.daily_remaining = 100;
    let plan = planned(&spec, &snap, &StateView::default());
    let budget: Vec<_> = plan.in_area(Area::ApiBudget).collect();
    assert_eq!(budget.len(), 2, "{}", plain(&plan));
    assert!(budget[0].blocking, "over what remains today");
    assert!(!budget[1].blocking, "bulk sync over budget is paced");
    insta::assert_snapshot!(plain(&plan));
}
