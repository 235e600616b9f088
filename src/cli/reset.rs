//! `orgsync reset [--object X]`: rebuild the record links of every synced object (or one) from
//! the orgs themselves — the key field each copy carries, and `matchOn` — without changing any
//! record. Both orgs' current values become the baseline for change detection.

use std::path::PathBuf;

use crate::cli::Exit;
use crate::cli::sync::{engine, fail};
use crate::output::Printer;
use crate::output::sync::{self as out, SyncFormat};

/// Arguments of `orgsync reset`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only this object.
    #[arg(long)]
    pub object: Option<String>,
    /// The spec file.
    #[arg(short = 'f', long = "file", default_value = "orgsync.yaml")]
    pub file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = SyncFormat::Text)]
    pub format: SyncFormat,
}

/// Run `reset`.
pub fn run(args: Args, printer: &Printer) -> Exit {
    let Some((rt, engine)) = engine(&args.file, printer) else {
        return Exit::Error;
    };
    match rt.block_on(engine.reset(args.object.as_deref())) {
        Ok(report) => {
            out::reset(printer, &report, args.format);
            Exit::Success
        }
        Err(e) => fail(printer, &e),
    }
}
