//! `orgsync replay [--object X] [--error-code CODE] [--older-than TIME | --since TIME]
//! [-f FILE] [--format text|json]`: put failed queue entries back to work — Pending, no attempts
//! made, due now — and print how many. The age of an entry is the time it last changed (when it
//! failed). Nothing is written to the sync log; the next sync cycle picks the entries up. No org
//! is contacted. Exit 0 (also when nothing matches); 1 for a bad spec or an unreachable store.

use std::path::PathBuf;

use crate::cli::Exit;
use crate::cli::ops::{Session, TimeArg, error_code, parse_time};
use crate::output::Printer;
use crate::output::ops::{self, OpsFormat};
use crate::state::sync::ReplayFilter;

/// Arguments of `orgsync replay`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The spec file.
    #[arg(short = 'f', long = "file", default_value = "orgsync.yaml")]
    pub file: PathBuf,
    /// Only entries of this object (API name).
    #[arg(long, value_name = "OBJECT")]
    pub object: Option<String>,
    /// Only entries that failed with this error code (e.g. `UNABLE_TO_LOCK_ROW`).
    #[arg(long, value_name = "CODE")]
    pub error_code: Option<String>,
    /// Only entries that failed at least this long ago (`1h`) or before an RFC 3339 instant.
    #[arg(long, value_name = "TIME", value_parser = parse_time, conflicts_with = "since")]
    pub older_than: Option<TimeArg>,
    /// Only entries that failed within this long (`1h`) or since an RFC 3339 instant.
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub since: Option<TimeArg>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OpsFormat::Text)]
    pub format: OpsFormat,
}

/// Run `replay`.
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
    let filter = ReplayFilter {
        object,
        error_code: args.error_code.as_deref().map(error_code),
        failed_before_ms: args.older_than.map(|t| t.before(session.now_ms)),
        failed_since_ms: args.since.map(|t| t.before(session.now_ms)),
    };
    let exit = match session
        .rt
        .block_on(session.store.replay_failed(&filter, session.now_ms))
    {
        Ok(count) => {
            ops::replayed(printer, count, args.format);
            Exit::Success
        }
        Err(e) => session.failed(printer, &e),
    };
    session.close();
    exit
}
