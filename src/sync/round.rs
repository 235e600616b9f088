//! One round of record work on one object: records read from either org (changes, queue entries,
//! a bulk-sync page or records forwarded by hand) are paired through the link table, decided
//! (insert, update, delete, undelete, hold, wait, nothing), written, and turned into one
//! [`Batch`] — links, queue, log and activity — that the caller commits together with the
//! cursor.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::org::wire::Record;
use crate::state::{Batch, Link, LogFilter, QueueAction, QueueEntry, QueueStatus, Side};

use super::counts::Counts;
use super::decide::{self, Decision, Intent, WriteKind};
use super::engine::{Engine, SyncError};
use super::model::{FieldKind, ObjectModel};
use super::retry::{self, Subject};
use super::values::canonical;
use super::write::{self};

/// A record to act on.
#[derive(Debug, Clone)]
pub struct Item {
    /// The org it was read from.
    pub side: Side,
    /// The record (synced fields, system fields, the key field).
    pub record: Record,
    /// Its queue entry, when it comes from the queue.
    pub entry: Option<QueueEntry>,
}

impl Item {
    /// The record ID.
    pub fn id(&self) -> &str {
        self.record.id().unwrap_or_default()
    }

    /// In the recycle bin.
    pub fn deleted(&self) -> bool {
        self.record.get("IsDeleted").and_then(Value::as_bool) == Some(true)
    }

    /// A field value (`null` when absent).
    pub fn value(&self, field: &str) -> Value {
        self.record.get(field).cloned().unwrap_or(Value::Null)
    }
}

/// Why the round runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Changes read since the cursor, and queue entries.
    Changes,
    /// [`Mode::Changes`] in the first, parents-first pass of a cycle: a delete is not sent yet
    /// but queued for the cycle's second pass, which runs children before parents — a child
    /// moved to another parent (an account merge) must reach the other org before its old
    /// parent's delete cascades there.
    Poll,
    /// A bulk-sync page: linked records are never copied again.
    Bulk,
    /// Records forwarded by hand: every synced field is sent, the inbox is bypassed.
    Forward,
    /// `reset`: links are made (key field, `matchOn`) and nothing is written to an org.
    Relink,
}

/// Records paired through one link (or one unlinked record).
#[derive(Debug, Default)]
pub struct Group {
    /// The link (existing, or made in this round).
    pub link: Option<Link>,
    /// The records, [primary, secondary].
    pub items: [Option<Item>; 2],
    /// The side whose every field counts as changed (a link just made by `matchOn` or by the
    /// key field).
    pub adopted: Option<Side>,
    /// Nothing to do at all (and any queue entry is done).
    pub skip: bool,
}

/// The index of `side` in `[primary, secondary]` arrays.
pub fn ix(side: Side) -> usize {
    match side {
        Side::Primary => 0,
        Side::Secondary => 1,
    }
}

impl Group {
    /// The record of `side`, if in this round.
    pub fn item(&self, side: Side) -> Option<&Item> {
        self.items[ix(side)].as_ref()
    }

    pub(super) fn any_item(&self) -> Option<&Item> {
        self.items.iter().flatten().next()
    }
}

/// A write with its values resolved.
#[derive(Debug)]
pub struct Prepared {
    /// The group it belongs to.
    pub group: usize,
    /// What was decided.
    pub intent: Intent,
    /// The fields to send, in the target's names.
    pub values: Map<String, Value>,
    /// Publisher field → value sent (for the target's hashes).
    pub sent: Vec<(String, Value)>,
    /// A self-lookup whose parent is not linked yet: left out, sent by a follow-up.
    pub self_wait: Option<(String, String)>,
    /// Publisher fields left out (no owner to map to): the target org chooses the value.
    pub omitted: Vec<String>,
}

impl Engine {
    /// Run one round on `object` and add its outcome to `batch`.
    pub(crate) async fn round(
        &self,
        object: &ObjectModel,
        items: Vec<Item>,
        mode: Mode,
        batch: &mut Batch,
        counts: &mut Counts,
    ) -> Result<(), SyncError> {
        let now = self.now_ms();
        let mut groups = self.pair(object, items, mode).await?;
        self.adopt_copies(object, &mut groups).await?;
        self.match_existing(object, &mut groups, mode).await?;

        let mut decisions = Vec::with_capacity(groups.len());
        for g in groups.iter() {
            decisions.push(decide::decide(&self.model, object, &self.hasher, g, mode));
        }
        if decisions.iter().any(|d| d.hold) {
            self.keep_rejected_out(object, &mut groups, &mut decisions)
                .await?;
        }
        let deferred = if mode == Mode::Poll {
            defer_deletes(object, &groups, &mut decisions, batch, now)
        } else {
            BTreeSet::new()
        };
        let parents = self.parent_links(object, &groups, &decisions).await?;

        let mut prepared: Vec<Prepared> = Vec::new();
        let mut waits: BTreeMap<usize, String> = BTreeMap::new();
        for (gi, d) in decisions.iter().enumerate() {
            for intent in &d.writes {
                match self.prepare(object, &groups[gi], gi, intent, &parents) {
                    Ok(Some(p)) => prepared.push(p),
                    Ok(None) => {}
                    Err(reason) => {
                        waits.insert(gi, reason);
                    }
                }
            }
        }
        // A group waiting for a parent writes nothing in this round.
        prepared.retain(|p| !waits.contains_key(&p.group));

        let outcomes =
            write::execute(self, object, &groups, &decisions, &mut prepared, &waits).await;

        let mut by_group: BTreeMap<usize, Vec<&Prepared>> = BTreeMap::new();
        for p in &prepared {
            by_group.entry(p.group).or_default().push(p);
        }
        for (gi, g) in groups.into_iter().enumerate() {
            if deferred.contains(&gi) {
                continue;
            }
            let d = &decisions[gi];
            let gp: Vec<&Prepared> = by_group.remove(&gi).unwrap_or_default();
            let outcome = outcomes.get(&gi);
            self.finish(
                object,
                g,
                d,
                &gp,
                waits.get(&gi),
                outcome,
                mode,
                now,
                batch,
                counts,
            );
        }
        Ok(())
    }

    /// A record rejected from the inbox (logged [`retry::REJECTED`]) is not held again when it
    /// is read again: it stays unshared unless forwarded by hand.
    async fn keep_rejected_out(
        &self,
        object: &ObjectModel,
        groups: &mut [Group],
        decisions: &mut [Decision],
    ) -> Result<(), SyncError> {
        let filter = LogFilter {
            object: Some(object.name.clone()),
            error_code: Some(retry::REJECTED.to_owned()),
            ..LogFilter::default()
        };
        let rejected: BTreeSet<(Side, String)> = self
            .store
            .log_entries(&filter)
            .await?
            .into_iter()
            .map(|e| (e.entry.source, e.entry.record_id))
            .collect();
        for (gi, d) in decisions.iter_mut().enumerate() {
            let Some(item) = d.source.and_then(|s| groups[gi].item(s)) else {
                continue;
            };
            if d.hold && rejected.contains(&(item.side, item.id().to_owned())) {
                *d = Decision::default();
                groups[gi].skip = true;
            }
        }
        Ok(())
    }

    /// Links of the parents the decided writes refer to: (parent object, source org) → source
    /// parent ID → target parent ID.
    async fn parent_links(
        &self,
        object: &ObjectModel,
        groups: &[Group],
        decisions: &[Decision],
    ) -> Result<BTreeMap<(String, Side), BTreeMap<String, String>>, SyncError> {
        let mut need: BTreeMap<(String, Side), BTreeSet<String>> = BTreeMap::new();
        for (gi, d) in decisions.iter().enumerate() {
            for intent in &d.writes {
                let Some(item) = groups[gi].item(intent.from) else {
                    continue;
                };
                for f in intent.fields.iter().filter_map(|n| object.field(n)) {
                    if let FieldKind::Lookup { parent } = &f.kind
                        && let Some(id) =
                            item.record.get(f.name(intent.from)).and_then(Value::as_str)
                    {
                        need.entry((parent.clone(), intent.from))
                            .or_default()
                            .insert(id.to_owned());
                    }
                }
            }
        }
        let mut out = BTreeMap::new();
        let mut deleting: BTreeMap<String, BTreeSet<(Side, String)>> = BTreeMap::new();
        for ((parent, side), ids) in need {
            let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
            let links = self.links(&parent, side, &ids).await?;
            if !deleting.contains_key(&parent) {
                let pending = self.deletes_queued(&parent).await?;
                deleting.insert(parent.clone(), pending);
            }
            let pending = deleting.get(&parent);
            let map: BTreeMap<String, String> = links
                .into_iter()
                .filter(|(_, l)| !l.deleted(side.other()))
                .filter(|(_, l)| {
                    pending.is_none_or(|p| {
                        !p.contains(&(Side::Primary, l.primary_id.clone()))
                            && !p.contains(&(Side::Secondary, l.secondary_id.clone()))
                    })
                })
                .map(|(id, l)| (id, l.id(side.other()).to_owned()))
                .collect();
            out.insert((parent, side), map);
        }
        Ok(out)
    }

    /// Records of `object` whose delete is queued (the first pass of a cycle leaves deletes to
    /// the second, or a delete is being retried): a child written now must not point at such a
    /// parent — it waits, and is settled once the delete (and the org's cascade) went through.
    async fn deletes_queued(&self, object: &str) -> Result<BTreeSet<(Side, String)>, SyncError> {
        Ok(self
            .store
            .queue_entries(Some(object))
            .await?
            .into_iter()
            .filter(|e| {
                e.action == QueueAction::ReplicationDelete && e.status != QueueStatus::Failed
            })
            .map(|e| (e.source, e.source_id))
            .collect())
    }

    /// The values of one write, with lookups and owners translated. `Err(reason)`: the record
    /// must wait for a parent. `Ok(None)`: nothing left to send.
    fn prepare(
        &self,
        object: &ObjectModel,
        group: &Group,
        gi: usize,
        intent: &Intent,
        parents: &BTreeMap<(String, Side), BTreeMap<String, String>>,
    ) -> Result<Option<Prepared>, String> {
        let (from, to) = (intent.from, intent.from.other());
        let Some(item) = group.item(from) else {
            return Ok(None);
        };
        let target = group.item(to).filter(|t| !t.deleted());
        let mut values = Map::new();
        let mut sent = Vec::new();
        let mut self_wait = None;
        let mut omitted = Vec::new();
        for f in intent.fields.iter().filter_map(|n| object.field(n)) {
            let v = item.value(f.name(from));
            let out = match &f.kind {
                FieldKind::Plain => Some(v),
                FieldKind::Owner => v
                    .as_str()
                    .and_then(|id| self.owners.map(from, id))
                    .map(|id| Value::String(id.to_owned())),
                FieldKind::Lookup { parent } => match v.as_str() {
                    None => Some(Value::Null),
                    Some(id) => {
                        match parents.get(&(parent.clone(), from)).and_then(|m| m.get(id)) {
                            Some(t) => Some(Value::String(t.clone())),
                            None if parent.eq_ignore_ascii_case(&object.name) => {
                                self_wait = Some((f.publisher.clone(), id.to_owned()));
                                None
                            }
                            None => return Err(format!("waiting for parent {parent} {id}")),
                        }
                    }
                },
            };
            let Some(out) = out else {
                omitted.push(f.publisher.clone());
                continue;
            };
            let unchanged = intent.kind == WriteKind::Update
                && target.is_some_and(|t| canonical(&t.value(f.name(to))) == canonical(&out));
            sent.push((f.publisher.clone(), out.clone()));
            if !unchanged {
                values.insert(f.name(to).to_owned(), out);
            }
        }
        if intent.kind == WriteKind::Insert {
            values.insert(
                object.key_field.clone(),
                Value::String(item.id().to_owned()),
            );
            if object.audit_to[ix(to)] {
                if let Some(v) = item.record.get("CreatedDate").filter(|v| !v.is_null()) {
                    values.insert("CreatedDate".into(), v.clone());
                }
                if let Some(id) = item
                    .record
                    .get("CreatedById")
                    .and_then(Value::as_str)
                    .and_then(|id| self.owners.map(from, id))
                {
                    values.insert("CreatedById".into(), Value::String(id.to_owned()));
                }
            }
        }
        Ok(Some(Prepared {
            group: gi,
            intent: intent.clone(),
            values,
            sent,
            self_wait,
            omitted,
        }))
    }
}

/// The first pass of a cycle ([`Mode::Poll`]): groups whose decision deletes a record are put
/// on the queue (due at once, for the cycle's children-first second pass) instead of being
/// written or recorded now. Returns those groups.
fn defer_deletes(
    object: &ObjectModel,
    groups: &[Group],
    decisions: &mut [Decision],
    batch: &mut Batch,
    now: i64,
) -> BTreeSet<usize> {
    let mut deferred = BTreeSet::new();
    for (gi, d) in decisions.iter_mut().enumerate() {
        if !d.delete_to.iter().any(|b| *b) {
            continue;
        }
        let Some(item) = d.source.and_then(|s| groups[gi].item(s)) else {
            continue;
        };
        let subject = Subject {
            object: &object.name,
            source: item.side,
            id: item.id(),
            action: QueueAction::ReplicationDelete,
        };
        retry::pending(batch, &subject, item.entry.as_ref(), now);
        *d = Decision::default();
        deferred.insert(gi);
    }
    deferred
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::spec::model::Deletes;
    use crate::state::QueueStatus;

    fn object() -> ObjectModel {
        ObjectModel {
            name: "Contact".into(),
            fields: vec![],
            filter: None,
            deletes: Deletes::Propagate,
            auto_accept: true,
            match_on: vec![],
            key_field: "OrgSync_Source_Id__c".into(),
            audit_to: [false, false],
        }
    }

    fn group(id: &str, deleted: bool) -> Group {
        let mut g = Group::default();
        g.items[0] = Some(Item {
            side: Side::Primary,
            record: Record {
                attributes: None,
                fields: json!({"Id": id, "IsDeleted": deleted})
                    .as_object()
                    .cloned()
                    .unwrap_or_default(),
            },
            entry: None,
        });
        g
    }

    #[test]
    fn the_first_pass_queues_deletes_for_the_second() {
        let groups = vec![group("003A", true), group("003B", false)];
        let delete = Decision {
            source: Some(Side::Primary),
            delete_to: [false, true],
            deleted: [true, true],
            ..Decision::default()
        };
        let update = Decision {
            source: Some(Side::Primary),
            writes: vec![Intent {
                from: Side::Primary,
                kind: WriteKind::Update,
                fields: vec!["LastName".into()],
            }],
            ..Decision::default()
        };
        let mut decisions = vec![delete, update.clone()];
        let mut batch = Batch::at(7);
        let deferred = defer_deletes(&object(), &groups, &mut decisions, &mut batch, 7);
        assert_eq!(deferred, BTreeSet::from([0]));
        assert!(decisions[0].nothing(), "nothing is written for it now");
        assert_eq!(decisions[1], update, "other work goes on");
        assert_eq!(batch.enqueue.len(), 1);
        let e = &batch.enqueue[0];
        assert_eq!(
            (
                e.source_id.as_str(),
                e.action,
                e.status,
                e.next_attempt_at_ms
            ),
            (
                "003A",
                QueueAction::ReplicationDelete,
                QueueStatus::Pending,
                7
            )
        );
        assert!(batch.links.is_empty() && batch.log.is_empty());
    }
}
