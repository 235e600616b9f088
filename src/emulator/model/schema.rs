//! The emulator's own model of an org's schema: objects and fields as describe reports them.
//!
//! These types are the emulator's, not the product's: `org` has separate wire types, so a
//! mistake in one is caught by the other (ARCHITECTURE.md, "a second implementation").

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A field's `type` as describe reports it (salesforce-api.md §4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    Id,
    String,
    Textarea,
    Picklist,
    Multipicklist,
    Combobox,
    Reference,
    Boolean,
    Int,
    Long,
    Double,
    Currency,
    Percent,
    Date,
    Datetime,
    Time,
    Email,
    Phone,
    Url,
    Encryptedstring,
    Base64,
    Address,
    Location,
    #[serde(rename = "anyType")]
    AnyType,
}

impl FieldType {
    /// The describe `type` string.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldType::Id => "id",
            FieldType::String => "string",
            FieldType::Textarea => "textarea",
            FieldType::Picklist => "picklist",
            FieldType::Multipicklist => "multipicklist",
            FieldType::Combobox => "combobox",
            FieldType::Reference => "reference",
            FieldType::Boolean => "boolean",
            FieldType::Int => "int",
            FieldType::Long => "long",
            FieldType::Double => "double",
            FieldType::Currency => "currency",
            FieldType::Percent => "percent",
            FieldType::Date => "date",
            FieldType::Datetime => "datetime",
            FieldType::Time => "time",
            FieldType::Email => "email",
            FieldType::Phone => "phone",
            FieldType::Url => "url",
            FieldType::Encryptedstring => "encryptedstring",
            FieldType::Base64 => "base64",
            FieldType::Address => "address",
            FieldType::Location => "location",
            FieldType::AnyType => "anyType",
        }
    }

    /// The describe `soapType` string.
    pub fn soap_type(self) -> &'static str {
        match self {
            FieldType::Id | FieldType::Reference => "tns:ID",
            FieldType::Boolean => "xsd:boolean",
            FieldType::Int => "xsd:int",
            FieldType::Long => "xsd:long",
            FieldType::Double | FieldType::Currency | FieldType::Percent => "xsd:double",
            FieldType::Date => "xsd:date",
            FieldType::Datetime => "xsd:dateTime",
            FieldType::Time => "xsd:time",
            FieldType::Base64 => "xsd:base64Binary",
            FieldType::Address => "urn:address",
            FieldType::Location => "urn:location",
            FieldType::AnyType => "xsd:anyType",
            _ => "xsd:string",
        }
    }

    /// Whether values are text (length applies).
    pub fn is_text(self) -> bool {
        matches!(
            self,
            FieldType::String
                | FieldType::Textarea
                | FieldType::Picklist
                | FieldType::Multipicklist
                | FieldType::Combobox
                | FieldType::Email
                | FieldType::Phone
                | FieldType::Url
                | FieldType::Encryptedstring
        )
    }

    /// Whether values are JSON numbers.
    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            FieldType::Int
                | FieldType::Long
                | FieldType::Double
                | FieldType::Currency
                | FieldType::Percent
        )
    }
}

/// One entry of a picklist field's `picklistValues`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PicklistValue {
    pub value: String,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default = "yes")]
    pub active: bool,
    #[serde(default)]
    pub default_value: bool,
}

fn yes() -> bool {
    true
}

/// One field of an object, with the describe attributes the emulator enforces or reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldDef {
    /// API name in canonical case (`Name`, `Invoice__c`).
    pub name: String,
    pub label: String,
    #[serde(rename = "type")]
    pub ftype: FieldType,
    /// Characters for text types, 0 otherwise.
    pub length: u32,
    pub precision: u32,
    pub scale: u32,
    pub digits: u32,
    pub nillable: bool,
    pub createable: bool,
    pub updateable: bool,
    pub defaulted_on_create: bool,
    pub default_value: Option<Value>,
    pub calculated: bool,
    pub calculated_formula: Option<String>,
    pub auto_number: bool,
    pub external_id: bool,
    pub id_lookup: bool,
    pub unique: bool,
    pub case_sensitive: bool,
    pub custom: bool,
    pub html_formatted: bool,
    pub name_field: bool,
    pub extra_type_info: Option<String>,
    pub reference_to: Vec<String>,
    pub relationship_name: Option<String>,
    /// The name of the child relationship this lookup creates on its target (`ChildAccounts`
    /// for `Account.ParentId`); derived from the object name when `None`. Not a describe key
    /// of the field: it appears in the target's `childRelationships`.
    pub child_relationship_name: Option<String>,
    /// The child relationship this lookup creates on its target has no name (`null` in the
    /// target's `childRelationships`), as for `CreatedById`, `LastModifiedById` and `OwnerId`.
    #[serde(default)]
    pub child_relationship_unnamed: bool,
    /// Display format of an auto-number field (`INV-{0000}`); `None` for other fields.
    #[serde(default)]
    pub auto_number_format: Option<String>,
    /// 0 or 1 for master-detail fields, `None` otherwise.
    pub relationship_order: Option<u8>,
    pub cascade_delete: bool,
    pub restricted_delete: bool,
    pub picklist_values: Vec<PicklistValue>,
    pub restricted_picklist: bool,
    pub compound_field_name: Option<String>,
    pub filterable: bool,
    pub sortable: bool,
    pub groupable: bool,
    pub permissionable: bool,
}

impl FieldDef {
    /// A plain field of `ftype` with Salesforce's usual defaults: nillable, createable,
    /// updateable, filterable; callers adjust the rest.
    pub fn new(name: &str, ftype: FieldType) -> Self {
        Self {
            name: name.to_owned(),
            label: name.trim_end_matches("__c").replace('_', " "),
            ftype,
            length: 0,
            precision: 0,
            scale: 0,
            digits: 0,
            nillable: true,
            createable: true,
            updateable: true,
            defaulted_on_create: false,
            default_value: None,
            calculated: false,
            calculated_formula: None,
            auto_number: false,
            external_id: false,
            id_lookup: false,
            unique: false,
            case_sensitive: false,
            custom: name.ends_with("__c"),
            html_formatted: false,
            name_field: false,
            extra_type_info: None,
            reference_to: Vec::new(),
            relationship_name: None,
            child_relationship_name: None,
            child_relationship_unnamed: false,
            auto_number_format: None,
            relationship_order: None,
            cascade_delete: false,
            restricted_delete: false,
            picklist_values: Vec::new(),
            restricted_picklist: false,
            compound_field_name: None,
            filterable: true,
            sortable: true,
            groupable: true,
            permissionable: true,
        }
    }

    /// Required on insert: not nillable, createable, and not defaulted by the server.
    pub fn required_on_create(&self) -> bool {
        !self.nillable
            && self.createable
            && !self.defaulted_on_create
            && self.ftype != FieldType::Boolean
    }

    /// A lookup or master-detail field.
    pub fn is_reference(&self) -> bool {
        self.ftype == FieldType::Reference
    }

    /// A master-detail field (deleting the master deletes this record).
    pub fn is_master_detail(&self) -> bool {
        self.relationship_order.is_some()
    }
}

/// One child relationship, derived from the lookups that point at an object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChildRelationship {
    pub child_sobject: String,
    pub field: String,
    pub relationship_name: Option<String>,
    pub cascade_delete: bool,
    pub restricted_delete: bool,
}

/// One object (sObject type) of the org.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectDef {
    /// API name in canonical case (`Account`, `Invoice__c`).
    pub name: String,
    pub label: String,
    pub label_plural: String,
    /// Three-character ID prefix (`001`).
    pub key_prefix: String,
    pub custom: bool,
    pub createable: bool,
    pub updateable: bool,
    pub deletable: bool,
    pub undeletable: bool,
    pub queryable: bool,
    pub retrieveable: bool,
    pub replicateable: bool,
    pub searchable: bool,
    pub triggerable: bool,
    pub feed_enabled: bool,
    pub layoutable: bool,
    pub mergeable: bool,
    /// Served under `/tooling/sobjects` rather than `/sobjects`.
    pub tooling: bool,
    pub fields: Vec<FieldDef>,
    /// Derived from the other objects' lookups when the org is assembled.
    pub child_relationships: Vec<ChildRelationship>,
}

impl ObjectDef {
    /// A queryable, writable object called `name` with key prefix `key_prefix` and no fields;
    /// callers add fields and adjust the flags.
    pub fn new(name: &str, key_prefix: &str) -> Self {
        let label = name.trim_end_matches("__c").replace('_', " ");
        Self {
            name: name.to_owned(),
            label_plural: super::org::plural(&label),
            label,
            key_prefix: key_prefix.to_owned(),
            custom: name.ends_with("__c"),
            createable: true,
            updateable: true,
            deletable: true,
            undeletable: true,
            queryable: true,
            retrieveable: true,
            replicateable: true,
            searchable: true,
            triggerable: true,
            feed_enabled: false,
            layoutable: true,
            mergeable: false,
            tooling: false,
            fields: Vec::new(),
            child_relationships: Vec::new(),
        }
    }

    /// The position of the field called `name` in [`ObjectDef::fields`].
    pub fn field_index(&self, name: &str) -> Option<usize> {
        self.fields
            .iter()
            .position(|f| f.name.eq_ignore_ascii_case(name))
    }

    /// The field called `name`, matched case-insensitively as Salesforce does.
    pub fn field(&self, name: &str) -> Option<&FieldDef> {
        self.fields
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
    }

    /// The lookup field whose relationship name is `rel` (`Account` for `AccountId`).
    pub fn relationship(&self, rel: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| {
            f.relationship_name
                .as_deref()
                .is_some_and(|r| r.eq_ignore_ascii_case(rel))
        })
    }

    /// The child relationship called `rel` (`Contacts` on Account).
    pub fn child_relationship(&self, rel: &str) -> Option<&ChildRelationship> {
        self.child_relationships.iter().find(|c| {
            c.relationship_name
                .as_deref()
                .is_some_and(|r| r.eq_ignore_ascii_case(rel))
        })
    }
}
