//! The planner: `plan(&Spec, &Snapshot, &StateView) -> Plan`, pure and deterministic (no I/O, no
//! clock). It diffs the connection the spec describes against the applied connection in the state
//! store and against both orgs' snapshots, and reports every change with an action and a reason.
//!
//! The contract with `apply` (which decides nothing) is /work/briefs/plan-apply-contract.md:
//! change ids `<kind>:<org>:<path>`, dispatched on (area, action, target).
//!
//! | module | rules |
//! |---|---|
//! | [`resolve`] | the published field set (`"*"`, lists, `fieldMap`) |
//! | [`compat`] | S2S type compatibility |
//! | [`objects`] | objects and fields exist, are compatible (created or widened with syncMetadata), field access |
//! | [`lookups`] | lookups to unpublished objects, parent-before-child order, cycles |
//! | [`key_fields`] | the external-ID key field on each subscribing side |
//! | [`connection`] | publish, change, unpublish against the applied connection |
//! | [`metadata`], [`users`], [`triggers`] | syncMetadata, syncUsers, trigger policies |
//! | [`records`], [`costs`], [`budget`] | record impact, API calls per change, the budget finding |

pub mod budget;
pub mod compat;
pub mod connection;
pub mod costs;
pub mod key_fields;
pub mod lookups;
pub mod metadata;
pub mod objects;
pub mod records;
pub mod resolve;
pub mod triggers;
pub mod users;
mod util;

use std::collections::BTreeMap;

use crate::observe::Snapshot;
use crate::spec::Spec;
use crate::spec::model::Direction;
use crate::state::ConnectionState;

use super::fingerprint::{self, Fingerprint};
use super::forecast::{Allowance, Allowances};
use super::model::{Basis, Change, OrgFingerprints, Plan};
use super::name::Name;
use objects::ObjectOutcome;
use util::Changes;

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

/// What every rule reads: the spec and both orgs' snapshots.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    /// The validated spec.
    pub spec: &'a Spec,
    /// Both orgs.
    pub snapshot: &'a Snapshot,
}

impl Ctx<'_> {
    /// Two-way: both orgs publish and subscribe the same objects and fields.
    pub fn two_way(&self) -> bool {
        self.spec.connection.direction == Direction::TwoWay
    }
}

fn outcomes<'a>(ctx: &Ctx<'a>) -> Vec<ObjectOutcome<'a>> {
    let mut seen: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for sync in &ctx.spec.objects {
        let o = objects::object(ctx, sync);
        if seen.iter().any(|s| s.eq_ignore_ascii_case(&o.name)) {
            continue;
        }
        seen.push(o.name.clone());
        out.push(o);
    }
    out
}

fn allowances(snapshot: &Snapshot) -> Allowances {
    Allowances {
        primary: Allowance {
            daily_max: snapshot.primary.limits.daily_max,
            remaining: snapshot.primary.limits.daily_remaining,
        },
        secondary: Allowance {
            daily_max: snapshot.secondary.limits.daily_max,
            remaining: snapshot.secondary.limits.daily_remaining,
        },
    }
}

/// Plan the changes that make both orgs and the state store match `spec`. Pure and
/// deterministic: the same inputs give the same plan, and the plan passes
/// [`super::check::check`].
pub fn plan(spec: &Spec, snapshot: &Snapshot, state: &StateView) -> Plan {
    let ctx = Ctx { spec, snapshot };
    let outcomes = outcomes(&ctx);
    let mut changes = Changes::default();
    for o in &outcomes {
        changes.extend(o.changes.iter().cloned());
        changes.extend(key_fields::check(&ctx, o));
    }
    let lookups = lookups::check(&outcomes);
    changes.extend(lookups.changes);
    let desired = connection::desired(&outcomes);
    changes.extend(connection::diff(
        &desired,
        state.connection.as_ref(),
        ctx.two_way(),
    ));
    if spec.connection.sync_metadata {
        changes.extend(metadata::plan(snapshot, &outcomes));
    }
    if spec.connection.sync_users {
        changes.extend(users::plan(
            snapshot,
            spec.connection.username_suffix.as_deref(),
        ));
    }
    changes.extend(triggers::plan(snapshot, &spec.triggers));
    changes.extend(records::impact(
        &ctx,
        &outcomes,
        &lookups.order,
        state.connection.as_ref(),
        &state.linked_records,
    ));
    let mut list: Vec<Change> = changes.into_vec();
    list.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    costs::assign(&mut list, snapshot);
    let basis = basis(spec, snapshot, state);
    let budget_percent = spec.records.api_budget_percent;
    let first = Plan::new(
        basis.clone(),
        list.clone(),
        allowances(snapshot),
        budget_percent,
    );
    let findings = budget::findings(&first.forecast);
    let plan = if findings.is_empty() {
        first
    } else {
        list.extend(findings);
        Plan::new(basis, list, allowances(snapshot), budget_percent)
    };
    debug_assert!(
        super::check::check(&plan).is_empty(),
        "the planner broke a plan invariant: {:?}",
        super::check::check(&plan)
    );
    plan
}

/// The connection state apply records as the new generation once every step of a plan is done:
/// the published objects, their published and subscribed fields and key fields. Planning again
/// against it (and the orgs apply left) finds no Connection changes.
pub fn desired_connection(spec: &Spec, snapshot: &Snapshot) -> ConnectionState {
    connection::desired(&outcomes(&Ctx { spec, snapshot }))
}
