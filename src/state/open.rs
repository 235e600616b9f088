//! Opening a store: URL parsing, connecting, SQLite pragmas and migrations.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;

use super::{Backend, StateError, Store};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// The backend named by a state URL's scheme.
pub fn backend_of(url: &str) -> Result<Backend, StateError> {
    let scheme = url.split("://").next().unwrap_or_default();
    match scheme {
        "sqlite" => Ok(Backend::Sqlite),
        "postgres" | "postgresql" => Ok(Backend::Postgres),
        _ => Err(StateError::UnsupportedUrl {
            scheme: scheme.chars().take(16).collect(),
        }),
    }
}

/// The URL without credentials, for messages.
fn location(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let host = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
            format!("{scheme}://{host}")
        }
        None => "the configured URL".to_owned(),
    }
}

impl Store {
    /// Open (creating when needed) the store at `url` and bring its schema up to date.
    ///
    /// `sqlite://relative/or/absolute.db` creates the file and its directory;
    /// `sqlite://:memory:` is an in-memory store (tests). `postgres://…` connects to a server.
    pub async fn open(url: &str) -> Result<Store, StateError> {
        sqlx::any::install_default_drivers();
        let backend = backend_of(url)?;
        let open_err = |source| StateError::Open {
            location: location(url),
            source,
        };
        let (connect_url, max_conns) = match backend {
            Backend::Sqlite => {
                let path = url
                    .trim_start_matches("sqlite://")
                    .trim_start_matches("sqlite:");
                if path.is_empty() || path == ":memory:" {
                    // One connection: every connection to :memory: is a separate database.
                    ("sqlite::memory:".to_owned(), 1)
                } else {
                    let path = path.split('?').next().unwrap_or(path);
                    if let Some(dir) = Path::new(path)
                        .parent()
                        .filter(|d| !d.as_os_str().is_empty())
                    {
                        std::fs::create_dir_all(dir).map_err(|source| StateError::CreateDir {
                            path: dir.display().to_string(),
                            source,
                        })?;
                    }
                    (format!("sqlite://{path}?mode=rwc"), 4)
                }
            }
            Backend::Postgres => (url.to_owned(), 8),
        };
        let options = AnyConnectOptions::from_str(&connect_url).map_err(open_err)?;
        let mut pool = AnyPoolOptions::new()
            .max_connections(max_conns)
            .acquire_timeout(Duration::from_secs(30));
        if backend == Backend::Sqlite {
            pool = pool.after_connect(|conn, _meta| {
                Box::pin(async move {
                    use sqlx::Executor;
                    conn.execute("PRAGMA journal_mode = WAL").await?;
                    conn.execute("PRAGMA busy_timeout = 10000").await?;
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    conn.execute("PRAGMA synchronous = NORMAL").await?;
                    Ok(())
                })
            });
        }
        let pool = pool.connect_with(options).await.map_err(open_err)?;
        let migrator = match backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&pool).await.map_err(StateError::Migrate)?;
        Ok(Store { pool, backend })
    }

    pub(crate) fn pool(&self) -> &sqlx::AnyPool {
        &self.pool
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backends_by_scheme() {
        assert_eq!(backend_of("sqlite://x.db").unwrap(), Backend::Sqlite);
        assert_eq!(backend_of("postgres://u@h/db").unwrap(), Backend::Postgres);
        assert!(matches!(
            backend_of("mysql://u:secret@h/db"),
            Err(StateError::UnsupportedUrl { .. })
        ));
    }

    #[test]
    fn locations_never_carry_credentials() {
        assert_eq!(
            location("postgres://u:hunter2@db:5432/x"),
            "postgres://db:5432/x"
        );
        assert_eq!(location("sqlite://a/b.db"), "sqlite://a/b.db");
    }

    #[tokio::test]
    async fn opening_twice_migrates_once_and_keeps_data() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/nested/state.db", dir.path().display());
        let store = Store::open(&url).await.unwrap();
        store.close().await;
        let again = Store::open(&url).await.unwrap();
        assert_eq!(again.backend(), Backend::Sqlite);
        assert!(dir.path().join("nested/state.db").exists());
    }
}
