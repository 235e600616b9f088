//! Rendering spec diagnostics: cargo-style text, a stable JSON document, and GitHub Actions
//! annotations.
//!
//! Streams: the text form goes to stderr like compiler output, with a one-line verdict on
//! stdout when the spec is valid (so `orgsync validate && …` stays quiet on stdout apart from
//! the verdict); `json` and `github` are the command's data and go to stdout.
//!
//! Secrets: messages never hold secret values (the spec module guarantees it), and every source
//! line shown is masked — the highlighted value of a `literal-secret` diagnostic, any value of a
//! secret-named key, and any password inside a URL become `****`.

use owo_colors::OwoColorize;

use crate::output::Printer;
use crate::spec::diagnostic::{Diagnostic, Report, Severity};
use crate::spec::secrets_scan::{is_secret_key, url_password_range};

/// The JSON format's version; bumped on any incompatible change.
pub const FORMAT_VERSION: u32 = 1;

/// How `validate` prints diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum DiagnosticFormat {
    /// Cargo-style text with the source line and a caret.
    #[default]
    Text,
    /// One JSON document with a `formatVersion`.
    Json,
    /// GitHub Actions `::error` / `::warning` annotations.
    Github,
}

/// Print a report in the chosen format to the right streams.
pub fn print(printer: &Printer, report: &Report, format: DiagnosticFormat) {
    match format {
        DiagnosticFormat::Text => {
            let text = render_text(report);
            if !text.is_empty() {
                printer.err(&text);
            }
            if report.is_valid() {
                printer.outln(&verdict(report));
            }
        }
        DiagnosticFormat::Json => printer.json(&to_json(report)),
        DiagnosticFormat::Github => printer.out(&render_github(report)),
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The stdout verdict for a valid spec: `✓ orgsync.yaml is valid (2 warnings)`.
pub fn verdict(report: &Report) -> String {
    let warnings = report.warning_count();
    let tail = if warnings == 0 {
        String::new()
    } else {
        format!(" ({})", plural(warnings, "warning"))
    };
    format!("{} {} is valid{tail}", "✓".green().bold(), report.file)
}

/// Cargo-style text for every diagnostic, then a summary line when there are errors. Carries
/// ANSI styles; the [`Printer`] strips them when colour is off.
pub fn render_text(report: &Report) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        render_one(&mut out, report, d);
        out.push('\n');
    }
    if !report.is_valid() {
        let mut summary = format!(
            "could not validate `{}`: {}",
            report.file,
            plural(report.error_count(), "error")
        );
        if report.warning_count() > 0 {
            summary.push_str(&format!(", {}", plural(report.warning_count(), "warning")));
        }
        out.push_str(&format!("{} {summary}\n", "error:".red().bold()));
    }
    out
}

fn render_one(out: &mut String, report: &Report, d: &Diagnostic) {
    let label = match d.severity {
        Severity::Error => format!("{}", "error".red().bold()),
        Severity::Warning => format!("{}", "warning".yellow().bold()),
    };
    out.push_str(&format!("{label}{} {}\n", ":".bold(), d.message.bold()));
    let Some(pos) = d.position else {
        out.push_str(&format!("  {} {}\n", "-->".blue().bold(), report.file));
        if let Some(hint) = &d.hint {
            out.push_str(&format!("  {} {hint}\n", "= hint:".blue().bold()));
        }
        out.push_str(&format!("  {} [{}]\n", "= at".blue().bold(), d.code));
        return;
    };
    let w = pos.line.to_string().len();
    let pad = " ".repeat(w);
    let bar = "|".blue().bold().to_string();
    out.push_str(&format!(
        "{pad}{} {}:{}:{}\n",
        "-->".blue().bold(),
        report.file,
        pos.line,
        pos.column
    ));
    let line = report
        .source
        .as_deref()
        .and_then(|s| s.lines().nth(pos.line - 1));
    match line {
        Some(line) => {
            let (shown, col, len) = display_line(line, pos.column, pos.length, d.mask_source);
            out.push_str(&format!("{pad} {bar}\n"));
            out.push_str(&format!(
                "{} {bar} {shown}\n",
                pos.line.to_string().blue().bold()
            ));
            let carets = "^".repeat(len.max(1));
            let styled = match d.severity {
                Severity::Error => carets.red().bold().to_string(),
                Severity::Warning => carets.yellow().bold().to_string(),
            };
            let hint = d
                .hint
                .as_deref()
                .map(|h| format!(" {h}"))
                .unwrap_or_default();
            out.push_str(&format!(
                "{pad} {bar} {}{styled}{hint}\n",
                " ".repeat(col - 1)
            ));
        }
        None => {
            if let Some(hint) = &d.hint {
                out.push_str(&format!("{pad} {} {hint}\n", "= hint:".blue().bold()));
            }
        }
    }
    let at = if d.path.is_root() {
        String::new()
    } else {
        format!("{} ", d.path)
    };
    out.push_str(&format!(
        "{pad} {} {at}[{}]\n",
        "= at".blue().bold(),
        d.code
    ));
}

/// The source line as shown: control characters neutralised, secrets masked; returns the line,
/// the caret column and the caret length (both in characters of the shown line).
fn display_line(
    line: &str,
    column: usize,
    length: usize,
    mask_highlight: bool,
) -> (String, usize, usize) {
    let mut chars: Vec<char> = line
        .chars()
        .map(|c| {
            if c == '\t' {
                ' '
            } else if c.is_control() {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect();
    let column = column.clamp(1, chars.len() + 1);
    let mut length = length.min(chars.len().saturating_sub(column - 1)).max(1);
    if mask_highlight {
        let end = (column - 1 + length).min(chars.len());
        // Mask to the end of the value (a long secret may run past the recorded span).
        let end = chars[end..]
            .iter()
            .position(|c| *c == '#')
            .map_or(chars.len(), |p| end + p)
            .max(end);
        chars.splice(column - 1..end, "****".chars());
        length = 4;
    }
    let shown: String = chars.iter().collect();
    let shown = mask_secrets(&shown);
    // Crop very long lines to a window around the caret.
    const WINDOW: usize = 60;
    let chars: Vec<char> = shown.chars().collect();
    if chars.len() <= 2 * WINDOW + 20 {
        return (shown, column, length);
    }
    let start = column.saturating_sub(WINDOW + 1);
    let end = (column + length + WINDOW).min(chars.len());
    let mut cropped = String::new();
    let mut col = column - start;
    if start > 0 {
        cropped.push('…');
        col += 1;
    }
    cropped.extend(&chars[start..end]);
    if end < chars.len() {
        cropped.push('…');
    }
    (
        cropped,
        col,
        length.min(end.saturating_sub(column - 1)).max(1),
    )
}

/// Mask values of secret-named keys and passwords in URLs anywhere in a line.
pub fn mask_secrets(line: &str) -> String {
    let mut line = line.to_owned();
    while let Some(range) = url_password_range(&line).filter(|r| &line[r.clone()] != "****") {
        line.replace_range(range, "****");
    }
    let trimmed = line.trim_start();
    let indent = line.len() - trimmed.len();
    let body = trimmed.strip_prefix("- ").unwrap_or(trimmed);
    let offset = indent + (trimmed.len() - body.len());
    if let Some(colon) = body.find(':') {
        let key = body[..colon].trim().trim_matches(['"', '\'']);
        let value = body[colon + 1..].trim();
        if is_secret_key(key)
            && !value.is_empty()
            && !value.starts_with('{')
            && value != "****"
            && !value.starts_with('#')
        {
            line.replace_range(offset + colon + 1.., " ****");
        }
    }
    line
}

/// The stable JSON document: `{"formatVersion":1,"file":…,"valid":…,"errors":n,"warnings":n,
/// "diagnostics":[…]}`.
pub fn to_json(report: &Report) -> serde_json::Value {
    serde_json::json!({
        "formatVersion": FORMAT_VERSION,
        "file": report.file,
        "valid": report.is_valid(),
        "errors": report.error_count(),
        "warnings": report.warning_count(),
        "diagnostics": report.diagnostics,
    })
}

/// Escape an annotation message per GitHub's workflow-command rules.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape an annotation property value (also `:` and `,`).
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// One `::error file=…,line=…,col=…,title=CODE::message` line per diagnostic.
pub fn render_github(report: &Report) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut props = format!("file={}", escape_property(&report.file));
        if let Some(p) = d.position {
            props.push_str(&format!(
                ",line={},col={},endColumn={}",
                p.line,
                p.column,
                p.column + p.length
            ));
        }
        props.push_str(&format!(",title={}", escape_property(d.code)));
        let mut message = d.message.clone();
        if !d.path.is_root() {
            message.push_str(&format!(" (at {})", d.path));
        }
        if let Some(hint) = &d.hint {
            message.push_str(&format!("\nhint: {hint}"));
        }
        out.push_str(&format!("::{level} {props}::{}\n", escape_data(&message)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_secret_values_and_url_passwords() {
        assert_eq!(
            mask_secrets("    clientSecret: hunter2"),
            "    clientSecret: ****"
        );
        assert_eq!(
            mask_secrets("    clientSecret: {env: X}"),
            "    clientSecret: {env: X}"
        );
        assert_eq!(
            mask_secrets("  url: postgres://u:pw@h/db"),
            "  url: postgres://u:****@h/db"
        );
        assert_eq!(mask_secrets("    - password: 'x'"), "    - password: ****");
        assert_eq!(mask_secrets("    name: hunter2"), "    name: hunter2");
    }

    #[test]
    fn github_escaping() {
        assert_eq!(escape_data("50%\nnext\r"), "50%25%0Anext%0D");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }

    #[test]
    fn highlight_mask_hides_the_whole_value() {
        let (shown, col, len) = display_line("    accessToken: abc def ghi", 18, 3, true);
        assert_eq!(shown, "    accessToken: ****");
        assert_eq!((col, len), (18, 4));
    }
}
