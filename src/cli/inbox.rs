//! `orgsync inbox [accept|reject ID…] [--object X]`: the records waiting because their object
//! has `subscribe.autoAccept: false`. Without a subcommand, list them; `accept` writes them to
//! the secondary now; `reject` drops them from the inbox (they stay unshared).

use std::path::PathBuf;

use crate::apply::session::open_store;
use crate::cli::Exit;
use crate::cli::plan::{chain, load_spec, runtime};
use crate::cli::sync::{engine, fail};
use crate::output::Printer;
use crate::output::sync::{self as out, SyncFormat};

/// What to do with held records.
#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Write these records to the secondary now.
    Accept {
        /// Record IDs (in the org they come from).
        #[arg(required = true)]
        ids: Vec<String>,
    },
    /// Drop these records from the inbox without writing them.
    Reject {
        /// Record IDs.
        #[arg(required = true)]
        ids: Vec<String>,
    },
}

/// Arguments of `orgsync inbox`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub action: Option<Action>,
    /// Only this object (listing).
    #[arg(long, global = true)]
    pub object: Option<String>,
    /// The spec file.
    #[arg(
        short = 'f',
        long = "file",
        default_value = "orgsync.yaml",
        global = true
    )]
    pub file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = SyncFormat::Text, global = true)]
    pub format: SyncFormat,
}

/// Run `inbox`.
pub fn run(args: Args, printer: &Printer) -> Exit {
    let (ids, accept) = match args.action {
        None => return list(&args.file, args.object.as_deref(), args.format, printer),
        Some(Action::Accept { ids }) => (ids, true),
        Some(Action::Reject { ids }) => (ids, false),
    };
    let Some((rt, engine)) = engine(&args.file, printer) else {
        return Exit::Error;
    };
    match rt.block_on(engine.inbox(&ids, accept)) {
        Ok(report) => {
            out::inbox_done(printer, &report, accept, args.format);
            if report.unknown.is_empty() {
                Exit::Success
            } else {
                Exit::Error
            }
        }
        Err(e) => fail(printer, &e),
    }
}

fn list(
    file: &std::path::Path,
    object: Option<&str>,
    format: SyncFormat,
    printer: &Printer,
) -> Exit {
    let Some(spec) = load_spec(file, printer) else {
        return Exit::Error;
    };
    let Some(rt) = runtime(printer) else {
        return Exit::Error;
    };
    let entries = rt.block_on(async {
        let store = open_store(&spec).await.map_err(|e| chain(&e))?;
        store.inbox_entries(object).await.map_err(|e| chain(&e))
    });
    match entries {
        Ok(entries) => {
            out::inbox_list(printer, &entries, format);
            Exit::Success
        }
        Err(e) => {
            printer.error(&e, Some("check `spec.state.url`"));
            Exit::Error
        }
    }
}
