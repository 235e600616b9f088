//! Automation stand-ins: tiny field-setting rules that fire before insert and/or before update,
//! each belonging to an Apex trigger. A rule runs only while its trigger's `ApexTrigger.Status`
//! is `Active`, so deactivating the trigger through Tooling switches it off.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// When a rule fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RuleEvent {
    /// Before a record is inserted.
    Insert,
    /// Before a record is updated.
    Update,
}

/// What a rule does to its target field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RuleAction {
    /// Set a constant.
    Value(Value),
    /// Copy another field of the same record.
    Copy(String),
    /// Append a constant to the current text (null counts as empty).
    Append(String),
    /// Upper-case the current text.
    Uppercase,
}

/// One automation rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    /// The `ApexTrigger.Name` this rule belongs to.
    pub trigger: String,
    /// The object the rule applies to (the trigger's `TableEnumOrId`).
    pub object: String,
    /// The events it fires on.
    pub on: Vec<RuleEvent>,
    /// Fire only when this field is null (`None`: always).
    pub when_null: Option<String>,
    /// The field the rule sets.
    pub field: String,
    /// How the field gets its new value.
    pub action: RuleAction,
}
