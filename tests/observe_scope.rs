//! Observe against emulated orgs: record counts honour `filter` and `bulkSync.since`,
//! fingerprints are stable and change with the schema, and a redacted golden snapshot.

#[path = "observe_support/mod.rs"]
mod support;

use orgsync::emulator::fixture::DefaultOrg;
use orgsync::observe::{self, gather::Needs};
use support::{Conn, default_fixture, set_tokens, spec, start, start_from};

/// Five accounts last modified in 2020, appended to the default primary.
fn primary_with_old_accounts() -> String {
    let mut text = default_fixture(DefaultOrg::Primary);
    text.push_str(
        "  - {type: Account, count: 5, Name: \"Old {n}\", Industry: Agriculture, \
         CreatedDate: \"2020-01-01T00:00:00.000+0000\", \
         LastModifiedDate: \"2020-01-01T00:00:00.000+0000\"}\n",
    );
    text
}

#[tokio::test]
async fn record_counts_honour_filter_and_since() {
    let p = start_from("primary-old.yaml", &primary_with_old_accounts());
    let s = start(DefaultOrg::Secondary, 21);
    set_tokens("OBSERVE_T_COUNTS", &p, &s);
    let counts = |records: &'static str, filter: &'static str| {
        let objects = format!(
            "    Account:\n      publish:\n        fields: [Name]\n{filter}    Lead:\n      publish: {{fields: [LastName]}}"
        );
        let conn = Conn {
            records,
            ..Conn::default()
        };
        spec("OBSERVE_T_COUNTS", &p, &s, &conn, &objects)
    };
    let agriculture = "        filter: \"Industry = 'Agriculture'\"\n";
    let since_2024 = "  records:\n    bulkSync:\n      since: 2024-01-01";
    let since_2019 = "  records:\n    bulkSync:\n      since: 2019-06-01";
    let last_30 = "  records:\n    bulkSync:\n      since: LAST_N_DAYS:30";

    let read = |spec| async move {
        let snap = observe::observe(&spec).await.unwrap();
        (
            snap.primary.record_counts["Account"],
            snap.primary.record_counts["Lead"],
        )
    };
    // 7 key accounts + 60 generated + 12 subsidiaries + 5 old ones.
    assert_eq!(read(counts("", "")).await, (84, 20));
    assert_eq!(read(counts("", agriculture)).await, (5, 20));
    assert_eq!(read(counts(since_2024, agriculture)).await, (0, 20));
    assert_eq!(read(counts(since_2019, agriculture)).await, (5, 20));
    assert_eq!(read(counts(last_30, "")).await, (79, 20));
}

#[tokio::test]
async fn fingerprints_are_stable_and_follow_the_schema() {
    let p = start(DefaultOrg::Primary, 22);
    let original = default_fixture(DefaultOrg::Secondary);
    let widened = original.replace(
        "{name: Legacy_Number__c, type: text, length: 20,",
        "{name: Legacy_Number__c, type: text, length: 25,",
    );
    assert_ne!(original, widened);
    let s_a = start_from("secondary.yaml", &original);
    let s_b = start_from("secondary.yaml", &original);
    let s_wide = start_from("secondary-wide.yaml", &widened);
    let objects = "    Account:\n      publish: {fields: \"*\"}";
    let mut specs = Vec::new();
    for (prefix, s) in [
        ("OBSERVE_T_FP_A", &s_a),
        ("OBSERVE_T_FP_B", &s_b),
        ("OBSERVE_T_FP_W", &s_wide),
    ] {
        set_tokens(prefix, &p, s);
        specs.push(spec(prefix, &p, s, &Conn::default(), objects));
    }
    let first = observe::observe(&specs[0]).await.unwrap();
    let again = observe::observe(&specs[0]).await.unwrap();
    // Two reads of unchanged orgs: same fingerprints, though the API allowance moved on.
    assert_eq!(first.primary.fingerprint(), again.primary.fingerprint());
    assert_eq!(first.secondary.fingerprint(), again.secondary.fingerprint());
    assert!(again.primary.limits.daily_remaining < first.primary.limits.daily_remaining);
    assert_eq!(first.primary.fingerprint().len(), 64);
    assert_ne!(first.primary.fingerprint(), first.secondary.fingerprint());

    // The same org content behind another URL: same fingerprint.
    let twin = observe::observe(&specs[1]).await.unwrap();
    assert_ne!(twin.secondary.instance_url, first.secondary.instance_url);
    assert_eq!(twin.secondary.fingerprint(), first.secondary.fingerprint());

    // One field longer: a different fingerprint; the primary is untouched.
    let wide = observe::observe(&specs[2]).await.unwrap();
    assert_eq!(
        wide.secondary
            .object("Account")
            .unwrap()
            .unwrap()
            .field("Legacy_Number__c")
            .unwrap()
            .length,
        25
    );
    assert_ne!(wide.secondary.fingerprint(), first.secondary.fingerprint());
    assert_eq!(wide.primary.fingerprint(), first.primary.fingerprint());

    // Serialised and read back, a snapshot keeps its fingerprint.
    let json = serde_json::to_string(&first).unwrap();
    let back: observe::Snapshot = serde_json::from_str(&json).unwrap();
    assert_eq!(back, first);
    assert_eq!(back.secondary.fingerprint(), first.secondary.fingerprint());
}

#[tokio::test]
async fn what_the_spec_needs_decides_what_is_read() {
    let (p, s) = (
        start(DefaultOrg::Primary, 23),
        start(DefaultOrg::Secondary, 23),
    );
    set_tokens("OBSERVE_T_NEEDS", &p, &s);
    let objects = "    account:\n      publish: {fields: [Name]}";
    let plain = spec("OBSERVE_T_NEEDS", &p, &s, &Conn::default(), objects);
    let needs = Needs::of(&plain);
    assert_eq!(needs.objects, ["account"]);
    assert!(!needs.users && !needs.triggers && !needs.metadata);

    let conn = Conn {
        users: true,
        metadata: true,
        triggers: "  triggers:\n    default: mirror\n",
        ..Conn::default()
    };
    let all = Needs::of(&spec("OBSERVE_T_NEEDS", &p, &s, &conn, objects));
    assert_eq!(all.objects, ["account", "User"]);
    assert!(all.users && all.triggers && all.metadata);

    let overrides = Conn {
        triggers: "  triggers:\n    overrides:\n      CaseTrigger_UpdateDesc: mirror\n",
        ..Conn::default()
    };
    assert!(Needs::of(&spec("OBSERVE_T_NEEDS", &p, &s, &overrides, objects)).triggers);

    // A lower-case object name is found and keyed by its canonical name.
    let snap = observe::observe(&plain).await.unwrap();
    assert!(snap.primary.objects.contains_key("Account"));
    assert!(snap.primary.record_counts.contains_key("Account"));
    assert!(snap.primary.field_access["Account"]["Name"].read);
}

#[tokio::test]
async fn golden_snapshot_redacted() {
    let (p, s) = (
        start(DefaultOrg::Primary, 24),
        start(DefaultOrg::Secondary, 24),
    );
    set_tokens("OBSERVE_T_GOLDEN", &p, &s);
    let objects = "    Invoice_Line__c:
      publish:
        fields: [Quantity__c, Unit_Price__c, Product__c, Invoice__c]
        filter: \"Quantity__c > 5\"";
    let spec = spec("OBSERVE_T_GOLDEN", &p, &s, &Conn::default(), objects);
    let snap = observe::observe(&spec).await.unwrap();
    insta::assert_json_snapshot!(snap, {
        ".*.orgId" => "[org-id]",
        ".*.instanceUrl" => "[instance-url]",
        ".*.integrationUser.id" => "[user-id]",
        ".*.limits.dailyRemaining" => "[remaining]",
    });
}
