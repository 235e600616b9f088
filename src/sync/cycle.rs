//! One incremental cycle (`orgsync sync --once`; the loop runs it every `pollInterval`): per
//! object, parents first, read what changed in each publishing org since its cursor (with an
//! overlap window, so a late-committed transaction is not missed; re-reads are recognised by
//! their hashes; a cursor starts at the newest record — its floor — so what existed before is
//! left to the bulk sync), add the queue entries that are due, run one round, and commit the round's
//! outcome together with the cursor advance. Deletes are not sent in that first pass but queued
//! for a second one that runs children before parents: a child moved to another parent (an
//! account merge) reaches the other org before its old parent's delete cascades there. While the
//! connection is suspended, changes are read and queued but nothing is written.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::DateTime;
use serde::Serialize;

use crate::org::wire::Record;
use crate::state::{Batch, Cursor, QueueAction, QueueEntry, QueueStatus, Side};

use super::counts::{Counts, PerObject};
use super::engine::{Engine, SyncError};
use super::model::ObjectModel;
use super::read;
use super::retry::{self, Subject};
use super::round::{Item, Mode};
use super::values::parse_datetime;

/// How far back of its cursor a poll reads again.
pub const OVERLAP: Duration = Duration::from_secs(60);

/// Where a poll stands: the last change handled, and the floor — the newest record when the
/// cursor started. Records at or before the floor existed before the sync started: they are the
/// bulk sync's, so even the overlap window never copies them. Stored in the cursor row as
/// `LAST_ID|FLOOR_MS|FLOOR_ID` (record IDs never hold `|`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    /// The last (SystemModstamp, Id) handled.
    pub at: Cursor,
    /// The newest record when the cursor started.
    pub floor: Option<Cursor>,
}

impl Position {
    /// Read a stored cursor.
    pub fn decode(c: &Cursor) -> Position {
        let mut parts = c.last_id.split('|');
        let id = parts.next().unwrap_or_default().to_owned();
        let floor = match (
            parts.next().and_then(|m| m.parse::<i64>().ok()),
            parts.next(),
        ) {
            (Some(ms), Some(fid)) => Some(Cursor {
                modstamp_ms: ms,
                last_id: fid.to_owned(),
            }),
            _ => None,
        };
        Position {
            at: Cursor {
                modstamp_ms: c.modstamp_ms,
                last_id: id,
            },
            floor,
        }
    }

    /// The cursor row to store.
    pub fn encode(&self) -> Cursor {
        Cursor {
            modstamp_ms: self.at.modstamp_ms,
            last_id: match &self.floor {
                Some(f) => format!("{}|{}|{}", self.at.last_id, f.modstamp_ms, f.last_id),
                None => self.at.last_id.clone(),
            },
        }
    }
}

/// Queue entries handled per object and cycle.
pub const QUEUE_PER_CYCLE: i64 = 10_000;

/// What one cycle did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CycleReport {
    /// Per object.
    pub objects: PerObject,
    /// The connection is suspended: changes were queued, not written.
    pub suspended: bool,
    /// A suspension ended (its `until` passed) at the start of this cycle.
    pub resumed: bool,
}

impl CycleReport {
    /// The counts over every object.
    pub fn total(&self) -> Counts {
        let mut t = Counts::default();
        for c in self.objects.values() {
            t.add(c);
        }
        t
    }
}

fn cursor_of(r: &Record) -> Option<Cursor> {
    let stamp = r.get("SystemModstamp")?.as_str().and_then(parse_datetime)?;
    Some(Cursor {
        modstamp_ms: stamp.timestamp_millis(),
        last_id: r.id()?.to_owned(),
    })
}

impl Engine {
    /// Run one cycle over every synced object (or only `only`).
    pub async fn sync_once(&self, only: Option<&str>) -> Result<CycleReport, SyncError> {
        let mut report = CycleReport::default();
        let now = self.now_ms();
        let mut suspension = self.store.suspension().await?;
        if suspension
            .as_ref()
            .is_some_and(|s| s.until_ms.is_some_and(|u| u <= now))
        {
            self.store.set_suspension(None).await?;
            suspension = None;
            report.resumed = true;
        }
        report.suspended = suspension.is_some();
        let objects: Vec<ObjectModel> = match only {
            Some(name) => vec![self.object(name)?.clone()],
            None => self.model.objects.clone(),
        };
        for object in &objects {
            let counts = self.cycle_object(object, report.suspended).await?;
            report.objects.insert(object.name.clone(), counts);
        }
        if !report.suspended {
            // The deletes the first pass queued, children before parents.
            for object in objects.iter().rev() {
                let counts = self.delete_pass(object).await?;
                report
                    .objects
                    .entry(object.name.clone())
                    .or_default()
                    .add(&counts);
            }
        }
        self.record_usage().await?;
        Ok(report)
    }

    /// The cursor of `object` in `side`, started at the newest record when there is none (the
    /// records before it are the bulk sync's to copy).
    pub(crate) async fn cursor(
        &self,
        object: &ObjectModel,
        side: Side,
    ) -> Result<Position, SyncError> {
        if let Some(c) = self.store.cursor(&object.name, side).await? {
            return Ok(Position::decode(&c));
        }
        let page = self.query(side, &read::newest(object), true).await?;
        let newest = page.records.first().and_then(cursor_of);
        let position = Position {
            at: newest.clone().unwrap_or(Cursor {
                modstamp_ms: 0,
                last_id: String::new(),
            }),
            floor: newest,
        };
        let mut batch = Batch::at(self.now_ms());
        batch
            .cursors
            .push((object.name.clone(), side, position.encode()));
        self.store.commit_batch(&batch).await?;
        Ok(position)
    }

    async fn cycle_object(
        &self,
        object: &ObjectModel,
        suspended: bool,
    ) -> Result<Counts, SyncError> {
        let now = self.now_ms();
        let mut items = Vec::new();
        let mut batch = Batch::at(now);
        for side in self.model.sources() {
            let position = self.cursor(object, side).await?;
            let since_ms =
                position.at.modstamp_ms - i64::try_from(OVERLAP.as_millis()).unwrap_or(0);
            let since = DateTime::from_timestamp_millis(since_ms.max(0)).unwrap_or_default();
            let soql = read::changes(&self.model, object, side, since);
            let records = self.query_all(side, &soql, true).await?;
            let mut newest = position.at.clone();
            // Records at or before the floor existed before the sync started: only their changes
            // to records already linked (by the bulk sync) flow; they are not copied as new.
            let mut before_floor: Vec<Item> = Vec::new();
            for record in records {
                let c = cursor_of(&record);
                let old = matches!((&c, &position.floor), (Some(c), Some(f)) if c <= f);
                if let Some(c) = c
                    && c > newest
                {
                    newest = c;
                }
                let item = Item {
                    side,
                    record,
                    entry: None,
                };
                if old {
                    before_floor.push(item);
                } else {
                    items.push(item);
                }
            }
            if !before_floor.is_empty() {
                let ids: Vec<&str> = before_floor.iter().map(Item::id).collect();
                let linked = self.links(&object.name, side, &ids).await?;
                items.extend(
                    before_floor
                        .into_iter()
                        .filter(|i| linked.contains_key(i.id())),
                );
            }
            if newest != position.at {
                let advanced = Position {
                    at: newest,
                    floor: position.floor.clone(),
                };
                batch
                    .cursors
                    .push((object.name.clone(), side, advanced.encode()));
            }
        }
        let mut counts = Counts::default();
        // A record on the queue is the queue's: it is tried when its entry is due (with the
        // latest values then), not each time a poll sees it again.
        let queued: std::collections::BTreeSet<(Side, String)> = self
            .store
            .queue_entries(Some(&object.name))
            .await?
            .into_iter()
            .map(|e| (e.source, e.source_id))
            .collect();
        items.retain(|i| !queued.contains(&(i.side, i.id().to_owned())));
        if suspended {
            self.queue_while_suspended(object, items, &mut batch, &mut counts);
        } else {
            items.extend(self.due_items(object, now, &mut batch).await?);
            self.round(object, items, Mode::Poll, &mut batch, &mut counts)
                .await?;
        }
        self.store.commit_batch(&batch).await?;
        Ok(counts)
    }

    /// The second pass of a cycle on `object`: the due deletes (queued by the first pass, or
    /// retried) are sent.
    async fn delete_pass(&self, object: &ObjectModel) -> Result<Counts, SyncError> {
        let now = self.now_ms();
        let mut batch = Batch::at(now);
        let mut counts = Counts::default();
        let items = self
            .due_items_where(object, now, &mut batch, |e| {
                e.action == QueueAction::ReplicationDelete
            })
            .await?;
        if !items.is_empty() {
            self.round(object, items, Mode::Changes, &mut batch, &mut counts)
                .await?;
        }
        self.store.commit_batch(&batch).await?;
        Ok(counts)
    }

    fn queue_while_suspended(
        &self,
        object: &ObjectModel,
        items: Vec<Item>,
        batch: &mut Batch,
        counts: &mut Counts,
    ) {
        let now = batch.at_ms;
        for item in items {
            if !self.model.flows_from(item.side) {
                continue;
            }
            let subject = Subject {
                object: &object.name,
                source: item.side,
                id: item.id(),
                action: if item.deleted() {
                    QueueAction::ReplicationDelete
                } else {
                    QueueAction::GenericUpdate
                },
            };
            retry::pending(batch, &subject, None, now);
            counts.queued += 1;
        }
    }

    /// The due queue entries of `object`, with their records read again. An entry whose record
    /// no longer exists (purged from the recycle bin) is dropped.
    pub(crate) async fn due_items(
        &self,
        object: &ObjectModel,
        now: i64,
        batch: &mut Batch,
    ) -> Result<Vec<Item>, SyncError> {
        self.due_items_where(object, now, batch, |_| true).await
    }

    /// [`Engine::due_items`] of the entries `wanted` chooses.
    async fn due_items_where(
        &self,
        object: &ObjectModel,
        now: i64,
        batch: &mut Batch,
        wanted: impl Fn(&QueueEntry) -> bool,
    ) -> Result<Vec<Item>, SyncError> {
        // This object's entries only (in due order): another object's backlog never starves it.
        let due: Vec<QueueEntry> = self
            .store
            .queue_entries(Some(&object.name))
            .await?
            .into_iter()
            .filter(|e| e.next_attempt_at_ms <= now && e.status != QueueStatus::Failed && wanted(e))
            .take(usize::try_from(QUEUE_PER_CYCLE).unwrap_or(usize::MAX))
            .collect();
        let mut by_side: BTreeMap<Side, Vec<QueueEntry>> = BTreeMap::new();
        for e in due {
            by_side.entry(e.source).or_default().push(e);
        }
        let mut items = Vec::new();
        for (side, entries) in by_side {
            for chunk in entries.chunks(read::IDS_PER_QUERY) {
                let ids: Vec<&str> = chunk.iter().map(|e| e.source_id.as_str()).collect();
                let soql = read::by_ids(&self.model, object, side, &ids);
                let records = self.query_all(side, &soql, true).await?;
                let mut by_id: BTreeMap<String, Record> = records
                    .into_iter()
                    .filter_map(|r| r.id().map(str::to_owned).map(|id| (id, r)))
                    .collect();
                for e in chunk {
                    match by_id.remove(&e.source_id) {
                        Some(record) => items.push(Item {
                            side,
                            record,
                            entry: Some(e.clone()),
                        }),
                        None => {
                            batch
                                .dequeue
                                .push((e.object.clone(), e.source, e.source_id.clone()))
                        }
                    }
                }
            }
        }
        Ok(items)
    }

    /// Keep each org's API usage in the store for `status`.
    pub(crate) async fn record_usage(&self) -> Result<(), SyncError> {
        let now = self.now_ms();
        for side in [Side::Primary, Side::Secondary] {
            let u = self.client(side).usage();
            self.store
                .record_api_usage(
                    side,
                    u.latest.api_usage.map(|p| p.used),
                    u.latest.api_usage.map(|p| p.max),
                    u.total_calls(),
                    now,
                )
                .await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_round_trip_through_the_cursor_row() {
        let p = Position {
            at: Cursor {
                modstamp_ms: 20,
                last_id: "001B".into(),
            },
            floor: Some(Cursor {
                modstamp_ms: 10,
                last_id: "001A".into(),
            }),
        };
        assert_eq!(p.encode().last_id, "001B|10|001A");
        assert_eq!(Position::decode(&p.encode()), p);
        let plain = Cursor {
            modstamp_ms: 5,
            last_id: "001C".into(),
        };
        assert_eq!(Position::decode(&plain).floor, None);
        assert_eq!(Position::decode(&plain).encode(), plain);
    }
}
