//! `orgsync queue [--object X] [-f FILE] [--format text|json]`: the record queue in due order —
//! action, object, source org, record ID, status (Pending, Waiting, Retrying, Failed), attempts,
//! next retry, error code and reason. No org is contacted. Exit 0; 1 for a bad spec or an
//! unreachable store.

use std::path::PathBuf;

use crate::cli::Exit;
use crate::cli::ops::Session;
use crate::output::Printer;
use crate::output::ops::{self, OpsFormat};

/// Arguments of `orgsync queue`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The spec file.
    #[arg(short = 'f', long = "file", default_value = "orgsync.yaml")]
    pub file: PathBuf,
    /// Only entries of this object (API name).
    #[arg(long, value_name = "OBJECT")]
    pub object: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OpsFormat::Text)]
    pub format: OpsFormat,
}

/// Run `queue`.
pub fn run(args: Args, printer: &Printer) -> Exit {
    let Some(session) = Session::open(&args.file, printer) else {
        return Exit::Error;
    };
    let entries = match args.object.as_deref().map(|o| session.object(printer, o)) {
        None => session.rt.block_on(session.store.queue_entries(None)),
        Some(Ok(o)) => session.rt.block_on(session.store.queue_entries(Some(&o))),
        Some(Err(e)) => Err(e),
    };
    let exit = match entries {
        Ok(entries) => {
            ops::queue(printer, &entries, session.now_ms, args.format);
            Exit::Success
        }
        Err(e) => session.failed(printer, &e),
    };
    session.close();
    exit
}
