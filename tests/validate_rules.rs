//! Every offline rule of SPEC.md: a passing and a failing case each, run in-process.

#[path = "common/spec.rs"]
mod spec_common;

use spec_common::{check, codes, edit, example};

/// (name, example, from, to, expected code or None for "still valid with no diagnostics of that code")
type Case = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
);

const TWO: &str = "two-way-field-maps";
const ONE: &str = "continuity-one-way";
const PARTNER: &str = "partner-inbox";

const CASES: &[Case] = &[
    (
        "api version known",
        TWO,
        "apiVersion: orgsync.dev/v1",
        "apiVersion: orgsync.dev/v2",
        Some("unknown-api-version"),
    ),
    (
        "kind known",
        TWO,
        "kind: OrgSync",
        "kind: OrgSynk",
        Some("unknown-value"),
    ),
    (
        "unknown key",
        TWO,
        "    direction: two-way",
        "    directon: two-way",
        Some("unknown-key"),
    ),
    (
        "missing key",
        TWO,
        "    type: replication\n",
        "",
        Some("missing-key"),
    ),
    (
        "duplicate yaml key",
        TWO,
        "    owner: admin@acme.com",
        "    owner: admin@acme.com\n    owner: root@acme.com",
        Some("duplicate-key"),
    ),
    (
        "metadata name format",
        TWO,
        "name: acme-two-way",
        "name: Acme_Two_Way",
        Some("invalid-format"),
    ),
    (
        "metadata name ok",
        TWO,
        "name: acme-two-way",
        "name: a1-b2",
        None,
    ),
    (
        "literal client secret",
        TWO,
        "clientSecret: {env: SECONDARY_CLIENT_SECRET}",
        "clientSecret: s3cr3t-value",
        Some("literal-secret"),
    ),
    (
        "literal refresh token",
        TWO,
        "refreshToken: {env: PRIMARY_REFRESH_TOKEN}",
        "refreshToken: 5Aep861-token",
        Some("literal-secret"),
    ),
    (
        "literal private key",
        ONE,
        "privateKey: {env: PRIMARY_PRIVATE_KEY}",
        "privateKey: \"-----BEGIN KEY-----\"",
        Some("literal-secret"),
    ),
    (
        "literal access token",
        PARTNER,
        "accessToken: {env: ACME_ACCESS_TOKEN}",
        "accessToken: 00Dxx!AQ0token",
        Some("literal-secret"),
    ),
    (
        "literal sfdx url",
        PARTNER,
        "sfdxAuthUrl: {file: secrets/globex.sfdx-url}",
        "sfdxAuthUrl: force://id:secret:token@globex.my.salesforce.com",
        Some("literal-secret"),
    ),
    (
        "password in state url",
        TWO,
        "postgres://orgsync@db.internal",
        "postgres://orgsync:pw123@db.internal",
        Some("literal-secret"),
    ),
    (
        "secret ref needs one of env/file",
        TWO,
        "{env: PGPASSWORD}",
        "{env: PGPASSWORD, file: pw.txt}",
        Some("invalid-secret-ref"),
    ),
    (
        "secret ref file ok",
        TWO,
        "{env: PGPASSWORD}",
        "{file: pw.txt}",
        None,
    ),
    (
        "jwt needs username",
        ONE,
        "        username: orgsync@acme.com\n",
        "",
        Some("auth-missing-field"),
    ),
    (
        "client-credentials needs secret",
        TWO,
        "        clientSecret: {env: SECONDARY_CLIENT_SECRET}\n",
        "",
        Some("auth-missing-field"),
    ),
    (
        "refresh-token needs token",
        TWO,
        "        refreshToken: {env: PRIMARY_REFRESH_TOKEN}\n",
        "",
        Some("auth-missing-field"),
    ),
    (
        "refresh-token secret optional",
        TWO,
        "        clientSecret: {env: PRIMARY_CLIENT_SECRET}\n",
        "",
        None,
    ),
    (
        "access-token needs token",
        PARTNER,
        "        accessToken: {env: ACME_ACCESS_TOKEN}\n",
        "",
        Some("auth-missing-field"),
    ),
    (
        "sfdx needs url",
        PARTNER,
        "        sfdxAuthUrl: {file: secrets/globex.sfdx-url}\n",
        "",
        Some("auth-missing-field"),
    ),
    (
        "unused auth field warns",
        PARTNER,
        "        accessToken: {env: ACME_ACCESS_TOKEN}\n",
        "        accessToken: {env: ACME_ACCESS_TOKEN}\n        username: a@b.com\n",
        Some("auth-unused-field"),
    ),
    (
        "auth method known",
        TWO,
        "method: client-credentials",
        "method: client-credential",
        Some("unknown-value"),
    ),
    (
        "https required",
        TWO,
        "instanceUrl: http://localhost:8441",
        "instanceUrl: http://acme.my.salesforce.com",
        Some("insecure-url"),
    ),
    (
        "https ok",
        TWO,
        "instanceUrl: http://localhost:8441",
        "instanceUrl: https://acme.my.salesforce.com",
        None,
    ),
    (
        "instance url form",
        TWO,
        "instanceUrl: http://localhost:8441",
        "instanceUrl: acme.my.salesforce.com",
        Some("invalid-format"),
    ),
    (
        "api version quoted",
        TWO,
        "apiVersion: \"62.0\"",
        "apiVersion: 62.0",
        Some("wrong-type"),
    ),
    (
        "api version form",
        TWO,
        "apiVersion: \"62.0\"",
        "apiVersion: \"62\"",
        Some("invalid-format"),
    ),
    (
        "object api name",
        TWO,
        "    Contact:\n",
        "    Contact Person:\n",
        Some("invalid-api-name"),
    ),
    (
        "field api name",
        TWO,
        "Phone, ParentId",
        "Phone, Parent__Id__",
        Some("invalid-api-name"),
    ),
    (
        "namespaced names ok",
        TWO,
        "Phone, ParentId",
        "Phone, acme__Score__c",
        None,
    ),
    (
        "replication allow-list",
        TWO,
        "    Contact:\n",
        "    Quote:\n",
        Some("object-not-replicable"),
    ),
    (
        "partner accepts any object",
        PARTNER,
        "    Lead:\n",
        "    Quote:\n",
        None,
    ),
    (
        "custom objects replicate",
        TWO,
        "    Contact:\n",
        "    Contact__c:\n",
        None,
    ),
    (
        "audit field not published",
        TWO,
        "[FirstName, LastName,",
        "[FirstName, CreatedDate, LastName,",
        Some("audit-field-published"),
    ),
    (
        "feed without audit warns",
        TWO,
        "    Contact:\n",
        "    FeedItem:\n",
        Some("feed-without-audit-fields"),
    ),
    (
        "feed with audit ok",
        ONE,
        "    CaseComment:\n",
        "    FeedItem:\n",
        None,
    ),
    (
        "two-way field map invertible",
        TWO,
        "Region__c: Sales_Region__c",
        "Region__c: Industry",
        Some("field-map-not-invertible"),
    ),
    (
        "one-way collision warns",
        PARTNER,
        "Amount: Partner_Amount__c",
        "Amount: Name",
        Some("field-map-collision"),
    ),
    (
        "field map keys published",
        TWO,
        "Region__c: Sales_Region__c",
        "Rating: Sales_Region__c",
        Some("field-map-not-published"),
    ),
    (
        "match on published",
        TWO,
        "matchOn: [Email]",
        "matchOn: [MobilePhone]",
        Some("match-on-not-published"),
    ),
    (
        "match on with star",
        PARTNER,
        "exclude: [Internal_Notes__c]",
        "exclude: [Internal_Notes__c]\n      subscribe: {matchOn: [External_Id__c]}",
        None,
    ),
    (
        "match on excluded",
        PARTNER,
        "exclude: [Internal_Notes__c]",
        "exclude: [Internal_Notes__c]\n      subscribe: {matchOn: [Internal_Notes__c]}",
        Some("match-on-not-published"),
    ),
    (
        "filter parses",
        TWO,
        "filter: \"CloseDate >= LAST_N_DAYS:90\"",
        "filter: \"CloseDate >= LAST_N_DAYS\"",
        Some("invalid-filter"),
    ),
    (
        "filter unbalanced",
        TWO,
        "OR AnnualRevenue > 1000000)",
        "OR AnnualRevenue > 1000000",
        Some("invalid-filter"),
    ),
    (
        "duration strict",
        TWO,
        "pollInterval: 1m",
        "pollInterval: 1.5m",
        Some("invalid-format"),
    ),
    (
        "poll floor",
        TWO,
        "pollInterval: 1m",
        "pollInterval: 4s",
        Some("poll-interval-too-short"),
    ),
    (
        "poll floor ok",
        TWO,
        "pollInterval: 1m",
        "pollInterval: 5s",
        None,
    ),
    (
        "budget max",
        TWO,
        "apiBudget: 40%",
        "apiBudget: 100.5%",
        Some("out-of-range"),
    ),
    (
        "budget zero",
        TWO,
        "apiBudget: 40%",
        "apiBudget: 0%",
        Some("out-of-range"),
    ),
    (
        "budget full ok",
        TWO,
        "apiBudget: 40%",
        "apiBudget: 100%",
        None,
    ),
    (
        "budget form",
        TWO,
        "apiBudget: 40%",
        "apiBudget: 40",
        Some("wrong-type"),
    ),
    (
        "retry attempts",
        TWO,
        "maxAttempts: 8",
        "maxAttempts: 0",
        Some("out-of-range"),
    ),
    (
        "backoff order",
        TWO,
        "initialBackoff: 15s",
        "initialBackoff: 2h",
        Some("backoff-order"),
    ),
    (
        "since real date",
        TWO,
        "since: 2025-01-01",
        "since: 2025-02-30",
        Some("invalid-date"),
    ),
    (
        "since literal ok",
        TWO,
        "since: 2025-01-01",
        "since: LAST_N_DAYS:3650",
        None,
    ),
    (
        "since literal needs n",
        TWO,
        "since: 2025-01-01",
        "since: LAST_N_DAYS",
        Some("invalid-date"),
    ),
    (
        "state url scheme",
        TWO,
        "url: postgres://orgsync@db.internal:5432/orgsync",
        "url: mysql://db/orgsync",
        Some("invalid-format"),
    ),
    (
        "state sqlite path",
        TWO,
        "url: postgres://orgsync@db.internal:5432/orgsync",
        "url: sqlite://",
        Some("invalid-state-url"),
    ),
    (
        "suffix required",
        ONE,
        "    usernameSuffix: .dr\n",
        "",
        Some("username-suffix-required"),
    ),
    (
        "suffix form",
        ONE,
        "usernameSuffix: .dr",
        "usernameSuffix: dr",
        Some("invalid-username-suffix"),
    ),
    (
        "suffix unused warns",
        TWO,
        "    owner: admin@acme.com\n",
        "    owner: admin@acme.com\n    usernameSuffix: .dr\n",
        Some("username-suffix-unused"),
    ),
    (
        "owner username",
        TWO,
        "owner: admin@acme.com",
        "owner: admin",
        Some("invalid-username"),
    ),
    (
        "partner has no users",
        PARTNER,
        "    owner: partners@acme.com\n",
        "    owner: partners@acme.com\n    syncUsers: true\n    usernameSuffix: .p\n",
        Some("replication-only"),
    ),
    (
        "trigger names",
        TWO,
        "CaseTrigger_UpdateDesc: mirror",
        "Case-Trigger: mirror",
        Some("invalid-format"),
    ),
    (
        "trigger policy",
        TWO,
        "CaseTrigger_UpdateDesc: mirror",
        "CaseTrigger_UpdateDesc: mirorr",
        Some("unknown-value"),
    ),
    (
        "exclude with list",
        TWO,
        "fields: [FirstName, LastName, Email, Phone, AccountId]",
        "fields: [FirstName, LastName, Email, Phone, AccountId]\n        exclude: [Fax]",
        Some("exclude-not-published"),
    ),
    (
        "exclude and listed warns",
        TWO,
        "fields: [FirstName, LastName, Email, Phone, AccountId]",
        "fields: [FirstName, LastName, Email, Phone, AccountId]\n        exclude: [Phone]",
        Some("excluded-and-listed"),
    ),
    (
        "duplicate fields",
        TWO,
        "[FirstName, LastName,",
        "[FirstName, LastName, FirstName,",
        Some("duplicate-field"),
    ),
    (
        "fields star or list",
        TWO,
        "fields: [FirstName, LastName, Email, Phone, AccountId]",
        "fields: all",
        Some("wrong-type"),
    ),
    (
        "objects not empty",
        PARTNER,
        "  objects:\n",
        "  objects: {}\n  unused:\n",
        Some("no-objects"),
    ),
];

#[test]
fn every_rule_has_a_passing_and_failing_case() {
    for (name, ex, from, to, expected) in CASES {
        let text = edit(&example(ex), from, to);
        let report = check(&text);
        let found = codes(&report);
        match expected {
            Some(code) => {
                assert!(
                    found.contains(code),
                    "{name}: expected `{code}`, got {found:?}"
                );
                let d = report.diagnostics.iter().find(|d| d.code == *code).unwrap();
                assert!(
                    d.position.is_some_and(|p| p.line > 0 && p.column > 0),
                    "{name}: unlocated"
                );
                let is_warning = d.severity == orgsync::spec::Severity::Warning;
                assert_eq!(
                    report.is_valid(),
                    is_warning && report.error_count() == 0,
                    "{name}: validity"
                );
            }
            None => assert!(
                found.is_empty(),
                "{name}: expected no diagnostics, got {found:?}"
            ),
        }
    }
}

#[test]
fn examples_are_valid_and_compile() {
    for ex in [ONE, TWO, PARTNER] {
        let text = example(ex);
        assert!(
            text.starts_with("# yaml-language-server: $schema=../schemas/orgsync.v1.schema.json\n")
        );
        let outcome = orgsync::spec::check_source(ex, text, std::path::Path::new("examples"));
        assert!(
            outcome.report.diagnostics.is_empty(),
            "{ex}: {:?}",
            outcome.report.diagnostics
        );
        let spec = outcome.spec.unwrap();
        assert!(!spec.objects.is_empty());
    }
}

#[test]
fn compiled_spec_applies_defaults_and_parses_values() {
    use orgsync::spec::model::{AuthSpec, Since};
    let spec =
        orgsync::spec::check_source("x", example(PARTNER), std::path::Path::new("/etc/orgsync"))
            .spec
            .unwrap();
    assert_eq!(spec.name, "acme-partner-globex");
    assert_eq!(spec.primary.api_version, "62.0");
    assert_eq!(
        spec.records.poll_interval,
        std::time::Duration::from_secs(300)
    );
    assert_eq!(spec.records.api_budget_percent, 10.0);
    assert_eq!(spec.records.retry.max_attempts, 6);
    assert_eq!(spec.state.url, "sqlite://.orgsync/acme-partner-globex.db");
    match &spec.secondary.auth {
        AuthSpec::SfdxAuthUrl { sfdx_auth_url } => assert_eq!(
            *sfdx_auth_url,
            orgsync::spec::SecretRef::File("/etc/orgsync/secrets/globex.sfdx-url".into())
        ),
        other => panic!("unexpected auth {other:?}"),
    }
    let lead = spec.objects.iter().find(|o| o.name == "Lead").unwrap();
    assert!(!lead.auto_accept);
    let two = orgsync::spec::check_source("x", example(TWO), std::path::Path::new("."))
        .spec
        .unwrap();
    assert_eq!(
        two.records.bulk_sync_since,
        Some(Since::Date(
            chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap()
        ))
    );
}

#[test]
fn all_problems_are_reported_at_once_sorted() {
    let text = edit(
        &edit(
            &edit(
                &example(TWO),
                "    direction: two-way",
                "    directon: two-way",
            ),
            "pollInterval: 1m",
            "pollInterval: 1s",
        ),
        "Region__c: Sales_Region__c",
        "Rating: Sales_Region__c",
    );
    let report = check(&text);
    assert_eq!(codes(&report).len(), 3, "{:?}", codes(&report));
    let lines: Vec<usize> = report
        .diagnostics
        .iter()
        .map(|d| d.position.unwrap().line)
        .collect();
    let mut sorted = lines.clone();
    sorted.sort();
    assert_eq!(lines, sorted);
}

#[test]
fn filter_errors_point_inside_the_string() {
    let text = edit(
        &example(TWO),
        "filter: \"CloseDate >= LAST_N_DAYS:90\"",
        "filter: \"CloseDate >= Soon\"",
    );
    let report = check(&text);
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.code == "invalid-filter")
        .unwrap();
    let line = text.lines().nth(d.position.unwrap().line - 1).unwrap();
    let col = d.position.unwrap().column;
    assert_eq!(&line[col - 1..col - 1 + 4], "Soon");
}
