//! The plan: what apply would change, and why. Nothing here does I/O except [`saved`], and
//! nothing reads the clock.
//!
//! | module | holds |
//! |---|---|
//! | [`model`] | [`Plan`], [`Change`] (action, area, target, summary, reason, detail, record impact, API calls, blocking problem) |
//! | [`target`], [`reason`] | what a change touches; why it is there and which online rule it reports |
//! | [`name`], [`detail`], [`diff`] | the typed pieces a change may hold: names, attribute pairs, capped unified diffs of metadata bodies |
//! | [`forecast`] | API calls for apply and the first bulk sync against each org's allowance and `apiBudget` |
//! | [`mod@check`] | invariants every plan must satisfy |
//! | [`view`] | text, markdown (split into parts) and JSON renderings of one plan |
//! | [`fingerprint`] | SHA-256 fingerprints; the spec's canonical form |
//! | [`saved`] | plan files and the stale-plan comparison |
//!
//! **No values, no secrets.** A plan has no place for a record's field values: targets and
//! attribute values are [`Name`]s, numbers and flags taken from schema and metadata; record
//! impact is a count; body diffs are allowed only on Metadata and Triggers changes (checked).
//! Secrets enter the spec fingerprint by reference (`env:NAME`), never by value.
//!
//! **Exit codes of `orgsync plan`** (decided here, applied by the CLI): a plan with a blocking
//! attention change is printed in full and `plan` exits 1 — the connection cannot be applied as
//! specified, like a failed validation. Otherwise `--detailed-exitcode` exits 2 when
//! [`Plan::is_empty`] is false and 0 when it is true. Non-blocking attention changes (findings a
//! person should read, such as an unsupported field being skipped) do not count as changes:
//! apply would write nothing for them.

pub mod check;
pub mod detail;
pub mod diff;
pub mod fingerprint;
pub mod forecast;
pub mod model;
pub mod name;
pub mod planner;
pub mod reason;
pub mod saved;
pub mod target;
pub mod view;

pub use check::{Violation, check};
pub use detail::{AttrValue, AttributeChange, Detail};
pub use diff::BodyDiff;
pub use fingerprint::Fingerprint;
pub use forecast::{Allowance, Allowances, ApiForecast, OrgForecast, Verdict};
pub use model::{
    Action, Area, Basis, Calls, Change, FORMAT_VERSION, OrgFingerprints, OrgSide, Plan, Problem,
    Reason, Rule, Summary, Target,
};
pub use name::Name;
pub use saved::{SavedPlanError, Stale};
