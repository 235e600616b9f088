//! Output of the record-sync commands: `sync`, `bulk-sync` (with its progress line), `forward`,
//! `inbox` and `reset`. Counts, object names and record IDs only — never field values.

use std::io::IsTerminal;

use owo_colors::OwoColorize;
use serde_json::json;

use crate::state::InboxEntry;
use crate::sync::Counts;
use crate::sync::actions::{InboxReport, ResetReport};
use crate::sync::bulk::{BulkReport, BulkStep};
use crate::sync::counts::PerObject;
use crate::sync::cycle::CycleReport;

use super::Printer;

/// Text for people or JSON for scripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SyncFormat {
    /// One line per object and a summary.
    Text,
    /// `{"formatVersion": 1, …}`.
    Json,
}

/// `Account: 2 inserted, 1 updated` — only the non-zero counts.
pub fn counts_phrase(c: &Counts) -> String {
    let parts: Vec<String> = [
        (c.inserted, "inserted"),
        (c.updated, "updated"),
        (c.deleted, "deleted"),
        (c.undeleted, "undeleted"),
        (c.linked, "linked to existing records"),
        (c.conflicts, "conflicts resolved"),
        (c.held, "held in the inbox"),
        (c.queued, "queued (suspended)"),
        (c.waiting, "waiting for a parent"),
        (c.failed, "failed"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{} {what}", thousands(*n)))
    .collect();
    if parts.is_empty() {
        "nothing to do".to_owned()
    } else {
        parts.join(", ")
    }
}

/// `12,345`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn total(objects: &PerObject) -> Counts {
    let mut t = Counts::default();
    for c in objects.values() {
        t.add(c);
    }
    t
}

/// The per-object lines and the summary of a run, as text.
pub fn objects_text(printer: &Printer, title: &str, objects: &PerObject) -> String {
    let width = objects.keys().map(String::len).max().unwrap_or(0);
    let mut out = String::new();
    for (name, c) in objects {
        out.push_str(&format!("  {name:<width$}  {}\n", counts_phrase(c)));
    }
    let t = total(objects);
    let summary = format!(
        "{title}: {} record(s) written, {} waiting, {} failed",
        thousands(t.writes()),
        thousands(t.waiting),
        thousands(t.failed)
    );
    if printer.stdout_colored() {
        if t.failed > 0 {
            out.push_str(&format!("{}\n", summary.yellow().bold()));
        } else {
            out.push_str(&format!("{}\n", summary.bold()));
        }
    } else {
        out.push_str(&summary);
        out.push('\n');
    }
    out
}

/// Print one cycle's report.
pub fn cycle(printer: &Printer, report: &CycleReport, format: SyncFormat) {
    match format {
        SyncFormat::Json => printer.json(&json!({"formatVersion": 1, "cycle": report})),
        SyncFormat::Text => {
            let mut text = String::new();
            if report.resumed {
                text.push_str("the suspension ended; records flow again\n");
            }
            if report.suspended {
                text.push_str("the connection is suspended: changes were queued, nothing was written (`orgsync resume`)\n");
            }
            text.push_str(&objects_text(printer, "sync", &report.objects));
            printer.out(&text);
        }
    }
}

/// The loop's first line (stderr): what it syncs and how often.
pub fn loop_started(printer: &Printer, name: &str, objects: usize, every: std::time::Duration) {
    printer.err(&format!(
        "syncing {name}: {objects} object(s) every {} s; Ctrl-C or SIGTERM stops after the current cycle\n",
        every.as_secs()
    ));
}

/// Print a bulk sync's report.
pub fn bulk(printer: &Printer, report: &BulkReport, format: SyncFormat) {
    match format {
        SyncFormat::Json => printer.json(&json!({"formatVersion": 1, "bulkSync": report})),
        SyncFormat::Text => printer.out(&objects_text(printer, "bulk sync", &report.objects)),
    }
}

/// A bulk-sync progress line on stderr, rewritten in place on a terminal (and printed once per
/// finished object elsewhere).
pub fn bulk_progress(printer: &Printer, step: &BulkStep) {
    let line = format!(
        "bulk sync: {} from the {}: {} record(s){}",
        step.object,
        step.source,
        thousands(step.records),
        if step.done { ", done" } else { "" }
    );
    if std::io::stderr().is_terminal() {
        let end = if step.done { "\n" } else { "" };
        printer.err(&format!("\r\x1b[2K{line}{end}"));
    } else if step.done {
        printer.err(&format!("{line}\n"));
    }
}

/// Print what `forward` did.
pub fn forward(printer: &Printer, objects: &PerObject, missing: &[String], format: SyncFormat) {
    match format {
        SyncFormat::Json => printer.json(&json!({
            "formatVersion": 1,
            "forward": {"objects": objects, "notFound": missing},
        })),
        SyncFormat::Text => {
            let mut text = objects_text(printer, "forward", objects);
            if !missing.is_empty() {
                text.push_str(&format!(
                    "not found (or not shared): {}\n",
                    missing.join(", ")
                ));
            }
            printer.out(&text);
        }
    }
}

/// Print the inbox.
pub fn inbox_list(printer: &Printer, entries: &[InboxEntry], format: SyncFormat) {
    match format {
        SyncFormat::Json => {
            let list: Vec<_> = entries
                .iter()
                .map(|e| {
                    json!({
                        "object": e.object,
                        "source": e.source,
                        "recordId": e.source_id,
                        "receivedAt": chrono::DateTime::from_timestamp_millis(e.received_at_ms).map(|t| t.to_rfc3339()),
                    })
                })
                .collect();
            printer.json(&json!({"formatVersion": 1, "inbox": list}));
        }
        SyncFormat::Text => {
            if entries.is_empty() {
                printer.outln("the inbox is empty");
                return;
            }
            let mut text = String::new();
            for e in entries {
                text.push_str(&format!(
                    "  {:<20} {:<9} {}  received {}\n",
                    e.object,
                    e.source.as_str(),
                    e.source_id,
                    instant(e.received_at_ms)
                ));
            }
            text.push_str(&format!(
                "{} record(s) wait for `orgsync inbox accept ID…` or `orgsync inbox reject ID…`\n",
                entries.len()
            ));
            printer.out(&text);
        }
    }
}

/// Print what `inbox accept|reject` did.
pub fn inbox_done(printer: &Printer, report: &InboxReport, accept: bool, format: SyncFormat) {
    match format {
        SyncFormat::Json => printer.json(&json!({"formatVersion": 1, "inbox": report})),
        SyncFormat::Text => {
            let verb = if accept { "accepted" } else { "rejected" };
            let mut text = format!("{} record(s) {verb}\n", report.taken);
            if accept && !report.objects.is_empty() {
                text.push_str(&objects_text(printer, "written", &report.objects));
            }
            if !report.unknown.is_empty() {
                text.push_str(&format!(
                    "not in the inbox: {}\n",
                    report.unknown.join(", ")
                ));
            }
            printer.out(&text);
        }
    }
}

/// Print what `reset` did.
pub fn reset(printer: &Printer, report: &ResetReport, format: SyncFormat) {
    match format {
        SyncFormat::Json => printer.json(&json!({"formatVersion": 1, "reset": report})),
        SyncFormat::Text => {
            let mut text = String::new();
            for (object, removed) in &report.removed {
                let linked = report.linked.get(object).copied().unwrap_or(0);
                text.push_str(&format!(
                    "  {object}: {} link(s) removed, {} rebuilt from key fields and matchOn\n",
                    thousands(*removed),
                    thousands(linked)
                ));
            }
            text.push_str("reset: no record was changed in either org\n");
            printer.out(&text);
        }
    }
}

/// `2026-12-06 04:41:23Z`.
pub fn instant(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d %H:%M:%SZ").to_string())
        .unwrap_or_else(|| "-".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_name_only_what_happened() {
        let c = Counts {
            inserted: 1200,
            failed: 1,
            ..Counts::default()
        };
        assert_eq!(counts_phrase(&c), "1,200 inserted, 1 failed");
        assert_eq!(counts_phrase(&Counts::default()), "nothing to do");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(instant(0), "1970-01-01 00:00:00Z");
    }
}
