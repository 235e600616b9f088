//! The executor against two emulated orgs, with plans built by hand in the shape the plan/apply
//! contract fixes: production orgs get one Metadata API deploy, sandboxes the Tooling API;
//! users go through REST; a re-run after a partial failure finishes the job and repeats nothing;
//! `--validate-only` writes nothing; the report never carries record values or secrets.

mod apply_support;

use apply_support::{CANARY_RECORD, CANARY_SECRET, Orgs, compile, export_tokens, fault, journal};
use orgsync::apply::{
    ApplyOptions, ApplyReport, Inputs, Orgs as Clients, StepStatus, execute, session,
};
use orgsync::observe::Snapshot;
use orgsync::org::bulk2::PollSettings;
use orgsync::org::{OrgClient, SystemClock};
use orgsync::plan::planner::{self, StateView};
use orgsync::plan::{
    Action, Allowances, Area, AttrValue, AttributeChange, Change, Detail, Name, OrgSide, Plan,
    Reason, Target,
};
use orgsync::spec::Spec;
use orgsync::state::Store;

fn n(s: &str) -> Name {
    Name::new(s).unwrap()
}

const CONNECTION: &str = "    direction: one-way
    syncUsers: true
    usernameSuffix: .dr
    syncMetadata: true";
const TRIGGERS: &str = "  triggers:
    default: primary-only
    overrides:
      CaseTrigger_UpdateDesc: mirror";
const OBJECTS: &str = "    Account:
      publish:
        fields: [Name, Phone, Support_Email__c, Legacy_Number__c]
    Case:
      publish:
        fields: [Subject]";

fn change(id: &str, area: Area, action: Action, target: Target, summary: &str) -> Change {
    Change::new(id, area, action, target, summary, Reason::new("test"))
}

/// The changes of a first apply of [`OBJECTS`] against the default orgs.
fn first_apply_changes() -> Vec<Change> {
    let account = || n("Account");
    let status = Detail::attributes(vec![AttributeChange::new(
        n("status"),
        Some(AttrValue::Name(n("Inactive"))),
        Some(AttrValue::Name(n("Active"))),
    )]);
    vec![
        change(
            "connection:state:Account",
            Area::Connection,
            Action::Create,
            Target::object(OrgSide::State, account()),
            "publish and subscribe",
        ),
        change(
            "key-field:secondary:Account.OrgSync_Source_Id__c",
            Area::KeyFields,
            Action::Create,
            Target::field(OrgSide::Secondary, account(), n("OrgSync_Source_Id__c")),
            "create key field (external ID, 18)",
        ),
        change(
            "field:secondary:Account.Support_Email__c",
            Area::ObjectsAndFields,
            Action::Create,
            Target::field(OrgSide::Secondary, account(), n("Support_Email__c")),
            "create field (Email)",
        ),
        change(
            "field:secondary:Account.Legacy_Number__c",
            Area::ObjectsAndFields,
            Action::Update,
            Target::field(OrgSide::Secondary, account(), n("Legacy_Number__c")),
            "widen field",
        ),
        change(
            "trigger:secondary:CaseTrigger_UpdateDesc",
            Area::Triggers,
            Action::Update,
            Target::item(OrgSide::Secondary, n("CaseTrigger_UpdateDesc")).on_object(n("Case")),
            "mirror trigger",
        )
        .with_detail(status),
        change(
            "user:secondary:sam.sales@acme.example.dr",
            Area::Users,
            Action::Create,
            Target::item(OrgSide::Secondary, n("sam.sales@acme.example.dr")),
            "create user",
        ),
        change(
            "records:Account",
            Area::Records,
            Action::Create,
            Target::object(OrgSide::State, account()),
            "bulk sync copies records",
        )
        .with_record_impact(12),
    ]
}

struct World {
    orgs: Orgs,
    spec: Spec,
    primary: OrgClient,
    secondary: OrgClient,
    snapshot: Snapshot,
    store: Store,
    state: StateView,
}

async fn world(orgs: Orgs) -> World {
    export_tokens(&orgs);
    let spec = compile(&orgs, CONNECTION, TRIGGERS, OBJECTS);
    let (primary, secondary, snapshot) = session::observe(&spec).await.unwrap();
    let store = session::open_store(&spec).await.unwrap();
    let state = session::state_view(&store).await.unwrap();
    World {
        orgs,
        spec,
        primary,
        secondary,
        snapshot,
        store,
        state,
    }
}

fn plan_of(w: &World, changes: Vec<Change>) -> Plan {
    Plan::new(
        planner::basis(&w.spec, &w.snapshot, &w.state),
        changes,
        Allowances::default(),
        25.0,
    )
}

const FAST: ApplyOptions = ApplyOptions {
    validate_only: false,
    poll: PollSettings {
        interval: std::time::Duration::from_millis(50),
        max_polls: 50,
    },
};

async fn run(w: &World, plan: &Plan, options: ApplyOptions) -> ApplyReport {
    let inputs = Inputs {
        spec: &w.spec,
        snapshot: &w.snapshot,
        plan,
        orgs: Clients {
            primary: &w.primary,
            secondary: &w.secondary,
        },
        store: &w.store,
        clock: &SystemClock,
    };
    let report = execute(inputs, options).await.unwrap();
    let debug = format!("{report:?}");
    assert!(!debug.contains(CANARY_RECORD) && !debug.contains(CANARY_SECRET));
    report
}

/// The text report without styles, deployment IDs redacted.
fn rendered(report: &ApplyReport) -> String {
    let text = anstream::adapter::strip_str(&orgsync::output::apply::render(report)).to_string();
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(i) = rest.find("0Af") {
        out.push_str(&rest[..i]);
        out.push_str("[DEPLOY-ID]");
        rest = &rest[i..];
        let len = rest.chars().take_while(char::is_ascii_alphanumeric).count();
        rest = &rest[len..];
    }
    out.push_str(rest);
    out
}

fn status_of(report: &ApplyReport, id: &str) -> StepStatus {
    report
        .steps
        .iter()
        .find(|s| s.id == id)
        .unwrap_or_else(|| panic!("no step {id}"))
        .status
}

async fn secondary_field(w: &World, object: &str, field: &str) -> Option<(String, u64)> {
    let d = w.secondary.describe(object).await.unwrap();
    d.fields
        .iter()
        .find(|f| f.name == field)
        .map(|f| (f.field_type.clone(), f.length))
}

async fn secondary_rows(w: &World, soql: &str) -> Vec<orgsync::org::wire::Record> {
    w.secondary
        .query(soql, Default::default())
        .await
        .unwrap()
        .records
}

#[tokio::test]
async fn production_orgs_get_one_deploy_and_users_through_rest() {
    let w = world(Orgs::default_pair(11)).await;
    let plan = plan_of(&w, first_apply_changes());
    let report = run(&w, &plan, FAST).await;
    assert!(report.succeeded(), "{report:#?}");
    assert_eq!(report.generation, Some(1));
    assert_eq!(
        report
            .steps
            .iter()
            .map(|s| s.id.as_str())
            .collect::<Vec<_>>(),
        [
            "key-field:secondary:Account.OrgSync_Source_Id__c",
            "field:secondary:Account.Legacy_Number__c",
            "field:secondary:Account.Support_Email__c",
            "trigger:secondary:CaseTrigger_UpdateDesc",
            "user:secondary:sam.sales@acme.example.dr",
            "connection:state:Account",
            "records:Account",
        ],
        "steps run in the contract's order"
    );
    let key = w
        .secondary
        .describe("Account")
        .await
        .unwrap()
        .fields
        .into_iter()
        .find(|f| f.name == "OrgSync_Source_Id__c")
        .unwrap();
    assert!(key.external_id && key.unique && key.length == 18);
    assert_eq!(
        secondary_field(&w, "Account", "Legacy_Number__c").await,
        Some(("string".into(), 30))
    );
    assert!(
        secondary_field(&w, "Account", "Support_Email__c")
            .await
            .is_some()
    );
    let trigger = w
        .secondary
        .tooling_query("SELECT Status FROM ApexTrigger WHERE Name = 'CaseTrigger_UpdateDesc'")
        .await
        .unwrap();
    assert_eq!(trigger[0].fields["Status"], "Active");
    let users = secondary_rows(
        &w,
        "SELECT Id, IsActive, Profile.Name FROM User WHERE Username = 'sam.sales@acme.example.dr'",
    )
    .await;
    assert_eq!(users.len(), 1);
    let j = journal(&w.orgs.secondary).await;
    assert_eq!(j["routes"]["POST /metadata/{param}"], 1, "{j}");
    assert!(j["routes"].get("POST /tooling/sobjects/{object}").is_none());
    insta::assert_snapshot!("apply_report_production", rendered(&report));
    let current = w.store.current_generation().await.unwrap().unwrap();
    assert_eq!(current.number, 1);
    assert_eq!(
        current.spec_fingerprint,
        plan.spec_fingerprint.as_str(),
        "the generation records the applied spec"
    );

    // The same plan again: every step was done; nothing is repeated.
    let again = run(&w, &plan, FAST).await;
    assert!(
        again
            .steps
            .iter()
            .all(|s| s.status == StepStatus::AlreadyDone)
    );
    let j = journal(&w.orgs.secondary).await;
    assert_eq!(j["routes"]["POST /metadata/{param}"], 1);
    assert_eq!(j["routes"]["POST /sobjects/{object}"], 1, "{j}");
}

#[tokio::test]
async fn a_rerun_after_a_partial_failure_finishes_and_repeats_nothing() {
    let w = world(Orgs::default_pair(12)).await;
    let plan = plan_of(&w, first_apply_changes());
    fault(
        &w.orgs.secondary,
        serde_json::json!({"match": {"method": "POST", "path": "/metadata/deployRequest"},
                           "fault": {"kind": "requestLimitExceeded"}}),
    )
    .await;
    let first = run(&w, &plan, FAST).await;
    assert!(!first.succeeded());
    assert_eq!(first.generation, None);
    for id in [
        "key-field:secondary:Account.OrgSync_Source_Id__c",
        "field:secondary:Account.Support_Email__c",
        "trigger:secondary:CaseTrigger_UpdateDesc",
    ] {
        assert_eq!(status_of(&first, id), StepStatus::Failed, "{id}");
    }
    let failed = first
        .steps
        .iter()
        .find(|s| s.status == StepStatus::Failed)
        .unwrap();
    assert!(
        failed
            .reason
            .as_deref()
            .unwrap()
            .contains("REQUEST_LIMIT_EXCEEDED"),
        "{failed:?}"
    );
    assert_eq!(
        status_of(&first, "user:secondary:sam.sales@acme.example.dr"),
        StepStatus::Done,
        "users do not depend on metadata"
    );
    assert_eq!(
        status_of(&first, "connection:state:Account"),
        StepStatus::Skipped
    );
    assert!(w.store.current_generation().await.unwrap().is_none());
    assert!(
        secondary_field(&w, "Account", "Support_Email__c")
            .await
            .is_none()
    );

    insta::assert_snapshot!("apply_report_partial_failure", rendered(&first));
    let second = run(&w, &plan, FAST).await;
    assert!(second.succeeded(), "{second:#?}");
    assert_eq!(second.generation, Some(1));
    assert_eq!(
        status_of(&second, "user:secondary:sam.sales@acme.example.dr"),
        StepStatus::AlreadyDone
    );
    assert_eq!(
        status_of(&second, "field:secondary:Account.Support_Email__c"),
        StepStatus::Done
    );
    let j = journal(&w.orgs.secondary).await;
    assert_eq!(
        j["routes"]["POST /sobjects/{object}"], 1,
        "the user is created once: {j}"
    );
    let history = w.store.apply_history(10).await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].generation, Some(1));
}

#[tokio::test]
async fn sandboxes_are_written_through_tooling_and_repeats_update() {
    let orgs = Orgs::with(
        orgsync::emulator::fixture::default_org(
            orgsync::emulator::fixture::DefaultOrg::Primary,
            13,
        )
        .unwrap(),
        apply_support::sandbox_secondary(),
        13,
    );
    let w = world(orgs).await;
    let plan = plan_of(&w, first_apply_changes());
    let report = run(&w, &plan, FAST).await;
    assert!(report.succeeded(), "{report:#?}");
    assert_eq!(
        report.methods,
        [(
            orgsync::observe::OrgRole::Secondary,
            orgsync::apply::WriteMethod::Tooling
        )]
    );
    assert!(
        secondary_field(&w, "Account", "OrgSync_Source_Id__c")
            .await
            .is_some()
    );
    assert_eq!(
        secondary_field(&w, "Account", "Legacy_Number__c").await,
        Some(("string".into(), 30))
    );
    let j = journal(&w.orgs.secondary).await;
    assert!(j["routes"].get("POST /metadata/{param}").is_none(), "{j}");

    // A different plan (new fingerprint) with the same writes: each step finds its earlier
    // write and updates it instead of failing on a duplicate.
    let mut changes = first_apply_changes();
    changes.retain(|c| c.area == Area::KeyFields || c.area == Area::ObjectsAndFields);
    let plan2 = plan_of(&w, changes);
    let again = run(&w, &plan2, FAST).await;
    assert!(again.succeeded(), "{again:#?}");
    assert!(again.steps.iter().all(|s| {
        s.reason
            .as_deref()
            .is_some_and(|r| r.starts_with("updated"))
    }));
}

#[tokio::test]
async fn validate_only_checks_and_writes_nothing() {
    let w = world(Orgs::default_pair(14)).await;
    let plan = plan_of(&w, first_apply_changes());
    let report = run(
        &w,
        &plan,
        ApplyOptions {
            validate_only: true,
            ..FAST
        },
    )
    .await;
    assert!(report.validate_only && report.succeeded(), "{report:#?}");
    assert!(report.steps.iter().all(|s| s.status == StepStatus::Checked));
    assert!(
        report.steps[0]
            .reason
            .as_deref()
            .unwrap()
            .starts_with("deployable (check-only deployment")
    );
    assert!(
        secondary_field(&w, "Account", "Support_Email__c")
            .await
            .is_none()
    );
    let users = secondary_rows(
        &w,
        "SELECT Id FROM User WHERE Username = 'sam.sales@acme.example.dr'",
    )
    .await;
    assert!(users.is_empty());
    assert!(w.store.apply_history(10).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_change_apply_cannot_carry_out_fails_with_a_reason() {
    let w = world(Orgs::default_pair(15)).await;
    let plan = plan_of(
        &w,
        vec![change(
            "metadata:secondary:ApexPage InvoicePdf",
            Area::Metadata,
            Action::Create,
            Target::item(OrgSide::Secondary, n("ApexPage InvoicePdf")),
            "create page",
        )],
    );
    let report = run(&w, &plan, FAST).await;
    assert_eq!(report.steps[0].status, StepStatus::Failed);
    assert!(
        report.steps[0]
            .reason
            .as_deref()
            .unwrap()
            .contains("does not write ApexPage")
    );
}
