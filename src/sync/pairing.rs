//! Pairing the records of a round through the link table: links found by ID, copies orgsync made
//! whose link was lost (found again by their key field), and records that `matchOn` links to an
//! existing record of the other org instead of copying them.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::org::wire::Record;
use crate::state::{Link, Side};

use super::engine::{Engine, SyncError};
use super::model::{FieldMap, ObjectModel};
use super::read;
use super::values::{canonical, is_record_id};

use super::round::{Group, Item, Mode, ix};

impl Engine {
    /// Deduplicate the items and pair them through the link table.
    pub(super) async fn pair(
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
                // Linked records are never copied again by a bulk sync.
                Some(_) if mode == Mode::Bulk => {}
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
    pub(super) async fn adopt_copies(
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
    pub(super) async fn match_existing(
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
