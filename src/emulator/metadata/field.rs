//! `CustomField` metadata ↔ describe fields. Metadata API field types (`Text`, `Number`,
//! `Lookup`, …, Metadata API guide `customfield`) map onto describe types as the setup menu
//! does: `LongTextArea` → `textarea` + `plaintextarea`, `Html` → rich text, `Checkbox` →
//! `boolean` defaulted false, `MasterDetail` → required cascade-delete reference.

use serde_json::{Value, json};

use super::{Meta, MetaError};
use crate::emulator::model::{FieldDef, FieldType, PicklistValue};

/// A describe field for custom field `name` from its metadata.
pub fn field_def(name: &str, meta: &Meta) -> Result<FieldDef, MetaError> {
    if !name.ends_with("__c") || name.len() <= 3 {
        return Err(MetaError::new(
            "FIELD_INTEGRITY_EXCEPTION",
            format!("Custom field names must end with __c: {name}"),
        ));
    }
    let kind = meta.text("type");
    let formula = meta.text("formula");
    let kind = match (kind.as_deref(), &formula) {
        (Some(k), _) => k.to_owned(),
        (None, _) => {
            return Err(MetaError::new(
                "REQUIRED_FIELD_MISSING",
                "Required fields are missing: [type]",
            ));
        }
    };
    let (ftype, length) = match kind.as_str() {
        "Text" => (FieldType::String, 255),
        "TextArea" => (FieldType::Textarea, 255),
        "LongTextArea" | "Html" => (FieldType::Textarea, 32768),
        "EncryptedText" => (FieldType::Encryptedstring, 175),
        "Email" => (FieldType::Email, 80),
        "Phone" => (FieldType::Phone, 40),
        "Url" => (FieldType::Url, 255),
        "Checkbox" => (FieldType::Boolean, 0),
        "Number" => (FieldType::Double, 0),
        "Currency" => (FieldType::Currency, 0),
        "Percent" => (FieldType::Percent, 0),
        "Date" => (FieldType::Date, 0),
        "DateTime" => (FieldType::Datetime, 0),
        "Time" => (FieldType::Time, 0),
        "Picklist" => (FieldType::Picklist, 255),
        "MultiselectPicklist" => (FieldType::Multipicklist, 4099),
        "Lookup" | "MasterDetail" => (FieldType::Reference, 18),
        "AutoNumber" => (FieldType::String, 30),
        other => {
            return Err(MetaError::new(
                "FIELD_INTEGRITY_EXCEPTION",
                format!("The emulator does not support custom fields of type {other}"),
            ));
        }
    };
    let mut f = FieldDef::new(name, ftype);
    f.custom = true;
    if let Some(label) = meta.text("label") {
        f.label = label;
    }
    f.length = if ftype.is_text() {
        meta.count("length").unwrap_or(length)
    } else if ftype == FieldType::Reference {
        18
    } else {
        0
    };
    if ftype == FieldType::Textarea && kind != "Html" {
        f.extra_type_info = Some("plaintextarea".into());
    }
    if matches!(kind.as_str(), "LongTextArea" | "Html") {
        f.filterable = false;
        f.sortable = false;
        f.groupable = false;
    }
    if kind == "Html" {
        f.extra_type_info = Some("richtextarea".into());
        f.html_formatted = true;
    }
    if ftype.is_numeric() {
        f.precision = meta.count("precision").unwrap_or(18);
        f.scale = meta.count("scale").unwrap_or(0);
        f.groupable = false;
    }
    let required = meta.flag("required").unwrap_or(false);
    f.nillable = !required;
    f.unique = meta.flag("unique").unwrap_or(false);
    f.external_id = meta.flag("externalId").unwrap_or(false);
    f.case_sensitive = meta.flag("caseSensitive").unwrap_or(false);
    f.id_lookup = f.unique || f.external_id;
    match kind.as_str() {
        "Checkbox" => {
            f.nillable = false;
            f.defaulted_on_create = true;
            f.default_value = Some(Value::Bool(meta.flag("defaultValue").unwrap_or(false)));
        }
        "Picklist" | "MultiselectPicklist" => picklist(&mut f, meta),
        "Lookup" | "MasterDetail" => reference(&mut f, meta, kind == "MasterDetail")?,
        "AutoNumber" => {
            f.auto_number = true;
            f.auto_number_format = meta.text("displayFormat");
            f.nillable = false;
            f.createable = false;
            f.updateable = false;
            f.defaulted_on_create = true;
        }
        _ => {}
    }
    if let Some(formula) = formula {
        f.calculated = true;
        f.calculated_formula = Some(formula);
        f.createable = false;
        f.updateable = false;
        f.nillable = true;
    }
    Ok(f)
}

/// Picklist values from `valueSet.valueSetDefinition.value[].fullName` (API 38+) or the older
/// `picklist.picklistValues[].fullName`.
fn picklist(f: &mut FieldDef, meta: &Meta) {
    let (values, restricted) = match meta.nested("valueSet") {
        Some(vs) => (
            vs.nested("valueSetDefinition")
                .map(|d| d.list("value"))
                .unwrap_or_default(),
            vs.flag("restricted").unwrap_or(false),
        ),
        None => (
            meta.nested("picklist")
                .map(|p| p.list("picklistValues"))
                .unwrap_or_default(),
            false,
        ),
    };
    f.picklist_values = values
        .iter()
        .filter_map(|v| {
            let m = Meta(v.as_object()?.clone());
            let value = m.text("fullName").or_else(|| m.text("valueName"))?;
            Some(PicklistValue {
                label: Some(m.text("label").unwrap_or_else(|| value.clone())),
                active: m.flag("isActive").unwrap_or(true),
                default_value: m.flag("default").unwrap_or(false),
                value,
            })
        })
        .collect();
    f.restricted_picklist = restricted;
    f.defaulted_on_create = f.picklist_values.iter().any(|p| p.default_value);
    if f.ftype == FieldType::Multipicklist {
        f.groupable = false;
    }
}

fn reference(f: &mut FieldDef, meta: &Meta, master_detail: bool) -> Result<(), MetaError> {
    let target = meta.text("referenceTo").ok_or_else(|| {
        MetaError::new(
            "REQUIRED_FIELD_MISSING",
            "Required fields are missing: [referenceTo]",
        )
    })?;
    let stem = f.name.trim_end_matches("__c").to_owned();
    f.reference_to = vec![target];
    f.relationship_name = Some(format!("{stem}__r"));
    f.child_relationship_name = meta.text("relationshipName").map(|r| format!("{r}__r"));
    match meta.text("deleteConstraint").as_deref() {
        Some("Restrict") => f.restricted_delete = true,
        Some("Cascade") => f.cascade_delete = true,
        _ => {}
    }
    if master_detail {
        f.relationship_order = Some(0);
        f.cascade_delete = true;
        f.nillable = false;
        f.updateable = meta.flag("reparentableMasterDetail").unwrap_or(false);
    }
    Ok(())
}

/// The Metadata API type name of a describe field (`Text`, `LongTextArea`, `Lookup`, …).
pub fn metadata_type(f: &FieldDef) -> &'static str {
    match f.ftype {
        FieldType::String if f.auto_number => "AutoNumber",
        FieldType::String => "Text",
        FieldType::Textarea if f.html_formatted => "Html",
        FieldType::Textarea if f.length > 255 => "LongTextArea",
        FieldType::Textarea => "TextArea",
        FieldType::Encryptedstring => "EncryptedText",
        FieldType::Email => "Email",
        FieldType::Phone => "Phone",
        FieldType::Url => "Url",
        FieldType::Boolean => "Checkbox",
        FieldType::Int | FieldType::Long | FieldType::Double => "Number",
        FieldType::Currency => "Currency",
        FieldType::Percent => "Percent",
        FieldType::Date => "Date",
        FieldType::Datetime => "DateTime",
        FieldType::Time => "Time",
        FieldType::Picklist | FieldType::Combobox => "Picklist",
        FieldType::Multipicklist => "MultiselectPicklist",
        FieldType::Reference if f.is_master_detail() => "MasterDetail",
        FieldType::Reference => "Lookup",
        FieldType::Location => "Location",
        _ => "Text",
    }
}

/// The `Metadata` of a `CustomField` Tooling record, rebuilt from the describe field.
pub fn field_metadata(f: &FieldDef, full_name: &str) -> Value {
    let mut m = json!({
        "fullName": full_name,
        "label": f.label,
        "type": metadata_type(f),
        "required": !f.nillable && f.ftype != FieldType::Boolean,
        "unique": f.unique,
        "externalId": f.external_id,
        "caseSensitive": f.case_sensitive,
        "description": Value::Null,
        "inlineHelpText": Value::Null,
        "formula": f.calculated_formula,
    });
    let len =
        f.ftype.is_text() && !matches!(f.ftype, FieldType::Picklist | FieldType::Multipicklist);
    m["length"] = if len { json!(f.length) } else { Value::Null };
    m["precision"] = if f.ftype.is_numeric() {
        json!(f.precision)
    } else {
        Value::Null
    };
    m["scale"] = if f.ftype.is_numeric() {
        json!(f.scale)
    } else {
        Value::Null
    };
    m["referenceTo"] = f.reference_to.first().map_or(Value::Null, |t| json!(t));
    m["relationshipName"] = f
        .relationship_name
        .as_ref()
        .filter(|_| f.is_reference())
        .map_or(Value::Null, |r| json!(r.trim_end_matches("__r")));
    m["defaultValue"] = match &f.default_value {
        Some(Value::Bool(b)) => json!(b.to_string()),
        Some(v) => v.clone(),
        None => Value::Null,
    };
    m["valueSet"] = if f.picklist_values.is_empty() {
        Value::Null
    } else {
        let values: Vec<Value> = f
            .picklist_values
            .iter()
            .map(|p| json!({"fullName": p.value, "label": p.label, "default": p.default_value}))
            .collect();
        json!({"restricted": f.restricted_picklist, "valueSetDefinition": {"value": values}})
    };
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(v: Value) -> Meta {
        Meta(v.as_object().unwrap().clone())
    }

    #[test]
    fn text_external_id_fields_map_to_idlookup_strings() {
        let f = field_def(
            "Sync_Key__c",
            &meta(json!({"type":"Text","length":80,"label":"Sync Key","externalId":true,"unique":true})),
        )
        .unwrap();
        assert_eq!(f.ftype, FieldType::String);
        assert_eq!(f.length, 80);
        assert!(f.external_id && f.unique && f.id_lookup && f.custom);
        assert_eq!(f.label, "Sync Key");
        let back = field_metadata(&f, "Account.Sync_Key__c");
        assert_eq!(back["type"], "Text");
        assert_eq!(back["length"], 80);
        assert_eq!(back["externalId"], true);
    }

    #[test]
    fn numbers_lookups_picklists_and_checkboxes() {
        let n = field_def(
            "Amount__c",
            &meta(json!({"type":"Currency","precision":"16","scale":"2"})),
        )
        .unwrap();
        assert_eq!(
            (n.ftype, n.precision, n.scale),
            (FieldType::Currency, 16, 2)
        );
        let l = field_def(
            "Partner__c",
            &meta(json!({"type":"Lookup","referenceTo":"Account","relationshipName":"Partners"})),
        )
        .unwrap();
        assert_eq!(l.reference_to, ["Account"]);
        assert_eq!(l.relationship_name.as_deref(), Some("Partner__r"));
        assert_eq!(l.child_relationship_name.as_deref(), Some("Partners__r"));
        let p = field_def(
            "Tier__c",
            &meta(json!({"type":"Picklist","valueSet":{"restricted":"true","valueSetDefinition":{"value":[{"fullName":"Gold","default":"true"},{"fullName":"Silver"}]}}})),
        )
        .unwrap();
        assert_eq!(p.picklist_values.len(), 2);
        assert!(p.restricted_picklist && p.picklist_values[0].default_value);
        let c = field_def(
            "Flag__c",
            &meta(json!({"type":"Checkbox","defaultValue":"true"})),
        )
        .unwrap();
        assert_eq!(c.default_value, Some(Value::Bool(true)));
        assert!(!c.nillable);
    }

    #[test]
    fn bad_names_and_types_are_refused() {
        assert!(field_def("NoSuffix", &meta(json!({"type":"Text"}))).is_err());
        assert_eq!(
            field_def("X__c", &meta(json!({}))).unwrap_err().code,
            "REQUIRED_FIELD_MISSING"
        );
        assert!(field_def("X__c", &meta(json!({"type":"Hierarchy"}))).is_err());
        assert!(field_def("X__c", &meta(json!({"type":"Lookup"}))).is_err());
    }
}
