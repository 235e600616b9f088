//! The exact answers of scripted faults (salesforce-api.md §9).
//!
//! * 503: Salesforce's application servers answer overload with a JSON array
//!   `[{"message":"Server too busy","errorCode":"SERVER_UNAVAILABLE"}]` (restforce issue #156
//!   quotes `SERVER_UNAVAILABLE: Server too busy`; restforce PR #570 maps the code). A 503 from the
//!   CDN during maintenance is an HTML page instead (SalesforceMobileSDK-CordovaPlugin issue
//!   #621); the emulator answers the API's JSON form, which clients must parse to tell the
//!   error apart.
//! * 500 `UNKNOWN_EXCEPTION` carries "An unexpected error occurred. Please include this ErrorId
//!   if you contact support: N-N (N)" in captured answers.
//! * `UNABLE_TO_LOCK_ROW`: "unable to obtain exclusive access to this record or 1 records: <id>",
//!   or without a known ID just "unable to obtain exclusive access to this record" (both forms
//!   appear in captured errors).

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::emulator::http::ApiError;

/// 503 `SERVER_UNAVAILABLE`.
pub fn server_unavailable() -> ApiError {
    ApiError::rest(
        StatusCode::SERVICE_UNAVAILABLE,
        "SERVER_UNAVAILABLE",
        "Server too busy",
    )
}

/// 403 `REQUEST_LIMIT_EXCEEDED` (the daily allowance).
pub fn request_limit_exceeded() -> ApiError {
    ApiError::rest(
        StatusCode::FORBIDDEN,
        "REQUEST_LIMIT_EXCEEDED",
        "TotalRequests Limit exceeded.",
    )
}

/// 500 `UNKNOWN_EXCEPTION` with an error ID made from `n`.
pub fn unknown_exception(n: u64) -> ApiError {
    let a = 1_000_000_000 + n % 1_000_000_000;
    let b = 10_000 + n % 90_000;
    ApiError::rest(
        StatusCode::INTERNAL_SERVER_ERROR,
        "UNKNOWN_EXCEPTION",
        format!(
            "An unexpected error occurred. Please include this ErrorId if you contact support: {a}-{b} ({})",
            -(a as i64)
        ),
    )
}

/// The lock error's message for the record `id` (if known).
pub fn lock_message(id: Option<&str>) -> String {
    match id {
        Some(id) => format!("unable to obtain exclusive access to this record or 1 records: {id}"),
        None => "unable to obtain exclusive access to this record".to_owned(),
    }
}

/// 400 `UNABLE_TO_LOCK_ROW` of a single-record call.
pub fn lock_error(id: Option<&str>) -> ApiError {
    ApiError::rest_fields(
        StatusCode::BAD_REQUEST,
        "UNABLE_TO_LOCK_ROW",
        lock_message(id),
        vec![],
    )
}

/// A failed Collections row with a lock error (`id` kept on update and delete rows).
pub fn lock_row(id: Option<&str>, keep_id: bool) -> Value {
    let error =
        json!({"statusCode": "UNABLE_TO_LOCK_ROW", "message": lock_message(id), "fields": []});
    match id {
        Some(id) if keep_id => json!({"id": id, "success": false, "errors": [error]}),
        _ => json!({"success": false, "errors": [error]}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_are_rest_arrays() {
        assert_eq!(
            server_unavailable().body(),
            json!([{"message":"Server too busy","errorCode":"SERVER_UNAVAILABLE"}])
        );
        assert_eq!(request_limit_exceeded().status(), StatusCode::FORBIDDEN);
        assert_eq!(
            lock_error(Some("001000000000001AAA")).body(),
            json!([{"message":"unable to obtain exclusive access to this record or 1 records: 001000000000001AAA","errorCode":"UNABLE_TO_LOCK_ROW","fields":[]}])
        );
        let m = unknown_exception(7).body()[0]["message"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(m.starts_with("An unexpected error occurred. Please include this ErrorId"));
    }

    #[test]
    fn lock_rows_keep_the_id_only_when_asked() {
        assert_eq!(lock_row(Some("001x"), true)["id"], "001x");
        assert!(lock_row(Some("001x"), false).get("id").is_none());
        assert_eq!(
            lock_row(None, true)["errors"][0]["message"],
            "unable to obtain exclusive access to this record"
        );
    }
}
