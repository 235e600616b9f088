//! Applying metadata to the model: a `CustomField` becomes a describe field, a `CustomObject`
//! a new object. Shared by the Tooling API (`Metadata` JSON) and Metadata API deploys
//! (`*.field-meta.xml`, `*.object`): both are read into the same lenient key/value map
//! ([`Meta`]), whose values may be JSON scalars or the strings XML carries.
//!
//! Field-level security is not modelled: the running (integration) user is an administrator
//! and sees every new field at once. In a real org a new field is invisible to other users
//! until `FieldPermissions` grant it (salesforce-api.md §0 pitfall 10, §11.1).

mod apply;
mod field;
mod object;
mod values;
pub mod xml;

use std::fmt;

use crate::emulator::dml::DmlError;

pub use apply::{
    Applied, delete_custom_field, delete_custom_object, upsert_custom_field, upsert_custom_object,
};
pub use field::{field_def, field_metadata, metadata_type};
pub use object::{next_custom_prefix, object_def, object_metadata};
pub use values::Meta;

/// Tooling objects whose create, update and delete fail in production ("active")
/// organizations with "Save or update not supported in active organizations" (Tooling API
/// guide, "Considerations for CRUD Operations in Active Orgs", `intro_crud_operations`).
pub const ACTIVE_ORG_RESTRICTED: [&str; 6] = [
    "ApexClass",
    "ApexComponent",
    "ApexPage",
    "ApexTrigger",
    "CustomField",
    "CustomObject",
];

/// Whether `object` is one of [`ACTIVE_ORG_RESTRICTED`] (case-insensitive).
pub fn restricted_in_production(object: &str) -> bool {
    ACTIVE_ORG_RESTRICTED
        .iter()
        .any(|o| o.eq_ignore_ascii_case(object))
}

/// Metadata that cannot be applied, with a message Salesforce-like enough to show a client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetaError {
    /// The error / status code (`FIELD_INTEGRITY_EXCEPTION`, `DUPLICATE_DEVELOPER_NAME`, …).
    pub code: String,
    /// What is wrong.
    pub message: String,
}

impl MetaError {
    /// An error with a code and message.
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Self {
            code: code.to_owned(),
            message: message.into(),
        }
    }
}

impl From<Vec<DmlError>> for MetaError {
    fn from(errors: Vec<DmlError>) -> Self {
        match errors.into_iter().next() {
            Some(e) => Self::new(&e.status_code, e.message),
            None => Self::new("UNKNOWN_EXCEPTION", "the write failed"),
        }
    }
}

impl fmt::Display for MetaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

/// Split `Account.Sync_Key__c` into object and field.
pub fn split_full_name(full_name: &str) -> Result<(&str, &str), MetaError> {
    full_name
        .split_once('.')
        .filter(|(o, f)| !o.is_empty() && !f.is_empty() && !f.contains('.'))
        .ok_or_else(|| {
            MetaError::new(
                "FIELD_INTEGRITY_EXCEPTION",
                format!("FullName must be Object.Field__c, got {full_name}"),
            )
        })
}
