//! `orgsync replay`, `suspend` and `resume`: one confirming line each (or a JSON document), and
//! the note about an object the connection does not publish.

use owo_colors::OwoColorize;
use serde::Serialize;

use super::status::SuspensionDoc;
use super::{FORMAT_VERSION, OpsFormat, clean, print_json, thousands, when};
use crate::output::Printer;
use crate::state::sync::Suspension;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReplayDoc {
    format_version: u32,
    replayed: u64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SuspendDoc<'a> {
    format_version: u32,
    connection: &'a str,
    suspended: bool,
    /// `suspend`: an earlier suspension was replaced. `resume`: absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    replaced: Option<bool>,
    /// `resume`: whether the connection was suspended. `suspend`: absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    resumed: Option<bool>,
    /// The suspension now in force (`suspend`) or just lifted (`resume`).
    suspension: Option<SuspensionDoc<'a>>,
}

/// The replay confirmation as text.
pub fn render_replayed(count: u64) -> String {
    match count {
        0 => "No failed queue entries match; nothing to replay.\n".to_owned(),
        1 => format!(
            "{} 1 failed queue entry: it is pending and due now; the next sync cycle sends it.\n",
            "Replayed".green().bold()
        ),
        n => format!(
            "{} {} failed queue entries: they are pending and due now; the next sync cycle \
             sends them.\n",
            "Replayed".green().bold(),
            thousands(n)
        ),
    }
}

/// Print how many failed entries `replay` put back to work.
pub fn replayed(printer: &Printer, count: u64, format: OpsFormat) {
    match format {
        OpsFormat::Text => printer.out(&render_replayed(count)),
        OpsFormat::Json => print_json(
            printer,
            &ReplayDoc {
                format_version: FORMAT_VERSION,
                replayed: count,
            },
        ),
    }
}

/// The suspend confirmation as text.
pub fn render_suspended(
    name: &str,
    now: &Suspension,
    replaced: Option<&Suspension>,
    now_ms: i64,
) -> String {
    let again = match replaced {
        Some(old) => format!(" (replacing the earlier reason: {})", clean(&old.reason)),
        None => String::new(),
    };
    let resumes = match now.until_ms {
        Some(u) => format!(
            "records flow again at {} or after `orgsync resume`",
            when(now_ms, u)
        ),
        None => "records flow again after `orgsync resume`".to_owned(),
    };
    format!(
        "{} {name}: {}{again}. Changes keep queuing; {resumes}.\n",
        "Suspended".yellow().bold(),
        clean(&now.reason)
    )
}

/// Print that the connection is now suspended.
pub fn suspended(
    printer: &Printer,
    name: &str,
    now: &Suspension,
    replaced: Option<&Suspension>,
    now_ms: i64,
    format: OpsFormat,
) {
    match format {
        OpsFormat::Text => printer.out(&render_suspended(name, now, replaced, now_ms)),
        OpsFormat::Json => print_json(
            printer,
            &SuspendDoc {
                format_version: FORMAT_VERSION,
                connection: name,
                suspended: true,
                replaced: Some(replaced.is_some()),
                resumed: None,
                suspension: Some(SuspensionDoc::new(now)),
            },
        ),
    }
}

/// The resume confirmation as text.
pub fn render_resumed(name: &str, previous: Option<&Suspension>, now_ms: i64) -> String {
    match previous {
        None => format!("{name} is not suspended; nothing to resume.\n"),
        Some(s) => format!(
            "{} {name}: records flow again from the next sync cycle (suspended since {}: {}).\n",
            "Resumed".green().bold(),
            when(now_ms, s.since_ms),
            clean(&s.reason)
        ),
    }
}

/// Print that the connection is no longer suspended (or was not).
pub fn resumed(
    printer: &Printer,
    name: &str,
    previous: Option<&Suspension>,
    now_ms: i64,
    format: OpsFormat,
) {
    match format {
        OpsFormat::Text => printer.out(&render_resumed(name, previous, now_ms)),
        OpsFormat::Json => print_json(
            printer,
            &SuspendDoc {
                format_version: FORMAT_VERSION,
                connection: name,
                suspended: false,
                replaced: None,
                resumed: Some(previous.is_some()),
                suspension: previous.map(SuspensionDoc::new),
            },
        ),
    }
}

/// Warn (stderr) that `object` is not published by the applied connection.
pub fn unknown_object(printer: &Printer, object: &str, published: &[&str]) {
    let list = if published.is_empty() {
        "none".to_owned()
    } else {
        published.join(", ")
    };
    printer.err(&format!(
        "{} `{}` is not a published object of this connection (published: {list})\n",
        "warning:".yellow().bold(),
        clean(object)
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strip(s: &str) -> String {
        anstream::adapter::strip_str(s).to_string()
    }

    #[test]
    fn replay_counts_read_naturally() {
        assert_eq!(
            strip(&render_replayed(0)),
            "No failed queue entries match; nothing to replay.\n"
        );
        assert!(strip(&render_replayed(1)).starts_with("Replayed 1 failed queue entry: it is"));
        assert!(strip(&render_replayed(1_500)).starts_with("Replayed 1,500 failed queue entries"));
    }

    #[test]
    fn suspend_and_resume_say_what_happens_next() {
        let s = Suspension {
            reason: "release\x1b[2J window".into(),
            since_ms: 0,
            until_ms: Some(7_200_000),
        };
        assert_eq!(
            strip(&render_suspended("acme", &s, None, 0)),
            "Suspended acme: release [2J window. Changes keep queuing; records flow again at \
             1970-01-01 02:00:00Z (in 2 h) or after `orgsync resume`.\n"
        );
        let old = Suspension {
            reason: "old".into(),
            until_ms: None,
            ..s.clone()
        };
        assert!(
            strip(&render_suspended("acme", &old, Some(&s), 0))
                .contains("(replacing the earlier reason: release [2J window)")
        );
        assert_eq!(
            strip(&render_resumed("acme", None, 0)),
            "acme is not suspended; nothing to resume.\n"
        );
        assert!(
            strip(&render_resumed("acme", Some(&s), 60_000)).starts_with(
                "Resumed acme: records flow again from the next sync cycle (suspended since \
             1970-01-01 00:00:00Z (1 min ago): release [2J window)."
            )
        );
    }
}
