//! Value indexes for unique and external-ID fields, so duplicate checks and upsert matches
//! are hash lookups instead of scans.

use std::collections::HashMap;

use serde_json::Value;

use super::record::Record;
use super::schema::ObjectDef;

/// One indexed field: value key -> IDs of the records (deleted ones included) holding it.
#[derive(Debug, Clone, Default)]
struct FieldIndex {
    field: String,
    case_sensitive: bool,
    ids: HashMap<String, Vec<String>>,
}

/// The value indexes of every object, keyed by lower-case object name.
#[derive(Debug, Clone, Default)]
pub(crate) struct ValueIndex {
    objects: HashMap<String, Vec<FieldIndex>>,
}

/// The index key of a value: text folded to lower case unless the field is case-sensitive.
pub(crate) fn value_key(value: &Value, case_sensitive: bool) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) if s.is_empty() => None,
        Value::String(s) if case_sensitive => Some(s.clone()),
        Value::String(s) => Some(s.to_lowercase()),
        other => Some(other.to_string()),
    }
}

impl ValueIndex {
    /// (Re)build the indexes of `def` from its stored records.
    pub fn configure<'a>(&mut self, def: &ObjectDef, records: impl Iterator<Item = &'a Record>) {
        let mut fields: Vec<FieldIndex> = def
            .fields
            .iter()
            .filter(|f| f.unique || f.external_id)
            .map(|f| FieldIndex {
                field: f.name.clone(),
                case_sensitive: f.case_sensitive,
                ids: HashMap::new(),
            })
            .collect();
        for rec in records {
            for fi in &mut fields {
                add_to(fi, rec);
            }
        }
        self.objects.insert(def.name.to_ascii_lowercase(), fields);
    }

    /// Index a stored record.
    pub fn add(&mut self, object_key: &str, rec: &Record) {
        if let Some(fields) = self.objects.get_mut(object_key) {
            for fi in fields {
                add_to(fi, rec);
            }
        }
    }

    /// Forget a stored record.
    pub fn remove(&mut self, object_key: &str, rec: &Record) {
        let Some(fields) = self.objects.get_mut(object_key) else {
            return;
        };
        for fi in fields {
            let Some(key) = rec
                .get(&fi.field)
                .and_then(|v| value_key(v, fi.case_sensitive))
            else {
                continue;
            };
            if let Some(ids) = fi.ids.get_mut(&key) {
                ids.retain(|id| id != rec.id());
                if ids.is_empty() {
                    fi.ids.remove(&key);
                }
            }
        }
    }

    /// Whether `field` of the object is indexed.
    pub fn is_indexed(&self, object_key: &str, field: &str) -> bool {
        self.objects
            .get(object_key)
            .is_some_and(|f| f.iter().any(|fi| fi.field == field))
    }

    /// IDs of records (deleted ones included) whose `field` holds `value`; `None` when the
    /// field is not indexed.
    pub fn lookup(&self, object_key: &str, field: &str, value: &Value) -> Option<Vec<String>> {
        let fi = self
            .objects
            .get(object_key)?
            .iter()
            .find(|fi| fi.field == field)?;
        Some(
            value_key(value, fi.case_sensitive)
                .and_then(|k| fi.ids.get(&k).cloned())
                .unwrap_or_default(),
        )
    }
}

fn add_to(fi: &mut FieldIndex, rec: &Record) {
    if let Some(key) = rec
        .get(&fi.field)
        .and_then(|v| value_key(v, fi.case_sensitive))
    {
        fi.ids.entry(key).or_default().push(rec.id().to_owned());
    }
}
