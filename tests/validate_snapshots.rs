//! Snapshots of what people read: text, JSON and GitHub renderings of malformed specs.

#[path = "common/spec.rs"]
mod spec_common;

use orgsync::output::diagnostics::{render_github, to_json};
use spec_common::{check, edit, example, text};

fn malformed() -> String {
    let t = example("two-way-field-maps");
    let t = edit(&t, "    direction: two-way", "    directon: two-way");
    let t = edit(
        &t,
        "clientSecret: {env: SECONDARY_CLIENT_SECRET}",
        "clientSecret: not-for-your-eyes",
    );
    let t = edit(
        &t,
        "[FirstName, LastName,",
        "[FirstName, CreatedDate, LastName, FirstName,",
    );
    let t = edit(
        &t,
        "filter: \"CloseDate >= LAST_N_DAYS:90\"",
        "filter: \"CloseDate >= LAST_N_DAYZ:90\"",
    );
    let t = edit(&t, "    Contact:\n", "    FeedItem:\n");
    let t = edit(&t, "pollInterval: 1m", "pollInterval: 3s");
    edit(&t, "apiBudget: 40%", "apiBudget: 140%")
}

#[test]
fn text_rendering() {
    let report = check(&malformed());
    let out = text(&report);
    assert!(!out.contains("not-for-your-eyes"));
    insta::assert_snapshot!(out);
}

#[test]
fn json_rendering() {
    insta::assert_json_snapshot!(to_json(&check(&malformed())));
}

#[test]
fn github_rendering() {
    insta::assert_snapshot!(render_github(&check(&malformed())));
}

#[test]
fn yaml_damage_renderings() {
    let t = edit(
        &example("partner-inbox"),
        "    type: partner\n",
        "    type: partner\n\t owner: x\n",
    );
    let report = check(&t);
    insta::assert_snapshot!("tab", text(&report));
    let t = edit(
        &example("partner-inbox"),
        "fields: [Name, StageName, CloseDate, Amount]",
        "fields: [Name, StageName",
    );
    insta::assert_snapshot!("unclosed", text(&check(&t)));
    let t = edit(
        &example("partner-inbox"),
        "apiVersion: orgsync.dev/v1",
        "apiVersion: orgsync.dev/v0",
    );
    insta::assert_snapshot!("version", text(&check(&t)));
}
