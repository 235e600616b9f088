//! Keeps an emulated org across restarts (`orgsync emulator --data DIR`): SQLite in WAL mode
//! under `DIR/emulator.db`, written incrementally after every committed write request.
//!
//! Tables hold JSON documents of the model types (identity, object definitions, records,
//! recycle-bin entries) keyed by name or ID; queries are plain runtime SQL (no build-time DB).

use std::collections::HashMap;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use sqlx::{Row, Sqlite, Transaction};

use crate::emulator::model::{Deletion, ObjectDef, Org, OrgIdentity, Record, Rule};

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
pub enum PersistError {
    /// The data directory could not be created.
    #[error("cannot create the emulator data directory {dir}")]
    Dir {
        dir: String,
        #[source]
        source: std::io::Error,
    },
    /// A database operation failed.
    #[error("emulator database error")]
    Db(#[from] sqlx::Error),
    /// A stored document could not be read back.
    #[error("emulator database holds an unreadable {what}")]
    Corrupt {
        what: &'static str,
        #[source]
        source: serde_json::Error,
    },
}

fn corrupt(what: &'static str) -> impl FnOnce(serde_json::Error) -> PersistError {
    move |source| PersistError::Corrupt { what, source }
}

/// An open emulator database.
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
}

const SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS objects (name TEXT PRIMARY KEY, def TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS records (id TEXT PRIMARY KEY, object TEXT NOT NULL, fields TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS deletions (id TEXT PRIMARY KEY, deletion TEXT NOT NULL)",
];

impl Store {
    /// Open (creating if needed) the database in `dir`.
    pub async fn open(dir: &Path) -> Result<Self, PersistError> {
        std::fs::create_dir_all(dir).map_err(|source| PersistError::Dir {
            dir: dir.display().to_string(),
            source,
        })?;
        let options = SqliteConnectOptions::from_str("sqlite://")?
            .filename(dir.join("emulator.db"))
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .busy_timeout(Duration::from_secs(5));
        // One connection: writes are serialised, so no two transactions interleave.
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await?;
        for stmt in SCHEMA {
            sqlx::query(*stmt).execute(&pool).await?;
        }
        Ok(Self { pool })
    }

    /// The stored org, or `None` for an empty database (first start: load a fixture and
    /// [`Store::save_all`]).
    pub async fn load(&self) -> Result<Option<Org>, PersistError> {
        let meta: HashMap<String, String> = sqlx::query("SELECT key, value FROM meta")
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(|r| (r.get::<String, _>(0), r.get::<String, _>(1)))
            .collect();
        let Some(identity) = meta.get("identity") else {
            return Ok(None);
        };
        let identity: OrgIdentity = serde_json::from_str(identity).map_err(corrupt("identity"))?;
        let num = |k: &str| meta.get(k).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
        let mut org = Org::new(identity, num("seed"));
        org.ids.resume_after(num("counter").saturating_sub(1));
        org.integration_user_id = meta.get("integrationUser").cloned();
        if let Some(a) = meta.get("automation") {
            org.automation = serde_json::from_str::<Vec<Rule>>(a).map_err(corrupt("automation"))?;
        }
        if let Some(a) = meta.get("autoNumbers") {
            org.set_auto_numbers(serde_json::from_str(a).map_err(corrupt("auto numbers"))?);
        }
        let mut defs = Vec::new();
        for row in sqlx::query("SELECT def FROM objects")
            .fetch_all(&self.pool)
            .await?
        {
            let def: ObjectDef =
                serde_json::from_str(&row.get::<String, _>(0)).map_err(corrupt("object"))?;
            defs.push(def);
        }
        org.put_objects(defs);
        for row in sqlx::query("SELECT object, fields FROM records ORDER BY id")
            .fetch_all(&self.pool)
            .await?
        {
            let fields =
                serde_json::from_str(&row.get::<String, _>(1)).map_err(corrupt("record"))?;
            org.put_record(Record {
                object: row.get(0),
                fields,
            });
        }
        for row in sqlx::query("SELECT id, deletion FROM deletions")
            .fetch_all(&self.pool)
            .await?
        {
            let d: Deletion =
                serde_json::from_str(&row.get::<String, _>(1)).map_err(corrupt("deletion"))?;
            org.set_deletion(&row.get::<String, _>(0), Some(d));
        }
        Ok(Some(org))
    }

    /// Replace everything stored with `org` (first start from a fixture).
    pub async fn save_all(&self, org: &Org) -> Result<(), PersistError> {
        let mut tx = self.pool.begin().await?;
        for stmt in [
            "DELETE FROM meta",
            "DELETE FROM objects",
            "DELETE FROM records",
            "DELETE FROM deletions",
        ] {
            sqlx::query(stmt).execute(&mut *tx).await?;
        }
        save_meta(&mut tx, org).await?;
        for def in org.objects() {
            put_object(&mut tx, def).await?;
        }
        for def in org.objects() {
            for rec in org.records(&def.name) {
                put_record(&mut tx, rec).await?;
            }
        }
        for (id, d) in org.deletions() {
            put_deletion(&mut tx, id, Some(d)).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Write the records (and recycle-bin entries) of `touched` IDs as they are now in `org`
    /// (what [`Tx::commit`](crate::emulator::dml::Tx::commit) returned), plus the ID counter.
    pub async fn save_changes(&self, org: &Org, touched: &[String]) -> Result<(), PersistError> {
        let mut tx = self.pool.begin().await?;
        save_meta(&mut tx, org).await?;
        for id in touched {
            match org.record(id) {
                Some(rec) => put_record(&mut tx, rec).await?,
                None => {
                    sqlx::query("DELETE FROM records WHERE id = ?")
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            put_deletion(&mut tx, id, org.deletion(id)).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Save one object definition (added or changed through Tooling), or forget it when
    /// `org` no longer has it.
    pub async fn save_object(&self, org: &Org, name: &str) -> Result<(), PersistError> {
        let mut tx = self.pool.begin().await?;
        match org.object(name) {
            Some(def) => put_object(&mut tx, def).await?,
            None => {
                sqlx::query("DELETE FROM objects WHERE name = ?")
                    .bind(name.to_ascii_lowercase())
                    .execute(&mut *tx)
                    .await?;
            }
        }
        save_meta(&mut tx, org).await?;
        tx.commit().await?;
        Ok(())
    }
}

async fn set_meta(
    tx: &mut Transaction<'_, Sqlite>,
    key: &str,
    value: String,
) -> Result<(), PersistError> {
    sqlx::query("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
        .bind(key)
        .bind(value)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

fn json<T: serde::Serialize>(what: &'static str, v: &T) -> Result<String, PersistError> {
    serde_json::to_string(v).map_err(corrupt(what))
}

async fn save_meta(tx: &mut Transaction<'_, Sqlite>, org: &Org) -> Result<(), PersistError> {
    set_meta(tx, "identity", json("identity", &org.identity)?).await?;
    set_meta(tx, "seed", org.ids.seed().to_string()).await?;
    set_meta(tx, "counter", org.ids.counter().to_string()).await?;
    set_meta(tx, "automation", json("automation", &org.automation)?).await?;
    set_meta(tx, "autoNumbers", json("auto numbers", org.auto_numbers())?).await?;
    if let Some(u) = &org.integration_user_id {
        set_meta(tx, "integrationUser", u.clone()).await?;
    }
    Ok(())
}

async fn put_object(tx: &mut Transaction<'_, Sqlite>, def: &ObjectDef) -> Result<(), PersistError> {
    sqlx::query("INSERT INTO objects (name, def) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET def = excluded.def")
        .bind(def.name.to_ascii_lowercase())
        .bind(json("object", def)?)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn put_record(tx: &mut Transaction<'_, Sqlite>, rec: &Record) -> Result<(), PersistError> {
    sqlx::query("INSERT INTO records (id, object, fields) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET object = excluded.object, fields = excluded.fields")
        .bind(rec.id())
        .bind(&rec.object)
        .bind(json("record", &rec.fields)?)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn put_deletion(
    tx: &mut Transaction<'_, Sqlite>,
    id: &str,
    d: Option<&Deletion>,
) -> Result<(), PersistError> {
    match d {
        Some(d) => {
            sqlx::query("INSERT INTO deletions (id, deletion) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET deletion = excluded.deletion")
                .bind(id)
                .bind(json("deletion", d)?)
                .execute(&mut **tx)
                .await?;
        }
        None => {
            sqlx::query("DELETE FROM deletions WHERE id = ?")
                .bind(id)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}
