//! Printing the online findings of `validate --online`: the planner's attention changes, in
//! the format `validate` was asked for (text, JSON, or GitHub Actions annotations).

use serde_json::json;

use crate::output::Printer;
use crate::output::diagnostics::DiagnosticFormat;
use crate::plan::Change;

fn line(c: &Change) -> String {
    let target = c.target.label();
    let place = if target.is_empty() {
        c.target.org.label().to_owned()
    } else {
        format!("{} {target}", c.target.org.label())
    };
    format!("{place}: {}", c.summary)
}

/// Print `findings` (attention changes); `file` names the spec in annotations.
pub fn print(printer: &Printer, findings: &[&Change], format: DiagnosticFormat, file: &str) {
    match format {
        DiagnosticFormat::Text => {
            use owo_colors::OwoColorize;
            let mut out = String::new();
            for c in findings {
                let (word, rule) = match &c.problem {
                    Some(p) => (if c.blocking { "error" } else { "warning" }, p.rule.code()),
                    None => ("warning", "finding"),
                };
                let word = if c.blocking {
                    word.red().bold().to_string()
                } else {
                    word.yellow().bold().to_string()
                };
                out.push_str(&format!("{word}[{rule}]: {}\n", line(c)));
                out.push_str(&format!("  = why: {}\n", c.reason.text));
                if let Some(hint) = c.problem.as_ref().and_then(|p| p.hint.as_ref()) {
                    out.push_str(&format!("  = hint: {hint}\n"));
                }
            }
            let blocking = findings.iter().filter(|c| c.blocking).count();
            out.push_str(&format!(
                "{} online finding(s), {blocking} blocking\n",
                findings.len()
            ));
            printer.out(&out);
        }
        DiagnosticFormat::Json => {
            let items: Vec<_> = findings
                .iter()
                .map(|c| {
                    json!({
                        "id": c.id,
                        "rule": c.problem.as_ref().map(|p| p.rule.code()),
                        "blocking": c.blocking,
                        "target": c.target,
                        "summary": c.summary,
                        "reason": c.reason,
                        "hint": c.problem.as_ref().and_then(|p| p.hint.clone()),
                    })
                })
                .collect();
            printer.json(&json!({"online": items}));
        }
        DiagnosticFormat::Github => {
            let mut out = String::new();
            for c in findings {
                let level = if c.blocking { "error" } else { "warning" };
                let message = line(c).replace('%', "%25").replace('\n', "%0A");
                out.push_str(&format!("::{level} file={file}::{message}\n"));
            }
            printer.out(&out);
        }
    }
}
