//! Applying the rows of an ingest job through `dml::Tx`, each row its own outcome (Bulk is
//! never all-or-none).
//!
//! CSV conventions (Bulk API "Valid CSV Record Rows", developer.salesforce.com
//! `datafiles_csv_valid_record_rows`): an empty value is ignored (the field is left unchanged
//! on update and defaulted on insert), `#N/A` sets the field to null, dates and datetimes are
//! ISO-8601, and a relationship column `Account.Ext__c` (or polymorphic `Owner:User.Username`)
//! sets the lookup to the record whose external ID or idLookup field holds the value.

use serde_json::{Map, Value};

use super::csv::Table;
use super::jobs::Operation;
use crate::emulator::dml::{DmlError, Tx, UpsertError};
use crate::emulator::model::{ObjectDef, Org, ids};

/// Rows written per transaction (and per hold of the org lock).
pub const CHUNK: usize = 2000;

/// The outcome of one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowResult {
    /// Written: the record ID and whether it was created.
    Ok {
        /// 18-character ID.
        id: String,
        /// Inserted (`sf__Created`).
        created: bool,
    },
    /// Refused: the input ID (when any) and the `sf__Error` text.
    Err {
        /// The row's `Id` value, or empty.
        id: String,
        /// `CODE:message:fields --`.
        error: String,
    },
}

/// An ingest job's input and the outcome of each processed row; rows past `results.len()`
/// were never processed.
#[derive(Debug, Clone, Default)]
pub struct IngestOutcome {
    /// The uploaded CSV.
    pub table: Table,
    /// One outcome per processed row, in input order.
    pub results: Vec<RowResult>,
}

/// What one CSV column writes.
#[derive(Debug, Clone)]
enum Column {
    /// The record ID.
    Id,
    /// A field, by canonical name.
    Field(String),
    /// A lookup set through the target's external ID.
    Relation {
        field: String,
        target: String,
        ext: String,
    },
}

/// The columns of a job's CSV resolved against its object.
#[derive(Debug, Clone)]
pub struct Plan {
    object: String,
    operation: Operation,
    external_id: Option<String>,
    columns: Vec<Column>,
}

/// The job-level `errorMessage` for a header Salesforce cannot map (Bulk API's
/// "InvalidBatch : Field name not found : X").
fn field_not_found(name: &str) -> String {
    format!("InvalidBatch : Field name not found : {name}")
}

impl Plan {
    /// Resolve `headers` for `operation` on `object`; `Err` is the job's `errorMessage`.
    pub fn new(
        org: &Org,
        object: &str,
        operation: Operation,
        external_id: Option<&str>,
        headers: &[String],
    ) -> Result<Self, String> {
        let def = org
            .object(object)
            .filter(|o| !o.tooling)
            .ok_or_else(|| format!("InvalidJob : Unable to find object: {object}"))?;
        let columns = headers
            .iter()
            .map(|h| column(org, def, h.trim()).ok_or_else(|| field_not_found(h)))
            .collect::<Result<Vec<_>, _>>()?;
        let external_id =
            external_id.map(|e| def.field(e).map(|f| f.name.clone()).unwrap_or(e.to_owned()));
        Ok(Self {
            object: def.name.clone(),
            operation,
            external_id,
            columns,
        })
    }

    /// Apply one row inside `tx`.
    pub fn apply(&self, tx: &mut Tx<'_>, row: &[String]) -> RowResult {
        let mut input_id = String::new();
        let mut values = Map::new();
        let mut errors = Vec::new();
        for (col, cell) in self.columns.iter().zip(row) {
            match col {
                Column::Id => input_id = cell.trim().to_owned(),
                _ if cell.is_empty() => {}
                Column::Field(name) => {
                    values.insert(name.clone(), cell_value(cell));
                }
                Column::Relation { field, target, ext } => {
                    if cell == "#N/A" {
                        values.insert(field.clone(), Value::Null);
                        continue;
                    }
                    match resolve(tx.org(), target, ext, cell) {
                        Ok(id) => {
                            values.insert(field.clone(), Value::String(id));
                        }
                        Err(e) => errors.push(e),
                    }
                }
            }
        }
        if !errors.is_empty() {
            return fail(input_id, &errors);
        }
        match self.write(tx, &input_id, values) {
            Ok((id, created)) => RowResult::Ok { id, created },
            Err(errors) => fail(input_id, &errors),
        }
    }

    fn write(
        &self,
        tx: &mut Tx<'_>,
        input_id: &str,
        mut values: Map<String, Value>,
    ) -> Result<(String, bool), Vec<DmlError>> {
        let need_id = || {
            if input_id.is_empty() {
                Err(vec![DmlError::new(
                    "MISSING_ARGUMENT",
                    "Id not specified in an update call",
                    vec![],
                )])
            } else {
                Ok(input_id)
            }
        };
        match self.operation {
            Operation::Insert => {
                if !input_id.is_empty() {
                    values.insert("Id".into(), Value::String(input_id.to_owned()));
                }
                tx.insert(&self.object, values).map(|id| (id, true))
            }
            Operation::Update => {
                let id = need_id()?;
                tx.update(id, values)?;
                Ok((normalised(id), false))
            }
            Operation::Delete => {
                let id = need_id()?;
                tx.delete(id)?;
                Ok((normalised(id), false))
            }
            Operation::HardDelete => {
                let id = need_id()?;
                tx.hard_delete(id)?;
                Ok((normalised(id), false))
            }
            Operation::Upsert => self.upsert(tx, input_id, values),
            Operation::Query | Operation::QueryAll => Err(vec![DmlError::new(
                "INVALID_OPERATION",
                "not an ingest operation",
                vec![],
            )]),
        }
    }

    fn upsert(
        &self,
        tx: &mut Tx<'_>,
        input_id: &str,
        mut values: Map<String, Value>,
    ) -> Result<(String, bool), Vec<DmlError>> {
        let field = self.external_id.clone().unwrap_or_else(|| "Id".to_owned());
        let key = if field == "Id" {
            input_id.to_owned()
        } else {
            match values.remove(&field) {
                Some(Value::String(s)) => s,
                _ => {
                    return Err(vec![DmlError::new(
                        "MISSING_ARGUMENT",
                        format!("{field} not specified"),
                        vec![field.clone()],
                    )]);
                }
            }
        };
        match tx.upsert(&self.object, &field, &key, values) {
            Ok(u) => Ok((u.id, u.created)),
            Err(UpsertError::Multiple(found)) => Err(vec![DmlError::new(
                "DUPLICATE_EXTERNAL_ID",
                format!(
                    "{field}: more than one record found for external id field: [{}]",
                    found.join(", ")
                ),
                vec![field.clone()],
            )]),
            Err(UpsertError::Dml(e)) => Err(e),
        }
    }
}

/// The column a header names, or `None` when the object has no such field.
fn column(org: &Org, def: &ObjectDef, header: &str) -> Option<Column> {
    if header.eq_ignore_ascii_case("Id") {
        return Some(Column::Id);
    }
    let Some((rel, ext)) = header.split_once('.') else {
        return def.field(header).map(|f| Column::Field(f.name.clone()));
    };
    let (rel, explicit_type) = match rel.split_once(':') {
        Some((r, t)) => (r, Some(t)),
        None => (rel, None),
    };
    let lookup = def.relationship(rel)?;
    let target = match explicit_type {
        Some(t) => lookup
            .reference_to
            .iter()
            .find(|r| r.eq_ignore_ascii_case(t))?,
        None => lookup.reference_to.first()?,
    };
    let target_def = org.object(target)?;
    let ext_field = target_def
        .field(ext)
        .filter(|f| f.external_id || f.id_lookup)?;
    Some(Column::Relation {
        field: lookup.name.clone(),
        target: target_def.name.clone(),
        ext: ext_field.name.clone(),
    })
}

/// A CSV cell as a client value: `#N/A` is null, anything else text (the DML layer converts
/// text to numbers, booleans, dates and datetimes).
fn cell_value(cell: &str) -> Value {
    if cell == "#N/A" {
        Value::Null
    } else {
        Value::String(cell.to_owned())
    }
}

/// The live record of `target` whose `ext` field holds `value`.
fn resolve(org: &Org, target: &str, ext: &str, value: &str) -> Result<String, DmlError> {
    let key = Value::String(value.to_owned());
    let candidates: Vec<String> = if ext == "Id" {
        ids::to18(value).into_iter().collect()
    } else {
        org.lookup_value(target, ext, &key).unwrap_or_else(|| {
            org.records(target)
                .filter(|r| {
                    r.get(ext)
                        .and_then(Value::as_str)
                        .is_some_and(|v| v.eq_ignore_ascii_case(value))
                })
                .map(|r| r.id().to_owned())
                .collect()
        })
    };
    let live: Vec<String> = candidates
        .into_iter()
        .filter(|id| org.record(id).is_some_and(|r| !r.is_deleted()))
        .collect();
    match live.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(DmlError::new(
            "INVALID_FIELD",
            format!(
                "Foreign key external ID: {value} not found for field {ext} in entity {target}"
            ),
            vec![],
        )),
        _ => Err(DmlError::new(
            "INVALID_FIELD",
            format!(
                "Foreign key external ID: {value} matches more than one record for field {ext} in entity {target}"
            ),
            vec![],
        )),
    }
}

fn normalised(id: &str) -> String {
    ids::to18(id).unwrap_or_else(|| id.to_owned())
}

fn fail(input_id: String, errors: &[DmlError]) -> RowResult {
    RowResult::Err {
        id: if input_id.is_empty() {
            input_id
        } else {
            normalised(&input_id)
        },
        error: error_text(errors),
    }
}

/// `sf__Error` text: `REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name --`,
/// several errors joined by `;`.
pub fn error_text(errors: &[DmlError]) -> String {
    errors
        .iter()
        .map(|e| {
            if e.fields.is_empty() {
                format!("{}:{}:--", e.status_code, e.message)
            } else {
                format!("{}:{}:{} --", e.status_code, e.message, e.fields.join(","))
            }
        })
        .collect::<Vec<_>>()
        .join(";")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_text_matches_the_bulk_results_format() {
        let e = DmlError::new(
            "REQUIRED_FIELD_MISSING",
            "Required fields are missing: [Name]",
            vec!["Name".into()],
        );
        assert_eq!(
            error_text(&[e]),
            "REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name --"
        );
        let e = DmlError::new("ENTITY_IS_DELETED", "entity is deleted", vec![]);
        assert_eq!(error_text(&[e]), "ENTITY_IS_DELETED:entity is deleted:--");
    }

    #[test]
    fn na_is_null_and_text_stays_text() {
        assert_eq!(cell_value("#N/A"), Value::Null);
        assert_eq!(cell_value("12"), Value::String("12".into()));
    }
}
