//! Replication: `sobjects/{X}/updated?start&end` and `sobjects/{X}/deleted?start&end`
//! (salesforce-api.md §6). This layer parses the URL-encoded ISO-8601 instants and shapes the
//! JSON; the window rules (minute precision, 30/15 days back, `start` before `end`, only
//! `replicateable` objects, 600,000 IDs at most) live in the DML layer's `Org::updated_ids` and
//! `Org::deleted_records`. Out-of-range windows answer `INVALID_REPLICATION_DATE` (the code
//! restforce maps as `Restforce::ErrorCode::InvalidReplicationDate`).

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::call::{Call, Exec, bad_request};
use super::describe::rest_object;
use super::errors::ApiError;
use super::reply::Reply;
use super::wire::{parse_instant, wire_datetime};
use crate::emulator::dml::DmlError;

fn instant(call: &Call, k: &str) -> Result<DateTime<Utc>, ApiError> {
    let text = call.param(k).ok_or_else(|| {
        bad_request(
            "MISSING_ARGUMENT",
            format!("Missing required parameter: {k}"),
        )
    })?;
    parse_instant(text).ok_or_else(|| {
        bad_request(
            "INVALID_REPLICATION_DATE",
            format!("Invalid {k} date: {text}. Use ISO-8601, e.g. 2024-03-01T10:00:00+00:00"),
        )
    })
}

fn dml(e: DmlError) -> ApiError {
    bad_request(&e.status_code, e.message)
}

/// `GET sobjects/{X}/updated`.
pub fn updated(exec: &mut Exec<'_, '_>, call: &Call, obj: &str) -> Result<Reply, ApiError> {
    let def = rest_object(exec, obj)?;
    let (start, end) = (instant(call, "start")?, instant(call, "end")?);
    let now = exec.state.clock.now();
    let out = exec
        .read(|org| org.updated_ids(&def.name, start, end, now))
        .map_err(dml)?;
    Ok(Reply::ok(json!({
        "ids": out.ids,
        "latestDateCovered": wire_datetime(out.latest_date_covered),
    })))
}

/// `GET sobjects/{X}/deleted`.
pub fn deleted(exec: &mut Exec<'_, '_>, call: &Call, obj: &str) -> Result<Reply, ApiError> {
    let def = rest_object(exec, obj)?;
    let (start, end) = (instant(call, "start")?, instant(call, "end")?);
    let now = exec.state.clock.now();
    let out = exec
        .read(|org| org.deleted_records(&def.name, start, end, now))
        .map_err(dml)?;
    let records: Vec<Value> = out
        .deleted_records
        .iter()
        .map(|d| json!({"id": d.id, "deletedDate": wire_datetime(d.deleted_date)}))
        .collect();
    Ok(Reply::ok(json!({
        "deletedRecords": records,
        "earliestDateAvailable": wire_datetime(out.earliest_date_available),
        "latestDateCovered": wire_datetime(out.latest_date_covered),
    })))
}
