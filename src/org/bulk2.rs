//! Bulk API 2.0 (reference §12): ingest jobs (create → upload CSV → close → poll → results)
//! and query jobs (create → poll → result pages chained by `Sforce-Locator` until the literal
//! `null`).

use std::fmt;
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde_json::json;

use crate::org::OrgClient;
use crate::org::error::OrgError;
use crate::org::http::{Body, Call};
use crate::org::usage::CallClass;
use crate::org::wire::{BulkJobInfo, JobState};

/// An ingest operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum IngestOperation {
    /// Insert rows.
    Insert,
    /// Update rows by `Id`.
    Update,
    /// Upsert rows by an external id field.
    Upsert,
    /// Soft-delete rows by `Id`.
    Delete,
    /// Delete bypassing the recycle bin.
    HardDelete,
}

/// What an ingest job should do.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IngestJobRequest {
    /// Object API name.
    pub object: String,
    /// Operation.
    pub operation: IngestOperation,
    /// Upsert key (upsert only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id_field_name: Option<String>,
    /// Always `CSV`.
    pub content_type: &'static str,
    /// `LF`.
    pub line_ending: &'static str,
    /// `COMMA`.
    pub column_delimiter: &'static str,
}

impl IngestJobRequest {
    /// A CSV job with LF line endings and comma delimiters.
    pub fn new(
        object: &str,
        operation: IngestOperation,
        external_id_field_name: Option<&str>,
    ) -> Self {
        Self {
            object: object.to_owned(),
            operation,
            external_id_field_name: external_id_field_name.map(str::to_owned),
            content_type: "CSV",
            line_ending: "LF",
            column_delimiter: "COMMA",
        }
    }
}

/// How to wait for a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollSettings {
    /// Sleep between status checks.
    pub interval: Duration,
    /// Status checks before giving up with [`OrgError::PollTimeout`].
    pub max_polls: u32,
}

impl Default for PollSettings {
    /// Every 2 s for up to 30 minutes.
    fn default() -> Self {
        Self {
            interval: Duration::from_secs(2),
            max_polls: 900,
        }
    }
}

/// Which ingest result set to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IngestResults {
    /// `successfulResults`: `sf__Id`, `sf__Created`, input columns.
    Successful,
    /// `failedResults`: `sf__Id`, `sf__Error`, input columns.
    Failed,
    /// `unprocessedrecords`: input columns.
    Unprocessed,
}

/// A CSV result set. `Debug` shows the header and row count, never values.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct CsvTable {
    /// Column names.
    pub headers: Vec<String>,
    /// Rows, each as long as `headers`.
    pub rows: Vec<Vec<String>>,
}

impl fmt::Debug for CsvTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CsvTable")
            .field("headers", &self.headers)
            .field("rows", &self.rows.len())
            .finish()
    }
}

impl CsvTable {
    /// Parses CSV with a header row.
    pub fn parse(text: &[u8]) -> Result<Self, OrgError> {
        let bad = || OrgError::Decode {
            what: "bulk CSV",
            detail: "not valid CSV".into(),
        };
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(text);
        let headers = reader
            .headers()
            .map_err(|_| bad())?
            .iter()
            .map(str::to_owned)
            .collect();
        let mut rows = Vec::new();
        for record in reader.records() {
            rows.push(
                record
                    .map_err(|_| bad())?
                    .iter()
                    .map(str::to_owned)
                    .collect(),
            );
        }
        Ok(Self { headers, rows })
    }

    /// The index of a column.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }

    /// A cell by row and column name.
    pub fn cell(&self, row: usize, column: &str) -> Option<&str> {
        let c = self.column(column)?;
        self.rows.get(row)?.get(c).map(String::as_str)
    }

    fn append(&mut self, mut page: CsvTable) {
        if self.headers.is_empty() {
            self.headers = std::mem::take(&mut page.headers);
        }
        self.rows.append(&mut page.rows);
    }
}

impl OrgClient {
    fn jobs(&self, method: Method, tail: &str) -> Call {
        Call::new(
            method,
            format!("{}/jobs{tail}", self.data_path()),
            CallClass::Bulk,
        )
    }

    /// `POST /jobs/ingest`. Not idempotent (a repeat would open a second job).
    pub async fn create_ingest_job(
        &self,
        request: &IngestJobRequest,
    ) -> Result<BulkJobInfo, OrgError> {
        self.send(&self.jobs(Method::POST, "/ingest").json(request)?)
            .await?
            .json("bulk job")
    }

    /// `PUT /jobs/ingest/{id}/batches` with the CSV (header row first); Salesforce answers 201.
    pub async fn upload_job_data(&self, job_id: &str, csv: Vec<u8>) -> Result<(), OrgError> {
        let call = self
            .jobs(Method::PUT, &format!("/ingest/{job_id}/batches"))
            .body(Body::Raw {
                content_type: "text/csv",
                bytes: csv,
            });
        let response = self.send(&call).await?;
        if response.status == StatusCode::CREATED || response.status == StatusCode::OK {
            Ok(())
        } else {
            Err(OrgError::Http {
                status: response.status.as_u16(),
            })
        }
    }

    async fn set_ingest_state(&self, job_id: &str, state: &str) -> Result<BulkJobInfo, OrgError> {
        let call = self
            .jobs(Method::PATCH, &format!("/ingest/{job_id}"))
            .json(&json!({ "state": state }))?;
        self.send(&call).await?.json("bulk job")
    }

    /// Closes the upload (`UploadComplete`): Salesforce starts processing.
    pub async fn close_ingest_job(&self, job_id: &str) -> Result<BulkJobInfo, OrgError> {
        self.set_ingest_state(job_id, "UploadComplete").await
    }

    /// Aborts a job.
    pub async fn abort_ingest_job(&self, job_id: &str) -> Result<BulkJobInfo, OrgError> {
        self.set_ingest_state(job_id, "Aborted").await
    }

    /// `GET /jobs/ingest/{id}` or `/jobs/query/{id}`.
    pub async fn bulk_job_info(&self, job_id: &str, query: bool) -> Result<BulkJobInfo, OrgError> {
        let kind = if query { "query" } else { "ingest" };
        self.send(&self.jobs(Method::GET, &format!("/{kind}/{job_id}")))
            .await?
            .json("bulk job")
    }

    /// Polls until the job is final; `Failed`/`Aborted` become [`OrgError::JobFailed`].
    pub async fn wait_for_bulk_job(
        &self,
        job_id: &str,
        query: bool,
        poll: PollSettings,
    ) -> Result<BulkJobInfo, OrgError> {
        let what = if query {
            "bulk query job"
        } else {
            "bulk ingest job"
        };
        for n in 0..poll.max_polls {
            if n > 0 {
                tokio::time::sleep(poll.interval).await;
            }
            let info = self.bulk_job_info(job_id, query).await?;
            match info.state {
                JobState::JobComplete => return Ok(info),
                JobState::Failed | JobState::Aborted => {
                    return Err(OrgError::JobFailed {
                        what,
                        id: job_id.to_owned(),
                        state: format!("{:?}", info.state),
                        message: info.error_message.unwrap_or_default(),
                    });
                }
                _ => {}
            }
        }
        Err(OrgError::PollTimeout {
            what,
            id: job_id.to_owned(),
            polls: poll.max_polls,
        })
    }

    /// Reads one ingest result set as CSV.
    pub async fn ingest_results(
        &self,
        job_id: &str,
        which: IngestResults,
    ) -> Result<CsvTable, OrgError> {
        let leaf = match which {
            IngestResults::Successful => "successfulResults",
            IngestResults::Failed => "failedResults",
            IngestResults::Unprocessed => "unprocessedrecords",
        };
        let call = self
            .jobs(Method::GET, &format!("/ingest/{job_id}/{leaf}"))
            .header("Accept", "text/csv");
        CsvTable::parse(&self.send(&call).await?.body)
    }

    /// Runs a whole ingest job: create, upload, close, wait. Returns the final job info.
    pub async fn run_ingest_job(
        &self,
        request: &IngestJobRequest,
        csv: Vec<u8>,
        poll: PollSettings,
    ) -> Result<BulkJobInfo, OrgError> {
        let job = self.create_ingest_job(request).await?;
        self.upload_job_data(&job.id, csv).await?;
        self.close_ingest_job(&job.id).await?;
        self.wait_for_bulk_job(&job.id, false, poll).await
    }

    /// `POST /jobs/query` (`queryAll` with `include_deleted`).
    pub async fn create_query_job(
        &self,
        soql: &str,
        include_deleted: bool,
    ) -> Result<BulkJobInfo, OrgError> {
        let body = json!({
            "operation": if include_deleted { "queryAll" } else { "query" },
            "query": soql,
            "contentType": "CSV",
            "columnDelimiter": "COMMA",
            "lineEnding": "LF",
        });
        self.send(&self.jobs(Method::POST, "/query").json(&body)?)
            .await?
            .json("bulk job")
    }

    /// Reads every result page of a finished query job, following `Sforce-Locator` until it is
    /// missing, empty or the literal string `null`.
    pub async fn query_job_results(
        &self,
        job_id: &str,
        max_records: Option<u32>,
    ) -> Result<CsvTable, OrgError> {
        let mut table = CsvTable::default();
        let mut locator: Option<String> = None;
        loop {
            let mut call = self
                .jobs(Method::GET, &format!("/query/{job_id}/results"))
                .header("Accept", "text/csv");
            if let Some(max) = max_records {
                call = call.query("maxRecords", max.to_string());
            }
            if let Some(l) = &locator {
                call = call.query("locator", l.clone());
            }
            let response = self.send(&call).await?;
            table.append(CsvTable::parse(&response.body)?);
            match response.header("Sforce-Locator").map(str::trim) {
                Some(next) if !next.is_empty() && next != "null" => locator = Some(next.to_owned()),
                _ => return Ok(table),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_tables_parse_and_hide_values_in_debug() {
        let t =
            CsvTable::parse(b"\"sf__Id\",\"sf__Created\",Name\n001A,true,\"Acme, Inc\"\n").unwrap();
        assert_eq!(t.headers, ["sf__Id", "sf__Created", "Name"]);
        assert_eq!(t.cell(0, "Name"), Some("Acme, Inc"));
        assert!(!format!("{t:?}").contains("Acme"));
    }

    #[test]
    fn job_request_serialises_like_the_reference() {
        let r = IngestJobRequest::new("Account", IngestOperation::Upsert, Some("Ext__c"));
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["operation"], "upsert");
        assert_eq!(v["externalIdFieldName"], "Ext__c");
        assert_eq!(v["contentType"], "CSV");
        let d = serde_json::to_value(IngestJobRequest::new(
            "A",
            IngestOperation::HardDelete,
            None,
        ))
        .unwrap();
        assert_eq!(d["operation"], "hardDelete");
        assert!(d.get("externalIdFieldName").is_none());
    }
}
