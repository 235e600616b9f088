//! `orgsync status`: the connection, record flow (suspended or not), API usage per org, then one
//! row per published object.

use owo_colors::OwoColorize;
use serde::Serialize;

use super::{
    Cell, FORMAT_VERSION, OpsFormat, Paint, age, clean, left, print_json, rfc3339, right, table,
    thousands, utc, when,
};
use crate::output::Printer;
use crate::spec::model::Direction;
use crate::state::sync::{ApiUsage, Side, Suspension};
use crate::sync::status::{ObjectStatus, StatusReport, SyncStatus};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StatusDoc<'a> {
    format_version: u32,
    connection: &'a str,
    direction: &'static str,
    generation: i64,
    applied_at: Option<String>,
    as_of: Option<String>,
    suspended: bool,
    suspension: Option<SuspensionDoc<'a>>,
    api_usage: UsageDocs,
    objects: Vec<ObjectDoc<'a>>,
}

/// A suspension in JSON (shared with `suspend`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SuspensionDoc<'a> {
    reason: &'a str,
    since: Option<String>,
    until: Option<String>,
}

impl<'a> SuspensionDoc<'a> {
    pub(super) fn new(s: &'a Suspension) -> Self {
        Self {
            reason: &s.reason,
            since: rfc3339(s.since_ms),
            until: s.until_ms.and_then(rfc3339),
        }
    }
}

#[derive(Serialize)]
struct UsageDocs {
    primary: Option<UsageDoc>,
    secondary: Option<UsageDoc>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UsageDoc {
    used: Option<u64>,
    max: Option<u64>,
    percent_used: Option<f64>,
    calls_by_orgsync: u64,
    measured_at: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ObjectDoc<'a> {
    object: &'a str,
    status: SyncStatus,
    last_activity: Option<String>,
    records_last_hour: u64,
    records_last_24_hours: u64,
    queue_depth: u64,
    failures: u64,
    linked_records: u64,
}

fn direction(d: Direction) -> (&'static str, &'static str) {
    match d {
        Direction::OneWay => ("one-way", "primary → secondary"),
        Direction::TwoWay => ("two-way", "primary ⇄ secondary"),
    }
}

/// Whether a suspension still holds at `now_ms` (the engine resumes by itself after `until`).
pub(super) fn holds(s: &Suspension, now_ms: i64) -> bool {
    s.until_ms.is_none_or(|u| now_ms < u)
}

fn percent(u: &ApiUsage) -> Option<f64> {
    match (u.used, u.max) {
        (Some(used), Some(max)) if max > 0 => {
            Some((used as f64 * 1_000.0 / max as f64).round() / 10.0)
        }
        _ => None,
    }
}

fn usage_doc(u: &ApiUsage) -> UsageDoc {
    UsageDoc {
        used: u.used,
        max: u.max,
        percent_used: percent(u),
        calls_by_orgsync: u.calls,
        measured_at: rfc3339(u.at_ms),
    }
}

fn doc(r: &StatusReport) -> StatusDoc<'_> {
    StatusDoc {
        format_version: FORMAT_VERSION,
        connection: &r.name,
        direction: direction(r.direction).0,
        generation: r.generation,
        applied_at: rfc3339(r.applied_at_ms),
        as_of: rfc3339(r.now_ms),
        suspended: r.suspension.as_ref().is_some_and(|s| holds(s, r.now_ms)),
        suspension: r.suspension.as_ref().map(SuspensionDoc::new),
        api_usage: UsageDocs {
            primary: r.usage.get(&Side::Primary).map(usage_doc),
            secondary: r.usage.get(&Side::Secondary).map(usage_doc),
        },
        objects: r
            .objects
            .iter()
            .map(|o| ObjectDoc {
                object: &o.object,
                status: o.status,
                last_activity: o.last_activity_ms.and_then(rfc3339),
                records_last_hour: o.last_hour,
                records_last_24_hours: o.last_day,
                queue_depth: o.queue_depth,
                failures: o.failures,
                linked_records: o.linked,
            })
            .collect(),
    }
}

/// `suspended since … (…): reason; resumes automatically at …` (or `active`).
fn flow(r: &StatusReport) -> String {
    let Some(s) = &r.suspension else {
        return "active".green().to_string();
    };
    let mut text = format!(
        "{} since {}: {}",
        "suspended".yellow().bold(),
        when(r.now_ms, s.since_ms),
        clean(&s.reason)
    );
    match s.until_ms {
        Some(u) if holds(s, r.now_ms) => {
            text.push_str(&format!("; resumes automatically at {}", when(r.now_ms, u)));
        }
        Some(u) => text.push_str(&format!(
            "; the suspension ended at {}, so the next sync cycle resumes record flow",
            when(r.now_ms, u)
        )),
        None => text.push_str("; until `orgsync resume`"),
    }
    text
}

fn usage_line(now_ms: i64, u: Option<&ApiUsage>) -> String {
    let Some(u) = u else {
        return "not measured yet".dimmed().to_string();
    };
    let allowance = match (u.used, u.max, percent(u)) {
        (Some(used), Some(max), Some(p)) => format!(
            "{} of {} daily API calls used ({p:.1}%)",
            thousands(used),
            thousands(max)
        ),
        (Some(used), Some(max), None) => format!(
            "{} of {} daily API calls used",
            thousands(used),
            thousands(max)
        ),
        (Some(used), None, _) => format!("{} daily API calls used", thousands(used)),
        (None, _, _) => "daily allowance not reported yet".to_owned(),
    };
    format!(
        "{allowance}, {} by orgsync, as of {}",
        thousands(u.calls),
        when(now_ms, u.at_ms)
    )
}

fn status_cell(s: SyncStatus) -> Cell {
    let paint = match s {
        SyncStatus::NotStarted => Paint::Dim,
        SyncStatus::InitialSyncInProgress | SyncStatus::InitialSyncCompleted => Paint::Yellow,
        SyncStatus::SyncInProgress => Paint::Cyan,
        SyncStatus::InSync => Paint::Green,
    };
    Cell::painted(s.label(), paint)
}

fn row(now_ms: i64, o: &ObjectStatus) -> Vec<Cell> {
    let count = |n: u64| Cell::plain(thousands(n));
    vec![
        Cell::plain(o.object.as_str()),
        status_cell(o.status),
        match o.last_activity_ms {
            Some(t) => Cell::plain(format!("{} ({})", utc(t), age(now_ms, t))),
            None => Cell::painted("never", Paint::Dim),
        },
        count(o.last_hour),
        count(o.last_day),
        count(o.queue_depth),
        if o.failures > 0 {
            Cell::painted(thousands(o.failures), Paint::Red)
        } else {
            count(0)
        },
        count(o.linked),
    ]
}

/// The status as text (ANSI styles; the printer strips them when colour is off).
pub fn render(r: &StatusReport) -> String {
    let (dir, arrow) = direction(r.direction);
    let mut out = format!(
        "{} {}: {dir} ({arrow}), generation {} applied {}\n",
        "Connection".bold(),
        r.name.bold(),
        r.generation,
        when(r.now_ms, r.applied_at_ms)
    );
    out.push_str(&format!("Record flow: {}\n", flow(r)));
    out.push_str("API usage:\n");
    for side in [Side::Primary, Side::Secondary] {
        out.push_str(&format!(
            "  {:<9}  {}\n",
            side.as_str(),
            usage_line(r.now_ms, r.usage.get(&side))
        ));
    }
    out.push('\n');
    if r.objects.is_empty() {
        out.push_str("No objects are published.\n");
        return out;
    }
    let columns = [
        left("OBJECT"),
        left("STATUS"),
        left("LAST ACTIVITY"),
        right("LAST 60 MIN"),
        right("LAST 24 H"),
        right("QUEUED"),
        right("FAILED"),
        right("LINKED"),
    ];
    let rows: Vec<Vec<Cell>> = r.objects.iter().map(|o| row(r.now_ms, o)).collect();
    out.push_str(&table(&columns, &rows));
    let failed: u64 = r.objects.iter().map(|o| o.failures).sum();
    if failed > 0 {
        let what = if failed == 1 {
            "1 queue entry failed".to_owned()
        } else {
            format!("{} queue entries failed", thousands(failed))
        };
        out.push_str(&format!(
            "\n{}: `orgsync log --status failed` says why; `orgsync replay` retries them.\n",
            what.red().bold()
        ));
    }
    out
}

/// Print `orgsync status`.
pub fn status(printer: &Printer, report: &StatusReport, format: OpsFormat) {
    match format {
        OpsFormat::Text => printer.out(&render(report)),
        OpsFormat::Json => print_json(printer, &doc(report)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_has_one_decimal_and_needs_both_numbers() {
        let u = |used, max| ApiUsage {
            used,
            max,
            calls: 0,
            at_ms: 0,
        };
        assert_eq!(percent(&u(Some(1_234), Some(15_000))), Some(8.2));
        assert_eq!(percent(&u(Some(1), Some(0))), None);
        assert_eq!(percent(&u(None, Some(10))), None);
        assert_eq!(
            anstream::adapter::strip_str(&usage_line(60_000, Some(&u(Some(1_234), Some(15_000)))))
                .to_string(),
            "1,234 of 15,000 daily API calls used (8.2%), 0 by orgsync, as of \
             1970-01-01 00:00:00Z (1 min ago)"
        );
        assert_eq!(
            anstream::adapter::strip_str(&usage_line(0, None)).to_string(),
            "not measured yet"
        );
    }

    #[test]
    fn a_suspension_holds_until_its_end() {
        let s = Suspension {
            reason: "x".into(),
            since_ms: 0,
            until_ms: Some(10),
        };
        assert!(holds(&s, 9));
        assert!(!holds(&s, 10));
        assert!(holds(
            &Suspension {
                until_ms: None,
                ..s
            },
            i64::MAX
        ));
    }
}
