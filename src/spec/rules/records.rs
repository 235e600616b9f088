//! Rules for `spec.records` and `spec.state`: durations, the poll floor, retries, the API
//! budget, `bulkSync.since`, and the state store URL.

use std::time::Duration;

use super::super::date_literal;
use super::super::diagnostic::Diagnostic;
use super::super::duration;
use super::super::hint::did_you_mean;
use super::super::model::{RecordSettings, RetryPolicy, SecretRef, Since, StateSettings};
use super::super::path::Path;
use super::super::v1::{self, ConflictPolicy};

/// The shortest poll interval accepted.
pub const MIN_POLL: Duration = Duration::from_secs(5);

fn dur(
    path: &Path,
    text: Option<&str>,
    default: &str,
    out: &mut Vec<Diagnostic>,
) -> Option<Duration> {
    let text = text.unwrap_or(default);
    match duration::parse(text) {
        Ok(d) if d.is_zero() => {
            out.push(Diagnostic::error(
                "out-of-range",
                path.clone(),
                format!("`{path}` must be longer than zero"),
            ));
            None
        }
        Ok(d) => Some(d),
        Err(e) => {
            out.push(
                Diagnostic::error("invalid-duration", path.clone(), format!("`{path}`: {e}"))
                    .with_hint("write `30s`, `5m`, `1h` or `1d`"),
            );
            None
        }
    }
}

/// Check `records` and apply defaults.
pub fn records(
    path: &Path,
    r: Option<&v1::Records>,
    out: &mut Vec<Diagnostic>,
) -> Option<RecordSettings> {
    let retry = r.and_then(|r| r.retry.as_ref());
    let poll_path = path.key("pollInterval");
    let poll = dur(
        &poll_path,
        r.and_then(|r| r.poll_interval.as_deref()),
        "30s",
        out,
    );
    if let Some(p) = poll
        && p < MIN_POLL
    {
        out.push(
            Diagnostic::error(
                "poll-interval-too-short",
                poll_path.clone(),
                "`pollInterval` must be at least 5s",
            )
            .with_hint("polling faster burns the API allowance; use `5s` or more"),
        );
    }
    let rpath = path.key("retry");
    let initial = dur(
        &rpath.key("initialBackoff"),
        retry.and_then(|r| r.initial_backoff.as_deref()),
        "30s",
        out,
    );
    let max = dur(
        &rpath.key("maxBackoff"),
        retry.and_then(|r| r.max_backoff.as_deref()),
        "1h",
        out,
    );
    if let (Some(i), Some(m)) = (initial, max)
        && i > m
    {
        out.push(
            Diagnostic::error(
                "backoff-order",
                rpath.key("initialBackoff"),
                "`initialBackoff` is longer than `maxBackoff`",
            )
            .with_hint("make `maxBackoff` at least `initialBackoff`"),
        );
    }
    let max_attempts = retry.and_then(|r| r.max_attempts).unwrap_or(6);
    if max_attempts == 0 {
        out.push(Diagnostic::error(
            "out-of-range",
            rpath.key("maxAttempts"),
            "`maxAttempts` must be at least 1",
        ));
    }
    let budget = api_budget(
        &path.key("apiBudget"),
        r.and_then(|r| r.api_budget.as_deref()),
        out,
    );
    let since = match r.and_then(|r| r.bulk_sync.as_ref()) {
        Some(b) => Some(since(&path.key("bulkSync").key("since"), &b.since, out)?),
        None => None,
    };
    let poll = poll.filter(|p| *p >= MIN_POLL)?;
    let (initial, max) = (initial?, max?);
    (initial <= max && max_attempts >= 1).then_some(())?;
    Some(RecordSettings {
        bulk_sync_since: since,
        poll_interval: poll,
        conflicts: r
            .and_then(|r| r.conflicts)
            .unwrap_or(ConflictPolicy::PrimaryWins),
        retry: RetryPolicy {
            max_attempts,
            initial_backoff: initial,
            max_backoff: max,
        },
        api_budget_percent: budget?,
    })
}

fn api_budget(path: &Path, text: Option<&str>, out: &mut Vec<Diagnostic>) -> Option<f64> {
    let text = text.unwrap_or("25%");
    let value = text
        .strip_suffix('%')
        .and_then(|n| n.parse::<f64>().ok())
        .filter(|v| v.is_finite());
    match value {
        Some(v) if v > 0.0 && v <= 100.0 => Some(v),
        Some(_) => {
            out.push(
                Diagnostic::error(
                    "out-of-range",
                    path.clone(),
                    "`apiBudget` must be more than 0% and at most 100%",
                )
                .with_hint("e.g. `25%`"),
            );
            None
        }
        None => {
            out.push(
                Diagnostic::error(
                    "invalid-format",
                    path.clone(),
                    "`apiBudget` is not a percentage",
                )
                .with_hint("write a percentage such as `25%`"),
            );
            None
        }
    }
}

fn since(path: &Path, text: &str, out: &mut Vec<Diagnostic>) -> Option<Since> {
    if let Some(d) = date_literal::parse_date(text) {
        return Some(Since::Date(d));
    }
    if date_literal::is_date_literal(text) {
        return Some(Since::Literal(text.to_ascii_uppercase()));
    }
    let hint = if date_literal::needs_number(text) {
        format!("`{text}` needs a number, e.g. `{text}:365`")
    } else if let Some(s) = did_you_mean(&text.to_ascii_uppercase(), date_literal::names()) {
        format!("did you mean `{s}`?")
    } else {
        "write a date `YYYY-MM-DD` or a SOQL date literal such as `LAST_N_DAYS:365`".to_owned()
    };
    out.push(
        Diagnostic::error(
            "invalid-date",
            path.clone(),
            "`since` is neither a valid date (YYYY-MM-DD) nor a SOQL date literal",
        )
        .with_hint(hint),
    );
    None
}

/// Check `state` and apply the default SQLite path.
pub fn state(
    path: &Path,
    s: Option<&v1::State>,
    name: &str,
    base: &std::path::Path,
    out: &mut Vec<Diagnostic>,
) -> Option<StateSettings> {
    let Some(s) = s else {
        return Some(StateSettings {
            url: format!("sqlite://.orgsync/{name}.db"),
            password: None,
        });
    };
    let upath = path.key("url");
    let (scheme, rest) = s.url.split_once("://").unwrap_or(("", ""));
    let mut ok = true;
    match scheme {
        "sqlite" if rest.is_empty() => {
            ok = false;
            out.push(
                Diagnostic::error(
                    "invalid-state-url",
                    upath.clone(),
                    "a `sqlite://` URL needs a file path",
                )
                .with_hint(format!("e.g. `sqlite://.orgsync/{name}.db`")),
            );
        }
        "postgres" | "postgresql"
            if url::Url::parse(&s.url)
                .ok()
                .and_then(|u| u.host_str().map(|h| !h.is_empty()))
                != Some(true) =>
        {
            ok = false;
            out.push(
                Diagnostic::error(
                    "invalid-state-url",
                    upath.clone(),
                    "a `postgres://` URL needs a host",
                )
                .with_hint("e.g. `postgres://orgsync@db.internal/orgsync`"),
            );
        }
        "sqlite" if s.password.is_some() => {
            out.push(
                Diagnostic::warning(
                    "unused-password",
                    path.key("password"),
                    "SQLite has no password; `password` is ignored",
                )
                .on_key(),
            );
        }
        _ => {}
    }
    let password = s.password.as_ref().map(|p| match (&p.env, &p.file) {
        (Some(e), _) => SecretRef::Env(e.clone()),
        (None, Some(f)) => SecretRef::File(base.join(f)),
        (None, None) => SecretRef::Env(String::new()),
    });
    ok.then(|| StateSettings {
        url: s.url.clone(),
        password,
    })
}
