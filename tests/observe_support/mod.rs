//! Shared helpers for the `observe_*` tests: two emulated orgs and a small spec pointing at them.

#![allow(dead_code)]

use orgsync::emulator::fixture::{DefaultOrg, default_org, load_str};
use orgsync::emulator::server::RunningEmulator;
use orgsync::emulator::spawn_for_tests;
use orgsync::spec::Spec;

/// The embedded default fixture text (to start an emulator from a modified copy).
pub fn default_fixture(which: DefaultOrg) -> String {
    let file = match which {
        DefaultOrg::Primary => "primary.yaml",
        DefaultOrg::Secondary => "secondary.yaml",
    };
    std::fs::read_to_string(format!(
        "{}/src/emulator/fixture/defaults/{file}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// A default org.
pub fn start(which: DefaultOrg, seed: u64) -> RunningEmulator {
    spawn_for_tests(default_org(which, seed).unwrap())
}

/// An org from fixture text.
pub fn start_from(name: &str, text: &str) -> RunningEmulator {
    spawn_for_tests(load_str(name, text).unwrap())
}

/// Sets the access-token variables `{prefix}_P` / `{prefix}_S` (names unique per test).
pub fn set_tokens(prefix: &str, primary: &RunningEmulator, secondary: &RunningEmulator) {
    // SAFETY: the variable names are unique to the calling test; no other code reads or writes
    // them, so the process-wide environment is not raced on for these names.
    unsafe {
        std::env::set_var(format!("{prefix}_P"), &primary.access_token);
        std::env::set_var(format!("{prefix}_S"), &secondary.access_token);
    }
}

/// Connection settings of a spec.
#[derive(Default)]
pub struct Conn<'a> {
    /// `syncUsers`.
    pub users: bool,
    /// `syncMetadata`.
    pub metadata: bool,
    /// The whole `triggers:` block, if any.
    pub triggers: &'a str,
    /// The whole `records:` block, if any.
    pub records: &'a str,
}

/// A compiled spec for the two emulators; `objects` is the YAML of `spec.objects` indented by
/// four spaces. Panics with the diagnostics when the spec does not validate.
pub fn spec(
    prefix: &str,
    primary: &RunningEmulator,
    secondary: &RunningEmulator,
    conn: &Conn<'_>,
    objects: &str,
) -> Spec {
    let users = if conn.users {
        "    syncUsers: true\n    usernameSuffix: .dr\n"
    } else {
        ""
    };
    let metadata = if conn.metadata {
        "    syncMetadata: true\n"
    } else {
        ""
    };
    let text = format!(
        "apiVersion: orgsync.dev/v1
kind: OrgSync
metadata:
  name: observe-test
spec:
  orgs:
    primary:
      instanceUrl: {p}
      auth:
        method: access-token
        accessToken: {{env: {prefix}_P}}
    secondary:
      instanceUrl: {s}
      auth:
        method: access-token
        accessToken: {{env: {prefix}_S}}
  connection:
    type: replication
    direction: one-way
{users}{metadata}{triggers}
  objects:
{objects}
{records}
",
        p = primary.instance_url,
        s = secondary.instance_url,
        triggers = conn.triggers,
        records = conn.records,
    );
    let outcome = orgsync::spec::check_source("observe-test.yaml", text, std::path::Path::new("."));
    match outcome.spec {
        Some(spec) => spec,
        None => panic!("spec does not validate: {:#?}", outcome.report.diagnostics),
    }
}

/// The emulator's own count of API calls (`GET /__emulator/journal`).
pub async fn journal(emu: &RunningEmulator) -> serde_json::Value {
    reqwest::get(format!("{}/__emulator/journal", emu.instance_url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}
