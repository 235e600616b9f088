//! Reading the record queue, the sync log and the inbox.

use std::collections::BTreeMap;

// Only our own column lists and numbered placeholders are interpolated into SQL.
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

use super::types::{
    InboxEntry, LogEntry, LogFilter, LogStatus, NewLogEntry, QueueAction, QueueEntry, QueueStatus,
    Side,
};
use crate::state::{StateError, Store};

const QUEUE_COLUMNS: &str = "id, object, source_org, source_id, action, status, attempts, \
                             next_attempt_at_ms, reason, error_code, created_at_ms, updated_at_ms";

fn corrupt(what: &'static str, value: &str) -> StateError {
    StateError::Corrupt {
        what,
        source: <serde_json::Error as serde::de::Error>::custom(format!("unknown value `{value}`")),
    }
}

fn side(row: &AnyRow, i: usize) -> Result<Side, StateError> {
    let s: String = row.get(i);
    Side::parse(&s).ok_or_else(|| corrupt("org side", &s))
}

fn action(row: &AnyRow, i: usize) -> Result<QueueAction, StateError> {
    let s: String = row.get(i);
    QueueAction::parse(&s).ok_or_else(|| corrupt("queue action", &s))
}

fn queue_entry(row: &AnyRow) -> Result<QueueEntry, StateError> {
    let status: String = row.get(5);
    Ok(QueueEntry {
        id: row.get(0),
        object: row.get(1),
        source: side(row, 2)?,
        source_id: row.get(3),
        action: action(row, 4)?,
        status: QueueStatus::parse(&status).ok_or_else(|| corrupt("queue status", &status))?,
        attempts: row.get(6),
        next_attempt_at_ms: row.get(7),
        reason: row.get(8),
        error_code: row.get(9),
        created_at_ms: row.get(10),
        updated_at_ms: row.get(11),
    })
}

fn log_entry(row: &AnyRow) -> Result<LogEntry, StateError> {
    let status: String = row.get(6);
    Ok(LogEntry {
        id: row.get(0),
        entry: NewLogEntry {
            at_ms: row.get(1),
            object: row.get(2),
            source: side(row, 3)?,
            record_id: row.get(4),
            action: action(row, 5)?,
            status: LogStatus::parse(&status).ok_or_else(|| corrupt("log status", &status))?,
            error_code: row.get(7),
            message: row.get(8),
            attempts: row.get(9),
        },
    })
}

impl Store {
    /// Queue entries due at `now_ms`, oldest due first, at most `limit`.
    pub async fn due_queue_entries(
        &self,
        now_ms: i64,
        limit: i64,
    ) -> Result<Vec<QueueEntry>, StateError> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {QUEUE_COLUMNS} FROM queue WHERE next_attempt_at_ms <= $1 \
             ORDER BY next_attempt_at_ms, id LIMIT $2"
        )))
        .bind(now_ms)
        .bind(limit)
        .fetch_all(self.pool())
        .await
        .map_err(StateError::query("read due queue entries"))?;
        rows.iter().map(queue_entry).collect()
    }

    /// The whole queue (optionally of one object), in due order.
    pub async fn queue_entries(&self, object: Option<&str>) -> Result<Vec<QueueEntry>, StateError> {
        let rows = match object {
            Some(o) => {
                sqlx::query(AssertSqlSafe(format!(
                    "SELECT {QUEUE_COLUMNS} FROM queue WHERE object = $1 \
                     ORDER BY next_attempt_at_ms, id"
                )))
                .bind(o)
                .fetch_all(self.pool())
                .await
            }
            None => {
                sqlx::query(AssertSqlSafe(format!(
                    "SELECT {QUEUE_COLUMNS} FROM queue ORDER BY next_attempt_at_ms, id"
                )))
                .fetch_all(self.pool())
                .await
            }
        }
        .map_err(StateError::query("read the queue"))?;
        rows.iter().map(queue_entry).collect()
    }

    /// Queue depth per object.
    pub async fn queue_depths(&self) -> Result<BTreeMap<String, u64>, StateError> {
        let rows = sqlx::query("SELECT object, COUNT(*) FROM queue GROUP BY object")
            .fetch_all(self.pool())
            .await
            .map_err(StateError::query("count the queue"))?;
        Ok(rows
            .iter()
            .map(|r| {
                let n: i64 = r.get(1);
                (r.get::<String, _>(0), u64::try_from(n).unwrap_or(0))
            })
            .collect())
    }

    /// Sync-log entries matching `filter`, newest first.
    pub async fn log_entries(&self, filter: &LogFilter) -> Result<Vec<LogEntry>, StateError> {
        let mut sql = String::from(
            "SELECT id, at_ms, object, source_org, record_id, action, status, error_code, \
             message, attempts FROM sync_log WHERE 1 = 1",
        );
        let mut n = 0;
        let mut next = || {
            n += 1;
            format!("${n}")
        };
        if filter.status.is_some() {
            sql.push_str(&format!(" AND status = {}", next()));
        }
        if filter.object.is_some() {
            sql.push_str(&format!(" AND object = {}", next()));
        }
        if filter.since_ms.is_some() {
            sql.push_str(&format!(" AND at_ms >= {}", next()));
        }
        if filter.error_code.is_some() {
            sql.push_str(&format!(" AND error_code = {}", next()));
        }
        sql.push_str(" ORDER BY id DESC");
        if filter.limit.is_some() {
            sql.push_str(&format!(" LIMIT {}", next()));
        }
        let mut query = sqlx::query(AssertSqlSafe(sql));
        if let Some(s) = filter.status {
            query = query.bind(s.label());
        }
        if let Some(o) = &filter.object {
            query = query.bind(o.as_str());
        }
        if let Some(t) = filter.since_ms {
            query = query.bind(t);
        }
        if let Some(c) = &filter.error_code {
            query = query.bind(c.as_str());
        }
        if let Some(l) = filter.limit {
            query = query.bind(l);
        }
        let rows = query
            .fetch_all(self.pool())
            .await
            .map_err(StateError::query("read the sync log"))?;
        rows.iter().map(log_entry).collect()
    }

    /// Records held in the inbox, oldest first (optionally of one object).
    pub async fn inbox_entries(&self, object: Option<&str>) -> Result<Vec<InboxEntry>, StateError> {
        let sql = "SELECT object, source_org, source_id, received_at_ms FROM inbox \
                   WHERE ($1 = '' OR object = $1) ORDER BY received_at_ms, source_id";
        let rows = sqlx::query(sql)
            .bind(object.unwrap_or(""))
            .fetch_all(self.pool())
            .await
            .map_err(StateError::query("read the inbox"))?;
        rows.iter()
            .map(|r| {
                Ok(InboxEntry {
                    object: r.get(0),
                    source: side(r, 1)?,
                    source_id: r.get(2),
                    received_at_ms: r.get(3),
                })
            })
            .collect()
    }
}
