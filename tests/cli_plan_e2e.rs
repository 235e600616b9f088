//! End to end against the two default emulated orgs, through the `orgsync` binary: `plan` shows
//! changes (exit 2 with `--detailed-exitcode`) → `apply --auto-approve` makes them true → the
//! next `plan --detailed-exitcode` exits 0. Also: apply without a terminal and without
//! `--auto-approve` is refused, a blocked plan is refused by plan and apply, and no canary
//! appears in any output of any format.

mod apply_support;

use apply_support::{Orgs, run};

const CONNECTION: &str = "    direction: one-way
    syncUsers: true
    usernameSuffix: .dr
    syncMetadata: true";
const TRIGGERS: &str = "  triggers:
    default: primary-only
    overrides:
      CaseTrigger_UpdateDesc: mirror
      ContactTrigger_Normalize: inactive-in-secondary";
const OBJECTS: &str = "    Account:
      publish:
        fields: [Name, Industry, Phone, ParentId, AccountNumber, Support_Email__c, Legacy_Number__c]
        filter: \"Type != 'Internal'\"
      subscribe:
        matchOn: [AccountNumber]
    Contact:
      publish:
        fields: [FirstName, LastName, Email, AccountId]
    Case:
      publish:
        fields: [Subject, Status, AccountId]";

fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("0Af") {
        out.push_str(&rest[..i]);
        out.push_str("[DEPLOY-ID]");
        rest = &rest[i..];
        let len = rest.chars().take_while(char::is_ascii_alphanumeric).count();
        rest = &rest[len..];
    }
    out.push_str(rest);
    out
}

#[test]
fn plan_apply_plan_converges_on_the_default_orgs() {
    let orgs = Orgs::default_pair(31);
    orgs.write_spec(CONNECTION, TRIGGERS, OBJECTS);

    let first = run(&orgs, &["plan", "--detailed-exitcode"]);
    assert_eq!(first.code, 2, "{}\n{}", first.stdout, first.stderr);
    assert!(first.stdout.contains("Key fields"), "{}", first.stdout);
    for format in ["markdown", "json"] {
        assert_eq!(
            run(&orgs, &["plan", "--detailed-exitcode", "--format", format]).code,
            2
        );
    }
    assert_eq!(run(&orgs, &["validate", "--online"]).code, 0);

    // No terminal, no --auto-approve: refused before anything is written.
    let refused = run(&orgs, &["apply"]);
    assert_eq!(refused.code, 1);
    assert!(
        refused.stderr.contains("--auto-approve"),
        "{}",
        refused.stderr
    );
    assert_eq!(run(&orgs, &["plan", "--detailed-exitcode"]).code, 2);

    let checked = run(&orgs, &["apply", "--validate-only"]);
    assert_eq!(checked.code, 0, "{}\n{}", checked.stdout, checked.stderr);
    assert!(
        checked.stdout.contains("Validation passed"),
        "{}",
        checked.stdout
    );
    assert_eq!(run(&orgs, &["plan", "--detailed-exitcode"]).code, 2);

    let applied = run(&orgs, &["apply", "--auto-approve"]);
    assert_eq!(applied.code, 0, "{}\n{}", applied.stdout, applied.stderr);
    let report = &applied.stdout[applied.stdout.find("\nApply\n").unwrap() + 1..];
    insta::assert_snapshot!("e2e_apply_report", plain(report));

    let after = run(&orgs, &["plan", "--detailed-exitcode"]);
    assert_eq!(after.code, 0, "{}\n{}", after.stdout, after.stderr);
    let again = run(&orgs, &["apply", "--auto-approve"]);
    assert_eq!(again.code, 0);
    assert!(again.stdout.contains("No changes"), "{}", again.stdout);
    assert_eq!(run(&orgs, &["test-connection"]).code, 0);
}

#[test]
fn a_saved_plan_applies_and_the_next_plan_is_empty() {
    let orgs = Orgs::default_pair(32);
    orgs.write_spec(CONNECTION, TRIGGERS, OBJECTS);
    assert_eq!(
        run(
            &orgs,
            &["plan", "--out", "plan.json", "--detailed-exitcode"]
        )
        .code,
        2
    );
    let applied = run(&orgs, &["apply", "plan.json"]);
    assert_eq!(applied.code, 0, "{}\n{}", applied.stdout, applied.stderr);
    // The plan was applied: applying the file again is stale (the orgs and the state changed).
    let stale = run(&orgs, &["apply", "plan.json"]);
    assert_eq!(stale.code, 3, "{}", stale.stderr);
    assert_eq!(run(&orgs, &["plan", "--detailed-exitcode"]).code, 0);
}

#[test]
fn a_blocked_plan_fails_plan_and_is_refused_by_apply() {
    let orgs = Orgs::default_pair(33);
    // Contact.AccountId looks up Account, which is not published: a blocking finding.
    orgs.write_spec(
        "    direction: one-way",
        "",
        "    Contact:\n      publish:\n        fields: [LastName, AccountId]",
    );
    let plan = run(&orgs, &["plan", "--detailed-exitcode"]);
    assert_eq!(plan.code, 1, "{}\n{}", plan.stdout, plan.stderr);
    assert!(plan.stdout.contains('!'), "the plan is still printed");
    let apply = run(&orgs, &["apply", "--auto-approve"]);
    assert_eq!(apply.code, 1);
    assert!(apply.stderr.contains("blocking"), "{}", apply.stderr);
    let online = run(&orgs, &["validate", "--online"]);
    assert_eq!(online.code, 1);
    assert!(
        online.stdout.contains("lookup-to-unpublished"),
        "{}",
        online.stdout
    );
    let json = run(&orgs, &["validate", "--online", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert!(v["online"].as_array().is_some_and(|a| !a.is_empty()));
}

#[test]
fn a_saved_plan_resumes_after_a_partial_failure_and_repeats_nothing() {
    let orgs = Orgs::default_pair(34);
    orgs.write_spec(CONNECTION, TRIGGERS, OBJECTS);
    assert_eq!(run(&orgs, &["plan", "--out", "plan.json"]).code, 0);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(apply_support::fault(
        &orgs.secondary,
        serde_json::json!({"match": {"method": "POST", "path": "/metadata/deployRequest"},
                           "fault": {"kind": "requestLimitExceeded"}}),
    ));
    let first = run(&orgs, &["apply", "plan.json"]);
    assert_eq!(first.code, 1, "{}\n{}", first.stdout, first.stderr);
    assert!(
        first.stdout.contains("Apply incomplete"),
        "{}",
        first.stdout
    );
    assert!(
        first.stdout.contains("REQUEST_LIMIT_EXCEEDED"),
        "{}",
        first.stdout
    );
    // The users were created, so the secondary changed — but only by this plan's own steps:
    // the same file resumes.
    let second = run(&orgs, &["apply", "plan.json"]);
    assert_eq!(second.code, 0, "{}\n{}", second.stdout, second.stderr);
    assert!(second.stdout.contains("already done"), "{}", second.stdout);
    let journal = rt.block_on(apply_support::journal(&orgs.secondary));
    assert_eq!(
        journal["routes"]["POST /sobjects/{object}"], 4,
        "four users, each created once: {journal}"
    );
    assert_eq!(run(&orgs, &["plan", "--detailed-exitcode"]).code, 0);
}
