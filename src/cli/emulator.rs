//! `orgsync emulator`: serve one emulated org on localhost until SIGINT/SIGTERM. When ready it
//! prints exactly one JSON line on stdout with the instance URL and credentials.

use std::path::PathBuf;

use crate::cli::Exit;
use crate::emulator::fixture::{self, DefaultOrg};
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
    /// Latency profile to simulate (passed to the latency layer).
    #[arg(long, value_name = "PROFILE")]
    pub latency: Option<String>,
    /// Separates several emulators: IDs, org ID and credentials differ per seed.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// The embedded org to serve without `--fixture`.
    #[arg(long = "default", value_enum, default_value_t = DefaultChoice::Primary)]
    pub default_org: DefaultChoice,
}

/// Serve until SIGINT/SIGTERM; exit 1 when the org cannot be loaded or the port bound.
pub fn run(args: Args, printer: &Printer) -> Exit {
    let org = match &args.fixture {
        Some(path) => fixture::load_file(path),
        None => fixture::default_org(
            match args.default_org {
                DefaultChoice::Primary => DefaultOrg::Primary,
                DefaultChoice::Secondary => DefaultOrg::Secondary,
            },
            args.seed,
        ),
    };
    let org = match org {
        Ok(org) => org,
        Err(e) => {
            printer.error(
                &e.to_string(),
                Some("check the fixture file (docs/emulator-fixtures.md)"),
            );
            return Exit::Error;
        }
    };
    let mut options = EmulatorOptions::new(org);
    options.seed = args.seed;
    options.latency = args.latency.clone();
    let state = EmulatorState::new(options);
    let serve = ServeOptions {
        port: args.port,
        tls: args.tls,
        ca_dir: args.data.clone(),
        ..ServeOptions::default()
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            printer.error(&format!("cannot start the async runtime: {e}"), None);
            return Exit::Error;
        }
    };
    let outcome = runtime.block_on(async {
        let bound = server::bind(state, &serve)?;
        printer.json_line(&bound.ready_line());
        let ca = bound.ca_cert_file.clone();
        let result = bound.serve(shutdown_signal()).await;
        if let (Some(path), None) = (ca, &args.data) {
            let _ = std::fs::remove_file(path);
        }
        result
    });
    match outcome {
        Ok(()) => Exit::Success,
        Err(e) => {
            let mut message = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                message.push_str(&format!(": {s}"));
                source = s.source();
            }
            printer.error(&message, Some("pick another --port, or 0 for a free one"));
            Exit::Error
        }
    }
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
