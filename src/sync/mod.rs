//! The record-sync engine: bulk sync, incremental polling, mapping, lookups and owners, deletes
//! and undeletes, echo suppression, conflicts, the queue with retries, the sync log and
//! suspend/resume (ARCHITECTURE.md: "sync loop").
//!
//! | file | holds |
//! |---|---|
//! | [`model`] | what is synced: the applied connection with lookups, owners and the parent-first order |
//! | [`engine`] | [`Engine`]: store, both clients, clock, hasher; shared reads |
//! | [`read`] | the engine's SOQL |
//! | [`values`] | canonical values and keyed hashes (links keep hashes, never values) |
//! | [`round`] | one round on one object: pair, decide, resolve lookups, write, record |
//! | [`pairing`] | pairing through links, key-field adoption, `matchOn` |
//! | [`outcome`] | a group's decision and writes turned into links, queue, log and counts |
//! | [`decide`] | the pure decision for one record pair (inserts, updates, deletes, conflicts) |
//! | [`write`] | the writes: upserts on the key field, updates, deletes, undeletes |
//! | [`bulk_api`] | large insert waves as one Bulk API 2.0 upsert job |
//! | [`retry`] | queue entries with backoff, and the sync log's Retrying / Failed / Resolved |
//! | [`owners`] | owner mapping through synced users |
//! | [`cycle`] | one incremental cycle; [`run`] the loop |
//! | [`bulk`] | bulk sync |
//! | [`actions`] | forward, inbox, reset |
//! | [`status`] | per-object status for `orgsync status` |
//!
//! Deviation from ARCHITECTURE.md's table (`sync` uses `org`, `state`, `spec`): the engine also
//! reads the orgs' describes through `observe` and reuses the planner's parent-first ordering
//! (`plan::planner::lookups::order`) rather than repeat them.

pub mod actions;
pub mod bulk;
pub mod bulk_api;
pub mod counts;
pub mod cycle;
pub mod decide;
pub mod engine;
pub mod model;
pub mod outcome;
pub mod owners;
pub mod pairing;
pub mod read;
pub mod retry;
pub mod round;
pub mod run;
pub mod status;
pub mod values;
pub mod write;

pub use bulk::{BulkOptions, BulkReport, BulkStep};
pub use counts::Counts;
pub use cycle::CycleReport;
pub use engine::{Engine, SyncError};
pub use model::SyncModel;
