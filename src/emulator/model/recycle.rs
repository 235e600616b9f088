//! The recycle bin and delete tombstones: when and why each record was deleted.
//!
//! A soft-deleted record stays stored with `IsDeleted = true`; its [`Deletion`] keeps the
//! deleted date for the replication `deleted` resource, the record whose delete cascaded to it
//! (so undelete restores exactly the cascade) and the lookups the delete cleared on other records
//! (restored on undelete). A purged or hard-deleted record leaves its [`Deletion`] behind as a
//! tombstone with `purged = true`, so `getDeleted` still reports it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Why and when one record was deleted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Deletion {
    /// Canonical object name of the deleted record.
    pub object: String,
    /// When it was deleted (the `deletedDate` of the replication API).
    pub deleted_at: DateTime<Utc>,
    /// Who deleted it.
    pub deleted_by: String,
    /// The record whose delete cascaded to this one; `None` when deleted directly.
    pub cascade_root: Option<String>,
    /// Lookups on other records that this delete cleared: `(record ID, field, the deleted
    /// record it pointed at)`.
    pub cleared_lookups: Vec<(String, String, String)>,
    /// Gone from the recycle bin (purged or hard-deleted); only the tombstone remains.
    pub purged: bool,
}
