//! Printing the `test-connection` report: per org, one line per check with its outcome, what was
//! found and what to do; or the report as JSON.

use owo_colors::OwoColorize;

use crate::apply::connection_check::{CheckStatus, ConnectionReport};
use crate::output::Printer;

/// How `test-connection` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ConnectionFormat {
    /// One line per check.
    #[default]
    Text,
    /// A JSON document with `formatVersion`.
    Json,
}

fn mark(status: CheckStatus) -> String {
    match status {
        CheckStatus::Ok => "✓".green().to_string(),
        CheckStatus::Missing => "✗".red().bold().to_string(),
        CheckStatus::Pending => "+".cyan().to_string(),
        CheckStatus::NotChecked => "·".yellow().to_string(),
    }
}

/// The report as text (ANSI styles; stripped when colour is off).
pub fn render(report: &ConnectionReport) -> String {
    let mut out = String::new();
    for org in &report.orgs {
        out.push_str(&format!(
            "{} {}\n",
            org.role.to_string().bold(),
            org.instance_url.dimmed()
        ));
        for c in &org.checks {
            out.push_str(&format!("  {} {}: {}\n", mark(c.status), c.what, c.detail));
            if let Some(advice) = &c.advice
                && c.status != CheckStatus::Ok
            {
                out.push_str(&format!("      {} {advice}\n", "hint:".cyan().bold()));
            }
        }
    }
    let verdict = if report.ok() {
        "Both orgs are ready for orgsync."
            .green()
            .bold()
            .to_string()
    } else {
        "Something orgsync needs is missing; see the hints above."
            .red()
            .bold()
            .to_string()
    };
    out.push_str(&format!("\n{verdict}\n"));
    out
}

/// Print the report.
pub fn print(printer: &Printer, report: &ConnectionReport, format: ConnectionFormat) {
    match format {
        ConnectionFormat::Text => printer.out(&render(report)),
        ConnectionFormat::Json => {
            let body = serde_json::to_value(report).unwrap_or_default();
            printer
                .json(&serde_json::json!({"formatVersion": 1, "ok": report.ok(), "report": body}));
        }
    }
}
