//! `orgsync demo [--dir DIR]`: start two emulated orgs with sample data and walk through
//! validate, plan, apply, bulk sync, changes flowing one way and then two ways with a conflict,
//! and status — narrated. Needs no org, no account and no network; under a minute. The spec and
//! its state store stay in DIR (default `.orgsync/demo`, emptied first).

use std::path::PathBuf;

use crate::cli::Exit;
use crate::cli::plan::{chain, runtime};
use crate::output::Printer;

/// Arguments of `orgsync demo`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to write the demo's spec and state store (emptied first).
    #[arg(long, default_value = ".orgsync/demo")]
    pub dir: PathBuf,
}

/// Run the demo.
pub fn run(args: Args, printer: &Printer) -> Exit {
    if args.dir.exists() && std::fs::remove_dir_all(&args.dir).is_err() {
        printer.error(
            &format!("cannot empty {}", args.dir.display()),
            Some("pass another directory with --dir"),
        );
        return Exit::Error;
    }
    let Some(rt) = runtime(printer) else {
        return Exit::Error;
    };
    let number = std::sync::Mutex::new(0usize);
    let tell = |e: crate::demo::Event<'_>| {
        if let Ok(mut n) = number.lock() {
            crate::output::demo::event(printer, &mut n, e);
        }
    };
    match rt.block_on(crate::demo::run(&args.dir, &tell)) {
        Ok(()) => Exit::Success,
        Err(e) => {
            printer.error(
                &chain(&e),
                Some("this is a bug in the demo; please report it"),
            );
            Exit::Error
        }
    }
}
