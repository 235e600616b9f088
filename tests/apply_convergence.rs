//! Convergence as a property: for generated specs (random subsets of objects and fields,
//! one-way or two-way, syncMetadata on or off, lookups only to published parents), on fresh
//! default emulated orgs, `plan` does not fail, `apply --auto-approve` succeeds, and the next
//! `plan --detailed-exitcode` exits 0 (nothing left to change).

mod apply_support;

use std::sync::atomic::{AtomicU64, Ordering};

use apply_support::{Orgs, run};
use proptest::prelude::*;

/// Plain fields per object (no lookups), and custom fields that differ between the default
/// orgs (only published with syncMetadata, which reconciles them).
const POOL: [(&str, &[&str], &[&str]); 3] = [
    (
        "Account",
        &[
            "Name",
            "Industry",
            "Phone",
            "AccountNumber",
            "Rating",
            "Website",
        ],
        &["Support_Email__c", "Legacy_Number__c"],
    ),
    (
        "Contact",
        &[
            "FirstName",
            "LastName",
            "Email",
            "Title",
            "Department",
            "Languages__c",
        ],
        &[],
    ),
    (
        "Case",
        &["Subject", "Status", "Priority", "Origin", "Product_Area__c"],
        &[],
    ),
];

#[derive(Debug, Clone)]
struct Generated {
    two_way: bool,
    sync_metadata: bool,
    /// Per object of [`POOL`]: published?, which plain fields, custom fields, lookup to Account.
    objects: Vec<(bool, Vec<bool>, bool, bool)>,
}

fn generated() -> impl Strategy<Value = Generated> {
    let object = |plain: usize| {
        (
            any::<bool>(),
            proptest::collection::vec(any::<bool>(), plain),
            any::<bool>(),
            any::<bool>(),
        )
    };
    (
        any::<bool>(),
        any::<bool>(),
        (
            object(POOL[0].1.len()),
            object(POOL[1].1.len()),
            object(POOL[2].1.len()),
        ),
    )
        .prop_map(|(two_way, sync_metadata, (a, c, k))| Generated {
            two_way,
            sync_metadata,
            objects: vec![a, c, k],
        })
}

impl Generated {
    fn account_published(&self) -> bool {
        self.objects[0].0
    }

    fn objects_yaml(&self) -> String {
        let mut out = String::new();
        for ((name, plain, custom), (published, picks, with_custom, lookup)) in
            POOL.iter().zip(&self.objects)
        {
            if !published {
                continue;
            }
            let mut fields: Vec<&str> = plain
                .iter()
                .zip(picks)
                .filter(|(_, p)| **p)
                .map(|(f, _)| *f)
                .collect();
            if fields.is_empty() {
                fields.push(plain[0]);
            }
            if *with_custom && self.sync_metadata {
                fields.extend(custom.iter());
            }
            if *lookup && *name != "Account" && self.account_published() {
                fields.push("AccountId");
            }
            out.push_str(&format!(
                "    {name}:\n      publish:\n        fields: [{}]\n",
                fields.join(", ")
            ));
        }
        if out.is_empty() {
            out.push_str("    Case:\n      publish:\n        fields: [Subject]\n");
        }
        out
    }

    fn connection_yaml(&self) -> String {
        let mut out = format!(
            "    direction: {}",
            if self.two_way { "two-way" } else { "one-way" }
        );
        if self.sync_metadata {
            out.push_str("\n    syncMetadata: true");
        }
        out
    }
}

static SEED: AtomicU64 = AtomicU64::new(100);

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 8,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn after_apply_the_next_plan_is_empty(g in generated()) {
        let orgs = Orgs::default_pair(SEED.fetch_add(1, Ordering::Relaxed));
        orgs.write_spec(&g.connection_yaml(), "", &g.objects_yaml());
        let plan = run(&orgs, &["plan", "--detailed-exitcode"]);
        prop_assert!(plan.code == 0 || plan.code == 2, "plan failed for {g:?}:\n{}\n{}", plan.stdout, plan.stderr);
        let apply = run(&orgs, &["apply", "--auto-approve"]);
        prop_assert_eq!(apply.code, 0, "apply failed for {:?}:\n{}\n{}", g, apply.stdout, apply.stderr);
        let after = run(&orgs, &["plan", "--detailed-exitcode"]);
        prop_assert_eq!(after.code, 0, "not converged for {:?}:\n{}\n{}", g, after.stdout, after.stderr);
    }
}
