//! Composite (`POST /composite`) responses, reference §8.2: always HTTP 200, one subresponse per
//! subrequest with its own status and a body that is a result object or an error array.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use super::errors::ApiErrorItem;
use super::lenient::{count, null_default};
use super::results::SaveResult;

/// The whole composite response.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompositeResponse {
    /// Subresponses in request order.
    #[serde(default, deserialize_with = "null_default")]
    pub composite_response: Vec<CompositeSubresponse>,
}

/// One subresponse.
#[derive(Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompositeSubresponse {
    /// Result body (record, save result, query page) or an error array.
    #[serde(default)]
    pub body: Value,
    /// Response headers such as `Location`.
    #[serde(default, deserialize_with = "null_default")]
    pub http_headers: BTreeMap<String, String>,
    /// HTTP status of this subrequest.
    #[serde(default, deserialize_with = "count")]
    pub http_status_code: u64,
    /// The subrequest's `referenceId`.
    #[serde(default, deserialize_with = "null_default")]
    pub reference_id: String,
}

impl std::fmt::Debug for CompositeSubresponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompositeSubresponse")
            .field("reference_id", &self.reference_id)
            .field("http_status_code", &self.http_status_code)
            .field(
                "error_codes",
                &self
                    .errors()
                    .iter()
                    .map(|e| e.error_code.clone())
                    .collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

impl CompositeSubresponse {
    /// 2xx status.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.http_status_code)
    }

    /// The error items when the body is an error array (empty otherwise).
    pub fn errors(&self) -> Vec<ApiErrorItem> {
        if self.is_success() {
            return Vec::new();
        }
        serde_json::from_value(self.body.clone()).unwrap_or_default()
    }

    /// The body read as a save result (create/upsert subrequests).
    pub fn save_result(&self) -> Option<SaveResult> {
        serde_json::from_value(self.body.clone()).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> CompositeResponse {
        let text = std::fs::read_to_string(format!(
            "{}/../shared/fixtures/salesforce/camel/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        serde_json::from_str(&text).unwrap()
    }

    #[test]
    fn success_fixture() {
        let r = fixture("composite-response-success.json");
        assert_eq!(r.composite_response.len(), 2);
        let first = &r.composite_response[0];
        assert!(first.is_success());
        assert_eq!(first.http_status_code, 201);
        assert_eq!(first.reference_id, "NewPayment1");
        assert_eq!(
            first.save_result().unwrap().id.as_deref(),
            Some("a1V3E000000EXomUAM")
        );
        assert!(first.http_headers["Location"].ends_with("a1V3E000000EXomUAM"));
    }

    #[test]
    fn failure_fixture() {
        let r = fixture("composite-response-failure.json");
        let codes: Vec<_> = r
            .composite_response
            .iter()
            .map(|s| s.errors()[0].error_code.clone())
            .collect();
        assert_eq!(codes, ["PROCESSING_HALTED", "INVALID_FIELD"]);
        assert!(r.composite_response.iter().all(|s| !s.is_success()));
        assert!(!format!("{:?}", r.composite_response[1]).contains("0116"));
    }
}
