//! Cursors, suspension, the hash key, bulk-sync progress and activity counters.

use std::collections::BTreeMap;

use sqlx::Row;

use super::types::{BulkProgress, Cursor, Side, Suspension};
use crate::state::{StateError, Store};

const SUSPENSION_KEY: &str = "sync.suspension";
const HASH_KEY: &str = "sync.hash_key";

impl Store {
    /// The cursor of `object` in `org`, if changes were ever read.
    pub async fn cursor(&self, object: &str, org: Side) -> Result<Option<Cursor>, StateError> {
        let row =
            sqlx::query("SELECT modstamp_ms, last_id FROM cursors WHERE object = $1 AND org = $2")
                .bind(object)
                .bind(org.as_str())
                .fetch_optional(self.pool())
                .await
                .map_err(StateError::query("read a cursor"))?;
        Ok(row.map(|r| Cursor {
            modstamp_ms: r.get(0),
            last_id: r.get(1),
        }))
    }

    /// Every cursor: (object, org) → cursor.
    pub async fn cursors(&self) -> Result<BTreeMap<(String, Side), Cursor>, StateError> {
        let rows = sqlx::query("SELECT object, org, modstamp_ms, last_id FROM cursors")
            .fetch_all(self.pool())
            .await
            .map_err(StateError::query("read cursors"))?;
        Ok(rows
            .iter()
            .filter_map(|r| {
                let org: String = r.get(1);
                Some((
                    (r.get::<String, _>(0), Side::parse(&org)?),
                    Cursor {
                        modstamp_ms: r.get(2),
                        last_id: r.get(3),
                    },
                ))
            })
            .collect())
    }

    async fn meta(&self, key: &str) -> Result<Option<String>, StateError> {
        let row = sqlx::query("SELECT value FROM store_meta WHERE key = $1")
            .bind(key)
            .fetch_optional(self.pool())
            .await
            .map_err(StateError::query("read store settings"))?;
        Ok(row.map(|r| r.get(0)))
    }

    async fn set_meta(&self, key: &str, value: Option<&str>) -> Result<(), StateError> {
        let mut tx = self.write_tx().await?;
        let done = match value {
            Some(v) => {
                sqlx::query(
                    "INSERT INTO store_meta (key, value) VALUES ($1, $2) \
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                )
                .bind(key)
                .bind(v)
                .execute(&mut *tx)
                .await
            }
            None => {
                sqlx::query("DELETE FROM store_meta WHERE key = $1")
                    .bind(key)
                    .execute(&mut *tx)
                    .await
            }
        };
        done.map_err(StateError::query("write store settings"))?;
        tx.commit()
            .await
            .map_err(StateError::query("write store settings"))
    }

    /// The current suspension, if the connection is suspended.
    pub async fn suspension(&self) -> Result<Option<Suspension>, StateError> {
        match self.meta(SUSPENSION_KEY).await? {
            None => Ok(None),
            Some(json) => {
                serde_json::from_str(&json)
                    .map(Some)
                    .map_err(|source| StateError::Corrupt {
                        what: "suspension",
                        source,
                    })
            }
        }
    }

    /// Suspend (`Some`) or resume (`None`) the connection.
    pub async fn set_suspension(&self, suspension: Option<&Suspension>) -> Result<(), StateError> {
        let json = suspension
            .map(serde_json::to_string)
            .transpose()
            .map_err(|source| StateError::Corrupt {
                what: "suspension",
                source,
            })?;
        self.set_meta(SUSPENSION_KEY, json.as_deref()).await
    }

    /// The store's key for hashing synced values (hex). The first caller's `candidate` becomes
    /// the key; every later call returns that same key.
    pub async fn hash_key(&self, candidate: &str) -> Result<String, StateError> {
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO store_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
        )
        .bind(HASH_KEY)
        .bind(candidate)
        .execute(&mut *tx)
        .await
        .map_err(StateError::query("create the hash key"))?;
        let key: String = sqlx::query("SELECT value FROM store_meta WHERE key = $1")
            .bind(HASH_KEY)
            .fetch_one(&mut *tx)
            .await
            .map_err(StateError::query("read the hash key"))?
            .get(0);
        tx.commit()
            .await
            .map_err(StateError::query("create the hash key"))?;
        Ok(key)
    }

    /// Bulk-sync progress of `object` from `source`.
    pub async fn bulk_progress(
        &self,
        object: &str,
        source: Side,
    ) -> Result<Option<BulkProgress>, StateError> {
        let row = sqlx::query(
            "SELECT last_id, done, records, updated_at_ms FROM bulk_progress \
             WHERE object = $1 AND source_org = $2",
        )
        .bind(object)
        .bind(source.as_str())
        .fetch_optional(self.pool())
        .await
        .map_err(StateError::query("read bulk-sync progress"))?;
        Ok(row.map(|r| BulkProgress {
            object: object.to_owned(),
            source,
            last_id: r.get(0),
            done: r.get::<i64, _>(1) != 0,
            records: r.get(2),
            updated_at_ms: r.get(3),
        }))
    }

    /// Every bulk-sync progress row.
    pub async fn bulk_progress_all(&self) -> Result<Vec<BulkProgress>, StateError> {
        let rows = sqlx::query(
            "SELECT object, source_org, last_id, done, records, updated_at_ms FROM bulk_progress \
             ORDER BY object, source_org",
        )
        .fetch_all(self.pool())
        .await
        .map_err(StateError::query("read bulk-sync progress"))?;
        Ok(rows
            .iter()
            .filter_map(|r| {
                let source: String = r.get(1);
                Some(BulkProgress {
                    object: r.get(0),
                    source: Side::parse(&source)?,
                    last_id: r.get(2),
                    done: r.get::<i64, _>(3) != 0,
                    records: r.get(4),
                    updated_at_ms: r.get(5),
                })
            })
            .collect())
    }

    /// Record bulk-sync progress (`last_id` empty and `done` false restarts it).
    pub async fn set_bulk_progress(&self, p: &BulkProgress) -> Result<(), StateError> {
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO bulk_progress (object, source_org, last_id, done, records, updated_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (object, source_org) DO UPDATE SET \
             last_id = excluded.last_id, done = excluded.done, records = excluded.records, \
             updated_at_ms = excluded.updated_at_ms",
        )
        .bind(&p.object)
        .bind(p.source.as_str())
        .bind(&p.last_id)
        .bind(i64::from(p.done))
        .bind(p.records)
        .bind(p.updated_at_ms)
        .execute(&mut *tx)
        .await
        .map_err(StateError::query("record bulk-sync progress"))?;
        tx.commit()
            .await
            .map_err(StateError::query("record bulk-sync progress"))
    }

    /// Records written per object since `since_ms`.
    pub async fn records_synced_since(
        &self,
        since_ms: i64,
    ) -> Result<BTreeMap<String, u64>, StateError> {
        let rows = sqlx::query(
            "SELECT object, CAST(SUM(records) AS BIGINT) FROM sync_activity WHERE at_ms >= $1 GROUP BY object",
        )
        .bind(since_ms)
        .fetch_all(self.pool())
        .await
        .map_err(StateError::query("count synced records"))?;
        Ok(rows
            .iter()
            .map(|r| {
                let n: i64 = r.get(1);
                (r.get::<String, _>(0), u64::try_from(n).unwrap_or(0))
            })
            .collect())
    }

    /// The last instant records of each object were written.
    pub async fn last_activity(&self) -> Result<BTreeMap<String, i64>, StateError> {
        let rows = sqlx::query("SELECT object, MAX(at_ms) FROM sync_activity GROUP BY object")
            .fetch_all(self.pool())
            .await
            .map_err(StateError::query("read the last activity"))?;
        Ok(rows
            .iter()
            .map(|r| (r.get::<String, _>(0), r.get::<i64, _>(1)))
            .collect())
    }

    /// Forget activity older than `before_ms` (keeps the counters table small).
    pub async fn prune_activity(&self, before_ms: i64) -> Result<u64, StateError> {
        let mut tx = self.write_tx().await?;
        let done = sqlx::query("DELETE FROM sync_activity WHERE at_ms < $1")
            .bind(before_ms)
            .execute(&mut *tx)
            .await
            .map_err(StateError::query("prune sync activity"))?;
        tx.commit()
            .await
            .map_err(StateError::query("prune sync activity"))?;
        Ok(done.rows_affected())
    }
}
