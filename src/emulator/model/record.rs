//! One stored record: its object and its field values keyed by canonical field name.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A stored record. `fields` always holds `Id`, and the system fields the object has
/// (`IsDeleted`, `SystemModstamp`, `CreatedDate`, …) in their wire form: datetimes as
/// `2024-03-01T10:00:00.000+0000`, dates as `2024-03-01`, numbers as JSON numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Canonical object API name.
    pub object: String,
    /// Field values keyed by canonical field API name.
    pub fields: Map<String, Value>,
}

impl Record {
    /// The record's 18-character ID.
    pub fn id(&self) -> &str {
        self.fields.get("Id").and_then(Value::as_str).unwrap_or("")
    }

    /// A field value by canonical name (`None` when the key is absent).
    pub fn get(&self, field: &str) -> Option<&Value> {
        self.fields.get(field)
    }

    /// Whether the record sits in the recycle bin.
    pub fn is_deleted(&self) -> bool {
        self.fields
            .get("IsDeleted")
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }
}
