//! The data-API dispatcher: one `match` over path segments after `/services/data/vXX.X`.
//! Composite sub-requests come back through [`dispatch`].

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, Uri};

use super::call::{Call, Exec, version_major};
use super::errors::ApiError;
use super::middleware::{self, LIMIT_INFO};
use super::reply::Reply;
use super::state::EmulatorState;
use super::{
    collections, composite, describe, limits, metadata_deploy, query, replication, sobjects,
    tooling, versions,
};

/// Decode, authenticate, account and dispatch one data call.
pub fn handle(
    state: &EmulatorState,
    method: Method,
    uri: &Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    let reply = match decode(state, method, uri, headers, body) {
        Ok(call) => {
            let mut exec = Exec::standalone(state);
            let reply = dispatch(&mut exec, &call).unwrap_or_else(ApiError::into_reply);
            if !exec.touched.is_empty() {
                state.persist(&exec.touched);
            }
            reply
        }
        Err(e) => e.into_reply(),
    };
    reply.with_header(LIMIT_INFO.clone(), middleware::limit_info(state))
}

fn decode(
    state: &EmulatorState,
    method: Method,
    uri: &Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Call, ApiError> {
    let path = uri
        .path()
        .strip_prefix("/services/data")
        .unwrap_or(uri.path());
    let mut segments = middleware::segments(path);
    let user_id = middleware::authenticate(state, &headers)?;
    let version = match segments.first().and_then(|v| v.strip_prefix('v')) {
        Some(v) if version_major(v).is_some() => v.to_owned(),
        _ => return Err(ApiError::not_found()),
    };
    segments.remove(0);
    middleware::account_call(state, &method, &segments)?;
    let query = uri
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    Ok(Call {
        method,
        version,
        segments,
        query,
        headers,
        body,
        user_id,
    })
}

/// Route a decoded call to its resource handler.
pub fn dispatch(exec: &mut Exec<'_, '_>, call: &Call) -> Result<Reply, ApiError> {
    let segs: Vec<&str> = call.segments.iter().map(String::as_str).collect();
    let m = &call.method;
    match segs.as_slice() {
        [] => only(call, &[Method::GET], || {
            versions::resources(exec.state, call)
        }),
        ["limits"] => only(call, &[Method::GET], || limits::get(exec.state)),
        ["sobjects"] => only(call, &[Method::GET], || describe::global(exec, call)),
        ["sobjects", obj] => match *m {
            Method::GET => describe::basic_info(exec, call, obj),
            Method::POST => sobjects::create(exec, call, obj),
            _ => Err(call.method_not_allowed(&["HEAD", "GET", "POST"])),
        },
        ["sobjects", obj, "describe"] => {
            only(call, &[Method::GET], || describe::describe(exec, call, obj))
        }
        ["sobjects", obj, "updated"] => only(call, &[Method::GET], || {
            replication::updated(exec, call, obj)
        }),
        ["sobjects", obj, "deleted"] => only(call, &[Method::GET], || {
            replication::deleted(exec, call, obj)
        }),
        ["sobjects", obj, id] => match *m {
            Method::GET => sobjects::get(exec, call, obj, id),
            Method::PATCH => sobjects::update(exec, call, obj, id),
            Method::DELETE => sobjects::delete(exec, call, obj, id),
            // `POST sobjects/X/Id` with a null Id creates (v37+).
            Method::POST if id.eq_ignore_ascii_case("Id") => sobjects::create(exec, call, obj),
            _ => Err(call.method_not_allowed(&["HEAD", "GET", "PATCH", "DELETE"])),
        },
        ["sobjects", obj, field, value] => match *m {
            Method::GET => sobjects::get_by_external_id(exec, call, obj, field, value),
            Method::PATCH => sobjects::upsert(exec, call, obj, field, value),
            Method::DELETE => sobjects::delete_by_external_id(exec, call, obj, field, value),
            _ => Err(call.method_not_allowed(&["HEAD", "GET", "PATCH", "DELETE"])),
        },
        [kind @ ("query" | "queryAll")] => only(call, &[Method::GET], || {
            query::first_page(exec, call, *kind == "queryAll")
        }),
        ["query" | "queryAll", locator] => only(call, &[Method::GET], || {
            query::next_page(exec, call, locator)
        }),
        ["composite"] => only(call, &[Method::POST], || composite::composite(exec, call)),
        ["composite", "batch"] => only(call, &[Method::POST], || composite::batch(exec, call)),
        ["composite", "sobjects"] => match *m {
            Method::POST => collections::create(exec, call),
            Method::PATCH => collections::update(exec, call),
            Method::DELETE => collections::delete(exec, call),
            _ => Err(call.method_not_allowed(&["POST", "PATCH", "DELETE"])),
        },
        ["composite", "sobjects", obj] => match *m {
            Method::GET | Method::POST => collections::retrieve(exec, call, obj),
            _ => Err(call.method_not_allowed(&["GET", "POST"])),
        },
        ["composite", "sobjects", obj, field] => only(call, &[Method::PATCH], || {
            collections::upsert(exec, call, obj, field)
        }),
        ["jobs", rest @ ..] => super::bulk2::dispatch(exec, call, rest),
        ["tooling", rest @ ..] => tooling::dispatch(exec, call, rest),
        ["metadata", rest @ ..] => metadata_deploy::dispatch(exec, call, rest),
        _ => Err(ApiError::not_found()),
    }
}

/// Run `f` when the call's method is one of `allowed`, else 405.
fn only(
    call: &Call,
    allowed: &[Method],
    f: impl FnOnce() -> Result<Reply, ApiError>,
) -> Result<Reply, ApiError> {
    if allowed.contains(&call.method) {
        f()
    } else {
        let names: Vec<&str> = allowed.iter().map(Method::as_str).collect();
        Err(call.method_not_allowed(&names))
    }
}
