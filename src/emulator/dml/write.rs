//! Insert, update and upsert with Salesforce's validation order: field access and value
//! checks, defaults, before-triggers (automation stand-ins), derived and system fields,
//! required fields, then uniqueness.

use std::sync::Arc;

use serde_json::{Map, Value};

use super::automation;
use super::system_fields;
use super::values::coerce;
use super::{DmlError, Tx, UpsertError, Upserted};
use crate::emulator::model::{FieldType, ObjectDef, Record, RuleEvent, ids};

impl Tx<'_> {
    /// Insert with a pre-minted ID (fixture loading).
    pub(crate) fn insert_with_id(
        &mut self,
        object: &str,
        id: &str,
        values: Map<String, Value>,
    ) -> Result<(), Vec<DmlError>> {
        self.insert_inner(object, Some(id.to_owned()), values)
            .map(|_| ())
    }

    /// Insert a record of `object` with `values` (canonical or any-case field names; an
    /// `attributes` key is ignored). Returns the new 18-character ID.
    pub fn insert(
        &mut self,
        object: &str,
        values: Map<String, Value>,
    ) -> Result<String, Vec<DmlError>> {
        self.insert_inner(object, None, values)
    }

    fn def(&self, object: &str) -> Result<Arc<ObjectDef>, Vec<DmlError>> {
        self.org
            .object_arc(object)
            .ok_or_else(|| vec![DmlError::invalid_type(object)])
    }

    /// Check access and convert each client value; collects every problem.
    fn convert(
        &self,
        def: &ObjectDef,
        values: Map<String, Value>,
        inserting: bool,
        record_id: Option<&str>,
    ) -> Result<Map<String, Value>, Vec<DmlError>> {
        let mut out = Map::new();
        let mut errors = Vec::new();
        let mut locked = Vec::new();
        for (k, v) in values {
            if k == "attributes" {
                continue;
            }
            let Some(field) = def.field(&k) else {
                errors.push(DmlError::invalid_field(&k, &def.name));
                continue;
            };
            if field.name == "Id" {
                match (inserting, record_id) {
                    (true, _) => errors.push(DmlError::id_on_insert()),
                    (false, Some(own))
                        if v.as_str().and_then(ids::to18).as_deref() == Some(own) => {}
                    _ => locked.push(field.name.clone()),
                }
                continue;
            }
            let allowed = self.system
                || if inserting {
                    field.createable
                } else {
                    field.updateable
                };
            if !allowed {
                locked.push(field.name.clone());
                continue;
            }
            match coerce(self.org, field, v) {
                Ok(v) => {
                    out.insert(field.name.clone(), v);
                }
                Err(e) => errors.push(e),
            }
        }
        if !locked.is_empty() {
            errors.insert(0, DmlError::not_writable(locked));
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }

    /// Run the before-triggers for `event`, validating what they set like client values.
    fn run_automation(
        &self,
        def: &ObjectDef,
        event: RuleEvent,
        fields: &mut Map<String, Value>,
    ) -> Result<(), Vec<DmlError>> {
        if self.org.automation.is_empty() {
            return Ok(());
        }
        let rules = automation::active_rules(self.org, def, event);
        if rules.is_empty() {
            return Ok(());
        }
        let set = automation::apply(&rules, def, fields);
        let mut errors = Vec::new();
        for name in set {
            let (Some(field), Some(v)) = (def.field(&name), fields.get(&name).cloned()) else {
                continue;
            };
            match coerce(self.org, field, v) {
                Ok(v) => {
                    fields.insert(name, v);
                }
                Err(e) => errors.push(e),
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// `DUPLICATE_VALUE` when a unique field of `fields` is held by another live record.
    pub(super) fn check_unique(
        &self,
        def: &ObjectDef,
        fields: &Map<String, Value>,
        own_id: &str,
        only: Option<&Map<String, Value>>,
    ) -> Result<(), Vec<DmlError>> {
        for f in def.fields.iter().filter(|f| f.unique) {
            if only.is_some_and(|changed| !changed.contains_key(&f.name)) {
                continue;
            }
            let Some(v) = fields.get(&f.name).filter(|v| !v.is_null()) else {
                continue;
            };
            let holders = self
                .org
                .lookup_value(&def.name, &f.name, v)
                .unwrap_or_default();
            if let Some(other) = holders.iter().find(|id| {
                id.as_str() != own_id && self.org.record(id).is_some_and(|r| !r.is_deleted())
            }) {
                return Err(vec![DmlError::duplicate(f, other)]);
            }
        }
        Ok(())
    }

    fn insert_inner(
        &mut self,
        object: &str,
        fixed_id: Option<String>,
        values: Map<String, Value>,
    ) -> Result<String, Vec<DmlError>> {
        let def = self.def(object)?;
        if !def.createable && !self.system {
            return Err(vec![DmlError::invalid_type_for_operation("inserted")]);
        }
        let mut fields = self.convert(&def, values, true, None)?;

        // Defaults for fields the client left out.
        for f in &def.fields {
            if fields.contains_key(&f.name) {
                continue;
            }
            if let Some(d) = &f.default_value
                && !matches!(f.name.as_str(), "IsDeleted")
            {
                fields.insert(f.name.clone(), d.clone());
            } else if let Some(p) = f.picklist_values.iter().find(|p| p.default_value) {
                fields.insert(f.name.clone(), Value::String(p.value.clone()));
            }
        }
        if def.fields.iter().any(|f| f.name == "OwnerId")
            && fields.get("OwnerId").is_none_or(Value::is_null)
        {
            fields.insert("OwnerId".into(), Value::String(self.ctx.user_id.clone()));
        }
        self.run_automation(&def, RuleEvent::Insert, &mut fields)?;
        system_fields::derive(&def, &mut fields);

        let missing: Vec<String> = def
            .fields
            .iter()
            .filter(|f| f.required_on_create() && fields.get(&f.name).is_none_or(Value::is_null))
            .map(|f| f.name.clone())
            .collect();
        if !missing.is_empty() {
            return Err(vec![DmlError::required_missing(missing)]);
        }

        let id = match fixed_id {
            Some(id) => id,
            None => self.org.ids.next_id(&def.key_prefix),
        };
        self.check_unique(&def, &fields, &id, None)?;
        system_fields::auto_numbers(self.org, &def, &mut fields, &self.ctx);
        system_fields::stamp_insert(&def, &mut fields, &self.ctx);
        fields.insert("Id".to_owned(), Value::String(id.clone()));
        self.save_new(&id);
        self.org.put_record(Record {
            object: def.name.clone(),
            fields,
        });
        Ok(id)
    }

    /// Update the record `id` (15 or 18 characters) with `values`.
    pub fn update(&mut self, id: &str, values: Map<String, Value>) -> Result<(), Vec<DmlError>> {
        let id = Self::normalise_id(id)?;
        let rec = self
            .org
            .record(&id)
            .ok_or_else(|| vec![DmlError::entity_is_deleted_or_missing(&id)])?;
        if rec.is_deleted() {
            return Err(vec![DmlError::entity_is_deleted()]);
        }
        let def = self.def(&rec.object)?;
        if !def.updateable && !self.system {
            return Err(vec![DmlError::invalid_type_for_operation("updated")]);
        }
        let changes = self.convert(&def, values, false, Some(&id))?;
        let missing: Vec<String> = def
            .fields
            .iter()
            .filter(|f| {
                !f.nillable
                    && f.ftype != FieldType::Boolean
                    && changes.get(&f.name).is_some_and(Value::is_null)
            })
            .map(|f| f.name.clone())
            .collect();
        if !missing.is_empty() {
            return Err(vec![DmlError::required_missing(missing)]);
        }
        let mut fields = self
            .org
            .record(&id)
            .map(|r| r.fields.clone())
            .unwrap_or_default();
        for (k, v) in &changes {
            fields.insert(k.clone(), v.clone());
        }
        self.run_automation(&def, RuleEvent::Update, &mut fields)?;
        system_fields::derive(&def, &mut fields);
        self.check_unique(&def, &fields, &id, Some(&changes))?;
        system_fields::stamp_update(&def, &mut fields, &self.ctx);
        self.save(&id);
        self.org.put_record(Record {
            object: def.name.clone(),
            fields,
        });
        Ok(())
    }

    /// Upsert on `ext_field` = `ext_value`: update the one live match, insert when none,
    /// refuse when several records match. `ext_field` must be `Id`, an external ID or an
    /// idLookup field.
    pub fn upsert(
        &mut self,
        object: &str,
        ext_field: &str,
        ext_value: &str,
        mut values: Map<String, Value>,
    ) -> Result<Upserted, UpsertError> {
        let def = self.def(object).map_err(UpsertError::Dml)?;
        let field = def
            .field(ext_field)
            .ok_or_else(|| {
                UpsertError::Dml(vec![DmlError::new(
                    "NOT_FOUND",
                    format!(
                        "Provided external ID field does not exist or is not accessible: {ext_field}"
                    ),
                    vec![],
                )])
            })?
            .clone();
        if field.name == "Id" {
            if ext_value.is_empty() {
                let id = self.insert(&def.name, values).map_err(UpsertError::Dml)?;
                return Ok(Upserted { id, created: true });
            }
            let id = Self::normalise_id(ext_value).map_err(UpsertError::Dml)?;
            values.remove("Id");
            self.update(&id, values).map_err(UpsertError::Dml)?;
            return Ok(Upserted { id, created: false });
        }
        if !(field.external_id || field.id_lookup) {
            return Err(UpsertError::Dml(vec![DmlError::new(
                "INVALID_FIELD",
                format!(
                    "Field {} is not an external ID or idLookup field on {}",
                    field.name, def.name
                ),
                vec![field.name.clone()],
            )]));
        }
        let key = Value::String(ext_value.to_owned());
        let candidates = match self.org.lookup_value(&def.name, &field.name, &key) {
            Some(ids) => ids,
            None => self
                .org
                .records(&def.name)
                .filter(|r| {
                    r.get(&field.name)
                        .and_then(Value::as_str)
                        .is_some_and(|v| v.eq_ignore_ascii_case(ext_value))
                })
                .map(|r| r.id().to_owned())
                .collect(),
        };
        let matches: Vec<String> = candidates
            .into_iter()
            .filter(|id| self.org.record(id).is_some_and(|r| !r.is_deleted()))
            .collect();
        // The body may repeat the key field (collections upsert); the path value wins.
        values.retain(|k, _| !k.eq_ignore_ascii_case(&field.name));
        match matches.as_slice() {
            [] => {
                values.insert(field.name.clone(), Value::String(ext_value.to_owned()));
                let id = self.insert(&def.name, values).map_err(UpsertError::Dml)?;
                Ok(Upserted { id, created: true })
            }
            [one] => {
                let id = one.clone();
                self.update(&id, values).map_err(UpsertError::Dml)?;
                Ok(Upserted { id, created: false })
            }
            _ => Err(UpsertError::Multiple(matches)),
        }
    }
}
