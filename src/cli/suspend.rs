//! `orgsync suspend --reason TEXT [--until TIME] [-f FILE] [--format text|json]` and
//! `orgsync resume [-f FILE] [--format text|json]`: stop and restart record flow.
//!
//! While suspended the engine keeps reading and queuing changes but writes nothing; it resumes
//! by itself at `--until` (a duration from now such as `2h`, or an RFC 3339 instant). Suspending
//! a suspended connection replaces the reason and the end, and keeps the time it was first
//! suspended. `resume` on a connection that is not suspended says so and exits 0. No org is
//! contacted. Exit 1 for a bad spec, an unreachable store, an empty reason or an end in the
//! past.

use std::path::PathBuf;

use crate::cli::Exit;
use crate::cli::ops::{Session, TimeArg, parse_time};
use crate::output::Printer;
use crate::output::ops::{self, OpsFormat};
use crate::state::sync::Suspension;

/// The longest reason kept (it is shown on one line by `status`).
const MAX_REASON_CHARS: usize = 500;

/// Arguments of `orgsync suspend`.
#[derive(Debug, clap::Args)]
pub struct SuspendArgs {
    /// The spec file.
    #[arg(short = 'f', long = "file", default_value = "orgsync.yaml")]
    pub file: PathBuf,
    /// Why record flow stops (shown by `orgsync status`).
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
    /// Resume automatically then: a duration from now (`2h`) or an RFC 3339 instant.
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub until: Option<TimeArg>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OpsFormat::Text)]
    pub format: OpsFormat,
}

/// Arguments of `orgsync resume`.
#[derive(Debug, clap::Args)]
pub struct ResumeArgs {
    /// The spec file.
    #[arg(short = 'f', long = "file", default_value = "orgsync.yaml")]
    pub file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OpsFormat::Text)]
    pub format: OpsFormat,
}

/// The reason as stored, or the complaint about it.
fn reason(text: &str) -> Result<String, (&'static str, &'static str)> {
    let text = text.trim();
    if text.is_empty() {
        return Err((
            "the suspension reason is empty",
            "say why, e.g. --reason \"release 2026.12 deploys\"",
        ));
    }
    if text.chars().count() > MAX_REASON_CHARS {
        return Err((
            "the suspension reason is longer than 500 characters",
            "keep it to one line; link a ticket for the details",
        ));
    }
    Ok(text.to_owned())
}

/// Run `suspend`.
pub fn run_suspend(args: SuspendArgs, printer: &Printer) -> Exit {
    let reason = match reason(&args.reason) {
        Ok(r) => r,
        Err((msg, hint)) => {
            printer.error(msg, Some(hint));
            return Exit::Error;
        }
    };
    let Some(session) = Session::open(&args.file, printer) else {
        return Exit::Error;
    };
    let now_ms = session.now_ms;
    let until_ms = args.until.map(|t| t.after(now_ms));
    if let Some(until) = until_ms
        && until <= now_ms
    {
        printer.error(
            &format!("--until {} is not in the future", ops::utc(until)),
            Some("give a duration from now such as `2h`, or a later RFC 3339 instant"),
        );
        session.close();
        return Exit::Error;
    }
    let exit = session.rt.block_on(async {
        let previous = session
            .store
            .suspension()
            .await?
            .filter(|s| s.until_ms.is_none_or(|u| now_ms < u));
        let now = Suspension {
            reason,
            since_ms: previous.as_ref().map_or(now_ms, |p| p.since_ms),
            until_ms,
        };
        session.store.set_suspension(Some(&now)).await?;
        Ok::<_, crate::state::StateError>((now, previous))
    });
    let exit = match exit {
        Ok((now, previous)) => {
            ops::suspended(
                printer,
                &session.spec.name,
                &now,
                previous.as_ref(),
                now_ms,
                args.format,
            );
            Exit::Success
        }
        Err(e) => session.failed(printer, &e),
    };
    session.close();
    exit
}

/// Run `resume`.
pub fn run_resume(args: ResumeArgs, printer: &Printer) -> Exit {
    let Some(session) = Session::open(&args.file, printer) else {
        return Exit::Error;
    };
    let done = session.rt.block_on(async {
        let previous = session.store.suspension().await?;
        if previous.is_some() {
            session.store.set_suspension(None).await?;
        }
        Ok::<_, crate::state::StateError>(previous)
    });
    let exit = match done {
        Ok(previous) => {
            ops::resumed(
                printer,
                &session.spec.name,
                previous.as_ref(),
                session.now_ms,
                args.format,
            );
            Exit::Success
        }
        Err(e) => session.failed(printer, &e),
    };
    session.close();
    exit
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_trimmed_and_bounded() {
        assert_eq!(reason("  maintenance ").unwrap(), "maintenance");
        assert!(reason("   ").is_err());
        assert!(reason(&"x".repeat(500)).is_ok());
        assert!(reason(&"x".repeat(501)).is_err());
    }
}
