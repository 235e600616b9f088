//! `CustomObject` metadata → a new object with the standard fields every custom object has
//! (`Id`, `IsDeleted`, `Name`, `OwnerId`, the audit fields and `SystemModstamp`) and a fresh
//! `a0X`-style key prefix.

use serde_json::{Value, json};

use super::{Meta, MetaError};
use crate::emulator::model::{FieldDef, FieldType, ObjectDef, Org};

const PREFIX_CHARS: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// The first `aXY` key prefix no object of `org` uses (`a00`, `a01`, … as Salesforce hands
/// them out per org).
pub fn next_custom_prefix(org: &Org) -> Option<String> {
    PREFIX_CHARS.iter().find_map(|a| {
        PREFIX_CHARS.iter().find_map(|b| {
            let p = format!("a{}{}", *a as char, *b as char);
            org.object_by_prefix(&p).is_none().then_some(p)
        })
    })
}

/// A custom object `name` (`Foo__c`) from its metadata.
pub fn object_def(
    name: &str,
    meta: &Meta,
    key_prefix: &str,
    audit_on_insert: bool,
) -> Result<ObjectDef, MetaError> {
    if !name.ends_with("__c") || name.len() <= 3 || name.contains('.') {
        return Err(MetaError::new(
            "FIELD_INTEGRITY_EXCEPTION",
            format!("Custom object names must end with __c: {name}"),
        ));
    }
    let mut def = ObjectDef::new(name, key_prefix);
    def.custom = true;
    if let Some(l) = meta.text("label") {
        def.label_plural = crate::emulator::model::org::plural(&l);
        def.label = l;
    }
    if let Some(p) = meta.text("pluralLabel") {
        def.label_plural = p;
    }
    let mut id = FieldDef::new("Id", FieldType::Id);
    id.label = "Record ID".into();
    id.length = 18;
    id.nillable = false;
    id.createable = false;
    id.updateable = false;
    id.defaulted_on_create = true;
    id.id_lookup = true;
    id.custom = false;
    def.fields.push(id);
    let mut deleted = FieldDef::new("IsDeleted", FieldType::Boolean);
    deleted.label = "Deleted".into();
    deleted.nillable = false;
    deleted.createable = false;
    deleted.updateable = false;
    deleted.defaulted_on_create = true;
    deleted.default_value = Some(Value::Bool(false));
    def.fields.push(deleted);
    def.fields
        .push(name_field(&def.label, meta.nested("nameField")));
    let mut owner = reference("OwnerId", "Owner");
    owner.label = "Owner ID".into();
    owner.nillable = false;
    owner.defaulted_on_create = true;
    def.fields.push(owner);
    for (fname, label) in [
        ("CreatedDate", "Created Date"),
        ("CreatedById", "Created By ID"),
        ("LastModifiedDate", "Last Modified Date"),
        ("LastModifiedById", "Last Modified By ID"),
        ("SystemModstamp", "System Modstamp"),
    ] {
        let mut f = if fname.ends_with("Id") {
            reference(fname, fname.trim_end_matches("Id"))
        } else {
            let mut d = FieldDef::new(fname, FieldType::Datetime);
            d.groupable = false;
            d
        };
        f.label = label.into();
        f.nillable = false;
        f.updateable = false;
        f.defaulted_on_create = true;
        f.createable = audit_on_insert && fname != "SystemModstamp";
        def.fields.push(f);
    }
    Ok(def)
}

fn reference(name: &str, rel: &str) -> FieldDef {
    let mut f = FieldDef::new(name, FieldType::Reference);
    f.length = 18;
    f.custom = false;
    f.reference_to = vec!["User".into()];
    f.relationship_name = Some(rel.to_owned());
    f.child_relationship_unnamed = true;
    f
}

fn name_field(object_label: &str, spec: Option<Meta>) -> FieldDef {
    let spec = spec.unwrap_or_default();
    let mut name = FieldDef::new("Name", FieldType::String);
    name.custom = false;
    name.name_field = true;
    name.label = spec
        .text("label")
        .unwrap_or_else(|| format!("{object_label} Name"));
    if spec.text("type").as_deref() == Some("AutoNumber") {
        name.length = 30;
        name.auto_number = true;
        name.auto_number_format = spec.text("displayFormat");
        name.createable = false;
        name.updateable = false;
        name.nillable = false;
        name.defaulted_on_create = true;
    } else {
        name.length = 80;
        name.nillable = false;
    }
    name
}

/// The `Metadata` of a `CustomObject` Tooling record, rebuilt from the object.
pub fn object_metadata(def: &ObjectDef) -> Value {
    let name = def.field("Name");
    json!({
        "label": def.label,
        "pluralLabel": def.label_plural,
        "deploymentStatus": "Deployed",
        "sharingModel": "ReadWrite",
        "nameField": name.map(|n| json!({
            "label": n.label,
            "type": if n.auto_number { "AutoNumber" } else { "Text" },
            "displayFormat": n.auto_number_format,
        })),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::model::OrgIdentity;

    #[test]
    fn custom_objects_get_standard_fields_and_a_free_prefix() {
        let mut org = Org::new(
            OrgIdentity {
                id: "00D000000000001AAA".into(),
                name: "T".into(),
                edition: "Developer Edition".into(),
                is_sandbox: true,
                daily_api_allowance: 1,
                audit_fields_on_insert: false,
            },
            1,
        );
        org.put_object(ObjectDef::new("Old__c", "a00"));
        let prefix = next_custom_prefix(&org).unwrap();
        assert_eq!(prefix, "a01");
        let meta = Meta(
            serde_json::json!({"label": "Foo", "pluralLabel": "Foos",
                "nameField": {"type": "AutoNumber", "label": "Foo Number", "displayFormat": "F-{0000}"}})
            .as_object()
            .unwrap()
            .clone(),
        );
        let def = object_def("Foo__c", &meta, &prefix, false).unwrap();
        let names: Vec<&str> = def.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Id",
                "IsDeleted",
                "Name",
                "OwnerId",
                "CreatedDate",
                "CreatedById",
                "LastModifiedDate",
                "LastModifiedById",
                "SystemModstamp"
            ]
        );
        assert!(def.custom && def.field("Name").unwrap().auto_number);
        assert_eq!(def.label_plural, "Foos");
        assert!(object_def("Foo", &meta, "a02", false).is_err());
    }
}
