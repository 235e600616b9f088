//! `orgsync schema`.

use crate::cli::Exit;
use crate::output::Printer;

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args, printer: &Printer) -> Exit {
    printer.error("`orgsync schema` is not built yet", None);
    Exit::Error
}
