//! `GET limits` (salesforce-api.md §10): the org's allowances with `DailyApiRequests` carrying
//! per-connected-app sub-objects beside `Max`/`Remaining`.

use serde_json::{Map, Value, json};

use super::errors::ApiError;
use super::reply::Reply;
use super::state::EmulatorState;

/// Fixed allowances reported beside the API counters (values of a real Enterprise org).
const STATIC_LIMITS: &[(&str, u64)] = &[
    ("ConcurrentAsyncGetReportInstances", 200),
    ("ConcurrentSyncReportRuns", 20),
    ("DailyAsyncApexExecutions", 250_000),
    ("DailyBulkV2QueryFileStorageMB", 976_562),
    ("DailyBulkV2QueryJobs", 10_000),
    ("DailyDurableGenericStreamingApiEvents", 10_000),
    ("DailyDurableStreamingApiEvents", 10_000),
    ("DailyGenericStreamingApiEvents", 10_000),
    ("DailyStreamingApiEvents", 10_000),
    ("DailyWorkflowEmails", 390),
    ("DataStorageMB", 1024),
    ("DurableStreamingApiConcurrentClients", 20),
    ("FileStorageMB", 2048),
    ("HourlyAsyncReportRuns", 1200),
    ("HourlyDashboardRefreshes", 200),
    ("HourlyDashboardResults", 5000),
    ("HourlyDashboardStatuses", 999_999_999),
    ("HourlyODataCallout", 10_000),
    ("HourlySyncReportRuns", 500),
    ("HourlyTimeBasedWorkflow", 50),
    ("MassEmail", 10),
    ("SingleEmail", 15),
    ("StreamingApiConcurrentClients", 20),
];

fn pair(max: u64, remaining: u64) -> Value {
    json!({"Max": max, "Remaining": remaining})
}

/// The `/limits` document.
pub fn document(state: &EmulatorState) -> Value {
    let max = state.daily_allowance();
    let used = state.journal.api_usage();
    let bulk_used = state.journal.count(super::journal::CallClass::Bulk);
    let mut m = Map::new();
    for (k, v) in STATIC_LIMITS {
        m.insert((*k).to_owned(), pair(*v, *v));
    }
    let mut daily = Map::new();
    daily.insert("Max".into(), json!(max));
    daily.insert("Remaining".into(), json!(max.saturating_sub(used)));
    for app in [
        "Ant Migration Tool",
        "Dataloader Bulk",
        "Dataloader Partner",
        "Workbench",
        "orgsync",
    ] {
        daily.insert(app.to_owned(), pair(0, 0));
    }
    m.insert("DailyApiRequests".into(), Value::Object(daily));
    m.insert(
        "DailyBulkApiRequests".into(),
        pair(15_000, 15_000u64.saturating_sub(bulk_used)),
    );
    let mut sorted: Vec<(String, Value)> = m.into_iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    Value::Object(sorted.into_iter().collect())
}

/// `GET limits`.
pub fn get(state: &EmulatorState) -> Result<Reply, ApiError> {
    Ok(Reply::ok(document(state)))
}
