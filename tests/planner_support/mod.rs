//! Shared helpers for the planner tests: the default orgs' snapshot (observed once from the
//! emulators, `tests/fixtures/planner/default-orgs.json`), specs compiled from YAML, edits of
//! snapshots, and a simulated apply that makes a plan true in a snapshot (for convergence).
#![allow(dead_code)]

pub mod apply;

use orgsync::observe::{FieldSchema, FieldType, ObjectSchema, OrgSnapshot, Snapshot};
use orgsync::plan::planner::{StateView, desired_connection, plan};
use orgsync::plan::view::text;
use orgsync::plan::{Plan, check};
use orgsync::spec::Spec;

/// The two default emulated orgs as observed with a wide spec (every object in `"*"`).
pub fn default_orgs() -> Snapshot {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/planner/default-orgs.json"
    ))
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The default orgs as observe reads them for `spec`: users, profiles and roles only with
/// syncUsers, triggers only when the trigger policy needs them, metadata only with syncMetadata.
pub fn orgs(spec: &Spec) -> Snapshot {
    let needs = orgsync::observe::gather::Needs::of(spec);
    let mut snap = default_orgs();
    for org in [&mut snap.primary, &mut snap.secondary] {
        if !needs.users {
            org.users = None;
            org.profiles = None;
            org.roles = None;
        }
        if !needs.triggers {
            org.triggers = None;
        }
        if !needs.metadata {
            org.metadata = None;
        }
    }
    snap
}

/// Connection flags of a test spec.
#[derive(Clone, Copy, Default)]
pub struct Flags {
    /// `direction: two-way`.
    pub two_way: bool,
    /// `syncUsers` (suffix `.dr`).
    pub users: bool,
    /// `syncMetadata`.
    pub metadata: bool,
}

/// Compile a spec for the default orgs; `objects` is `spec.objects` indented by four spaces,
/// `extra` more blocks under `spec:` (indented by two), such as `triggers:` or `records:`.
pub fn spec(flags: Flags, objects: &str, extra: &str) -> Spec {
    let direction = if flags.two_way { "two-way" } else { "one-way" };
    let users = if flags.users {
        "    syncUsers: true\n    usernameSuffix: .dr\n"
    } else {
        ""
    };
    let metadata = if flags.metadata {
        "    syncMetadata: true\n"
    } else {
        ""
    };
    let text = format!(
        "apiVersion: orgsync.dev/v1
kind: OrgSync
metadata:
  name: planner-test
spec:
  orgs:
    primary:
      instanceUrl: https://primary.example
      auth:
        method: access-token
        accessToken: {{env: PLANNER_P}}
    secondary:
      instanceUrl: https://secondary.example
      auth:
        method: access-token
        accessToken: {{env: PLANNER_S}}
  connection:
    type: replication
    direction: {direction}
{users}{metadata}
  objects:
{objects}
{extra}
"
    );
    let outcome = orgsync::spec::check_source("planner-test.yaml", text, std::path::Path::new("."));
    match outcome.spec {
        Some(spec) => spec,
        None => panic!("spec does not validate: {:#?}", outcome.report.diagnostics),
    }
}

/// The text view without colour.
pub fn plain(plan: &Plan) -> String {
    anstream::adapter::strip_str(&text::render(plan)).to_string()
}

/// Plan, check the invariants and determinism, and return the plan.
pub fn planned(spec: &Spec, snap: &Snapshot, state: &StateView) -> Plan {
    let p = plan(spec, snap, state);
    assert_eq!(check(&p), vec![], "{}", plain(&p));
    assert_eq!(
        plan(spec, snap, state),
        p,
        "the planner is not deterministic"
    );
    p
}

/// Apply `p` to `snap` (simulated) and plan again against the connection apply records: the
/// result has no create, update or delete.
pub fn converges(spec: &Spec, snap: &Snapshot, p: &Plan) -> Plan {
    let after = apply::simulate(spec, snap, p);
    let state = StateView {
        generation: Some(1),
        connection: Some(desired_connection(spec, snap)),
        linked_records: Default::default(),
    };
    let next = planned(spec, &after, &state);
    assert!(
        next.is_empty(),
        "the plan after apply is not empty:\n{}",
        plain(&next)
    );
    next
}

/// An object of an org (panics when absent).
pub fn object<'a>(org: &'a mut OrgSnapshot, name: &str) -> &'a mut ObjectSchema {
    org.objects.get_mut(name).unwrap().as_mut().unwrap()
}

/// A field of an object of an org (panics when absent).
pub fn field<'a>(org: &'a mut OrgSnapshot, object_name: &str, name: &str) -> &'a mut FieldSchema {
    object(org, object_name).fields.get_mut(name).unwrap()
}

/// A plain field of `t`.
pub fn new_field(name: &str, t: FieldType) -> FieldSchema {
    FieldSchema {
        name: name.into(),
        label: name.replace("__c", "").replace('_', " "),
        field_type: t,
        wire_type: String::new(),
        length: 0,
        precision: 0,
        scale: 0,
        digits: 0,
        reference_to: Vec::new(),
        relationship_name: None,
        relationship_order: None,
        nillable: true,
        createable: true,
        updateable: true,
        defaulted_on_create: false,
        calculated: false,
        auto_number: false,
        external_id: false,
        unique: false,
        html_formatted: false,
        picklist: None,
    }
}
