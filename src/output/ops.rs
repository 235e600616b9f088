//! Printing the store-only operations commands: `status`, `log`, `queue`, `replay`, `suspend`
//! and `resume`.
//!
//! Text is a compact aligned table (styles applied after padding, so columns line up with and
//! without colour) plus a few sentences; times are UTC (`2026-12-06 04:41:23Z`) with a relative
//! age (`3 min ago`). `--format json` prints one document with `"formatVersion": 1`, camelCase
//! keys and RFC 3339 instants (milliseconds, `Z`); its shape only ever grows.
//!
//! Nothing printed here holds a record's field values: the store keeps record IDs, error codes
//! and messages the engine scrubbed of values. Text that came from outside (operator reasons,
//! error messages) has control characters replaced, so it cannot restyle the terminal.
//!
//! | file | prints |
//! |---|---|
//! | `ops/status.rs` | `status` |
//! | `ops/records.rs` | `log` and `queue` |
//! | `ops/control.rs` | `replay`, `suspend`, `resume`, and the notes these commands share |

mod control;
mod records;
mod status;

pub use control::{replayed, resumed, suspended, unknown_object};
pub use records::{log, queue};
pub use status::status;

use chrono::{DateTime, SecondsFormat, Utc};
use owo_colors::OwoColorize;

/// How an operations command prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum OpsFormat {
    /// Aligned text for people.
    #[default]
    Text,
    /// A JSON document with `formatVersion`.
    Json,
}

/// The JSON format version of every operations command.
const FORMAT_VERSION: u32 = 1;

fn datetime(ms: i64) -> Option<DateTime<Utc>> {
    DateTime::<Utc>::from_timestamp_millis(ms)
}

/// `2026-12-06 04:41:23Z` (`-` for an instant out of range).
pub fn utc(ms: i64) -> String {
    datetime(ms).map_or_else(
        || "-".to_owned(),
        |t| t.format("%Y-%m-%d %H:%M:%SZ").to_string(),
    )
}

/// RFC 3339 with milliseconds, for JSON (`None` out of range).
pub fn rfc3339(ms: i64) -> Option<String> {
    datetime(ms).map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true))
}

/// A span in the largest whole unit that fits: `45 s`, `3 min`, `5 h`, `12 d`.
fn span(ms: i64) -> String {
    let secs = ms.unsigned_abs() / 1000;
    match secs {
        0..60 => format!("{secs} s"),
        60..3_600 => format!("{} min", secs / 60),
        3_600..172_800 => format!("{} h", secs / 3_600),
        _ => format!("{} d", secs / 86_400),
    }
}

/// The age of `at_ms` seen from `now_ms`: `just now`, `3 min ago`, or `in 2 h` for the future.
pub fn age(now_ms: i64, at_ms: i64) -> String {
    let d = now_ms.saturating_sub(at_ms);
    if d.unsigned_abs() < 1_000 {
        "just now".to_owned()
    } else if d > 0 {
        format!("{} ago", span(d))
    } else {
        format!("in {}", span(d))
    }
}

/// `2026-12-06 04:41:23Z (3 min ago)`.
pub fn when(now_ms: i64, at_ms: i64) -> String {
    format!("{} ({})", utc(at_ms), age(now_ms, at_ms))
}

/// `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Text from outside (operator reasons, stored messages) with control characters replaced.
pub fn clean(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// How a table cell is styled (after padding).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Paint {
    Plain,
    Dim,
    Green,
    Yellow,
    Red,
    Cyan,
}

/// One table cell.
#[derive(Debug, Clone)]
struct Cell {
    text: String,
    paint: Paint,
}

impl Cell {
    fn plain(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            paint: Paint::Plain,
        }
    }

    fn painted(text: impl Into<String>, paint: Paint) -> Self {
        Self {
            text: text.into(),
            paint,
        }
    }

    /// An optional value, `-` when absent.
    fn maybe(text: Option<&str>) -> Self {
        match text {
            Some(t) => Self::plain(clean(t)),
            None => Self::painted("-", Paint::Dim),
        }
    }
}

/// A column: its heading and whether numbers align right.
struct Column {
    heading: &'static str,
    right: bool,
}

const fn left(heading: &'static str) -> Column {
    Column {
        heading,
        right: false,
    }
}

const fn right(heading: &'static str) -> Column {
    Column {
        heading,
        right: true,
    }
}

fn paint(text: &str, p: Paint) -> String {
    match p {
        Paint::Plain => text.to_owned(),
        Paint::Dim => text.dimmed().to_string(),
        Paint::Green => text.green().to_string(),
        Paint::Yellow => text.yellow().to_string(),
        Paint::Red => text.red().to_string(),
        Paint::Cyan => text.cyan().to_string(),
    }
}

/// An aligned table: a bold heading line, then one line per row, columns two spaces apart and
/// no trailing spaces.
fn table(columns: &[Column], rows: &[Vec<Cell>]) -> String {
    let mut widths: Vec<usize> = columns.iter().map(|c| c.heading.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.text.chars().count());
        }
    }
    let line = |cells: Vec<(String, Paint)>| -> String {
        let last = cells.len().saturating_sub(1);
        let mut out = String::new();
        for (i, ((text, p), (col, w))) in cells
            .into_iter()
            .zip(columns.iter().zip(&widths))
            .enumerate()
        {
            let pad = w.saturating_sub(text.chars().count());
            let padded = if col.right {
                format!("{}{text}", " ".repeat(pad))
            } else if i == last {
                text
            } else {
                format!("{text}{}", " ".repeat(pad))
            };
            if i > 0 {
                out.push_str("  ");
            }
            out.push_str(&paint(&padded, p));
        }
        out
    };
    let heading = line(
        columns
            .iter()
            .map(|c| (c.heading.to_owned(), Paint::Plain))
            .collect(),
    );
    let mut out = format!("{}\n", heading.bold());
    for row in rows {
        out.push_str(&line(
            row.iter().map(|c| (c.text.clone(), c.paint)).collect(),
        ));
        out.push('\n');
    }
    out
}

/// Print a JSON document (its `formatVersion` included by the caller's struct).
fn print_json<T: serde::Serialize>(printer: &crate::output::Printer, doc: &T) {
    match serde_json::to_value(doc) {
        Ok(v) => printer.json(&v),
        Err(_) => printer.error("the output could not be rendered as JSON", None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_796_531_283_000; // 2026-12-06 04:28:03Z

    #[test]
    fn times_are_utc_with_a_z() {
        assert_eq!(utc(T0), "2026-12-06 04:28:03Z");
        assert_eq!(rfc3339(T0).as_deref(), Some("2026-12-06T04:28:03.000Z"));
        assert_eq!(utc(i64::MAX), "-");
        assert_eq!(rfc3339(i64::MAX), None);
    }

    #[test]
    fn ages_use_the_largest_whole_unit() {
        assert_eq!(age(T0, T0), "just now");
        assert_eq!(age(T0, T0 - 999), "just now");
        assert_eq!(age(T0, T0 - 45_000), "45 s ago");
        assert_eq!(age(T0, T0 - 3 * 60_000 - 59_000), "3 min ago");
        assert_eq!(age(T0, T0 - 5 * 3_600_000), "5 h ago");
        assert_eq!(age(T0, T0 - 47 * 3_600_000), "47 h ago");
        assert_eq!(age(T0, T0 - 3 * 86_400_000), "3 d ago");
        assert_eq!(age(T0, T0 + 2 * 3_600_000), "in 2 h");
        assert_eq!(age(T0, T0 + 30_000), "in 30 s");
        assert_eq!(when(T0, T0 - 180_000), "2026-12-06 04:25:03Z (3 min ago)");
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_234), "1,234");
        assert_eq!(thousands(15_000), "15,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn control_characters_cannot_reach_the_terminal() {
        assert_eq!(clean("a\x1b[31mred\nb"), "a [31mred b");
    }

    #[test]
    fn tables_align_without_trailing_spaces() {
        let text = table(
            &[left("NAME"), right("N"), left("NOTE")],
            &[
                vec![
                    Cell::plain("Account"),
                    Cell::plain("1,024"),
                    Cell::maybe(None),
                ],
                vec![Cell::plain("Lead"), Cell::plain("7"), Cell::plain("ok")],
            ],
        );
        let text = anstream::adapter::strip_str(&text).to_string();
        assert_eq!(
            text,
            "NAME         N  NOTE\nAccount  1,024  -\nLead         7  ok\n"
        );
    }
}
