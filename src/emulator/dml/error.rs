//! One DML failure as Salesforce reports it: a status code, a message and the fields involved.
//! Routes render it as `errorCode` (REST) or `statusCode` (collections, composite, SOAP).

use serde::Serialize;

/// A record-level failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DmlError {
    /// `REQUIRED_FIELD_MISSING`, `STRING_TOO_LONG`, …
    pub status_code: String,
    pub message: String,
    pub fields: Vec<String>,
}

impl DmlError {
    pub fn new(status_code: &str, message: impl Into<String>, fields: Vec<String>) -> Self {
        Self {
            status_code: status_code.to_owned(),
            message: message.into(),
            fields,
        }
    }

    /// The HTTP status a single-record REST call answers with for this error.
    pub fn http_status(&self) -> u16 {
        match self.status_code.as_str() {
            "NOT_FOUND" | "ENTITY_IS_DELETED" => 404,
            _ => 400,
        }
    }

    pub fn invalid_type(object: &str) -> Self {
        Self::new(
            "INVALID_TYPE",
            format!("sObject type '{object}' is not supported."),
            vec![],
        )
    }

    pub fn invalid_field(field: &str, object: &str) -> Self {
        Self::new(
            "INVALID_FIELD",
            format!("No such column '{field}' on sobject of type {object}"),
            vec![],
        )
    }

    pub fn entity_is_deleted() -> Self {
        Self::new("ENTITY_IS_DELETED", "entity is deleted", vec![])
    }

    pub fn entity_is_deleted_or_missing(_id: &str) -> Self {
        Self::new("NOT_FOUND", "The requested resource does not exist", vec![])
    }

    pub fn undelete_failed_not_deleted(id: &str) -> Self {
        Self::new(
            "UNDELETE_FAILED",
            format!("Entity is not in the recycle bin: {id}"),
            vec![],
        )
    }
}
