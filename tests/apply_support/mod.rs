//! Shared helpers for the `apply_*` and `cli_plan*` tests: two emulated orgs with canary access
//! tokens, a spec file pointing at them with its state store in a temporary directory, the
//! `orgsync` binary with the tokens in its environment, and plans built by hand for the executor.

#![allow(dead_code)]

use std::path::PathBuf;

use orgsync::emulator::EmulatorOptions;
use orgsync::emulator::fixture::{DefaultOrg, default_org, load_str};
use orgsync::emulator::model::Org;
use orgsync::emulator::server::RunningEmulator;
use orgsync::emulator::spawn_for_tests;

/// A record value the default primary holds (Account "Acme Holdings" Description); it must never
/// appear in any output.
pub const CANARY_RECORD: &str = "CANARY-RECORD-VALUE-7f3a";
/// Part of both orgs' access tokens; it must never appear in any output.
pub const CANARY_SECRET: &str = "CANARY-SECRET-5b2e";

/// The embedded default fixture text.
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

/// The default secondary as a sandbox (metadata goes through the Tooling API there).
pub fn sandbox_secondary() -> Org {
    let text =
        default_fixture(DefaultOrg::Secondary).replace("isSandbox: false", "isSandbox: true");
    load_str("sandbox-secondary.yaml", &text).unwrap()
}

fn spawn(org: Org, seed: u64) -> RunningEmulator {
    let mut options = EmulatorOptions::new(org);
    options.seed = seed;
    options.access_token = Some(format!("00D{seed:012}!{CANARY_SECRET}"));
    spawn_for_tests(options)
}

/// Two emulated orgs, a temporary directory for the spec and the state store.
pub struct Orgs {
    /// The publishing org.
    pub primary: RunningEmulator,
    /// The subscribing org.
    pub secondary: RunningEmulator,
    /// Holds the spec file and the state store.
    pub dir: tempfile::TempDir,
    /// The spec reads the tokens from `{prefix}_PRIMARY_TOKEN` / `{prefix}_SECONDARY_TOKEN`.
    pub prefix: String,
}

impl Orgs {
    /// The two default orgs (both production).
    pub fn default_pair(seed: u64) -> Self {
        Self::with(
            default_org(DefaultOrg::Primary, seed).unwrap(),
            default_org(DefaultOrg::Secondary, seed).unwrap(),
            seed,
        )
    }

    /// Two orgs from models.
    pub fn with(primary: Org, secondary: Org, seed: u64) -> Self {
        Self {
            primary: spawn(primary, seed * 2 + 1),
            secondary: spawn(secondary, seed * 2 + 2),
            dir: tempfile::tempdir().unwrap(),
            prefix: format!("APPLY_TEST_{seed}"),
        }
    }

    /// The spec file path.
    pub fn spec_path(&self) -> PathBuf {
        self.dir.path().join("orgsync.yaml")
    }

    /// Write the spec: `connection` is extra YAML under `spec.connection` (indented 4),
    /// `sections` extra top-level spec sections (indented 2, e.g. `triggers:`), `objects` the
    /// YAML of `spec.objects` (indented 4).
    pub fn write_spec(&self, connection: &str, sections: &str, objects: &str) -> PathBuf {
        let text = spec_text(self, connection, sections, objects);
        let path = self.spec_path();
        std::fs::write(&path, text).unwrap();
        path
    }

    /// The `orgsync` binary with both tokens in its environment, run in the temporary directory.
    pub fn cmd(&self) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::cargo_bin("orgsync").unwrap();
        cmd.current_dir(self.dir.path())
            .env(
                format!("{}_PRIMARY_TOKEN", self.prefix),
                &self.primary.access_token,
            )
            .env(
                format!("{}_SECONDARY_TOKEN", self.prefix),
                &self.secondary.access_token,
            )
            .env("NO_COLOR", "1")
            .env_remove("RUST_LOG");
        cmd
    }
}

/// The spec text for `orgs` (tokens from `{prefix}_*_TOKEN`).
pub fn spec_text(orgs: &Orgs, connection: &str, sections: &str, objects: &str) -> String {
    format!(
        "apiVersion: orgsync.dev/v1
kind: OrgSync
metadata:
  name: apply-test
spec:
  orgs:
    primary:
      instanceUrl: {p}
      auth:
        method: access-token
        accessToken: {{env: {prefix}_PRIMARY_TOKEN}}
    secondary:
      instanceUrl: {s}
      auth:
        method: access-token
        accessToken: {{env: {prefix}_SECONDARY_TOKEN}}
  connection:
    type: replication
{connection}
{sections}
  objects:
{objects}
  state:
    url: sqlite://{state}
",
        p = orgs.primary.instance_url,
        s = orgs.secondary.instance_url,
        prefix = orgs.prefix,
        state = orgs.dir.path().join("state").join("orgsync.db").display(),
    )
}

/// Output of one run, checked for canaries.
pub struct Run {
    /// Exit code.
    pub code: i32,
    /// Stdout.
    pub stdout: String,
    /// Stderr.
    pub stderr: String,
}

/// Run `cmd` with `args` and assert no canary appears in its output.
pub fn run(orgs: &Orgs, args: &[&str]) -> Run {
    let out = orgs.cmd().args(args).output().unwrap();
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    for canary in [CANARY_RECORD, CANARY_SECRET] {
        assert!(
            !run.stdout.contains(canary) && !run.stderr.contains(canary),
            "`orgsync {}` printed a canary:\n{}\n{}",
            args.join(" "),
            run.stdout,
            run.stderr
        );
    }
    run
}

/// Add a scripted fault to an emulator.
pub async fn fault(emu: &RunningEmulator, rule: serde_json::Value) {
    let resp = reqwest::Client::new()
        .post(format!("{}/__emulator/faults", emu.instance_url))
        .json(&rule)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
}

/// The emulator's journal.
pub async fn journal(emu: &RunningEmulator) -> serde_json::Value {
    reqwest::get(format!("{}/__emulator/journal", emu.instance_url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Put the tokens into this process's environment (for library-level tests; the variable
/// names carry the seed, so tests with different seeds never race on them).
pub fn export_tokens(orgs: &Orgs) {
    // SAFETY: the names are unique to the calling test (they carry its seed); no other code
    // reads or writes them.
    unsafe {
        std::env::set_var(
            format!("{}_PRIMARY_TOKEN", orgs.prefix),
            &orgs.primary.access_token,
        );
        std::env::set_var(
            format!("{}_SECONDARY_TOKEN", orgs.prefix),
            &orgs.secondary.access_token,
        );
    }
}

/// Compile the spec text of `orgs`.
pub fn compile(
    orgs: &Orgs,
    connection: &str,
    sections: &str,
    objects: &str,
) -> orgsync::spec::Spec {
    let text = spec_text(orgs, connection, sections, objects);
    let outcome = orgsync::spec::check_source("apply-test.yaml", text, orgs.dir.path());
    match outcome.spec {
        Some(spec) => spec,
        None => panic!("spec does not validate: {:#?}", outcome.report.diagnostics),
    }
}
