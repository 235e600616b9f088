//! Save results: single-record create/upsert bodies and per-row collection results
//! (reference §7, §8.1).

use serde::Deserialize;

use super::errors::ApiErrorItem;
use super::lenient::{flag, null_default};

/// The outcome of writing one record.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SaveResult {
    /// Record id; absent for failed creates (may be present on rolled-back rows).
    #[serde(default)]
    pub id: Option<String>,
    /// Whether this record was written.
    #[serde(default, deserialize_with = "flag")]
    pub success: bool,
    /// Why not; each item uses `statusCode` in collections.
    #[serde(default, deserialize_with = "null_default")]
    pub errors: Vec<ApiErrorItem>,
    /// Upserts only: true when the record was inserted.
    #[serde(default)]
    pub created: Option<bool>,
}

impl SaveResult {
    /// A failed row that may succeed when sent again: row-lock contention and similar, or a good
    /// row rolled back because another row failed under `allOrNone`.
    pub fn is_transient_failure(&self) -> bool {
        !self.success
            && !self.errors.is_empty()
            && self
                .errors
                .iter()
                .all(|e| e.is_transient() || e.error_code == "ALL_OR_NONE_OPERATION_ROLLED_BACK")
            && self.errors.iter().any(ApiErrorItem::is_transient)
    }

    /// A good row rolled back only because another row of an `allOrNone` request failed.
    pub fn is_rolled_back(&self) -> bool {
        !self.success
            && !self.errors.is_empty()
            && self
                .errors
                .iter()
                .all(|e| e.error_code == "ALL_OR_NONE_OPERATION_ROLLED_BACK")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> String {
        std::fs::read_to_string(format!(
            "{}/../shared/fixtures/salesforce/restforce/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    #[test]
    fn create_and_upsert_fixtures() {
        let c: SaveResult =
            serde_json::from_str(&fixture("sobject__create_success_response.json")).unwrap();
        assert!(c.success);
        assert_eq!(c.id.as_deref(), Some("some_id"));
        assert!(c.errors.is_empty());
        let u: SaveResult =
            serde_json::from_str(&fixture("sobject__upsert_created_success_response.json"))
                .unwrap();
        assert_eq!(u.id.as_deref(), Some("foo"));
        assert!(fixture("sobject__upsert_updated_success_response.json").is_empty());
        let multi: Vec<String> =
            serde_json::from_str(&fixture("sobject__upsert_multiple_error_response.json")).unwrap();
        assert_eq!(multi.len(), 2);
    }

    #[test]
    fn collection_rows_with_status_codes() {
        let rows: Vec<SaveResult> = serde_json::from_str(
            r#"[{"id":"001RM000003oLnnYAE","success":true,"errors":[]},
                {"success":false,"errors":[{"statusCode":"UNABLE_TO_LOCK_ROW","message":"unable to obtain exclusive access to this record","fields":[]}]},
                {"success":false,"errors":[{"statusCode":"DUPLICATES_DETECTED","message":"Use one of these records?","fields":[]}]},
                {"id":"001x","success":false,"errors":[{"statusCode":"ALL_OR_NONE_OPERATION_ROLLED_BACK","message":"Record rolled back","fields":[]}]}]"#,
        )
        .unwrap();
        assert!(rows[0].success && !rows[0].is_transient_failure());
        assert!(rows[1].is_transient_failure());
        assert!(!rows[2].is_transient_failure());
        assert_eq!(rows[2].errors[0].error_code, "DUPLICATES_DETECTED");
        assert!(rows[3].is_rolled_back() && !rows[3].is_transient_failure());
    }
}
