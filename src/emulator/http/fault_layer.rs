//! Applies scripted faults (`crate::emulator::faults`) to every call except the
//! `/__emulator/…` controls. Without rules a request passes straight through; with rules its
//! body is read once to match on `attributes.type` and, for per-row lock errors, rewritten.
//!
//! Rejections (`http503`, `requestLimitExceeded`, `invalidSessionId`) answer before the handler
//! and are not counted as API calls; `hang` sleeps and then lets the call run; `commitThenFail`
//! runs the call (its writes commit) and answers an error instead; `unableToLockRow` answers a
//! 400 array for single-record calls (counted, as Salesforce counts a call that failed in DML)
//! and per-row errors inside sObject Collections.

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::{StatusCode, Uri, header, request::Parts};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::errors::ApiError;
use super::middleware::{self, LIMIT_INFO};
use super::state::EmulatorState;
use crate::emulator::faults::rows::{self, CollectionOp, LockPlan};
use crate::emulator::faults::{Fault, FaultKind, Subject, subject, wire};

/// Largest body read to match rules (bigger ones are refused with 413 while rules exist).
const MAX_BODY: usize = 256 * 1024 * 1024;

/// The middleware function (`axum::middleware::from_fn_with_state`).
pub async fn apply(State(state): State<EmulatorState>, req: Request, next: Next) -> Response {
    if !state.controls.has_rules() || req.uri().path().starts_with("/__emulator") {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let path = parts.uri.path().to_owned();
    let route_segs = data_route(&path);
    let route = route_segs.as_ref().map(|s| format!("/{}", s.join("/")));
    let segs: Vec<&str> = route_segs
        .as_ref()
        .map(|s| s.iter().map(String::as_str).collect())
        .unwrap_or_default();
    let objects = if state.controls.needs_objects() {
        let mut o = subject::from_route(&segs, parts.uri.query());
        o.extend(subject::from_body(&bytes));
        o
    } else {
        Vec::new()
    };
    let fault = state.controls.decide(&Subject {
        method: parts.method.as_str(),
        path: &path,
        route: route.as_deref(),
        objects,
    });
    let Some(fault) = fault else {
        return next
            .run(Request::from_parts(parts, Body::from(bytes)))
            .await;
    };
    let is_data = route_segs.is_some();
    match fault.kind {
        FaultKind::Http503 => reject(&state, wire::server_unavailable(), is_data),
        FaultKind::RequestLimitExceeded => reject(&state, wire::request_limit_exceeded(), is_data),
        FaultKind::InvalidSessionId => reject(&state, ApiError::invalid_session(), is_data),
        FaultKind::Hang => {
            state.controls.hang(fault.hang_duration()).await;
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        FaultKind::CommitThenFail => {
            let answered = next
                .run(Request::from_parts(parts, Body::from(bytes)))
                .await;
            // Read the handler's answer to the end so the write is complete, then drop it.
            let _ = to_bytes(answered.into_body(), MAX_BODY).await;
            let error = if fault.status == Some(503) {
                wire::server_unavailable()
            } else {
                wire::unknown_exception(state.controls.next_serial())
            };
            reject(&state, error, is_data)
        }
        FaultKind::UnableToLockRow => lock(&state, &fault, parts, bytes, &segs, next).await,
    }
}

/// The segments after `/services/data/vXX.X`, for data calls.
fn data_route(path: &str) -> Option<Vec<String>> {
    let rest = path.strip_prefix("/services/data/")?;
    let mut segs = middleware::segments(rest);
    if segs.is_empty() {
        return None;
    }
    segs.remove(0);
    Some(segs)
}

fn reject(state: &EmulatorState, error: ApiError, is_data: bool) -> Response {
    let mut reply = error.into_reply();
    if is_data {
        reply = reply.with_header(LIMIT_INFO.clone(), middleware::limit_info(state));
    }
    reply.into_response()
}

async fn lock(
    state: &EmulatorState,
    fault: &Fault,
    mut parts: Parts,
    bytes: Bytes,
    segs: &[&str],
    next: Next,
) -> Response {
    let op = CollectionOp::of(parts.method.as_str(), segs);
    let plan = op.and_then(|op| rows::plan(op, fault.rows.as_deref(), parts.uri.query(), &bytes));
    let Some(plan) = plan else {
        return single_lock(state, &parts, &bytes, segs);
    };
    let body = match &plan.query {
        Some(q) => {
            let Ok(uri) = format!("{}?{q}", parts.uri.path()).parse::<Uri>() else {
                return next
                    .run(Request::from_parts(parts, Body::from(bytes)))
                    .await;
            };
            parts.uri = uri;
            bytes
        }
        None => {
            parts.headers.remove(header::CONTENT_LENGTH);
            Bytes::from(plan.body.clone().unwrap_or_default())
        }
    };
    let answered = next.run(Request::from_parts(parts, Body::from(body))).await;
    splice_answer(answered, &plan).await
}

/// A single-record (or other non-Collections) call: 400 `UNABLE_TO_LOCK_ROW`, counted.
fn single_lock(state: &EmulatorState, parts: &Parts, bytes: &Bytes, segs: &[&str]) -> Response {
    let owned: Vec<String> = segs.iter().map(|s| (*s).to_owned()).collect();
    if !segs.is_empty()
        && let Err(e) = middleware::account_call(state, &parts.method, &owned)
    {
        return reject(state, e, true);
    }
    let id = match segs {
        ["sobjects", _, id] => crate::emulator::model::ids::to18(id),
        _ => serde_json::from_slice::<Value>(bytes)
            .ok()
            .and_then(|v| v.get("Id").and_then(Value::as_str).map(str::to_owned)),
    };
    reject(state, wire::lock_error(id.as_deref()), !segs.is_empty())
}

async fn splice_answer(answered: Response, plan: &LockPlan) -> Response {
    let (mut parts, body) = answered.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if parts.status == StatusCode::OK
        && let Ok(results) = serde_json::from_slice::<Value>(&bytes)
        && let Some(merged) = rows::splice(plan, results)
    {
        parts.headers.remove(header::CONTENT_LENGTH);
        let out = serde_json::to_vec(&merged).unwrap_or_default();
        return Response::from_parts(parts, Body::from(out));
    }
    Response::from_parts(parts, Body::from(bytes))
}
