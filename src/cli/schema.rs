//! `orgsync schema`: print the JSON Schema of the spec (draft-07) to stdout. The committed copy
//! lives at `schemas/orgsync.v1.schema.json`; regenerate it with
//! `cargo run -- schema > schemas/orgsync.v1.schema.json`.

use crate::cli::Exit;
use crate::output::Printer;

/// Arguments of `orgsync schema` (none yet: there is one spec version).
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Run `schema`.
pub fn run(_args: Args, printer: &Printer) -> Exit {
    printer.out(&crate::spec::schema::generate_pretty());
    Exit::Success
}
