//! [`Engine`]: the model, the store, both orgs' clients and the clock, and the calls every part of
//! the engine shares (reading records page by page, reading links, the time).

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::apply::{ApplyError, session};
use crate::org::rest::QueryOptions;
use crate::org::wire::{QueryPage, Record};
use crate::org::{Clock, OrgClient, OrgError, SystemClock};
use crate::spec::Spec;
use crate::state::{Link, Side, StateError, Store};

use super::model::{ModelError, ObjectModel, SyncModel};
use super::owners::Owners;
use super::values::{Hasher, new_key};

/// Why the engine stopped.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// An org could not be read (nothing was lost: the cursor did not move).
    #[error("the {side} org answered with an error")]
    Org {
        /// Which org.
        side: Side,
        /// The error.
        #[source]
        source: OrgError,
    },
    /// The state store failed.
    #[error(transparent)]
    State(#[from] StateError),
    /// The connection cannot be synced as applied.
    #[error(transparent)]
    Model(#[from] ModelError),
    /// Connecting or reading the orgs failed.
    #[error(transparent)]
    Connect(#[from] ApplyError),
    /// An object the operator named is not synced.
    #[error("{0} is not a synced object")]
    UnknownObject(String),
    /// Something the operator asked for is not possible.
    #[error("{0}")]
    Refused(String),
}

impl SyncError {
    /// An org error of `side`.
    pub fn org(side: Side) -> impl FnOnce(OrgError) -> SyncError {
        move |source| SyncError::Org { side, source }
    }
}

/// The record-sync engine of one connection.
#[derive(Debug, Clone)]
pub struct Engine {
    pub(crate) model: Arc<SyncModel>,
    pub(crate) store: Store,
    pub(crate) primary: OrgClient,
    pub(crate) secondary: OrgClient,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) hasher: Hasher,
    pub(crate) owners: Arc<Owners>,
}

impl Engine {
    /// Open the spec's store, connect to both orgs, read what the engine needs (describes of the
    /// synced objects, users) and build the engine on the applied connection.
    pub async fn connect(spec: &Spec) -> Result<Engine, SyncError> {
        Self::connect_with_clock(spec, Arc::new(SystemClock)).await
    }

    /// [`Engine::connect`] with an injected clock (tests move time forward for retries).
    pub async fn connect_with_clock(
        spec: &Spec,
        clock: Arc<dyn Clock>,
    ) -> Result<Engine, SyncError> {
        let store = session::open_store(spec).await?;
        let (primary, secondary, snapshot) = session::observe(spec).await?;
        let generation = store.current_generation().await?;
        let model = SyncModel::build(spec, &snapshot, generation.as_ref().map(|g| &g.connection))?;
        Self::with_parts(model, store, primary, secondary, clock).await
    }

    /// An engine over parts already at hand (tests inject a clock).
    pub async fn with_parts(
        model: SyncModel,
        store: Store,
        primary: OrgClient,
        secondary: OrgClient,
        clock: Arc<dyn Clock>,
    ) -> Result<Engine, SyncError> {
        let owners = Owners::read(&model, &primary, &secondary)
            .await
            .map_err(|source| SyncError::Org {
                side: Side::Primary,
                source,
            })?;
        let key = store.hash_key(&new_key()).await?;
        Ok(Engine {
            model: Arc::new(model),
            store,
            primary,
            secondary,
            clock,
            hasher: Hasher::new(&key),
            owners: Arc::new(owners),
        })
    }

    /// What is synced.
    pub fn model(&self) -> &SyncModel {
        &self.model
    }

    /// The state store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The client of `side`.
    pub fn client(&self, side: Side) -> &OrgClient {
        match side {
            Side::Primary => &self.primary,
            Side::Secondary => &self.secondary,
        }
    }

    /// Milliseconds since the epoch, by the engine's clock.
    pub fn now_ms(&self) -> i64 {
        self.clock.now().timestamp_millis()
    }

    /// The synced object called `name`.
    pub fn object(&self, name: &str) -> Result<&ObjectModel, SyncError> {
        self.model
            .object(name)
            .ok_or_else(|| SyncError::UnknownObject(name.to_owned()))
    }

    /// The first page of a query in `side`.
    pub(crate) async fn query(
        &self,
        side: Side,
        soql: &str,
        include_deleted: bool,
    ) -> Result<QueryPage, SyncError> {
        let options = QueryOptions {
            include_deleted,
            batch_size: Some(2000),
        };
        self.client(side)
            .query(soql, options)
            .await
            .map_err(SyncError::org(side))
    }

    /// The next page after `page`, if any.
    pub(crate) async fn next_page(
        &self,
        side: Side,
        page: &QueryPage,
    ) -> Result<Option<QueryPage>, SyncError> {
        if page.done {
            return Ok(None);
        }
        let Some(url) = page.next_records_url.as_deref() else {
            return Ok(None);
        };
        let options = QueryOptions {
            include_deleted: true,
            batch_size: Some(2000),
        };
        self.client(side)
            .query_more(url, options)
            .await
            .map(Some)
            .map_err(SyncError::org(side))
    }

    /// Every record of a query in `side`.
    pub(crate) async fn query_all(
        &self,
        side: Side,
        soql: &str,
        include_deleted: bool,
    ) -> Result<Vec<Record>, SyncError> {
        let mut page = self.query(side, soql, include_deleted).await?;
        let mut out = std::mem::take(&mut page.records);
        while let Some(mut next) = self.next_page(side, &page).await? {
            out.append(&mut next.records);
            page = next;
        }
        Ok(out)
    }

    /// Links of `object` whose `side` record is one of `ids`.
    pub(crate) async fn links(
        &self,
        object: &str,
        side: Side,
        ids: &[&str],
    ) -> Result<BTreeMap<String, Link>, SyncError> {
        if ids.is_empty() {
            return Ok(BTreeMap::new());
        }
        Ok(self.store.links_by_ids(object, side, ids).await?)
    }
}
