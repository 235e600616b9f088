//! The durable store: SQLite embedded by default, Postgres when several replicas run.
//!
//! `sqlx` with the `Any` driver and runtime queries; numbered migrations per backend under
//! `migrations/sqlite` and `migrations/postgres`, embedded at build time. SQLite runs in WAL mode
//! and its write transactions use `BEGIN IMMEDIATE`, so two writers never deadlock on upgrade.
//! Timestamps are integers (milliseconds since the Unix epoch); callers pass them in, the store
//! never reads the clock.
//!
//! | file | holds |
//! |---|---|
//! | `open.rs` | URL parsing, connecting, pragmas, migrations |
//! | `apply.rs` | the applied generation and the apply history |
//! | `error.rs` | [`StateError`] |
//! | `sync/` | record sync: links, cursors, queue, sync log, inbox, suspension, activity |

mod apply;
mod error;
mod open;
pub mod sync;

use sqlx::AnyPool;

pub use apply::{ApplyOutcome, ApplyRun, ConnectionState, Generation, ObjectState, StepStatus};
pub use error::StateError;
pub use sync::{
    Batch, BulkProgress, Cursor, InboxEntry, Link, LogEntry, LogFilter, LogStatus, NewLogEntry,
    QueueAction, QueueEntry, QueueStatus, Side, Suspension,
};

/// Which database a store lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An embedded SQLite file (`sqlite://path/to/file.db`).
    Sqlite,
    /// A Postgres server (`postgres://user@host/db`), for several replicas.
    Postgres,
}

/// An open state store.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

impl Store {
    /// The backend this store runs on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Start a write transaction: `BEGIN IMMEDIATE` on SQLite, `BEGIN` on Postgres.
    pub(crate) async fn write_tx(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Any>, StateError> {
        let tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        };
        tx.map_err(StateError::query("begin a write transaction"))
    }

    /// Close every connection (pending writes are already committed).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}
