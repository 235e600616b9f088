//! `orgsync bulk-sync [--since DATE] [--limit N] [--object X] [--format text|json]`: copy the
//! existing records of the published objects that are not linked yet, parents first. Resumable
//! and idempotent: records already linked are never copied again, and an interrupted run
//! resumes where it stopped. Exit 0 when it ran (failed records are queued for retries), 1 on
//! an error.

use std::path::PathBuf;

use crate::cli::Exit;
use crate::cli::sync::{engine, fail};
use crate::output::Printer;
use crate::output::sync::{self as out, SyncFormat};
use crate::sync::BulkOptions;

/// Arguments of `orgsync bulk-sync`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The spec file.
    #[arg(short = 'f', long = "file", default_value = "orgsync.yaml")]
    pub file: PathBuf,
    /// Copy records created or modified on or after this date (YYYY-MM-DD), instead of
    /// `records.bulkSync.since`. No one-year cap.
    #[arg(long, value_parser = parse_date)]
    pub since: Option<chrono::NaiveDate>,
    /// At most this many records per object and org.
    #[arg(long)]
    pub limit: Option<u64>,
    /// Only this object.
    #[arg(long)]
    pub object: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = SyncFormat::Text)]
    pub format: SyncFormat,
}

fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("`{s}` is not a date: write it as YYYY-MM-DD, e.g. 2024-01-31"))
}

/// Run `bulk-sync`.
pub fn run(args: Args, printer: &Printer) -> Exit {
    let Some((rt, engine)) = engine(&args.file, printer) else {
        return Exit::Error;
    };
    let options = BulkOptions {
        object: args.object.clone(),
        since: args
            .since
            .map(|d| format!("LastModifiedDate >= {}T00:00:00Z", d.format("%Y-%m-%d"))),
        limit: args.limit,
    };
    let progress = |step: &crate::sync::BulkStep| {
        if args.format == SyncFormat::Text {
            out::bulk_progress(printer, step);
        }
    };
    match rt.block_on(engine.bulk_sync(&options, &progress)) {
        Ok(report) => {
            out::bulk(printer, &report, args.format);
            Exit::Success
        }
        Err(e) => fail(printer, &e),
    }
}
