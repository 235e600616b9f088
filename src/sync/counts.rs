//! What a round, a cycle or a bulk sync did, per object.

use std::collections::BTreeMap;

use serde::Serialize;

/// Records handled, by outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    /// Copied to the other org.
    pub inserted: u64,
    /// Changed fields sent to the other org.
    pub updated: u64,
    /// Deletes sent.
    pub deleted: u64,
    /// Undeletes sent.
    pub undeleted: u64,
    /// Linked to an existing record (`matchOn`, or a copy found by its key field).
    pub linked: u64,
    /// Held in the inbox.
    pub held: u64,
    /// Waiting for a parent record.
    pub waiting: u64,
    /// Failed (queued for a retry, or failed for good).
    pub failed: u64,
    /// Two-way conflicts resolved by the policy.
    pub conflicts: u64,
    /// Read, but nothing to send.
    pub unchanged: u64,
    /// Queued without being written (the connection is suspended).
    pub queued: u64,
}

impl Counts {
    /// Add `other` to these counts.
    pub fn add(&mut self, other: &Counts) {
        self.inserted += other.inserted;
        self.updated += other.updated;
        self.deleted += other.deleted;
        self.undeleted += other.undeleted;
        self.linked += other.linked;
        self.held += other.held;
        self.waiting += other.waiting;
        self.failed += other.failed;
        self.conflicts += other.conflicts;
        self.unchanged += other.unchanged;
        self.queued += other.queued;
    }

    /// Records written to an org.
    pub fn writes(&self) -> u64 {
        self.inserted + self.updated + self.deleted + self.undeleted
    }
}

/// Counts per object.
pub type PerObject = BTreeMap<String, Counts>;
