//! The API forecast: calls apply and the first bulk sync will cost in each org, against the org's
//! remaining daily allowance and the spec's `apiBudget` (a share of the daily maximum).
//!
//! Totals are sums of the per-change costs ([`super::model::Change::api_calls`]): changes in the
//! Records area count towards the first bulk sync, every other change towards apply. The planner
//! folds fixed costs (such as re-reading both orgs before apply) into the changes that cause them.

use serde::{Deserialize, Serialize};

use super::model::{Area, Calls, Change};

/// One org's API allowance as observed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Allowance {
    /// `DailyApiRequests.Max`.
    pub daily_max: u64,
    /// `DailyApiRequests.Remaining`.
    pub remaining: u64,
}

/// Both orgs' allowances.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Allowances {
    /// The primary's.
    pub primary: Allowance,
    /// The secondary's.
    pub secondary: Allowance,
}

/// How a forecast compares with the limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Within `apiBudget` and the remaining allowance.
    Within,
    /// Over `apiBudget`, still within what remains today: the sync would slow down to stay in budget.
    OverBudget,
    /// More than the org has left today.
    OverRemaining,
}

/// One org's forecast.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OrgForecast {
    /// Calls apply will make.
    pub apply_calls: u64,
    /// Calls the first bulk sync will make.
    pub bulk_sync_calls: u64,
    /// The org's daily maximum.
    pub daily_max: u64,
    /// Calls remaining today when the plan was made.
    pub remaining: u64,
    /// `apiBudget` of the daily maximum, in calls.
    pub budget_calls: u64,
    /// The verdict (display-only, derived).
    pub verdict: Verdict,
}

impl OrgForecast {
    /// Compute one org's forecast.
    pub fn new(
        apply_calls: u64,
        bulk_sync_calls: u64,
        allowance: Allowance,
        budget_percent: f64,
    ) -> Self {
        let budget_calls = budget_calls(allowance.daily_max, budget_percent);
        let mut f = Self {
            apply_calls,
            bulk_sync_calls,
            daily_max: allowance.daily_max,
            remaining: allowance.remaining,
            budget_calls,
            verdict: Verdict::Within,
        };
        f.verdict = f.expected_verdict();
        f
    }

    /// Apply plus first bulk sync.
    pub fn total(&self) -> u64 {
        self.apply_calls.saturating_add(self.bulk_sync_calls)
    }

    /// The verdict these numbers imply.
    pub fn expected_verdict(&self) -> Verdict {
        if self.total() > self.remaining {
            Verdict::OverRemaining
        } else if self.total() > self.budget_calls {
            Verdict::OverBudget
        } else {
            Verdict::Within
        }
    }

    /// The total as a percentage of what remains (`None` when nothing remains).
    pub fn share_of_remaining(&self) -> Option<f64> {
        (self.remaining > 0).then(|| self.total() as f64 * 100.0 / self.remaining as f64)
    }
}

/// `percent` of `daily_max`, rounded down.
pub fn budget_calls(daily_max: u64, percent: f64) -> u64 {
    let calls = (daily_max as f64 * percent.clamp(0.0, 100.0) / 100.0).floor();
    if calls.is_finite() && calls >= 0.0 {
        calls as u64
    } else {
        0
    }
}

/// The forecast for both orgs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApiForecast {
    /// `records.apiBudget` in percent.
    pub budget_percent: f64,
    /// The primary's forecast.
    pub primary: OrgForecast,
    /// The secondary's forecast.
    pub secondary: OrgForecast,
}

impl ApiForecast {
    /// Sum the changes' costs and compare with the allowances.
    pub fn compute(changes: &[Change], allowances: Allowances, budget_percent: f64) -> Self {
        let (apply, bulk) = sums(changes);
        Self {
            budget_percent,
            primary: OrgForecast::new(
                apply.primary,
                bulk.primary,
                allowances.primary,
                budget_percent,
            ),
            secondary: OrgForecast::new(
                apply.secondary,
                bulk.secondary,
                allowances.secondary,
                budget_percent,
            ),
        }
    }

    /// Whether any org is over budget or over what remains.
    pub fn is_over(&self) -> bool {
        self.primary.verdict != Verdict::Within || self.secondary.verdict != Verdict::Within
    }
}

/// (apply calls, first-bulk-sync calls) summed over `changes`.
pub fn sums(changes: &[Change]) -> (Calls, Calls) {
    changes
        .iter()
        .fold((Calls::default(), Calls::default()), |(apply, bulk), c| {
            if c.area == Area::Records {
                (apply, bulk + c.api_calls)
            } else {
                (apply + c.api_calls, bulk)
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts() {
        let a = Allowance {
            daily_max: 15_000,
            remaining: 1_000,
        };
        assert_eq!(OrgForecast::new(100, 200, a, 25.0).verdict, Verdict::Within);
        assert_eq!(OrgForecast::new(100, 200, a, 25.0).budget_calls, 3_750);
        let tight = Allowance {
            daily_max: 1_000,
            remaining: 1_000,
        };
        assert_eq!(
            OrgForecast::new(200, 100, tight, 25.0).verdict,
            Verdict::OverBudget
        );
        assert_eq!(
            OrgForecast::new(900, 200, tight, 25.0).verdict,
            Verdict::OverRemaining
        );
        assert_eq!(
            OrgForecast::new(1, 0, Allowance::default(), 25.0).share_of_remaining(),
            None
        );
    }
}
