//! Canary test: a plan built from inputs that hold a record value and a secret in the places a
//! careless model might carry them (resolved secrets in the spec's auth, a literal in a filter,
//! field values of observed records) shows neither in any view, in the saved file or in Debug.

mod plan_support;

use std::path::Path;

use orgsync::plan::view::{json, markdown, text};
use orgsync::plan::{
    Action, Area, Basis, Calls, Change, OrgFingerprints, OrgSide, Plan, Reason, Target,
    fingerprint, saved,
};
use plan_support::{allowances, fp, n};

const RECORD: &str = "CANARY-RECORD-VALUE-7f3a";
const SECRET: &str = "CANARY-SECRET-9c1d";

/// What observe will hand the planner about records: values are there, the plan takes counts.
#[derive(Clone)]
struct ObservedRecord {
    name: String,
    phone: String,
}

fn spec_with_canaries() -> orgsync::spec::Spec {
    static SET: std::sync::Once = std::sync::Once::new();
    // SAFETY: the variables are unique to this test binary and set once; nothing else in it
    // reads or writes the environment concurrently.
    SET.call_once(|| unsafe {
        std::env::set_var("PLAN_CANARY_PRIMARY_TOKEN", SECRET);
        std::env::set_var("PLAN_CANARY_SECONDARY_TOKEN", SECRET);
    });
    let yaml = format!(
        r#"apiVersion: orgsync.dev/v1
kind: OrgSync
metadata:
  name: canary
spec:
  orgs:
    primary:
      instanceUrl: https://canary.my.salesforce.com
      auth:
        method: access-token
        accessToken: {{env: PLAN_CANARY_PRIMARY_TOKEN}}
    secondary:
      instanceUrl: https://canary--dr.my.salesforce.com
      auth:
        method: access-token
        accessToken: {{env: PLAN_CANARY_SECONDARY_TOKEN}}
  connection:
    type: replication
    direction: one-way
  objects:
    Account:
      publish:
        fields: [Name, Phone]
        filter: "Name != '{RECORD}'"
  state:
    url: sqlite://.orgsync/canary.db
"#
    );
    let outcome = orgsync::spec::check_source("orgsync.yaml", yaml, Path::new("."));
    assert!(
        outcome.report.diagnostics.is_empty(),
        "{:#?}",
        outcome.report.diagnostics
    );
    outcome.spec.unwrap()
}

/// A planner-shaped function: it sees the spec and record values, and can put only counts,
/// names and spec paths into the plan.
fn plan_from(spec: &orgsync::spec::Spec, records: &[ObservedRecord]) -> Plan {
    let basis = Basis {
        connection: n(&spec.name),
        spec_fingerprint: fingerprint::spec(spec),
        org_fingerprints: OrgFingerprints {
            primary: fp("primary"),
            secondary: fp("secondary"),
        },
        state_generation: None,
    };
    let object = &spec.objects[0];
    let changes = vec![
        Change::new(
            "publish:Account",
            Area::Connection,
            Action::Create,
            Target::object(OrgSide::State, n(&object.name)),
            "publish object and subscribe in the secondary",
            Reason::at("listed in the spec", "spec.objects.Account"),
        )
        .with_calls(Calls::new(1, 1)),
        Change::new(
            "records:Account",
            Area::Records,
            Action::Create,
            Target::object(OrgSide::Secondary, n(&object.name)),
            "bulk sync will copy",
            Reason::at(
                "records matching the filter",
                "spec.objects.Account.publish.filter",
            ),
        )
        .with_record_impact(records.len() as u64)
        .with_calls(Calls::new(1, 1)),
    ];
    Plan::new(
        basis,
        changes,
        allowances(),
        spec.records.api_budget_percent,
    )
}

#[test]
fn no_view_carries_a_record_value_or_a_secret() {
    let spec = spec_with_canaries();
    let records = vec![
        ObservedRecord {
            name: RECORD.to_owned(),
            phone: RECORD.to_owned(),
        };
        3
    ];
    assert!(
        records
            .iter()
            .all(|r| r.name == RECORD && r.phone == RECORD)
    );
    let plan = plan_from(&spec, &records);
    assert_eq!(orgsync::plan::check(&plan), vec![]);
    assert_eq!(plan.changes[1].record_impact, Some(3));

    // The spec fingerprint names secrets by reference only.
    let canonical = fingerprint::canonical(&spec).to_string();
    assert!(canonical.contains("env:PLAN_CANARY_PRIMARY_TOKEN"));
    assert!(!canonical.contains(SECRET));

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.json");
    saved::write(&path, &plan).unwrap();
    let mut outputs = vec![
        ("text", text::render(&plan)),
        ("markdown", markdown::render(&plan)),
        ("json", json::to_string_pretty(&plan).unwrap()),
        ("saved file", std::fs::read_to_string(&path).unwrap()),
        ("debug", format!("{plan:?}")),
        (
            "stale",
            format!(
                "{:?}",
                saved::staleness(&plan, &fp("x"), &fp("y"), &fp("z"), Some(1))
            ),
        ),
    ];
    outputs.extend(
        markdown::parts(&plan, 2_000)
            .into_iter()
            .map(|p| ("markdown part", p)),
    );
    for (view, out) in &outputs {
        assert!(!out.contains(RECORD), "{view} carries a record value");
        assert!(!out.contains(SECRET), "{view} carries a secret");
    }
    // The views did show the plan (the test would pass vacuously on empty output otherwise).
    assert!(outputs[0].1.contains("Account"));
    assert!(outputs[1].1.contains("3 records"));
}

#[test]
fn the_spec_fingerprint_follows_secret_references_not_values() {
    let spec = spec_with_canaries();
    let before = fingerprint::spec(&spec);
    // The secret is resolvable in this process, yet the fingerprint never reads it.
    assert!(!fingerprint::canonical(&spec).to_string().contains(SECRET));
    let mut other = spec.clone();
    other.primary.auth = orgsync::spec::model::AuthSpec::AccessToken {
        access_token: orgsync::spec::SecretRef::Env("ANOTHER_VAR".into()),
    };
    assert_ne!(before, fingerprint::spec(&other));
}
