//! What operators ask for by hand: `forward` (share chosen records now, optionally with their
//! children), `inbox accept|reject` (records held by `autoAccept: false`) and `reset` (rebuild
//! the links of an object from the key fields and `matchOn`, writing nothing to either org).

use serde::Serialize;

use crate::org::wire::Record;
use crate::state::{Batch, QueueAction, Side};

use super::counts::{Counts, PerObject};
use super::engine::{Engine, SyncError};
use super::model::{FieldKind, ObjectModel};
use super::read;
use super::retry::{self, Subject};
use super::round::{Item, Mode};
use super::values::is_record_id;

/// What `reset` did per object.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResetReport {
    /// Links removed, per object.
    pub removed: std::collections::BTreeMap<String, u64>,
    /// Links made, per object.
    pub linked: std::collections::BTreeMap<String, u64>,
}

/// What `inbox accept|reject` did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InboxReport {
    /// Records taken out of the inbox.
    pub taken: u64,
    /// IDs that were not in the inbox.
    pub unknown: Vec<String>,
    /// What writing the accepted records did.
    pub objects: PerObject,
}

fn items(side: Side, records: Vec<Record>) -> Vec<Item> {
    records
        .into_iter()
        .map(|record| Item {
            side,
            record,
            entry: None,
        })
        .collect()
}

impl Engine {
    /// Share `ids` of `object` from `side` now; with `with_children`, also the records of synced
    /// child objects that look up to them. Returns the counts and the IDs not found.
    pub async fn forward(
        &self,
        object: &str,
        side: Side,
        ids: &[String],
        with_children: bool,
    ) -> Result<(PerObject, Vec<String>), SyncError> {
        if !self.model.flows_from(side) {
            return Err(SyncError::Refused(format!(
                "records flow only from the primary in a one-way connection; {side} records cannot be forwarded"
            )));
        }
        let parent = self.object(object)?.clone();
        let valid: Vec<&str> = ids
            .iter()
            .map(String::as_str)
            .filter(|i| is_record_id(i))
            .collect();
        let mut found = Vec::new();
        for chunk in valid.chunks(read::IDS_PER_QUERY) {
            let soql = read::by_ids(&self.model, &parent, side, chunk);
            found.extend(self.query_all(side, &soql, false).await?);
        }
        let missing: Vec<String> = ids
            .iter()
            .filter(|id| !found.iter().any(|r| r.id().is_some_and(|f| same_id(f, id))))
            .cloned()
            .collect();
        let parent_ids: Vec<String> = found
            .iter()
            .filter_map(|r| r.id().map(str::to_owned))
            .collect();
        let mut report = PerObject::new();
        report.insert(
            parent.name.clone(),
            self.forward_round(&parent, items(side, found)).await?,
        );
        if with_children && !parent_ids.is_empty() {
            let ids: Vec<&str> = parent_ids.iter().map(String::as_str).collect();
            for child in self.model.objects.clone() {
                if child.name.eq_ignore_ascii_case(&parent.name) {
                    continue;
                }
                let lookups: Vec<String> = child
                    .fields
                    .iter()
                    .filter(|f| matches!(&f.kind, FieldKind::Lookup { parent: p } if p.eq_ignore_ascii_case(&parent.name)))
                    .map(|f| f.name(side).to_owned())
                    .collect();
                let mut records = Vec::new();
                for field in &lookups {
                    for chunk in ids.chunks(read::IDS_PER_QUERY) {
                        let soql = read::children(&self.model, &child, side, field, chunk);
                        records.extend(self.query_all(side, &soql, false).await?);
                    }
                }
                if !records.is_empty() {
                    let counts = self.forward_round(&child, items(side, records)).await?;
                    report.insert(child.name.clone(), counts);
                }
            }
        }
        self.record_usage().await?;
        Ok((report, missing))
    }

    async fn forward_round(
        &self,
        object: &ObjectModel,
        items: Vec<Item>,
    ) -> Result<Counts, SyncError> {
        let mut counts = Counts::default();
        let mut batch = Batch::at(self.now_ms());
        self.round(object, items, Mode::Forward, &mut batch, &mut counts)
            .await?;
        self.store.commit_batch(&batch).await?;
        Ok(counts)
    }

    /// Accept (`accept = true`) or reject records held in the inbox. Accepted records are
    /// written now; rejected ones leave the inbox and stay unshared.
    pub async fn inbox(&self, ids: &[String], accept: bool) -> Result<InboxReport, SyncError> {
        let held = self.store.inbox_entries(None).await?;
        let now = self.now_ms();
        let mut report = InboxReport::default();
        let mut batch = Batch::at(now);
        let mut objects: Vec<String> = Vec::new();
        for id in ids {
            let Some(e) = held.iter().find(|e| same_id(&e.source_id, id)) else {
                report.unknown.push(id.clone());
                continue;
            };
            batch
                .inbox_remove
                .push((e.object.clone(), e.source, e.source_id.clone()));
            report.taken += 1;
            if !accept {
                let subject = Subject {
                    object: &e.object,
                    source: e.source,
                    id: &e.source_id,
                    action: QueueAction::GenericInsert,
                };
                retry::rejected(&mut batch, &subject, now);
            } else {
                let subject = Subject {
                    object: &e.object,
                    source: e.source,
                    id: &e.source_id,
                    action: QueueAction::ManualForward,
                };
                retry::pending(&mut batch, &subject, None, now);
                if !objects.contains(&e.object) {
                    objects.push(e.object.clone());
                }
            }
        }
        self.store.commit_batch(&batch).await?;
        for name in objects {
            let Ok(object) = self.object(&name).cloned() else {
                continue;
            };
            let mut batch = Batch::at(self.now_ms());
            let mut counts = Counts::default();
            let items = self.due_items(&object, self.now_ms(), &mut batch).await?;
            self.round(&object, items, Mode::Changes, &mut batch, &mut counts)
                .await?;
            self.store.commit_batch(&batch).await?;
            report.objects.insert(name, counts);
        }
        Ok(report)
    }

    /// Rebuild the links of every synced object (or only `only`): remove them, then link each
    /// record that carries a key field to the record it names, and link records with equal
    /// `matchOn` values. No record is written; both orgs' current values become the baseline.
    pub async fn reset(&self, only: Option<&str>) -> Result<ResetReport, SyncError> {
        let objects: Vec<ObjectModel> = match only {
            Some(name) => vec![self.object(name)?.clone()],
            None => self.model.objects.clone(),
        };
        let mut report = ResetReport::default();
        for object in &objects {
            let removed = self.store.clear_links(Some(&object.name)).await?;
            report.removed.insert(object.name.clone(), removed);
            let mut counts = Counts::default();
            for side in [Side::Secondary, Side::Primary] {
                if !read::has_key_field(&self.model, side) {
                    continue;
                }
                let mut after = String::new();
                loop {
                    let soql = read::keyed_page(&self.model, object, side, &after);
                    let copies = self.query_all(side, &soql, false).await?;
                    let Some(last) = copies.last().and_then(|r| r.id()).map(str::to_owned) else {
                        break;
                    };
                    let n = copies.len();
                    let keys: Vec<String> = copies
                        .iter()
                        .filter_map(|r| r.get(&object.key_field).and_then(|v| v.as_str()))
                        .map(str::to_owned)
                        .collect();
                    let mut all = items(side, copies);
                    let other = side.other();
                    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
                    for chunk in keys.chunks(read::IDS_PER_QUERY) {
                        let soql = read::by_ids(&self.model, object, other, chunk);
                        all.extend(items(other, self.query_all(other, &soql, false).await?));
                    }
                    let mut batch = Batch::at(self.now_ms());
                    self.round(object, all, Mode::Relink, &mut batch, &mut counts)
                        .await?;
                    self.store.commit_batch(&batch).await?;
                    after = last;
                    if n < read::BULK_PAGE {
                        break;
                    }
                }
            }
            if !object.match_on.is_empty() {
                for side in self.model.sources() {
                    let mut after = String::new();
                    let mut model = (*self.model).clone();
                    model.bulk_since = None;
                    loop {
                        let soql = read::bulk_page(&model, object, side, &after);
                        let records = self.query_all(side, &soql, false).await?;
                        let Some(last) = records.last().and_then(|r| r.id()).map(str::to_owned)
                        else {
                            break;
                        };
                        let n = records.len();
                        let mut batch = Batch::at(self.now_ms());
                        self.round(
                            object,
                            items(side, records),
                            Mode::Relink,
                            &mut batch,
                            &mut counts,
                        )
                        .await?;
                        self.store.commit_batch(&batch).await?;
                        after = last;
                        if n < read::BULK_PAGE {
                            break;
                        }
                    }
                }
            }
            report.linked.insert(object.name.clone(), counts.linked);
        }
        Ok(report)
    }
}

/// Record IDs compare by their first 15 characters (the 18-character form adds a case checksum).
fn same_id(a: &str, b: &str) -> bool {
    a.get(..15).zip(b.get(..15)).is_some_and(|(x, y)| x == y)
}
