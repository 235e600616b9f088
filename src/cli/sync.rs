//! `orgsync sync [--once] [--object X] [--format text|json]`: run record sync — one cycle
//! (drain the due queue and poll changes once), or cycles every `pollInterval` until Ctrl-C or
//! SIGTERM, finishing the cycle in progress. Exit 0 when the cycles ran (records that failed
//! are in the queue and the log, see `orgsync status`), 1 when the orgs or the store could not be
//! used.

use std::path::{Path, PathBuf};

use crate::cli::Exit;
use crate::cli::plan::{chain, load_spec, runtime};
use crate::output::Printer;
use crate::output::sync::{self as out, SyncFormat};
use crate::sync::{Engine, SyncError};

/// Arguments of `orgsync sync`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The spec file.
    #[arg(short = 'f', long = "file", default_value = "orgsync.yaml")]
    pub file: PathBuf,
    /// Run one cycle and stop.
    #[arg(long)]
    pub once: bool,
    /// Only this object (with `--once`).
    #[arg(long, requires = "once")]
    pub object: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = SyncFormat::Text)]
    pub format: SyncFormat,
}

/// Report an engine error with a hint; exit 1.
pub(crate) fn fail(printer: &Printer, err: &SyncError) -> Exit {
    let hint = match err {
        SyncError::Model(_) => Some("run `orgsync plan` and `orgsync apply` first"),
        SyncError::Org { .. } | SyncError::Connect(_) => {
            Some("`orgsync test-connection` checks access to both orgs; nothing was lost")
        }
        SyncError::State(_) => Some("check `spec.state.url`"),
        SyncError::UnknownObject(_) => {
            Some("name an object under `spec.objects` that apply has published")
        }
        SyncError::Refused(_) => None,
    };
    printer.error(&chain(err), hint);
    Exit::Error
}

/// Load the spec, start a runtime and connect the engine; on failure print why.
pub(crate) fn engine(file: &Path, printer: &Printer) -> Option<(tokio::runtime::Runtime, Engine)> {
    let spec = load_spec(file, printer)?;
    let rt = runtime(printer)?;
    match rt.block_on(Engine::connect(&spec)) {
        Ok(engine) => Some((rt, engine)),
        Err(e) => {
            fail(printer, &e);
            None
        }
    }
}

/// Run `sync`.
pub fn run(args: Args, printer: &Printer) -> Exit {
    let Some((rt, engine)) = engine(&args.file, printer) else {
        return Exit::Error;
    };
    if args.once {
        return match rt.block_on(engine.sync_once(args.object.as_deref())) {
            Ok(report) => {
                out::cycle(printer, &report, args.format);
                Exit::Success
            }
            Err(e) => fail(printer, &e),
        };
    }
    let format = args.format;
    let model = engine.model();
    out::loop_started(
        printer,
        &model.name,
        model.objects.len(),
        model.poll_interval,
    );
    let each = |r: &Result<crate::sync::CycleReport, SyncError>| match r {
        Ok(report) if report.total().writes() > 0 || report.total().failed > 0 => {
            out::cycle(printer, report, format);
        }
        Ok(_) => {}
        Err(e) => {
            fail(printer, e);
        }
    };
    rt.block_on(engine.run(shutdown(), &each));
    Exit::Success
}

/// Ctrl-C or SIGTERM.
async fn shutdown() {
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
