//! The planner: `plan(&Spec, &Snapshot, &StateView) -> Plan`, pure and deterministic (no I/O, no
//! clock). It diffs the connection the spec describes against the applied connection in the state
//! store and against both orgs' snapshots, and reports every change with an action and a reason.
//!
//! The contract with `apply` (which decides nothing): see the step vocabulary documented on
//! [`plan`].

use std::collections::BTreeMap;

use crate::observe::Snapshot;
use crate::spec::Spec;
use crate::state::ConnectionState;

use super::fingerprint::{self, Fingerprint};
use super::forecast::{Allowance, Allowances};
use super::model::{Basis, OrgFingerprints, Plan};
use super::name::Name;

/// What the planner reads from the state store: the applied generation and its connection, and
/// how many records are linked per object (for the record impact of an unpublish).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StateView {
    /// The applied generation (`None`: never applied).
    pub generation: Option<i64>,
    /// The connection as last applied (`None`: never applied).
    pub connection: Option<ConnectionState>,
    /// Linked record pairs per object API name.
    pub linked_records: BTreeMap<String, u64>,
}

/// The fingerprints a plan records for the stale-plan guard.
pub fn basis(spec: &Spec, snapshot: &Snapshot, state: &StateView) -> Basis {
    let org = |fp: String| {
        Fingerprint::parse(&fp).unwrap_or_else(|_| Fingerprint::of_bytes(fp.as_bytes()))
    };
    // The compiled spec's name is validated (lowercase letters, digits, '-'), so it is a Name.
    let connection = Name::new(spec.name.clone()).unwrap_or_else(|_| {
        Name::new(fingerprint::spec(spec).short().to_owned()).unwrap_or_else(|_| unreachable!())
    });
    Basis {
        connection,
        spec_fingerprint: fingerprint::spec(spec),
        org_fingerprints: OrgFingerprints {
            primary: org(snapshot.primary.fingerprint()),
            secondary: org(snapshot.secondary.fingerprint()),
        },
        state_generation: state.generation,
    }
}

/// Plan the changes that make both orgs and the state store match `spec`.
///
/// (Stub until the planner lands: returns a plan without changes.)
pub fn plan(spec: &Spec, snapshot: &Snapshot, state: &StateView) -> Plan {
    let allowances = Allowances {
        primary: Allowance {
            daily_max: snapshot.primary.limits.daily_max,
            remaining: snapshot.primary.limits.daily_remaining,
        },
        secondary: Allowance {
            daily_max: snapshot.secondary.limits.daily_max,
            remaining: snapshot.secondary.limits.daily_remaining,
        },
    };
    Plan::new(
        basis(spec, snapshot, state),
        Vec::new(),
        allowances,
        spec.records.api_budget_percent,
    )
}

/// The connection state apply records as the new generation once every step of a plan is done:
/// the published objects, their published and subscribed fields and key fields.
///
/// (Stub until the planner lands.)
pub fn desired_connection(spec: &Spec, snapshot: &Snapshot) -> ConnectionState {
    let _ = (spec, snapshot);
    ConnectionState::default()
}
