//! Golden tests of the three plan views (text without colour, markdown, JSON) for typical plans,
//! colour behaviour, and markdown splitting.

mod plan_support;

use orgsync::plan::view::{json, markdown, text};
use orgsync::plan::{Plan, check};
use plan_support::{blocking, empty, first_apply, giant_diff, long_diff};

fn plain(plan: &Plan) -> String {
    anstream::adapter::strip_str(&text::render(plan)).to_string()
}

fn all_views(name: &str, plan: &Plan) {
    assert_eq!(check(plan), vec![], "{name} fixture must be a sound plan");
    insta::assert_snapshot!(format!("{name}_text"), plain(plan));
    insta::assert_snapshot!(format!("{name}_markdown"), markdown::render(plan));
    insta::assert_snapshot!(
        format!("{name}_json"),
        json::to_string_pretty(plan).unwrap()
    );
}

#[test]
fn empty_plan_views() {
    let plan = empty();
    assert!(plan.is_empty());
    assert_eq!(plain(&plan), format!("{}\n", text::NO_CHANGES));
    all_views("empty", &plan);
}

#[test]
fn first_apply_views() {
    let plan = first_apply();
    assert!(!plan.is_empty());
    assert!(!plan.is_blocked());
    all_views("first_apply", &plan);
}

#[test]
fn blocking_views() {
    let plan = blocking();
    assert!(plan.is_blocked());
    assert_eq!(plan.summary.blocking, 4);
    assert!(
        plain(&plan)
            .contains("1 to create, 0 to update, 0 to remove, 6 need attention (4 block apply)")
    );
    all_views("blocking", &plan);
}

#[test]
fn long_diff_views() {
    all_views("long_diff", &long_diff());
}

#[test]
fn text_colours_by_action_and_strips_cleanly() {
    let plan = first_apply();
    let styled = text::render(&plan);
    assert!(styled.contains("\u{1b}[32m+\u{1b}[39m"), "create is green");
    assert!(styled.contains("\u{1b}[33m~\u{1b}[39m"), "update is yellow");
    assert!(styled.contains("\u{1b}[31m-\u{1b}[39m"), "delete is red");
    let blocked = text::render(&blocking());
    assert!(blocked.contains("\u{1b}[1m\u{1b}[31m!") || blocked.contains("\u{1b}[31m\u{1b}[1m!"));
    assert!(!plain(&plan).contains('\u{1b}'));
}

#[test]
fn markdown_and_json_have_no_ansi() {
    for plan in [first_apply(), blocking(), long_diff()] {
        assert!(!markdown::render(&plan).contains('\u{1b}'));
        assert!(!json::to_string_pretty(&plan).unwrap().contains('\u{1b}'));
    }
}

#[test]
fn json_opens_with_format_version() {
    let text = json::to_string_pretty(&first_apply()).unwrap();
    assert!(text.starts_with("{\n  \"formatVersion\": 1,"));
}

/// Fences and details blocks open and close within one part.
fn assert_balanced(part: &str) {
    let fences = part.lines().filter(|l| l.starts_with("```")).count();
    assert_eq!(fences % 2, 0, "unbalanced fences in:\n{part}");
    assert_eq!(
        part.matches("<details>").count(),
        part.matches("</details>").count(),
        "unbalanced details in:\n{part}"
    );
}

#[test]
fn markdown_splits_into_numbered_parts_within_the_limit() {
    let max = 3_000;
    let plan = long_diff();
    let whole = markdown::render(&plan);
    assert!(
        whole.chars().count() > max,
        "the fixture must need splitting"
    );
    let parts = markdown::parts(&plan, max);
    let n = parts.len();
    assert!(n >= 3, "expected several parts, got {n}");
    for (i, part) in parts.iter().enumerate() {
        assert!(
            part.chars().count() <= max,
            "part {} is {} chars",
            i + 1,
            part.chars().count()
        );
        assert!(part.starts_with(&format!("<sub>orgsync plan, part {} of {n}</sub>", i + 1)));
        assert_balanced(part);
    }
    assert!(parts[0].contains("## orgsync plan for `acme-continuity`"));
    // Split on change boundaries: each change's summary line appears exactly once overall.
    let joined = parts.concat();
    assert_eq!(joined.matches("update Apex class").count(), 1);
    assert_eq!(joined.matches("insert layout").count(), 1);
    // The diff that did not fit is cut with a note, not split.
    assert!(joined.contains("not shown; run `orgsync plan` to see the whole diff."));
}

#[test]
fn markdown_small_plan_is_one_unnumbered_part() {
    let parts = markdown::parts(&first_apply(), markdown::DEFAULT_MAX_CHARS);
    assert_eq!(parts.len(), 1);
    assert!(!parts[0].contains("part 1 of"));
    assert_eq!(parts[0], markdown::render(&first_apply()));
}

#[test]
fn markdown_truncates_a_single_giant_diff() {
    let plan = giant_diff(20_000);
    let max = 10_000;
    let parts = markdown::parts(&plan, max);
    assert!(!parts.is_empty());
    for part in &parts {
        assert!(part.chars().count() <= max);
        assert_balanced(part);
    }
    let joined = parts.concat();
    assert_eq!(joined.matches("update Apex class").count(), 1);
    assert!(joined.contains("more lines not shown"));
    // The whole-document view also fits GitHub's limit by default parts.
    for part in markdown::parts(&plan, markdown::DEFAULT_MAX_CHARS) {
        assert!(part.chars().count() <= markdown::DEFAULT_MAX_CHARS);
        assert_balanced(&part);
    }
}

#[test]
fn markdown_raises_a_tiny_limit_to_the_minimum() {
    let parts = markdown::parts(&first_apply(), 10);
    for part in &parts {
        assert!(part.chars().count() <= markdown::MIN_PART_CHARS);
        assert_balanced(part);
    }
    assert!(parts.len() > 1);
}

#[test]
fn markdown_parts_continue_area_headings() {
    let parts = markdown::parts(&first_apply(), markdown::MIN_PART_CHARS);
    assert!(parts.len() >= 2);
    for part in &parts {
        assert!(part.chars().count() <= markdown::MIN_PART_CHARS);
        assert_balanced(part);
    }
    insta::assert_snapshot!("first_apply_parts", parts.join("\n<!-- next comment -->\n"));
}

#[test]
fn printed_formats() {
    use orgsync::output::plan::{PART_SEPARATOR, PlanFormat, render};
    let plan = long_diff();
    assert_eq!(
        render(&plan, PlanFormat::Text).unwrap(),
        text::render(&plan)
    );
    assert_eq!(
        render(&plan, PlanFormat::Json).unwrap(),
        json::to_string_pretty(&plan).unwrap()
    );
    // Markdown on stdout is the comment parts, one separator line between them.
    let big = giant_diff(3_000);
    let printed = render(&big, PlanFormat::Markdown).unwrap();
    let parts = markdown::parts(&big, markdown::DEFAULT_MAX_CHARS);
    assert!(parts.len() >= 2);
    assert_eq!(printed.matches(PART_SEPARATOR).count(), parts.len() - 1);
    for piece in printed.split(&format!("\n{PART_SEPARATOR}\n")) {
        assert!(piece.chars().count() <= markdown::DEFAULT_MAX_CHARS);
    }
}
