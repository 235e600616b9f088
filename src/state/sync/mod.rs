//! The record-sync part of the store: links, cursors, the record queue, the sync log, the inbox,
//! activity counters, bulk-sync progress, suspension and the hash key.
//!
//! Nothing here holds a record's field values: links keep keyed hashes of the last synced values,
//! queue and inbox entries keep record IDs (the engine re-reads a record when it acts on it), and
//! log messages are written by the engine already scrubbed of values.
//!
//! Everything one batch of sync work decided — new and changed links, the cursor advance, queue
//! and inbox changes, log entries and activity — is committed together by
//! [`Store::commit_batch`](crate::state::Store::commit_batch), so a crash never separates a
//! cursor from the outcome it stands for.
//!
//! | file | holds |
//! |---|---|
//! | `types.rs` | the vocabulary: [`Side`], [`QueueAction`], [`QueueStatus`], [`LogStatus`] and the row types |
//! | `batch.rs` | [`Batch`] and the one-transaction commit |
//! | `links.rs` | reading links |
//! | `queue.rs` | reading and steering the queue; the sync log; the inbox |
//! | `control.rs` | cursors, suspension, hash key, bulk-sync progress, activity |
//! | `usage.rs` | API usage per org, as the engine last measured it |
//! | `replay.rs` | counting failed queue entries and replaying them |

mod batch;
mod control;
mod links;
mod queue;
mod replay;
mod types;
mod usage;

pub use batch::Batch;
pub use replay::ReplayFilter;
pub use types::{
    BulkProgress, Cursor, InboxEntry, Link, LogEntry, LogFilter, LogStatus, NewLogEntry,
    QueueAction, QueueEntry, QueueStatus, Side, Suspension,
};
pub use usage::ApiUsage;

/// Placeholders `$first, $first+1, …` for `n` bound values (IN lists).
pub(crate) fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// How many IDs go into one `IN (…)` list.
pub(crate) const IN_CHUNK: usize = 500;

#[cfg(test)]
mod tests;
