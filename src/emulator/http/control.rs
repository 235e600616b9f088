//! Test controls under `/__emulator/` (no session needed; not part of Salesforce):
//! `GET journal`, `POST reset` (journal), `GET|POST clock` (`{"freeze": "…"}`,
//! `{"offsetSeconds": n}`, `{"advanceSeconds": n}`, `{"real": true}`).
//! Fault scripting and latency profiles will live here too.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::errors::ApiError;
use super::middleware;
use super::reply::Reply;
use super::state::EmulatorState;
use super::wire::{parse_instant, wire_datetime};

/// Every `/__emulator/…` call.
pub async fn entry(
    State(state): State<EmulatorState>,
    method: Method,
    uri: Uri,
    body: Bytes,
) -> Response {
    let segs = middleware::segments(uri.path().trim_start_matches("/__emulator"));
    let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
    let out = match (segs.as_slice(), &method) {
        (["journal"], &Method::GET) => Ok(Reply::ok(state.journal.to_json())),
        (["reset"], &Method::POST) => {
            state.journal.reset();
            Ok(Reply::ok(json!({"reset": true})))
        }
        (["clock"], &Method::GET) => Ok(clock_reply(&state)),
        (["clock"], &Method::POST) => set_clock(&state, &body),
        (["journal"] | ["reset"] | ["clock"], _) => Err(ApiError::method_not_allowed(
            method.as_str(),
            &["GET", "POST"],
        )),
        _ => Err(ApiError::not_found()),
    };
    out.unwrap_or_else(ApiError::into_reply).into_response()
}

fn clock_reply(state: &EmulatorState) -> Reply {
    Reply::ok(json!({"now": wire_datetime(state.clock.now())}))
}

fn set_clock(state: &EmulatorState, body: &Bytes) -> Result<Reply, ApiError> {
    let v: Value = serde_json::from_slice(body).map_err(ApiError::json_parser)?;
    if let Some(text) = v.get("freeze").and_then(Value::as_str) {
        let at = parse_instant(text).ok_or_else(|| {
            ApiError::rest(
                StatusCode::BAD_REQUEST,
                "INVALID_FIELD",
                format!("freeze: not an ISO-8601 instant: {text}"),
            )
        })?;
        state.clock.freeze(at);
    } else if let Some(n) = v.get("offsetSeconds").and_then(Value::as_i64) {
        state.clock.set_offset_seconds(n);
    } else if let Some(n) = v.get("advanceSeconds").and_then(Value::as_i64) {
        state.clock.advance_seconds(n);
    } else if v.get("real").and_then(Value::as_bool) == Some(true) {
        state.clock.reset();
    } else {
        return Err(ApiError::rest(
            StatusCode::BAD_REQUEST,
            "INVALID_FIELD",
            "expected one of freeze, offsetSeconds, advanceSeconds, real",
        ));
    }
    Ok(clock_reply(state))
}
