//! Salesforce DML semantics over the raw store: inserts, updates, upserts, deletes and
//! undeletes inside a transaction that can be rolled back (for `allOrNone`, composite and
//! commit-then-fail faults).
//!
//! Every REST, collection, composite, bulk and SOAP route writes through [`Tx`]; none touches
//! [`Org`]'s raw storage directly. [`Tx::commit`] returns the IDs the transaction touched so the
//! caller can persist them (`persist::Store::save_changes`).

mod automation;
mod delete;
mod error;
mod replication;
mod schema;
pub(crate) mod system_fields;
mod values;
mod write;

use chrono::{DateTime, Utc};

pub use error::DmlError;
pub use replication::{DeletedRecord, DeletedRecords, UpdatedIds};
pub use values::{parse_date, parse_datetime};

use super::model::{Deletion, Org, Record, ids};

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
    /// The 18-character ID of the created or updated record.
    pub id: String,
    /// The upsert created the record.
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

/// One undo step: the record and its recycle-bin entry as they were before a write (`None`
/// when absent).
#[derive(Debug)]
struct Undo {
    id: String,
    before: Option<Record>,
    deletion: Option<Deletion>,
}

/// A transaction over one org. Writes apply at once; [`Tx::rollback`] (or dropping the
/// transaction without [`Tx::commit`]) restores every touched record exactly.
#[derive(Debug)]
pub struct Tx<'a> {
    org: &'a mut Org,
    ctx: Ctx,
    undo: Vec<Undo>,
    committed: bool,
    system: bool,
    /// Object definitions as they were before schema changes (Tooling, Metadata deploys),
    /// restored after the record undo steps.
    schema_undo: Vec<schema::SchemaUndo>,
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
            schema_undo: Vec::new(),
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

    /// Keep every write; returns the IDs of the records this transaction touched (created,
    /// changed, deleted, restored or purged), each once, in first-touch order.
    pub fn commit(mut self) -> Vec<String> {
        self.committed = true;
        let mut seen = std::collections::HashSet::new();
        self.undo
            .iter()
            .filter(|u| seen.insert(u.id.as_str()))
            .map(|u| u.id.clone())
            .collect()
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
            self.org.set_deletion(&step.id, step.deletion);
        }
        self.undo_schema();
    }

    /// System mode (fixture loading): read-only fields, audit fields and non-createable
    /// objects may be written.
    pub(crate) fn set_system_mode(&mut self, on: bool) {
        self.system = on;
    }

    /// Remember a record's state before changing it.
    fn save(&mut self, id: &str) {
        let before = self.org.record(id).cloned();
        let deletion = self.org.deletion(id).cloned();
        self.undo.push(Undo {
            id: id.to_owned(),
            before,
            deletion,
        });
    }

    /// Remember that `id` did not exist before this write (cheap: no clone).
    fn save_new(&mut self, id: &str) {
        self.undo.push(Undo {
            id: id.to_owned(),
            before: None,
            deletion: None,
        });
    }

    /// The 18-character form of a record ID given by a caller, or `MALFORMED_ID`.
    fn normalise_id(id: &str) -> Result<String, Vec<DmlError>> {
        ids::to18(id).ok_or_else(|| vec![DmlError::malformed_record_id(id)])
    }
}

impl Drop for Tx<'_> {
    fn drop(&mut self) {
        if !self.committed {
            self.undo_all();
        }
    }
}
