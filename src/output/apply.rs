//! Printing the apply report and asking for approval.
//!
//! The report lists every step in the order it ran with its outcome and reason, then one
//! verdict line that says what to do next. Reasons hold error codes, names and deployment IDs,
//! never record values or secrets (see [`crate::apply::report`]).

use std::io::BufRead;

use owo_colors::OwoColorize;

use crate::apply::{ApplyReport, StepStatus, WriteMethod};
use crate::output::Printer;

fn mark(status: StepStatus) -> String {
    match status {
        StepStatus::Done => "✓".green().to_string(),
        StepStatus::AlreadyDone => "=".dimmed().to_string(),
        StepStatus::Checked => "✓".cyan().to_string(),
        StepStatus::Failed => "✗".red().bold().to_string(),
        StepStatus::Skipped => "·".yellow().to_string(),
    }
}

fn method(m: WriteMethod) -> &'static str {
    match m {
        WriteMethod::Tooling => "Tooling API",
        WriteMethod::Deploy => "one Metadata API deploy",
    }
}

/// The report as text (ANSI styles; the printer strips them when colour is off).
pub fn render(report: &ApplyReport) -> String {
    let mut out = String::new();
    let title = if report.validate_only {
        "Validate only (nothing is written)"
    } else {
        "Apply"
    };
    out.push_str(&format!("{}\n", title.bold()));
    for (org, m) in &report.methods {
        out.push_str(&format!("  metadata → {org}: {}\n", method(*m)));
    }
    for s in &report.steps {
        out.push_str(&format!(
            "  {} {}  {}\n",
            mark(s.status),
            s.id,
            s.status.label()
        ));
        out.push_str(&format!("      {}\n", s.summary));
        if let Some(reason) = &s.reason {
            out.push_str(&format!("      {}\n", reason.dimmed()));
        }
    }
    let summary = report.summary_line();
    let verdict = match (report.validate_only, report.succeeded()) {
        (true, true) => format!("{} {summary}.", "Validation passed:".green().bold()),
        (true, false) => format!(
            "{} {summary}. Fix the failures, then validate again.",
            "Validation failed:".red().bold()
        ),
        (false, true) => match report.generation {
            Some(g) => format!(
                "{} {summary}. Generation {g} recorded.",
                "Apply complete:".green().bold()
            ),
            None => format!("{} {summary}.", "Apply complete:".green().bold()),
        },
        (false, false) => format!(
            "{} {summary}. Fix the cause of the failures and run `orgsync apply` again: steps \
             already done are not repeated.",
            "Apply incomplete:".red().bold()
        ),
    };
    out.push_str(&format!("\n{verdict}\n"));
    out
}

/// Print the report to stdout.
pub fn print(printer: &Printer, report: &ApplyReport) {
    printer.out(&render(report));
}

/// Say that there is nothing to apply.
pub fn nothing_to_do(printer: &Printer) {
    printer.outln("No changes. Both orgs and the state store already match the spec.");
}

/// Ask for approval on stderr and read one line from `input`: only `yes` approves.
pub fn confirm(printer: &Printer, input: &mut dyn BufRead) -> bool {
    printer.err(&format!(
        "\n{}\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ",
        "Do you want to apply these changes?".bold()
    ));
    let mut line = String::new();
    match input.read_line(&mut line) {
        Ok(_) => line.trim() == "yes",
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apply::StepReport;
    use crate::observe::OrgRole;

    #[test]
    fn only_yes_approves() {
        let printer = Printer::new(crate::output::ColorChoice::Never);
        assert!(confirm(&printer, &mut "yes\n".as_bytes()));
        assert!(!confirm(&printer, &mut "y\n".as_bytes()));
        assert!(!confirm(&printer, &mut "".as_bytes()));
    }

    #[test]
    fn failed_report_says_what_to_do() {
        let report = ApplyReport {
            validate_only: false,
            steps: vec![StepReport {
                id: "field:secondary:Account.X__c".into(),
                summary: "+ create field".into(),
                status: StepStatus::Failed,
                reason: Some("REQUEST_LIMIT_EXCEEDED".into()),
            }],
            methods: vec![(OrgRole::Secondary, WriteMethod::Deploy)],
            generation: None,
        };
        let text = anstream::adapter::strip_str(&render(&report)).to_string();
        assert!(text.contains("metadata → secondary: one Metadata API deploy"));
        assert!(text.contains("Apply incomplete: 1 failed"));
        assert!(text.contains("run `orgsync apply` again"));
    }
}
