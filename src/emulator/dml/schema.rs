//! Schema changes inside a transaction (Tooling `CustomField` / `CustomObject` writes and
//! Metadata API deploys): the previous object definition is kept so a rollback restores it,
//! after the record undo steps (records first, then the definitions that index them).

use std::sync::Arc;

use super::Tx;
use crate::emulator::model::ObjectDef;

/// One object definition as it was before a schema change (`None`: it did not exist).
#[derive(Debug)]
pub(super) struct SchemaUndo {
    name: String,
    before: Option<Arc<ObjectDef>>,
}

impl Tx<'_> {
    /// Add or replace an object definition; rolled back with the transaction.
    pub fn put_object(&mut self, def: ObjectDef) {
        let before = self.org.object_arc(&def.name);
        self.schema_undo.push(SchemaUndo {
            name: def.name.clone(),
            before,
        });
        self.org.put_object(def);
    }

    /// Remove an object and its records; rolled back with the transaction.
    pub fn remove_object(&mut self, name: &str) {
        let Some(before) = self.org.object_arc(name) else {
            return;
        };
        let ids: Vec<String> = self.org.records(name).map(|r| r.id().to_owned()).collect();
        for id in &ids {
            self.save(id);
        }
        self.schema_undo.push(SchemaUndo {
            name: before.name.clone(),
            before: Some(before),
        });
        self.org.remove_object(name);
    }

    pub(super) fn undo_schema(&mut self) {
        while let Some(step) = self.schema_undo.pop() {
            match step.before {
                Some(def) => self.org.put_object(def.as_ref().clone()),
                None => {
                    self.org.remove_object(&step.name);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::emulator::dml::{Ctx, Tx};
    use crate::emulator::model::{FieldDef, FieldType, ObjectDef, Org, OrgIdentity};

    fn org() -> Org {
        let mut org = Org::new(
            OrgIdentity {
                id: "00D000000000001AAA".into(),
                name: "T".into(),
                edition: "Developer Edition".into(),
                is_sandbox: true,
                daily_api_allowance: 100,
                audit_fields_on_insert: false,
            },
            1,
        );
        let mut def = ObjectDef::new("Thing__c", "a00");
        def.fields.push(FieldDef::new("Id", FieldType::Id));
        org.put_object(def);
        org
    }

    fn ctx() -> Ctx {
        Ctx {
            user_id: "005000000000001AAA".into(),
            now: chrono::Utc::now(),
        }
    }

    #[test]
    fn rollback_restores_changed_added_and_removed_objects() {
        let mut org = org();
        {
            let mut tx = Tx::begin(&mut org, ctx());
            let mut changed = tx.org().object("Thing__c").unwrap().clone();
            changed
                .fields
                .push(FieldDef::new("Extra__c", FieldType::String));
            tx.put_object(changed);
            tx.put_object(ObjectDef::new("New__c", "a01"));
            assert!(tx.org().object("New__c").is_some());
            tx.rollback();
        }
        assert!(org.object("New__c").is_none());
        assert!(org.object("Thing__c").unwrap().field("Extra__c").is_none());
        {
            let mut tx = Tx::begin(&mut org, ctx());
            tx.remove_object("Thing__c");
            assert!(tx.org().object("Thing__c").is_none());
        }
        assert!(
            org.object("Thing__c").is_some(),
            "dropping the tx rolls back"
        );
    }
}
