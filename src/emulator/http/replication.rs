//! Replication: `sobjects/{X}/updated?start&end` and `sobjects/{X}/deleted?start&end`
//! (salesforce-api.md §6). Only `replicateable` objects; instants are ISO-8601 with offset
//! (URL-encoded) and read to the minute; `updated` reaches 30 days back and `deleted` 15.
//! Out-of-range windows answer `INVALID_REPLICATION_DATE` (the code restforce maps as
//! `Restforce::ErrorCode::InvalidReplicationDate`), more than 600,000 IDs `EXCEEDED_ID_LIMIT`.

use chrono::{DateTime, Duration, DurationRound, Utc};
use serde_json::{Value, json};

use super::call::{Call, Exec, bad_request};
use super::describe::rest_object;
use super::errors::ApiError;
use super::reply::Reply;
use super::wire::{parse_instant, wire_datetime};
use crate::emulator::model::ObjectDef;

/// Most IDs one replication call returns.
pub const MAX_IDS: usize = 600_000;

fn minute(t: DateTime<Utc>) -> DateTime<Utc> {
    t.duration_trunc(Duration::minutes(1)).unwrap_or(t)
}

fn window(call: &Call) -> Result<(DateTime<Utc>, DateTime<Utc>), ApiError> {
    let get = |k: &str| {
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
    };
    let (start, end) = (minute(get("start")?), minute(get("end")?));
    if start >= end {
        return Err(bad_request(
            "INVALID_REPLICATION_DATE",
            "start date must be before end date",
        ));
    }
    Ok((start, end))
}

fn replicateable(exec: &Exec<'_, '_>, obj: &str) -> Result<ObjectDef, ApiError> {
    let def = rest_object(exec, obj)?;
    if !def.replicateable {
        return Err(bad_request(
            "INVALID_TYPE",
            format!("sObject type '{}' is not replicateable", def.name),
        ));
    }
    Ok(def)
}

fn stamp(v: Option<&Value>) -> Option<DateTime<Utc>> {
    v.and_then(Value::as_str).and_then(parse_instant)
}

/// `GET sobjects/{X}/updated`.
pub fn updated(exec: &mut Exec<'_, '_>, call: &Call, obj: &str) -> Result<Reply, ApiError> {
    let def = replicateable(exec, obj)?;
    let (start, end) = window(call)?;
    let now = exec.state.clock.now();
    if start < minute(now) - Duration::days(30) {
        return Err(bad_request(
            "INVALID_REPLICATION_DATE",
            "start date cannot be more than 30 days ago",
        ));
    }
    let ids: Vec<String> = exec.read(|org| {
        org.records(&def.name)
            .filter(|r| !r.is_deleted())
            .filter(|r| {
                stamp(
                    r.get("SystemModstamp")
                        .or_else(|| r.get("LastModifiedDate")),
                )
                .is_some_and(|t| t >= start && t < end)
            })
            .map(|r| r.id().to_owned())
            .collect()
    });
    if ids.len() > MAX_IDS {
        return Err(bad_request(
            "EXCEEDED_ID_LIMIT",
            "Too many ids to return; use a smaller date range",
        ));
    }
    let latest = end.min(minute(now));
    Ok(Reply::ok(json!({
        "ids": ids,
        "latestDateCovered": wire_datetime(latest),
    })))
}

/// `GET sobjects/{X}/deleted`.
pub fn deleted(exec: &mut Exec<'_, '_>, call: &Call, obj: &str) -> Result<Reply, ApiError> {
    let def = replicateable(exec, obj)?;
    let (start, end) = window(call)?;
    let now = exec.state.clock.now();
    let earliest = minute(now) - Duration::days(15);
    if start < earliest {
        return Err(bad_request(
            "INVALID_REPLICATION_DATE",
            "start date cannot be more than 15 days ago",
        ));
    }
    let rows: Vec<(String, DateTime<Utc>)> = exec.read(|org| {
        let mut rows: Vec<(String, DateTime<Utc>)> = org
            .deletions()
            .filter(|(_, d)| d.object.eq_ignore_ascii_case(&def.name))
            .filter(|(_, d)| d.deleted_at >= start && d.deleted_at < end)
            .map(|(id, d)| (id.clone(), d.deleted_at))
            .collect();
        // Records in the recycle bin without a tombstone: their SystemModstamp is the delete.
        rows.extend(
            org.records(&def.name)
                .filter(|r| r.is_deleted() && org.deletion(r.id()).is_none())
                .filter_map(|r| Some((r.id().to_owned(), stamp(r.get("SystemModstamp"))?)))
                .filter(|(_, at)| *at >= start && *at < end),
        );
        rows.sort();
        rows
    });
    if rows.len() > MAX_IDS {
        return Err(bad_request(
            "EXCEEDED_ID_LIMIT",
            "Too many ids to return; use a smaller date range",
        ));
    }
    let records: Vec<Value> = rows
        .iter()
        .map(|(id, at)| json!({"id": id, "deletedDate": wire_datetime(*at)}))
        .collect();
    Ok(Reply::ok(json!({
        "deletedRecords": records,
        "earliestDateAvailable": wire_datetime(earliest),
        "latestDateCovered": wire_datetime(end.min(minute(now))),
    })))
}
