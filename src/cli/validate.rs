//! `orgsync validate [-f FILE] [--format text|json|github]`: every offline check, all problems
//! at once. Exit 0 when the spec is valid (warnings allowed), 1 otherwise. Where each format is
//! printed is decided in [`crate::output::diagnostics`]: text to stderr with a verdict on stdout
//! when valid; json and github annotations to stdout.

use std::path::PathBuf;

use crate::cli::Exit;
use crate::output::Printer;
use crate::output::diagnostics::{self, DiagnosticFormat};

/// Arguments of `orgsync validate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The spec file.
    #[arg(short = 'f', long = "file", default_value = "orgsync.yaml")]
    pub file: PathBuf,
    /// Output format: cargo-style text, a JSON document, or GitHub Actions annotations.
    #[arg(long, value_enum, default_value_t = DiagnosticFormat::Text)]
    pub format: DiagnosticFormat,
}

/// Run `validate`.
pub fn run(args: Args, printer: &Printer) -> Exit {
    let display = args.file.display().to_string();
    let outcome = crate::spec::check_file(&args.file, &display);
    diagnostics::print(printer, &outcome.report, args.format);
    if outcome.report.is_valid() {
        Exit::Success
    } else {
        Exit::Error
    }
}
