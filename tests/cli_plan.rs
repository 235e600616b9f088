//! `orgsync plan`, `apply` and `test-connection` as a user runs them, against two emulated orgs:
//! exit codes of every path, the stale-plan guard (exit 3), and no canary secret or record value
//! in any output of any format (every run goes through `apply_support::run`, which checks).

mod apply_support;

use apply_support::{Orgs, compile, export_tokens, run};
use orgsync::emulator::fixture::{DefaultOrg, default_org, load_str};

const ONE_WAY: &str = "    direction: one-way";
const ACCOUNT: &str = "    Account:
      publish:
        fields: [Name, Phone, Industry]";

fn redact(text: &str) -> String {
    let url = regex_lite(text);
    // The remaining allowance depends on how many calls earlier runs made.
    url.lines()
        .map(|l| match l.split_once("daily API allowance: ") {
            Some((head, tail)) => match tail.split_once(" of ") {
                Some((_, max)) => format!("{head}daily API allowance: [N] of {max}"),
                None => l.to_owned(),
            },
            None => l.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Replace `http://127.0.0.1:PORT` with `[URL]` (the emulators' ports change per run).
fn regex_lite(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("http://127.0.0.1:") {
        out.push_str(&rest[..i]);
        out.push_str("[URL]");
        rest = &rest[i + "http://127.0.0.1:".len()..];
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
}

#[test]
fn a_bad_spec_exits_1_for_every_command() {
    let orgs = Orgs::default_pair(21);
    std::fs::write(
        orgs.spec_path(),
        "apiVersion: orgsync.dev/v1\nkind: OrgSync\nspec: 3\n",
    )
    .unwrap();
    for args in [
        &["plan"][..],
        &["plan", "--detailed-exitcode"],
        &["apply", "--auto-approve"],
        &["test-connection"],
        &["validate", "--online"],
    ] {
        let r = run(&orgs, args);
        assert_eq!(r.code, 1, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains("error"), "{args:?}: {}", r.stderr);
    }
}

#[test]
fn usage_errors_exit_1_not_2() {
    let orgs = Orgs::default_pair(22);
    for args in [
        &["plan", "--no-such-flag"][..],
        &["plan", "--format", "yaml"],
        &["apply", "a.json", "b.json"],
        &["test-connection", "--format", "xml"],
    ] {
        assert_eq!(run(&orgs, args).code, 1, "{args:?}");
    }
}

#[test]
fn an_unreachable_org_exits_1_with_a_hint() {
    let orgs = Orgs::default_pair(23);
    let text = apply_support::spec_text(&orgs, ONE_WAY, "", ACCOUNT)
        .replace(&orgs.secondary.instance_url, "http://127.0.0.1:9");
    std::fs::write(orgs.spec_path(), text).unwrap();
    for args in [
        &["plan", "--detailed-exitcode"][..],
        &["apply", "--auto-approve"],
        &["validate", "--online"],
    ] {
        let r = run(&orgs, args);
        assert_eq!(r.code, 1, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains("secondary org"), "{}", r.stderr);
        assert!(r.stderr.contains("hint:"), "{}", r.stderr);
    }
    let r = run(&orgs, &["test-connection"]);
    assert_eq!(r.code, 1);
    insta::assert_snapshot!("test_connection_unreachable", redact(&r.stdout));
}

#[test]
fn test_connection_reports_each_org() {
    let orgs = Orgs::default_pair(24);
    orgs.write_spec(ONE_WAY, "", ACCOUNT);
    let r = run(&orgs, &["test-connection"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    insta::assert_snapshot!("test_connection_ok", redact(&r.stdout));
    let json = run(&orgs, &["test-connection", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["formatVersion"], 1);
    assert_eq!(v["ok"], true);

    // A field the secondary does not have, without syncMetadata: missing, exit 1.
    orgs.write_spec(
        ONE_WAY,
        "",
        "    Account:\n      publish:\n        fields: [Name, Support_Email__c]",
    );
    let r = run(&orgs, &["test-connection"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stdout.contains("cannot see Support_Email__c"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("hint:"));
}

#[test]
fn plan_prints_every_format_and_saves_a_plan() {
    let orgs = Orgs::default_pair(25);
    orgs.write_spec(ONE_WAY, "", ACCOUNT);
    for format in ["text", "markdown", "json"] {
        let r = run(&orgs, &["plan", "--format", format]);
        assert_eq!(r.code, 0, "{format}: {}", r.stderr);
        assert!(!r.stdout.is_empty());
    }
    let r = run(&orgs, &["plan", "--format", "json", "--out", "plan.json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let saved: serde_json::Value =
        serde_json::from_slice(&std::fs::read(orgs.dir.path().join("plan.json")).unwrap()).unwrap();
    let printed: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(saved, printed);
    assert!(orgs.dir.path().join("state/orgsync.db").exists());
}

#[test]
fn a_saved_plan_goes_stale_when_the_spec_changes() {
    let orgs = Orgs::default_pair(26);
    orgs.write_spec(ONE_WAY, "", ACCOUNT);
    assert_eq!(run(&orgs, &["plan", "--out", "plan.json"]).code, 0);
    orgs.write_spec(
        ONE_WAY,
        "",
        "    Account:\n      publish:\n        fields: [Name, Phone]",
    );
    let r = run(&orgs, &["apply", "plan.json"]);
    assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("the saved plan is stale: the spec"),
        "{}",
        r.stderr
    );
}

/// A custom field created in `role`'s org through the Tooling API (both orgs are sandboxes).
async fn add_field(orgs: &Orgs, secondary: bool) {
    export_tokens(orgs);
    let spec = compile(orgs, ONE_WAY, "", ACCOUNT);
    let (role, org) = if secondary {
        (orgsync::observe::OrgRole::Secondary, &spec.secondary)
    } else {
        (orgsync::observe::OrgRole::Primary, &spec.primary)
    };
    let client = orgsync::observe::connect::client(role, org).unwrap();
    let body = serde_json::json!({
        "FullName": "Account.Added_Later__c",
        "Metadata": {"type": "Text", "length": 20, "label": "Added Later"}
    });
    let saved = client
        .tooling_create("CustomField", body.as_object().unwrap())
        .await
        .unwrap();
    assert!(saved.success);
}

fn sandbox(which: DefaultOrg, seed: u64) -> orgsync::emulator::model::Org {
    let text = apply_support::default_fixture(which).replace("isSandbox: false", "isSandbox: true");
    let _ = default_org(which, seed);
    load_str("sandbox.yaml", &text).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_saved_plan_goes_stale_when_either_org_changes() {
    for (seed, secondary) in [(27, true), (28, false)] {
        let orgs = Orgs::with(
            sandbox(DefaultOrg::Primary, seed),
            sandbox(DefaultOrg::Secondary, seed),
            seed,
        );
        orgs.write_spec(ONE_WAY, "", ACCOUNT);
        let o = &orgs;
        let plan = tokio::task::spawn_blocking({
            let cmd = o.cmd();
            move || {
                let mut cmd = cmd;
                cmd.args(["plan", "--out", "plan.json"]).output().unwrap()
            }
        })
        .await
        .unwrap();
        assert!(plan.status.success());
        // Unchanged: the saved plan is fresh (and empty or not, it applies cleanly).
        let fresh = tokio::task::block_in_place(|| run(o, &["apply", "plan.json"]));
        assert_eq!(fresh.code, 0, "{}\n{}", fresh.stdout, fresh.stderr);
        let again = tokio::task::block_in_place(|| run(o, &["plan", "--out", "plan.json"]));
        assert_eq!(again.code, 0);
        add_field(o, secondary).await;
        let r = tokio::task::block_in_place(|| run(o, &["apply", "plan.json"]));
        assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);
        let which = if secondary {
            "the secondary org"
        } else {
            "the primary org"
        };
        assert!(r.stderr.contains(which), "{}", r.stderr);
        assert!(r.stderr.contains("orgsync plan --out FILE"), "{}", r.stderr);
    }
}

#[test]
fn a_file_that_is_not_a_plan_is_refused_with_exit_1() {
    let orgs = Orgs::default_pair(29);
    orgs.write_spec(ONE_WAY, "", ACCOUNT);
    std::fs::write(orgs.dir.path().join("plan.json"), "{\"hello\": 1}").unwrap();
    let r = run(&orgs, &["apply", "plan.json"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("not an orgsync plan file"),
        "{}",
        r.stderr
    );
}
