//! Salesforce DML semantics over the raw store: inserts, updates, upserts, deletes and
//! undeletes inside a transaction that can be rolled back (for `allOrNone`, composite and
//! commit-then-fail faults).
//!
//! Every REST, collection, composite, bulk and SOAP route writes through [`Tx`]; none touches
//! [`Org`]'s raw storage directly.

mod error;
mod system_fields;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

pub use error::DmlError;

use super::model::{Org, Record};

/// Who writes, and when: the server's view of the running user and the clock.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The running user's 18-character ID (`CreatedById`, `LastModifiedById`).
    pub user_id: String,
    /// The server time of this request.
    pub now: DateTime<Utc>,
}

/// The outcome of a successful upsert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upserted {
    pub id: String,
    pub created: bool,
}

/// Why an upsert failed.
#[derive(Debug, Clone, PartialEq)]
pub enum UpsertError {
    /// The external ID matched several records (HTTP 300 with their URLs).
    Multiple(Vec<String>),
    /// A DML failure (validation, unknown field, …).
    Dml(Vec<DmlError>),
}

/// One undo step: the record as it was before a write (`None` when the write created it).
#[derive(Debug)]
struct Undo {
    id: String,
    before: Option<Record>,
}

/// A transaction over one org. Writes apply at once; [`Tx::rollback`] (or dropping the
/// transaction without [`Tx::commit`]) restores every touched record.
#[derive(Debug)]
pub struct Tx<'a> {
    org: &'a mut Org,
    ctx: Ctx,
    undo: Vec<Undo>,
    committed: bool,
    system: bool,
}

impl<'a> Tx<'a> {
    /// Start a transaction.
    pub fn begin(org: &'a mut Org, ctx: Ctx) -> Self {
        Self {
            org,
            ctx,
            undo: Vec::new(),
            committed: false,
            system: false,
        }
    }

    /// Read access to the org as this transaction sees it.
    pub fn org(&self) -> &Org {
        self.org
    }

    /// The request context.
    pub fn ctx(&self) -> &Ctx {
        &self.ctx
    }

    /// Keep every write.
    pub fn commit(mut self) {
        self.committed = true;
    }

    /// Undo every write made in this transaction.
    pub fn rollback(mut self) {
        self.undo_all();
        self.committed = true;
    }

    fn undo_all(&mut self) {
        while let Some(step) = self.undo.pop() {
            match step.before {
                Some(rec) => self.org.put_record(rec),
                None => {
                    self.org.remove_record(&step.id);
                }
            }
        }
    }

    /// Remember a record's state before changing it.
    fn save(&mut self, id: &str) {
        let before = self.org.record(id).cloned();
        self.undo.push(Undo {
            id: id.to_owned(),
            before,
        });
    }

    /// System mode (fixture loading): audit fields are settable on insert.
    pub(crate) fn set_system_mode(&mut self, on: bool) {
        self.system = on;
    }

    /// Insert with a pre-minted ID (fixture loading).
    pub(crate) fn insert_with_id(
        &mut self,
        object: &str,
        id: &str,
        values: Map<String, Value>,
    ) -> Result<(), Vec<DmlError>> {
        self.insert_inner(object, Some(id.to_owned()), values)
            .map(|_| ())
    }

    /// Insert a record of `object` with `values` (canonical or any-case field names).
    /// Returns the new 18-character ID.
    pub fn insert(
        &mut self,
        object: &str,
        values: Map<String, Value>,
    ) -> Result<String, Vec<DmlError>> {
        self.insert_inner(object, None, values)
    }

    fn insert_inner(
        &mut self,
        object: &str,
        fixed_id: Option<String>,
        values: Map<String, Value>,
    ) -> Result<String, Vec<DmlError>> {
        let def = self
            .org
            .object(object)
            .ok_or_else(|| vec![DmlError::invalid_type(object)])?
            .clone();
        let id = fixed_id.unwrap_or_else(|| self.org.ids.next_id(&def.key_prefix));
        let mut fields = Map::new();
        fields.insert("Id".to_owned(), Value::String(id.clone()));
        for (k, v) in values {
            let field = def
                .field(&k)
                .ok_or_else(|| vec![DmlError::invalid_field(&k, &def.name)])?;
            fields.insert(field.name.clone(), v);
        }
        system_fields::stamp_insert(&def, &mut fields, &self.ctx);
        self.undo.push(Undo {
            id: id.clone(),
            before: None,
        });
        self.org.put_record(Record {
            object: def.name.clone(),
            fields,
        });
        Ok(id)
    }

    /// Update the record `id` with `values`.
    pub fn update(&mut self, id: &str, values: Map<String, Value>) -> Result<(), Vec<DmlError>> {
        let rec = self
            .org
            .record(id)
            .filter(|r| !r.is_deleted())
            .ok_or_else(|| vec![DmlError::entity_is_deleted_or_missing(id)])?;
        let def = self
            .org
            .object(&rec.object)
            .ok_or_else(|| vec![DmlError::invalid_type(&rec.object)])?
            .clone();
        let mut canonical = Map::new();
        for (k, v) in values {
            let field = def
                .field(&k)
                .ok_or_else(|| vec![DmlError::invalid_field(&k, &def.name)])?;
            canonical.insert(field.name.clone(), v);
        }
        self.save(id);
        let ctx = self.ctx.clone();
        if let Some(rec) = self.org.record_mut(id) {
            for (k, v) in canonical {
                rec.fields.insert(k, v);
            }
            system_fields::stamp_update(&def, &mut rec.fields, &ctx);
        }
        Ok(())
    }

    /// Upsert on `ext_field` = `ext_value`: update the one match, insert when none, refuse
    /// when several records match.
    pub fn upsert(
        &mut self,
        object: &str,
        ext_field: &str,
        ext_value: &str,
        mut values: Map<String, Value>,
    ) -> Result<Upserted, UpsertError> {
        let def = self
            .org
            .object(object)
            .ok_or_else(|| UpsertError::Dml(vec![DmlError::invalid_type(object)]))?
            .clone();
        let field = def
            .field(ext_field)
            .ok_or_else(|| UpsertError::Dml(vec![DmlError::invalid_field(ext_field, &def.name)]))?
            .clone();
        let matches: Vec<String> = self
            .org
            .records(&def.name)
            .filter(|r| !r.is_deleted())
            .filter(|r| {
                r.get(&field.name)
                    .and_then(Value::as_str)
                    .is_some_and(|v| v.eq_ignore_ascii_case(ext_value))
            })
            .map(|r| r.id().to_owned())
            .collect();
        match matches.as_slice() {
            [] => {
                if field.name != "Id" {
                    values.insert(field.name.clone(), Value::String(ext_value.to_owned()));
                }
                let id = self.insert(&def.name, values).map_err(UpsertError::Dml)?;
                Ok(Upserted { id, created: true })
            }
            [one] => {
                let id = one.clone();
                self.update(&id, values).map_err(UpsertError::Dml)?;
                Ok(Upserted { id, created: false })
            }
            _ => Err(UpsertError::Multiple(matches)),
        }
    }

    /// Move the record `id` to the recycle bin.
    pub fn delete(&mut self, id: &str) -> Result<(), Vec<DmlError>> {
        let rec = self
            .org
            .record(id)
            .ok_or_else(|| vec![DmlError::entity_is_deleted_or_missing(id)])?;
        if rec.is_deleted() {
            return Err(vec![DmlError::entity_is_deleted()]);
        }
        self.save(id);
        let ctx = self.ctx.clone();
        if let Some(rec) = self.org.record_mut(id) {
            rec.fields.insert("IsDeleted".to_owned(), Value::Bool(true));
            system_fields::stamp_modstamp(&mut rec.fields, &ctx);
        }
        Ok(())
    }

    /// Restore the record `id` from the recycle bin.
    pub fn undelete(&mut self, id: &str) -> Result<(), Vec<DmlError>> {
        let rec = self
            .org
            .record(id)
            .ok_or_else(|| vec![DmlError::entity_is_deleted_or_missing(id)])?;
        if !rec.is_deleted() {
            return Err(vec![DmlError::undelete_failed_not_deleted(id)]);
        }
        self.save(id);
        let ctx = self.ctx.clone();
        if let Some(rec) = self.org.record_mut(id) {
            rec.fields
                .insert("IsDeleted".to_owned(), Value::Bool(false));
            system_fields::stamp_modstamp(&mut rec.fields, &ctx);
        }
        Ok(())
    }
}

impl Drop for Tx<'_> {
    fn drop(&mut self) {
        if !self.committed {
            self.undo_all();
        }
    }
}
