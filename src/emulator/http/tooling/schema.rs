//! `CustomField` / `CustomObject` Tooling writes: the body's `FullName` and `Metadata` are
//! applied to the schema (`emulator::metadata`) in the same transaction as the Tooling record.

use axum::http::StatusCode;
use serde_json::{Map, Value};

use super::super::call::{Call, Exec};
use super::super::errors::ApiError;
use crate::emulator::metadata::{self, Applied, Meta, MetaError};

/// A metadata error as a REST error (404 for a missing record, else 400).
pub fn meta_error(e: MetaError) -> ApiError {
    let status = if e.code == "NOT_FOUND" || e.code == "ENTITY_IS_DELETED" {
        StatusCode::NOT_FOUND
    } else {
        StatusCode::BAD_REQUEST
    };
    ApiError::rest(status, &e.code, e.message)
}

fn missing(field: &str) -> ApiError {
    ApiError::rest_fields(
        StatusCode::BAD_REQUEST,
        "REQUIRED_FIELD_MISSING",
        format!("Required fields are missing: [{field}]"),
        vec![field.to_owned()],
    )
}

fn text(values: &Map<String, Value>, key: &str) -> Option<String> {
    values
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .and_then(|(_, v)| v.as_str())
        .map(str::to_owned)
}

/// Create a custom field (`FullName` `Account.X__c`, or `TableEnumOrId` + `DeveloperName`)
/// or a custom object (`FullName` `Foo__c`, or `DeveloperName`).
pub fn create(
    exec: &mut Exec<'_, '_>,
    call: &Call,
    object: &str,
    values: Map<String, Value>,
    meta: Option<Meta>,
    full_name: Option<String>,
) -> Result<Applied, ApiError> {
    let meta = meta.ok_or_else(|| missing("Metadata"))?;
    let dev = text(&values, "DeveloperName").map(|d| format!("{}__c", d.trim_end_matches("__c")));
    if object == "CustomField" {
        let full = full_name
            .or_else(|| Some(format!("{}.{}", text(&values, "TableEnumOrId")?, dev?)))
            .ok_or_else(|| missing("FullName"))?;
        exec.write(&call.user_id, |tx| {
            metadata::upsert_custom_field(tx, &full, &meta, true).map_err(meta_error)
        })
    } else {
        let full = full_name.or(dev).ok_or_else(|| missing("FullName"))?;
        exec.write(&call.user_id, |tx| {
            metadata::upsert_custom_object(tx, &full, &meta, true).map_err(meta_error)
        })
    }
}

/// Change the field or object behind Tooling record `id` with new `Metadata`.
pub fn update(
    exec: &mut Exec<'_, '_>,
    call: &Call,
    object: &str,
    id: &str,
    meta: Option<Meta>,
) -> Result<Applied, ApiError> {
    let full = exec
        .read(|org| {
            org.record(id)
                .filter(|r| !r.is_deleted())
                .and_then(|r| r.get("FullName")?.as_str().map(str::to_owned))
        })
        .ok_or_else(ApiError::not_found)?;
    let meta = meta.ok_or_else(|| missing("Metadata"))?;
    exec.write(&call.user_id, |tx| {
        let applied = if object == "CustomField" {
            metadata::upsert_custom_field(tx, &full, &meta, false)
        } else {
            metadata::upsert_custom_object(tx, &full, &meta, false)
        };
        applied.map_err(meta_error)
    })
}

/// Delete the field or object behind Tooling record `id`.
pub fn delete(
    exec: &mut Exec<'_, '_>,
    call: &Call,
    object: &str,
    id: &str,
) -> Result<Applied, ApiError> {
    exec.write(&call.user_id, |tx| {
        let applied = if object == "CustomField" {
            metadata::delete_custom_field(tx, id)
        } else {
            metadata::delete_custom_object(tx, id)
        };
        applied.map_err(meta_error)
    })
}
