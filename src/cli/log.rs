//! `orgsync log [--status failed|retrying|resolved] [--object X] [--since 2h]
//! [--error-code CODE] [--limit N] [-f FILE] [--format text|json]`: the sync log, newest first.
//! No org is contacted.
//!
//! `--since` takes a duration counted back from now (`30m`, `2h`, `7d`) or an RFC 3339 instant.
//! `--error-code` is matched upper-cased (codes are `UNABLE_TO_LOCK_ROW`, `CONFLICT`, …);
//! `--object` takes the API name in any case. Exit 0 (also when nothing matches); 1 for a bad
//! spec or an unreachable store.

use std::path::PathBuf;

use crate::cli::Exit;
use crate::cli::ops::{Session, TimeArg, error_code, parse_time};
use crate::output::Printer;
use crate::output::ops::{self, OpsFormat};
use crate::state::sync::{LogFilter, LogStatus};

/// A sync-log status to filter on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StatusArg {
    /// Gave up after the last attempt, or a permanent error.
    Failed,
    /// Failed on the first attempt; being retried.
    Retrying,
    /// Succeeded after retries, or a conflict resolved by the policy.
    Resolved,
}

impl From<StatusArg> for LogStatus {
    fn from(s: StatusArg) -> Self {
        match s {
            StatusArg::Failed => LogStatus::Failed,
            StatusArg::Retrying => LogStatus::Retrying,
            StatusArg::Resolved => LogStatus::Resolved,
        }
    }
}

/// Arguments of `orgsync log`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The spec file.
    #[arg(short = 'f', long = "file", default_value = "orgsync.yaml")]
    pub file: PathBuf,
    /// Only entries with this status.
    #[arg(long, value_enum)]
    pub status: Option<StatusArg>,
    /// Only entries of this object (API name).
    #[arg(long, value_name = "OBJECT")]
    pub object: Option<String>,
    /// Only entries since then: a duration back from now (`30m`, `2h`, `7d`) or an RFC 3339
    /// instant.
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub since: Option<TimeArg>,
    /// Only entries with this error code (e.g. `UNABLE_TO_LOCK_ROW`).
    #[arg(long, value_name = "CODE")]
    pub error_code: Option<String>,
    /// At most this many entries (the newest).
    #[arg(long, value_name = "N", default_value_t = 50,
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub limit: u32,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OpsFormat::Text)]
    pub format: OpsFormat,
}

/// Run `log`.
pub fn run(args: Args, printer: &Printer) -> Exit {
    let Some(session) = Session::open(&args.file, printer) else {
        return Exit::Error;
    };
    let object = match args.object.as_deref().map(|o| session.object(printer, o)) {
        None => None,
        Some(Ok(o)) => Some(o),
        Some(Err(e)) => {
            let exit = session.failed(printer, &e);
            session.close();
            return exit;
        }
    };
    let filter = LogFilter {
        status: args.status.map(LogStatus::from),
        object,
        since_ms: args.since.map(|t| t.before(session.now_ms)),
        error_code: args.error_code.as_deref().map(error_code),
        limit: Some(i64::from(args.limit)),
    };
    let exit = match session.rt.block_on(session.store.log_entries(&filter)) {
        Ok(entries) => {
            ops::log(
                printer,
                &entries,
                session.now_ms,
                Some(args.limit),
                args.format,
            );
            Exit::Success
        }
        Err(e) => session.failed(printer, &e),
    };
    session.close();
    exit
}
