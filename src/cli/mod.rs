//! The command line: clap definitions (one file per command) and exit codes.
//!
//! Each command is a thin layer over a domain function; it returns an [`Exit`] and never
//! prints directly (only [`crate::output`] prints).

mod apply;
mod bulk_sync;
mod demo;
mod emulator;
mod forward;
mod inbox;
mod log;
mod ops;
mod plan;
mod queue;
mod replay;
mod reset;
mod schema;
mod status;
mod suspend;
mod sync;
mod test_connection;
mod validate;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::output::{ColorChoice, Printer};

/// Exit codes that scripts and CI rely on (CLI.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Success; for `plan --detailed-exitcode`: no changes.
    Success = 0,
    /// An error: bad spec, unreachable org, failed apply, bad arguments.
    Error = 1,
    /// `plan --detailed-exitcode`: changes present.
    Changes = 2,
    /// `apply` refused a stale saved plan.
    Stale = 3,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e as u8)
    }
}

/// orgsync keeps two Salesforce orgs in sync from one reviewed YAML spec.
#[derive(Debug, Parser)]
#[command(name = "orgsync", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// When to colour human output: auto (a terminal without NO_COLOR), always, never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a spec file: YAML, schema and every offline rule, all problems at once.
    Validate(validate::Args),
    /// Print the JSON Schema of the spec (for editor completion and CI checks).
    Schema(schema::Args),
    /// Read both orgs and the state store, and show what apply would change.
    Plan(plan::Args),
    /// Apply a saved plan, or plan and apply after confirmation.
    Apply(apply::Args),
    /// Reach both orgs: login, API version, field access, remaining API allowance.
    TestConnection(test_connection::Args),
    /// Serve an emulated Salesforce org on localhost (REST, Tooling, Bulk 2.0, SOAP undelete).
    Emulator(emulator::Args),
    /// Start two emulated orgs and walk through validate, plan, apply, bulk sync and live sync.
    Demo(demo::Args),
    /// Run record sync: one cycle with --once, or keep polling every pollInterval.
    Sync(sync::Args),
    /// Copy existing records of published objects that are not linked yet (resumable).
    BulkSync(bulk_sync::Args),
    /// Share chosen records now (manual forward), optionally with their children.
    Forward(forward::Args),
    /// Records held by autoAccept: false — list, accept or reject them.
    Inbox(inbox::Args),
    /// Rebuild record links from key fields and matchOn without changing any record.
    Reset(reset::Args),
    /// Per-object sync status, queue depth, activity, suspension and API usage (store only).
    Status(status::Args),
    /// The sync log, newest first (store only).
    Log(log::Args),
    /// The record queue: action, record, status, attempts, next retry (store only).
    Queue(queue::Args),
    /// Put failed queue entries back to work: pending, due now (store only).
    Replay(replay::Args),
    /// Stop record flow; changes keep queuing until `resume` or `--until` (store only).
    Suspend(suspend::SuspendArgs),
    /// Restart record flow after `suspend` (store only).
    Resume(suspend::ResumeArgs),
}

/// Parse the arguments, run the command, and turn the outcome into a process exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return Printer::new(ColorChoice::Auto).clap_error(&err).into(),
    };
    let printer = Printer::new(cli.color);
    run(cli.command, &printer).into()
}

/// Run one command. Usage errors and failures are rendered by the command through `printer`.
pub fn run(command: Command, printer: &Printer) -> Exit {
    match command {
        Command::Validate(args) => validate::run(args, printer),
        Command::Schema(args) => schema::run(args, printer),
        Command::Emulator(args) => emulator::run(args, printer),
        Command::Plan(args) => plan::run(args, printer),
        Command::Apply(args) => apply::run(args, printer),
        Command::TestConnection(args) => test_connection::run(args, printer),
        Command::Demo(args) => demo::run(args, printer),
        Command::Sync(args) => sync::run(args, printer),
        Command::BulkSync(args) => bulk_sync::run(args, printer),
        Command::Forward(args) => forward::run(args, printer),
        Command::Inbox(args) => inbox::run(args, printer),
        Command::Reset(args) => reset::run(args, printer),
        Command::Status(args) => status::run(args, printer),
        Command::Log(args) => log::run(args, printer),
        Command::Queue(args) => queue::run(args, printer),
        Command::Replay(args) => replay::run(args, printer),
        Command::Suspend(args) => suspend::run_suspend(args, printer),
        Command::Resume(args) => suspend::run_resume(args, printer),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn exit_codes_match_cli_md() {
        assert_eq!(Exit::Success as u8, 0);
        assert_eq!(Exit::Error as u8, 1);
        assert_eq!(Exit::Changes as u8, 2);
        assert_eq!(Exit::Stale as u8, 3);
    }
}
