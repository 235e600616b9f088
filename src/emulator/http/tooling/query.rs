//! Tooling `query` pages: the data query's `{totalSize, done, nextRecordsUrl, records}` plus
//! `size`, `queryLocator` and `entityTypeName` (salesforce-api.md §11.1). Locators come from
//! the same cursor store as data queries; `nextRecordsUrl` stays under `tooling/query/`.

use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::super::call::{Call, Exec, bad_request};
use super::super::errors::ApiError;
use super::super::query::{MAX_BATCH, batch_size, soql_error};
use super::super::reply::Reply;
use crate::emulator::soql::{self, ExecOptions};

fn page(
    total: usize,
    entity: Option<&str>,
    records: &[Map<String, Value>],
    next: Option<(String, String)>,
) -> Reply {
    let (locator, url) = match next {
        Some((l, u)) => (json!(l), Some(u)),
        None => (Value::Null, None),
    };
    let mut body = json!({
        "size": total,
        "totalSize": total,
        "done": url.is_none(),
        "queryLocator": locator,
        "entityTypeName": entity,
    });
    if let Some(u) = url {
        body["nextRecordsUrl"] = json!(u);
    }
    body["records"] = Value::Array(records.iter().cloned().map(Value::Object).collect());
    Reply::ok(body)
}

fn entity_of(records: &[Map<String, Value>]) -> Option<String> {
    records
        .first()?
        .get("attributes")?
        .get("type")?
        .as_str()
        .map(str::to_owned)
}

/// `GET tooling/query?q=`.
pub fn first_page(exec: &mut Exec<'_, '_>, call: &Call) -> Result<Reply, ApiError> {
    let q = call
        .param("q")
        .filter(|q| !q.trim().is_empty())
        .ok_or_else(|| bad_request("MALFORMED_QUERY", "A query string has to be specified"))?;
    let opts = ExecOptions {
        include_deleted: false,
        now: exec.state.clock.now(),
        api_version: call.version.clone(),
        tooling: true,
    };
    let out = exec
        .read(|org| soql::run(org, q, &opts))
        .map_err(soql_error)?;
    let batch = batch_size(call).unwrap_or(MAX_BATCH);
    let entity = out.entity_type.clone();
    if out.records.len() <= batch {
        return Ok(page(out.total_size, entity.as_deref(), &out.records, None));
    }
    let records = Arc::new(out.records);
    let state = exec.state;
    let id = state
        .cursors
        .lock()
        .open(records.clone(), out.total_size, batch, state.clock.now());
    let locator = format!("{id}-{batch}");
    let url = format!("{}/tooling/query/{locator}", call.base());
    Ok(page(
        out.total_size,
        entity.as_deref(),
        &records[..batch],
        Some((locator, url)),
    ))
}

/// `GET tooling/query/{locator}`.
pub fn next_page(exec: &mut Exec<'_, '_>, call: &Call, locator: &str) -> Result<Reply, ApiError> {
    let invalid = || bad_request("INVALID_QUERY_LOCATOR", "invalid query locator");
    let (id, offset) = locator.rsplit_once('-').ok_or_else(invalid)?;
    let offset: usize = offset.parse().map_err(|_| invalid())?;
    let state = exec.state;
    let cursor = state
        .cursors
        .lock()
        .touch(id, state.clock.now())
        .ok_or_else(invalid)?;
    let len = cursor.records.len();
    if offset >= len {
        return Err(invalid());
    }
    let batch = batch_size(call).unwrap_or(cursor.batch_size);
    let end = (offset + batch).min(len);
    let slice = &cursor.records[offset..end];
    let entity = entity_of(slice);
    let next = if end >= len {
        state.cursors.lock().close(id);
        None
    } else {
        let l = format!("{id}-{end}");
        Some((l.clone(), format!("{}/tooling/query/{l}", call.base())))
    };
    Ok(page(cursor.total_size, entity.as_deref(), slice, next))
}
