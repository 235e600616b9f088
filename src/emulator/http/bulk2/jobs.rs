//! The job store: every Bulk API 2.0 job of one emulator, its state machine
//! (`Open → UploadComplete → InProgress → JobComplete | Failed | Aborted`, salesforce-api.md
//! §12.3) and its job-info JSON.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::csv::{Delimiter, LineEnding, Table};
use super::ingest_rows::IngestOutcome;
use crate::emulator::http::call::bad_request;
use crate::emulator::http::errors::ApiError;
use crate::emulator::http::wire::wire_datetime;
use crate::emulator::model::ids::IdGenerator;

/// Jobs listed per page of `GET jobs/ingest` / `GET jobs/query`.
pub const LIST_PAGE: usize = 1000;

/// A job state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobState {
    /// Accepting the CSV upload (ingest only).
    Open,
    /// Closed by the client, not yet processed.
    UploadComplete,
    /// Being processed.
    InProgress,
    /// Processed; results can be read.
    JobComplete,
    /// Could not be processed (`errorMessage` says why).
    Failed,
    /// Aborted by the client.
    Aborted,
}

impl JobState {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "Open",
            Self::UploadComplete => "UploadComplete",
            Self::InProgress => "InProgress",
            Self::JobComplete => "JobComplete",
            Self::Failed => "Failed",
            Self::Aborted => "Aborted",
        }
    }

    /// The word Salesforce uses in "Aborting already Completed Job not allowed".
    fn adjective(self) -> &'static str {
        match self {
            Self::JobComplete => "Completed",
            other => other.as_str(),
        }
    }
}

/// What a job does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// Ingest: insert rows.
    Insert,
    /// Ingest: update rows by `Id`.
    Update,
    /// Ingest: upsert rows by `externalIdFieldName`.
    Upsert,
    /// Ingest: soft-delete rows by `Id`.
    Delete,
    /// Ingest: delete rows for good.
    HardDelete,
    /// Query live rows.
    Query,
    /// Query live and deleted rows.
    QueryAll,
}

impl Operation {
    /// The operation named in a job request.
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "insert" => Self::Insert,
            "update" => Self::Update,
            "upsert" => Self::Upsert,
            "delete" => Self::Delete,
            "hardDelete" => Self::HardDelete,
            "query" => Self::Query,
            "queryAll" => Self::QueryAll,
            _ => return None,
        })
    }

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Insert => "insert",
            Self::Update => "update",
            Self::Upsert => "upsert",
            Self::Delete => "delete",
            Self::HardDelete => "hardDelete",
            Self::Query => "query",
            Self::QueryAll => "queryAll",
        }
    }

    /// `query` or `queryAll`.
    pub fn is_query(self) -> bool {
        matches!(self, Self::Query | Self::QueryAll)
    }
}

/// One job.
#[derive(Debug, Clone)]
pub struct Job {
    /// `750…`.
    pub id: String,
    /// What it does.
    pub operation: Operation,
    /// The object (for query jobs, the `FROM` object).
    pub object: String,
    /// The upsert key.
    pub external_id: Option<String>,
    /// The user who created it.
    pub created_by: String,
    /// Creation time.
    pub created: DateTime<Utc>,
    /// Last state change.
    pub modstamp: DateTime<Utc>,
    /// Current state.
    pub state: JobState,
    /// The API version it was created with (`59.0`).
    pub version: String,
    /// CSV column delimiter.
    pub delimiter: Delimiter,
    /// CSV line ending.
    pub line_ending: LineEnding,
    /// Every CSV upload (Salesforce accepts one; more fail the close).
    pub uploads: Vec<Bytes>,
    /// Rows processed (failed ones included).
    pub processed: u64,
    /// Rows that failed.
    pub failed: u64,
    /// Why the job failed.
    pub error_message: Option<String>,
    /// Milliseconds spent processing.
    pub processing_ms: u64,
    /// Ingest input and per-row outcomes, once processing started.
    pub ingest: Option<Arc<IngestOutcome>>,
    /// Query result columns and rows.
    pub query: Option<Arc<Table>>,
}

impl Job {
    /// The job-info JSON, with every key of the reference's example (§12.1): `apiVersion` is a
    /// number, `contentUrl` (ingest only) has no leading slash.
    pub fn info(&self) -> Value {
        let mut m = Map::new();
        m.insert("id".into(), json!(self.id));
        m.insert("operation".into(), json!(self.operation.as_str()));
        m.insert("object".into(), json!(self.object));
        m.insert("createdById".into(), json!(self.created_by));
        m.insert("createdDate".into(), json!(wire_datetime(self.created)));
        m.insert("systemModstamp".into(), json!(wire_datetime(self.modstamp)));
        m.insert("state".into(), json!(self.state.as_str()));
        if let Some(ext) = &self.external_id {
            m.insert("externalIdFieldName".into(), json!(ext));
        }
        m.insert("concurrencyMode".into(), json!("Parallel"));
        m.insert("contentType".into(), json!("CSV"));
        let version: f64 = self.version.parse().unwrap_or(0.0);
        m.insert("apiVersion".into(), json!(version));
        if self.operation.is_query() {
            m.insert("jobType".into(), json!("V2Query"));
        } else {
            m.insert("jobType".into(), json!("V2Ingest"));
            m.insert(
                "contentUrl".into(),
                json!(format!(
                    "services/data/v{}/jobs/ingest/{}/batches",
                    self.version, self.id
                )),
            );
        }
        m.insert("lineEnding".into(), json!(self.line_ending.name()));
        m.insert("columnDelimiter".into(), json!(self.delimiter.name()));
        m.insert("numberRecordsProcessed".into(), json!(self.processed));
        if !self.operation.is_query() {
            m.insert("numberRecordsFailed".into(), json!(self.failed));
        }
        m.insert("retries".into(), json!(0));
        m.insert("totalProcessingTime".into(), json!(self.processing_ms));
        if !self.operation.is_query() {
            m.insert("apiActiveProcessingTime".into(), json!(self.processing_ms));
            m.insert("apexProcessingTime".into(), json!(0));
        }
        if let Some(msg) = &self.error_message {
            m.insert("errorMessage".into(), json!(msg));
        }
        Value::Object(m)
    }

    /// Move to `state` at `now`.
    pub fn set_state(&mut self, state: JobState, now: DateTime<Utc>) {
        self.state = state;
        self.modstamp = now;
    }
}

/// 400 `INVALIDJOBSTATE` for aborting a job that already finished. The text is Salesforce's
/// ("Aborting already Completed Job not allowed", seen in restforce/restforce#905).
pub fn cannot_abort(state: JobState) -> ApiError {
    bad_request(
        "INVALIDJOBSTATE",
        format!("Aborting already {} Job not allowed", state.adjective()),
    )
}

/// 400 `INVALIDJOBSTATE` for closing a job that is no longer `Open` (modelled on the abort
/// message; the exact text is unverified).
pub fn cannot_close(state: JobState) -> ApiError {
    bad_request(
        "INVALIDJOBSTATE",
        format!("Closing already {} Job not allowed", state.adjective()),
    )
}

/// 400 `INVALIDJOBSTATE` for a state change Salesforce does not offer (unverified text).
pub fn invalid_state_change(asked: &str) -> ApiError {
    bad_request(
        "INVALIDJOBSTATE",
        format!("Invalid job state specified for update: {asked}"),
    )
}

/// 400 `INVALIDJOBSTATE` for an action the job's state does not allow (unverified text).
pub fn wrong_state(action: &str, state: JobState) -> ApiError {
    bad_request(
        "INVALIDJOBSTATE",
        format!("Unable to {action} a job in state {}", state.as_str()),
    )
}

/// Which list a job belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `jobs/ingest`.
    Ingest,
    /// `jobs/query`.
    Query,
}

impl Kind {
    /// The path segment.
    pub fn segment(self) -> &'static str {
        match self {
            Self::Ingest => "ingest",
            Self::Query => "query",
        }
    }

    fn holds(self, job: &Job) -> bool {
        job.operation.is_query() == (self == Self::Query)
    }
}

/// Every job of one emulator, in creation order.
#[derive(Debug)]
pub struct JobStore {
    jobs: HashMap<String, Job>,
    order: Vec<String>,
    ids: IdGenerator,
}

impl JobStore {
    /// An empty store; job IDs are minted from a generator seeded by the org ID, so two
    /// emulators never hand out the same job ID.
    pub fn new(org_id: &str) -> Self {
        let seed = org_id
            .bytes()
            .fold(7u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
        Self {
            jobs: HashMap::new(),
            order: Vec::new(),
            ids: IdGenerator::new(seed),
        }
    }

    /// A new job ID (`750…`).
    pub fn mint_id(&mut self) -> String {
        self.ids.next_id("750")
    }

    /// Keep `job`.
    pub fn insert(&mut self, job: Job) {
        self.order.push(job.id.clone());
        self.jobs.insert(job.id.clone(), job);
    }

    /// The job `id` of `kind`, or 404 `NOT_FOUND`.
    pub fn get(&self, kind: Kind, id: &str) -> Result<&Job, ApiError> {
        self.jobs
            .get(id)
            .filter(|j| kind.holds(j))
            .ok_or_else(ApiError::not_found)
    }

    /// The job `id` of `kind` for changing, or 404 `NOT_FOUND`.
    pub fn get_mut(&mut self, kind: Kind, id: &str) -> Result<&mut Job, ApiError> {
        self.jobs
            .get_mut(id)
            .filter(|j| kind.holds(j))
            .ok_or_else(ApiError::not_found)
    }

    /// Forget the job `id`.
    pub fn remove(&mut self, id: &str) {
        self.jobs.remove(id);
        self.order.retain(|j| j != id);
    }

    /// A page of the jobs of `kind` from `offset`: their infos and whether more remain.
    pub fn list(&self, kind: Kind, offset: usize) -> (Vec<Value>, bool) {
        let all: Vec<&Job> = self
            .order
            .iter()
            .filter_map(|id| self.jobs.get(id))
            .filter(|j| kind.holds(j))
            .collect();
        let end = (offset + LIST_PAGE).min(all.len());
        let page = all
            .get(offset..end)
            .unwrap_or_default()
            .iter()
            .map(|j| j.info())
            .collect();
        (page, end < all.len())
    }
}

/// 500 for a state the code did not expect (never on client input).
pub fn internal(what: &str) -> ApiError {
    ApiError::rest(
        StatusCode::INTERNAL_SERVER_ERROR,
        "UNKNOWN_EXCEPTION",
        what.to_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(store: &mut JobStore, op: Operation) -> Job {
        let now = Utc::now();
        Job {
            id: store.mint_id(),
            operation: op,
            object: "Account".into(),
            external_id: None,
            created_by: "005000000000001AAA".into(),
            created: now,
            modstamp: now,
            state: JobState::Open,
            version: "60.0".into(),
            delimiter: Delimiter::Comma,
            line_ending: LineEnding::Lf,
            uploads: Vec::new(),
            processed: 0,
            failed: 0,
            error_message: None,
            processing_ms: 0,
            ingest: None,
            query: None,
        }
    }

    #[test]
    fn ingest_info_has_the_reference_keys() {
        let mut s = JobStore::new("00D000000000001AAA");
        let j = job(&mut s, Operation::Insert);
        let info = j.info();
        let keys: Vec<&str> = info
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "id",
                "operation",
                "object",
                "createdById",
                "createdDate",
                "systemModstamp",
                "state",
                "concurrencyMode",
                "contentType",
                "apiVersion",
                "jobType",
                "contentUrl",
                "lineEnding",
                "columnDelimiter",
                "numberRecordsProcessed",
                "numberRecordsFailed",
                "retries",
                "totalProcessingTime",
                "apiActiveProcessingTime",
                "apexProcessingTime"
            ]
        );
        assert!(info["apiVersion"].is_number());
        assert!(j.id.starts_with("750") && j.id.len() == 18);
        assert_eq!(
            info["contentUrl"],
            format!("services/data/v60.0/jobs/ingest/{}/batches", j.id)
        );
    }

    #[test]
    fn lists_are_per_kind_and_paged() {
        let mut s = JobStore::new("00D000000000001AAA");
        for _ in 0..(LIST_PAGE + 1) {
            let j = job(&mut s, Operation::Insert);
            s.insert(j);
        }
        let q = job(&mut s, Operation::Query);
        let qid = q.id.clone();
        s.insert(q);
        let (page, more) = s.list(Kind::Ingest, 0);
        assert_eq!((page.len(), more), (LIST_PAGE, true));
        let (page, more) = s.list(Kind::Ingest, LIST_PAGE);
        assert_eq!((page.len(), more), (1, false));
        assert_eq!(s.list(Kind::Query, 0).0.len(), 1);
        assert!(s.get(Kind::Ingest, &qid).is_err());
        s.remove(&qid);
        assert!(s.get(Kind::Query, &qid).is_err());
    }

    #[test]
    fn abort_messages_name_the_state_like_salesforce() {
        let e = cannot_abort(JobState::JobComplete);
        assert_eq!(e.code(), "INVALIDJOBSTATE");
        assert_eq!(
            e.body()[0]["message"],
            "Aborting already Completed Job not allowed"
        );
    }
}
