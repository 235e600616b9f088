//! `OrgError`: everything that can go wrong talking to an org, with its retry class.
//!
//! Messages never carry secrets or record values: Salesforce's own message text is kept in
//! [`ApiErrorItem::message`] behind [`Sensitive`], and `Display` names only HTTP status, error
//! codes and field names. Transport errors are stored without their URL (a query URL holds SOQL,
//! which can hold values).

use std::fmt;

use crate::org::sensitive::Sensitive;
use crate::org::wire::ApiErrorItem;

/// Why a request never produced an HTTP response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportKind {
    /// Could not connect (refused, DNS, TLS handshake): the request provably did not reach Salesforce.
    Connect,
    /// No answer in time: Salesforce may or may not have processed the request.
    Timeout,
    /// The connection broke while sending or receiving (reset, closed early).
    Interrupted,
    /// Anything else (bad URL, body that could not be built).
    Other,
}

impl fmt::Display for TransportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Connect => "could not connect",
            Self::Timeout => "timed out",
            Self::Interrupted => "connection interrupted",
            Self::Other => "request failed",
        })
    }
}

/// An error from the Salesforce client.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OrgError {
    /// Salesforce answered with its JSON error array.
    #[error("Salesforce refused the request (HTTP {status}: {})", Summary(errors))]
    Api {
        /// HTTP status code.
        status: u16,
        /// The error items, in Salesforce's order.
        errors: Vec<ApiErrorItem>,
    },
    /// An HTTP error status without a Salesforce error body (gateway pages, maintenance HTML).
    #[error("Salesforce answered HTTP {status} without a Salesforce error body")]
    Http {
        /// HTTP status code.
        status: u16,
    },
    /// The OAuth token endpoint refused the grant.
    #[error("the token request was refused (HTTP {status}): {error}: {description}")]
    OAuth {
        /// HTTP status code.
        status: u16,
        /// OAuth `error`, e.g. `invalid_grant`.
        error: String,
        /// OAuth `error_description`, e.g. `authentication failure`. Contains no secrets.
        description: String,
    },
    /// `INVALID_SESSION_ID` with the `access-token` method, which has nothing to refresh with.
    #[error(
        "the access token was rejected (INVALID_SESSION_ID) and the access-token auth method cannot refresh it; supply a fresh token or use a method that can log in again (jwt-bearer, client-credentials, refresh-token, sfdx-auth-url)"
    )]
    SessionNotRefreshable,
    /// `INVALID_SESSION_ID` again right after a successful refresh; not retried in a loop.
    #[error(
        "Salesforce rejected a freshly issued access token (INVALID_SESSION_ID); check the connected app's policies and the user's API access"
    )]
    SessionRejectedAfterRefresh,
    /// The request produced no HTTP response.
    #[error("could not talk to Salesforce: {kind}")]
    Transport {
        /// Classification used by the retry policy.
        kind: TransportKind,
        /// The underlying error, stripped of its URL.
        #[source]
        source: reqwest::Error,
    },
    /// A response body that does not have the expected shape.
    #[error("could not read the {what} response from Salesforce: {detail}")]
    Decode {
        /// Which response (e.g. `query`, `describe`).
        what: &'static str,
        /// Where it failed; never includes body text.
        detail: String,
    },
    /// An upsert or external-id read matched several records (HTTP 300).
    #[error("the external id value matches {} records; expected at most one", urls.len())]
    MultipleChoices {
        /// Root-relative URLs of the matching records.
        urls: Vec<String>,
    },
    /// The client configuration is unusable. The message never echoes a secret.
    #[error("invalid org connection settings: {0}")]
    Config(String),
    /// Transient failures until the retry budget ran out.
    #[error("gave up after {attempts} attempts")]
    RetriesExhausted {
        /// Attempts made, the first included.
        attempts: u32,
        /// The last failure.
        #[source]
        last: Box<OrgError>,
    },
    /// A Bulk 2.0 job or metadata deployment ended in a failed state.
    #[error("{what} {id} ended in state {state}")]
    JobFailed {
        /// `bulk ingest job`, `bulk query job`, `metadata deployment`.
        what: &'static str,
        /// Job or deployment id.
        id: String,
        /// Final state, e.g. `Failed`, `Aborted`.
        state: String,
        /// Salesforce's `errorMessage`; may quote data.
        message: Sensitive<String>,
    },
    /// Polling a job did not see a final state within the allowed number of polls.
    #[error("{what} {id} did not finish after {polls} status checks")]
    PollTimeout {
        /// `bulk ingest job`, `bulk query job`, `metadata deployment`.
        what: &'static str,
        /// Job or deployment id.
        id: String,
        /// Status checks made.
        polls: u32,
    },
    /// A SOAP fault (`<faultcode>`), e.g. from `undelete`.
    #[error("Salesforce SOAP fault {code}")]
    SoapFault {
        /// Fault code without the `sf:` prefix, e.g. `INVALID_SESSION_ID`.
        code: String,
        /// `faultstring`; may quote data.
        message: Sensitive<String>,
    },
}

struct Summary<'a>(&'a [ApiErrorItem]);

impl fmt::Display for Summary<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("no error code");
        }
        for (i, item) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(&item.error_code)?;
            if !item.fields.is_empty() {
                write!(f, " on {}", item.fields.join(", "))?;
            }
        }
        Ok(())
    }
}

impl OrgError {
    /// Builds a transport error, dropping the URL (it may hold SOQL with values).
    pub(crate) fn transport(source: reqwest::Error) -> Self {
        let kind = if source.is_connect() {
            TransportKind::Connect
        } else if source.is_timeout() {
            TransportKind::Timeout
        } else if source.is_request() || source.is_body() {
            TransportKind::Interrupted
        } else {
            TransportKind::Other
        };
        Self::Transport {
            kind,
            source: source.without_url(),
        }
    }

    /// Builds a decode error from a serde_json error without quoting the body.
    pub(crate) fn decode(what: &'static str, err: &serde_json::Error) -> Self {
        let class = match err.classify() {
            serde_json::error::Category::Io => "read error",
            serde_json::error::Category::Syntax => "not valid JSON",
            serde_json::error::Category::Data => "unexpected shape",
            serde_json::error::Category::Eof => "truncated",
        };
        Self::Decode {
            what,
            detail: format!("{class} at line {} column {}", err.line(), err.column()),
        }
    }

    /// HTTP status, when Salesforce answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api { status, .. } | Self::Http { status } | Self::OAuth { status, .. } => {
                Some(*status)
            }
            Self::RetriesExhausted { last, .. } => last.status(),
            _ => None,
        }
    }

    /// The Salesforce error codes carried, in order.
    pub fn error_codes(&self) -> Vec<&str> {
        match self {
            Self::Api { errors, .. } => errors.iter().map(|e| e.error_code.as_str()).collect(),
            Self::SoapFault { code, .. } => vec![code.as_str()],
            Self::RetriesExhausted { last, .. } => last.error_codes(),
            _ => Vec::new(),
        }
    }

    /// The session token was rejected (HTTP 401 or `INVALID_SESSION_ID`): refresh and retry once.
    pub fn is_session_invalid(&self) -> bool {
        match self {
            Self::Api { status, errors } => {
                *status == 401 || errors.iter().any(|e| e.error_code == "INVALID_SESSION_ID")
            }
            Self::Http { status } => *status == 401,
            Self::SoapFault { code, .. } => code == "INVALID_SESSION_ID",
            _ => false,
        }
    }

    /// The org's daily API allowance is used up (`REQUEST_LIMIT_EXCEEDED`, `TotalRequests`).
    pub fn is_daily_limit_exceeded(&self) -> bool {
        match self {
            Self::Api { errors, .. } => errors.iter().any(ApiErrorItem::is_daily_limit_exceeded),
            Self::RetriesExhausted { last, .. } => last.is_daily_limit_exceeded(),
            _ => false,
        }
    }

    /// Whether the same request may succeed later (the sync engine's transient class).
    ///
    /// Transient: connect failures, timeouts, broken connections, HTTP 429/502/503/504, HTTP 500
    /// without a Salesforce error body, and error codes [`ApiErrorItem::is_transient`] accepts
    /// (`UNABLE_TO_LOCK_ROW`, `SERVER_UNAVAILABLE`, the concurrent request limit).
    /// Permanent: validation errors, 404, other 403s, the daily request limit, OAuth refusals,
    /// decode errors, configuration errors.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Transport { kind, .. } => *kind != TransportKind::Other,
            Self::Http { status } => matches!(status, 429 | 500 | 502 | 503 | 504),
            Self::Api { status, errors } => {
                matches!(status, 502..=504) || errors.iter().any(ApiErrorItem::is_transient)
            }
            Self::OAuth { status, .. } => matches!(status, 502..=504),
            Self::RetriesExhausted { last, .. } => last.is_transient(),
            Self::SoapFault { code, .. } => code == "UNABLE_TO_LOCK_ROW",
            _ => false,
        }
    }

    /// Whether the request may be sent again automatically.
    ///
    /// Idempotent requests (GET, PATCH updates and upserts, DELETE, queries) are retried on any
    /// transient error. A non-idempotent request (a POST that creates) is retried only when it
    /// provably had no effect: the connection was never made, or Salesforce answered that it
    /// rolled the work back (`UNABLE_TO_LOCK_ROW`, the concurrent request limit). A timeout or a
    /// 503 after sending might hide a committed create, so it is *not* retried — which is why the
    /// sync engine writes with upserts on an external id.
    pub fn may_retry(&self, idempotent: bool) -> bool {
        if idempotent {
            return self.is_transient();
        }
        match self {
            Self::Transport { kind, .. } => *kind == TransportKind::Connect,
            Self::Api { errors, .. } => errors.iter().any(ApiErrorItem::is_transient),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, body: &str) -> OrgError {
        OrgError::Api {
            status,
            errors: serde_json::from_str(body).unwrap(),
        }
    }

    #[test]
    fn display_names_codes_and_fields_but_never_messages() {
        let e = api(
            400,
            r#"[{"errorCode":"DUPLICATE_VALUE","message":"duplicate value found: Ext__c duplicates value on record with id: 001xx","fields":["Ext__c"]}]"#,
        );
        let text = e.to_string();
        assert_eq!(
            text,
            "Salesforce refused the request (HTTP 400: DUPLICATE_VALUE on Ext__c)"
        );
        assert!(!format!("{e:?}").contains("duplicates value"));
    }

    #[test]
    fn classifies_transient_and_permanent() {
        assert!(api(400, r#"[{"errorCode":"UNABLE_TO_LOCK_ROW","message":"x"}]"#).is_transient());
        assert!(api(503, r#"[{"errorCode":"SERVER_UNAVAILABLE","message":"x"}]"#).is_transient());
        assert!(
            !api(
                400,
                r#"[{"errorCode":"REQUIRED_FIELD_MISSING","message":"x"}]"#
            )
            .is_transient()
        );
        assert!(!api(404, r#"[{"errorCode":"NOT_FOUND","message":"x"}]"#).is_transient());
        assert!(
            !api(403, r#"[{"errorCode":"REQUEST_LIMIT_EXCEEDED","message":"TotalRequests Limit exceeded."}]"#)
                .is_transient()
        );
        assert!(!api(500, r#"[{"errorCode":"UNKNOWN_EXCEPTION","message":"x"}]"#).is_transient());
        assert!(OrgError::Http { status: 503 }.is_transient());
        assert!(!OrgError::Http { status: 404 }.is_transient());
    }

    #[test]
    fn non_idempotent_requests_retry_only_when_provably_not_applied() {
        let busy = OrgError::Http { status: 503 };
        assert!(busy.may_retry(true));
        assert!(!busy.may_retry(false));
        let lock = api(400, r#"[{"errorCode":"UNABLE_TO_LOCK_ROW","message":"x"}]"#);
        assert!(lock.may_retry(false));
    }

    #[test]
    fn session_invalid_detection() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/fixtures/salesforce/restforce/expired_session_response.json"
        ))
        .unwrap();
        let e = OrgError::Api {
            status: 401,
            errors: serde_json::from_str(&text).unwrap(),
        };
        assert!(e.is_session_invalid());
        assert!(!e.is_transient());
        assert_eq!(e.error_codes(), ["INVALID_SESSION_ID"]);
    }
}
