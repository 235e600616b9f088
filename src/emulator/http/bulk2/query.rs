//! Query jobs (salesforce-api.md §12.2): `POST jobs/query` runs the SOQL at once (a bad query
//! is a 400 REST error array at creation, as Salesforce answers) and keeps the flattened rows.
//! The job is never `Open`: creation answers `UploadComplete` and the first poll or results
//! read completes it (`JobComplete`); an abort before that leaves it `Aborted`.
//!
//! Results page by `maxRecords` (all remaining rows without it) with an opaque `locator`
//! (the base64 of the next row offset, like Salesforce's `MTAwMDA`); every page carries
//! `Sforce-NumberOfRecords` and `Sforce-Locator`, the literal `null` on the last page
//! (§0 pitfall 7: jsforce loops `while (locator !== 'null')`, simple-salesforce reads
//! `int(headers["Sforce-NumberOfRecords"])`).

use std::sync::Arc;

use axum::http::HeaderName;
use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;

use super::csv::{self as bulk_csv, Delimiter, LineEnding, Table};
use super::jobs::{Job, JobState, Kind, Operation, wrong_state};
use super::{csv_reply, job_text};
use crate::emulator::http::call::{Call, Exec, bad_request};
use crate::emulator::http::errors::ApiError;
use crate::emulator::http::query::soql_error;
use crate::emulator::http::reply::Reply;
use crate::emulator::soql::{self, ExecOptions};

/// `Sforce-Locator`.
static LOCATOR: HeaderName = HeaderName::from_static("sforce-locator");
/// `Sforce-NumberOfRecords`.
static NUMBER_OF_RECORDS: HeaderName = HeaderName::from_static("sforce-numberofrecords");

/// `POST jobs/query`.
pub fn create(exec: &mut Exec<'_, '_>, call: &Call) -> Result<Reply, ApiError> {
    let body = call.json_object()?;
    let operation = job_text(&body, "operation")
        .and_then(Operation::parse)
        .filter(|o| o.is_query())
        .ok_or_else(|| {
            bad_request(
                "INVALIDJOB",
                "InvalidJob : Operation must be one of query, queryAll",
            )
        })?;
    let text = job_text(&body, "query")
        .filter(|q| !q.trim().is_empty())
        .ok_or_else(|| bad_request("MALFORMED_QUERY", "A query string has to be specified"))?;
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
    let parsed = soql::parse(text).map_err(soql_error)?;
    let opts = ExecOptions {
        include_deleted: operation == Operation::QueryAll,
        now: exec.state.clock.now(),
        api_version: call.version.clone(),
        tooling: false,
    };
    let output = exec
        .read(|org| soql::execute(org, &parsed, &opts))
        .map_err(soql_error)?;
    let (headers, rows) = soql::flatten(&parsed, &output);
    let object = output
        .entity_type
        .clone()
        .unwrap_or_else(|| parsed.from.name.clone());
    let now = exec.state.clock.now();
    let mut store = exec.state.bulk_jobs.lock();
    let job = Job {
        id: store.mint_id(),
        operation,
        object,
        external_id: None,
        created_by: call.user_id.clone(),
        created: now,
        modstamp: now,
        state: JobState::UploadComplete,
        version: call.version.clone(),
        delimiter,
        line_ending,
        uploads: Vec::new(),
        processed: rows.len() as u64,
        failed: 0,
        error_message: None,
        processing_ms: 0,
        ingest: None,
        query: Some(Arc::new(Table { headers, rows })),
    };
    let info = job.info();
    store.insert(job);
    Ok(Reply::ok(info))
}

/// Complete a query job that is still `UploadComplete` (called on every read of it).
pub fn settle(job: &mut Job, exec: &Exec<'_, '_>) {
    if job.operation.is_query() && job.state == JobState::UploadComplete {
        job.set_state(JobState::JobComplete, exec.state.clock.now());
    }
}

/// `GET jobs/query/{id}/results?maxRecords=N&locator=L`.
pub fn results(exec: &Exec<'_, '_>, call: &Call, id: &str) -> Result<Reply, ApiError> {
    let (table, delimiter, line_ending) = {
        let mut store = exec.state.bulk_jobs.lock();
        let job = store.get_mut(Kind::Query, id)?;
        settle(job, exec);
        if job.state != JobState::JobComplete {
            return Err(wrong_state("get results of", job.state));
        }
        let table = job
            .query
            .clone()
            .ok_or_else(|| super::jobs::internal("query job without results"))?;
        (table, job.delimiter, job.line_ending)
    };
    let max = match call.param("maxRecords") {
        None | Some("") => None,
        Some(n) => Some(n.parse::<usize>().ok().filter(|n| *n > 0).ok_or_else(|| {
            bad_request("INVALIDREQUEST", "maxRecords must be a positive integer")
        })?),
    };
    let offset = match call.param("locator") {
        None | Some("") | Some("null") => 0,
        Some(loc) => decode_locator(loc)
            .filter(|o| *o <= table.rows.len())
            .ok_or_else(|| bad_request("INVALID_QUERY_LOCATOR", "invalid query locator"))?,
    };
    let end = max.map_or(table.rows.len(), |m| (offset + m).min(table.rows.len()));
    let page = &table.rows[offset..end];
    let next = if end < table.rows.len() {
        encode_locator(end)
    } else {
        "null".to_owned()
    };
    let bytes = bulk_csv::write(
        &table.headers,
        page.iter().map(|r| r.iter().map(String::as_str)),
        delimiter,
        line_ending,
    )?;
    Ok(csv_reply(bytes)
        .with_header(LOCATOR.clone(), next)
        .with_header(NUMBER_OF_RECORDS.clone(), page.len().to_string()))
}

fn encode_locator(offset: usize) -> String {
    STANDARD_NO_PAD.encode(offset.to_string())
}

fn decode_locator(locator: &str) -> Option<usize> {
    let bytes = STANDARD_NO_PAD.decode(locator.trim_end_matches('=')).ok()?;
    std::str::from_utf8(&bytes).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locators_are_base64_offsets_like_salesforce() {
        assert_eq!(encode_locator(10000), "MTAwMDA");
        assert_eq!(decode_locator("MTAwMDA"), Some(10000));
        assert_eq!(decode_locator("MTAwMDA="), Some(10000));
        assert_eq!(decode_locator("not a locator"), None);
    }
}
