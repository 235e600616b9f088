//! `orgsync plan [-f FILE] [--out FILE] [--format text|markdown|json] [--detailed-exitcode]`:
//! read the state store and both orgs, and print what apply would change.
//!
//! Exit codes (CLI.md, decided in [`crate::plan`]): 1 for a bad spec, an unreachable org or a
//! plan with a blocking problem (the plan is still printed); with `--detailed-exitcode`, 2 when
//! the plan has changes and 0 when it has none; without it, 0.
//!
//! `--format markdown` prints the numbered comment parts (each at most 65,000 characters)
//! separated by a line holding only `<!-- orgsync: next part -->`
//! ([`crate::output::plan::PART_SEPARATOR`]): a CI step splits stdout on that line and posts
//! each part as its own pull-request comment.

use std::path::{Path, PathBuf};

use crate::apply::{ApplyError, session};
use crate::cli::Exit;
use crate::output::Printer;
use crate::output::diagnostics::{self, DiagnosticFormat};
use crate::output::plan::PlanFormat;
use crate::plan::{Plan, saved};
use crate::spec::Spec;

/// Arguments of `orgsync plan`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The spec file.
    #[arg(short = 'f', long = "file", default_value = "orgsync.yaml")]
    pub file: PathBuf,
    /// Also save the plan to this file, for `orgsync apply FILE`.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Output format: grouped text, markdown parts for a pull-request comment, or JSON.
    #[arg(long, value_enum, default_value_t = PlanFormat::Text)]
    pub format: PlanFormat,
    /// Exit 2 when the plan has changes, 0 when it has none (1 stays an error).
    #[arg(long)]
    pub detailed_exitcode: bool,
}

/// Load and compile the spec; on errors print the diagnostics (as `validate` does) and return
/// `None`.
pub(crate) fn load_spec(file: &Path, printer: &Printer) -> Option<Spec> {
    let display = file.display().to_string();
    let outcome = crate::spec::check_file(file, &display);
    match outcome.spec {
        Some(spec) if outcome.report.is_valid() => Some(spec),
        _ => {
            diagnostics::print(printer, &outcome.report, DiagnosticFormat::Text);
            printer.error(
                &format!("{display} is not a valid spec"),
                Some("run `orgsync validate` for the details"),
            );
            None
        }
    }
}

/// A runtime for the network commands.
pub(crate) fn runtime(printer: &Printer) -> Option<tokio::runtime::Runtime> {
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => Some(rt),
        Err(_) => {
            printer.error("could not start the async runtime", None);
            None
        }
    }
}

/// The error and its causes on one line (every layer's message is free of secrets and values).
pub(crate) fn chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        let next = s.to_string();
        if !text.contains(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = s.source();
    }
    text
}

/// Report an error that stops planning or applying, with a hint, and return exit 1.
pub(crate) fn fail(printer: &Printer, err: &ApplyError) -> Exit {
    let hint = match err {
        ApplyError::Observe(e) if e.org_error().is_some_and(|o| o.status().is_none()) => {
            Some("check the org's instanceUrl and that it is reachable from here")
        }
        ApplyError::Observe(e) if e.org_error().is_some_and(|o| o.status() == Some(401)) => {
            Some("check the org's auth settings and secrets; `orgsync test-connection` shows more")
        }
        ApplyError::Observe(_) => Some("`orgsync test-connection` checks access to both orgs"),
        ApplyError::State(_) | ApplyError::StatePassword(_) => {
            Some("check `spec.state.url` (and `state.password`)")
        }
        ApplyError::Invalid { .. } => Some("this is a bug in orgsync's planner; please report it"),
        _ => None,
    };
    printer.error(&chain(err), hint);
    match err {
        ApplyError::Stale(_) => Exit::Stale,
        _ => Exit::Error,
    }
}

/// The exit code of a printed plan.
pub(crate) fn plan_exit(plan: &Plan, detailed: bool) -> Exit {
    if plan.is_blocked() {
        Exit::Error
    } else if detailed && !plan.is_empty() {
        Exit::Changes
    } else {
        Exit::Success
    }
}

/// Run `plan`.
pub fn run(args: Args, printer: &Printer) -> Exit {
    let Some(spec) = load_spec(&args.file, printer) else {
        return Exit::Error;
    };
    let Some(rt) = runtime(printer) else {
        return Exit::Error;
    };
    let planned = match rt.block_on(session::plan(&spec)) {
        Ok(p) => p,
        Err(e) => return fail(printer, &e),
    };
    rt.block_on(planned.store.close());
    if crate::output::plan::print(printer, &planned.plan, args.format).is_err() {
        printer.error("the plan could not be rendered as JSON", None);
        return Exit::Error;
    }
    if let Some(out) = &args.out {
        if let Err(e) = saved::write(out, &planned.plan) {
            printer.error(&chain(&e), None);
            return Exit::Error;
        }
        printer.err(&format!("Saved the plan to {}\n", out.display()));
    }
    if planned.plan.is_blocked() {
        printer.error(
            &format!(
                "the plan has {} blocking problem(s); apply would refuse it",
                planned.plan.summary.blocking
            ),
            Some("fix the spec or the orgs as each `!` line says, then plan again"),
        );
    }
    plan_exit(&planned.plan, args.detailed_exitcode)
}
