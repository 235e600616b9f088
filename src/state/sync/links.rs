//! Reading links.

use std::collections::BTreeMap;

// Only our own column lists and numbered placeholders are interpolated into SQL.
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

use super::types::{Link, Side};
use super::{IN_CHUNK, placeholders};
use crate::state::{StateError, Store};

const COLUMNS: &str = "object, primary_id, secondary_id, origin, field_hashes, primary_deleted, \
                       secondary_deleted, linked_at_ms, synced_at_ms";

fn link(row: &AnyRow) -> Result<Link, StateError> {
    let hashes: String = row.get(4);
    let origin: String = row.get(3);
    Ok(Link {
        object: row.get(0),
        primary_id: row.get(1),
        secondary_id: row.get(2),
        origin: Side::parse(&origin).unwrap_or(Side::Primary),
        field_hashes: serde_json::from_str(&hashes).map_err(|source| StateError::Corrupt {
            what: "link hashes",
            source,
        })?,
        primary_deleted: row.get::<i64, _>(5) != 0,
        secondary_deleted: row.get::<i64, _>(6) != 0,
        linked_at_ms: row.get(7),
        synced_at_ms: row.get(8),
    })
}

impl Store {
    /// The links of `object` whose record on `side` is one of `ids`, keyed by that ID.
    pub async fn links_by_ids(
        &self,
        object: &str,
        side: Side,
        ids: &[&str],
    ) -> Result<BTreeMap<String, Link>, StateError> {
        let column = match side {
            Side::Primary => "primary_id",
            Side::Secondary => "secondary_id",
        };
        let mut found = BTreeMap::new();
        for chunk in ids.chunks(IN_CHUNK) {
            let sql = format!(
                "SELECT {COLUMNS} FROM links WHERE object = $1 AND {column} IN ({})",
                placeholders(2, chunk.len())
            );
            let mut query = sqlx::query(AssertSqlSafe(sql)).bind(object);
            for id in chunk {
                query = query.bind(*id);
            }
            let rows = query
                .fetch_all(self.pool())
                .await
                .map_err(StateError::query("read links"))?;
            for row in &rows {
                let l = link(row)?;
                found.insert(l.id(side).to_owned(), l);
            }
        }
        Ok(found)
    }

    /// The link of one record.
    pub async fn link(
        &self,
        object: &str,
        side: Side,
        id: &str,
    ) -> Result<Option<Link>, StateError> {
        Ok(self
            .links_by_ids(object, side, &[id])
            .await?
            .into_values()
            .next())
    }

    /// Every link of `object`, in primary-ID order (`reset`, checks).
    pub async fn links_of(&self, object: &str) -> Result<Vec<Link>, StateError> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM links WHERE object = $1 ORDER BY primary_id"
        )))
        .bind(object)
        .fetch_all(self.pool())
        .await
        .map_err(StateError::query("read links"))?;
        rows.iter().map(link).collect()
    }

    /// Linked record pairs per object.
    pub async fn link_counts(&self) -> Result<BTreeMap<String, u64>, StateError> {
        let rows = sqlx::query("SELECT object, COUNT(*) FROM links GROUP BY object")
            .fetch_all(self.pool())
            .await
            .map_err(StateError::query("count links"))?;
        Ok(rows
            .iter()
            .map(|r| {
                let n: i64 = r.get(1);
                (r.get::<String, _>(0), u64::try_from(n).unwrap_or(0))
            })
            .collect())
    }

    /// Remove every link of `object` (or of every object), for `reset`. Returns how many.
    pub async fn clear_links(&self, object: Option<&str>) -> Result<u64, StateError> {
        let mut tx = self.write_tx().await?;
        let done = match object {
            Some(o) => {
                sqlx::query("DELETE FROM links WHERE object = $1")
                    .bind(o)
                    .execute(&mut *tx)
                    .await
            }
            None => sqlx::query("DELETE FROM links").execute(&mut *tx).await,
        }
        .map_err(StateError::query("clear links"))?;
        tx.commit()
            .await
            .map_err(StateError::query("clear links"))?;
        Ok(done.rows_affected())
    }
}
