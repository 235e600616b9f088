//! `orgsync status [-f FILE] [--format text|json]`: the applied connection as the state store
//! sees it — direction, whether record flow is suspended, API usage per org, and per published
//! object its sync status ([`crate::sync::status`]), last activity, records synced in the last
//! 60 minutes and 24 hours, queue depth, failures and linked records. No org is contacted.
//!
//! Exit 0; 1 for a bad spec, an unreachable store, or a connection that was never applied.

use std::path::PathBuf;

use crate::cli::Exit;
use crate::cli::ops::Session;
use crate::output::Printer;
use crate::output::ops::{self, OpsFormat};

/// Arguments of `orgsync status`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The spec file.
    #[arg(short = 'f', long = "file", default_value = "orgsync.yaml")]
    pub file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OpsFormat::Text)]
    pub format: OpsFormat,
}

/// Run `status`.
pub fn run(args: Args, printer: &Printer) -> Exit {
    let Some(session) = Session::open(&args.file, printer) else {
        return Exit::Error;
    };
    let report = session.rt.block_on(crate::sync::status::report(
        &session.store,
        &session.spec,
        session.now_ms,
    ));
    let exit = match report {
        Ok(Some(report)) => {
            ops::status(printer, &report, args.format);
            Exit::Success
        }
        Ok(None) => {
            printer.error(
                &format!(
                    "the connection `{}` has never been applied, so nothing syncs yet",
                    session.spec.name
                ),
                Some("run `orgsync plan` to review the changes, then `orgsync apply`"),
            );
            Exit::Error
        }
        Err(e) => session.failed(printer, &e),
    };
    session.close();
    exit
}
