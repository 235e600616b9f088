//! Schema changes through a transaction, shared by Tooling writes and Metadata deploys: each
//! keeps the `CustomField` / `CustomObject` Tooling record in step with the object it describes.

use serde_json::{Map, Value};

use super::{Meta, MetaError, field_def, next_custom_prefix, object_def, split_full_name};
use crate::emulator::dml::Tx;
use crate::emulator::model::{ObjectDef, Record};

/// What a schema write did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// The ID of the `CustomField` / `CustomObject` Tooling record.
    pub id: String,
    /// The record (and the schema element) was created, not changed.
    pub created: bool,
    /// The object whose describe changed.
    pub object: String,
}

fn text(r: &Record, k: &str) -> String {
    r.get(k)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// The Tooling record of `object` whose `FullName` is `full_name`.
fn tooling_record(tx: &Tx<'_>, object: &str, full_name: &str) -> Option<String> {
    tx.org()
        .records(object)
        .filter(|r| !r.is_deleted())
        .find(|r| text(r, "FullName").eq_ignore_ascii_case(full_name))
        .map(|r| r.id().to_owned())
}

/// The data object `name` (not a Tooling object).
fn data_object(tx: &Tx<'_>, name: &str) -> Result<ObjectDef, MetaError> {
    tx.org()
        .object(name)
        .filter(|o| !o.tooling)
        .cloned()
        .ok_or_else(|| {
            MetaError::new(
                "FIELD_INTEGRITY_EXCEPTION",
                format!("Cannot find the entity {name} for this field"),
            )
        })
}

fn values(pairs: &[(&str, Option<String>)]) -> Map<String, Value> {
    pairs
        .iter()
        .filter_map(|(k, v)| {
            v.as_ref()
                .map(|v| ((*k).to_owned(), Value::String(v.clone())))
        })
        .collect()
}

/// Create or change the custom field `Object.Field__c` from its metadata. `must_be_new`
/// refuses an existing field with `DUPLICATE_DEVELOPER_NAME` (Tooling create).
pub fn upsert_custom_field(
    tx: &mut Tx<'_>,
    full_name: &str,
    meta: &Meta,
    must_be_new: bool,
) -> Result<Applied, MetaError> {
    let (object, field) = split_full_name(full_name)?;
    let mut def = data_object(tx, object)?;
    let mut fdef = field_def(field, meta)?;
    for target in &fdef.reference_to {
        if tx.org().object(target).is_none_or(|o| o.tooling) {
            return Err(MetaError::new(
                "FIELD_INTEGRITY_EXCEPTION",
                format!("referenceTo value of '{target}' does not resolve to a valid sObject type"),
            ));
        }
    }
    let existing = def.field_index(field);
    if let Some(i) = existing {
        if must_be_new {
            return Err(MetaError::new(
                "DUPLICATE_DEVELOPER_NAME",
                format!(
                    "There is already a field named {} on {}.",
                    field.trim_end_matches("__c"),
                    def.name
                ),
            ));
        }
        if !def.fields[i].custom {
            return Err(MetaError::new(
                "FIELD_INTEGRITY_EXCEPTION",
                format!(
                    "{} is a standard field and cannot be changed",
                    def.fields[i].name
                ),
            ));
        }
        fdef.name = def.fields[i].name.clone();
        def.fields[i] = fdef.clone();
    } else {
        def.fields.push(fdef.clone());
    }
    let object_name = def.name.clone();
    let canonical = format!("{object_name}.{}", fdef.name);
    tx.put_object(def.clone());
    let table = if def.custom {
        tooling_record(tx, "CustomObject", &object_name).unwrap_or_else(|| object_name.clone())
    } else {
        object_name.clone()
    };
    let has_records = tx.org().object("CustomField").is_some();
    let id = match tooling_record(tx, "CustomField", &canonical) {
        Some(id) => {
            tx.update(&id, values(&[("Description", meta.text("description"))]))?;
            id
        }
        None if has_records => tx.insert(
            "CustomField",
            values(&[
                (
                    "DeveloperName",
                    Some(fdef.name.trim_end_matches("__c").to_owned()),
                ),
                ("TableEnumOrId", Some(table)),
                ("FullName", Some(canonical)),
                ("Description", meta.text("description")),
            ]),
        )?,
        None => String::new(),
    };
    Ok(Applied {
        id,
        created: existing.is_none(),
        object: object_name,
    })
}

/// Delete the custom field behind the `CustomField` record `id`.
pub fn delete_custom_field(tx: &mut Tx<'_>, id: &str) -> Result<Applied, MetaError> {
    let full = tx
        .org()
        .record(id)
        .filter(|r| !r.is_deleted())
        .map(|r| text(r, "FullName"))
        .ok_or_else(|| MetaError::new("NOT_FOUND", "The requested resource does not exist"))?;
    let (object, field) = split_full_name(&full)?;
    let mut def = data_object(tx, object)?;
    def.fields.retain(|f| !f.name.eq_ignore_ascii_case(field));
    let object = def.name.clone();
    tx.put_object(def);
    tx.delete(id)?;
    Ok(Applied {
        id: id.to_owned(),
        created: false,
        object,
    })
}

/// Create (or relabel) the custom object `name` from its metadata.
pub fn upsert_custom_object(
    tx: &mut Tx<'_>,
    name: &str,
    meta: &Meta,
    must_be_new: bool,
) -> Result<Applied, MetaError> {
    if let Some(existing) = tx.org().object(name).cloned() {
        if must_be_new || !existing.custom {
            return Err(MetaError::new(
                "DUPLICATE_DEVELOPER_NAME",
                format!("The object name {name} is already in use."),
            ));
        }
        let mut def = existing;
        if let Some(l) = meta.text("label") {
            def.label = l;
        }
        if let Some(p) = meta.text("pluralLabel") {
            def.label_plural = p;
        }
        let object = def.name.clone();
        tx.put_object(def);
        let id = tooling_record(tx, "CustomObject", &object).unwrap_or_default();
        if !id.is_empty() {
            tx.update(&id, values(&[("Description", meta.text("description"))]))?;
        }
        return Ok(Applied {
            id,
            created: false,
            object,
        });
    }
    let prefix = next_custom_prefix(tx.org()).ok_or_else(|| {
        MetaError::new("LIMIT_EXCEEDED", "No key prefix is left for a new object")
    })?;
    let audit = tx.org().identity.audit_fields_on_insert;
    let def = object_def(name, meta, &prefix, audit)?;
    let object = def.name.clone();
    tx.put_object(def);
    let id = if tx.org().object("CustomObject").is_some() {
        tx.insert(
            "CustomObject",
            values(&[
                (
                    "DeveloperName",
                    Some(object.trim_end_matches("__c").to_owned()),
                ),
                ("FullName", Some(object.clone())),
                ("Description", meta.text("description")),
            ]),
        )?
    } else {
        String::new()
    };
    Ok(Applied {
        id,
        created: true,
        object,
    })
}

/// Delete the custom object behind the `CustomObject` record `id`, its records and its
/// `CustomField` records.
pub fn delete_custom_object(tx: &mut Tx<'_>, id: &str) -> Result<Applied, MetaError> {
    let name = tx
        .org()
        .record(id)
        .filter(|r| !r.is_deleted())
        .map(|r| text(r, "FullName"))
        .ok_or_else(|| MetaError::new("NOT_FOUND", "The requested resource does not exist"))?;
    let fields: Vec<String> = tx
        .org()
        .records("CustomField")
        .filter(|r| !r.is_deleted() && text(r, "TableEnumOrId") == id)
        .map(|r| r.id().to_owned())
        .collect();
    tx.remove_object(&name);
    for f in fields {
        tx.delete(&f)?;
    }
    tx.delete(id)?;
    Ok(Applied {
        id: id.to_owned(),
        created: false,
        object: name,
    })
}
