//! Tooling REST under `/services/data/vXX.X/tooling/` (salesforce-api.md §11.1): `query`
//! with locator paging, describeGlobal, basic info, describe, and record CRUD for the metadata
//! types (`ApexTrigger`, `ApexClass`, `ApexPage`, `CustomObject`, `CustomField`, `Layout`,
//! `PermissionSet`, `RecordType`, `Profile`). `CustomField` / `CustomObject` writes change the
//! schema (see `emulator::metadata`); an `ApexTrigger`'s `Status` switches its automation rules.
//! Production orgs refuse writes to Apex and schema objects like Salesforce does.

mod query;
mod records;
mod schema;

use axum::http::Method;
use serde_json::{Value, json};

use super::call::{Call, Exec};
use super::describe::{describe_json, global_entry, record_types};
use super::errors::ApiError;
use super::reply::Reply;
use super::state::EmulatorState;
use crate::emulator::model::ObjectDef;

/// Data objects the Tooling API serves as well (they are Tooling objects in Salesforce too).
pub const SHARED_OBJECTS: [&str; 4] = ["Profile", "PermissionSet", "RecordType", "User"];

/// Route `tooling/…` (`rest` is what follows `tooling`).
pub fn dispatch(exec: &mut Exec<'_, '_>, call: &Call, rest: &[&str]) -> Result<Reply, ApiError> {
    let m = &call.method;
    match rest {
        ["query"] => get_only(call, || query::first_page(exec, call)),
        ["query", locator] => get_only(call, || query::next_page(exec, call, locator)),
        ["sobjects"] => get_only(call, || global(exec, call)),
        ["sobjects", obj] => match *m {
            Method::GET => basic_info(exec, call, obj),
            Method::POST => records::create(exec, call, obj),
            _ => Err(call.method_not_allowed(&["HEAD", "GET", "POST"])),
        },
        ["sobjects", obj, "describe"] => get_only(call, || describe(exec, call, obj)),
        ["sobjects", obj, id] => match *m {
            Method::GET => records::get(exec, call, obj, id),
            Method::PATCH => records::update(exec, call, obj, id),
            Method::DELETE => records::delete(exec, call, obj, id),
            _ => Err(call.method_not_allowed(&["HEAD", "GET", "PATCH", "DELETE"])),
        },
        _ => Err(ApiError::not_found()),
    }
}

fn get_only(call: &Call, f: impl FnOnce() -> Result<Reply, ApiError>) -> Result<Reply, ApiError> {
    if call.method == Method::GET {
        f()
    } else {
        Err(call.method_not_allowed(&["GET"]))
    }
}

/// `/services/data/vXX.X/tooling`.
pub fn base(call: &Call) -> String {
    format!("{}/tooling", call.base())
}

fn is_tooling(o: &ObjectDef) -> bool {
    o.tooling
        || SHARED_OBJECTS
            .iter()
            .any(|s| s.eq_ignore_ascii_case(&o.name))
}

/// The Tooling object called `obj`, or 404 `NOT_FOUND`.
pub fn tooling_object(exec: &Exec<'_, '_>, obj: &str) -> Result<ObjectDef, ApiError> {
    exec.read(|org| org.object(obj).filter(|o| is_tooling(o)).cloned())
        .ok_or_else(ApiError::not_found)
}

fn global(exec: &mut Exec<'_, '_>, call: &Call) -> Result<Reply, ApiError> {
    let base = base(call);
    let sobjects: Vec<Value> = exec.read(|org| {
        org.objects()
            .filter(|o| is_tooling(o))
            .map(|o| Value::Object(global_entry(o, &base)))
            .collect()
    });
    Ok(Reply::ok(
        json!({"encoding": "UTF-8", "maxBatchSize": 200, "sobjects": sobjects}),
    ))
}

fn basic_info(exec: &mut Exec<'_, '_>, call: &Call, obj: &str) -> Result<Reply, ApiError> {
    let def = tooling_object(exec, obj)?;
    Ok(Reply::ok(json!({
        "objectDescribe": Value::Object(global_entry(&def, &base(call))),
        "recentItems": [],
    })))
}

fn describe(exec: &mut Exec<'_, '_>, call: &Call, obj: &str) -> Result<Reply, ApiError> {
    let def = tooling_object(exec, obj)?;
    let rts = exec.read(|org| record_types(org, &def.name));
    let body = describe_json(&def, &base(call), &exec.state.instance_url(), &rts);
    Ok(Reply::ok(Value::Object(body)))
}

/// After a committed schema change: newer describe timestamps, and the object definitions
/// written to the `--data` store (records go through the normal persistence path).
pub fn schema_changed(state: &EmulatorState, objects: &[String]) {
    for o in objects {
        state.touch_schema(o);
    }
    let Some(store) = state.store() else {
        return;
    };
    let Ok(handle) = tokio::runtime::Handle::try_current() else {
        return;
    };
    if handle.runtime_flavor() != tokio::runtime::RuntimeFlavor::MultiThread {
        tracing::warn!("schema persistence skipped: not on the multi-thread runtime");
        return;
    }
    let org = state.org.lock();
    for o in objects {
        let result = tokio::task::block_in_place(|| handle.block_on(store.save_object(&org, o)));
        if let Err(e) = result {
            tracing::error!(error = %e, "could not persist an object definition");
        }
    }
}
