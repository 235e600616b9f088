//! Observe: read both orgs into an immutable [`Snapshot`] for the planner.
//!
//! ```text
//! Spec ──connect──▶ OrgClient ×2 ──observe──▶ Snapshot { primary, secondary }
//! ```
//!
//! Per org the snapshot holds: identity (org ID, edition, sandbox flag, API version, integration
//! user), the describes of the published objects and of their lookup targets (`None` = the object
//! does not exist), field access for every published field, users/profiles/roles with
//! `syncUsers`, Apex triggers when the trigger policy needs them, supported metadata with
//! `syncMetadata`, record counts in scope (primary) and the daily API allowance.
//!
//! **Fingerprints** ([`OrgSnapshot::fingerprint`]) hash everything a plan depends on but *not*
//! the volatile readings — record counts and API limits — so a saved plan does not go stale
//! because a record was added or an API call was spent (see [`fingerprint`]).
//!
//! **Reads** are bundled through Composite (describes and queries, 25 per call, 5 queries per
//! call), run concurrently with a per-org bound, both orgs at once ([`read`], [`gather`]).
//! A missing object is not an error; a refused login is ([`ObserveError`]).
//!
//! | file | holds |
//! |---|---|
//! | [`snapshot`] | the snapshot types |
//! | [`schema`] | the domain describe types: [`ObjectSchema`], [`FieldSchema`], [`FieldType`] |
//! | [`connect`] | spec org settings → [`crate::org::OrgClient`] (the only place secrets are read) |
//! | [`gather`] | what to read, in two passes, and assembling an [`OrgSnapshot`] |
//! | [`read`] | bounded, bundled, paged reads ([`read::OrgReader`]) |
//! | [`queries`] | the SOQL, including the `bulkSync.since` condition |
//! | [`tooling`] | triggers and metadata through the Tooling API |
//! | [`fingerprint`] | canonical hashing |
//! | [`error`] | [`ObserveError`] |

pub mod connect;
pub mod error;
pub mod fingerprint;
pub mod gather;
pub mod queries;
pub mod read;
pub mod schema;
pub mod snapshot;
pub mod tooling;

pub use connect::ConnectError;
pub use error::ObserveError;
pub use schema::{FieldSchema, FieldType, ObjectSchema};
pub use snapshot::{
    ApexTrigger, ApiLimits, FieldAccess, IntegrationUser, MetadataItem, MetadataKind, OrgRole,
    OrgSnapshot, OrgUser, Profile, Role, Snapshot,
};

use crate::org::OrgClient;
use crate::spec::Spec;

use read::OrgReader;

/// How observe reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObserveOptions {
    /// Most HTTP calls in flight per org (at least 1).
    pub max_in_flight_per_org: usize,
}

impl Default for ObserveOptions {
    /// Four calls in flight per org.
    fn default() -> Self {
        Self {
            max_in_flight_per_org: 4,
        }
    }
}

/// Connects to both orgs of `spec` (reading their secrets now) and observes them.
pub async fn observe(spec: &Spec) -> Result<Snapshot, ObserveError> {
    let primary = connect::client(OrgRole::Primary, &spec.primary)?;
    let secondary = connect::client(OrgRole::Secondary, &spec.secondary)?;
    observe_with(spec, &primary, &secondary, ObserveOptions::default()).await
}

/// Observes both orgs through the given clients (whose usage counters then show the calls made).
pub async fn observe_with(
    spec: &Spec,
    primary: &OrgClient,
    secondary: &OrgClient,
    options: ObserveOptions,
) -> Result<Snapshot, ObserveError> {
    let bound = options.max_in_flight_per_org;
    let p = OrgReader::new(OrgRole::Primary, primary.clone(), bound);
    let s = OrgReader::new(OrgRole::Secondary, secondary.clone(), bound);
    let needs = gather::Needs::of(spec);
    let (p1, s1) = tokio::try_join!(
        gather::first_pass(&p, &needs),
        gather::first_pass(&s, &needs)
    )?;
    let targets = gather::lookup_targets(spec, &[&p1, &s1]);
    let (primary, secondary) = tokio::try_join!(
        gather::second_pass(&p, spec, p1, &targets),
        gather::second_pass(&s, spec, s1, &targets)
    )?;
    Ok(Snapshot { primary, secondary })
}
