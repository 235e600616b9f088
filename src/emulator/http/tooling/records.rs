//! Tooling record CRUD: `POST sobjects/{Type}`, `GET|PATCH|DELETE sobjects/{Type}/{id}`.
//! Writes return the REST shapes (201 `{id, success, errors}`, 204). `CustomField` and
//! `CustomObject` go through `schema.rs`; `ApexTrigger` bodies fill the usage flags.

use axum::http::{StatusCode, header};
use serde_json::{Map, Value, json};

use super::super::call::{Call, Exec};
use super::super::errors::ApiError;
use super::super::reply::Reply;
use super::super::sobjects::{
    live_record, object_id, record_body, record_json, requested_fields, take_id,
};
use super::{base, schema, schema_changed, tooling_object};
use crate::emulator::metadata::{self, Meta, restricted_in_production};
use crate::emulator::model::ObjectDef;

/// 400 for a write to an Apex or schema Tooling object in a production org. The message is
/// Salesforce's (Tooling API guide, "Considerations for CRUD Operations in Active Orgs",
/// `intro_crud_operations`, which applies it to every CRUD operation on ApexClass,
/// ApexComponent, ApexPage, ApexTrigger, CustomField and CustomObject). The guide gives no
/// error code; `INVALID_TYPE` follows a third-party write-up of the same error (unverified).
pub fn active_org_error() -> ApiError {
    ApiError::rest(
        StatusCode::BAD_REQUEST,
        "INVALID_TYPE",
        "Save or update not supported in active organizations",
    )
}

fn check_active_org(exec: &Exec<'_, '_>, def: &ObjectDef) -> Result<(), ApiError> {
    let sandbox = exec.read(|org| org.identity.is_sandbox);
    if !sandbox && restricted_in_production(&def.name) {
        return Err(active_org_error());
    }
    Ok(())
}

/// Split the Tooling pseudo-fields `Metadata` and `FullName` off a body.
fn take_metadata(values: &mut Map<String, Value>) -> (Option<Meta>, Option<String>) {
    let key = |values: &Map<String, Value>, name: &str| {
        values
            .keys()
            .find(|k| k.eq_ignore_ascii_case(name))
            .cloned()
    };
    let meta = key(values, "Metadata")
        .and_then(|k| values.remove(&k))
        .and_then(|v| match v {
            Value::Object(m) => Some(Meta(m)),
            _ => None,
        });
    let full = key(values, "FullName")
        .and_then(|k| values.get(&k).cloned())
        .and_then(|v| v.as_str().map(str::to_owned));
    (meta, full)
}

fn created(call: &Call, def: &ObjectDef, id: &str) -> Reply {
    Reply::json(
        StatusCode::CREATED,
        json!({"id": id, "success": true, "errors": []}),
    )
    .with_header(
        header::LOCATION,
        format!("{}/sobjects/{}/{id}", base(call), def.name),
    )
}

/// `POST tooling/sobjects/{Type}`.
pub fn create(exec: &mut Exec<'_, '_>, call: &Call, obj: &str) -> Result<Reply, ApiError> {
    let def = tooling_object(exec, obj)?;
    check_active_org(exec, &def)?;
    let mut values = record_body(call)?;
    take_id(&mut values, None)?;
    let (meta, full_name) = take_metadata(&mut values);
    if def.name == "CustomField" || def.name == "CustomObject" {
        let applied = schema::create(exec, call, &def.name, values, meta, full_name)?;
        schema_changed(exec.state, std::slice::from_ref(&applied.object));
        return Ok(created(call, &def, &applied.id));
    }
    prepare(
        exec,
        call,
        &def,
        &mut values,
        meta.as_ref(),
        full_name,
        true,
    )?;
    let id = exec.write(&call.user_id, |tx| {
        tx.insert(&def.name, values).map_err(|e| ApiError::dml(&e))
    })?;
    Ok(created(call, &def, &id))
}

/// Fill what a plain Tooling create or update implies: `FullName` as `Name` where the object
/// has no `FullName`, an `ApexTrigger`'s `Metadata.status`, its object check and usage flags.
fn prepare(
    exec: &Exec<'_, '_>,
    call: &Call,
    def: &ObjectDef,
    values: &mut Map<String, Value>,
    meta: Option<&Meta>,
    full_name: Option<String>,
    inserting: bool,
) -> Result<(), ApiError> {
    if let Some(full) = full_name
        && def.field("FullName").is_none()
    {
        values.retain(|k, _| !k.eq_ignore_ascii_case("FullName"));
        let name = match (def.name.as_str(), full.split_once('-')) {
            ("Layout", Some((object, layout))) => {
                values
                    .entry("TableEnumOrId")
                    .or_insert_with(|| json!(object));
                layout.to_owned()
            }
            _ => full,
        };
        if def.field("Name").is_some() && !values.keys().any(|k| k.eq_ignore_ascii_case("Name")) {
            values.insert("Name".into(), json!(name));
        }
    }
    if let Some(m) = meta {
        for (meta_key, field) in [("status", "Status"), ("apiVersion", "ApiVersion")] {
            if def.field(field).is_some()
                && let Some(v) = m.text(meta_key)
            {
                let v = if field == "ApiVersion" {
                    v.parse::<f64>().map_or(json!(v), |n| json!(n))
                } else {
                    json!(v)
                };
                values.entry(field).or_insert(v);
            }
        }
    }
    if inserting && def.field("ApiVersion").is_some() {
        let v: f64 = call.version.parse().unwrap_or(59.0);
        values.entry("ApiVersion").or_insert(json!(v));
    }
    if def.name == "ApexTrigger" {
        apex_trigger(exec, values, inserting)?;
    }
    Ok(())
}

/// Check an `ApexTrigger`'s object and derive `Name` and the `Usage*` flags from its body
/// (`trigger Name on Object (before insert, after update) { … }`).
fn apex_trigger(
    exec: &Exec<'_, '_>,
    values: &mut Map<String, Value>,
    inserting: bool,
) -> Result<(), ApiError> {
    let body = values
        .get("Body")
        .and_then(Value::as_str)
        .map(str::to_owned);
    if let Some(body) = &body {
        let header = body.split('{').next().unwrap_or_default().to_owned();
        let words: Vec<&str> = header
            .split(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == ',')
            .filter(|w| !w.is_empty())
            .collect();
        if inserting && let Some(i) = words.iter().position(|w| w.eq_ignore_ascii_case("trigger")) {
            if let Some(name) = words.get(i + 1) {
                values.entry("Name").or_insert_with(|| json!(name));
            }
            if let Some(object) = words.get(i + 3) {
                values
                    .entry("TableEnumOrId")
                    .or_insert_with(|| json!(object));
            }
        }
        let lower = header.to_ascii_lowercase();
        for (phrase, flag) in [
            ("before insert", "UsageBeforeInsert"),
            ("before update", "UsageBeforeUpdate"),
            ("after insert", "UsageAfterInsert"),
            ("after update", "UsageAfterUpdate"),
        ] {
            values.insert(flag.into(), json!(lower.contains(phrase)));
        }
    }
    if let Some(object) = values.get("TableEnumOrId").and_then(Value::as_str) {
        let ok = exec.read(|org| {
            org.object(object)
                .is_some_and(|o| !o.tooling && o.triggerable)
        });
        if !ok {
            return Err(ApiError::rest_fields(
                StatusCode::BAD_REQUEST,
                "FIELD_INTEGRITY_EXCEPTION",
                format!("Invalid SObject type name: {object}"),
                vec!["TableEnumOrId".into()],
            ));
        }
    }
    Ok(())
}

/// `GET tooling/sobjects/{Type}/{id}`; `CustomField`, `CustomObject` and Apex records carry
/// their `Metadata` (and `FullName`) as Tooling does for single-record reads.
pub fn get(exec: &mut Exec<'_, '_>, call: &Call, obj: &str, id: &str) -> Result<Reply, ApiError> {
    let def = tooling_object(exec, obj)?;
    let id = object_id(&def, id)?;
    let fields = requested_fields(call, &def)?;
    let rec = exec
        .read(|org| live_record(org, &id).cloned())
        .ok_or_else(ApiError::not_found)?;
    let mut body = record_json(&rec, &def, &base(call), fields.as_deref());
    if fields.is_none() {
        let full = rec.get("FullName").and_then(Value::as_str).unwrap_or("");
        let meta = match def.name.as_str() {
            "CustomField" => exec.read(|org| {
                let (o, f) = metadata::split_full_name(full).ok()?;
                let fdef = org.object(o)?.field(f)?;
                Some(metadata::field_metadata(fdef, f))
            }),
            "CustomObject" => exec.read(|org| org.object(full).map(metadata::object_metadata)),
            "ApexTrigger" | "ApexClass" => Some(json!({
                "apiVersion": rec.get("ApiVersion").cloned().unwrap_or(Value::Null),
                "status": rec.get("Status").cloned().unwrap_or(Value::Null),
                "packageVersions": [],
            })),
            _ => None,
        };
        if let Some(m) = meta {
            body.insert("Metadata".into(), m);
        }
    }
    Ok(Reply::ok(Value::Object(body)))
}

/// `PATCH tooling/sobjects/{Type}/{id}` → 204.
pub fn update(
    exec: &mut Exec<'_, '_>,
    call: &Call,
    obj: &str,
    id: &str,
) -> Result<Reply, ApiError> {
    let def = tooling_object(exec, obj)?;
    let id = object_id(&def, id)?;
    check_active_org(exec, &def)?;
    let mut values = record_body(call)?;
    take_id(&mut values, Some(&id))?;
    let (meta, full_name) = take_metadata(&mut values);
    if def.name == "CustomField" || def.name == "CustomObject" {
        let applied = schema::update(exec, call, &def.name, &id, meta)?;
        schema_changed(exec.state, std::slice::from_ref(&applied.object));
        return Ok(Reply::no_content());
    }
    prepare(
        exec,
        call,
        &def,
        &mut values,
        meta.as_ref(),
        full_name,
        false,
    )?;
    exec.write(&call.user_id, |tx| {
        tx.update(&id, values).map_err(|e| ApiError::dml(&e))
    })?;
    Ok(Reply::no_content())
}

/// `DELETE tooling/sobjects/{Type}/{id}` → 204.
pub fn delete(
    exec: &mut Exec<'_, '_>,
    call: &Call,
    obj: &str,
    id: &str,
) -> Result<Reply, ApiError> {
    let def = tooling_object(exec, obj)?;
    let id = object_id(&def, id)?;
    check_active_org(exec, &def)?;
    if def.name == "CustomField" || def.name == "CustomObject" {
        let applied = schema::delete(exec, call, &def.name, &id)?;
        schema_changed(exec.state, std::slice::from_ref(&applied.object));
        return Ok(Reply::no_content());
    }
    exec.write(&call.user_id, |tx| {
        tx.delete(&id).map_err(|e| ApiError::dml(&e))
    })?;
    Ok(Reply::no_content())
}
