//! Bulk sync: copy the records that exist in a publishing org and are not linked yet, object by
//! object (parents first), in ID-ordered pages of 2,000 — resumable from the last ID done — and
//! written in collections of 200 upserted on the key field, so an interrupted or repeated bulk
//! sync never duplicates a record. `since` has no one-year cap. Self-lookups whose parent came
//! later in ID order are sent in a second pass (their follow-up queue entries, drained at the end
//! of each object).

use serde::Serialize;

use crate::state::{Batch, BulkProgress, Side};

use super::counts::{Counts, PerObject};
use super::engine::{Engine, SyncError};
use super::model::{ObjectModel, SyncModel};
use super::read;
use super::round::Mode;

/// What to copy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BulkOptions {
    /// Only this object.
    pub object: Option<String>,
    /// A `LastModifiedDate` condition replacing `bulkSync.since` (e.g. from `--since 2024-01-01`).
    pub since: Option<String>,
    /// At most this many records per object and org.
    pub limit: Option<u64>,
}

/// Progress of one object, reported after every page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkStep {
    /// Object API name.
    pub object: String,
    /// The org copied from.
    pub source: Side,
    /// Records handled so far in this run.
    pub records: u64,
    /// Finished.
    pub done: bool,
}

/// What a bulk sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkReport {
    /// Per object.
    pub objects: PerObject,
}

impl Engine {
    /// Run a bulk sync. `progress` is told after every page.
    pub async fn bulk_sync(
        &self,
        options: &BulkOptions,
        progress: &(dyn Fn(&BulkStep) + Send + Sync),
    ) -> Result<BulkReport, SyncError> {
        let mut model: SyncModel = (*self.model).clone();
        if let Some(since) = &options.since {
            model.bulk_since = Some(since.clone());
        }
        let objects: Vec<ObjectModel> = match &options.object {
            Some(name) => vec![self.object(name)?.clone()],
            None => self.model.objects.clone(),
        };
        let mut report = BulkReport::default();
        for object in &objects {
            let mut counts = Counts::default();
            for side in model.sources() {
                // Changes made while the copy runs are the incremental sync's: start its cursor
                // first.
                self.cursor(object, side).await?;
                self.bulk_object(&model, object, side, options.limit, &mut counts, progress)
                    .await?;
            }
            // Second pass: self-lookups whose parents were copied after them.
            let now = self.now_ms();
            let mut batch = Batch::at(now);
            let items = self.due_items(object, now, &mut batch).await?;
            if !items.is_empty() {
                self.round(object, items, Mode::Changes, &mut batch, &mut counts)
                    .await?;
            }
            self.store.commit_batch(&batch).await?;
            report.objects.insert(object.name.clone(), counts);
        }
        self.record_usage().await?;
        Ok(report)
    }

    async fn bulk_object(
        &self,
        model: &SyncModel,
        object: &ObjectModel,
        side: Side,
        limit: Option<u64>,
        counts: &mut Counts,
        progress: &(dyn Fn(&BulkStep) + Send + Sync),
    ) -> Result<(), SyncError> {
        let previous = self.store.bulk_progress(&object.name, side).await?;
        // An interrupted run resumes after its last ID; a finished one starts over (records
        // linked since are skipped).
        let mut state = match previous {
            Some(p) if !p.done => p,
            _ => BulkProgress {
                object: object.name.clone(),
                source: side,
                last_id: String::new(),
                done: false,
                records: 0,
                updated_at_ms: self.now_ms(),
            },
        };
        let mut handled: u64 = 0;
        loop {
            let soql = read::bulk_page(model, object, side, &state.last_id);
            let mut records = self.query_all(side, &soql, false).await?;
            if let Some(max) = limit {
                let left = usize::try_from(max.saturating_sub(handled)).unwrap_or(usize::MAX);
                records.truncate(left);
            }
            let n = records.len();
            let now = self.now_ms();
            if let Some(last) = records.last().and_then(|r| r.id()).map(str::to_owned) {
                let items = records
                    .into_iter()
                    .map(|record| super::round::Item {
                        side,
                        record,
                        entry: None,
                    })
                    .collect();
                let mut batch = Batch::at(now);
                self.round(object, items, Mode::Bulk, &mut batch, counts)
                    .await?;
                self.store.commit_batch(&batch).await?;
                handled += n as u64;
                state.last_id = last;
                state.records += i64::try_from(n).unwrap_or(i64::MAX);
            }
            let finished = n < read::BULK_PAGE || limit.is_some_and(|max| handled >= max);
            state.done = finished;
            state.updated_at_ms = now;
            self.store.set_bulk_progress(&state).await?;
            progress(&BulkStep {
                object: object.name.clone(),
                source: side,
                records: handled,
                done: finished,
            });
            if finished {
                return Ok(());
            }
        }
    }
}
