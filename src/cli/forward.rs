//! `orgsync forward OBJECT ID… [--from primary|secondary] [--with-children]`: share chosen
//! records now (Organization Sync's manual forward): copied or updated with every synced field,
//! past the inbox, and with `--with-children` also the records of synced child objects that look
//! up to them. Exit 0 when every record was found and written, 1 otherwise.

use std::path::PathBuf;

use crate::cli::Exit;
use crate::cli::sync::{engine, fail};
use crate::output::Printer;
use crate::output::sync::{self as out, SyncFormat};
use crate::state::Side;

/// The org a record comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum From {
    /// The primary org.
    Primary,
    /// The secondary org (two-way connections).
    Secondary,
}

/// Arguments of `orgsync forward`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The object's API name.
    pub object: String,
    /// Record IDs.
    #[arg(required = true)]
    pub ids: Vec<String>,
    /// The org the records are in.
    #[arg(long, value_enum, default_value_t = From::Primary)]
    pub from: From,
    /// Also forward the records of synced objects that look up to these.
    #[arg(long)]
    pub with_children: bool,
    /// The spec file.
    #[arg(short = 'f', long = "file", default_value = "orgsync.yaml")]
    pub file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = SyncFormat::Text)]
    pub format: SyncFormat,
}

/// Run `forward`.
pub fn run(args: Args, printer: &Printer) -> Exit {
    let Some((rt, engine)) = engine(&args.file, printer) else {
        return Exit::Error;
    };
    let side = match args.from {
        From::Primary => Side::Primary,
        From::Secondary => Side::Secondary,
    };
    match rt.block_on(engine.forward(&args.object, side, &args.ids, args.with_children)) {
        Ok((objects, missing)) => {
            out::forward(printer, &objects, &missing, args.format);
            let failed: u64 = objects.values().map(|c| c.failed + c.waiting).sum();
            if missing.is_empty() && failed == 0 {
                Exit::Success
            } else {
                Exit::Error
            }
        }
        Err(e) => fail(printer, &e),
    }
}
