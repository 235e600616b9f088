//! The three error shapes Salesforce answers with (salesforce-api.md §0.4, §9):
//! REST arrays `[{"message","errorCode","fields"?}]`, per-record `{"statusCode","message","fields"}`
//! inside Collections results, and OAuth objects `{"error","error_description"}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::reply::Reply;
use crate::emulator::dml::DmlError;

/// One entry of a REST error array.
#[derive(Debug, Clone, PartialEq)]
pub struct RestError {
    /// `errorCode`.
    pub error_code: String,
    /// `message`.
    pub message: String,
    /// `None` leaves the `fields` key out (Salesforce omits it on session and routing errors).
    pub fields: Option<Vec<String>>,
}

/// An error answer of any route.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// A REST error array.
    Rest {
        /// HTTP status.
        status: StatusCode,
        /// The array entries.
        errors: Vec<RestError>,
    },
    /// An OAuth error object.
    OAuth {
        /// HTTP status.
        status: StatusCode,
        /// `error`.
        error: String,
        /// `error_description`.
        description: String,
    },
}

impl ApiError {
    /// A single REST error without `fields`.
    pub fn rest(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        Self::Rest {
            status,
            errors: vec![RestError {
                error_code: code.to_owned(),
                message: message.into(),
                fields: None,
            }],
        }
    }

    /// A single REST error with `fields`.
    pub fn rest_fields(
        status: StatusCode,
        code: &str,
        message: impl Into<String>,
        fields: Vec<String>,
    ) -> Self {
        Self::Rest {
            status,
            errors: vec![RestError {
                error_code: code.to_owned(),
                message: message.into(),
                fields: Some(fields),
            }],
        }
    }

    /// 404 `NOT_FOUND` "The requested resource does not exist".
    pub fn not_found() -> Self {
        Self::rest(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            "The requested resource does not exist",
        )
    }

    /// 401 `INVALID_SESSION_ID`.
    pub fn invalid_session() -> Self {
        Self::rest(
            StatusCode::UNAUTHORIZED,
            "INVALID_SESSION_ID",
            "Session expired or invalid",
        )
    }

    /// 400 `JSON_PARSER_ERROR` for a body that is not the JSON the resource expects.
    pub fn json_parser(detail: impl std::fmt::Display) -> Self {
        Self::rest(
            StatusCode::BAD_REQUEST,
            "JSON_PARSER_ERROR",
            format!("{detail}"),
        )
    }

    /// 405 `METHOD_NOT_ALLOWED` listing the allowed methods.
    pub fn method_not_allowed(method: &str, allowed: &[&str]) -> Self {
        Self::rest(
            StatusCode::METHOD_NOT_ALLOWED,
            "METHOD_NOT_ALLOWED",
            format!(
                "HTTP Method '{method}' not allowed. Allowed are {}",
                allowed.join(",")
            ),
        )
    }

    /// 400 with the DML errors of a single-record call (status from the first error).
    pub fn dml(errors: &[DmlError]) -> Self {
        let status = errors
            .first()
            .and_then(|e| StatusCode::from_u16(e.http_status()).ok())
            .unwrap_or(StatusCode::BAD_REQUEST);
        Self::Rest {
            status,
            errors: errors
                .iter()
                .map(|e| RestError {
                    error_code: e.status_code.clone(),
                    message: e.message.clone(),
                    fields: Some(e.fields.clone()),
                })
                .collect(),
        }
    }

    /// An OAuth error (400 unless given).
    pub fn oauth(status: StatusCode, error: &str, description: &str) -> Self {
        Self::OAuth {
            status,
            error: error.to_owned(),
            description: description.to_owned(),
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Rest { status, .. } | Self::OAuth { status, .. } => *status,
        }
    }

    /// The JSON body.
    pub fn body(&self) -> Value {
        match self {
            Self::Rest { errors, .. } => Value::Array(
                errors
                    .iter()
                    .map(|e| {
                        let mut m = Map::new();
                        m.insert("message".into(), Value::String(e.message.clone()));
                        m.insert("errorCode".into(), Value::String(e.error_code.clone()));
                        if let Some(fields) = &e.fields {
                            m.insert("fields".into(), json!(fields));
                        }
                        Value::Object(m)
                    })
                    .collect(),
            ),
            Self::OAuth {
                error, description, ..
            } => json!({"error": error, "error_description": description}),
        }
    }

    /// The first error code (for the journal and tests).
    pub fn code(&self) -> &str {
        match self {
            Self::Rest { errors, .. } => errors.first().map_or("", |e| e.error_code.as_str()),
            Self::OAuth { error, .. } => error,
        }
    }

    /// As a handler reply.
    pub fn into_reply(self) -> Reply {
        Reply::json(self.status(), self.body())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.into_reply().into_response()
    }
}

/// A per-record error as Collections and Composite results carry it (`statusCode`, not
/// `errorCode`).
pub fn record_error(e: &DmlError) -> Value {
    json!({"statusCode": e.status_code, "message": e.message, "fields": e.fields})
}

/// The marker every good row of a rolled-back `allOrNone` collection request carries.
pub fn rolled_back() -> DmlError {
    DmlError::new(
        "ALL_OR_NONE_OPERATION_ROLLED_BACK",
        "Record rolled back because not all records were valid and the request was using AllOrNone header",
        vec![],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rest_errors_are_arrays_and_omit_fields_when_none() {
        let body = ApiError::invalid_session().body();
        assert_eq!(
            body,
            json!([{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}])
        );
        let dml = ApiError::dml(&[DmlError::new(
            "REQUIRED_FIELD_MISSING",
            "x",
            vec!["Name".into()],
        )]);
        assert_eq!(dml.status(), StatusCode::BAD_REQUEST);
        assert_eq!(dml.body()[0]["fields"], json!(["Name"]));
    }

    #[test]
    fn oauth_errors_are_objects() {
        let e = ApiError::oauth(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "authentication failure",
        );
        assert_eq!(
            e.body(),
            json!({"error":"invalid_grant","error_description":"authentication failure"})
        );
    }

    #[test]
    fn record_errors_use_status_code() {
        let v = record_error(&DmlError::new("DUPLICATE_VALUE", "dup", vec![]));
        assert_eq!(v["statusCode"], "DUPLICATE_VALUE");
        assert!(v.get("errorCode").is_none());
    }
}
