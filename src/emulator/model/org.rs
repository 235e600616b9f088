//! The in-memory org: identity, schema and records, with raw (unvalidated) storage operations.
//! Salesforce semantics (validation, system fields, cascades) live in the DML layer above this.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::ids::IdGenerator;
use super::record::Record;
use super::schema::{ChildRelationship, ObjectDef};

/// Who the org is (from the fixture's `org:` section).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgIdentity {
    /// 18-character organization ID (`00D…`).
    pub id: String,
    pub name: String,
    /// `Developer Edition`, `Enterprise Edition`, `Unlimited Edition`, …
    pub edition: String,
    pub is_sandbox: bool,
    /// Daily API request allowance (`DailyApiRequests.Max`).
    pub daily_api_allowance: u64,
    /// "Set Audit Fields upon Record Creation" is enabled.
    pub audit_fields_on_insert: bool,
}

/// An org's schema and data.
#[derive(Debug, Clone)]
pub struct Org {
    pub identity: OrgIdentity,
    pub ids: IdGenerator,
    /// Objects keyed by lower-case API name.
    objects: BTreeMap<String, ObjectDef>,
    /// Records per lower-case object name, ordered by ID (creation order for minted IDs).
    tables: HashMap<String, BTreeMap<String, Record>>,
    /// Record ID -> lower-case object name.
    index: HashMap<String, String>,
}

impl Org {
    /// An empty org with the given identity; `org_seed` separates the IDs of several emulators.
    pub fn new(identity: OrgIdentity, org_seed: u64) -> Self {
        Self {
            identity,
            ids: IdGenerator::new(org_seed),
            objects: BTreeMap::new(),
            tables: HashMap::new(),
            index: HashMap::new(),
        }
    }

    /// Add or replace an object definition, then re-derive every child relationship.
    pub fn put_object(&mut self, def: ObjectDef) {
        let key = def.name.to_ascii_lowercase();
        self.tables.entry(key.clone()).or_default();
        self.objects.insert(key, def);
        self.derive_child_relationships();
    }

    fn derive_child_relationships(&mut self) {
        let mut children: HashMap<String, Vec<ChildRelationship>> = HashMap::new();
        for obj in self.objects.values() {
            for f in obj.fields.iter().filter(|f| f.is_reference()) {
                for target in &f.reference_to {
                    let rel_name = f.child_relationship_name.clone().or_else(|| {
                        f.relationship_name.as_ref().map(|_| {
                            if f.custom {
                                format!("{}__r", plural(obj.name.trim_end_matches("__c")))
                            } else {
                                plural(&obj.name)
                            }
                        })
                    });
                    children
                        .entry(target.to_ascii_lowercase())
                        .or_default()
                        .push(ChildRelationship {
                            child_sobject: obj.name.clone(),
                            field: f.name.clone(),
                            relationship_name: rel_name,
                            cascade_delete: f.cascade_delete,
                            restricted_delete: f.restricted_delete,
                        });
                }
            }
        }
        for (key, obj) in self.objects.iter_mut() {
            obj.child_relationships = children.remove(key).unwrap_or_default();
        }
    }

    /// The object called `name` (case-insensitive).
    pub fn object(&self, name: &str) -> Option<&ObjectDef> {
        self.objects.get(&name.to_ascii_lowercase())
    }

    /// Every object, ordered by lower-case name.
    pub fn objects(&self) -> impl Iterator<Item = &ObjectDef> {
        self.objects.values()
    }

    /// The object whose IDs start with `prefix`.
    pub fn object_by_prefix(&self, prefix: &str) -> Option<&ObjectDef> {
        self.objects.values().find(|o| o.key_prefix == prefix)
    }

    /// Every stored record of `object`, deleted ones included, in ID order.
    pub fn records(&self, object: &str) -> impl Iterator<Item = &Record> {
        self.tables
            .get(&object.to_ascii_lowercase())
            .into_iter()
            .flat_map(|t| t.values())
    }

    /// Number of stored records of `object`, deleted ones included.
    pub fn record_count(&self, object: &str) -> usize {
        self.tables
            .get(&object.to_ascii_lowercase())
            .map_or(0, BTreeMap::len)
    }

    /// The record with this 18-character ID, of any object, deleted or not.
    pub fn record(&self, id: &str) -> Option<&Record> {
        let obj = self.index.get(id)?;
        self.tables.get(obj)?.get(id)
    }

    /// Mutable access to a stored record.
    pub fn record_mut(&mut self, id: &str) -> Option<&mut Record> {
        let obj = self.index.get(id)?;
        self.tables.get_mut(obj)?.get_mut(id)
    }

    /// Store a record as is (no validation), replacing one with the same ID.
    pub fn put_record(&mut self, record: Record) {
        let obj = record.object.to_ascii_lowercase();
        let id = record.id().to_owned();
        self.index.insert(id.clone(), obj.clone());
        self.tables.entry(obj).or_default().insert(id, record);
    }

    /// Remove a record for good (hard delete, recycle bin purge).
    pub fn remove_record(&mut self, id: &str) -> Option<Record> {
        let obj = self.index.remove(id)?;
        self.tables.get_mut(&obj)?.remove(id)
    }
}

/// English plural of a standard object name, as Salesforce names child relationships
/// (`Contact` -> `Contacts`, `Opportunity` -> `Opportunities`, `Case` -> `Cases`).
pub fn plural(name: &str) -> String {
    if let Some(stem) = name.strip_suffix('y')
        && !stem.ends_with(['a', 'e', 'o', 'u'])
    {
        return format!("{stem}ies");
    }
    if name.ends_with('s') || name.ends_with("sh") || name.ends_with("ch") || name.ends_with('x') {
        return format!("{name}es");
    }
    format!("{name}s")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plural_follows_salesforce_child_relationship_names() {
        assert_eq!(plural("Contact"), "Contacts");
        assert_eq!(plural("Opportunity"), "Opportunities");
        assert_eq!(plural("Case"), "Cases");
        assert_eq!(plural("Address"), "Addresses");
    }
}
