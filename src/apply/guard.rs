//! The stale-plan guard: a saved plan is applied only against what it was planned from. Apply
//! reads both orgs again, recomputes the fingerprints and compares them with the plan's
//! ([`crate::plan::saved::staleness`]); any difference refuses the plan (exit 3).
//!
//! One exception makes an interrupted apply resumable with the same plan file: when earlier
//! runs of *this* plan already did some steps, the orgs differ by exactly those writes. The plan
//! is then accepted if the spec and the applied generation are unchanged and planning afresh
//! yields exactly the saved plan's remaining changes (same ids, actions, targets and details) —
//! that is, nothing but apply's own writes changed the orgs.

use std::collections::BTreeSet;

use crate::plan::saved::{Changed, staleness};
use crate::plan::{Change, Plan, Stale};

/// The verdict on a saved plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Freshness {
    /// Planned against exactly what is there now.
    Fresh,
    /// Partly applied by earlier runs; the rest still matches.
    Resumable {
        /// Steps already done.
        done: usize,
    },
    /// Something changed since the plan was made.
    Stale(Stale),
}

/// What must match between a saved change and a fresh one (record counts and call forecasts
/// are volatile readings and may move).
fn same(a: &Change, b: &Change) -> bool {
    a.id == b.id
        && a.area == b.area
        && a.action == b.action
        && a.target == b.target
        && a.summary == b.summary
        && a.detail == b.detail
        && a.blocking == b.blocking
        && a.problem == b.problem
}

/// Judge `saved` against `fresh` (the plan computed now); `done` are the steps earlier runs of
/// `saved` completed.
pub fn freshness(saved: &Plan, fresh: &Plan, done: &BTreeSet<String>) -> Freshness {
    let Some(stale) = staleness(
        saved,
        &fresh.spec_fingerprint,
        &fresh.org_fingerprints.primary,
        &fresh.org_fingerprints.secondary,
        fresh.state_generation,
    ) else {
        return Freshness::Fresh;
    };
    let only_orgs = stale
        .changed
        .iter()
        .all(|c| matches!(c, Changed::Primary | Changed::Secondary));
    if done.is_empty() || !only_orgs {
        return Freshness::Stale(stale);
    }
    let remaining: Vec<&Change> = saved
        .changes
        .iter()
        .filter(|c| !done.contains(&c.id))
        .collect();
    let matches = remaining.len() == fresh.changes.len()
        && remaining
            .iter()
            .zip(&fresh.changes)
            .all(|(a, b)| same(a, b));
    if matches {
        Freshness::Resumable { done: done.len() }
    } else {
        Freshness::Stale(stale)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{
        Action, Allowances, Area, Basis, Fingerprint, Name, OrgFingerprints, OrgSide, Reason,
        Target,
    };

    fn n(s: &str) -> Name {
        Name::new(s).unwrap()
    }

    fn plan(primary: &str, changes: Vec<Change>) -> Plan {
        let basis = Basis {
            connection: n("c"),
            spec_fingerprint: Fingerprint::of_bytes(b"spec"),
            org_fingerprints: OrgFingerprints {
                primary: Fingerprint::of_bytes(primary.as_bytes()),
                secondary: Fingerprint::of_bytes(b"s"),
            },
            state_generation: None,
        };
        Plan::new(basis, changes, Allowances::default(), 25.0)
    }

    fn change(id: &str, field: &str) -> Change {
        Change::new(
            id,
            Area::ObjectsAndFields,
            Action::Create,
            Target::field(OrgSide::Secondary, n("Account"), n(field)),
            "create field",
            Reason::new("published"),
        )
    }

    #[test]
    fn same_inputs_are_fresh_and_changed_orgs_are_stale() {
        let a = plan("p", vec![change("field:secondary:Account.A__c", "A__c")]);
        assert_eq!(
            freshness(&a, &a.clone(), &BTreeSet::new()),
            Freshness::Fresh
        );
        let b = plan("p2", vec![]);
        let Freshness::Stale(stale) = freshness(&a, &b, &BTreeSet::new()) else {
            panic!("expected stale");
        };
        assert_eq!(stale.changed, vec![Changed::Primary]);
    }

    #[test]
    fn a_partly_applied_plan_resumes_only_when_the_rest_matches() {
        let one = change("field:secondary:Account.A__c", "A__c");
        let two = change("field:secondary:Account.B__c", "B__c");
        let saved = plan("p", vec![one.clone(), two.clone()]);
        let done: BTreeSet<String> = [one.id.clone()].into();
        let fresh = plan("p2", vec![two.clone()]);
        assert_eq!(
            freshness(&saved, &fresh, &done),
            Freshness::Resumable { done: 1 }
        );
        // Someone else changed the orgs too: a change the saved plan does not have.
        let other = plan(
            "p3",
            vec![two, change("field:secondary:Account.C__c", "C__c")],
        );
        assert!(matches!(
            freshness(&saved, &other, &done),
            Freshness::Stale(_)
        ));
    }
}
