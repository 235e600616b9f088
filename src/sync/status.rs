//! Per-object sync status (Lightning Sync's vocabulary), computed from the state store.
//!
//! [`status_of`] is a pure function of a few facts about one object ([`ObjectFacts`]);
//! [`report`] gathers those facts, activity counts, queue depth, failures, links, the suspension
//! and API usage from the store for `orgsync status`. Nothing here contacts an org or reads the
//! clock: the caller passes `now_ms`.
//!
//! The rules, first match wins:
//!
//! 1. **Initial sync in progress**: a bulk sync of the object (from either org) has a progress
//!    row that is not done.
//! 2. **Sync in progress**: queue entries of the object that have not failed exist (pending,
//!    waiting for a parent or retrying, due or not).
//! 3. **Not started**: no bulk-sync progress, no change cursor in either org and no links.
//! 4. **Initial sync completed**: every bulk sync of the object is done and no change cursor
//!    exists yet (incremental sync has not run).
//! 5. **In sync**: otherwise — a change cursor exists (or links exist without a bulk sync, e.g.
//!    made by `orgsync reset` or `forward`) and nothing is pending.
//!
//! Failed queue entries never make an object "in progress": they wait for `orgsync replay` and
//! are shown in their own column.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::spec::Spec;
use crate::spec::model::Direction;
use crate::state::sync::{ApiUsage, Side, Suspension};
use crate::state::{StateError, Store};

/// How far record sync of one object has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum SyncStatus {
    /// Nothing has happened for the object yet.
    #[serde(rename = "Not started")]
    NotStarted,
    /// The bulk sync of existing records is running (or was interrupted and will resume).
    #[serde(rename = "Initial sync in progress")]
    InitialSyncInProgress,
    /// The bulk sync is done; incremental sync has not run yet.
    #[serde(rename = "Initial sync completed")]
    InitialSyncCompleted,
    /// Records are queued: being sent, waiting for a parent, or retried.
    #[serde(rename = "Sync in progress")]
    SyncInProgress,
    /// Caught up: changes are read incrementally and nothing is pending.
    #[serde(rename = "In sync")]
    InSync,
}

impl SyncStatus {
    /// Every value, in the order an object normally passes through them.
    pub const ALL: &'static [SyncStatus] = &[
        SyncStatus::NotStarted,
        SyncStatus::InitialSyncInProgress,
        SyncStatus::InitialSyncCompleted,
        SyncStatus::SyncInProgress,
        SyncStatus::InSync,
    ];

    /// The label shown to people (and in JSON).
    pub fn label(self) -> &'static str {
        match self {
            SyncStatus::NotStarted => "Not started",
            SyncStatus::InitialSyncInProgress => "Initial sync in progress",
            SyncStatus::InitialSyncCompleted => "Initial sync completed",
            SyncStatus::SyncInProgress => "Sync in progress",
            SyncStatus::InSync => "In sync",
        }
    }
}

impl std::fmt::Display for SyncStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// What the status of one object is decided from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ObjectFacts {
    /// Bulk-sync progress rows of the object (one per org it was copied from).
    pub bulk_rows: usize,
    /// Of those, the ones not done.
    pub bulk_unfinished: usize,
    /// A change cursor exists in either org.
    pub has_cursor: bool,
    /// Linked record pairs.
    pub links: u64,
    /// Queue entries that have not failed (pending, waiting or retrying).
    pub queued: u64,
}

/// The status of one object (the rules are in the module documentation).
pub fn status_of(f: &ObjectFacts) -> SyncStatus {
    if f.bulk_unfinished > 0 {
        SyncStatus::InitialSyncInProgress
    } else if f.queued > 0 {
        SyncStatus::SyncInProgress
    } else if f.bulk_rows == 0 && !f.has_cursor && f.links == 0 {
        SyncStatus::NotStarted
    } else if f.bulk_rows > 0 && !f.has_cursor {
        SyncStatus::InitialSyncCompleted
    } else {
        SyncStatus::InSync
    }
}

/// One row of `orgsync status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectStatus {
    /// Object API name.
    pub object: String,
    /// Its status.
    pub status: SyncStatus,
    /// When records of it were last written (either org).
    pub last_activity_ms: Option<i64>,
    /// Records written in the last 60 minutes.
    pub last_hour: u64,
    /// Records written in the last 24 hours.
    pub last_day: u64,
    /// Queue entries that have not failed.
    pub queue_depth: u64,
    /// Queue entries that failed (waiting for `orgsync replay`).
    pub failures: u64,
    /// Linked record pairs.
    pub linked: u64,
}

/// Everything `orgsync status` shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusReport {
    /// The connection name (`metadata.name`).
    pub name: String,
    /// Which way records flow.
    pub direction: Direction,
    /// The applied generation.
    pub generation: i64,
    /// When it was applied.
    pub applied_at_ms: i64,
    /// The suspension, if the connection is suspended.
    pub suspension: Option<Suspension>,
    /// API usage per org, where measured.
    pub usage: BTreeMap<Side, ApiUsage>,
    /// Per published object, by API name.
    pub objects: Vec<ObjectStatus>,
    /// The instant the report describes.
    pub now_ms: i64,
}

/// One hour and one day, in milliseconds.
const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;

/// Read the status of the applied connection at `now_ms`; `None` when it was never applied.
pub async fn report(
    store: &Store,
    spec: &Spec,
    now_ms: i64,
) -> Result<Option<StatusReport>, StateError> {
    let Some(generation) = store.current_generation().await? else {
        return Ok(None);
    };
    let bulk = store.bulk_progress_all().await?;
    let cursors: BTreeSet<String> = store
        .cursors()
        .await?
        .into_keys()
        .map(|(object, _)| object)
        .collect();
    let links = store.link_counts().await?;
    let depths = store.queue_depths().await?;
    let failed = store.failed_counts().await?;
    let last_activity = store.last_activity().await?;
    let last_hour = store
        .records_synced_since(now_ms.saturating_sub(HOUR_MS))
        .await?;
    let last_day = store
        .records_synced_since(now_ms.saturating_sub(DAY_MS))
        .await?;
    let count = |m: &BTreeMap<String, u64>, o: &str| m.get(o).copied().unwrap_or(0);
    let objects = generation
        .connection
        .objects
        .keys()
        .map(|object| {
            let rows: Vec<_> = bulk.iter().filter(|p| &p.object == object).collect();
            let failures = count(&failed, object);
            let queued = count(&depths, object).saturating_sub(failures);
            let facts = ObjectFacts {
                bulk_rows: rows.len(),
                bulk_unfinished: rows.iter().filter(|p| !p.done).count(),
                has_cursor: cursors.contains(object),
                links: count(&links, object),
                queued,
            };
            ObjectStatus {
                object: object.clone(),
                status: status_of(&facts),
                last_activity_ms: last_activity.get(object).copied(),
                last_hour: count(&last_hour, object),
                last_day: count(&last_day, object),
                queue_depth: queued,
                failures,
                linked: facts.links,
            }
        })
        .collect();
    Ok(Some(StatusReport {
        name: spec.name.clone(),
        direction: spec.connection.direction,
        generation: generation.number,
        applied_at_ms: generation.applied_at_ms,
        suspension: store.suspension().await?,
        usage: store.api_usage().await?,
        objects,
        now_ms,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(
        bulk_rows: usize,
        bulk_unfinished: usize,
        cursor: bool,
        links: u64,
        queued: u64,
    ) -> ObjectFacts {
        ObjectFacts {
            bulk_rows,
            bulk_unfinished,
            has_cursor: cursor,
            links,
            queued,
        }
    }

    #[test]
    fn nothing_at_all_is_not_started() {
        assert_eq!(status_of(&ObjectFacts::default()), SyncStatus::NotStarted);
    }

    #[test]
    fn an_unfinished_bulk_sync_wins_over_everything() {
        assert_eq!(
            status_of(&facts(1, 1, false, 0, 0)),
            SyncStatus::InitialSyncInProgress
        );
        // One org done, the other still copying; records queued; a cursor already there.
        assert_eq!(
            status_of(&facts(2, 1, true, 40, 7)),
            SyncStatus::InitialSyncInProgress
        );
    }

    #[test]
    fn a_finished_bulk_sync_without_a_cursor_is_initial_sync_completed() {
        assert_eq!(
            status_of(&facts(1, 0, false, 120, 0)),
            SyncStatus::InitialSyncCompleted
        );
        assert_eq!(
            status_of(&facts(2, 0, false, 0, 0)),
            SyncStatus::InitialSyncCompleted
        );
    }

    #[test]
    fn queued_records_mean_sync_in_progress() {
        assert_eq!(
            status_of(&facts(1, 0, true, 10, 3)),
            SyncStatus::SyncInProgress
        );
        // Queued before the first bulk sync finished its bookkeeping (a manual forward).
        assert_eq!(
            status_of(&facts(0, 0, false, 0, 1)),
            SyncStatus::SyncInProgress
        );
        assert_eq!(
            status_of(&facts(1, 0, false, 10, 2)),
            SyncStatus::SyncInProgress
        );
    }

    #[test]
    fn a_cursor_with_nothing_pending_is_in_sync() {
        assert_eq!(status_of(&facts(1, 0, true, 10, 0)), SyncStatus::InSync);
        // Incremental sync without a bulk sync (nothing existed to copy).
        assert_eq!(status_of(&facts(0, 0, true, 0, 0)), SyncStatus::InSync);
        // Links rebuilt by `reset` without a bulk sync or cursor.
        assert_eq!(status_of(&facts(0, 0, false, 5, 0)), SyncStatus::InSync);
    }

    #[test]
    fn labels_are_lightning_syncs_vocabulary() {
        let labels: Vec<&str> = SyncStatus::ALL.iter().map(|s| s.label()).collect();
        assert_eq!(
            labels,
            [
                "Not started",
                "Initial sync in progress",
                "Initial sync completed",
                "Sync in progress",
                "In sync"
            ]
        );
        for s in SyncStatus::ALL {
            assert_eq!(
                serde_json::to_value(s).unwrap(),
                serde_json::Value::String(s.label().to_owned())
            );
        }
    }
}
