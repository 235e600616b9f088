//! The planner against the two default emulated orgs: observe both, plan examples-like specs, and
//! snapshot the real plan text.
//!
//! `ORGSYNC_WRITE_PLANNER_FIXTURE=1 cargo test --test plan_planner_emulator` also rewrites
//! `tests/fixtures/planner/default-orgs.json`, the snapshot the offline golden tests start from.

#[path = "observe_support/mod.rs"]
mod support;

use orgsync::emulator::fixture::DefaultOrg;
use orgsync::observe;
use orgsync::plan::planner::{StateView, desired_connection, plan};
use orgsync::plan::view::text;
use orgsync::plan::{Action, Area, Plan, check};
use support::{Conn, set_tokens, spec, start};

fn plain(plan: &Plan) -> String {
    anstream::adapter::strip_str(&text::render(plan)).to_string()
}

/// Every object the offline fixture needs, with `"*"` so field access covers every field.
const WIDE: &str = "    Account:
      publish: {fields: \"*\"}
    Contact:
      publish: {fields: \"*\"}
    Case:
      publish: {fields: \"*\"}
    Invoice__c:
      publish: {fields: \"*\"}
    Invoice_Line__c:
      publish: {fields: \"*\"}";

const TRIGGERS: &str = "  triggers:
    default: primary-only
    overrides:
      CaseTrigger_UpdateDesc: mirror
      ContactTrigger_Normalize: inactive-in-secondary";

#[tokio::test]
async fn default_orgs_snapshot_fixture() {
    let (p, s) = (
        start(DefaultOrg::Primary, 41),
        start(DefaultOrg::Secondary, 41),
    );
    set_tokens("PLANNER_T_WIDE", &p, &s);
    let conn = Conn {
        users: true,
        metadata: true,
        triggers: TRIGGERS,
        records: "",
    };
    let spec = spec("PLANNER_T_WIDE", &p, &s, &conn, WIDE);
    let mut snap = observe::observe(&spec).await.unwrap();
    // Org identity differs per run (ports, IDs); the planner does not read it.
    for org in [&mut snap.primary, &mut snap.secondary] {
        org.instance_url = format!("https://{}.example", org.role);
        org.org_id = format!("00D{}", org.role);
        org.integration_user.id = "005000000000001AAA".into();
        for u in org.users.iter_mut().flatten() {
            u.id = "005".into();
        }
    }
    let json = serde_json::to_string_pretty(&snap).unwrap();
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/planner/default-orgs.json"
    );
    if std::env::var_os("ORGSYNC_WRITE_PLANNER_FIXTURE").is_some() {
        std::fs::write(path, &json).unwrap();
    }
    // The committed fixture is what these orgs look like (besides identity and volatile parts).
    let committed: observe::Snapshot =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(
        committed.primary.objects, snap.primary.objects,
        "the default primary changed: rewrite the fixture (see the module doc)"
    );
    assert_eq!(committed.secondary.objects, snap.secondary.objects);
    assert_eq!(committed.primary.triggers, snap.primary.triggers);
    assert_eq!(
        committed.primary.metadata.is_some(),
        snap.primary.metadata.is_some()
    );
}

const CONTINUITY: &str = "    Account:
      publish:
        fields: \"*\"
        exclude: [Rating, ParentId]
    Contact:
      publish: {fields: \"*\", exclude: [ReportsToId]}";

#[tokio::test]
async fn continuity_plan_on_the_default_orgs() {
    let (p, s) = (
        start(DefaultOrg::Primary, 42),
        start(DefaultOrg::Secondary, 42),
    );
    set_tokens("PLANNER_T_CONT", &p, &s);
    let conn = Conn {
        users: true,
        metadata: true,
        triggers: TRIGGERS,
        records: "",
    };
    let spec = spec("PLANNER_T_CONT", &p, &s, &conn, CONTINUITY);
    let snap = observe::observe(&spec).await.unwrap();
    let state = StateView::default();
    let plan = plan(&spec, &snap, &state);
    assert_eq!(check(&plan), vec![]);
    let ids: Vec<&str> = plan.changes.iter().map(|c| c.id.as_str()).collect();
    for want in [
        "connection:state:Account",
        "connection:state:Contact",
        "field:secondary:Account.Support_Email__c",
        "field:secondary:Account.Legacy_Number__c",
        "key-field:secondary:Account.OrgSync_Source_Id__c",
        "key-field:secondary:Contact.OrgSync_Source_Id__c",
        "records:Account",
        "trigger:secondary:CaseTrigger_UpdateDesc",
        "user:secondary:sam.sales@acme.example.dr",
    ] {
        assert!(ids.contains(&want), "{want} missing from {ids:#?}");
    }
    let widen = plan
        .changes
        .iter()
        .find(|c| c.id == "field:secondary:Account.Legacy_Number__c")
        .unwrap();
    assert_eq!(widen.action, Action::Update);
    assert!(!plan.is_blocked(), "{}", plain(&plan));
    // What apply records, planned again as the applied state: no connection changes left.
    let applied = StateView {
        generation: Some(1),
        connection: Some(desired_connection(&spec, &snap)),
        linked_records: Default::default(),
    };
    let again = orgsync::plan::planner::plan(&spec, &snap, &applied);
    assert_eq!(again.in_area(Area::Connection).count(), 0);
    assert_eq!(again.in_area(Area::Records).count(), 0);
    insta::assert_snapshot!("continuity_default_orgs", plain(&plan));
}
