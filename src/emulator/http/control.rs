//! Test controls under `/__emulator/` (no session needed, never counted as API calls; not part
//! of Salesforce). docs/emulator-control.md documents them:
//!
//! * `GET journal` — API calls per class and per route template, and the daily usage.
//! * `POST reset` — journal, usage, fault rules and the allowance back to the start;
//!   `{"data": true}` also puts the org back as the emulator started with it.
//! * `GET|POST clock` — `{"freeze": "…"}`, `{"offsetSeconds": n}`, `{"advanceSeconds": n}`,
//!   `{"real": true}`.
//! * `GET|POST|DELETE faults`, `GET|DELETE faults/{id}` — scripted faults.
//! * `GET|POST latency` — `{"profile": "zero" | "lan" | "sf-typical"}`.
//! * `GET|POST allowance` — `{"max": n}`: the daily API allowance.

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
use crate::emulator::faults::RuleSpec;
use crate::emulator::latency::LatencyProfile;

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
        (["reset"], &Method::POST) => reset(&state, &body).await,
        (["clock"], &Method::GET) => Ok(clock_reply(&state)),
        (["clock"], &Method::POST) => set_clock(&state, &body),
        (["faults"], &Method::GET) => Ok(Reply::ok(state.controls.list())),
        (["faults"], &Method::POST) => add_fault(&state, &body),
        (["faults"], &Method::DELETE) => Ok(Reply::ok(json!({"deleted": state.controls.clear()}))),
        (["faults", id], &Method::GET) => fault_id(id)
            .and_then(|id| state.controls.get(id).ok_or_else(no_such_fault))
            .map(Reply::ok),
        (["faults", id], &Method::DELETE) => fault_id(id).and_then(|id| {
            if state.controls.remove(id) {
                Ok(Reply::no_content())
            } else {
                Err(no_such_fault())
            }
        }),
        (["latency"], &Method::GET) => Ok(Reply::ok(state.controls.latency().to_json())),
        (["latency"], &Method::POST) => set_latency(&state, &body),
        (["allowance"], &Method::GET) => Ok(allowance_reply(&state)),
        (["allowance"], &Method::POST) => set_allowance(&state, &body),
        (["journal"], _) => Err(not_allowed(&method, &["GET"])),
        (["reset"], _) => Err(not_allowed(&method, &["POST"])),
        (["faults"], _) => Err(not_allowed(&method, &["GET", "POST", "DELETE"])),
        (["faults", _], _) => Err(not_allowed(&method, &["GET", "DELETE"])),
        (["clock"] | ["latency"] | ["allowance"], _) => Err(not_allowed(&method, &["GET", "POST"])),
        _ => Err(ApiError::not_found()),
    };
    out.unwrap_or_else(ApiError::into_reply).into_response()
}

fn not_allowed(method: &Method, allowed: &[&str]) -> ApiError {
    ApiError::method_not_allowed(method.as_str(), allowed)
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::rest(StatusCode::BAD_REQUEST, "INVALID_FIELD", message)
}

/// The body as JSON; an empty body is `{}`.
fn json_body(body: &Bytes) -> Result<Value, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    serde_json::from_slice(body).map_err(ApiError::json_parser)
}

async fn reset(state: &EmulatorState, body: &Bytes) -> Result<Reply, ApiError> {
    let v = json_body(body)?;
    let data = v.get("data").and_then(Value::as_bool).unwrap_or(false);
    if data {
        let org = state.controls.initial_org().clone();
        if let Some(store) = state.store()
            && let Err(e) = store.save_all(&org).await
        {
            tracing::error!(error = %e, "could not persist the reset org");
            return Err(ApiError::rest(
                StatusCode::INTERNAL_SERVER_ERROR,
                "UNKNOWN_EXCEPTION",
                "could not write the reset org to the data directory",
            ));
        }
        state.set_daily_allowance(org.identity.daily_api_allowance);
        *state.org.lock() = org;
    } else {
        let allowance = state.controls.initial_org().identity.daily_api_allowance;
        state.set_daily_allowance(allowance);
    }
    state.journal.reset();
    let faults = state.controls.clear();
    Ok(Reply::ok(
        json!({"reset": true, "data": data, "faultsDeleted": faults}),
    ))
}

fn fault_id(text: &str) -> Result<u64, ApiError> {
    text.parse().map_err(|_| no_such_fault())
}

fn no_such_fault() -> ApiError {
    ApiError::rest(
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        "No fault rule with that id",
    )
}

fn add_fault(state: &EmulatorState, body: &Bytes) -> Result<Reply, ApiError> {
    let spec = RuleSpec::parse(body).map_err(invalid)?;
    let id = state.controls.add(spec);
    Ok(Reply::json(StatusCode::CREATED, json!({"id": id})))
}

fn set_latency(state: &EmulatorState, body: &Bytes) -> Result<Reply, ApiError> {
    let v = json_body(body)?;
    let name = v.get("profile").and_then(Value::as_str).unwrap_or("");
    let profile = LatencyProfile::parse(name).ok_or_else(|| {
        invalid(format!(
            "profile: expected one of {}",
            LatencyProfile::NAMES.join(", ")
        ))
    })?;
    state.controls.set_latency(profile);
    Ok(Reply::ok(profile.to_json()))
}

fn allowance_reply(state: &EmulatorState) -> Reply {
    let max = state.daily_allowance();
    let used = state.journal.api_usage();
    Reply::ok(json!({"max": max, "used": used, "remaining": max.saturating_sub(used)}))
}

fn set_allowance(state: &EmulatorState, body: &Bytes) -> Result<Reply, ApiError> {
    let v = json_body(body)?;
    let max = v
        .get("max")
        .and_then(Value::as_u64)
        .ok_or_else(|| invalid("max: expected a whole number"))?;
    state.set_daily_allowance(max);
    Ok(allowance_reply(state))
}

fn clock_reply(state: &EmulatorState) -> Reply {
    Reply::ok(json!({"now": wire_datetime(state.clock.now())}))
}

fn set_clock(state: &EmulatorState, body: &Bytes) -> Result<Reply, ApiError> {
    let v: Value = serde_json::from_slice(body).map_err(ApiError::json_parser)?;
    if let Some(text) = v.get("freeze").and_then(Value::as_str) {
        let at = parse_instant(text)
            .ok_or_else(|| invalid(format!("freeze: not an ISO-8601 instant: {text}")))?;
        state.clock.freeze(at);
    } else if let Some(n) = v.get("offsetSeconds").and_then(Value::as_i64) {
        state.clock.set_offset_seconds(n);
    } else if let Some(n) = v.get("advanceSeconds").and_then(Value::as_i64) {
        state.clock.advance_seconds(n);
    } else if v.get("real").and_then(Value::as_bool) == Some(true) {
        state.clock.reset();
    } else {
        return Err(invalid(
            "expected one of freeze, offsetSeconds, advanceSeconds, real",
        ));
    }
    Ok(clock_reply(state))
}
