//! `orgsync emulator`: serve one emulated org on localhost until SIGINT/SIGTERM. When ready it
//! prints exactly one JSON line on stdout with the instance URL and credentials.

use std::path::PathBuf;

use crate::cli::Exit;
use crate::emulator::fixture::{self, DefaultOrg};
use crate::emulator::persist::Store;
use crate::emulator::server::{self, ServeOptions};
use crate::emulator::{EmulatorOptions, EmulatorState};
use crate::output::Printer;

/// Which embedded org to serve without `--fixture`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DefaultChoice {
    /// "Acme Corp": schema, users and a few hundred records.
    Primary,
    /// "Acme Corp DR": the same schema with a few differences, admin only, no records.
    Secondary,
}

/// Arguments of `orgsync emulator`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Port to listen on (127.0.0.1); 0 picks a free port, reported in the ready line.
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Serve HTTPS with a certificate generated at start; its CA is written to `caCertFile`.
    #[arg(long)]
    pub tls: bool,
    /// Load the org from this fixture file instead of an embedded default.
    #[arg(long, value_name = "FILE")]
    pub fixture: Option<PathBuf>,
    /// Keep the org in this directory across restarts (the CA file is written here too).
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Latency profile to simulate: zero (none), lan (1–3 ms) or sf-typical (50–200 ms by
    /// kind of call); changeable later through `POST /__emulator/latency`.
    #[arg(long, value_name = "PROFILE", value_enum)]
    pub latency: Option<crate::emulator::latency::LatencyProfile>,
    /// Separates several emulators: IDs, org ID and credentials differ per seed.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// The embedded org to serve without `--fixture`.
    #[arg(long = "default", value_enum, default_value_t = DefaultChoice::Primary)]
    pub default_org: DefaultChoice,
}

/// Serve until SIGINT/SIGTERM; exit 1 when the org cannot be loaded or the port bound.
pub fn run(args: Args, printer: &Printer) -> Exit {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            report(printer, &e, None);
            return Exit::Error;
        }
    };
    match runtime.block_on(serve(&args, printer)) {
        Ok(()) => Exit::Success,
        Err(Failure { error, hint }) => {
            report(printer, error.as_ref(), hint);
            Exit::Error
        }
    }
}

/// A failure to start, with a hint for the user.
struct Failure {
    error: Box<dyn std::error::Error + Send + Sync>,
    hint: Option<&'static str>,
}

fn fail<E: std::error::Error + Send + Sync + 'static>(
    hint: &'static str,
) -> impl FnOnce(E) -> Failure {
    move |e| Failure {
        error: Box::new(e),
        hint: Some(hint),
    }
}

/// Render an error and its causes on one line.
fn report(printer: &Printer, error: &(dyn std::error::Error + 'static), hint: Option<&str>) {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(s) = source {
        message.push_str(&format!(": {s}"));
        source = s.source();
    }
    printer.error(&message, hint);
}

fn load_org(args: &Args) -> Result<crate::emulator::model::Org, Failure> {
    match &args.fixture {
        Some(path) => fixture::load_file(path),
        None => fixture::default_org(
            match args.default_org {
                DefaultChoice::Primary => DefaultOrg::Primary,
                DefaultChoice::Secondary => DefaultOrg::Secondary,
            },
            args.seed,
        ),
    }
    .map_err(fail("check the fixture file (docs/emulator-fixtures.md)"))
}

async fn serve(args: &Args, printer: &Printer) -> Result<(), Failure> {
    const DATA_HINT: &str = "check that --data names a writable directory";
    let (org, store) = match &args.data {
        None => (load_org(args)?, None),
        Some(dir) => {
            let store = Store::open(dir).await.map_err(fail(DATA_HINT))?;
            match store.load().await.map_err(fail(DATA_HINT))? {
                Some(org) => (org, Some(store)),
                None => {
                    let org = load_org(args)?;
                    store.save_all(&org).await.map_err(fail(DATA_HINT))?;
                    (org, Some(store))
                }
            }
        }
    };
    let mut options = EmulatorOptions::new(org);
    options.seed = args.seed;
    options.latency = args.latency.map(|p| p.as_str().to_owned());
    let state = EmulatorState::new(options);
    if let Some(store) = store {
        state.set_store(store);
    }
    let serve = ServeOptions {
        port: args.port,
        tls: args.tls,
        ca_dir: args.data.clone(),
        ..ServeOptions::default()
    };
    let bound =
        server::bind(state, &serve).map_err(fail("pick another --port, or 0 for a free one"))?;
    printer.json_line(&bound.ready_line());
    let ca = bound.ca_cert_file.clone();
    let result = bound.serve(shutdown_signal()).await;
    if let (Some(path), None) = (ca, &args.data) {
        let _ = std::fs::remove_file(path);
    }
    result.map_err(fail("the emulator stopped unexpectedly"))
}

/// Resolves on SIGINT or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
