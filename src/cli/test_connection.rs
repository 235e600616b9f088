//! `orgsync test-connection [-f FILE] [--format text|json]`: reach both orgs and check login,
//! API version, field access and the remaining daily allowance, with advice for each missing
//! thing. Exit 0 when nothing is missing (things `apply` will create do not count), 1 otherwise.

use std::path::PathBuf;

use crate::apply::connection_check;
use crate::cli::Exit;
use crate::cli::plan::{load_spec, runtime};
use crate::output::Printer;
use crate::output::connection_test::{self, ConnectionFormat};

/// Arguments of `orgsync test-connection`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The spec file.
    #[arg(short = 'f', long = "file", default_value = "orgsync.yaml")]
    pub file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ConnectionFormat::Text)]
    pub format: ConnectionFormat,
}

/// Run `test-connection`.
pub fn run(args: Args, printer: &Printer) -> Exit {
    let Some(spec) = load_spec(&args.file, printer) else {
        return Exit::Error;
    };
    let Some(rt) = runtime(printer) else {
        return Exit::Error;
    };
    let report = rt.block_on(connection_check::check(&spec));
    connection_test::print(printer, &report, args.format);
    if report.ok() {
        Exit::Success
    } else {
        Exit::Error
    }
}
