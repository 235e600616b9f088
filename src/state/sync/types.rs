//! The vocabulary of the record-sync store.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One of the two orgs of the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Side {
    /// The primary (publishing) org.
    Primary,
    /// The secondary (subscribing) org.
    Secondary,
}

impl Side {
    /// `primary` / `secondary` (as stored).
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Primary => "primary",
            Side::Secondary => "secondary",
        }
    }

    /// The other org.
    pub fn other(self) -> Side {
        match self {
            Side::Primary => Side::Secondary,
            Side::Secondary => Side::Primary,
        }
    }

    /// Parse a stored value.
    pub fn parse(s: &str) -> Option<Side> {
        match s {
            "primary" => Some(Side::Primary),
            "secondary" => Some(Side::Secondary),
            _ => None,
        }
    }
}

impl std::fmt::Display for Side {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! labelled_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $label:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $label)] $variant),+
        }

        impl $name {
            /// Every value.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The label (as stored and shown).
            pub fn label(self) -> &'static str {
                match self {
                    $($name::$variant => $label),+
                }
            }

            /// Parse a stored label.
            pub fn parse(s: &str) -> Option<Self> {
                match s {
                    $($label => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}

labelled_enum! {
    /// What a queue entry does: the action names of the Organization Sync record queue (seed 000)
    /// where they apply.
    QueueAction {
        /// A record copied by a bulk sync.
        BulkSync => "Bulk Sync",
        /// A new record copied to the linked org.
        GenericInsert => "Generic Insert",
        /// An update sent to the linked org.
        GenericUpdate => "Generic Update",
        /// A delete sent to the linked org.
        ReplicationDelete => "Replication Delete",
        /// An undelete sent to the linked org.
        ReplicationUndelete => "Replication Undelete",
        /// A record shared by hand (`orgsync forward`).
        ManualForward => "Manual Forward",
        /// A user copied to the secondary.
        UserUpsert => "User Upsert",
    }
}

labelled_enum! {
    /// Where a queue entry stands.
    QueueStatus {
        /// Due at `next_attempt_at_ms`, never tried or not yet failed.
        Pending => "Pending",
        /// Waiting for something else first (a parent record to be linked); `reason` says what.
        Waiting => "Waiting",
        /// Failed at least once; retried at `next_attempt_at_ms`.
        Retrying => "Retrying",
        /// Gave up after `retry.maxAttempts` (or a permanent error): never due again until
        /// `orgsync replay` puts it back to Pending.
        Failed => "Failed",
    }
}

labelled_enum! {
    /// The status of a sync-log entry (seed 000: one entry when an update is retried for the
    /// first time, another when it finally fails or succeeds).
    LogStatus {
        /// Failed on the first attempt; being retried.
        Retrying => "Retrying",
        /// Gave up after the last attempt, or a permanent error.
        Failed => "Failed",
        /// Succeeded after retries, or a conflict that was resolved by the policy.
        Resolved => "Resolved",
    }
}

/// A link between a record in the primary and its counterpart in the secondary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// Object API name (as published).
    pub object: String,
    /// Record ID in the primary.
    pub primary_id: String,
    /// Record ID in the secondary.
    pub secondary_id: String,
    /// The org the record was first created in.
    pub origin: Side,
    /// Keyed hash of each synced field's last synced value (publisher field names).
    pub field_hashes: BTreeMap<String, String>,
    /// The primary record is deleted (in the recycle bin).
    pub primary_deleted: bool,
    /// The secondary record is deleted (in the recycle bin).
    pub secondary_deleted: bool,
    /// When the link was made.
    pub linked_at_ms: i64,
    /// When values last flowed over it.
    pub synced_at_ms: i64,
}

impl Link {
    /// The record ID on `side`.
    pub fn id(&self, side: Side) -> &str {
        match side {
            Side::Primary => &self.primary_id,
            Side::Secondary => &self.secondary_id,
        }
    }

    /// Whether the record on `side` is deleted.
    pub fn deleted(&self, side: Side) -> bool {
        match side {
            Side::Primary => self.primary_deleted,
            Side::Secondary => self.secondary_deleted,
        }
    }
}

/// A change cursor: the last (SystemModstamp, Id) fully processed for an object in one org.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cursor {
    /// `SystemModstamp`, milliseconds since the epoch.
    pub modstamp_ms: i64,
    /// The record ID that broke the tie at that instant.
    pub last_id: String,
}

/// A record waiting in the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueEntry {
    /// Row ID (0 for an entry not yet stored).
    pub id: i64,
    /// Object API name.
    pub object: String,
    /// The org the record comes from.
    pub source: Side,
    /// The record ID in that org.
    pub source_id: String,
    /// What is to be done.
    pub action: QueueAction,
    /// Where it stands.
    pub status: QueueStatus,
    /// Attempts made so far.
    pub attempts: i64,
    /// When it is due.
    pub next_attempt_at_ms: i64,
    /// Why it waits or failed, in words without values (`waiting for parent Account 001…`).
    pub reason: Option<String>,
    /// The Salesforce error code of the last failure.
    pub error_code: Option<String>,
    /// When it was queued.
    pub created_at_ms: i64,
    /// When it last changed.
    pub updated_at_ms: i64,
}

/// A sync-log entry to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLogEntry {
    /// When.
    pub at_ms: i64,
    /// Object API name.
    pub object: String,
    /// The org the record comes from.
    pub source: Side,
    /// The record ID in that org.
    pub record_id: String,
    /// The queue action.
    pub action: QueueAction,
    /// The status.
    pub status: LogStatus,
    /// The Salesforce error code (or an orgsync code such as `CONFLICT`).
    pub error_code: Option<String>,
    /// What happened, scrubbed of field values.
    pub message: Option<String>,
    /// Attempts made.
    pub attempts: i64,
}

/// A stored sync-log entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    /// Row ID (increasing).
    pub id: i64,
    /// The entry.
    pub entry: NewLogEntry,
}

/// Which log entries to read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogFilter {
    /// Only this status.
    pub status: Option<LogStatus>,
    /// Only this object.
    pub object: Option<String>,
    /// Only entries at or after this instant.
    pub since_ms: Option<i64>,
    /// Only this error code.
    pub error_code: Option<String>,
    /// At most this many (newest first).
    pub limit: Option<i64>,
}

/// A record held in the inbox (`autoAccept: false`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxEntry {
    /// Object API name.
    pub object: String,
    /// The org the record comes from.
    pub source: Side,
    /// The record ID in that org.
    pub source_id: String,
    /// When it arrived.
    pub received_at_ms: i64,
}

/// The connection is suspended: records keep queuing but nothing is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Suspension {
    /// Why (as the operator wrote it).
    pub reason: String,
    /// Since when.
    pub since_ms: i64,
    /// Resume automatically at this instant.
    pub until_ms: Option<i64>,
}

/// How far a bulk sync of one object from one org has come (resumable by ID order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkProgress {
    /// Object API name.
    pub object: String,
    /// The org copied from.
    pub source: Side,
    /// The last record ID handled (records are read in ID order).
    pub last_id: String,
    /// Finished.
    pub done: bool,
    /// Records handled so far.
    pub records: i64,
    /// Last progress.
    pub updated_at_ms: i64,
}
