//! One round of record work on one object: records read from either org (changes, queue entries,
//! a bulk-sync page or records forwarded by hand) are paired through the link table, decided
//! (insert, update, delete, undelete, hold, wait, nothing), written, and turned into one
//! [`Batch`] — links, queue, log and activity — that the caller commits together with the
//! cursor.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::org::wire::Record;
use crate::state::{
    Batch, InboxEntry, Link, LogFilter, QueueAction, QueueEntry, QueueStatus, Side,
};

use super::counts::Counts;
use super::decide::{self, Decision, Intent, WriteKind};
use super::engine::{Engine, SyncError};
use super::model::{FieldKind, FieldMap, ObjectModel};
use super::read;
use super::retry::{self, Failure, Subject};
use super::values::{OBSERVE, PENDING, canonical, hash_key, is_record_id};
use super::write::{self, Outcome};

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

    fn any_item(&self) -> Option<&Item> {
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

        for (gi, g) in groups.into_iter().enumerate() {
            if deferred.contains(&gi) {
                continue;
            }
            let d = &decisions[gi];
            let gp: Vec<&Prepared> = prepared.iter().filter(|p| p.group == gi).collect();
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

    /// Deduplicate the items and pair them through the link table.
    async fn pair(
        &self,
        object: &ObjectModel,
        items: Vec<Item>,
        mode: Mode,
    ) -> Result<Vec<Group>, SyncError> {
        let mut unique: BTreeMap<(Side, String), Item> = BTreeMap::new();
        for item in items {
            let id = item.id().to_owned();
            if id.is_empty() {
                continue;
            }
            let key = (item.side, id);
            let entry = unique.get(&key).and_then(|old| old.entry.clone());
            let mut item = item;
            if item.entry.is_none() {
                item.entry = entry;
            }
            unique.insert(key, item);
        }
        let mut links: [BTreeMap<String, Link>; 2] = Default::default();
        for side in [Side::Primary, Side::Secondary] {
            let ids: Vec<&str> = unique
                .keys()
                .filter(|(s, _)| *s == side)
                .map(|(_, id)| id.as_str())
                .collect();
            links[ix(side)] = self.links(&object.name, side, &ids).await?;
        }
        let mut groups: Vec<Group> = Vec::new();
        let mut by_primary: BTreeMap<String, usize> = BTreeMap::new();
        for ((side, id), item) in unique {
            match links[ix(side)].get(&id) {
                Some(link) if mode == Mode::Bulk => {
                    let _ = link;
                    // Linked records are never copied again by a bulk sync.
                }
                Some(link) => {
                    let gi = *by_primary
                        .entry(link.primary_id.clone())
                        .or_insert_with(|| {
                            groups.push(Group {
                                link: Some(link.clone()),
                                ..Group::default()
                            });
                            groups.len() - 1
                        });
                    groups[gi].items[ix(side)] = Some(item);
                }
                None => {
                    let mut g = Group::default();
                    g.items[ix(side)] = Some(item);
                    groups.push(g);
                }
            }
        }
        Ok(groups)
    }

    /// An unlinked record whose key field names a record of the other org is a copy orgsync made
    /// (the link was lost, e.g. by a crash between the write and its commit): link it again
    /// instead of copying it back.
    async fn adopt_copies(
        &self,
        object: &ObjectModel,
        groups: &mut [Group],
    ) -> Result<(), SyncError> {
        for side in [Side::Primary, Side::Secondary] {
            if !read::has_key_field(&self.model, side) {
                continue;
            }
            let mut candidates: Vec<(usize, String)> = Vec::new();
            for (gi, g) in groups.iter().enumerate() {
                if g.link.is_some() {
                    continue;
                }
                if let Some(item) = g.item(side)
                    && let Some(k) = item.record.get(&object.key_field).and_then(Value::as_str)
                    && is_record_id(k)
                {
                    candidates.push((gi, k.to_owned()));
                }
            }
            if candidates.is_empty() {
                continue;
            }
            let other = side.other();
            let keys: Vec<&str> = candidates.iter().map(|(_, k)| k.as_str()).collect();
            let taken = self.links(&object.name, other, &keys).await?;
            let now = self.now_ms();
            for (gi, k) in candidates {
                let Some(item) = groups[gi].item(side) else {
                    continue;
                };
                if let Some(existing) = taken.get(&k) {
                    // The original is linked to another record: this one is a stray copy. Leave
                    // it alone rather than copy it back.
                    groups[gi].skip = existing.id(side) != item.id();
                    if !groups[gi].skip {
                        groups[gi].link = Some(existing.clone());
                    }
                    continue;
                }
                let (primary_id, secondary_id) = match side {
                    Side::Primary => (item.id().to_owned(), k.clone()),
                    Side::Secondary => (k.clone(), item.id().to_owned()),
                };
                groups[gi].link = Some(Link {
                    object: object.name.clone(),
                    primary_id,
                    secondary_id,
                    origin: other,
                    field_hashes: BTreeMap::new(),
                    primary_deleted: false,
                    secondary_deleted: false,
                    linked_at_ms: now,
                    synced_at_ms: now,
                });
            }
        }
        // The original and its copy may both be in this round: one group.
        merge_groups(groups);
        Ok(())
    }

    /// `matchOn`: an unlinked record whose match fields equal exactly one unlinked record of the
    /// other org is linked to it (its values then flow as an update) instead of being copied.
    async fn match_existing(
        &self,
        object: &ObjectModel,
        groups: &mut [Group],
        mode: Mode,
    ) -> Result<(), SyncError> {
        if object.match_on.is_empty() {
            return Ok(());
        }
        let fields: Vec<&FieldMap> = object
            .match_on
            .iter()
            .filter_map(|m| object.field(m))
            .collect();
        if fields.len() != object.match_on.len() {
            return Ok(());
        }
        for side in self.model.sources() {
            let other = side.other();
            let mut wanted: Vec<(usize, Vec<Value>)> = Vec::new();
            for (gi, g) in groups.iter().enumerate() {
                if g.link.is_some() || g.skip {
                    continue;
                }
                let Some(item) = g.item(side) else { continue };
                let changes = matches!(mode, Mode::Changes | Mode::Poll);
                if item.deleted() || (changes && item.entry.is_some()) {
                    continue;
                }
                let values: Vec<Value> = fields.iter().map(|f| item.value(f.name(side))).collect();
                if values.iter().all(|v| !v.is_null()) {
                    wanted.push((gi, values));
                }
            }
            if wanted.is_empty() {
                continue;
            }
            let mut literals: Vec<String> =
                wanted.iter().filter_map(|(_, v)| literal(&v[0])).collect();
            literals.sort();
            literals.dedup();
            let mut found: Vec<Record> = Vec::new();
            for chunk in literals.chunks(100) {
                let soql = read::matching(&self.model, object, other, fields[0].name(other), chunk);
                found.extend(self.query_all(other, &soql, false).await?);
            }
            let ids: Vec<&str> = found.iter().filter_map(Record::id).collect();
            let linked = self.links(&object.name, other, &ids).await?;
            let free: Vec<&Record> = found
                .iter()
                .filter(|r| {
                    r.id().is_some_and(|id| !linked.contains_key(id))
                        && r.get(&object.key_field).is_none_or(Value::is_null)
                })
                .collect();
            let mut claimed: BTreeSet<String> = BTreeSet::new();
            let now = self.now_ms();
            for (gi, values) in wanted {
                let hits: Vec<&&Record> = free
                    .iter()
                    .filter(|r| {
                        fields.iter().zip(&values).all(|(f, v)| {
                            canonical(r.get(f.name(other)).unwrap_or(&Value::Null)) == canonical(v)
                        })
                    })
                    .collect();
                let [hit] = hits.as_slice() else { continue };
                let Some(hit_id) = hit.id() else { continue };
                if !claimed.insert(hit_id.to_owned()) {
                    continue;
                }
                let Some(item) = groups[gi].item(side) else {
                    continue;
                };
                let (primary_id, secondary_id) = match side {
                    Side::Primary => (item.id().to_owned(), hit_id.to_owned()),
                    Side::Secondary => (hit_id.to_owned(), item.id().to_owned()),
                };
                let g = &mut groups[gi];
                g.link = Some(Link {
                    object: object.name.clone(),
                    primary_id,
                    secondary_id,
                    origin: side,
                    field_hashes: BTreeMap::new(),
                    primary_deleted: false,
                    secondary_deleted: false,
                    linked_at_ms: now,
                    synced_at_ms: now,
                });
                g.adopted = Some(side);
                g.items[ix(other)] = Some(Item {
                    side: other,
                    record: Record::clone(hit),
                    entry: None,
                });
            }
        }
        merge_groups(groups);
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

    /// Turn one group's decision and write outcomes into links, queue, log, inbox and counts.
    #[allow(clippy::too_many_arguments)]
    fn finish(
        &self,
        object: &ObjectModel,
        group: Group,
        decision: &Decision,
        prepared: &[&Prepared],
        wait: Option<&String>,
        outcome: Option<&Outcome>,
        mode: Mode,
        now: i64,
        batch: &mut Batch,
        counts: &mut Counts,
    ) {
        let Some(source) = decision.source.or_else(|| group.any_item().map(|i| i.side)) else {
            return;
        };
        let Some(item) = group.item(source) else {
            return;
        };
        let subject = Subject {
            object: &object.name,
            source,
            id: item.id(),
            action: decision.action(mode, item.entry.as_ref()),
        };
        let entries: Vec<(Side, &QueueEntry)> = group
            .items
            .iter()
            .flatten()
            .filter_map(|i| i.entry.as_ref().map(|e| (i.side, e)))
            .collect();
        let done = |batch: &mut Batch| {
            for (side, e) in &entries {
                let s = Subject {
                    object: &object.name,
                    source: *side,
                    id: &e.source_id,
                    action: e.action,
                };
                retry::succeeded(batch, &s, Some(e), now);
            }
        };
        if group.skip || decision.nothing() && group.link.is_none() {
            done(batch);
            counts.unchanged += 1;
            return;
        }
        if decision.hold {
            if item.entry.is_none() || !entries.is_empty() {
                batch.inbox_add.push(InboxEntry {
                    object: object.name.clone(),
                    source,
                    source_id: item.id().to_owned(),
                    received_at_ms: now,
                });
            }
            done(batch);
            counts.held += 1;
            return;
        }
        if let Some(reason) = wait {
            retry::waiting(
                batch,
                &self.model.retry,
                &subject,
                item.entry.as_ref(),
                reason,
                now,
            );
            counts.waiting += 1;
            return;
        }
        if let Some(Outcome::Failed(failure)) = outcome {
            let failure = Failure {
                code: failure.code.clone(),
                message: format!("{} failed: {}", subject.action, failure.message),
            };
            retry::failed(
                batch,
                &self.model.retry,
                &subject,
                item.entry.as_ref(),
                &failure,
                now,
            );
            counts.failed += 1;
            return;
        }
        if decision.unlink {
            if let Some(l) = &group.link {
                batch
                    .unlink
                    .push((object.name.clone(), l.primary_id.clone()));
            }
            done(batch);
            counts.unchanged += 1;
            return;
        }
        // Success (or nothing to write): the new link.
        let mut link = match (&group.link, outcome) {
            (Some(l), _) => l.clone(),
            (
                None,
                Some(Outcome::Done {
                    inserted: Some(id), ..
                }),
            ) => {
                let (primary_id, secondary_id) = match source {
                    Side::Primary => (item.id().to_owned(), id.clone()),
                    Side::Secondary => (id.clone(), item.id().to_owned()),
                };
                Link {
                    object: object.name.clone(),
                    primary_id,
                    secondary_id,
                    origin: source,
                    field_hashes: BTreeMap::new(),
                    primary_deleted: false,
                    secondary_deleted: false,
                    linked_at_ms: now,
                    synced_at_ms: now,
                }
            }
            (None, _) => {
                done(batch);
                counts.unchanged += 1;
                return;
            }
        };
        let before = link.clone();
        link.primary_deleted = decision.deleted[0];
        link.secondary_deleted = decision.deleted[1];
        // What an org holds now becomes the baseline only while both records are live: beside
        // a deleted record, nothing was compared or sent, and a change made just before the
        // other org's delete must still flow if the pair is undeleted.
        let observe = !link.primary_deleted && !link.secondary_deleted;
        for side in [Side::Primary, Side::Secondary]
            .into_iter()
            .filter(|_| observe)
        {
            if let Some(i) = group.item(side).filter(|i| !i.deleted()) {
                for f in &object.fields {
                    let h = self.hasher.hash(&f.publisher, &i.value(f.name(side)));
                    link.field_hashes.insert(hash_key(side, &f.publisher), h);
                }
            }
        }
        let mut wrote = false;
        let mut self_wait = None;
        for p in prepared {
            let to = p.intent.from.other();
            for (field, v) in &p.sent {
                link.field_hashes
                    .insert(hash_key(to, field), self.hasher.hash(field, v));
            }
            for field in &p.omitted {
                link.field_hashes
                    .insert(hash_key(to, field), OBSERVE.to_owned());
            }
            if let Some((field, parent)) = &p.self_wait {
                link.field_hashes
                    .insert(hash_key(p.intent.from, field), PENDING.to_owned());
                self_wait = Some(parent.clone());
            }
            wrote |= !p.values.is_empty() || p.intent.kind == WriteKind::Insert;
            match p.intent.kind {
                WriteKind::Insert => counts.inserted += 1,
                WriteKind::Update if !p.values.is_empty() => counts.updated += 1,
                WriteKind::Update => {}
            }
            if !p.values.is_empty() || p.intent.kind == WriteKind::Insert {
                batch.activity.push((object.name.clone(), to, 1));
            }
        }
        for (side, n) in [(Side::Primary, 0), (Side::Secondary, 1)] {
            if decision.delete_to[n] {
                counts.deleted += 1;
                batch.activity.push((object.name.clone(), side, 1));
                wrote = true;
            }
            if decision.undelete_to[n] {
                counts.undeleted += 1;
                batch.activity.push((object.name.clone(), side, 1));
                wrote = true;
            }
        }
        if group.adopted.is_some() || (group.link.is_some() && before.field_hashes.is_empty()) {
            counts.linked += 1;
        }
        if decision.conflict.is_some() {
            counts.conflicts += 1;
        }
        if let Some(conflict) = &decision.conflict {
            batch.log.push(crate::state::NewLogEntry {
                at_ms: now,
                object: object.name.clone(),
                source,
                record_id: item.id().to_owned(),
                action: QueueAction::GenericUpdate,
                status: crate::state::LogStatus::Resolved,
                error_code: Some("CONFLICT".into()),
                message: Some(conflict.clone()),
                attempts: 1,
            });
        }
        if wrote {
            link.synced_at_ms = now;
        }
        let new_link = group.link.is_none() || group.adopted.is_some();
        if link != before || new_link {
            batch.links.push(link);
        }
        // A record shared by any other way than `inbox accept` (forwarded by hand, or linked
        // by `matchOn`) no longer waits in the inbox (which holds primary records only).
        if new_link
            && (!object.auto_accept || mode == Mode::Forward)
            && let Some(p) = group.item(Side::Primary)
        {
            batch
                .inbox_remove
                .push((object.name.clone(), Side::Primary, p.id().to_owned()));
        }
        if !wrote {
            counts.unchanged += 1;
        }
        match self_wait {
            Some(parent) => {
                let s = Subject {
                    action: QueueAction::GenericUpdate,
                    ..subject
                };
                let reason = format!("waiting for parent {} {parent}", object.name);
                retry::waiting(batch, &self.model.retry, &s, None, &reason, now);
                for (side, e) in &entries {
                    if *side != source {
                        let s = Subject {
                            object: &object.name,
                            source: *side,
                            id: &e.source_id,
                            action: e.action,
                        };
                        retry::succeeded(batch, &s, Some(e), now);
                    }
                }
            }
            None => done(batch),
        }
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

/// A SOQL literal for a match value (strings quoted and escaped, numbers and booleans bare).
fn literal(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(super::values::soql_string(s)),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Fold groups that now stand for the same link into one: two groups given the same link, and
/// an unlinked record that a new link names.
fn merge_groups(groups: &mut [Group]) {
    let mut by_id: BTreeMap<(usize, String), usize> = BTreeMap::new();
    for (gi, g) in groups.iter().enumerate() {
        if let Some(l) = &g.link {
            by_id.insert((0, l.primary_id.clone()), gi);
            by_id.insert((1, l.secondary_id.clone()), gi);
        }
    }
    for gi in 0..groups.len() {
        if groups[gi].link.is_some() || groups[gi].skip {
            continue;
        }
        for n in 0..2 {
            let Some(id) = groups[gi].items[n].as_ref().map(|i| i.id().to_owned()) else {
                continue;
            };
            if let Some(&target) = by_id.get(&(n, id))
                && target != gi
                && groups[target].items[n].is_none()
            {
                groups[target].items[n] = groups[gi].items[n].take();
            }
        }
        if groups[gi].items.iter().all(Option::is_none) {
            groups[gi].skip = true;
        }
    }
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for gi in 0..groups.len() {
        let Some(pid) = groups[gi].link.as_ref().map(|l| l.primary_id.clone()) else {
            continue;
        };
        match seen.get(&pid) {
            None => {
                seen.insert(pid, gi);
            }
            Some(&first) => {
                let items = std::mem::take(&mut groups[gi].items);
                for (n, item) in items.into_iter().enumerate() {
                    if let Some(item) = item
                        && groups[first].items[n].is_none()
                    {
                        groups[first].items[n] = Some(item);
                    }
                }
                if groups[first].adopted.is_none() {
                    groups[first].adopted = groups[gi].adopted;
                }
                groups[gi].skip = true;
                groups[gi].link = None;
            }
        }
    }
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
