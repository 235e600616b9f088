//! Bulk API 2.0 (salesforce-api.md §12, v41.0+): `jobs/ingest…` and `jobs/query…`.
//!
//! | file | holds |
//! |---|---|
//! | `jobs.rs` | the job store, states, job-info JSON, state errors |
//! | `csv.rs` | delimiters, line endings, reading uploads, writing result files |
//! | `ingest.rs` | ingest create, upload, close + processing, result files |
//! | `ingest_rows.rs` | CSV columns → field values, one row through `dml::Tx` |
//! | `query.rs` | query jobs and paged CSV results |
//!
//! Every request is one API call of class `bulk` (the middleware classifies `jobs/…`) and is
//! refused like any other once the daily allowance is used up. Unknown jobs are 404
//! `NOT_FOUND`; impossible state changes are 400 `INVALIDJOBSTATE` (Salesforce's code, e.g.
//! `[{"errorCode":"INVALIDJOBSTATE","message":"Aborting already Completed Job not allowed"}]`,
//! restforce/restforce#905). Messages of the other job errors are modelled, not captured.

mod csv;
mod ingest;
mod ingest_rows;
mod jobs;
mod query;

use axum::http::{Method, StatusCode};
use serde_json::{Map, Value, json};

pub use jobs::JobStore;

use super::call::{Call, Exec};
use super::errors::ApiError;
use super::reply::{Body, Reply};
use ingest::ResultSet;
use jobs::{JobState, Kind, cannot_abort, cannot_close, invalid_state_change, wrong_state};

/// The first API version with Bulk API 2.0.
const MIN_VERSION: u32 = 41;

/// Route `jobs/{rest…}`.
pub fn dispatch(exec: &mut Exec<'_, '_>, call: &Call, rest: &[&str]) -> Result<Reply, ApiError> {
    if call.major() < MIN_VERSION {
        return Err(ApiError::not_found());
    }
    let m = &call.method;
    match rest {
        [kind @ ("ingest" | "query")] => {
            let kind = kind_of(kind);
            match *m {
                Method::GET => list(exec, call, kind),
                Method::POST if kind == Kind::Ingest => ingest::create(exec, call),
                Method::POST => query::create(exec, call),
                _ => Err(call.method_not_allowed(&["GET", "POST"])),
            }
        }
        [kind @ ("ingest" | "query"), id] => {
            let kind = kind_of(kind);
            match *m {
                Method::GET => info(exec, kind, id),
                Method::PATCH => patch(exec, call, kind, id),
                Method::DELETE => delete(exec, kind, id),
                _ => Err(call.method_not_allowed(&["GET", "PATCH", "DELETE"])),
            }
        }
        ["ingest", id, "batches"] => only(call, &Method::PUT, || ingest::upload(exec, call, id)),
        ["ingest", id, set] => {
            let set = match *set {
                "successfulResults" => ResultSet::Successful,
                "failedResults" => ResultSet::Failed,
                // jsforce asks for `unprocessedrecords`, simple-salesforce `unprocessedRecords`.
                s if s.eq_ignore_ascii_case("unprocessedRecords") => ResultSet::Unprocessed,
                _ => return Err(ApiError::not_found()),
            };
            only(call, &Method::GET, || ingest::results(exec, id, set))
        }
        ["query", id, "results"] => only(call, &Method::GET, || query::results(exec, call, id)),
        _ => Err(ApiError::not_found()),
    }
}

fn kind_of(segment: &str) -> Kind {
    if segment == "query" {
        Kind::Query
    } else {
        Kind::Ingest
    }
}

fn only(
    call: &Call,
    allowed: &Method,
    f: impl FnOnce() -> Result<Reply, ApiError>,
) -> Result<Reply, ApiError> {
    if call.method == allowed {
        f()
    } else {
        Err(call.method_not_allowed(&[allowed.as_str()]))
    }
}

/// `GET jobs/{kind}/{id}`.
fn info(exec: &Exec<'_, '_>, kind: Kind, id: &str) -> Result<Reply, ApiError> {
    let mut store = exec.state.bulk_jobs.lock();
    let job = store.get_mut(kind, id)?;
    query::settle(job, exec);
    Ok(Reply::ok(job.info()))
}

/// `PATCH jobs/{kind}/{id}` `{"state": "UploadComplete" | "Aborted"}`.
fn patch(exec: &mut Exec<'_, '_>, call: &Call, kind: Kind, id: &str) -> Result<Reply, ApiError> {
    let asked = ingest::asked_state(call)?;
    match (asked.as_str(), kind) {
        ("UploadComplete", Kind::Ingest) => ingest::close(exec, call, id),
        ("Aborted", _) => abort(exec, kind, id),
        ("UploadComplete", Kind::Query) => {
            let store = exec.state.bulk_jobs.lock();
            Err(cannot_close(store.get(kind, id)?.state))
        }
        (other, _) => {
            exec.state.bulk_jobs.lock().get(kind, id)?;
            Err(invalid_state_change(other))
        }
    }
}

fn abort(exec: &Exec<'_, '_>, kind: Kind, id: &str) -> Result<Reply, ApiError> {
    let now = exec.state.clock.now();
    let mut store = exec.state.bulk_jobs.lock();
    let job = store.get_mut(kind, id)?;
    match job.state {
        JobState::Open | JobState::UploadComplete | JobState::InProgress => {
            job.set_state(JobState::Aborted, now);
            Ok(Reply::ok(job.info()))
        }
        s => Err(cannot_abort(s)),
    }
}

/// `DELETE jobs/{kind}/{id}` → 204; only jobs that are closed and not being processed.
fn delete(exec: &Exec<'_, '_>, kind: Kind, id: &str) -> Result<Reply, ApiError> {
    let mut store = exec.state.bulk_jobs.lock();
    let job = store.get_mut(kind, id)?;
    query::settle(job, exec);
    if matches!(job.state, JobState::Open | JobState::InProgress) {
        return Err(wrong_state("delete", job.state));
    }
    store.remove(id);
    Ok(Reply::no_content())
}

/// `GET jobs/{kind}[?queryLocator=N]`: `{done, records, nextRecordsUrl}`.
fn list(exec: &Exec<'_, '_>, call: &Call, kind: Kind) -> Result<Reply, ApiError> {
    let offset = match call.param("queryLocator") {
        None | Some("") => 0,
        Some(l) => l.parse::<usize>().map_err(|_| {
            super::call::bad_request("INVALID_QUERY_LOCATOR", "invalid query locator")
        })?,
    };
    let (records, more) = exec.state.bulk_jobs.lock().list(kind, offset);
    let next = more.then(|| {
        format!(
            "{}/jobs/{}?queryLocator={}",
            call.base(),
            kind.segment(),
            offset + records.len()
        )
    });
    Ok(Reply::ok(json!({
        "done": !more,
        "records": records,
        "nextRecordsUrl": next,
    })))
}

/// A text value of a job request (`None` when absent, null or not text).
fn job_text<'a>(body: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    body.get(key).and_then(Value::as_str)
}

/// 200 with a CSV body (`Content-Type: text/csv`).
fn csv_reply(bytes: Vec<u8>) -> Reply {
    Reply {
        status: StatusCode::OK,
        headers: Vec::new(),
        body: Body::Csv(bytes),
    }
}

/// Run long synchronous work (ingest processing) without stalling the runtime's other tasks
/// when on the multi-thread runtime the server uses.
fn blocking<R>(f: impl FnOnce() -> R) -> R {
    match tokio::runtime::Handle::try_current() {
        Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(f)
        }
        _ => f(),
    }
}
