//! The markdown view for a pull-request comment: a heading, a summary and forecast table,
//! per-area sections, and each body diff in a collapsible `<details>` block with a ```` ```diff ````
//! fence. No ANSI codes.
//!
//! GitHub rejects comments longer than 65,536 characters, so [`parts`] splits a long plan on
//! change boundaries into numbered parts, each at most `max_chars` characters (counted as
//! Unicode scalar values). A single change whose diff alone would not fit has its diff cut to
//! fit, with a note, rather than being split mid-fence. `max_chars` below [`MIN_PART_CHARS`] is
//! raised to it.

use super::{count, counts, percent_plain, thousands, verdict};
use crate::plan::detail::Detail;
use crate::plan::diff::BodyDiff;
use crate::plan::model::{Area, Change, Plan};

/// GitHub's comment limit with a margin.
pub const DEFAULT_MAX_CHARS: usize = 65_000;
/// The smallest part size honoured.
pub const MIN_PART_CHARS: usize = 2_000;

/// The whole plan as one markdown document.
pub fn render(plan: &Plan) -> String {
    parts(plan, usize::MAX).concat()
}

/// The plan as numbered comment parts of at most `max_chars` characters each.
pub fn parts(plan: &Plan, max_chars: usize) -> Vec<String> {
    let max = max_chars.max(MIN_PART_CHARS);
    let head = head(plan);
    if plan.changes.is_empty() {
        return vec![head];
    }
    // Room for the widest "Part n of n" line this plan could need.
    let reserve = len(&part_line(plan.changes.len() + 1, plan.changes.len() + 1));
    let body_max = max.saturating_sub(reserve);
    let mut parts = Vec::new();
    let mut current = head;
    for area in Area::ALL {
        let mut started = false;
        for change in plan.in_area(area) {
            let heading = |continued: bool| {
                let tail = if continued { " (continued)" } else { "" };
                format!("### {}{tail}\n\n", area.title())
            };
            let block = fit(change, body_max.saturating_sub(len(&heading(true))));
            let needs_heading = !started || current.is_empty();
            let heading_text = if needs_heading {
                heading(started)
            } else {
                String::new()
            };
            if !current.is_empty() && len(&current) + len(&heading_text) + len(&block) > body_max {
                parts.push(std::mem::take(&mut current));
                current.push_str(&heading(started));
            } else {
                current.push_str(&heading_text);
            }
            current.push_str(&block);
            started = true;
        }
    }
    parts.push(current);
    let n = parts.len();
    if n == 1 {
        return parts;
    }
    parts
        .into_iter()
        .enumerate()
        .map(|(i, p)| format!("{}{p}", part_line(i + 1, n)))
        .collect()
}

fn len(s: &str) -> usize {
    s.chars().count()
}

fn part_line(i: usize, n: usize) -> String {
    format!("<sub>orgsync plan, part {i} of {n}</sub>\n\n")
}

fn head(plan: &Plan) -> String {
    let mut out = format!("## orgsync plan for {}\n\n", code(plan.connection.as_str()));
    if plan.changes.is_empty() {
        out.push_str("**No changes.** The connection matches the spec.\n");
        return out;
    }
    out.push_str(&format!("**Plan: {}.**\n\n", counts(&plan.summary)));
    let f = &plan.forecast;
    out.push_str(&format!(
        "| org | apply calls | first bulk sync calls | remaining today | budget ({}) | verdict |\n",
        percent_plain(f.budget_percent)
    ));
    out.push_str("|---|--:|--:|--:|--:|---|\n");
    for (label, o) in [("primary", &f.primary), ("secondary", &f.secondary)] {
        out.push_str(&format!(
            "| {label} | ~{} | ~{} | {} | {} | {} |\n",
            thousands(o.apply_calls),
            thousands(o.bulk_sync_calls),
            thousands(o.remaining),
            thousands(o.budget_calls),
            verdict(o.verdict)
        ));
    }
    out.push('\n');
    out
}

/// Render a change, cutting its diff until the block fits in `room` characters.
fn fit(change: &Change, room: usize) -> String {
    let block = render_change(change, None);
    if len(&block) <= room {
        return block;
    }
    let Some(Detail::Diff { diff }) = &change.detail else {
        return cut(&block, room);
    };
    // The largest number of diff lines that fits (binary search; 0 lines always tried).
    let (mut lo, mut hi) = (0usize, diff.lines.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if len(&render_change(change, Some(&diff.truncated(mid)))) <= room {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    let block = render_change(change, Some(&diff.truncated(lo)));
    if len(&block) <= room {
        block
    } else {
        cut(&render_change_without_detail(change), room)
    }
}

/// Last resort for pathological wording: cut plain text (no fences) at `room` characters.
fn cut(block: &str, room: usize) -> String {
    let keep = room.saturating_sub(3);
    let mut s: String = block.chars().take(keep).collect();
    s.push_str("…\n\n");
    s
}

fn render_change_without_detail(change: &Change) -> String {
    let mut c = change.clone();
    c.detail = None;
    render_change(&c, None)
}

fn render_change(c: &Change, diff_override: Option<&BodyDiff>) -> String {
    let label = c.target.label();
    let mut out = format!("**`{}`** {}", c.action.symbol(), c.target.org.label());
    if !label.is_empty() {
        out.push_str(&format!(" {}", code(&label)));
    }
    out.push_str(&format!(" — {}", escape(&c.summary)));
    if let Some(records) = c.record_impact {
        out.push_str(&format!(" ({})", count(records, "record", "records")));
    }
    if c.blocking {
        out.push_str(" **(blocks apply)**");
    }
    out.push_str("<br>\n");
    let mut why = escape(&c.reason.text);
    if let Some(path) = &c.reason.spec_path {
        why.push_str(&format!(" · {}", code(path)));
    }
    out.push_str(&format!("<sub>{why}</sub>"));
    if let Some(p) = &c.problem {
        out.push_str(&format!("<br>\n<sub>rule {}", code(p.rule.code())));
        if let Some(hint) = &p.hint {
            out.push_str(&format!(" · hint: {}", escape(hint)));
        }
        out.push_str("</sub>");
    }
    out.push_str("\n\n");
    match &c.detail {
        Some(Detail::Attributes { attributes }) => {
            for a in attributes {
                out.push_str(&format!("- {}\n", escape(&a.render())));
            }
            out.push('\n');
        }
        Some(Detail::Diff { diff }) => diff_block(&mut out, diff_override.unwrap_or(diff)),
        None => {}
    }
    out
}

fn diff_block(out: &mut String, diff: &BodyDiff) {
    out.push_str(&format!(
        "<details><summary>diff (+{} −{})</summary>\n\n",
        thousands(diff.added),
        thousands(diff.removed)
    ));
    if !diff.lines.is_empty() {
        let fence = "`".repeat(longest_backtick_run(&diff.lines).max(2) + 1);
        out.push_str(&format!("{fence}diff\n"));
        for l in &diff.lines {
            out.push_str(l);
            out.push('\n');
        }
        out.push_str(&format!("{fence}\n\n"));
    }
    if diff.is_truncated() {
        out.push_str(&format!(
            "_{} not shown; run `orgsync plan` to see the whole diff._\n\n",
            count(diff.omitted_lines, "more line", "more lines")
        ));
    }
    out.push_str("</details>\n\n");
}

fn longest_backtick_run(lines: &[String]) -> usize {
    lines
        .iter()
        .flat_map(|l| l.split(|c| c != '`'))
        .map(str::len)
        .max()
        .unwrap_or(0)
}

/// A code span that survives backticks and table pipes in the text.
fn code(text: &str) -> String {
    let ticks = "`".repeat(longest_backtick_run(&[text.to_owned()]) + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{ticks}{pad}{}{pad}{ticks}", text.replace('|', "\\|"))
}

/// Escape markdown and HTML in prose.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '#' => {
                out.push('\\');
                out.push(ch);
            }
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_code_spans() {
        assert_eq!(escape("a_b <x> | *y*"), "a\\_b &lt;x&gt; \\| \\*y\\*");
        assert_eq!(code("Account.Phone"), "`Account.Phone`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(longest_backtick_run(&["x ``` y `".to_owned()]), 3);
    }
}
