//! Describe Global (`GET /sobjects/`) and sObject Describe (`GET /sobjects/{X}/describe`),
//! reference §4. Only the keys the product uses are typed; everything else is ignored.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use super::lenient::{count, flag, null_default, opt_count};

/// `GET /sobjects/`: every object in the org.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeGlobal {
    /// Character encoding, `UTF-8`.
    #[serde(default, deserialize_with = "null_default")]
    pub encoding: String,
    /// Largest batch for SOAP/collection calls (200).
    #[serde(default, deserialize_with = "count")]
    pub max_batch_size: u64,
    /// One entry per object.
    #[serde(default, deserialize_with = "null_default")]
    pub sobjects: Vec<GlobalSObject>,
}

/// One object in Describe Global.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GlobalSObject {
    /// API name, e.g. `Account`.
    #[serde(default, deserialize_with = "null_default")]
    pub name: String,
    /// UI label.
    #[serde(default, deserialize_with = "null_default")]
    pub label: String,
    /// Three-character id prefix; `null` for some objects.
    #[serde(default)]
    pub key_prefix: Option<String>,
    /// A custom object (`__c`).
    #[serde(default, deserialize_with = "flag")]
    pub custom: bool,
    /// A custom setting.
    #[serde(default, deserialize_with = "flag")]
    pub custom_setting: bool,
    /// Records can be created by the running user.
    #[serde(default, deserialize_with = "flag")]
    pub createable: bool,
    /// Records can be updated.
    #[serde(default, deserialize_with = "flag")]
    pub updateable: bool,
    /// Records can be deleted.
    #[serde(default, deserialize_with = "flag")]
    pub deletable: bool,
    /// Deleted records can be undeleted.
    #[serde(default, deserialize_with = "flag")]
    pub undeletable: bool,
    /// SOQL can query it.
    #[serde(default, deserialize_with = "flag")]
    pub queryable: bool,
    /// Usable with the replication (updated/deleted) resources.
    #[serde(default, deserialize_with = "flag")]
    pub replicateable: bool,
    /// Apex triggers can be defined on it.
    #[serde(default, deserialize_with = "flag")]
    pub triggerable: bool,
    /// Hidden / deprecated.
    #[serde(default, deserialize_with = "flag")]
    pub deprecated_and_hidden: bool,
    /// Resource URLs (`sobject`, `describe`, `rowTemplate`, ...).
    #[serde(default, deserialize_with = "null_default")]
    pub urls: BTreeMap<String, String>,
}

/// `GET /sobjects/{X}/describe`: one object with its fields.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SObjectDescribe {
    /// API name.
    #[serde(default, deserialize_with = "null_default")]
    pub name: String,
    /// UI label.
    #[serde(default, deserialize_with = "null_default")]
    pub label: String,
    /// Plural UI label.
    #[serde(default, deserialize_with = "null_default")]
    pub label_plural: String,
    /// Three-character id prefix.
    #[serde(default)]
    pub key_prefix: Option<String>,
    /// A custom object.
    #[serde(default, deserialize_with = "flag")]
    pub custom: bool,
    /// A custom setting.
    #[serde(default, deserialize_with = "flag")]
    pub custom_setting: bool,
    /// Records can be created.
    #[serde(default, deserialize_with = "flag")]
    pub createable: bool,
    /// Records can be updated.
    #[serde(default, deserialize_with = "flag")]
    pub updateable: bool,
    /// Records can be deleted.
    #[serde(default, deserialize_with = "flag")]
    pub deletable: bool,
    /// Deleted records can be undeleted.
    #[serde(default, deserialize_with = "flag")]
    pub undeletable: bool,
    /// SOQL can query it.
    #[serde(default, deserialize_with = "flag")]
    pub queryable: bool,
    /// Records can be retrieved by id.
    #[serde(default, deserialize_with = "flag")]
    pub retrieveable: bool,
    /// Usable with updated/deleted polling.
    #[serde(default, deserialize_with = "flag")]
    pub replicateable: bool,
    /// Apex triggers can be defined on it.
    #[serde(default, deserialize_with = "flag")]
    pub triggerable: bool,
    /// Records can be merged.
    #[serde(default, deserialize_with = "flag")]
    pub mergeable: bool,
    /// Hidden / deprecated.
    #[serde(default, deserialize_with = "flag")]
    pub deprecated_and_hidden: bool,
    /// Fields, in Salesforce's order.
    #[serde(default, deserialize_with = "null_default")]
    pub fields: Vec<FieldDescribe>,
    /// Lookups from other objects to this one.
    #[serde(default, deserialize_with = "null_default")]
    pub child_relationships: Vec<ChildRelationship>,
    /// Record types.
    #[serde(default, deserialize_with = "null_default")]
    pub record_type_infos: Vec<RecordTypeInfo>,
    /// Resource URLs.
    #[serde(default, deserialize_with = "null_default")]
    pub urls: BTreeMap<String, String>,
}

impl SObjectDescribe {
    /// The field with this API name (case-insensitive, as Salesforce treats names).
    pub fn field(&self, name: &str) -> Option<&FieldDescribe> {
        self.fields
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
    }
}

/// One field of an sObject Describe (reference §4.3 field-level keys).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldDescribe {
    /// API name in canonical case.
    #[serde(default, deserialize_with = "null_default")]
    pub name: String,
    /// UI label.
    #[serde(default, deserialize_with = "null_default")]
    pub label: String,
    /// Field type: `id`, `string`, `reference`, `picklist`, `double`, ...
    #[serde(rename = "type", default, deserialize_with = "null_default")]
    pub field_type: String,
    /// SOAP type, e.g. `xsd:string`, `tns:ID`.
    #[serde(default, deserialize_with = "null_default")]
    pub soap_type: String,
    /// Characters for text types, 0 otherwise.
    #[serde(default, deserialize_with = "count")]
    pub length: u64,
    /// Bytes (3 × length for text).
    #[serde(default, deserialize_with = "count")]
    pub byte_length: u64,
    /// Total digits for numbers.
    #[serde(default, deserialize_with = "count")]
    pub precision: u64,
    /// Decimal digits for numbers.
    #[serde(default, deserialize_with = "count")]
    pub scale: u64,
    /// Digits for integer fields.
    #[serde(default, deserialize_with = "count")]
    pub digits: u64,
    /// Accepts null.
    #[serde(default, deserialize_with = "flag")]
    pub nillable: bool,
    /// Writable on insert for the running user (field-level security applied).
    #[serde(default, deserialize_with = "flag")]
    pub createable: bool,
    /// Writable on update for the running user.
    #[serde(default, deserialize_with = "flag")]
    pub updateable: bool,
    /// Filled by the server on create when omitted.
    #[serde(default, deserialize_with = "flag")]
    pub defaulted_on_create: bool,
    /// Default value: `null`, a bool, a string or a number.
    #[serde(default)]
    pub default_value: Value,
    /// Default value formula.
    #[serde(default)]
    pub default_value_formula: Option<String>,
    /// Formula or roll-up summary: read-only, never synced.
    #[serde(default, deserialize_with = "flag")]
    pub calculated: bool,
    /// The formula of a formula field.
    #[serde(default)]
    pub calculated_formula: Option<String>,
    /// Auto-number (read-only text).
    #[serde(default, deserialize_with = "flag")]
    pub auto_number: bool,
    /// Usable as an upsert key.
    #[serde(default, deserialize_with = "flag")]
    pub external_id: bool,
    /// Usable to look records up (Id, Username, ...).
    #[serde(default, deserialize_with = "flag")]
    pub id_lookup: bool,
    /// Values are unique.
    #[serde(default, deserialize_with = "flag")]
    pub unique: bool,
    /// Uniqueness is case-sensitive.
    #[serde(default, deserialize_with = "flag")]
    pub case_sensitive: bool,
    /// A custom field (`__c`).
    #[serde(default, deserialize_with = "flag")]
    pub custom: bool,
    /// Rich text.
    #[serde(default, deserialize_with = "flag")]
    pub html_formatted: bool,
    /// Sub-kind, e.g. `plaintextarea`, `richtextarea`, `personname`.
    #[serde(default)]
    pub extra_type_info: Option<String>,
    /// Lookup targets; more than one means polymorphic.
    #[serde(default, deserialize_with = "null_default")]
    pub reference_to: Vec<String>,
    /// Relationship name used in query results (`Parent`, `Account__r`).
    #[serde(default)]
    pub relationship_name: Option<String>,
    /// 0/1 for master-detail.
    #[serde(default, deserialize_with = "opt_count")]
    pub relationship_order: Option<u64>,
    /// Deleting the parent deletes this record.
    #[serde(default, deserialize_with = "flag")]
    pub cascade_delete: bool,
    /// The parent cannot be deleted while this record points to it.
    #[serde(default, deserialize_with = "flag")]
    pub restricted_delete: bool,
    /// Master-detail sharing rule.
    #[serde(default, deserialize_with = "flag")]
    pub write_requires_master_read: bool,
    /// A polymorphic lookup.
    #[serde(default, deserialize_with = "flag")]
    pub polymorphic_foreign_key: bool,
    /// The compound this field is part of (`BillingAddress`).
    #[serde(default)]
    pub compound_field_name: Option<String>,
    /// Picklist entries.
    #[serde(default, deserialize_with = "null_default")]
    pub picklist_values: Vec<PicklistValue>,
    /// Only listed values allowed.
    #[serde(default, deserialize_with = "flag")]
    pub restricted_picklist: bool,
    /// Values depend on a controlling field.
    #[serde(default, deserialize_with = "flag")]
    pub dependent_picklist: bool,
    /// The controlling field of a dependent picklist.
    #[serde(default)]
    pub controller_name: Option<String>,
    /// Classic or Shield encrypted.
    #[serde(default, deserialize_with = "flag")]
    pub encrypted: bool,
    /// Usable in WHERE.
    #[serde(default, deserialize_with = "flag")]
    pub filterable: bool,
    /// Usable in ORDER BY.
    #[serde(default, deserialize_with = "flag")]
    pub sortable: bool,
    /// The object's name field.
    #[serde(default, deserialize_with = "flag")]
    pub name_field: bool,
    /// Field-level security can be granted (a FieldPermissions row is possible).
    #[serde(default, deserialize_with = "flag")]
    pub permissionable: bool,
    /// Hidden / deprecated.
    #[serde(default, deserialize_with = "flag")]
    pub deprecated_and_hidden: bool,
}

impl FieldDescribe {
    /// A lookup or master-detail field.
    pub fn is_reference(&self) -> bool {
        self.field_type == "reference"
    }
}

/// One picklist entry.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PicklistValue {
    /// API value.
    #[serde(default, deserialize_with = "null_default")]
    pub value: String,
    /// UI label.
    #[serde(default)]
    pub label: Option<String>,
    /// Selectable.
    #[serde(default, deserialize_with = "flag")]
    pub active: bool,
    /// The default entry.
    #[serde(default, deserialize_with = "flag")]
    pub default_value: bool,
}

/// A child relationship of an sObject Describe.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChildRelationship {
    /// Child object API name.
    #[serde(default, deserialize_with = "null_default")]
    pub child_s_object: String,
    /// Lookup field on the child.
    #[serde(default, deserialize_with = "null_default")]
    pub field: String,
    /// Relationship name for subqueries; may be `null`.
    #[serde(default)]
    pub relationship_name: Option<String>,
    /// Deleting the parent deletes the children.
    #[serde(default, deserialize_with = "flag")]
    pub cascade_delete: bool,
    /// The parent cannot be deleted while children exist.
    #[serde(default, deserialize_with = "flag")]
    pub restricted_delete: bool,
}

/// A record type of an sObject Describe.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordTypeInfo {
    /// Label.
    #[serde(default, deserialize_with = "null_default")]
    pub name: String,
    /// Developer name (later API versions).
    #[serde(default)]
    pub developer_name: Option<String>,
    /// Record type id (`012...`).
    #[serde(default, deserialize_with = "null_default")]
    pub record_type_id: String,
    /// Active.
    #[serde(default, deserialize_with = "flag")]
    pub active: bool,
    /// Available to the running user.
    #[serde(default, deserialize_with = "flag")]
    pub available: bool,
    /// The default mapping for the running user.
    #[serde(default, deserialize_with = "flag")]
    pub default_record_type_mapping: bool,
    /// The master record type.
    #[serde(default, deserialize_with = "flag")]
    pub master: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(path: &str) -> String {
        std::fs::read_to_string(format!(
            "{}/../shared/fixtures/salesforce/{path}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    fn describe(path: &str) -> SObjectDescribe {
        serde_json::from_str(&fixture(path)).unwrap()
    }

    #[test]
    fn account_describe_from_a_real_org() {
        let d = describe("camel/account-describe.json");
        assert_eq!(d.name, "Account");
        assert_eq!(d.key_prefix.as_deref(), Some("001"));
        assert!(d.replicateable && d.undeletable && d.triggerable);
        let name = d.field("Name").unwrap();
        assert_eq!(name.field_type, "string");
        assert_eq!(name.length, 255);
        assert!(name.name_field);
        let parent = d.field("parentid").unwrap();
        assert!(parent.is_reference());
        assert_eq!(parent.reference_to, ["Account"]);
        assert_eq!(parent.relationship_name.as_deref(), Some("Parent"));
        let owner = d.field("OwnerId").unwrap();
        assert!(!owner.reference_to.is_empty());
        assert!(d.fields.iter().any(|f| f.field_type == "address"));
        assert!(!d.child_relationships.is_empty());
        assert!(d.record_type_infos.iter().any(|r| r.master));
        let is_deleted = d.field("IsDeleted").unwrap();
        assert_eq!(is_deleted.default_value, Value::Bool(false));
    }

    #[test]
    fn calculated_formula_field_is_calculated() {
        let d = describe("camel/calculated-formula-describe.json");
        let f = &d.fields[0];
        assert!(f.calculated);
        assert!(
            f.calculated_formula
                .as_deref()
                .is_some_and(|s| !s.is_empty())
        );
        assert!(d.key_prefix.is_some());
    }

    #[test]
    fn external_id_and_defaults() {
        let d = describe("camel/with-external-id-describe.json");
        let ext = d.field("External_Id__c").unwrap();
        assert!(ext.external_id);
        assert_eq!(ext.field_type, "double");
        let w = describe("restforce/sobject__sobject_describe_success_response.json");
        assert_eq!(
            w.field("Number_Field").unwrap().default_value,
            serde_json::json!(23)
        );
        assert_eq!(
            w.field("Text_Field").unwrap().default_value,
            serde_json::json!("Yes!")
        );
        assert_eq!(
            w.field("Checkbox_Field").unwrap().default_value,
            Value::Bool(true)
        );
    }

    #[test]
    fn case_and_user_describes_parse_despite_string_typed_values() {
        let case = describe("camel/case-describe.json");
        assert_eq!(case.fields.len(), 4);
        assert!(case.fields.iter().all(|f| f.field_type == "picklist"));
        assert!(case.fields.iter().all(|f| !f.picklist_values.is_empty()));
        let user = describe("camel/user-describe.json");
        assert_eq!(user.name, "User");
        assert!(!user.deletable && !user.undeletable);
        assert!(user.field("Username").is_some());
    }

    #[test]
    fn describe_global_lists_objects() {
        let g: DescribeGlobal =
            serde_json::from_str(&fixture("camel/describe-global.json")).unwrap();
        assert_eq!(g.max_batch_size, 200);
        assert_eq!(g.encoding, "UTF-8");
        let account = g.sobjects.iter().find(|o| o.name == "Account").unwrap();
        assert_eq!(account.key_prefix.as_deref(), Some("001"));
        assert!(account.replicateable);
        assert!(account.urls.contains_key("rowTemplate"));
        for path in [
            "restforce/sobject__describe_sobjects_success_response.json",
            "restforce/sobject__list_sobjects_success_response.json",
        ] {
            let g: DescribeGlobal = serde_json::from_str(&fixture(path)).unwrap();
            assert!(!g.sobjects.is_empty(), "{path}");
        }
    }
}
