//! What every data call goes through before its handler: path decoding (trailing slashes are
//! optional everywhere), the session check, API accounting against the daily allowance and the
//! `Sforce-Limit-Info` header.

use axum::http::{HeaderMap, HeaderName, StatusCode, header};
use percent_encoding::percent_decode_str;

use super::errors::ApiError;
use super::journal::{CallClass, route_template};
use super::state::EmulatorState;

/// `Sforce-Limit-Info`.
pub static LIMIT_INFO: HeaderName = HeaderName::from_static("sforce-limit-info");

/// Split a path into percent-decoded segments, dropping empty ones (so `X` and `X/` and `X//`
/// route alike).
pub fn segments(path: &str) -> Vec<String> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(|s| percent_decode_str(s).decode_utf8_lossy().into_owned())
        .collect()
}

/// The session token of a request: `Authorization: Bearer …` (or the older `OAuth …`), or
/// Bulk 1.0's `X-SFDC-Session`.
pub fn session_token(headers: &HeaderMap) -> Option<&str> {
    if let Some(v) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        let v = v.trim();
        for scheme in ["Bearer ", "OAuth ", "bearer "] {
            if let Some(t) = v.strip_prefix(scheme) {
                return Some(t.trim());
            }
        }
    }
    headers
        .get("x-sfdc-session")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
}

/// The user of a valid session, or 401 `INVALID_SESSION_ID`.
pub fn authenticate(state: &EmulatorState, headers: &HeaderMap) -> Result<String, ApiError> {
    let token = session_token(headers).ok_or_else(ApiError::invalid_session)?;
    state
        .credentials
        .session_user(token, state.clock.now())
        .ok_or_else(ApiError::invalid_session)
}

/// The journal class of a data call from its segments after the version.
pub fn classify(segments: &[String]) -> CallClass {
    match segments.first().map(String::as_str) {
        Some("query" | "queryAll") => CallClass::Query,
        Some("composite") => match segments.get(1).map(String::as_str) {
            Some("sobjects") => CallClass::Collections,
            _ => CallClass::Composite,
        },
        Some("tooling") => CallClass::Tooling,
        Some("jobs") => CallClass::Bulk,
        _ => CallClass::Rest,
    }
}

/// Count one call toward the daily allowance; 403 `REQUEST_LIMIT_EXCEEDED` once it is used up
/// (a refused call is not counted).
#[allow(
    dead_code,
    reason = "for calls outside /services/data/vXX.X (Bulk 1.0, SOAP) that have no segments"
)]
pub fn account(state: &EmulatorState, class: CallClass) -> Result<(), ApiError> {
    check_allowance(state, class)?;
    state.journal.record(class);
    Ok(())
}

/// Like [`account`] for a data call, classified from its segments after the version and also
/// counted under its route template (`GET /query`).
pub fn account_call(
    state: &EmulatorState,
    method: &axum::http::Method,
    segments: &[String],
) -> Result<(), ApiError> {
    let class = classify(segments);
    check_allowance(state, class)?;
    state
        .journal
        .record_route(class, route_template(method.as_str(), segments));
    Ok(())
}

fn check_allowance(state: &EmulatorState, class: CallClass) -> Result<(), ApiError> {
    if class != CallClass::Auth && state.journal.api_usage() >= state.daily_allowance() {
        return Err(ApiError::rest(
            StatusCode::FORBIDDEN,
            "REQUEST_LIMIT_EXCEEDED",
            "TotalRequests Limit exceeded.",
        ));
    }
    Ok(())
}

/// The `Sforce-Limit-Info` value: `api-usage=N/MAX`.
pub fn limit_info(state: &EmulatorState) -> String {
    let max = state.daily_allowance();
    format!("api-usage={}/{max}", state.journal.api_usage())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn segments_ignore_trailing_slashes_and_decode() {
        assert_eq!(segments("/a/b/"), vec!["a", "b"]);
        assert_eq!(segments("a//b"), vec!["a", "b"]);
        assert_eq!(segments("/x/A%20B%2FC"), vec!["x", "A B/C"]);
    }

    #[test]
    fn tokens_come_from_bearer_oauth_or_bulk_header() {
        let mut h = HeaderMap::new();
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer abc"),
        );
        assert_eq!(session_token(&h), Some("abc"));
        let mut h = HeaderMap::new();
        h.insert("x-sfdc-session", HeaderValue::from_static("xyz"));
        assert_eq!(session_token(&h), Some("xyz"));
        assert_eq!(session_token(&HeaderMap::new()), None);
    }

    #[test]
    fn calls_are_classified_by_resource() {
        let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(classify(&s(&["query"])), CallClass::Query);
        assert_eq!(classify(&s(&["composite"])), CallClass::Composite);
        assert_eq!(classify(&s(&["composite", "batch"])), CallClass::Composite);
        assert_eq!(
            classify(&s(&["composite", "sobjects"])),
            CallClass::Collections
        );
        assert_eq!(classify(&s(&["sobjects", "Account"])), CallClass::Rest);
    }
}
