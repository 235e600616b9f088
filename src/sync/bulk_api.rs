//! Large volumes of inserts through one Bulk API 2.0 upsert job on the key field instead of
//! sObject Collections: a job costs a handful of API calls (create, upload, close, a few polls,
//! results) however many rows it carries, where collections cost one call per 200 rows. Results
//! are matched back to their rows by the key field's value (the source record's ID), which the
//! result files repeat. Failure texts are reduced to their error code (they may quote values).

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::Value;

use crate::org::bulk2::{IngestJobRequest, IngestOperation, IngestResults, PollSettings};
use crate::org::{OrgClient, OrgError};

use super::retry::Failure;

/// Inserts at or above this many rows in one wave go through a Bulk API 2.0 job.
pub const THRESHOLD: usize = 2000;

fn cell(v: Option<&Value>) -> String {
    match v {
        None => String::new(),
        Some(Value::Null) => "#N/A".to_owned(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Number(n)) => n.to_string(),
        Some(other) => other.to_string(),
    }
}

/// The CSV of `rows` (every column any row has; a row without a column leaves it unset).
pub fn csv(rows: &[&serde_json::Map<String, Value>]) -> Result<(Vec<String>, Vec<u8>), csv::Error> {
    let mut columns: Vec<String> = rows.iter().flat_map(|r| r.keys().cloned()).collect();
    columns.sort();
    columns.dedup();
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    w.write_record(&columns)?;
    for r in rows {
        w.write_record(columns.iter().map(|c| cell(r.get(c))))?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?;
    Ok((columns, bytes))
}

/// The error code of a `sf__Error` text (`REQUIRED_FIELD_MISSING:Required fields are missing…`).
fn code(error: &str) -> String {
    let code = error.split(':').next().unwrap_or_default().trim();
    if !code.is_empty() && code.bytes().all(|b| b.is_ascii_uppercase() || b == b'_') {
        code.to_owned()
    } else {
        "BULK_ROW_FAILED".to_owned()
    }
}

/// Upsert `rows` on `key_field` in one job; one result per row, in order: the record's ID, or
/// why it failed.
pub async fn upsert(
    client: &OrgClient,
    object: &str,
    key_field: &str,
    rows: &[&serde_json::Map<String, Value>],
) -> Result<Vec<Result<String, Failure>>, OrgError> {
    let (_, body) = csv(rows).map_err(|_| OrgError::Decode {
        what: "bulk upload",
        detail: "the rows could not be written as CSV".into(),
    })?;
    let request = IngestJobRequest::new(object, IngestOperation::Upsert, Some(key_field));
    let poll = PollSettings {
        interval: Duration::from_millis(500),
        max_polls: 7200,
    };
    let job = client.run_ingest_job(&request, body, poll).await?;
    let done = client
        .ingest_results(&job.id, IngestResults::Successful)
        .await?;
    let mut by_key: BTreeMap<String, Result<String, Failure>> = BTreeMap::new();
    if let (Some(k), Some(id)) = (done.column(key_field), done.column("sf__Id")) {
        for row in &done.rows {
            if let (Some(key), Some(id)) = (row.get(k), row.get(id)) {
                by_key.insert(key.clone(), Ok(id.clone()));
            }
        }
    }
    let failed = client
        .ingest_results(&job.id, IngestResults::Failed)
        .await?;
    if let (Some(k), Some(e)) = (failed.column(key_field), failed.column("sf__Error")) {
        for row in &failed.rows {
            if let (Some(key), Some(error)) = (row.get(k), row.get(e)) {
                let code = code(error);
                by_key.insert(
                    key.clone(),
                    Err(Failure {
                        message: format!("{code} (Bulk API)"),
                        code,
                    }),
                );
            }
        }
    }
    Ok(rows
        .iter()
        .map(|r| {
            let key = r.get(key_field).and_then(Value::as_str).unwrap_or_default();
            by_key.remove(key).unwrap_or_else(|| {
                Err(Failure {
                    code: "UNPROCESSED".into(),
                    message: "not processed by the bulk job".into(),
                })
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn csv_sets_nulls_and_leaves_missing_columns_unset() {
        let a = json!({"Name": "A, \"quoted\"", "Phone": null, "K__c": "001A"});
        let b = json!({"Name": "B", "K__c": "001B", "N": 1.5});
        let (a, b) = (a.as_object().unwrap(), b.as_object().unwrap());
        let (cols, bytes) = csv(&[a, b]).unwrap();
        assert_eq!(cols, ["K__c", "N", "Name", "Phone"]);
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "K__c,N,Name,Phone\n001A,,\"A, \"\"quoted\"\"\",#N/A\n001B,1.5,B,\n"
        );
    }

    #[test]
    fn error_texts_keep_only_the_code() {
        assert_eq!(
            code("REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name --"),
            "REQUIRED_FIELD_MISSING"
        );
        assert_eq!(code("value 'secret' is bad"), "BULK_ROW_FAILED");
    }
}
