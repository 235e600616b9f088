//! [`ApplyError`]: what stops apply as a whole (the state store, reading the orgs, a plan that
//! cannot be used). A failing *step* is not an error: it is reported as failed and the run goes
//! on with the steps that do not depend on it.

use crate::observe::ObserveError;
use crate::org::OrgError;
use crate::plan::{SavedPlanError, Stale};
use crate::spec::SecretError;
use crate::state::StateError;

/// Apply (or planning for it) could not go ahead.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// The state store could not be opened, read or written.
    #[error("the state store failed")]
    State(#[from] StateError),
    /// `state.password` could not be read.
    #[error("cannot read `state.password`")]
    StatePassword(#[source] SecretError),
    /// Reading an org failed.
    #[error(transparent)]
    Observe(#[from] ObserveError),
    /// The saved plan file cannot be used.
    #[error(transparent)]
    SavedPlan(#[from] SavedPlanError),
    /// The saved plan is stale (exit 3).
    #[error("{0}")]
    Stale(Stale),
    /// The plan breaks the plan invariants (a planner bug).
    #[error("the plan breaks {count} invariant(s), first: {first}")]
    Invalid {
        /// How many.
        count: usize,
        /// The first, described.
        first: String,
    },
}

/// One line about a client error for a step report: the message (status and error codes,
/// never Salesforce's own text, which may quote values) and its causes.
pub fn describe(err: &OrgError) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
