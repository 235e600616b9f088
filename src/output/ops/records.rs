//! `orgsync log` (the sync log, newest first) and `orgsync queue` (the record queue, in due
//! order).

use owo_colors::OwoColorize;
use serde::Serialize;

use super::{
    Cell, FORMAT_VERSION, OpsFormat, Paint, age, clean, left, print_json, rfc3339, right, table,
    thousands, utc,
};
use crate::output::Printer;
use crate::state::sync::{LogEntry, LogStatus, QueueAction, QueueEntry, QueueStatus, Side};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogDoc<'a> {
    format_version: u32,
    limit: Option<u32>,
    entries: Vec<LogEntryDoc<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogEntryDoc<'a> {
    id: i64,
    at: Option<String>,
    object: &'a str,
    source_org: Side,
    record_id: &'a str,
    action: QueueAction,
    status: LogStatus,
    error_code: Option<&'a str>,
    message: Option<&'a str>,
    attempts: i64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct QueueDoc<'a> {
    format_version: u32,
    counts: QueueCounts,
    entries: Vec<QueueEntryDoc<'a>>,
}

#[derive(Serialize, Default)]
struct QueueCounts {
    pending: u64,
    waiting: u64,
    retrying: u64,
    failed: u64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct QueueEntryDoc<'a> {
    id: i64,
    action: QueueAction,
    object: &'a str,
    source_org: Side,
    record_id: &'a str,
    status: QueueStatus,
    attempts: i64,
    /// `null` for a failed entry (never due until replayed).
    next_attempt_at: Option<String>,
    reason: Option<&'a str>,
    error_code: Option<&'a str>,
    queued_at: Option<String>,
    updated_at: Option<String>,
}

fn log_status_cell(s: LogStatus) -> Cell {
    let paint = match s {
        LogStatus::Retrying => Paint::Yellow,
        LogStatus::Failed => Paint::Red,
        LogStatus::Resolved => Paint::Green,
    };
    Cell::painted(s.label(), paint)
}

fn queue_status_cell(s: QueueStatus) -> Cell {
    let paint = match s {
        QueueStatus::Pending => Paint::Plain,
        QueueStatus::Waiting => Paint::Cyan,
        QueueStatus::Retrying => Paint::Yellow,
        QueueStatus::Failed => Paint::Red,
    };
    Cell::painted(s.label(), paint)
}

/// The sync log as text.
pub fn render_log(entries: &[LogEntry], now_ms: i64, limit: Option<u32>) -> String {
    if entries.is_empty() {
        return "No sync-log entries match.\n".to_owned();
    }
    let columns = [
        left("TIME"),
        left("OBJECT"),
        left("ORG"),
        left("RECORD ID"),
        left("ACTION"),
        left("STATUS"),
        left("CODE"),
        right("ATTEMPTS"),
        left("MESSAGE"),
    ];
    let rows: Vec<Vec<Cell>> = entries
        .iter()
        .map(|l| {
            let e = &l.entry;
            vec![
                Cell::plain(format!("{} ({})", utc(e.at_ms), age(now_ms, e.at_ms))),
                Cell::plain(clean(&e.object)),
                Cell::plain(e.source.as_str()),
                Cell::plain(clean(&e.record_id)),
                Cell::plain(e.action.label()),
                log_status_cell(e.status),
                Cell::maybe(e.error_code.as_deref()),
                Cell::plain(e.attempts.to_string()),
                Cell::maybe(e.message.as_deref()),
            ]
        })
        .collect();
    let mut out = table(&columns, &rows);
    if let Some(limit) = limit
        && entries.len() >= limit as usize
    {
        out.push_str(&format!(
            "{}\n",
            format!("Showing the newest {limit} entries; `--limit N` shows more.").dimmed()
        ));
    }
    out
}

fn log_doc(entries: &[LogEntry], limit: Option<u32>) -> LogDoc<'_> {
    LogDoc {
        format_version: FORMAT_VERSION,
        limit,
        entries: entries
            .iter()
            .map(|l| {
                let e = &l.entry;
                LogEntryDoc {
                    id: l.id,
                    at: rfc3339(e.at_ms),
                    object: &e.object,
                    source_org: e.source,
                    record_id: &e.record_id,
                    action: e.action,
                    status: e.status,
                    error_code: e.error_code.as_deref(),
                    message: e.message.as_deref(),
                    attempts: e.attempts,
                }
            })
            .collect(),
    }
}

/// Print `orgsync log`: `entries` newest first, read with at most `limit` entries.
pub fn log(
    printer: &Printer,
    entries: &[LogEntry],
    now_ms: i64,
    limit: Option<u32>,
    format: OpsFormat,
) {
    match format {
        OpsFormat::Text => printer.out(&render_log(entries, now_ms, limit)),
        OpsFormat::Json => print_json(printer, &log_doc(entries, limit)),
    }
}

fn counts(entries: &[QueueEntry]) -> QueueCounts {
    let mut c = QueueCounts::default();
    for e in entries {
        match e.status {
            QueueStatus::Pending => c.pending += 1,
            QueueStatus::Waiting => c.waiting += 1,
            QueueStatus::Retrying => c.retrying += 1,
            QueueStatus::Failed => c.failed += 1,
        }
    }
    c
}

fn next_retry(now_ms: i64, e: &QueueEntry) -> Cell {
    if e.status == QueueStatus::Failed {
        Cell::painted("never (failed)", Paint::Dim)
    } else if e.next_attempt_at_ms <= now_ms {
        Cell::plain("due now")
    } else {
        Cell::plain(age(now_ms, e.next_attempt_at_ms))
    }
}

/// The queue as text.
pub fn render_queue(entries: &[QueueEntry], now_ms: i64) -> String {
    if entries.is_empty() {
        return "The queue is empty.\n".to_owned();
    }
    let columns = [
        left("ACTION"),
        left("OBJECT"),
        left("ORG"),
        left("RECORD ID"),
        left("STATUS"),
        right("ATTEMPTS"),
        left("NEXT RETRY"),
        left("CODE"),
        left("REASON"),
    ];
    let rows: Vec<Vec<Cell>> = entries
        .iter()
        .map(|e| {
            vec![
                Cell::plain(e.action.label()),
                Cell::plain(clean(&e.object)),
                Cell::plain(e.source.as_str()),
                Cell::plain(clean(&e.source_id)),
                queue_status_cell(e.status),
                Cell::plain(e.attempts.to_string()),
                next_retry(now_ms, e),
                Cell::maybe(e.error_code.as_deref()),
                Cell::maybe(e.reason.as_deref()),
            ]
        })
        .collect();
    let mut out = table(&columns, &rows);
    let c = counts(entries);
    let noun = if entries.len() == 1 {
        "entry"
    } else {
        "entries"
    };
    out.push_str(&format!(
        "\n{} {noun}: {} pending, {} waiting, {} retrying, {} failed.\n",
        thousands(entries.len() as u64),
        thousands(c.pending),
        thousands(c.waiting),
        thousands(c.retrying),
        thousands(c.failed),
    ));
    if c.failed > 0 {
        out.push_str(
            "Failed entries wait until `orgsync replay` puts them back to work; \
             `orgsync log --status failed` says why they failed.\n",
        );
    }
    out
}

fn queue_doc(entries: &[QueueEntry]) -> QueueDoc<'_> {
    QueueDoc {
        format_version: FORMAT_VERSION,
        counts: counts(entries),
        entries: entries
            .iter()
            .map(|e| QueueEntryDoc {
                id: e.id,
                action: e.action,
                object: &e.object,
                source_org: e.source,
                record_id: &e.source_id,
                status: e.status,
                attempts: e.attempts,
                next_attempt_at: if e.status == QueueStatus::Failed {
                    None
                } else {
                    rfc3339(e.next_attempt_at_ms)
                },
                reason: e.reason.as_deref(),
                error_code: e.error_code.as_deref(),
                queued_at: rfc3339(e.created_at_ms),
                updated_at: rfc3339(e.updated_at_ms),
            })
            .collect(),
    }
}

/// Print `orgsync queue`.
pub fn queue(printer: &Printer, entries: &[QueueEntry], now_ms: i64, format: OpsFormat) {
    match format {
        OpsFormat::Text => printer.out(&render_queue(entries, now_ms)),
        OpsFormat::Json => print_json(printer, &queue_doc(entries)),
    }
}
