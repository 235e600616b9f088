//! `orgsync demo`: two emulated orgs started in process from the default fixtures, a spec written
//! next to them, and the whole life of a connection walked through and narrated — validate,
//! plan, apply, bulk sync, changes flowing one way, then two-way with a conflict, and status.
//! Every step runs the product's own code paths (the same as the commands); the narration names
//! objects, counts and record IDs, never record values.

mod script;

use std::path::{Path, PathBuf};

use crate::apply::{ApplyReport, session};
use crate::emulator::EmulatorOptions;
use crate::emulator::fixture::{DefaultOrg, default_org};
use crate::emulator::server::{RunningEmulator, ServeOptions, spawn};
use crate::plan::Plan;
use crate::spec::Spec;
use crate::sync::CycleReport;
use crate::sync::bulk::BulkReport;
use crate::sync::status::StatusReport;

pub use script::run;

/// What the demo tells, in order.
#[derive(Debug)]
pub enum Event<'a> {
    /// A new chapter.
    Chapter(&'a str),
    /// A sentence of narration.
    Say(String),
    /// A check the demo made, and whether it held.
    Check(String, bool),
    /// A plan, as `orgsync plan` prints it.
    Plan(&'a Plan),
    /// An apply report.
    Applied(&'a ApplyReport),
    /// A bulk sync's counts.
    Bulk(&'a BulkReport),
    /// A sync cycle's counts.
    Cycle(&'a CycleReport),
    /// `orgsync status`.
    Status(&'a StatusReport),
}

/// Why the demo stopped.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// An emulated org could not start.
    #[error("an emulated org could not start: {0}")]
    Emulator(String),
    /// The demo directory could not be written.
    #[error("cannot write the demo files in {path}")]
    Files {
        /// The directory.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The spec the demo wrote did not validate (a bug).
    #[error("the demo spec is not valid: {0}")]
    Spec(String),
    /// Planning or applying failed.
    #[error(transparent)]
    Apply(#[from] crate::apply::ApplyError),
    /// The sync engine failed.
    #[error(transparent)]
    Sync(#[from] crate::sync::SyncError),
    /// The store failed.
    #[error(transparent)]
    State(#[from] crate::state::StateError),
    /// A user change the demo makes in an org failed.
    #[error("the {0} org refused a change the demo makes")]
    Change(&'static str, #[source] crate::org::OrgError),
    /// Something the demo checks did not hold (a bug).
    #[error("demo check failed: {0}")]
    Check(String),
}

/// The two running orgs.
pub struct Orgs {
    /// Acme Corp.
    pub primary: RunningEmulator,
    /// Acme Corp DR.
    pub secondary: RunningEmulator,
}

/// Start the two default orgs on free local ports.
pub fn start_orgs() -> Result<Orgs, DemoError> {
    let start = |which: DefaultOrg, seed: u64| -> Result<RunningEmulator, DemoError> {
        let org = default_org(which, seed).map_err(|e| DemoError::Emulator(e.to_string()))?;
        let mut options = EmulatorOptions::new(org);
        options.seed = seed;
        spawn(options, ServeOptions::default()).map_err(|e| DemoError::Emulator(e.to_string()))
    };
    Ok(Orgs {
        primary: start(DefaultOrg::Primary, 1)?,
        secondary: start(DefaultOrg::Secondary, 2)?,
    })
}

/// The demo spec: one-way or two-way, tokens read from files beside it.
pub fn spec_text(orgs: &Orgs, two_way: bool, dir: &Path) -> String {
    let (direction, conflicts) = if two_way {
        ("two-way", "\n    conflicts: latest-wins")
    } else {
        ("one-way", "")
    };
    let state = dir.join("state.db");
    format!(
        "# yaml-language-server: $schema=https://orgsync.dev/schemas/orgsync.v1.schema.json
# Written by `orgsync demo`: Acme Corp keeps a standby org in sync.
apiVersion: orgsync.dev/v1
kind: OrgSync
metadata:
  name: acme-demo
  description: The orgsync demo on two emulated orgs.
spec:
  orgs:
    primary:
      instanceUrl: {p}
      auth:
        method: access-token
        accessToken: {{file: primary.token}}
    secondary:
      instanceUrl: {s}
      auth:
        method: access-token
        accessToken: {{file: secondary.token}}
  connection:
    type: replication
    direction: {direction}
    owner: admin@acme.example
    syncUsers: true
    usernameSuffix: .dr
  triggers:
    default: primary-only
  objects:
    Account:
      publish:
        fields: [Name, Industry, Phone, Website, AccountNumber, ParentId, OwnerId]
      subscribe:
        matchOn: [AccountNumber]
      deletes: propagate
    Contact:
      publish:
        fields: [FirstName, LastName, Email, Title, AccountId, ReportsToId, OwnerId]
      deletes: propagate
    Case:
      publish:
        fields: [Subject, Status, Priority, Origin, AccountId, ContactId]
  records:
    pollInterval: 30s{conflicts}
    retry: {{maxAttempts: 6, initialBackoff: 30s, maxBackoff: 1h}}
    apiBudget: 25%
  state:
    url: sqlite://{state}
",
        p = orgs.primary.instance_url,
        s = orgs.secondary.instance_url,
        state = state.display(),
    )
}

/// Write the spec and the token files; compile the spec.
pub fn write_spec(orgs: &Orgs, two_way: bool, dir: &Path) -> Result<(PathBuf, Spec), DemoError> {
    let files = |source| DemoError::Files {
        path: dir.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(files)?;
    for (name, emu) in [
        ("primary.token", &orgs.primary),
        ("secondary.token", &orgs.secondary),
    ] {
        std::fs::write(dir.join(name), &emu.access_token).map_err(files)?;
    }
    let path = dir.join("orgsync.yaml");
    std::fs::write(&path, spec_text(orgs, two_way, dir)).map_err(files)?;
    let outcome = crate::spec::check_file(&path, &path.display().to_string());
    match outcome.spec {
        Some(spec) if outcome.report.is_valid() => Ok((path, spec)),
        _ => Err(DemoError::Spec(format!(
            "{} problem(s)",
            outcome.report.diagnostics.len()
        ))),
    }
}

/// Plan against both orgs (what `orgsync plan` does).
pub async fn plan(spec: &Spec) -> Result<session::Planned, DemoError> {
    Ok(session::plan(spec).await?)
}
