//! Apply: carry out a plan, refusing a stale one. Apply decides nothing; it executes the
//! changes of a plan (the plan/apply contract) as named steps — the step name is the change id —
//! in dependency order, records each outcome in the state store, and records the new generation
//! once every step is done.
//!
//! ```text
//! saved plan ──guard (fresh fingerprints)──▶ steps ──execute──▶ report + state store
//! ```
//!
//! **How metadata is written.** Sandbox and Developer Edition orgs: the Tooling API, one
//! component per call, each looked up first ([`tooling`]). Production orgs: one Metadata API
//! deploy with a test level and `rollbackOnError` ([`deploy`], [`package`]). Users go through
//! REST ([`users`]); connection and record-impact changes only touch the state store.
//!
//! **Idempotent.** A step done by an earlier run of the same plan (same [`plan_fingerprint`]) is
//! skipped; every step is itself safe to repeat (a create finds its earlier write and updates
//! it, a deploy upserts). A failing step fails only the steps that depend on it.
//!
//! | file | holds |
//! |---|---|
//! | [`steps`] | changes → [`steps::Step`]s: phase, work, dependencies |
//! | [`component`] | the metadata components and their definitions from the snapshot |
//! | [`package`] | the deploy zip |
//! | [`tooling`], [`deploy`], [`users`] | the writers |
//! | [`execute`] | the executor |
//! | [`guard`] | the stale-plan guard and resuming a partly applied plan |
//! | [`session`] | opening the store, observing and planning (shared by `plan`, `apply`, `validate --online`) |
//! | [`connection_check`] | `test-connection`: login, API version, field access, allowance per org |
//! | [`report`] | the apply report |
//! | [`error`] | [`ApplyError`] |

pub mod component;
pub mod connection_check;
pub mod deploy;
pub mod error;
pub mod execute;
pub mod guard;
pub mod package;
pub mod report;
pub mod session;
pub mod steps;
pub mod tooling;
pub mod users;

pub use error::ApplyError;
pub use execute::{ApplyOptions, Inputs, Orgs, execute, write_method};
pub use guard::{Freshness, freshness};
pub use report::{ApplyReport, StepReport, StepStatus, WriteMethod};

use crate::plan::{Fingerprint, Plan};

/// The fingerprint steps are recorded under: SHA-256 of the plan's JSON form.
pub fn plan_fingerprint(plan: &Plan) -> Fingerprint {
    match crate::plan::view::json::to_value(plan) {
        Ok(value) => Fingerprint::of_json(&value),
        Err(_) => Fingerprint::of_bytes(format!("{plan:?}").as_bytes()),
    }
}
