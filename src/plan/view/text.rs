//! The text view: grouped by area, one line per change with its symbol, the reason dimmed below,
//! details indented, and a summary line. Carries ANSI styles (`+` green, `~` yellow, `-` red,
//! `!` bold red); the [`crate::output::Printer`] strips them when colour is off or `NO_COLOR` is
//! set.

use owo_colors::OwoColorize;

use super::{api_line, count, counts, percent_plain, thousands, verdict};
use crate::plan::detail::Detail;
use crate::plan::diff::sanitise;
use crate::plan::forecast::{OrgForecast, Verdict};
use crate::plan::model::{Action, Area, Change, Plan};

/// Widest target column before summaries stop aligning.
const MAX_TARGET_WIDTH: usize = 40;
/// Indent of reasons and details.
const INDENT: &str = "      ";

/// The message of a plan with no changes at all.
pub const NO_CHANGES: &str = "No changes. The connection matches the spec.";

/// Render `plan` for a terminal (with ANSI styles).
pub fn render(plan: &Plan) -> String {
    if plan.changes.is_empty() {
        return format!("{}\n", NO_CHANGES.green().bold());
    }
    let mut out = String::new();
    for area in Area::ALL {
        let changes: Vec<&Change> = plan.in_area(area).collect();
        if changes.is_empty() && area != Area::ApiBudget {
            continue;
        }
        out.push_str(&format!("{}\n", area.title().bold()));
        if area == Area::ApiBudget {
            budget_lines(&mut out, plan);
        }
        let width = changes
            .iter()
            .map(|c| c.target.label().chars().count())
            .max()
            .unwrap_or(0)
            .min(MAX_TARGET_WIDTH);
        for c in changes {
            change(&mut out, c, width);
        }
        out.push('\n');
    }
    let line = format!(
        "Plan: {}. {}.",
        counts(&plan.summary),
        api_line(&plan.forecast)
    );
    out.push_str(&format!("{}\n", line.bold()));
    out
}

fn symbol(action: Action) -> String {
    let s = action.symbol().to_string();
    match action {
        Action::Create => s.green().to_string(),
        Action::Update => s.yellow().to_string(),
        Action::Delete => s.red().to_string(),
        Action::Attention => s.red().bold().to_string(),
    }
}

fn change(out: &mut String, c: &Change, width: usize) {
    let label = c.target.label();
    let mut line = format!("  {} {:<9}  ", symbol(c.action), c.target.org.label());
    if width > 0 {
        line.push_str(&format!("{label:<width$}  "));
    }
    line.push_str(&sanitise(&c.summary));
    if let Some(records) = c.record_impact {
        line.push_str(&format!(" ({})", count(records, "record", "records")));
    }
    if c.blocking {
        line.push_str(&format!("  {}", "[blocks apply]".red().bold()));
    }
    out.push_str(line.trim_end());
    out.push('\n');
    let mut why = sanitise(&c.reason.text);
    if let Some(path) = &c.reason.spec_path {
        why.push_str(&format!(" ({})", sanitise(path)));
    }
    out.push_str(&format!("{INDENT}{}\n", why.dimmed()));
    if let Some(hint) = c.problem.as_ref().and_then(|p| p.hint.as_deref()) {
        out.push_str(&format!(
            "{INDENT}{} {}\n",
            "hint:".cyan().bold(),
            sanitise(hint)
        ));
    }
    match &c.detail {
        Some(Detail::Attributes { attributes }) => {
            for a in attributes {
                out.push_str(&format!("{INDENT}{}\n", a.render()));
            }
        }
        Some(Detail::Diff { diff }) => {
            for l in &diff.lines {
                out.push_str(INDENT);
                out.push_str(&diff_line(&sanitise(l)));
                out.push('\n');
            }
            if diff.is_truncated() {
                let more = count(diff.omitted_lines, "more diff line", "more diff lines");
                out.push_str(&format!(
                    "{INDENT}{}\n",
                    format!("… {more} not shown").dimmed()
                ));
            }
        }
        None => {}
    }
}

fn diff_line(l: &str) -> String {
    if l.starts_with("+++") || l.starts_with("---") {
        l.bold().to_string()
    } else if l.starts_with("@@") {
        l.cyan().to_string()
    } else if l.starts_with('+') {
        l.green().to_string()
    } else if l.starts_with('-') {
        l.red().to_string()
    } else {
        l.to_owned()
    }
}

fn budget_lines(out: &mut String, plan: &Plan) {
    let f = &plan.forecast;
    for (label, org) in [("primary", &f.primary), ("secondary", &f.secondary)] {
        let symbol = if org.verdict == Verdict::Within {
            " ".to_owned()
        } else {
            symbol(Action::Attention)
        };
        out.push_str(&format!(
            "  {symbol} {label:<9}  {}\n",
            forecast_line(org, f.budget_percent)
        ));
    }
}

/// `~35 calls (apply 11, first bulk sync 24); 14,990 remaining today; budget 3,750 (25%): within budget`
fn forecast_line(f: &OrgForecast, budget_percent: f64) -> String {
    format!(
        "~{} (apply {}, first bulk sync {}); {} remaining today; budget {} ({}): {}",
        count(f.total(), "call", "calls"),
        thousands(f.apply_calls),
        thousands(f.bulk_sync_calls),
        thousands(f.remaining),
        thousands(f.budget_calls),
        percent_plain(budget_percent),
        verdict(f.verdict)
    )
}
