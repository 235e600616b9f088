//! The replication resources (`GET …/sobjects/{Obj}/updated` and `…/deleted`, salesforce-api.md
//! §6): which records changed or were deleted in a window.
//!
//! Rules: `start` and `end` are truncated to the minute (Salesforce ignores seconds), `start`
//! must precede `end`, the updated window reaches at most 30 days back and the deleted window
//! at most 15 days; a record counts when `start <= t < end` (`SystemModstamp` for updated, the
//! deleted date for deleted). `latestDateCovered` is `end` (capped at now), so the next poll can
//! start from it. At most 600,000 IDs per call (`EXCEEDED_ID_LIMIT`).

use chrono::{DateTime, Duration, DurationRound, Utc};
use serde_json::Value;

use super::DmlError;
use super::values::parse_datetime;
use crate::emulator::model::Org;

/// The answer of `getUpdated`.
#[derive(Debug, Clone, PartialEq)]
pub struct UpdatedIds {
    /// IDs of live records modified in the window, in ID order.
    pub ids: Vec<String>,
    /// The end of the window actually covered.
    pub latest_date_covered: DateTime<Utc>,
}

/// One entry of `getDeleted`.
#[derive(Debug, Clone, PartialEq)]
pub struct DeletedRecord {
    /// The deleted record's ID.
    pub id: String,
    /// When it was deleted.
    pub deleted_date: DateTime<Utc>,
}

/// The answer of `getDeleted`.
#[derive(Debug, Clone, PartialEq)]
pub struct DeletedRecords {
    /// Records deleted in the window, oldest first.
    pub deleted_records: Vec<DeletedRecord>,
    /// The oldest deletion the org still remembers (now − 15 days).
    pub earliest_date_available: DateTime<Utc>,
    /// The end of the window actually covered.
    pub latest_date_covered: DateTime<Utc>,
}

const MAX_IDS: usize = 600_000;

fn minute(t: DateTime<Utc>) -> DateTime<Utc> {
    t.duration_trunc(Duration::minutes(1)).unwrap_or(t)
}

fn replication_error(message: &str) -> DmlError {
    DmlError::new("INVALID_REPLICATION_DATE", message, vec![])
}

fn window(
    org: &Org,
    object: &str,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    now: DateTime<Utc>,
    days: i64,
) -> Result<(String, DateTime<Utc>, DateTime<Utc>), DmlError> {
    let def = org
        .object(object)
        .ok_or_else(|| DmlError::invalid_type(object))?;
    if !def.replicateable {
        // Code unverified: Salesforce refuses replication calls on non-replicateable objects.
        return Err(DmlError::new(
            "INVALID_TYPE",
            format!("sObject type '{}' is not replicateable", def.name),
            vec![],
        ));
    }
    let (start, end) = (minute(start), minute(end.min(now)));
    if start >= end {
        return Err(replication_error(
            "startDate must chronologically precede endDate",
        ));
    }
    if start < minute(now - Duration::days(days)) {
        return Err(replication_error(&format!(
            "startDate cannot be more than {days} days ago"
        )));
    }
    Ok((def.name.clone(), start, end))
}

impl Org {
    /// IDs of live records of `object` whose `SystemModstamp` falls in `[start, end)`.
    pub fn updated_ids(
        &self,
        object: &str,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<UpdatedIds, DmlError> {
        let (name, start, end) = window(self, object, start, end, now, 30)?;
        let ids: Vec<String> = self
            .records(&name)
            .filter(|r| !r.is_deleted())
            .filter(|r| {
                r.get("SystemModstamp")
                    .and_then(Value::as_str)
                    .and_then(parse_datetime)
                    .is_some_and(|t| t >= start && t < end)
            })
            .map(|r| r.id().to_owned())
            .collect();
        if ids.len() > MAX_IDS {
            return Err(DmlError::new(
                "EXCEEDED_ID_LIMIT",
                "record limit reached. cannot submit more than 600000 records in this operation",
                vec![],
            ));
        }
        Ok(UpdatedIds {
            ids,
            latest_date_covered: end,
        })
    }

    /// Records of `object` deleted (recycle bin, purged or hard-deleted) in `[start, end)`.
    pub fn deleted_records(
        &self,
        object: &str,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<DeletedRecords, DmlError> {
        let (name, start, end) = window(self, object, start, end, now, 15)?;
        let mut deleted: Vec<DeletedRecord> = self
            .deletions()
            .filter(|(_, d)| d.object.eq_ignore_ascii_case(&name))
            .filter(|(_, d)| d.deleted_at >= start && d.deleted_at < end)
            .map(|(id, d)| DeletedRecord {
                id: id.clone(),
                deleted_date: d.deleted_at,
            })
            .collect();
        deleted.sort_by(|a, b| (a.deleted_date, &a.id).cmp(&(b.deleted_date, &b.id)));
        if deleted.len() > MAX_IDS {
            return Err(DmlError::new(
                "EXCEEDED_ID_LIMIT",
                "record limit reached. cannot submit more than 600000 records in this operation",
                vec![],
            ));
        }
        Ok(DeletedRecords {
            deleted_records: deleted,
            earliest_date_available: minute(now - Duration::days(15)),
            latest_date_covered: end,
        })
    }
}
