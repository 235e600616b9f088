//! `spec.objects.<ApiName>`: what is published, how it is subscribed, and deletes.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use super::API_NAME_PATTERN;

/// One synced object.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ObjectSpec {
    /// What the publishing side shares.
    pub publish: Publish,
    /// How the subscribing side receives it. Default: auto-accept, no field map, no matching.
    #[serde(default)]
    pub subscribe: Option<Subscribe>,
    /// Whether deleting a record deletes its copy. Default: `ignore`.
    #[serde(default)]
    pub deletes: Option<Deletes>,
}

/// The published fields and records of an object.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Publish {
    /// The published fields: a list of field API names, or `"*"` for every supported field.
    /// Audit fields (CreatedDate, …) never appear here: `syncFeedsAndAuditFields` carries them.
    pub fields: FieldSelection,
    /// Fields left out of `"*"`.
    #[serde(default)]
    #[schemars(inner(pattern(API_NAME_PATTERN)))]
    pub exclude: Vec<String>,
    /// A SOQL condition choosing which records are shared, e.g. `Type != 'Internal'`.
    #[serde(default)]
    pub filter: Option<String>,
}

/// `"*"` or a list of field API names.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum FieldSelection {
    /// `"*"`: every field the connection supports.
    All(AllFields),
    /// These fields.
    List(#[schemars(inner(pattern(API_NAME_PATTERN)))] Vec<String>),
}

/// The literal `"*"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AllFields;

impl<'de> Deserialize<'de> for AllFields {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if s == "*" {
            Ok(AllFields)
        } else {
            Err(serde::de::Error::custom("expected \"*\""))
        }
    }
}

impl JsonSchema for AllFields {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "AllFields".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Every field the connection supports.",
            "const": "*"
        })
    }
}

/// The subscribing side.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Subscribe {
    /// `false`: inbound records wait in an inbox for `orgsync inbox accept|reject`.
    /// Default: `true`.
    #[serde(default)]
    pub auto_accept: Option<bool>,
    /// Publisher field → subscriber field; unmapped fields map to themselves. Must be
    /// invertible in two-way connections.
    #[serde(default)]
    #[schemars(extend("propertyNames" = { "pattern": API_NAME_PATTERN }))]
    pub field_map: BTreeMap<String, FieldName>,
    /// Fields that link records already present on both sides instead of duplicating them.
    /// Each must be published.
    #[serde(default)]
    #[schemars(inner(pattern(API_NAME_PATTERN)))]
    pub match_on: Vec<String>,
}

/// A field API name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct FieldName(#[schemars(pattern(API_NAME_PATTERN))] pub String);

/// What a delete does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Deletes {
    /// Deleting a record deletes its linked copy (and undelete restores it).
    Propagate,
    /// Deletes stay on their side; the link is dropped.
    Ignore,
}
