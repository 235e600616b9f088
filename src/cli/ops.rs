//! What the store-only operations commands (`status`, `log`, `queue`, `replay`, `suspend`,
//! `resume`) share: loading the spec and opening its state store (no org is contacted), the
//! current time, time arguments, and object names.
//!
//! Times on the command line are either a duration (`30m`, `2h`, `7d`: a whole number and one
//! unit, at most a year; see [`crate::spec::duration`]) counted back from now (`--since`,
//! `--older-than`) or forward (`--until`), or an RFC 3339 instant (`2026-12-06T04:00:00Z`).
//!
//! The current time is the system clock, unless the hidden environment variable
//! `ORGSYNC_NOW_MS` holds milliseconds since the Unix epoch: the tests use it so that relative
//! ages (`3 min ago`) are deterministic. It is for tests only and not part of the documented
//! interface.

use std::path::Path;
use std::time::Duration;

use crate::cli::plan::{fail, load_spec, runtime};
use crate::org::{Clock, SystemClock};
use crate::output::Printer;
use crate::spec::Spec;
use crate::state::Store;

/// The environment variable that fixes "now" for tests.
const NOW_VAR: &str = "ORGSYNC_NOW_MS";

/// A time argument as written: relative to now, or an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeArg {
    /// A duration (`2h`): before now for `--since`/`--older-than`, after now for `--until`.
    Relative(Duration),
    /// An RFC 3339 instant, in milliseconds since the epoch.
    At(i64),
}

impl TimeArg {
    fn span_ms(d: Duration) -> i64 {
        i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
    }

    /// The instant this names when it looks back from `now_ms`.
    pub fn before(self, now_ms: i64) -> i64 {
        match self {
            TimeArg::Relative(d) => now_ms.saturating_sub(Self::span_ms(d)),
            TimeArg::At(ms) => ms,
        }
    }

    /// The instant this names when it looks ahead from `now_ms`.
    pub fn after(self, now_ms: i64) -> i64 {
        match self {
            TimeArg::Relative(d) => now_ms.saturating_add(Self::span_ms(d)),
            TimeArg::At(ms) => ms,
        }
    }
}

/// Parse a time argument (clap value parser): `30m`, `2h`, `7d` or an RFC 3339 instant.
pub fn parse_time(text: &str) -> Result<TimeArg, String> {
    let text = text.trim();
    let looks_like_date = text.len() > 10 && text.as_bytes().get(4) == Some(&b'-');
    if looks_like_date {
        return chrono::DateTime::parse_from_rfc3339(text)
            .map(|t| TimeArg::At(t.timestamp_millis()))
            .map_err(|e| {
                format!(
                    "not an RFC 3339 instant ({e}); write e.g. `2026-12-06T04:00:00Z`, or a \
                     duration such as `30m`, `2h` or `7d`"
                )
            });
    }
    crate::spec::duration::parse(text)
        .map(TimeArg::Relative)
        .map_err(|e| {
            format!(
                "{e}; write a duration such as `30m`, `2h` or `7d`, or an RFC 3339 instant such \
                 as `2026-12-06T04:00:00Z`"
            )
        })
}

/// Milliseconds since the epoch now (or `ORGSYNC_NOW_MS`); `None` (reported) when that
/// variable is set but is not an integer.
pub(crate) fn now_ms(printer: &Printer) -> Option<i64> {
    match std::env::var(NOW_VAR) {
        Ok(v) => match v.trim().parse::<i64>() {
            Ok(ms) => Some(ms),
            Err(_) => {
                printer.error(
                    &format!("{NOW_VAR} is not a whole number of milliseconds"),
                    Some(&format!("unset {NOW_VAR}; it exists for orgsync's tests")),
                );
                None
            }
        },
        Err(_) => Some(SystemClock.now().timestamp_millis()),
    }
}

/// The spec, a runtime and the open store of one operations command.
pub(crate) struct Session {
    /// The validated spec.
    pub spec: Spec,
    /// The runtime the store runs on.
    pub rt: tokio::runtime::Runtime,
    /// The open store.
    pub store: Store,
    /// "Now" for this command.
    pub now_ms: i64,
}

impl Session {
    /// Load the spec and open its store; every failure is reported and gives `None` (exit 1).
    pub(crate) fn open(file: &Path, printer: &Printer) -> Option<Session> {
        let spec = load_spec(file, printer)?;
        let now_ms = now_ms(printer)?;
        let rt = runtime(printer)?;
        let store = match rt.block_on(crate::apply::session::open_store(&spec)) {
            Ok(s) => s,
            Err(e) => {
                fail(printer, &e);
                return None;
            }
        };
        Some(Session {
            spec,
            rt,
            store,
            now_ms,
        })
    }

    /// Report a store error (exit 1).
    pub(crate) fn failed(&self, printer: &Printer, err: &crate::state::StateError) -> super::Exit {
        printer.error(
            &crate::cli::plan::chain(err),
            Some("check `spec.state.url` and that the store is reachable"),
        );
        super::Exit::Error
    }

    /// The object name as the applied connection spells it (API names are case-insensitive);
    /// warns when the connection does not publish it. Without an applied connection the name
    /// is used as given.
    pub(crate) fn object(
        &self,
        printer: &Printer,
        given: &str,
    ) -> Result<String, crate::state::StateError> {
        let Some(generation) = self.rt.block_on(self.store.current_generation())? else {
            return Ok(given.to_owned());
        };
        let published: Vec<&str> = generation
            .connection
            .objects
            .keys()
            .map(String::as_str)
            .collect();
        match published.iter().find(|o| o.eq_ignore_ascii_case(given)) {
            Some(o) => Ok((*o).to_owned()),
            None => {
                crate::output::ops::unknown_object(printer, given, &published);
                Ok(given.to_owned())
            }
        }
    }

    /// Close the store (pending writes are already committed).
    pub(crate) fn close(self) {
        self.rt.block_on(self.store.close());
    }
}

/// An error code as stored: Salesforce and orgsync codes are upper case (`UNABLE_TO_LOCK_ROW`).
pub(crate) fn error_code(given: &str) -> String {
    given.trim().to_ascii_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_look_back_or_ahead() {
        let two_hours = parse_time("2h").unwrap();
        assert_eq!(two_hours, TimeArg::Relative(Duration::from_secs(7_200)));
        assert_eq!(two_hours.before(10_000_000), 10_000_000 - 7_200_000);
        assert_eq!(two_hours.after(10_000_000), 10_000_000 + 7_200_000);
        assert_eq!(
            parse_time("30m").unwrap().before(1_800_000),
            0,
            "30 minutes before 00:30"
        );
        assert_eq!(
            parse_time("7d").unwrap(),
            TimeArg::Relative(Duration::from_secs(7 * 86_400))
        );
    }

    #[test]
    fn instants_are_rfc3339_in_any_offset() {
        let at = parse_time("2026-12-06T04:28:03Z").unwrap();
        assert_eq!(at, TimeArg::At(1_796_531_283_000));
        assert_eq!(at.before(0), 1_796_531_283_000);
        assert_eq!(at.after(0), 1_796_531_283_000);
        assert_eq!(
            parse_time("2026-12-06T05:28:03.5+01:00").unwrap(),
            TimeArg::At(1_796_531_283_500)
        );
    }

    #[test]
    fn bad_times_say_what_to_write() {
        for bad in ["", "2", "2 h", "1.5h", "yesterday", "400d", "-2h"] {
            let err = parse_time(bad).unwrap_err();
            assert!(err.contains("`2h`"), "{bad}: {err}");
        }
        let err = parse_time("2026-12-06T25:00:00Z").unwrap_err();
        assert!(err.contains("RFC 3339"), "{err}");
        assert!(parse_time("2026-12-06 04:00").is_err());
    }

    #[test]
    fn error_codes_are_upper_case() {
        assert_eq!(error_code(" unable_to_lock_row "), "UNABLE_TO_LOCK_ROW");
    }
}
