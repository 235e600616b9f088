//! Salesforce error items: the REST error array `[{"message","errorCode","fields"}]` and the
//! per-record errors of sObject Collections, which say `statusCode` instead of `errorCode`
//! (reference §0.4, §8.1, §9).

use serde::Deserialize;

use crate::org::sensitive::Sensitive;

/// One Salesforce error. The message can quote record values, so it is [`Sensitive`].
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiErrorItem {
    /// `errorCode` in REST error arrays, `statusCode` in collection and bulk row results.
    #[serde(
        default,
        alias = "statusCode",
        deserialize_with = "super::lenient::null_default"
    )]
    pub error_code: String,
    /// Human text from Salesforce; may contain field values. Never shown by orgsync itself.
    #[serde(default, deserialize_with = "super::lenient::null_default")]
    pub message: Sensitive<String>,
    /// Field API names the error is about (may be absent or empty).
    #[serde(default, deserialize_with = "super::lenient::null_default")]
    pub fields: Vec<String>,
}

/// Error codes that mean "try again later": the server did not apply the change.
const TRANSIENT_CODES: &[&str] = &["UNABLE_TO_LOCK_ROW", "SERVER_UNAVAILABLE"];

impl ApiErrorItem {
    /// Whether retrying the same request later may succeed.
    ///
    /// `UNABLE_TO_LOCK_ROW` (row lock contention) and `SERVER_UNAVAILABLE` are transient.
    /// `REQUEST_LIMIT_EXCEEDED` is transient only for the *concurrent* long-running request limit
    /// (`ConcurrentPerOrgLongTxn`, `ConcurrentRequests`), which clears within seconds; the daily
    /// `TotalRequests` limit is permanent for the day and must be surfaced, not hammered.
    pub fn is_transient(&self) -> bool {
        TRANSIENT_CODES.contains(&self.error_code.as_str())
            || (self.error_code == "REQUEST_LIMIT_EXCEEDED" && self.is_concurrent_limit())
    }

    /// `REQUEST_LIMIT_EXCEEDED` for the daily (total) allowance.
    pub fn is_daily_limit_exceeded(&self) -> bool {
        self.error_code == "REQUEST_LIMIT_EXCEEDED" && !self.is_concurrent_limit()
    }

    fn is_concurrent_limit(&self) -> bool {
        self.message.expose().starts_with("Concurrent")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_error_code_or_status_code() {
        let rest: Vec<ApiErrorItem> = serde_json::from_str(
            r#"[{"message":"Required fields are missing: [Name]","errorCode":"REQUIRED_FIELD_MISSING","fields":["Name"]}]"#,
        )
        .unwrap();
        assert_eq!(rest[0].error_code, "REQUIRED_FIELD_MISSING");
        assert_eq!(rest[0].fields, ["Name"]);
        let row: ApiErrorItem = serde_json::from_str(
            r#"{"statusCode":"UNABLE_TO_LOCK_ROW","message":"unable to obtain exclusive access","fields":null}"#,
        )
        .unwrap();
        assert_eq!(row.error_code, "UNABLE_TO_LOCK_ROW");
        assert!(row.is_transient());
    }

    #[test]
    fn request_limit_is_transient_only_when_concurrent() {
        let daily: ApiErrorItem = serde_json::from_str(
            r#"{"errorCode":"REQUEST_LIMIT_EXCEEDED","message":"TotalRequests Limit exceeded."}"#,
        )
        .unwrap();
        assert!(!daily.is_transient());
        assert!(daily.is_daily_limit_exceeded());
        let concurrent: ApiErrorItem = serde_json::from_str(
            r#"{"errorCode":"REQUEST_LIMIT_EXCEEDED","message":"ConcurrentPerOrgLongTxn Limit exceeded."}"#,
        )
        .unwrap();
        assert!(concurrent.is_transient());
        assert!(!concurrent.is_daily_limit_exceeded());
    }

    #[test]
    fn captured_error_fixtures_parse() {
        for name in [
            "expired_session_response.json",
            "sobject__query_error_response.json",
            "sobject__write_error_response.json",
            "sobject__delete_error_response.json",
            "sobject__upsert_error_response.json",
            "sobject__sobject_describe_error_response.json",
        ] {
            let text = std::fs::read_to_string(format!(
                "{}/../shared/fixtures/salesforce/restforce/{name}",
                env!("CARGO_MANIFEST_DIR")
            ))
            .unwrap();
            let items: Vec<ApiErrorItem> = serde_json::from_str(&text).unwrap();
            assert_eq!(items.len(), 1, "{name}");
            assert!(!items[0].error_code.is_empty(), "{name}");
        }
    }
}
