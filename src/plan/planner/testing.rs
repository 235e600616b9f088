//! Test helpers for the planner's unit tests: the default orgs' snapshot and compiled specs.

use crate::observe::Snapshot;
use crate::spec::Spec;

/// The default emulated orgs as observed (`tests/fixtures/planner/default-orgs.json`).
pub fn default_orgs() -> Snapshot {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/planner/default-orgs.json"
    ))
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

/// A compiled spec: `connection` lines under `spec.connection` (after type and direction, indented
/// by four), `objects` under `spec.objects` (indented by four), `extra` blocks under `spec`.
pub fn spec(direction: &str, connection: &str, objects: &str, extra: &str) -> Spec {
    let text = format!(
        "apiVersion: orgsync.dev/v1
kind: OrgSync
metadata:
  name: unit
spec:
  orgs:
    primary:
      instanceUrl: https://p.example
      auth: {{method: access-token, accessToken: {{env: P}}}}
    secondary:
      instanceUrl: https://s.example
      auth: {{method: access-token, accessToken: {{env: S}}}}
  connection:
    type: replication
    direction: {direction}
{connection}
  objects:
{objects}
{extra}
"
    );
    let outcome = crate::spec::check_source("unit.yaml", text, std::path::Path::new("."));
    match outcome.spec {
        Some(spec) => spec,
        None => panic!("{:#?}", outcome.report.diagnostics),
    }
}
