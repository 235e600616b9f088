//! `query` and `queryAll` with locator paging (salesforce-api.md §5): the whole result is
//! computed once under the org lock; pages of `Sforce-Query-Options: batchSize=N` rows (200–2000,
//! default 2000) are served from an open cursor. `nextRecordsUrl` is root-relative and always
//! under `query/` (also for `queryAll`), locators look like `01g…-2000` and contain no `/`.

use std::sync::Arc;

use axum::http::StatusCode;
use serde::Serialize;
use serde_json::{Map, Value};

use super::call::{Call, Exec, bad_request};
use super::errors::ApiError;
use super::reply::Reply;
use super::state::EmulatorState;
use crate::emulator::soql::{self, ExecOptions, SoqlError};

/// Default and largest page size.
pub const MAX_BATCH: usize = 2000;
/// Smallest page size.
pub const MIN_BATCH: usize = 200;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Page<'a> {
    total_size: usize,
    done: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_records_url: Option<String>,
    records: &'a [Map<String, Value>],
}

/// The page size asked for with `Sforce-Query-Options: batchSize=N`, clamped to 200–2000.
pub fn batch_size(call: &Call) -> Option<usize> {
    let v = call.headers.get("sforce-query-options")?.to_str().ok()?;
    v.split([',', ';'])
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("batchSize"))
        .and_then(|(_, n)| n.trim().parse::<usize>().ok())
        .map(|n| n.clamp(MIN_BATCH, MAX_BATCH))
}

/// A SOQL error as a REST error (HTTP 400).
pub fn soql_error(e: SoqlError) -> ApiError {
    bad_request(e.code, e.message)
}

/// `GET query?q=` / `GET queryAll?q=`.
pub fn first_page(
    exec: &mut Exec<'_, '_>,
    call: &Call,
    include_deleted: bool,
) -> Result<Reply, ApiError> {
    let q = call
        .param("q")
        .filter(|q| !q.trim().is_empty())
        .ok_or_else(|| bad_request("MALFORMED_QUERY", "A query string has to be specified"))?;
    let opts = ExecOptions {
        include_deleted,
        now: exec.state.clock.now(),
        api_version: call.version.clone(),
        tooling: false,
    };
    let out = exec
        .read(|org| soql::run(org, q, &opts))
        .map_err(soql_error)?;
    let batch = batch_size(call).unwrap_or(MAX_BATCH);
    Ok(page_reply(
        exec.state,
        &call.version,
        out.records,
        out.total_size,
        batch,
    ))
}

/// Serve the first page of `records`, opening a cursor when more remain.
pub fn page_reply(
    state: &EmulatorState,
    version: &str,
    records: Vec<Map<String, Value>>,
    total_size: usize,
    batch: usize,
) -> Reply {
    if records.len() <= batch {
        return serialize(&Page {
            total_size,
            done: true,
            next_records_url: None,
            records: &records,
        });
    }
    let records = Arc::new(records);
    let id = state
        .cursors
        .lock()
        .open(records.clone(), total_size, batch, state.clock.now());
    serialize(&Page {
        total_size,
        done: false,
        next_records_url: Some(format!("/services/data/v{version}/query/{id}-{batch}")),
        records: &records[..batch],
    })
}

fn serialize(page: &Page<'_>) -> Reply {
    match serde_json::to_vec(page) {
        Ok(bytes) => Reply::raw(bytes),
        Err(e) => ApiError::rest(
            StatusCode::INTERNAL_SERVER_ERROR,
            "UNKNOWN_EXCEPTION",
            e.to_string(),
        )
        .into_reply(),
    }
}

fn invalid_locator() -> ApiError {
    bad_request("INVALID_QUERY_LOCATOR", "invalid query locator")
}

/// `GET query/{locator}` (and `queryAll/{locator}`).
pub fn next_page(exec: &mut Exec<'_, '_>, call: &Call, locator: &str) -> Result<Reply, ApiError> {
    let (id, offset) = locator.rsplit_once('-').ok_or_else(invalid_locator)?;
    let offset: usize = offset.parse().map_err(|_| invalid_locator())?;
    let state = exec.state;
    let cursor = state
        .cursors
        .lock()
        .touch(id, state.clock.now())
        .ok_or_else(invalid_locator)?;
    let len = cursor.records.len();
    if offset >= len {
        return Err(invalid_locator());
    }
    let batch = batch_size(call).unwrap_or(cursor.batch_size);
    let end = (offset + batch).min(len);
    let done = end >= len;
    if done {
        state.cursors.lock().close(id);
    }
    Ok(serialize(&Page {
        total_size: cursor.total_size,
        done,
        next_records_url: (!done)
            .then(|| format!("/services/data/v{}/query/{id}-{end}", call.version)),
        records: &cursor.records[offset..end],
    }))
}
