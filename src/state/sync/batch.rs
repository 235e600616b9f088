//! [`Batch`]: everything one batch of sync work decided, committed in one transaction.

use std::collections::BTreeMap;

// Only our own column lists and numbered placeholders are interpolated into SQL.
use sqlx::{Any, AssertSqlSafe, Row, Transaction};

use super::types::{Cursor, InboxEntry, Link, NewLogEntry, QueueEntry, Side};
use crate::state::{StateError, Store};

/// The outcome of one batch: links, cursor advances, queue and inbox changes, log entries and
/// activity. [`Store::commit_batch`] writes all of it or none of it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Batch {
    /// Links to insert or replace (by object and primary ID).
    pub links: Vec<Link>,
    /// Links to remove: (object, primary ID).
    pub unlink: Vec<(String, String)>,
    /// Cursor advances: (object, org, cursor).
    pub cursors: Vec<(String, Side, Cursor)>,
    /// Queue entries to insert or replace (by object, source org and source ID; `id` ignored).
    pub enqueue: Vec<QueueEntry>,
    /// Queue entries done or dropped: (object, source org, source ID).
    pub dequeue: Vec<(String, Side, String)>,
    /// Log entries to append.
    pub log: Vec<NewLogEntry>,
    /// Records to hold in the inbox.
    pub inbox_add: Vec<InboxEntry>,
    /// Records leaving the inbox: (object, source org, source ID).
    pub inbox_remove: Vec<(String, Side, String)>,
    /// Records written: (object, org written to, count), counted for `status` at `at_ms`.
    pub activity: Vec<(String, Side, i64)>,
    /// When the batch happened (activity timestamp).
    pub at_ms: i64,
}

impl Batch {
    /// A batch at `at_ms`.
    pub fn at(at_ms: i64) -> Self {
        Self {
            at_ms,
            ..Self::default()
        }
    }

    /// Whether there is nothing to commit.
    pub fn is_empty(&self) -> bool {
        self.links.is_empty()
            && self.unlink.is_empty()
            && self.cursors.is_empty()
            && self.enqueue.is_empty()
            && self.dequeue.is_empty()
            && self.log.is_empty()
            && self.inbox_add.is_empty()
            && self.inbox_remove.is_empty()
            && self.activity.is_empty()
    }
}

fn q(doing: &'static str) -> impl FnOnce(sqlx::Error) -> StateError {
    StateError::query(doing)
}

impl Store {
    /// Commit a batch in one transaction.
    pub async fn commit_batch(&self, batch: &Batch) -> Result<(), StateError> {
        if batch.is_empty() {
            return Ok(());
        }
        let mut tx = self.write_tx().await?;
        write_links(&mut tx, batch).await?;
        for (object, org, cursor) in &batch.cursors {
            sqlx::query(
                "INSERT INTO cursors (object, org, modstamp_ms, last_id, updated_at_ms) \
                 VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (object, org) DO UPDATE SET modstamp_ms = excluded.modstamp_ms, \
                 last_id = excluded.last_id, updated_at_ms = excluded.updated_at_ms",
            )
            .bind(object)
            .bind(org.as_str())
            .bind(cursor.modstamp_ms)
            .bind(&cursor.last_id)
            .bind(batch.at_ms)
            .execute(&mut *tx)
            .await
            .map_err(q("advance a cursor"))?;
        }
        write_queue(&mut tx, batch).await?;
        for e in &batch.log {
            sqlx::query(
                "INSERT INTO sync_log (at_ms, object, source_org, record_id, action, status, \
                 error_code, message, attempts) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(e.at_ms)
            .bind(&e.object)
            .bind(e.source.as_str())
            .bind(&e.record_id)
            .bind(e.action.label())
            .bind(e.status.label())
            .bind(e.error_code.as_deref())
            .bind(e.message.as_deref())
            .bind(e.attempts)
            .execute(&mut *tx)
            .await
            .map_err(q("write the sync log"))?;
        }
        for e in &batch.inbox_add {
            sqlx::query(
                "INSERT INTO inbox (object, source_org, source_id, received_at_ms) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (object, source_org, source_id) DO NOTHING",
            )
            .bind(&e.object)
            .bind(e.source.as_str())
            .bind(&e.source_id)
            .bind(e.received_at_ms)
            .execute(&mut *tx)
            .await
            .map_err(q("hold a record in the inbox"))?;
        }
        for (object, source, id) in &batch.inbox_remove {
            sqlx::query(
                "DELETE FROM inbox WHERE object = $1 AND source_org = $2 AND source_id = $3",
            )
            .bind(object)
            .bind(source.as_str())
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(q("take a record out of the inbox"))?;
        }
        // One row per object and org for the whole batch (a bulk-sync page writes thousands).
        let mut activity: std::collections::BTreeMap<(&str, Side), i64> =
            std::collections::BTreeMap::new();
        for (object, org, records) in &batch.activity {
            *activity.entry((object.as_str(), *org)).or_default() += *records;
        }
        for ((object, org), records) in activity {
            sqlx::query(
                "INSERT INTO sync_activity (at_ms, object, target_org, records) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(batch.at_ms)
            .bind(object)
            .bind(org.as_str())
            .bind(records)
            .execute(&mut *tx)
            .await
            .map_err(q("count sync activity"))?;
        }
        tx.commit().await.map_err(q("commit a sync batch"))
    }
}

async fn write_links(tx: &mut Transaction<'static, Any>, batch: &Batch) -> Result<(), StateError> {
    // Per object, the last link given for each primary ID wins (as if written one by one).
    let mut by_object: BTreeMap<&str, BTreeMap<&str, &Link>> = BTreeMap::new();
    for l in &batch.links {
        by_object
            .entry(l.object.as_str())
            .or_default()
            .insert(l.primary_id.as_str(), l);
    }
    for (object, links) in by_object {
        let links: Vec<&Link> = links.into_values().collect();
        let mut seconds: Vec<&str> = links.iter().map(|l| l.secondary_id.as_str()).collect();
        seconds.sort_unstable();
        if seconds.windows(2).any(|w| w[0] == w[1]) {
            // Two primaries claim one secondary record in this batch: one by one, in order.
            for l in &batch.links {
                if l.object == object {
                    write_link(tx, l).await?;
                }
            }
            continue;
        }
        remove_displaced(tx, object, &links).await?;
        for chunk in links.chunks(LINK_ROWS) {
            upsert_links(tx, chunk).await?;
        }
    }
    for (object, primary_id) in &batch.unlink {
        sqlx::query("DELETE FROM links WHERE object = $1 AND primary_id = $2")
            .bind(object)
            .bind(primary_id)
            .execute(&mut **tx)
            .await
            .map_err(q("remove a link"))?;
    }
    Ok(())
}

/// Link rows per multi-row upsert (9 values each, well under both backends' parameter limits).
const LINK_ROWS: usize = 400;

const LINK_UPSERT: &str = "INSERT INTO links (object, primary_id, secondary_id, origin, \
    field_hashes, primary_deleted, secondary_deleted, linked_at_ms, synced_at_ms) VALUES ";

const LINK_ON_CONFLICT: &str = " ON CONFLICT (object, primary_id) DO UPDATE SET \
    secondary_id = excluded.secondary_id, origin = excluded.origin, \
    field_hashes = excluded.field_hashes, primary_deleted = excluded.primary_deleted, \
    secondary_deleted = excluded.secondary_deleted, synced_at_ms = excluded.synced_at_ms";

fn hashes(l: &Link) -> Result<String, StateError> {
    serde_json::to_string(&l.field_hashes).map_err(|source| StateError::Corrupt {
        what: "link hashes",
        source,
    })
}

/// One link, the slow way: the other link of its secondary record removed, then upserted.
async fn write_link(tx: &mut Transaction<'static, Any>, l: &Link) -> Result<(), StateError> {
    sqlx::query("DELETE FROM links WHERE object = $1 AND secondary_id = $2 AND primary_id <> $3")
        .bind(&l.object)
        .bind(&l.secondary_id)
        .bind(&l.primary_id)
        .execute(&mut **tx)
        .await
        .map_err(q("write a link"))?;
    upsert_links(tx, &[l]).await
}

/// A record re-linked to another counterpart replaces the old link on either side: links that
/// hold one of these secondary records for another primary record are removed first (one
/// look-up per 500 links; a delete only where there is such a link).
async fn remove_displaced(
    tx: &mut Transaction<'static, Any>,
    object: &str,
    links: &[&Link],
) -> Result<(), StateError> {
    let wanted: BTreeMap<&str, &str> = links
        .iter()
        .map(|l| (l.secondary_id.as_str(), l.primary_id.as_str()))
        .collect();
    let seconds: Vec<&str> = wanted.keys().copied().collect();
    let mut displaced: Vec<String> = Vec::new();
    for chunk in seconds.chunks(super::IN_CHUNK) {
        let sql = format!(
            "SELECT primary_id, secondary_id FROM links WHERE object = $1 AND secondary_id IN ({})",
            super::placeholders(2, chunk.len())
        );
        let mut query = sqlx::query(AssertSqlSafe(sql)).bind(object);
        for id in chunk {
            query = query.bind(*id);
        }
        let rows = query
            .fetch_all(&mut **tx)
            .await
            .map_err(q("write a link"))?;
        for row in rows {
            let (primary, secondary): (String, String) = (row.get(0), row.get(1));
            if wanted.get(secondary.as_str()) != Some(&primary.as_str()) {
                displaced.push(primary);
            }
        }
    }
    for primary in displaced {
        sqlx::query("DELETE FROM links WHERE object = $1 AND primary_id = $2")
            .bind(object)
            .bind(primary)
            .execute(&mut **tx)
            .await
            .map_err(q("write a link"))?;
    }
    Ok(())
}

/// Upsert links (distinct primary IDs) in one statement.
async fn upsert_links(
    tx: &mut Transaction<'static, Any>,
    links: &[&Link],
) -> Result<(), StateError> {
    let rows: Vec<String> = (0..links.len())
        .map(|i| format!("({})", super::placeholders(i * 9 + 1, 9)))
        .collect();
    let sql = format!("{LINK_UPSERT}{}{LINK_ON_CONFLICT}", rows.join(", "));
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for l in links {
        query = query
            .bind(&l.object)
            .bind(&l.primary_id)
            .bind(&l.secondary_id)
            .bind(l.origin.as_str())
            .bind(hashes(l)?)
            .bind(i64::from(l.primary_deleted))
            .bind(i64::from(l.secondary_deleted))
            .bind(l.linked_at_ms)
            .bind(l.synced_at_ms);
    }
    query.execute(&mut **tx).await.map_err(q("write a link"))?;
    Ok(())
}

async fn write_queue(tx: &mut Transaction<'static, Any>, batch: &Batch) -> Result<(), StateError> {
    for e in &batch.enqueue {
        sqlx::query(
            "INSERT INTO queue (object, source_org, source_id, action, status, attempts, \
             next_attempt_at_ms, reason, error_code, created_at_ms, updated_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
             ON CONFLICT (object, source_org, source_id) DO UPDATE SET action = excluded.action, \
             status = excluded.status, attempts = excluded.attempts, \
             next_attempt_at_ms = excluded.next_attempt_at_ms, reason = excluded.reason, \
             error_code = excluded.error_code, updated_at_ms = excluded.updated_at_ms",
        )
        .bind(&e.object)
        .bind(e.source.as_str())
        .bind(&e.source_id)
        .bind(e.action.label())
        .bind(e.status.label())
        .bind(e.attempts)
        .bind(e.next_attempt_at_ms)
        .bind(e.reason.as_deref())
        .bind(e.error_code.as_deref())
        .bind(e.created_at_ms)
        .bind(e.updated_at_ms)
        .execute(&mut **tx)
        .await
        .map_err(q("queue a record"))?;
    }
    for (object, source, id) in &batch.dequeue {
        sqlx::query("DELETE FROM queue WHERE object = $1 AND source_org = $2 AND source_id = $3")
            .bind(object)
            .bind(source.as_str())
            .bind(id)
            .execute(&mut **tx)
            .await
            .map_err(q("take a record off the queue"))?;
    }
    Ok(())
}
