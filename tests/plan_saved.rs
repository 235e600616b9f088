//! Saved plans: a round trip through `saved::write/read`, clear errors for files that are not
//! (current, sound) plans, staleness for each kind of change, and the spec fingerprint.

mod plan_support;

use std::path::Path;

use orgsync::plan::saved::{self, Changed, SavedPlanError};
use orgsync::plan::{FORMAT_VERSION, fingerprint};
use plan_support::{blocking, empty, first_apply, fp, long_diff};

#[test]
fn round_trip_through_a_file() {
    let dir = tempfile::tempdir().unwrap();
    for (i, plan) in [empty(), first_apply(), blocking(), long_diff()]
        .into_iter()
        .enumerate()
    {
        let path = dir.path().join(format!("plan-{i}.json"));
        saved::write(&path, &plan).unwrap();
        assert_eq!(saved::read(&path).unwrap(), plan);
        assert!(
            !dir.path()
                .join(format!("plan-{i}.json.orgsync-tmp"))
                .exists()
        );
    }
}

fn parse(text: &str) -> Result<orgsync::plan::Plan, SavedPlanError> {
    saved::parse(Path::new("plan.json"), text.as_bytes())
}

#[test]
fn refuses_files_that_are_not_plans() {
    for text in ["", "not json", "[1, 2]", "{\"changes\": []}"] {
        let err = parse(text).unwrap_err();
        assert!(
            matches!(err, SavedPlanError::NotAPlan { .. }),
            "{text}: {err:?}"
        );
        assert_eq!(
            err.to_string(),
            "`plan.json` is not an orgsync plan file (expected JSON with a `formatVersion`); make one with `orgsync plan --out FILE`"
        );
    }
}

#[test]
fn refuses_other_format_versions() {
    let err = parse("{\"formatVersion\": 2}").unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "`plan.json` has plan format version 2, but this orgsync reads version {FORMAT_VERSION}; make the plan again with this orgsync"
        )
    );
    let err = parse("{\"formatVersion\": \"1\"}").unwrap_err();
    assert!(matches!(err, SavedPlanError::UnsupportedVersion { .. }));
}

#[test]
fn refuses_malformed_and_edited_plans() {
    let mut value = orgsync::plan::view::json::to_value(&first_apply()).unwrap();
    value["surprise"] = serde_json::json!(true);
    let err = parse(&value.to_string()).unwrap_err();
    assert!(matches!(err, SavedPlanError::Malformed { .. }), "{err:?}");

    let mut value = orgsync::plan::view::json::to_value(&first_apply()).unwrap();
    value["specFingerprint"] = serde_json::json!("not-hex");
    assert!(matches!(
        parse(&value.to_string()),
        Err(SavedPlanError::Malformed { .. })
    ));

    // A hand edit that keeps the format but breaks an invariant (counts no longer match).
    let mut value = orgsync::plan::view::json::to_value(&first_apply()).unwrap();
    value["summary"]["create"] = serde_json::json!(0);
    let err = parse(&value.to_string()).unwrap_err();
    assert!(matches!(err, SavedPlanError::Invalid { .. }));
    assert!(
        err.to_string()
            .contains("the summary counts do not match the changes")
    );
}

#[test]
fn write_refuses_an_unsound_plan() {
    let dir = tempfile::tempdir().unwrap();
    let mut plan = first_apply();
    plan.changes.reverse();
    let path = dir.path().join("plan.json");
    assert!(matches!(
        saved::write(&path, &plan),
        Err(SavedPlanError::Invalid { .. })
    ));
    assert!(!path.exists());
}

#[test]
fn read_reports_a_missing_file() {
    let err = saved::read(Path::new("/nonexistent/orgsync/plan.json")).unwrap_err();
    assert!(matches!(err, SavedPlanError::Read { .. }));
}

#[test]
fn staleness_for_each_kind_of_change() {
    let plan = first_apply();
    let (spec, primary, secondary) = (fp("spec"), fp("primary"), fp("secondary"));
    assert_eq!(
        saved::staleness(&plan, &spec, &primary, &secondary, Some(4)),
        None
    );

    let changed = |s, p, q, g| {
        saved::staleness(&plan, s, p, q, g)
            .map(|stale| stale.changed)
            .unwrap_or_default()
    };
    let other = fp("other");
    assert_eq!(
        changed(&other, &primary, &secondary, Some(4)),
        [Changed::Spec]
    );
    assert_eq!(
        changed(&spec, &other, &secondary, Some(4)),
        [Changed::Primary]
    );
    assert_eq!(
        changed(&spec, &primary, &other, Some(4)),
        [Changed::Secondary]
    );
    assert_eq!(
        changed(&spec, &primary, &secondary, Some(5)),
        [Changed::State]
    );
    assert_eq!(changed(&spec, &primary, &secondary, None), [Changed::State]);

    let all = saved::staleness(&plan, &other, &other, &other, Some(5)).unwrap();
    assert_eq!(
        all.to_string(),
        "the saved plan is stale: the spec, the primary org, the secondary org and the state store \
         (another apply ran) changed since it was made; run `orgsync plan --out FILE` again"
    );
    let one = saved::staleness(&plan, &spec, &other, &secondary, Some(4)).unwrap();
    assert_eq!(
        one.to_string(),
        "the saved plan is stale: the primary org changed since it was made; run `orgsync plan --out FILE` again"
    );
}

fn compiled(text: &str) -> orgsync::spec::Spec {
    let outcome = orgsync::spec::check_source("orgsync.yaml", text.to_owned(), Path::new("."));
    assert!(
        outcome.report.diagnostics.is_empty(),
        "{:#?}",
        outcome.report.diagnostics
    );
    outcome.spec.unwrap()
}

fn example() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/continuity-one-way.yaml"
    ))
    .unwrap()
}

#[test]
fn spec_fingerprint_is_stable_and_follows_the_spec() {
    let text = example();
    let a = fingerprint::spec(&compiled(&text));
    assert_eq!(a, fingerprint::spec(&compiled(&text)));
    // Comments and formatting do not matter: the compiled spec does.
    let reformatted =
        format!("# a new comment\n{text}").replace("pollInterval: 30s", "pollInterval: 30s   ");
    assert_eq!(a, fingerprint::spec(&compiled(&reformatted)));
    // Any setting does.
    for (from, to) in [
        ("apiBudget: 25%", "apiBudget: 20%"),
        ("exclude: [Rating]", "exclude: [Rating, Site]"),
        (
            "clientSecret: {env: DR_CLIENT_SECRET}",
            "clientSecret: {env: DR_SECRET_2}",
        ),
        ("default: primary-only", "default: mirror"),
    ] {
        assert!(text.contains(from), "{from}");
        let edited = fingerprint::spec(&compiled(&text.replacen(from, to, 1)));
        assert_ne!(a, edited, "{from} → {to}");
    }
}
