//! What apply's changes cost in API calls, per org. Metadata-like changes (custom objects and
//! fields, key fields, metadata, triggers) go through the Tooling API on sandbox and Developer
//! Edition orgs — one call per create, two per update (find the component, then write it) — and
//! through one Metadata API deploy on production orgs: [`DEPLOY_CALLS`] plus a status poll per
//! [`COMPONENTS_PER_POLL`] components, carried by the first such change of that org. Users cost
//! one call each, and the first user change also carries the profile and role look-ups. Connection
//! and attention changes cost nothing; Records changes carry the first bulk sync (see
//! [`super::records::first_sync_calls`]).

use crate::observe::{OrgSnapshot, Snapshot};
use crate::plan::model::{Action, Area, Calls, Change, OrgSide};

/// Calls of one Metadata API deploy: the deploy request, its final status and result.
pub const DEPLOY_CALLS: u64 = 3;
/// Components per extra status poll of a deploy.
pub const COMPONENTS_PER_POLL: u64 = 10;
/// Look-ups of profile and role IDs before the first user write.
pub const USER_LOOKUP_CALLS: u64 = 2;

/// Whether apply writes metadata to this org through the Tooling API (sandbox or Developer
/// Edition), else through a Metadata API deploy.
pub fn uses_tooling(org: &OrgSnapshot) -> bool {
    org.is_sandbox || org.edition.eq_ignore_ascii_case("Developer Edition")
}

fn is_component(c: &Change) -> bool {
    c.action.is_change()
        && matches!(
            c.area,
            Area::ObjectsAndFields | Area::KeyFields | Area::Metadata | Area::Triggers
        )
}

fn on(side: OrgSide, n: u64) -> Calls {
    match side {
        OrgSide::Primary => Calls::new(n, 0),
        OrgSide::Secondary => Calls::new(0, n),
        OrgSide::Both => Calls::new(n, n),
        OrgSide::State => Calls::default(),
    }
}

/// Set `api_calls` on every change except the Records ones; `changes` must be in plan order.
pub fn assign(changes: &mut [Change], snapshot: &Snapshot) {
    for side in [OrgSide::Primary, OrgSide::Secondary] {
        let org = match side {
            OrgSide::Primary => &snapshot.primary,
            _ => &snapshot.secondary,
        };
        let components = changes
            .iter()
            .filter(|c| is_component(c) && c.target.org == side)
            .count() as u64;
        let mut first_component = true;
        let mut first_user = true;
        for c in changes.iter_mut().filter(|c| c.target.org == side) {
            if is_component(c) {
                let n = if uses_tooling(org) {
                    if c.action == Action::Update { 2 } else { 1 }
                } else if first_component {
                    DEPLOY_CALLS + components.div_ceil(COMPONENTS_PER_POLL)
                } else {
                    0
                };
                first_component = false;
                c.api_calls = on(side, n);
            } else if c.area == Area::Users && c.action.is_change() {
                let extra = if first_user { USER_LOOKUP_CALLS } else { 0 };
                first_user = false;
                c.api_calls = on(side, 1 + extra);
            }
        }
    }
}
