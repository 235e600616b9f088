//! `orgsync validate [-f FILE] [--format text|json|github]`: every offline check, all problems
//! at once. Exit 0 when the spec is valid (warnings allowed), 1 otherwise. Where each format is
//! printed is decided in [`crate::output::diagnostics`]: text to stderr with a verdict on stdout
//! when valid; json and github annotations to stdout.
//!
//! `--online` then reads both orgs and reports the online rules of SPEC.md (object existence,
//! type compatibility, lookups, cycles, field access, profiles and roles): the planner's
//! attention changes and nothing else, exit 1 when one of them blocks. It reads no state
//! store and writes nothing.

use std::path::PathBuf;

use crate::apply::session;
use crate::cli::Exit;
use crate::cli::plan::{fail, runtime};
use crate::output::Printer;
use crate::output::diagnostics::{self, DiagnosticFormat};
use crate::output::online as online_view;
use crate::plan::planner::{self, StateView};
use crate::plan::{Action, Change};
use crate::spec::Spec;

/// Arguments of `orgsync validate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The spec file.
    #[arg(short = 'f', long = "file", default_value = "orgsync.yaml")]
    pub file: PathBuf,
    /// Output format: cargo-style text, a JSON document, or GitHub Actions annotations.
    #[arg(long, value_enum, default_value_t = DiagnosticFormat::Text)]
    pub format: DiagnosticFormat,
    /// Also check the spec against both orgs (the online rules; reads both orgs).
    #[arg(long)]
    pub online: bool,
}

/// Run `validate`.
pub fn run(args: Args, printer: &Printer) -> Exit {
    let display = args.file.display().to_string();
    let outcome = crate::spec::check_file(&args.file, &display);
    if !(args.online && args.format == DiagnosticFormat::Json && outcome.report.is_valid()) {
        diagnostics::print(printer, &outcome.report, args.format);
    }
    let Some(spec) = outcome.spec.filter(|_| outcome.report.is_valid()) else {
        return Exit::Error;
    };
    if !args.online {
        return Exit::Success;
    }
    online(&spec, printer, args.format, &display)
}

/// The online rules: observe both orgs, plan against an empty state, keep the attention changes.
fn online(spec: &Spec, printer: &Printer, format: DiagnosticFormat, display: &str) -> Exit {
    let Some(rt) = runtime(printer) else {
        return Exit::Error;
    };
    let snapshot = match rt.block_on(session::observe(spec)) {
        Ok((_, _, snapshot)) => snapshot,
        Err(e) => return fail(printer, &e),
    };
    let plan = planner::plan(spec, &snapshot, &StateView::default());
    let findings: Vec<&Change> = plan
        .changes
        .iter()
        .filter(|c| c.action == Action::Attention)
        .collect();
    online_view::print(printer, &findings, format, display);
    if plan.is_blocked() {
        Exit::Error
    } else {
        Exit::Success
    }
}
