//! The budget finding: the forecast against each org's remaining allowance and `apiBudget`.
//!
//! More calls than the org has left today blocks apply. Over `apiBudget` but within what remains
//! blocks only when apply's own calls exceed the budget (apply cannot be paced); when only the
//! first bulk sync exceeds it, the finding is non-blocking: the sync paces itself to stay within
//! the budget (see [`crate::plan::forecast::Verdict::OverBudget`]).

use crate::plan::forecast::{ApiForecast, OrgForecast, Verdict};
use crate::plan::model::{Area, Change, OrgSide, Reason, Rule, Target};

use super::util::attention;

const PATH: &str = "spec.records.apiBudget";

fn one(side: OrgSide, f: &OrgForecast) -> Option<Change> {
    let target = Target::org(side);
    let org = side.label();
    match f.verdict {
        Verdict::Within => None,
        Verdict::OverRemaining => Some(attention(
            Area::ApiBudget,
            Rule::OverBudget,
            target,
            format!("the forecast exceeds the calls the {org} has left today"),
            Reason::at(
                format!("~{} calls forecast, {} remaining", f.total(), f.remaining),
                PATH,
            ),
            Some(
                "apply when the allowance has recovered, narrow bulkSync.since or the filters, or raise the org's API allowance"
                    .into(),
            ),
            true,
        )),
        Verdict::OverBudget if f.apply_calls > f.budget_calls => Some(attention(
            Area::ApiBudget,
            Rule::OverBudget,
            target,
            format!("apply alone exceeds apiBudget in the {org}"),
            Reason::at(
                format!("~{} apply calls, budget {}", f.apply_calls, f.budget_calls),
                PATH,
            ),
            Some("raise spec.records.apiBudget, or apply the spec in smaller steps".into()),
            true,
        )),
        Verdict::OverBudget => {
            let days = if f.budget_calls == 0 {
                0
            } else {
                f.total().div_ceil(f.budget_calls)
            };
            Some(attention(
                Area::ApiBudget,
                Rule::OverBudget,
                target,
                format!("the first bulk sync exceeds apiBudget in the {org}: it is paced over about {days} days"),
                Reason::at(
                    format!("~{} calls forecast, budget {}", f.total(), f.budget_calls),
                    PATH,
                ),
                Some("raise spec.records.apiBudget, or narrow bulkSync.since or the filters".into()),
                false,
            ))
        }
    }
}

/// The over-budget findings of a forecast (none when both orgs are within budget).
pub fn findings(forecast: &ApiForecast) -> Vec<Change> {
    [
        (OrgSide::Primary, &forecast.primary),
        (OrgSide::Secondary, &forecast.secondary),
    ]
    .into_iter()
    .filter_map(|(side, f)| one(side, f))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::forecast::Allowance;

    #[test]
    fn verdicts_become_findings() {
        let a = Allowance {
            daily_max: 1_000,
            remaining: 1_000,
        };
        let within = OrgForecast::new(10, 10, a, 25.0);
        assert!(one(OrgSide::Primary, &within).is_none());
        let paced = one(OrgSide::Primary, &OrgForecast::new(10, 500, a, 25.0)).unwrap();
        assert!(!paced.blocking);
        assert!(paced.summary.contains("about 3 days"));
        let apply = one(OrgSide::Secondary, &OrgForecast::new(300, 0, a, 25.0)).unwrap();
        assert!(apply.blocking);
        assert_eq!(apply.id, "rule:over-budget:secondary:org");
        let over = one(OrgSide::Primary, &OrgForecast::new(10, 2_000, a, 25.0)).unwrap();
        assert!(over.blocking);
    }
}
