//! The sync loop (`orgsync sync` without `--once`): a cycle every `pollInterval`, slower when the
//! API budget is nearly spent, until asked to stop. A failed cycle loses nothing (its cursor did
//! not move); the loop waits and tries again.

use std::future::Future;
use std::time::Duration;

use crate::state::Side;

use super::cycle::CycleReport;
use super::engine::{Engine, SyncError};

/// Whether `side`'s reported usage is at or past the budget share of its allowance.
pub fn over_budget(engine: &Engine, side: Side) -> bool {
    let usage = engine.client(side).usage();
    usage.latest.api_usage.is_some_and(|u| {
        u.max > 0 && (u.used as f64) >= u.max as f64 * engine.model().api_budget_percent / 100.0
    })
}

impl Engine {
    /// Run cycles until `stop` completes. `each` is told about every cycle's outcome.
    pub async fn run(
        &self,
        stop: impl Future<Output = ()>,
        each: &(dyn Fn(&Result<CycleReport, SyncError>) + Send + Sync),
    ) {
        tokio::pin!(stop);
        loop {
            let result = self.sync_once(None).await;
            each(&result);
            let mut wait = self.model().poll_interval;
            if result.is_err() {
                wait = wait.max(Duration::from_secs(30));
            }
            if over_budget(self, Side::Primary) || over_budget(self, Side::Secondary) {
                // Slow down rather than spend past the budget.
                wait *= 4;
            }
            tokio::select! {
                () = &mut stop => return,
                () = tokio::time::sleep(wait) => {}
            }
        }
    }
}
