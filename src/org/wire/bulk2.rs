//! Bulk API 2.0 job info, reference §12: `apiVersion` is a number, `contentUrl` has no leading
//! slash, states run `Open → UploadComplete → InProgress → JobComplete | Failed | Aborted`.

use serde::Deserialize;

use super::lenient::{count, null_default, opt_text};
use crate::org::sensitive::Sensitive;

/// A Bulk 2.0 job state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
pub enum JobState {
    /// Accepting the CSV upload (ingest only).
    #[default]
    Open,
    /// Upload closed, queued.
    UploadComplete,
    /// Being processed.
    InProgress,
    /// Done; results can be read.
    JobComplete,
    /// Failed; see `errorMessage`.
    Failed,
    /// Aborted by a client.
    Aborted,
    /// A state this client does not know.
    #[serde(other)]
    Unknown,
}

impl JobState {
    /// `JobComplete`, `Failed` or `Aborted`.
    pub fn is_final(self) -> bool {
        matches!(self, Self::JobComplete | Self::Failed | Self::Aborted)
    }
}

/// Job info returned by create, status and close calls.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkJobInfo {
    /// Job id (`750...`).
    #[serde(default, deserialize_with = "null_default")]
    pub id: String,
    /// `insert`, `update`, `upsert`, `delete`, `hardDelete`, `query`, `queryAll`.
    #[serde(default, deserialize_with = "null_default")]
    pub operation: String,
    /// Object API name (ingest).
    #[serde(default)]
    pub object: Option<String>,
    /// Current state.
    #[serde(default)]
    pub state: JobState,
    /// Upsert key.
    #[serde(default)]
    pub external_id_field_name: Option<String>,
    /// `V2Ingest` or `V2Query`.
    #[serde(default)]
    pub job_type: Option<String>,
    /// API version (a JSON number in real responses).
    #[serde(default, deserialize_with = "opt_text")]
    pub api_version: Option<String>,
    /// Upload URL, without a leading slash.
    #[serde(default)]
    pub content_url: Option<String>,
    /// `LF` or `CRLF`.
    #[serde(default)]
    pub line_ending: Option<String>,
    /// `COMMA`, `TAB`, ...
    #[serde(default)]
    pub column_delimiter: Option<String>,
    /// Rows processed so far.
    #[serde(default, deserialize_with = "count")]
    pub number_records_processed: u64,
    /// Rows that failed.
    #[serde(default, deserialize_with = "count")]
    pub number_records_failed: u64,
    /// Salesforce's retries of this job.
    #[serde(default, deserialize_with = "count")]
    pub retries: u64,
    /// Why the job failed; may quote data.
    #[serde(default)]
    pub error_message: Option<Sensitive<String>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_job_info_parses() {
        let j: BulkJobInfo = serde_json::from_str(
            r#"{"id":"7506g00000DhRA2AAN","operation":"insert","object":"Account","createdById":"0056g000005HQPyAAO",
            "createdDate":"2018-12-18T22:51:36.000+0000","systemModstamp":"2018-12-18T22:51:58.000+0000",
            "state":"Open","concurrencyMode":"Parallel","contentType":"CSV","apiVersion":60,"jobType":"V2Ingest",
            "contentUrl":"services/data/v60.0/jobs/ingest/7506g00000DhRA2AAN/batches","lineEnding":"LF",
            "columnDelimiter":"COMMA","numberRecordsProcessed":0,"numberRecordsFailed":0,"retries":0,
            "totalProcessingTime":0,"apiActiveProcessingTime":0,"apexProcessingTime":0}"#,
        )
        .unwrap();
        assert_eq!(j.state, JobState::Open);
        assert_eq!(j.api_version.as_deref(), Some("60"));
        assert!(j.content_url.unwrap().starts_with("services/"));
        let done: BulkJobInfo = serde_json::from_str(
            r#"{"id":"750","state":"JobComplete","numberRecordsProcessed":"12"}"#,
        )
        .unwrap();
        assert!(done.state.is_final());
        assert_eq!(done.number_records_processed, 12);
        let odd: BulkJobInfo = serde_json::from_str(r#"{"id":"750","state":"Paused"}"#).unwrap();
        assert_eq!(odd.state, JobState::Unknown);
    }
}
