//! Delete (to the recycle bin, cascading to master-detail and cascade-delete children,
//! refusing restricted deletes and clearing other lookups), undelete (restoring exactly the
//! cascade and the cleared lookups), hard delete and recycle-bin purge.

use std::collections::HashSet;

use serde_json::Value;

use super::system_fields;
use super::{DmlError, Tx};
use crate::emulator::model::{Deletion, Org};

/// Live records whose `field` (of `child`) points at `parent`.
fn children_of(org: &Org, child: &str, field: &str, parent: &str) -> Vec<String> {
    org.records(child)
        .filter(|r| !r.is_deleted() && r.get(field).and_then(Value::as_str) == Some(parent))
        .map(|r| r.id().to_owned())
        .collect()
}

/// The display name of a record in delete messages: its `Name`, else its ID.
fn display(org: &Org, id: &str) -> String {
    org.record(id)
        .and_then(|r| r.get("Name"))
        .and_then(Value::as_str)
        .map_or_else(|| id.to_owned(), str::to_owned)
}

impl Tx<'_> {
    /// The record and every live record its delete cascades to, root first; refuses when a
    /// restricted-delete child would be orphaned.
    fn cascade_set(&self, root: &str) -> Result<Vec<String>, Vec<DmlError>> {
        let mut order = vec![root.to_owned()];
        let mut seen: HashSet<String> = order.iter().cloned().collect();
        let mut i = 0;
        while let Some(id) = order.get(i).cloned() {
            i += 1;
            let Some(obj) = self.org.record(&id).map(|r| r.object.clone()) else {
                continue;
            };
            let Some(def) = self.org.object_arc(&obj) else {
                continue;
            };
            for rel in def.child_relationships.iter().filter(|r| r.cascade_delete) {
                for child in children_of(self.org, &rel.child_sobject, &rel.field, &id) {
                    if seen.insert(child.clone()) {
                        order.push(child);
                    }
                }
            }
        }
        for id in &order {
            let Some(def) = self
                .org
                .record(id)
                .and_then(|r| self.org.object_arc(&r.object))
            else {
                continue;
            };
            for rel in def
                .child_relationships
                .iter()
                .filter(|r| r.restricted_delete)
            {
                let blockers: Vec<String> =
                    children_of(self.org, &rel.child_sobject, &rel.field, id)
                        .into_iter()
                        .filter(|c| !seen.contains(c))
                        .collect();
                if !blockers.is_empty() {
                    let label = self
                        .org
                        .object(&rel.child_sobject)
                        .map_or(rel.child_sobject.clone(), |o| o.label_plural.to_lowercase());
                    let names: Vec<String> =
                        blockers.iter().map(|b| display(self.org, b)).collect();
                    return Err(vec![DmlError::delete_restricted(
                        &display(self.org, root),
                        &label,
                        &names,
                    )]);
                }
            }
        }
        Ok(order)
    }

    fn check_deletable(&self, id: &str) -> Result<String, Vec<DmlError>> {
        let id = Self::normalise_id(id)?;
        let rec = self
            .org
            .record(&id)
            .ok_or_else(|| vec![DmlError::entity_is_deleted_or_missing(&id)])?;
        if rec.is_deleted() {
            return Err(vec![DmlError::entity_is_deleted()]);
        }
        let deletable = self.org.object(&rec.object).is_some_and(|d| d.deletable);
        if !deletable && !self.system {
            return Err(vec![DmlError::invalid_type_for_operation("deleted")]);
        }
        Ok(id)
    }

    /// Move the record `id` to the recycle bin with everything its delete cascades to.
    /// Nillable lookups on other live records that point at a deleted record are cleared
    /// (Salesforce's default "clear the value of this field"), and restored on undelete.
    pub fn delete(&mut self, id: &str) -> Result<(), Vec<DmlError>> {
        let id = self.check_deletable(id)?;
        let set = self.cascade_set(&id)?;
        let in_set: HashSet<&str> = set.iter().map(String::as_str).collect();
        // Lookups to clear: non-cascading relationships of every deleted record.
        let mut cleared: Vec<(String, String, String)> = Vec::new();
        for rid in &set {
            let Some(def) = self
                .org
                .record(rid)
                .and_then(|r| self.org.object_arc(&r.object))
            else {
                continue;
            };
            for rel in def
                .child_relationships
                .iter()
                .filter(|r| !r.cascade_delete && !r.restricted_delete)
            {
                let nillable = self
                    .org
                    .object(&rel.child_sobject)
                    .and_then(|o| o.field(&rel.field))
                    .is_some_and(|f| f.nillable);
                if !nillable {
                    continue;
                }
                for c in children_of(self.org, &rel.child_sobject, &rel.field, rid) {
                    if !in_set.contains(c.as_str()) {
                        cleared.push((c, rel.field.clone(), rid.clone()));
                    }
                }
            }
        }
        let ctx = self.ctx.clone();
        for (rid, field, _) in &cleared {
            self.save(rid);
            if let Some(rec) = self.org.record_mut(rid) {
                rec.fields.insert(field.clone(), Value::Null);
                system_fields::stamp_modstamp(&mut rec.fields, &ctx);
            }
        }
        for (n, rid) in set.iter().enumerate() {
            self.save(rid);
            let Some(rec) = self.org.record_mut(rid) else {
                continue;
            };
            rec.fields.insert("IsDeleted".to_owned(), Value::Bool(true));
            system_fields::stamp_modstamp(&mut rec.fields, &ctx);
            let object = rec.object.clone();
            self.org.set_deletion(
                rid,
                Some(Deletion {
                    object,
                    deleted_at: ctx.now,
                    deleted_by: ctx.user_id.clone(),
                    cascade_root: (n > 0).then(|| id.clone()),
                    cleared_lookups: if n == 0 { cleared.clone() } else { Vec::new() },
                    purged: false,
                }),
            );
        }
        Ok(())
    }

    /// Restore the record `id` from the recycle bin, with the records its delete cascaded to
    /// (not those deleted separately before) and the lookups its delete cleared.
    pub fn undelete(&mut self, id: &str) -> Result<(), Vec<DmlError>> {
        let id = Self::normalise_id(id)?;
        let rec = self
            .org
            .record(&id)
            .ok_or_else(|| vec![DmlError::entity_is_deleted_or_missing(&id)])?;
        if !rec.is_deleted() {
            return Err(vec![DmlError::undelete_failed_not_deleted(&id)]);
        }
        let def = self
            .org
            .object_arc(&rec.object)
            .ok_or_else(|| vec![DmlError::invalid_type(&rec.object)])?;
        if !def.undeletable {
            return Err(vec![DmlError::invalid_type_for_operation("undeleted")]);
        }
        let deletion = self.org.deletion(&id).cloned();
        if let Some(root) = deletion.as_ref().and_then(|d| d.cascade_root.clone())
            && self.org.record(&root).is_some_and(|r| r.is_deleted())
        {
            return Err(vec![DmlError::new(
                "UNDELETE_FAILED",
                format!(
                    "Undelete failed because the master record {root} is in the recycle bin; undelete it instead"
                ),
                vec![],
            )]);
        }
        // A master-detail parent deleted on its own must come back first.
        for f in def.fields.iter().filter(|f| f.is_master_detail()) {
            let parent = rec.get(&f.name).and_then(Value::as_str);
            if parent.is_some_and(|p| self.org.record(p).is_none_or(|r| r.is_deleted())) {
                return Err(vec![DmlError::new(
                    "UNDELETE_FAILED",
                    format!("Undelete failed because the {} record is deleted", f.label),
                    vec![f.name.clone()],
                )]);
            }
        }
        let mut set = vec![id.clone()];
        set.extend(
            self.org
                .deletions()
                .filter(|(_, d)| !d.purged && d.cascade_root.as_deref() == Some(id.as_str()))
                .map(|(rid, _)| rid.clone()),
        );
        set[1..].sort();
        // Unique values taken meanwhile block the undelete.
        for rid in &set {
            let Some(r) = self.org.record(rid) else {
                continue;
            };
            if let Some(d) = self.org.object_arc(&r.object) {
                let fields = r.fields.clone();
                self.check_unique(&d, &fields, rid, None)?;
            }
        }
        let ctx = self.ctx.clone();
        for rid in &set {
            self.save(rid);
            if let Some(rec) = self.org.record_mut(rid) {
                rec.fields
                    .insert("IsDeleted".to_owned(), Value::Bool(false));
                system_fields::stamp_modstamp(&mut rec.fields, &ctx);
            }
            self.org.set_deletion(rid, None);
        }
        for (rid, field, target) in deletion.map(|d| d.cleared_lookups).unwrap_or_default() {
            let restorable = self
                .org
                .record(&rid)
                .is_some_and(|r| !r.is_deleted() && r.get(&field).is_none_or(Value::is_null));
            if restorable {
                self.save(&rid);
                if let Some(rec) = self.org.record_mut(&rid) {
                    rec.fields.insert(field, Value::String(target));
                    system_fields::stamp_modstamp(&mut rec.fields, &ctx);
                }
            }
        }
        Ok(())
    }

    /// Delete `id` and its cascade for good (Bulk `hardDelete`): no recycle bin, but the
    /// replication `deleted` resource still reports them.
    pub fn hard_delete(&mut self, id: &str) -> Result<(), Vec<DmlError>> {
        let id = self.check_deletable(id)?;
        let set = self.cascade_set(&id)?;
        for (n, rid) in set.iter().enumerate() {
            self.purge_one(rid, (n > 0).then_some(id.as_str()));
        }
        Ok(())
    }

    /// Empty the recycle bin of `id` (and the records its delete cascaded to).
    pub fn purge(&mut self, id: &str) -> Result<(), Vec<DmlError>> {
        let id = Self::normalise_id(id)?;
        let in_bin = self.org.record(&id).is_some_and(|r| r.is_deleted());
        if !in_bin {
            return Err(vec![DmlError::undelete_failed_not_deleted(&id)]);
        }
        let mut set: Vec<String> = self
            .org
            .deletions()
            .filter(|(_, d)| !d.purged && d.cascade_root.as_deref() == Some(id.as_str()))
            .map(|(rid, _)| rid.clone())
            .collect();
        set.sort();
        self.purge_one(&id, None);
        for rid in set {
            self.purge_one(&rid, Some(&id));
        }
        Ok(())
    }

    fn purge_one(&mut self, rid: &str, root: Option<&str>) {
        self.save(rid);
        let Some(rec) = self.org.remove_record(rid) else {
            return;
        };
        let deletion = match self.org.deletion(rid).cloned() {
            Some(mut d) => {
                d.purged = true;
                d
            }
            None => Deletion {
                object: rec.object.clone(),
                deleted_at: self.ctx.now,
                deleted_by: self.ctx.user_id.clone(),
                cascade_root: root.map(str::to_owned),
                cleared_lookups: Vec::new(),
                purged: true,
            },
        };
        self.org.set_deletion(rid, Some(deletion));
    }
}
