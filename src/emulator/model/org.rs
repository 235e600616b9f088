//! The in-memory org: identity, schema and records, with raw (unvalidated) storage operations.
//! Salesforce semantics (validation, system fields, cascades) live in the DML layer above this.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::automation::Rule;
use super::ids::IdGenerator;
use super::index::ValueIndex;
use super::record::Record;
use super::recycle::Deletion;
use super::schema::{ChildRelationship, ObjectDef};

/// Who the org is (from the fixture's `org:` section).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgIdentity {
    /// 18-character organization ID (`00D…`).
    pub id: String,
    /// The organization's name (`Organization.Name`).
    pub name: String,
    /// `Developer Edition`, `Enterprise Edition`, `Unlimited Edition`, …
    pub edition: String,
    /// A sandbox (`Organization.IsSandbox`); production orgs refuse Tooling writes to Apex and
    /// custom fields.
    pub is_sandbox: bool,
    /// Daily API request allowance (`DailyApiRequests.Max`).
    pub daily_api_allowance: u64,
    /// "Set Audit Fields upon Record Creation" is enabled.
    pub audit_fields_on_insert: bool,
}

/// An org's schema and data.
#[derive(Debug, Clone)]
pub struct Org {
    /// Who the org is.
    pub identity: OrgIdentity,
    /// The ID generator; its counter is persisted.
    pub ids: IdGenerator,
    /// The integration (admin) user the emulator runs requests as, once the fixture made it.
    pub integration_user_id: Option<String>,
    /// Automation stand-ins (see [`Rule`]).
    pub automation: Vec<Rule>,
    /// Objects keyed by lower-case API name.
    objects: BTreeMap<String, Arc<ObjectDef>>,
    /// Records per lower-case object name, ordered by ID (creation order for minted IDs).
    tables: HashMap<String, BTreeMap<String, Record>>,
    /// Record ID -> lower-case object name.
    index: HashMap<String, String>,
    /// Unique and external-ID value indexes.
    values: ValueIndex,
    /// Recycle bin entries and tombstones by record ID.
    deletions: HashMap<String, Deletion>,
    /// Last number handed out per auto-number field (`object.field`, lower case).
    auto_numbers: HashMap<String, u64>,
}

impl Org {
    /// An empty org with the given identity; `org_seed` separates the IDs of several emulators.
    pub fn new(identity: OrgIdentity, org_seed: u64) -> Self {
        Self {
            identity,
            ids: IdGenerator::new(org_seed),
            integration_user_id: None,
            automation: Vec::new(),
            objects: BTreeMap::new(),
            tables: HashMap::new(),
            index: HashMap::new(),
            values: ValueIndex::default(),
            deletions: HashMap::new(),
            auto_numbers: HashMap::new(),
        }
    }

    /// Add or replace an object definition, then re-derive every child relationship.
    pub fn put_object(&mut self, def: ObjectDef) {
        let key = def.name.to_ascii_lowercase();
        let table = self.tables.entry(key.clone()).or_default();
        self.values.configure(&def, table.values());
        self.objects.insert(key, Arc::new(def));
        self.derive_child_relationships();
    }

    /// Add or replace several object definitions, deriving child relationships once.
    pub fn put_objects(&mut self, defs: impl IntoIterator<Item = ObjectDef>) {
        for def in defs {
            let key = def.name.to_ascii_lowercase();
            let table = self.tables.entry(key.clone()).or_default();
            self.values.configure(&def, table.values());
            self.objects.insert(key, Arc::new(def));
        }
        self.derive_child_relationships();
    }

    fn derive_child_relationships(&mut self) {
        let mut children: HashMap<String, Vec<ChildRelationship>> = HashMap::new();
        for obj in self.objects.values() {
            for f in obj.fields.iter().filter(|f| f.is_reference()) {
                for target in &f.reference_to {
                    let rel_name = if f.child_relationship_unnamed {
                        None
                    } else {
                        f.child_relationship_name.clone().or_else(|| {
                            f.relationship_name.as_ref().map(|_| {
                                if f.custom {
                                    format!("{}__r", plural(obj.name.trim_end_matches("__c")))
                                } else {
                                    plural(&obj.name)
                                }
                            })
                        })
                    };
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
            let rels = children.remove(key).unwrap_or_default();
            if obj.child_relationships != rels {
                Arc::make_mut(obj).child_relationships = rels;
            }
        }
    }

    /// Remove an object and all its records (for Tooling deletes of custom objects).
    pub fn remove_object(&mut self, name: &str) -> Option<Arc<ObjectDef>> {
        let key = name.to_ascii_lowercase();
        let def = self.objects.remove(&key)?;
        if let Some(table) = self.tables.remove(&key) {
            for id in table.keys() {
                self.index.remove(id);
            }
        }
        self.values.configure(&def, std::iter::empty());
        self.derive_child_relationships();
        Some(def)
    }

    /// The object called `name` (case-insensitive).
    pub fn object(&self, name: &str) -> Option<&ObjectDef> {
        self.objects
            .get(&name.to_ascii_lowercase())
            .map(Arc::as_ref)
    }

    /// A shared handle on the object called `name`: cheap to clone, for writers that need the
    /// definition while mutating records.
    pub fn object_arc(&self, name: &str) -> Option<Arc<ObjectDef>> {
        self.objects.get(&name.to_ascii_lowercase()).cloned()
    }

    /// Every object, ordered by lower-case name.
    pub fn objects(&self) -> impl Iterator<Item = &ObjectDef> {
        self.objects.values().map(Arc::as_ref)
    }

    /// The object whose IDs start with `prefix`.
    pub fn object_by_prefix(&self, prefix: &str) -> Option<&ObjectDef> {
        self.objects
            .values()
            .find(|o| o.key_prefix == prefix)
            .map(Arc::as_ref)
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

    /// Mutable access to a stored record. Callers must not change unique or external-ID
    /// field values through it (the value indexes would go stale): use
    /// [`Org::put_record`] for those.
    pub fn record_mut(&mut self, id: &str) -> Option<&mut Record> {
        let obj = self.index.get(id)?;
        self.tables.get_mut(obj)?.get_mut(id)
    }

    /// Store a record as is (no validation), replacing one with the same ID.
    pub fn put_record(&mut self, record: Record) {
        let obj = record.object.to_ascii_lowercase();
        let id = record.id().to_owned();
        let table = self.tables.entry(obj.clone()).or_default();
        if let Some(old) = table.remove(&id) {
            self.values.remove(&obj, &old);
        }
        self.values.add(&obj, &record);
        table.insert(id.clone(), record);
        self.index.insert(id, obj);
    }

    /// Remove a record for good (hard delete, recycle bin purge).
    pub fn remove_record(&mut self, id: &str) -> Option<Record> {
        let obj = self.index.remove(id)?;
        let rec = self.tables.get_mut(&obj)?.remove(id)?;
        self.values.remove(&obj, &rec);
        Some(rec)
    }

    /// IDs of records of `object` (deleted ones included) whose unique or external-ID `field`
    /// holds `value` (text compared case-insensitively unless the field is case-sensitive);
    /// `None` when the field is not indexed.
    pub fn lookup_value(&self, object: &str, field: &str, value: &Value) -> Option<Vec<String>> {
        self.values
            .lookup(&object.to_ascii_lowercase(), field, value)
    }

    /// Whether `field` of `object` has a value index (unique or external ID).
    pub fn is_indexed(&self, object: &str, field: &str) -> bool {
        self.values.is_indexed(&object.to_ascii_lowercase(), field)
    }

    /// The recycle-bin entry or tombstone of a record.
    pub fn deletion(&self, id: &str) -> Option<&Deletion> {
        self.deletions.get(id)
    }

    /// Set or clear the recycle-bin entry or tombstone of a record.
    pub fn set_deletion(&mut self, id: &str, deletion: Option<Deletion>) {
        match deletion {
            Some(d) => {
                self.deletions.insert(id.to_owned(), d);
            }
            None => {
                self.deletions.remove(id);
            }
        }
    }

    /// Every recycle-bin entry and tombstone, by record ID (unordered).
    pub fn deletions(&self) -> impl Iterator<Item = (&String, &Deletion)> {
        self.deletions.iter()
    }

    /// The next number of an auto-number field (numbers are never handed out twice, even when
    /// the insert that took one is rolled back — Salesforce leaves gaps the same way).
    pub fn next_auto_number(&mut self, object: &str, field: &str) -> u64 {
        let key = format!("{object}.{field}").to_ascii_lowercase();
        let n = self.auto_numbers.entry(key).or_insert(0);
        *n += 1;
        *n
    }

    /// The auto-number counters (`object.field` -> last number), for persistence.
    pub fn auto_numbers(&self) -> &HashMap<String, u64> {
        &self.auto_numbers
    }

    /// Restore the auto-number counters (after loading from disk).
    pub fn set_auto_numbers(&mut self, counters: HashMap<String, u64>) {
        self.auto_numbers = counters;
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
