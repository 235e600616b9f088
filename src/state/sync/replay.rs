//! Failed queue entries: counting them, and putting them back to work (`orgsync replay`).
//!
//! An entry the engine gave up on stays in the queue with status `Failed` and is never due
//! (`next_attempt_at_ms = i64::MAX`). Replaying it makes it `Pending` again, with no attempts
//! made, due at once; its old reason is cleared and its error code kept, so that the sync log can
//! say which failure was resolved when it goes through.

use std::collections::BTreeMap;

// Only our own fixed conditions and numbered placeholders are interpolated into SQL.
use sqlx::{AssertSqlSafe, Row};

use super::types::QueueStatus;
use crate::state::{StateError, Store};

/// Which failed queue entries to replay. Every condition set must hold; none set: all of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReplayFilter {
    /// Only entries of this object.
    pub object: Option<String>,
    /// Only entries whose last failure had this error code.
    pub error_code: Option<String>,
    /// Only entries that last changed (failed) at or before this instant (`--older-than`).
    pub failed_before_ms: Option<i64>,
    /// Only entries that last changed (failed) at or after this instant (`--since`).
    pub failed_since_ms: Option<i64>,
}

impl Store {
    /// Put the failed queue entries matching `filter` back to `Pending`: no attempts made, due
    /// at `now_ms`, reason cleared (the error code is kept). Returns how many.
    pub async fn replay_failed(
        &self,
        filter: &ReplayFilter,
        now_ms: i64,
    ) -> Result<u64, StateError> {
        let mut sql = String::from(
            "UPDATE queue SET status = $1, attempts = 0, next_attempt_at_ms = $2, reason = NULL, \
             updated_at_ms = $2 WHERE status = $3",
        );
        let mut n = 3;
        let mut next = || {
            n += 1;
            format!("${n}")
        };
        if filter.object.is_some() {
            sql.push_str(&format!(" AND object = {}", next()));
        }
        if filter.error_code.is_some() {
            sql.push_str(&format!(" AND error_code = {}", next()));
        }
        if filter.failed_before_ms.is_some() {
            sql.push_str(&format!(" AND updated_at_ms <= {}", next()));
        }
        if filter.failed_since_ms.is_some() {
            sql.push_str(&format!(" AND updated_at_ms >= {}", next()));
        }
        let mut query = sqlx::query(AssertSqlSafe(sql))
            .bind(QueueStatus::Pending.label())
            .bind(now_ms)
            .bind(QueueStatus::Failed.label());
        if let Some(o) = &filter.object {
            query = query.bind(o.as_str());
        }
        if let Some(c) = &filter.error_code {
            query = query.bind(c.as_str());
        }
        if let Some(t) = filter.failed_before_ms {
            query = query.bind(t);
        }
        if let Some(t) = filter.failed_since_ms {
            query = query.bind(t);
        }
        let mut tx = self.write_tx().await?;
        let done = query
            .execute(&mut *tx)
            .await
            .map_err(StateError::query("replay failed queue entries"))?;
        tx.commit()
            .await
            .map_err(StateError::query("replay failed queue entries"))?;
        Ok(done.rows_affected())
    }

    /// Failed queue entries per object (objects without any are absent).
    pub async fn failed_counts(&self) -> Result<BTreeMap<String, u64>, StateError> {
        let rows =
            sqlx::query("SELECT object, COUNT(*) FROM queue WHERE status = $1 GROUP BY object")
                .bind(QueueStatus::Failed.label())
                .fetch_all(self.pool())
                .await
                .map_err(StateError::query("count failed queue entries"))?;
        Ok(rows
            .iter()
            .map(|r| {
                let n: i64 = r.get(1);
                (r.get::<String, _>(0), u64::try_from(n).unwrap_or(0))
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::sync::{Batch, QueueAction, QueueEntry, Side};

    fn entry(object: &str, id: &str, status: QueueStatus, code: &str, at: i64) -> QueueEntry {
        QueueEntry {
            id: 0,
            object: object.into(),
            source: Side::Primary,
            source_id: id.into(),
            action: QueueAction::GenericUpdate,
            status,
            attempts: 6,
            next_attempt_at_ms: if status == QueueStatus::Failed {
                i64::MAX
            } else {
                at
            },
            reason: Some("gave up after 6 attempts".into()),
            error_code: Some(code.into()),
            created_at_ms: 1,
            updated_at_ms: at,
        }
    }

    async fn store_with_queue() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/state.db", dir.path().display());
        let store = Store::open(&url).await.unwrap();
        let mut b = Batch::at(1);
        b.enqueue = vec![
            entry(
                "Account",
                "001A",
                QueueStatus::Failed,
                "UNABLE_TO_LOCK_ROW",
                100,
            ),
            entry(
                "Account",
                "001B",
                QueueStatus::Failed,
                "REQUIRED_FIELD_MISSING",
                200,
            ),
            entry(
                "Contact",
                "003A",
                QueueStatus::Failed,
                "UNABLE_TO_LOCK_ROW",
                300,
            ),
            entry(
                "Contact",
                "003B",
                QueueStatus::Retrying,
                "UNABLE_TO_LOCK_ROW",
                50,
            ),
        ];
        store.commit_batch(&b).await.unwrap();
        (dir, store)
    }

    async fn statuses(store: &Store) -> Vec<(String, QueueStatus)> {
        store
            .queue_entries(None)
            .await
            .unwrap()
            .into_iter()
            .map(|e| (e.source_id, e.status))
            .collect()
    }

    #[tokio::test]
    async fn replay_puts_matching_failed_entries_back_to_pending_due_now() {
        let (_d, store) = store_with_queue().await;
        assert_eq!(
            store.failed_counts().await.unwrap(),
            BTreeMap::from([("Account".to_owned(), 2), ("Contact".to_owned(), 1)])
        );
        let filter = ReplayFilter {
            object: Some("Account".into()),
            error_code: Some("UNABLE_TO_LOCK_ROW".into()),
            ..ReplayFilter::default()
        };
        assert_eq!(store.replay_failed(&filter, 1_000).await.unwrap(), 1);
        let due = store.due_queue_entries(1_000, 10).await.unwrap();
        let replayed = due.iter().find(|e| e.source_id == "001A").unwrap();
        assert_eq!(replayed.status, QueueStatus::Pending);
        assert_eq!(replayed.attempts, 0);
        assert_eq!(replayed.next_attempt_at_ms, 1_000);
        assert_eq!(replayed.updated_at_ms, 1_000);
        assert_eq!(
            replayed.error_code.as_deref(),
            Some("UNABLE_TO_LOCK_ROW"),
            "kept for the log"
        );
        assert_eq!(replayed.reason, None);
        // The other failed entries are untouched; so is the one still retrying.
        let s = statuses(&store).await;
        assert!(s.contains(&("001B".to_owned(), QueueStatus::Failed)));
        assert!(s.contains(&("003A".to_owned(), QueueStatus::Failed)));
        assert!(s.contains(&("003B".to_owned(), QueueStatus::Retrying)));
        // Replaying the same filter again finds nothing.
        assert_eq!(store.replay_failed(&filter, 1_001).await.unwrap(), 0);
    }

    #[tokio::test]
    async fn replay_by_age_uses_the_time_of_the_last_failure() {
        let (_d, store) = store_with_queue().await;
        let older = ReplayFilter {
            failed_before_ms: Some(200),
            ..ReplayFilter::default()
        };
        assert_eq!(store.replay_failed(&older, 1_000).await.unwrap(), 2);
        let s = statuses(&store).await;
        assert!(s.contains(&("001A".to_owned(), QueueStatus::Pending)));
        assert!(s.contains(&("001B".to_owned(), QueueStatus::Pending)));
        assert!(s.contains(&("003A".to_owned(), QueueStatus::Failed)));

        let (_d, store) = store_with_queue().await;
        let recent = ReplayFilter {
            failed_since_ms: Some(200),
            ..ReplayFilter::default()
        };
        assert_eq!(store.replay_failed(&recent, 1_000).await.unwrap(), 2);
        let s = statuses(&store).await;
        assert!(s.contains(&("001A".to_owned(), QueueStatus::Failed)));
        assert!(s.contains(&("003A".to_owned(), QueueStatus::Pending)));
        assert!(s.contains(&("003B".to_owned(), QueueStatus::Retrying)));
    }

    #[tokio::test]
    async fn replay_without_a_filter_takes_every_failed_entry() {
        let (_d, store) = store_with_queue().await;
        assert_eq!(
            store
                .replay_failed(&ReplayFilter::default(), 1_000)
                .await
                .unwrap(),
            3
        );
        assert!(store.failed_counts().await.unwrap().is_empty());
        assert_eq!(store.due_queue_entries(1_000, 10).await.unwrap().len(), 4);
    }
}
