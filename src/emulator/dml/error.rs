//! One DML failure as Salesforce reports it: a status code, a message and the fields involved.
//! Routes render it as `errorCode` (REST) or `statusCode` (collections, composite, SOAP).
//!
//! Messages follow real Salesforce texts where known (salesforce-api.md §9). Like Salesforce,
//! some messages quote the offending value (`STRING_TOO_LONG`, picklist and email errors): the
//! emulator is the org, and orgsync must not echo such messages verbatim.

use serde::Serialize;

use crate::emulator::model::FieldDef;

/// A record-level failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DmlError {
    /// `REQUIRED_FIELD_MISSING`, `STRING_TOO_LONG`, …
    pub status_code: String,
    /// The human-readable message.
    pub message: String,
    /// The fields involved (may be empty).
    pub fields: Vec<String>,
}

impl DmlError {
    /// An error with a status code, message and fields.
    pub fn new(status_code: &str, message: impl Into<String>, fields: Vec<String>) -> Self {
        Self {
            status_code: status_code.to_owned(),
            message: message.into(),
            fields,
        }
    }

    fn on(status_code: &str, f: &FieldDef, message: String) -> Self {
        Self::new(status_code, message, vec![f.name.clone()])
    }

    /// The HTTP status a single-record REST call answers with for this error.
    pub fn http_status(&self) -> u16 {
        match self.status_code.as_str() {
            "NOT_FOUND" | "ENTITY_IS_DELETED" => 404,
            _ => 400,
        }
    }

    /// Unknown object.
    pub fn invalid_type(object: &str) -> Self {
        Self::new(
            "INVALID_TYPE",
            format!("sObject type '{object}' is not supported."),
            vec![],
        )
    }

    /// The object does not allow this operation (`User` cannot be deleted, `Organization`
    /// cannot be inserted). Code and text unverified: Salesforce reports
    /// `INVALID_TYPE_FOR_OPERATION` "entity type cannot be …" for such calls.
    pub fn invalid_type_for_operation(verb: &str) -> Self {
        Self::new(
            "INVALID_TYPE_FOR_OPERATION",
            format!("entity type cannot be {verb}"),
            vec![],
        )
    }

    /// Unknown field.
    pub fn invalid_field(field: &str, object: &str) -> Self {
        Self::new(
            "INVALID_FIELD",
            format!("No such column '{field}' on sobject of type {object}"),
            vec![],
        )
    }

    /// Fields the caller may not set on this operation.
    pub fn not_writable(fields: Vec<String>) -> Self {
        Self::new(
            "INVALID_FIELD_FOR_INSERT_UPDATE",
            format!(
                "Unable to create/update fields: {}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.",
                fields.join(", ")
            ),
            fields,
        )
    }

    /// `Id` in an insert.
    pub fn id_on_insert() -> Self {
        Self::new(
            "INVALID_FIELD_FOR_INSERT_UPDATE",
            "cannot specify Id in an insert call",
            vec!["Id".into()],
        )
    }

    /// Required fields left empty.
    pub fn required_missing(fields: Vec<String>) -> Self {
        Self::new(
            "REQUIRED_FIELD_MISSING",
            format!("Required fields are missing: [{}]", fields.join(", ")),
            fields,
        )
    }

    /// A value of the wrong JSON shape: Salesforce fails while deserialising the request body
    /// with `JSON_PARSER_ERROR` "Cannot deserialize instance of <type> from <token> value …"
    /// (salesforce.stackexchange.com/questions/54882).
    pub fn json_type(f: &FieldDef, token: &str, shown: &str) -> Self {
        Self::new(
            "JSON_PARSER_ERROR",
            format!(
                "Cannot deserialize instance of {} from {token} value {shown} or request may be missing a required field",
                f.ftype.as_str()
            ),
            vec![],
        )
    }

    /// A text value longer than the field allows.
    pub fn too_long(f: &FieldDef, value: &str) -> Self {
        Self::on(
            "STRING_TOO_LONG",
            f,
            format!(
                "{}: data value too large: {value} (max length={})",
                f.label, f.length
            ),
        )
    }

    /// A value not in a restricted picklist.
    pub fn bad_picklist(f: &FieldDef, value: &str) -> Self {
        Self::on(
            "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
            f,
            format!(
                "{}: bad value for restricted picklist field: {value}",
                f.label
            ),
        )
    }

    /// A number too large for the field's precision.
    pub fn out_of_range(f: &FieldDef, value: &str) -> Self {
        Self::on(
            "NUMBER_OUTSIDE_VALID_RANGE",
            f,
            format!(
                "{}: value outside of valid range on numeric field: {value}",
                f.label
            ),
        )
    }

    /// A malformed email address.
    pub fn bad_email(f: &FieldDef, value: &str) -> Self {
        Self::on(
            "INVALID_EMAIL_ADDRESS",
            f,
            format!("{}: invalid email address: {value}", f.label),
        )
    }

    /// A badly formed ID in a lookup.
    pub fn malformed_id(f: &FieldDef, value: &str) -> Self {
        Self::on(
            "MALFORMED_ID",
            f,
            format!("{}: id value of incorrect type: {value}", f.label),
        )
    }

    /// A well-formed ID of an object the lookup does not point at. Salesforce answers
    /// `FIELD_INTEGRITY_EXCEPTION` "<label>: id value of incorrect type: <id>" (seen in
    /// mshanemc/roundRobinProcessBuilder#2 for a Group ID in a User lookup).
    pub fn wrong_object(f: &FieldDef, id: &str) -> Self {
        Self::on(
            "FIELD_INTEGRITY_EXCEPTION",
            f,
            format!("{}: id value of incorrect type: {id}", f.label),
        )
    }

    /// A lookup to a record that does not exist.
    pub fn bad_reference(f: &FieldDef) -> Self {
        Self::on(
            "INVALID_CROSS_REFERENCE_KEY",
            f,
            "invalid cross reference id".to_owned(),
        )
    }

    /// A unique value already held by another record.
    pub fn duplicate(f: &FieldDef, other_id: &str) -> Self {
        Self::on(
            "DUPLICATE_VALUE",
            f,
            format!(
                "duplicate value found: {} duplicates value on record with id: {other_id}",
                f.name
            ),
        )
    }

    /// The record is in the recycle bin.
    pub fn entity_is_deleted() -> Self {
        Self::new("ENTITY_IS_DELETED", "entity is deleted", vec![])
    }

    /// No record with this ID.
    pub fn entity_is_deleted_or_missing(_id: &str) -> Self {
        Self::new("NOT_FOUND", "The requested resource does not exist", vec![])
    }

    /// A badly formed record ID as the target of an operation.
    pub fn malformed_record_id(id: &str) -> Self {
        Self::new("MALFORMED_ID", format!("malformed id {id}"), vec![])
    }

    /// Undelete of a record that is not in the recycle bin.
    pub fn undelete_failed_not_deleted(id: &str) -> Self {
        Self::new(
            "UNDELETE_FAILED",
            format!("Entity is not in the recycle bin: {id}"),
            vec![],
        )
    }

    /// A delete refused because of restricted-delete children.
    pub fn delete_restricted(what: &str, child_label: &str, children: &[String]) -> Self {
        Self::new(
            "DELETE_FAILED",
            format!(
                "Your attempt to delete {what} could not be completed because it is associated with the following {child_label}.: {}",
                children.join(", ")
            ),
            vec![],
        )
    }
}
