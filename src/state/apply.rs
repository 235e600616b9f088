//! The applied generation (the connection as it stands in both orgs) and the apply history.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use sqlx::Row;

use super::{StateError, Store};

/// What apply has established for one object.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectState {
    /// Publisher fields shared by the connection.
    pub published_fields: BTreeSet<String>,
    /// Publisher field -> subscriber field, for every subscribed field.
    pub subscribed_fields: BTreeMap<String, String>,
    /// The external-ID key field created on the subscriber side (`OrgSync_Source_Id__c`).
    pub key_field: Option<String>,
}

/// The connection as the last successful apply left it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionState {
    /// Per published object (API name).
    pub objects: BTreeMap<String, ObjectState>,
}

/// One applied generation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generation {
    /// 1, 2, 3, … in apply order.
    pub number: i64,
    /// Fingerprint of the spec that was applied.
    pub spec_fingerprint: String,
    /// When it was applied (ms since the epoch).
    pub applied_at_ms: i64,
    /// The connection it established.
    pub connection: ConnectionState,
}

/// How an apply run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplyOutcome {
    /// Still running, or interrupted before it could say.
    Running,
    /// Every step done.
    Succeeded,
    /// Some steps failed; the rest are recorded as done or skipped.
    Failed,
}

impl ApplyOutcome {
    fn as_str(self) -> &'static str {
        match self {
            ApplyOutcome::Running => "running",
            ApplyOutcome::Succeeded => "succeeded",
            ApplyOutcome::Failed => "failed",
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "succeeded" => ApplyOutcome::Succeeded,
            "failed" => ApplyOutcome::Failed,
            _ => ApplyOutcome::Running,
        }
    }
}

/// How one named step of an apply ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepStatus {
    /// Done; a re-run skips it.
    Done,
    /// Failed; a re-run tries it again.
    Failed,
    /// Not attempted (a step it depends on failed).
    Skipped,
}

impl StepStatus {
    fn as_str(self) -> &'static str {
        match self {
            StepStatus::Done => "done",
            StepStatus::Failed => "failed",
            StepStatus::Skipped => "skipped",
        }
    }
}

/// One apply run in the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplyRun {
    pub id: i64,
    pub plan_fingerprint: String,
    pub started_at_ms: i64,
    pub finished_at_ms: Option<i64>,
    pub outcome: ApplyOutcome,
    /// The generation it established, when it succeeded.
    pub generation: Option<i64>,
    /// A one-line summary ("12 done, 1 failed, 2 skipped").
    pub summary: Option<String>,
}

impl Store {
    /// The latest applied generation, if any apply has succeeded.
    pub async fn current_generation(&self) -> Result<Option<Generation>, StateError> {
        let row = sqlx::query(
            "SELECT generation, spec_fingerprint, applied_at_ms, connection_json \
             FROM generations ORDER BY generation DESC LIMIT 1",
        )
        .fetch_optional(self.pool())
        .await
        .map_err(StateError::query("read the applied generation"))?;
        let Some(row) = row else { return Ok(None) };
        let json: String = row.get(3);
        let connection = serde_json::from_str(&json).map_err(|source| StateError::Corrupt {
            what: "connection state",
            source,
        })?;
        Ok(Some(Generation {
            number: row.get(0),
            spec_fingerprint: row.get(1),
            applied_at_ms: row.get(2),
            connection,
        }))
    }

    /// Start an apply run of the plan with `plan_fingerprint`; returns the run's ID.
    pub async fn start_apply(&self, plan_fingerprint: &str, at_ms: i64) -> Result<i64, StateError> {
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO apply_runs (plan_fingerprint, started_at_ms, outcome) VALUES ($1, $2, $3)",
        )
        .bind(plan_fingerprint)
        .bind(at_ms)
        .bind(ApplyOutcome::Running.as_str())
        .execute(&mut *tx)
        .await
        .map_err(StateError::query("record the start of an apply"))?;
        let id: i64 = sqlx::query("SELECT MAX(id) FROM apply_runs")
            .fetch_one(&mut *tx)
            .await
            .map_err(StateError::query("record the start of an apply"))?
            .get(0);
        tx.commit()
            .await
            .map_err(StateError::query("record the start of an apply"))?;
        Ok(id)
    }

    /// Record how one named step of a run ended. A later run of the same plan sees it.
    pub async fn record_step(
        &self,
        run_id: i64,
        plan_fingerprint: &str,
        step: &str,
        status: StepStatus,
        detail: Option<&str>,
        at_ms: i64,
    ) -> Result<(), StateError> {
        let mut tx = self.write_tx().await?;
        sqlx::query("DELETE FROM apply_steps WHERE plan_fingerprint = $1 AND step = $2")
            .bind(plan_fingerprint)
            .bind(step)
            .execute(&mut *tx)
            .await
            .map_err(StateError::query("record an apply step"))?;
        sqlx::query(
            "INSERT INTO apply_steps (plan_fingerprint, step, run_id, status, detail, at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(plan_fingerprint)
        .bind(step)
        .bind(run_id)
        .bind(status.as_str())
        .bind(detail)
        .bind(at_ms)
        .execute(&mut *tx)
        .await
        .map_err(StateError::query("record an apply step"))?;
        tx.commit()
            .await
            .map_err(StateError::query("record an apply step"))
    }

    /// The steps of this plan already done by earlier runs (a re-run skips them).
    pub async fn done_steps(&self, plan_fingerprint: &str) -> Result<BTreeSet<String>, StateError> {
        let rows =
            sqlx::query("SELECT step FROM apply_steps WHERE plan_fingerprint = $1 AND status = $2")
                .bind(plan_fingerprint)
                .bind(StepStatus::Done.as_str())
                .fetch_all(self.pool())
                .await
                .map_err(StateError::query("read the done steps of a plan"))?;
        Ok(rows.iter().map(|r| r.get::<String, _>(0)).collect())
    }

    /// Finish a run. When it succeeded, `established` is recorded as the next generation in the
    /// same transaction, and its number returned.
    pub async fn finish_apply(
        &self,
        run_id: i64,
        outcome: ApplyOutcome,
        established: Option<(&str, &ConnectionState)>,
        summary: &str,
        at_ms: i64,
    ) -> Result<Option<i64>, StateError> {
        let mut tx = self.write_tx().await?;
        let mut generation = None;
        if let Some((spec_fingerprint, connection)) = established {
            let next: i64 = sqlx::query("SELECT COALESCE(MAX(generation), 0) + 1 FROM generations")
                .fetch_one(&mut *tx)
                .await
                .map_err(StateError::query("number the next generation"))?
                .get(0);
            let json = serde_json::to_string(connection).map_err(|source| StateError::Corrupt {
                what: "connection state",
                source,
            })?;
            sqlx::query(
                "INSERT INTO generations (generation, spec_fingerprint, applied_at_ms, connection_json) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(next)
            .bind(spec_fingerprint)
            .bind(at_ms)
            .bind(json)
            .execute(&mut *tx)
            .await
            .map_err(StateError::query("record the applied generation"))?;
            generation = Some(next);
        }
        sqlx::query(
            "UPDATE apply_runs SET finished_at_ms = $1, outcome = $2, generation = $3, summary = $4 \
             WHERE id = $5",
        )
        .bind(at_ms)
        .bind(outcome.as_str())
        .bind(generation)
        .bind(summary)
        .bind(run_id)
        .execute(&mut *tx)
        .await
        .map_err(StateError::query("record the end of an apply"))?;
        tx.commit()
            .await
            .map_err(StateError::query("record the end of an apply"))?;
        Ok(generation)
    }

    /// The most recent apply runs, newest first.
    pub async fn apply_history(&self, limit: i64) -> Result<Vec<ApplyRun>, StateError> {
        let rows = sqlx::query(
            "SELECT id, plan_fingerprint, started_at_ms, finished_at_ms, outcome, generation, summary \
             FROM apply_runs ORDER BY id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.pool())
        .await
        .map_err(StateError::query("read the apply history"))?;
        Ok(rows
            .iter()
            .map(|r| ApplyRun {
                id: r.get(0),
                plan_fingerprint: r.get(1),
                started_at_ms: r.get(2),
                finished_at_ms: r.get(3),
                outcome: ApplyOutcome::parse(&r.get::<String, _>(4)),
                generation: r.get(5),
                summary: r.get(6),
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/state.db", dir.path().display());
        (dir, Store::open(&url).await.unwrap())
    }

    fn connection() -> ConnectionState {
        let mut objects = BTreeMap::new();
        objects.insert(
            "Account".to_owned(),
            ObjectState {
                published_fields: ["Name".to_owned(), "Phone".to_owned()].into(),
                subscribed_fields: [("Name".to_owned(), "Name".to_owned())].into(),
                key_field: Some("OrgSync_Source_Id__c".to_owned()),
            },
        );
        ConnectionState { objects }
    }

    #[tokio::test]
    async fn a_fresh_store_has_no_generation() {
        let (_d, store) = store().await;
        assert_eq!(store.current_generation().await.unwrap(), None);
        assert!(store.apply_history(10).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_successful_apply_records_the_next_generation() {
        let (_d, store) = store().await;
        let run = store.start_apply("plan-1", 1_000).await.unwrap();
        let g = store
            .finish_apply(
                run,
                ApplyOutcome::Succeeded,
                Some(("spec-1", &connection())),
                "3 done",
                2_000,
            )
            .await
            .unwrap();
        assert_eq!(g, Some(1));
        let current = store.current_generation().await.unwrap().unwrap();
        assert_eq!(current.number, 1);
        assert_eq!(current.spec_fingerprint, "spec-1");
        assert_eq!(current.connection, connection());
        let run2 = store.start_apply("plan-2", 3_000).await.unwrap();
        let g2 = store
            .finish_apply(
                run2,
                ApplyOutcome::Succeeded,
                Some(("spec-2", &ConnectionState::default())),
                "ok",
                4_000,
            )
            .await
            .unwrap();
        assert_eq!(g2, Some(2));
        let history = store.apply_history(10).await.unwrap();
        assert_eq!(history.len(), 2);
        assert_eq!(history[0].id, run2);
        assert_eq!(history[1].outcome, ApplyOutcome::Succeeded);
        assert_eq!(history[1].summary.as_deref(), Some("3 done"));
    }

    #[tokio::test]
    async fn a_rerun_of_a_failed_plan_sees_the_steps_already_done() {
        let (_d, store) = store().await;
        let run = store.start_apply("plan-x", 10).await.unwrap();
        store
            .record_step(run, "plan-x", "create field", StepStatus::Done, None, 11)
            .await
            .unwrap();
        store
            .record_step(
                run,
                "plan-x",
                "deploy trigger",
                StepStatus::Failed,
                Some("UNKNOWN_EXCEPTION"),
                12,
            )
            .await
            .unwrap();
        let g = store
            .finish_apply(run, ApplyOutcome::Failed, None, "1 done, 1 failed", 13)
            .await
            .unwrap();
        assert_eq!(g, None);
        assert_eq!(store.current_generation().await.unwrap(), None);
        let done = store.done_steps("plan-x").await.unwrap();
        assert_eq!(
            done.into_iter().collect::<Vec<_>>(),
            vec!["create field".to_owned()]
        );
        let rerun = store.start_apply("plan-x", 20).await.unwrap();
        store
            .record_step(
                rerun,
                "plan-x",
                "deploy trigger",
                StepStatus::Done,
                None,
                21,
            )
            .await
            .unwrap();
        assert_eq!(store.done_steps("plan-x").await.unwrap().len(), 2);
        assert!(store.done_steps("other-plan").await.unwrap().is_empty());
    }
}
