//! Everything `plan`, `apply` and `validate --online` do before apply proper: open the state
//! store, read the [`StateView`], connect to and observe both orgs, and plan.

use std::collections::BTreeMap;

use secrecy::ExposeSecret;

use crate::observe::{self, ObserveOptions, OrgRole, Snapshot, connect};
use crate::org::OrgClient;
use crate::plan::planner::{self, StateView};
use crate::plan::{Plan, check};
use crate::spec::Spec;
use crate::state::{StateError, Store};

use super::error::ApplyError;

/// A plan and everything it was made from.
#[derive(Debug)]
pub struct Planned {
    /// The state store (open).
    pub store: Store,
    /// Both orgs' clients (logged in).
    pub primary: OrgClient,
    /// The secondary's client.
    pub secondary: OrgClient,
    /// What the planner read from the store.
    pub state: StateView,
    /// What the planner read from the orgs.
    pub snapshot: Snapshot,
    /// The plan.
    pub plan: Plan,
}

/// The store URL with the spec's database password put in (Postgres only).
fn store_url(spec: &Spec) -> Result<String, ApplyError> {
    let url = spec.state.url.clone();
    let Some(password) = &spec.state.password else {
        return Ok(url);
    };
    let Some((scheme, rest)) = url.split_once("://") else {
        return Ok(url);
    };
    if scheme == "sqlite" {
        return Ok(url);
    }
    let secret = password.resolve().map_err(ApplyError::StatePassword)?;
    let encoded = percent_encoding::utf8_percent_encode(
        secret.expose_secret(),
        percent_encoding::NON_ALPHANUMERIC,
    )
    .to_string();
    Ok(match rest.split_once('@') {
        Some((user, host)) => format!("{scheme}://{user}:{encoded}@{host}"),
        None => url,
    })
}

/// Open the spec's state store (SQLite creates its file and directory).
pub async fn open_store(spec: &Spec) -> Result<Store, ApplyError> {
    Ok(Store::open(&store_url(spec)?).await?)
}

/// Linked record pairs per object (for the record impact of an unpublish).
pub async fn linked_record_counts(store: &Store) -> Result<BTreeMap<String, u64>, StateError> {
    store.link_counts().await
}

/// What the planner reads from the store.
pub async fn state_view(store: &Store) -> Result<StateView, StateError> {
    let generation = store.current_generation().await?;
    Ok(StateView {
        generation: generation.as_ref().map(|g| g.number),
        connection: generation.map(|g| g.connection),
        linked_records: linked_record_counts(store).await?,
    })
}

/// Connect to both orgs and observe them.
pub async fn observe(spec: &Spec) -> Result<(OrgClient, OrgClient, Snapshot), ApplyError> {
    let primary = connect::client(OrgRole::Primary, &spec.primary)
        .map_err(|e| ApplyError::Observe(e.into()))?;
    let secondary = connect::client(OrgRole::Secondary, &spec.secondary)
        .map_err(|e| ApplyError::Observe(e.into()))?;
    let snapshot =
        observe::observe_with(spec, &primary, &secondary, ObserveOptions::default()).await?;
    Ok((primary, secondary, snapshot))
}

/// Connect to both orgs, read the store and both orgs, and plan. The plan is checked against
/// the plan invariants.
pub async fn plan(spec: &Spec) -> Result<Planned, ApplyError> {
    let store = open_store(spec).await?;
    let state = state_view(&store).await?;
    let (primary, secondary, snapshot) = observe(spec).await?;
    let plan = planner::plan(spec, &snapshot, &state);
    let violations = check(&plan);
    if let Some(first) = violations.first() {
        return Err(ApplyError::Invalid {
            count: violations.len(),
            first: first.to_string(),
        });
    }
    Ok(Planned {
        store,
        primary,
        secondary,
        state,
        snapshot,
        plan,
    })
}
