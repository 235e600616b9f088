//! The domain describe types: what planning needs to know about an object and its fields,
//! converted from the client's wire types ([`crate::org::wire::SObjectDescribe`]). The wire types
//! carry ~60 keys per field and change across API versions; these carry exactly what the planner
//! compares, with the field type recognised once, here (salesforce-api.md §4.3).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::org::wire::{FieldDescribe, SObjectDescribe};

/// One object as the integration user sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectSchema {
    /// API name in canonical case.
    pub name: String,
    /// UI label.
    pub label: String,
    /// A custom object (`__c`).
    pub custom: bool,
    /// Records can be created by the integration user.
    pub createable: bool,
    /// Records can be updated.
    pub updateable: bool,
    /// Records can be deleted.
    pub deletable: bool,
    /// SOQL can query it.
    pub queryable: bool,
    /// Usable with the replication (updated/deleted) resources.
    pub replicateable: bool,
    /// Apex triggers can be defined on it.
    pub triggerable: bool,
    /// Fields by API name (only those the integration user can read: describe applies FLS).
    pub fields: BTreeMap<String, FieldSchema>,
}

impl ObjectSchema {
    /// The field with this API name (case-insensitive, as Salesforce treats names).
    pub fn field(&self, name: &str) -> Option<&FieldSchema> {
        self.fields.get(name).or_else(|| {
            self.fields
                .values()
                .find(|f| f.name.eq_ignore_ascii_case(name))
        })
    }
}

impl From<&SObjectDescribe> for ObjectSchema {
    fn from(d: &SObjectDescribe) -> Self {
        Self {
            name: d.name.clone(),
            label: d.label.clone(),
            custom: d.custom,
            createable: d.createable,
            updateable: d.updateable,
            deletable: d.deletable,
            queryable: d.queryable,
            replicateable: d.replicateable,
            triggerable: d.triggerable,
            fields: d
                .fields
                .iter()
                .map(|f| (f.name.clone(), FieldSchema::from(f)))
                .collect(),
        }
    }
}

/// A field's type as the sync rules see it (seed 001, SPEC.md "type-compatible").
///
/// Derived kinds take precedence over the storage type: a formula returning a number is
/// [`FieldType::Formula`], an auto-number (storage type `string`) is [`FieldType::AutoNumber`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum FieldType {
    /// The record ID.
    Id,
    /// Text (`string`).
    Text,
    /// Text area up to 255 characters.
    TextArea,
    /// Long text area (plain text, more than 255 characters).
    LongTextArea,
    /// Rich text area (HTML).
    RichTextArea,
    /// Picklist.
    Picklist,
    /// Multi-select picklist.
    MultiPicklist,
    /// Combo box.
    Combobox,
    /// Lookup relationship.
    Lookup,
    /// Master-detail relationship.
    MasterDetail,
    /// Checkbox.
    Checkbox,
    /// Integer.
    Int,
    /// Long integer.
    Long,
    /// Number (`double`).
    Number,
    /// Currency.
    Currency,
    /// Percent.
    Percent,
    /// Date.
    Date,
    /// Date/time.
    DateTime,
    /// Time.
    Time,
    /// Email.
    Email,
    /// Phone.
    Phone,
    /// URL.
    Url,
    /// Encrypted text.
    EncryptedText,
    /// Binary (`base64`).
    Base64,
    /// Compound address (read-only; its components are separate fields).
    Address,
    /// Geolocation compound (read-only; `__Latitude__s` / `__Longitude__s` are separate fields).
    Geolocation,
    /// `anyType`.
    AnyType,
    /// A formula field (`calculated` with a formula): read-only, never synced.
    Formula,
    /// A roll-up summary field (`calculated` without a formula): read-only, never synced.
    RollUpSummary,
    /// An auto-number field: read-only text.
    AutoNumber,
    /// A describe type this build does not know (kept by name).
    Other(String),
}

impl FieldType {
    /// Recognises the type of a described field (reference §4.3 "Recognising sub-kinds").
    pub fn of(f: &FieldDescribe) -> Self {
        if f.calculated {
            // Roll-up summaries are calculated but carry no formula text (§4.3, unverified upstream).
            let has_formula = f
                .calculated_formula
                .as_deref()
                .is_some_and(|t| !t.is_empty());
            return if has_formula {
                Self::Formula
            } else {
                Self::RollUpSummary
            };
        }
        if f.auto_number {
            return Self::AutoNumber;
        }
        let extra = f.extra_type_info.as_deref().unwrap_or_default();
        match f.field_type.as_str() {
            "id" => Self::Id,
            "string" => Self::Text,
            "textarea" if extra == "richtextarea" || f.html_formatted => Self::RichTextArea,
            "textarea" if f.length > 255 => Self::LongTextArea,
            "textarea" => Self::TextArea,
            "picklist" => Self::Picklist,
            "multipicklist" => Self::MultiPicklist,
            "combobox" => Self::Combobox,
            "reference" if f.relationship_order.is_some() => Self::MasterDetail,
            "reference" => Self::Lookup,
            "boolean" => Self::Checkbox,
            "int" => Self::Int,
            "long" => Self::Long,
            "double" => Self::Number,
            "currency" => Self::Currency,
            "percent" => Self::Percent,
            "date" => Self::Date,
            "datetime" => Self::DateTime,
            "time" => Self::Time,
            "email" => Self::Email,
            "phone" => Self::Phone,
            "url" => Self::Url,
            "encryptedstring" => Self::EncryptedText,
            "base64" => Self::Base64,
            "address" => Self::Address,
            "location" => Self::Geolocation,
            "anyType" => Self::AnyType,
            other => Self::Other(other.to_owned()),
        }
    }

    /// Formula, roll-up summary, rich text, geolocation and address fields are never synced
    /// (SPEC.md); auto-numbers are synced only into text.
    pub fn is_never_synced(&self) -> bool {
        matches!(
            self,
            Self::Formula
                | Self::RollUpSummary
                | Self::RichTextArea
                | Self::Geolocation
                | Self::Address
        )
    }
}

/// One picklist entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PicklistEntry {
    /// API value.
    pub value: String,
    /// Selectable.
    pub active: bool,
}

/// A picklist's values (in the org's order) and whether only they are allowed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Picklist {
    /// Entries in the org's order.
    pub values: Vec<PicklistEntry>,
    /// A restricted picklist rejects other values.
    pub restricted: bool,
}

/// One field as the integration user sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldSchema {
    /// API name in canonical case.
    pub name: String,
    /// UI label.
    pub label: String,
    /// The recognised type.
    pub field_type: FieldType,
    /// The raw describe `type` (e.g. a formula's result type, `double`).
    pub wire_type: String,
    /// Characters for text types, 0 otherwise.
    pub length: u64,
    /// Total digits for numbers.
    pub precision: u64,
    /// Decimal digits for numbers.
    pub scale: u64,
    /// Digits for integer fields.
    pub digits: u64,
    /// Lookup targets (more than one: polymorphic).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reference_to: Vec<String>,
    /// Relationship name (`Parent`, `Account__r`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relationship_name: Option<String>,
    /// 0 or 1 for master-detail fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relationship_order: Option<u64>,
    /// Accepts null.
    pub nillable: bool,
    /// Writable on insert by the integration user (FLS applied).
    pub createable: bool,
    /// Writable on update by the integration user (FLS applied).
    pub updateable: bool,
    /// Filled by the server on create when omitted.
    pub defaulted_on_create: bool,
    /// Formula or roll-up summary.
    pub calculated: bool,
    /// Auto-number.
    pub auto_number: bool,
    /// Usable as an upsert key.
    pub external_id: bool,
    /// Values are unique.
    pub unique: bool,
    /// Rich text.
    pub html_formatted: bool,
    /// Picklist values, for picklist, multi-select and combo box fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub picklist: Option<Picklist>,
}

impl FieldSchema {
    /// Required on insert: not nillable, createable and not defaulted by the server.
    pub fn required_on_create(&self) -> bool {
        !self.nillable && self.createable && !self.defaulted_on_create
    }
}

impl From<&FieldDescribe> for FieldSchema {
    fn from(f: &FieldDescribe) -> Self {
        let field_type = FieldType::of(f);
        let has_values = matches!(
            f.field_type.as_str(),
            "picklist" | "multipicklist" | "combobox"
        );
        Self {
            name: f.name.clone(),
            label: f.label.clone(),
            field_type,
            wire_type: f.field_type.clone(),
            length: f.length,
            precision: f.precision,
            scale: f.scale,
            digits: f.digits,
            reference_to: f.reference_to.clone(),
            relationship_name: f.relationship_name.clone(),
            relationship_order: f.relationship_order,
            nillable: f.nillable,
            createable: f.createable,
            updateable: f.updateable,
            defaulted_on_create: f.defaulted_on_create,
            calculated: f.calculated,
            auto_number: f.auto_number,
            external_id: f.external_id,
            unique: f.unique,
            html_formatted: f.html_formatted,
            picklist: has_values.then(|| Picklist {
                values: f
                    .picklist_values
                    .iter()
                    .map(|p| PicklistEntry {
                        value: p.value.clone(),
                        active: p.active,
                    })
                    .collect(),
                restricted: f.restricted_picklist,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn describe(path: &str) -> SObjectDescribe {
        let text = std::fs::read_to_string(format!(
            "{}/../shared/fixtures/salesforce/{path}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        serde_json::from_str(&text).unwrap()
    }

    fn field(json: serde_json::Value) -> FieldSchema {
        let f: FieldDescribe = serde_json::from_value(json).unwrap();
        FieldSchema::from(&f)
    }

    #[test]
    fn real_account_describe_converts() {
        let o = ObjectSchema::from(&describe("camel/account-describe.json"));
        assert_eq!(o.name, "Account");
        assert!(o.replicateable);
        assert_eq!(o.field("name").unwrap().field_type, FieldType::Text);
        let parent = o.field("ParentId").unwrap();
        assert_eq!(parent.field_type, FieldType::Lookup);
        assert_eq!(parent.reference_to, ["Account"]);
        assert_eq!(parent.relationship_name.as_deref(), Some("Parent"));
        assert_eq!(
            o.field("Description").unwrap().field_type,
            FieldType::LongTextArea
        );
        assert_eq!(o.field("Id").unwrap().field_type, FieldType::Id);
        let industry = o.field("Industry").unwrap();
        assert!(!industry.picklist.as_ref().unwrap().values.is_empty());
        assert_eq!(
            o.field("BillingAddress").unwrap().field_type,
            FieldType::Address
        );
    }

    #[test]
    fn formula_from_a_real_describe() {
        let o = ObjectSchema::from(&describe("camel/calculated-formula-describe.json"));
        assert!(
            o.fields
                .values()
                .any(|f| f.field_type == FieldType::Formula)
        );
    }

    #[test]
    fn recognises_sub_kinds() {
        use serde_json::json;
        let t = |v| field(v).field_type;
        assert_eq!(
            t(json!({"name":"N__c","type":"double","calculated":true,"calculatedFormula":"1+1"})),
            FieldType::Formula
        );
        assert_eq!(
            t(json!({"name":"T__c","type":"currency","calculated":true,"calculatedFormula":null})),
            FieldType::RollUpSummary
        );
        assert_eq!(
            t(json!({"name":"Name","type":"string","autoNumber":true})),
            FieldType::AutoNumber
        );
        assert_eq!(
            t(
                json!({"name":"R__c","type":"textarea","length":32768,"extraTypeInfo":"richtextarea","htmlFormatted":true})
            ),
            FieldType::RichTextArea
        );
        assert_eq!(
            t(
                json!({"name":"L__c","type":"textarea","length":32768,"extraTypeInfo":"plaintextarea"})
            ),
            FieldType::LongTextArea
        );
        assert_eq!(
            t(json!({"name":"S__c","type":"textarea","length":255})),
            FieldType::TextArea
        );
        assert_eq!(
            t(json!({"name":"G__c","type":"location"})),
            FieldType::Geolocation
        );
        assert_eq!(
            t(
                json!({"name":"M__c","type":"reference","referenceTo":["Account"],"relationshipOrder":0})
            ),
            FieldType::MasterDetail
        );
        assert_eq!(
            t(json!({"name":"X__c","type":"somethingNew"})),
            FieldType::Other("somethingNew".into())
        );
        assert!(FieldType::RollUpSummary.is_never_synced());
        assert!(!FieldType::AutoNumber.is_never_synced());
    }

    #[test]
    fn required_on_create() {
        let f = field(
            serde_json::json!({"name":"LastName","type":"string","nillable":false,"createable":true}),
        );
        assert!(f.required_on_create());
        let g = field(
            serde_json::json!({"name":"OwnerId","type":"reference","nillable":false,"createable":true,"defaultedOnCreate":true}),
        );
        assert!(!g.required_on_create());
    }
}
