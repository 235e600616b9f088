//! `orgsync apply [PLAN] [-f FILE] [--auto-approve] [--validate-only]`.
//!
//! With `PLAN` (a file from `plan --out`): both orgs are read again and the plan is refused
//! with exit 3 when anything it was planned from changed (a plan partly applied by an earlier
//! run resumes; see [`crate::apply::guard`]); a saved plan was reviewed, so it is not confirmed
//! again. Without `PLAN`: plan now, show the plan and ask for `yes` on a terminal; without a
//! terminal, refuse (exit 1) unless `--auto-approve`. A plan with a blocking problem is
//! refused (exit 1). `--validate-only` checks deployability without writing anything (no
//! confirmation needed). Exit 0 when every step is done, 1 otherwise.

use std::io::IsTerminal;
use std::path::PathBuf;

use crate::apply::session::Planned;
use crate::apply::{
    ApplyError, ApplyOptions, Freshness, Inputs, Orgs, execute, freshness, plan_fingerprint,
};
use crate::cli::Exit;
use crate::cli::plan::{chain, fail, load_spec, runtime};
use crate::org::SystemClock;
use crate::output::Printer;
use crate::output::plan::PlanFormat;
use crate::plan::{Plan, saved};

/// Arguments of `orgsync apply`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A plan saved with `orgsync plan --out FILE`; without it, apply plans first.
    pub plan: Option<PathBuf>,
    /// The spec file.
    #[arg(short = 'f', long = "file", default_value = "orgsync.yaml")]
    pub file: PathBuf,
    /// Apply without asking for confirmation (needed without a terminal).
    #[arg(long)]
    pub auto_approve: bool,
    /// Check that the changes would deploy, without writing anything.
    #[arg(long)]
    pub validate_only: bool,
}

/// Whether the user approved the plan (or approval is not needed).
fn approved(args: &Args, printer: &Printer) -> bool {
    if args.auto_approve || args.validate_only || args.plan.is_some() {
        return true;
    }
    if !std::io::stdin().is_terminal() {
        printer.error(
            "apply needs confirmation, and there is no terminal to ask on",
            Some(
                "pass --auto-approve, or save a plan with `orgsync plan --out FILE`, review it \
                 and run `orgsync apply FILE`",
            ),
        );
        return false;
    }
    let ok = crate::output::apply::confirm(printer, &mut std::io::stdin().lock());
    if !ok {
        printer.error("apply cancelled: the answer was not `yes`", None);
    }
    ok
}

/// The plan to apply: the saved one when it is still valid, else the fresh one.
async fn choose(args: &Args, planned: &Planned) -> Result<Plan, ApplyError> {
    let Some(path) = &args.plan else {
        return Ok(planned.plan.clone());
    };
    let saved = saved::read(path)?;
    let done = planned
        .store
        .done_steps(plan_fingerprint(&saved).as_str())
        .await?;
    match freshness(&saved, &planned.plan, &done) {
        Freshness::Fresh | Freshness::Resumable { .. } => Ok(saved),
        Freshness::Stale(stale) => Err(ApplyError::Stale(stale)),
    }
}

/// Run `apply`.
pub fn run(args: Args, printer: &Printer) -> Exit {
    let Some(spec) = load_spec(&args.file, printer) else {
        return Exit::Error;
    };
    let Some(rt) = runtime(printer) else {
        return Exit::Error;
    };
    let planned = match rt.block_on(crate::apply::session::plan(&spec)) {
        Ok(p) => p,
        Err(e) => return fail(printer, &e),
    };
    let exit = rt.block_on(async {
        let plan = match choose(&args, &planned).await {
            Ok(p) => p,
            Err(e) => return fail(printer, &e),
        };
        if args.plan.is_none()
            && crate::output::plan::print(printer, &plan, PlanFormat::Text).is_err()
        {
            return Exit::Error;
        }
        if plan.is_blocked() {
            printer.error(
                &format!(
                    "apply refused: the plan has {} blocking problem(s)",
                    plan.summary.blocking
                ),
                Some("fix the spec or the orgs as each `!` line says, then plan again"),
            );
            return Exit::Error;
        }
        if plan.is_empty() {
            crate::output::apply::nothing_to_do(printer);
            return Exit::Success;
        }
        if !approved(&args, printer) {
            return Exit::Error;
        }
        let inputs = Inputs {
            spec: &spec,
            snapshot: &planned.snapshot,
            plan: &plan,
            orgs: Orgs {
                primary: &planned.primary,
                secondary: &planned.secondary,
            },
            store: &planned.store,
            clock: &SystemClock,
        };
        let options = ApplyOptions {
            validate_only: args.validate_only,
            ..ApplyOptions::default()
        };
        match execute(inputs, options).await {
            Ok(report) => {
                crate::output::apply::print(printer, &report);
                if report.succeeded() {
                    Exit::Success
                } else {
                    Exit::Error
                }
            }
            Err(e) => {
                printer.error(&chain(&e), None);
                Exit::Error
            }
        }
    });
    rt.block_on(planned.store.close());
    exit
}
