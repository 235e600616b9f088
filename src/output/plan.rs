//! Printing a plan in the format the user chose (`plan --format text|markdown|json`).
//!
//! Text carries ANSI styles that the [`Printer`] strips when colour is off (not a terminal,
//! `NO_COLOR`, `--color never`). Markdown is printed as its numbered comment parts of at most
//! [`markdown::DEFAULT_MAX_CHARS`] characters, separated by a line holding only
//! [`PART_SEPARATOR`], so a CI step can post each part as its own comment. JSON is the versioned
//! contract of [`crate::plan::view::json`].

use crate::output::Printer;
use crate::plan::Plan;
use crate::plan::view::{json, markdown, text};

/// The line between markdown parts on stdout.
pub const PART_SEPARATOR: &str = "<!-- orgsync: next part -->";

/// How `plan` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum PlanFormat {
    /// Grouped by area with symbols and a summary line.
    #[default]
    Text,
    /// A pull-request comment, split into parts when long.
    Markdown,
    /// The stable JSON document with a `formatVersion`.
    Json,
}

/// Render `plan` as the chosen format (text with ANSI styles).
pub fn render(plan: &Plan, format: PlanFormat) -> Result<String, serde_json::Error> {
    Ok(match format {
        PlanFormat::Text => text::render(plan),
        PlanFormat::Markdown => markdown::parts(plan, markdown::DEFAULT_MAX_CHARS)
            .join(&format!("\n{PART_SEPARATOR}\n")),
        PlanFormat::Json => json::to_string_pretty(plan)?,
    })
}

/// Print `plan` to stdout in the chosen format.
pub fn print(printer: &Printer, plan: &Plan, format: PlanFormat) -> Result<(), serde_json::Error> {
    printer.out(&render(plan, format)?);
    Ok(())
}
