//! Errors of the state store, each saying what the store was doing.

/// A state-store failure.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// The URL is neither `sqlite://…` nor `postgres://…`.
    #[error(
        "unsupported state URL scheme in `{scheme}…`: use sqlite://PATH or postgres://USER@HOST/DB"
    )]
    UnsupportedUrl {
        /// The part of the URL before `://` (never the credentials).
        scheme: String,
    },
    /// The database could not be reached or opened.
    #[error("cannot open the state store at {location}")]
    Open {
        /// Where, without credentials.
        location: String,
        #[source]
        source: sqlx::Error,
    },
    /// The schema could not be brought up to date.
    #[error("cannot migrate the state store")]
    Migrate(#[source] sqlx::migrate::MigrateError),
    /// A query failed.
    #[error("state store: cannot {doing}")]
    Query {
        /// What the store was doing.
        doing: &'static str,
        #[source]
        source: sqlx::Error,
    },
    /// Stored data could not be decoded (a newer orgsync wrote it, or it was edited by hand).
    #[error("state store: stored {what} is unreadable")]
    Corrupt {
        /// Which record.
        what: &'static str,
        #[source]
        source: serde_json::Error,
    },
    /// The directory for a SQLite file could not be created.
    #[error("cannot create the directory {path} for the state store")]
    CreateDir {
        /// The directory.
        path: String,
        #[source]
        source: std::io::Error,
    },
}

impl StateError {
    /// A closure that wraps a sqlx error as a failed query doing `doing`.
    pub(crate) fn query(doing: &'static str) -> impl FnOnce(sqlx::Error) -> StateError {
        move |source| StateError::Query { doing, source }
    }
}
