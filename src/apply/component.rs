//! The metadata components apply writes, and their definitions taken from the primary's
//! snapshot: custom objects, custom fields (from the primary's [`FieldSchema`], or the key-field
//! convention), Apex classes and Apex triggers.
//!
//! A component's settings are one JSON map in the Metadata API's vocabulary (`type`, `length`,
//! `valueSet`, `referenceTo`, …): the Tooling API takes it as the `Metadata` body, and a Metadata
//! API deploy takes the same keys as XML elements ([`super::package`]). Field types follow the
//! Metadata API guide's `CustomField` page (`Text`, `LongTextArea`, `Picklist`, `Lookup`, …).

use serde_json::{Map, Value, json};

use crate::observe::{FieldSchema, FieldType};

/// One metadata component apply creates or updates.
#[derive(Debug, Clone, PartialEq)]
pub enum Component {
    /// A custom object (`Invoice__c`), Name field Text(80).
    CustomObject {
        /// API name.
        name: String,
        /// Label (the plural label is the same).
        label: String,
    },
    /// A custom field.
    CustomField {
        /// The object's API name.
        object: String,
        /// The field's API name (`Support_Email__c`).
        field: String,
        /// The Metadata API settings (without `fullName`).
        metadata: Map<String, Value>,
    },
    /// An Apex class.
    ApexClass {
        /// Class name.
        name: String,
        /// Source.
        body: String,
        /// Apex API version, e.g. `62.0`.
        api_version: String,
    },
    /// An Apex trigger.
    ApexTrigger {
        /// Trigger name.
        name: String,
        /// The object it fires on.
        object: String,
        /// Source (`None`: keep the org's body, change only the status).
        body: Option<String>,
        /// `Active` or `Inactive`.
        status: String,
        /// Apex API version.
        api_version: String,
    },
}

impl Component {
    /// The Metadata API type and Tooling sObject name.
    pub fn kind(&self) -> &'static str {
        match self {
            Component::CustomObject { .. } => "CustomObject",
            Component::CustomField { .. } => "CustomField",
            Component::ApexClass { .. } => "ApexClass",
            Component::ApexTrigger { .. } => "ApexTrigger",
        }
    }

    /// The Metadata API full name (`Account.Support_Email__c`, `Invoice__c`, `OrderService`).
    pub fn full_name(&self) -> String {
        match self {
            Component::CustomObject { name, .. } => name.clone(),
            Component::CustomField { object, field, .. } => format!("{object}.{field}"),
            Component::ApexClass { name, .. } | Component::ApexTrigger { name, .. } => name.clone(),
        }
    }

    /// The object a component belongs to (objects, fields, triggers).
    pub fn object(&self) -> Option<&str> {
        match self {
            Component::CustomObject { name, .. } => Some(name),
            Component::CustomField { object, .. } | Component::ApexTrigger { object, .. } => {
                Some(object)
            }
            Component::ApexClass { .. } => None,
        }
    }

    /// Whether deploying it needs Apex tests in production.
    pub fn is_apex(&self) -> bool {
        matches!(
            self,
            Component::ApexClass { .. } | Component::ApexTrigger { .. }
        )
    }

    /// The `Metadata` settings (Tooling body; deploy XML elements).
    pub fn metadata(&self) -> Map<String, Value> {
        match self {
            Component::CustomObject { label, .. } => object_metadata(label),
            Component::CustomField { metadata, .. } => metadata.clone(),
            Component::ApexClass { api_version, .. } => {
                let mut m = Map::new();
                m.insert("apiVersion".into(), json!(api_version));
                m.insert("status".into(), json!("Active"));
                m
            }
            Component::ApexTrigger {
                api_version,
                status,
                ..
            } => {
                let mut m = Map::new();
                m.insert("apiVersion".into(), json!(api_version));
                m.insert("status".into(), json!(status));
                m
            }
        }
    }
}

/// A custom object's settings: label, plural label = label, Name field Text(80), deployed.
pub fn object_metadata(label: &str) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("label".into(), json!(label));
    m.insert("pluralLabel".into(), json!(label));
    m.insert(
        "nameField".into(),
        json!({"label": format!("{label} Name"), "type": "Text"}),
    );
    m.insert("deploymentStatus".into(), json!("Deployed"));
    m.insert("sharingModel".into(), json!("ReadWrite"));
    m
}

/// The key field's settings (ARCHITECTURE.md): Text(18), external ID, unique, case-sensitive.
pub fn key_field_metadata() -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("label".into(), json!("OrgSync Source Id"));
    m.insert("type".into(), json!("Text"));
    m.insert("length".into(), json!(18));
    m.insert("externalId".into(), json!(true));
    m.insert("unique".into(), json!(true));
    m.insert("caseSensitive".into(), json!(true));
    m
}

/// Why a field cannot be written by apply.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a {kind} field cannot be created by apply; create it in the secondary by hand")]
pub struct UnsupportedFieldType {
    /// The field type as the plan names it.
    pub kind: String,
}

/// A custom field's settings from the primary's describe of it.
pub fn field_metadata(f: &FieldSchema) -> Result<Map<String, Value>, UnsupportedFieldType> {
    let mut m = Map::new();
    m.insert("label".into(), json!(f.label));
    let numeric = |m: &mut Map<String, Value>, kind: &str, precision: u64, scale: u64| {
        m.insert("type".into(), json!(kind));
        m.insert("precision".into(), json!(precision.max(1)));
        m.insert("scale".into(), json!(scale));
    };
    match &f.field_type {
        FieldType::Text => {
            m.insert("type".into(), json!("Text"));
            m.insert("length".into(), json!(f.length.max(1)));
        }
        FieldType::TextArea => {
            m.insert("type".into(), json!("TextArea"));
        }
        FieldType::LongTextArea => {
            m.insert("type".into(), json!("LongTextArea"));
            m.insert("length".into(), json!(f.length));
            m.insert("visibleLines".into(), json!(3));
        }
        FieldType::EncryptedText => {
            m.insert("type".into(), json!("EncryptedText"));
            m.insert("length".into(), json!(f.length.clamp(1, 175)));
            m.insert("maskType".into(), json!("all"));
            m.insert("maskChar".into(), json!("asterisk"));
        }
        FieldType::Email => {
            m.insert("type".into(), json!("Email"));
        }
        FieldType::Phone => {
            m.insert("type".into(), json!("Phone"));
        }
        FieldType::Url => {
            m.insert("type".into(), json!("Url"));
        }
        FieldType::Checkbox => {
            m.insert("type".into(), json!("Checkbox"));
            m.insert("defaultValue".into(), json!(false));
        }
        FieldType::Int | FieldType::Long => numeric(&mut m, "Number", f.digits.max(1), 0),
        FieldType::Number => numeric(&mut m, "Number", f.precision, f.scale),
        FieldType::Currency => numeric(&mut m, "Currency", f.precision, f.scale),
        FieldType::Percent => numeric(&mut m, "Percent", f.precision, f.scale),
        FieldType::Date => {
            m.insert("type".into(), json!("Date"));
        }
        FieldType::DateTime => {
            m.insert("type".into(), json!("DateTime"));
        }
        FieldType::Time => {
            m.insert("type".into(), json!("Time"));
        }
        FieldType::Picklist | FieldType::Combobox | FieldType::MultiPicklist => {
            let multi = f.field_type == FieldType::MultiPicklist;
            m.insert(
                "type".into(),
                json!(if multi {
                    "MultiselectPicklist"
                } else {
                    "Picklist"
                }),
            );
            if multi {
                m.insert("visibleLines".into(), json!(4));
            }
            let (values, restricted) = f
                .picklist
                .as_ref()
                .map(|p| (p.values.as_slice(), p.restricted))
                .unwrap_or((&[], false));
            let values: Vec<Value> = values
                .iter()
                .map(|v| {
                    json!({"fullName": v.value, "label": v.value, "default": false, "isActive": v.active})
                })
                .collect();
            m.insert(
                "valueSet".into(),
                json!({"restricted": restricted, "valueSetDefinition": {"sorted": false, "value": values}}),
            );
        }
        FieldType::Lookup | FieldType::MasterDetail => {
            let master = f.field_type == FieldType::MasterDetail;
            let target = match f.reference_to.as_slice() {
                [one] => one.clone(),
                _ => {
                    return Err(UnsupportedFieldType {
                        kind: "polymorphic lookup".into(),
                    });
                }
            };
            m.insert(
                "type".into(),
                json!(if master { "MasterDetail" } else { "Lookup" }),
            );
            m.insert("referenceTo".into(), json!(target));
            let stem = f
                .relationship_name
                .clone()
                .unwrap_or_else(|| f.name.trim_end_matches("__c").to_owned());
            let stem = stem.trim_end_matches("__r").to_owned();
            m.insert("relationshipName".into(), json!(stem));
            m.insert("relationshipLabel".into(), json!(stem));
            if !master {
                m.insert("deleteConstraint".into(), json!("SetNull"));
            }
        }
        other => {
            return Err(UnsupportedFieldType {
                kind: format!("{other:?}"),
            });
        }
    }
    if f.external_id {
        m.insert("externalId".into(), json!(true));
    }
    if f.unique {
        m.insert("unique".into(), json!(true));
    }
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observe::schema::{Picklist, PicklistEntry};

    fn field(name: &str, field_type: FieldType) -> FieldSchema {
        FieldSchema {
            name: name.into(),
            label: "Label".into(),
            field_type,
            wire_type: String::new(),
            length: 0,
            precision: 0,
            scale: 0,
            digits: 0,
            reference_to: vec![],
            relationship_name: None,
            relationship_order: None,
            nillable: true,
            createable: true,
            updateable: true,
            defaulted_on_create: false,
            calculated: false,
            auto_number: false,
            external_id: false,
            unique: false,
            html_formatted: false,
            picklist: None,
        }
    }

    #[test]
    fn text_number_and_picklist_settings() {
        let mut t = field("Legacy_Number__c", FieldType::Text);
        t.length = 30;
        let m = field_metadata(&t).unwrap();
        assert_eq!(m["type"], "Text");
        assert_eq!(m["length"], 30);

        let mut n = field("Credit__c", FieldType::Currency);
        n.precision = 16;
        n.scale = 2;
        let m = field_metadata(&n).unwrap();
        assert_eq!(
            (m["precision"].clone(), m["scale"].clone()),
            (json!(16), json!(2))
        );

        let mut p = field("SLA__c", FieldType::Picklist);
        p.picklist = Some(Picklist {
            values: vec![PicklistEntry {
                value: "Gold".into(),
                active: true,
            }],
            restricted: true,
        });
        let m = field_metadata(&p).unwrap();
        assert_eq!(m["valueSet"]["restricted"], true);
        assert_eq!(
            m["valueSet"]["valueSetDefinition"]["value"][0]["fullName"],
            "Gold"
        );
    }

    #[test]
    fn lookups_need_one_target_and_formulas_are_refused() {
        let mut l = field("Account__c", FieldType::Lookup);
        l.reference_to = vec!["Account".into()];
        l.relationship_name = Some("Account__r".into());
        let m = field_metadata(&l).unwrap();
        assert_eq!(m["referenceTo"], "Account");
        assert_eq!(m["relationshipName"], "Account");
        l.reference_to.push("Contact".into());
        assert!(field_metadata(&l).is_err());
        assert!(field_metadata(&field("F__c", FieldType::Formula)).is_err());
    }

    #[test]
    fn key_field_is_an_external_unique_text_18() {
        let m = key_field_metadata();
        assert_eq!(m["length"], 18);
        assert_eq!(m["externalId"], true);
        assert_eq!(m["caseSensitive"], true);
    }
}
