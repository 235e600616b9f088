//! Ingest jobs (salesforce-api.md §12.1): create, upload the CSV (`PUT …/batches` → 201),
//! close (`PATCH {"state":"UploadComplete"}`) and the three result files.
//!
//! Processing runs synchronously inside the close request, one transaction (and one hold of
//! the org lock) per [`CHUNK`] rows, so other requests interleave between chunks and a poll
//! after the close never sees `Open`. The close answers `UploadComplete`, as Salesforce's does;
//! the next poll sees `JobComplete` (or `Failed`, or `Aborted` when an abort arrived while
//! chunks were still being written: the remaining rows stay unprocessed).
//!
//! Uploading twice is accepted and the close then fails with Salesforce's `INVALIDJOB` "Found
//! multipe contents for job" (sic; salesforce.stackexchange.com/questions/231917).

use std::sync::Arc;
use std::time::Instant;

use axum::http::StatusCode;
use serde_json::Value;

use super::csv::{self as bulk_csv, Delimiter, LineEnding, Table};
use super::ingest_rows::{CHUNK, IngestOutcome, Plan, RowResult};
use super::jobs::{Job, JobState, Kind, Operation, cannot_close, wrong_state};
use super::{csv_reply, job_text};
use crate::emulator::http::call::{Call, Exec, bad_request};
use crate::emulator::http::errors::ApiError;
use crate::emulator::http::reply::Reply;

/// `POST jobs/ingest`.
pub fn create(exec: &mut Exec<'_, '_>, call: &Call) -> Result<Reply, ApiError> {
    let body = call.json_object()?;
    let object = job_text(&body, "object")
        .ok_or_else(|| bad_request("INVALIDJOB", "InvalidJob : Object must be specified"))?;
    let operation = job_text(&body, "operation")
        .and_then(Operation::parse)
        .filter(|o| !o.is_query())
        .ok_or_else(|| {
            bad_request(
                "INVALIDJOB",
                "InvalidJob : Operation must be one of insert, update, upsert, delete, hardDelete",
            )
        })?;
    if let Some(ct) = job_text(&body, "contentType")
        && ct != "CSV"
    {
        return Err(bad_request(
            "INVALIDJOB",
            format!("InvalidJob : Unsupported content type: {ct}"),
        ));
    }
    let delimiter = Delimiter::parse(job_text(&body, "columnDelimiter"))?;
    let line_ending = LineEnding::parse(job_text(&body, "lineEnding"))?;
    let external_id = match operation {
        Operation::Upsert => Some(upsert_key(
            exec,
            object,
            job_text(&body, "externalIdFieldName"),
        )?),
        _ => None,
    };
    let object = exec
        .read(|org| org.object(object).map(|o| o.name.clone()))
        .unwrap_or_else(|| object.to_owned());
    let now = exec.state.clock.now();
    let mut store = exec.state.bulk_jobs.lock();
    let job = Job {
        id: store.mint_id(),
        operation,
        object,
        external_id,
        created_by: call.user_id.clone(),
        created: now,
        modstamp: now,
        state: JobState::Open,
        version: call.version.clone(),
        delimiter,
        line_ending,
        uploads: Vec::new(),
        processed: 0,
        failed: 0,
        error_message: None,
        processing_ms: 0,
        ingest: None,
        query: None,
    };
    let info = job.info();
    store.insert(job);
    Ok(Reply::ok(info))
}

/// The upsert key of a new job: required, and on a known object it must be `Id`, an external
/// ID or an idLookup field (Bulk API's "Field name provided, X does not match an External ID,
/// Salesforce Id, or indexed field for Y").
fn upsert_key(exec: &Exec<'_, '_>, object: &str, field: Option<&str>) -> Result<String, ApiError> {
    let field = field.ok_or_else(|| {
        bad_request(
            "INVALIDJOB",
            "InvalidJob : External ID field name must be specified for upsert",
        )
    })?;
    exec.read(|org| {
        let Some(def) = org.object(object) else {
            return Ok(field.to_owned());
        };
        def.field(field)
            .filter(|f| f.name == "Id" || f.external_id || f.id_lookup)
            .map(|f| f.name.clone())
            .ok_or_else(|| {
                bad_request(
                    "INVALIDJOB",
                    format!(
                        "InvalidJob : Field name provided, {field} does not match an External ID, Salesforce Id, or indexed field for {}",
                        def.name
                    ),
                )
            })
    })
}

/// `PUT jobs/ingest/{id}/batches` → 201 with no body.
pub fn upload(exec: &mut Exec<'_, '_>, call: &Call, id: &str) -> Result<Reply, ApiError> {
    let mut store = exec.state.bulk_jobs.lock();
    let job = store.get_mut(Kind::Ingest, id)?;
    if job.state != JobState::Open {
        return Err(wrong_state("upload data to", job.state));
    }
    job.uploads.push(call.body.clone());
    Ok(Reply::empty(StatusCode::CREATED))
}

/// What processing needs from the job, read under the store lock.
struct Work {
    upload: Option<axum::body::Bytes>,
    object: String,
    operation: Operation,
    external_id: Option<String>,
    delimiter: Delimiter,
}

/// `PATCH jobs/ingest/{id}` `{"state":"UploadComplete"}`: close and process.
pub fn close(exec: &mut Exec<'_, '_>, call: &Call, id: &str) -> Result<Reply, ApiError> {
    let now = exec.state.clock.now();
    let (work, info) = {
        let mut store = exec.state.bulk_jobs.lock();
        let job = store.get_mut(Kind::Ingest, id)?;
        if job.state != JobState::Open {
            return Err(cannot_close(job.state));
        }
        if job.uploads.len() > 1 {
            return Err(bad_request(
                "INVALIDJOB",
                format!(
                    "Found multipe contents for job: <{id}>, please 'Close' / 'Abort' / 'Delete' the current Job then create a new Job and make sure you only do 'PUT' once on a given Job."
                ),
            ));
        }
        job.set_state(JobState::UploadComplete, now);
        let info = job.info();
        job.set_state(JobState::InProgress, now);
        let work = Work {
            upload: job.uploads.first().cloned(),
            object: job.object.clone(),
            operation: job.operation,
            external_id: job.external_id.clone(),
            delimiter: job.delimiter,
        };
        (work, info)
    };
    super::blocking(|| process(exec, &call.user_id, id, &work))?;
    Ok(Reply::ok(info))
}

/// Parse, plan and apply the upload chunk by chunk, then record the outcome on the job.
fn process(exec: &mut Exec<'_, '_>, user_id: &str, id: &str, work: &Work) -> Result<(), ApiError> {
    let started = Instant::now();
    let table = match &work.upload {
        None => Table::default(),
        Some(data) => match bulk_csv::read(data, work.delimiter) {
            Ok(t) => t,
            Err(msg) => {
                finish(exec, id, Table::default(), Vec::new(), Some(msg), started);
                return Ok(());
            }
        },
    };
    if table.headers.is_empty() {
        finish(exec, id, table, Vec::new(), None, started);
        return Ok(());
    }
    let plan = exec.read(|org| {
        Plan::new(
            org,
            &work.object,
            work.operation,
            work.external_id.as_deref(),
            &table.headers,
        )
    });
    let plan = match plan {
        Ok(p) => p,
        Err(msg) => {
            finish(exec, id, table, Vec::new(), Some(msg), started);
            return Ok(());
        }
    };
    let mut results: Vec<RowResult> = Vec::with_capacity(table.rows.len());
    for chunk in table.rows.chunks(CHUNK) {
        if !still_running(exec, id, &results) {
            break;
        }
        exec.write(user_id, |tx| {
            for row in chunk {
                results.push(plan.apply(tx, row));
            }
            Ok(())
        })?;
    }
    finish(exec, id, table, results, None, started);
    Ok(())
}

/// Publish progress; `false` once the job was aborted (or deleted) meanwhile.
fn still_running(exec: &Exec<'_, '_>, id: &str, results: &[RowResult]) -> bool {
    let mut store = exec.state.bulk_jobs.lock();
    let Ok(job) = store.get_mut(Kind::Ingest, id) else {
        return false;
    };
    job.processed = results.len() as u64;
    job.failed = failures(results);
    job.state == JobState::InProgress
}

fn failures(results: &[RowResult]) -> u64 {
    results
        .iter()
        .filter(|r| matches!(r, RowResult::Err { .. }))
        .count() as u64
}

/// Record the outcome: `JobComplete`, `Failed` with `error`, or still `Aborted`.
fn finish(
    exec: &Exec<'_, '_>,
    id: &str,
    table: Table,
    results: Vec<RowResult>,
    error: Option<String>,
    started: Instant,
) {
    let now = exec.state.clock.now();
    let mut store = exec.state.bulk_jobs.lock();
    let Ok(job) = store.get_mut(Kind::Ingest, id) else {
        return;
    };
    job.processed = results.len() as u64;
    job.failed = failures(&results);
    job.processing_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    if job.state == JobState::InProgress {
        match error {
            Some(msg) => {
                job.error_message = Some(msg);
                job.set_state(JobState::Failed, now);
            }
            None => job.set_state(JobState::JobComplete, now),
        }
    }
    job.ingest = Some(Arc::new(IngestOutcome { table, results }));
}

/// Which result file to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultSet {
    /// `successfulResults`: `sf__Id`, `sf__Created`, input columns.
    Successful,
    /// `failedResults`: `sf__Id`, `sf__Error`, input columns.
    Failed,
    /// `unprocessedrecords` / `unprocessedRecords`: input columns.
    Unprocessed,
}

/// `GET jobs/ingest/{id}/{successfulResults|failedResults|unprocessedrecords}` as CSV.
pub fn results(exec: &Exec<'_, '_>, id: &str, set: ResultSet) -> Result<Reply, ApiError> {
    let (outcome, upload, delimiter, line_ending) = {
        let store = exec.state.bulk_jobs.lock();
        let job = store.get(Kind::Ingest, id)?;
        (
            job.ingest.clone(),
            job.uploads.first().cloned(),
            job.delimiter,
            job.line_ending,
        )
    };
    // Before processing, nothing succeeded or failed and every uploaded row is unprocessed.
    let outcome = outcome.unwrap_or_else(|| {
        let table = upload
            .and_then(|d| bulk_csv::read(&d, delimiter).ok())
            .unwrap_or_default();
        Arc::new(IngestOutcome {
            table,
            results: Vec::new(),
        })
    });
    let input = &outcome.table;
    let with = |first: &str, second: &str| -> Vec<String> {
        [first.to_owned(), second.to_owned()]
            .into_iter()
            .chain(input.headers.iter().cloned())
            .collect()
    };
    let rows = input.rows.iter().zip(&outcome.results);
    let bytes = match set {
        ResultSet::Successful => {
            let out = rows.filter_map(|(row, r)| match r {
                RowResult::Ok { id, created } => Some(
                    [id.as_str(), if *created { "true" } else { "false" }]
                        .into_iter()
                        .chain(row.iter().map(String::as_str))
                        .collect::<Vec<&str>>(),
                ),
                RowResult::Err { .. } => None,
            });
            bulk_csv::write(&with("sf__Id", "sf__Created"), out, delimiter, line_ending)?
        }
        ResultSet::Failed => {
            let out = rows.filter_map(|(row, r)| match r {
                RowResult::Err { id, error } => Some(
                    [id.as_str(), error.as_str()]
                        .into_iter()
                        .chain(row.iter().map(String::as_str))
                        .collect::<Vec<&str>>(),
                ),
                RowResult::Ok { .. } => None,
            });
            bulk_csv::write(&with("sf__Id", "sf__Error"), out, delimiter, line_ending)?
        }
        ResultSet::Unprocessed => {
            let done = outcome.results.len().min(input.rows.len());
            let out = input.rows[done..]
                .iter()
                .map(|r| r.iter().map(String::as_str));
            bulk_csv::write(&input.headers, out, delimiter, line_ending)?
        }
    };
    Ok(csv_reply(bytes))
}

/// The `state` a PATCH asks for.
pub fn asked_state(call: &Call) -> Result<String, ApiError> {
    let body = call.json_object()?;
    Ok(body
        .get("state")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned())
}
