//! Unified diffs of metadata bodies (Apex, layouts) via `similar`, capped in lines so one giant
//! class cannot drown the plan.
//!
//! Bodies are compared with line endings normalised (`\r\n` → `\n`), so a change of line endings
//! alone shows no lines. Control characters other than tab become `�` in the stored lines, so a
//! body cannot smuggle terminal escape sequences into the text view.

use serde::{Deserialize, Serialize};
use similar::{ChangeTag, TextDiff};

/// The default cap on stored diff lines per body.
pub const DEFAULT_MAX_LINES: usize = 400;

/// Lines of context around each change.
const CONTEXT: usize = 3;

/// A unified diff of one metadata body, ready to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BodyDiff {
    /// Lines added (over the whole diff, shown or not).
    pub added: u64,
    /// Lines removed (over the whole diff, shown or not).
    pub removed: u64,
    /// The unified diff (`---`/`+++` header, `@@` hunks), one entry per line, without newlines.
    pub lines: Vec<String>,
    /// Diff lines cut off by the line cap.
    pub omitted_lines: u64,
}

impl BodyDiff {
    /// Whether the diff was cut.
    pub fn is_truncated(&self) -> bool {
        self.omitted_lines > 0
    }

    /// The same diff keeping at most `max_lines` lines.
    pub fn truncated(&self, max_lines: usize) -> BodyDiff {
        if self.lines.len() <= max_lines {
            return self.clone();
        }
        let cut = (self.lines.len() - max_lines) as u64;
        BodyDiff {
            added: self.added,
            removed: self.removed,
            lines: self.lines[..max_lines].to_vec(),
            omitted_lines: self.omitted_lines.saturating_add(cut),
        }
    }
}

/// Diff `old` (absent for a new component) against `new`, labelling the sides (`secondary`,
/// `primary`), keeping at most `max_lines` lines.
pub fn unified(
    old: Option<&str>,
    new: &str,
    old_label: &str,
    new_label: &str,
    max_lines: usize,
) -> BodyDiff {
    let old = old.map(normalise).unwrap_or_default();
    let new = normalise(new);
    let diff = TextDiff::from_lines(&old, &new);
    let (mut added, mut removed) = (0u64, 0u64);
    for change in diff.iter_all_changes() {
        match change.tag() {
            ChangeTag::Insert => added += 1,
            ChangeTag::Delete => removed += 1,
            ChangeTag::Equal => {}
        }
    }
    let text = diff
        .unified_diff()
        .context_radius(CONTEXT)
        .header(old_label, new_label)
        .to_string();
    let lines: Vec<String> = if added == 0 && removed == 0 {
        Vec::new()
    } else {
        text.lines().map(sanitise).collect()
    };
    BodyDiff {
        added,
        removed,
        lines,
        omitted_lines: 0,
    }
    .truncated(max_lines)
}

fn normalise(text: &str) -> String {
    text.replace("\r\n", "\n")
}

/// Replace control characters other than tab with `�`.
pub fn sanitise(line: &str) -> String {
    line.chars()
        .map(|c| {
            if c.is_control() && c != '\t' {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_counts_and_headers() {
        let d = unified(
            Some("a\nb\nc\n"),
            "a\nB\nc\nd\n",
            "secondary",
            "primary",
            100,
        );
        assert_eq!((d.added, d.removed), (2, 1));
        assert_eq!(d.lines[0], "--- secondary");
        assert_eq!(d.lines[1], "+++ primary");
        assert!(d.lines.iter().any(|l| l == "+B"));
        assert!(d.lines.iter().any(|l| l == "-b"));
        assert!(!d.is_truncated());
    }

    #[test]
    fn new_body_is_all_additions_and_capped() {
        let body: String = (0..50).map(|i| format!("line {i}\n")).collect();
        let d = unified(None, &body, "secondary", "primary", 10);
        assert_eq!(d.added, 50);
        assert_eq!(d.lines.len(), 10);
        assert_eq!(d.omitted_lines, 53 - 10);
    }

    #[test]
    fn line_endings_and_escapes() {
        let d = unified(Some("a\r\nb\r\n"), "a\nb\n", "s", "p", 10);
        assert!(d.lines.is_empty());
        let d = unified(Some("a\n"), "a\n\u{1b}[31mred\n", "s", "p", 10);
        assert!(d.lines.iter().all(|l| !l.contains('\u{1b}')));
        assert!(d.lines.iter().any(|l| l.contains('\u{FFFD}')));
    }
}
