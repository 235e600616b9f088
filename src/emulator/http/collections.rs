//! sObject Collections `composite/sobjects` (salesforce-api.md §8.1): create, update, delete,
//! upsert by external ID and retrieve, 200 records per call, per-record results with
//! `statusCode` errors, and `allOrNone` rollback with `ALL_OR_NONE_OPERATION_ROLLED_BACK`.

use serde_json::{Map, Value, json};

use super::call::{Call, Exec, bad_request};
use super::describe::rest_object;
use super::errors::{ApiError, record_error, rolled_back};
use super::reply::Reply;
use super::sobjects::{canonical_fields, live_record, record_json, take_id, value_text};
use crate::emulator::dml::{DmlError, Tx, UpsertError};
use crate::emulator::model::ids;

/// Most records per write call.
pub const MAX_RECORDS: usize = 200;
/// Most IDs per retrieve call.
pub const MAX_RETRIEVE: usize = 2000;

/// A row that succeeded.
struct RowOk {
    id: String,
    created: Option<bool>,
}

type Row = Result<RowOk, Vec<DmlError>>;

const ROLLBACK_MARKER: &str = "__ALL_OR_NONE_ROLLBACK__";

fn too_many() -> ApiError {
    bad_request(
        "EXCEEDED_ID_LIMIT",
        "record limit reached. cannot submit more than 200 records into this call",
    )
}

fn body_records(call: &Call) -> Result<(bool, Vec<Value>), ApiError> {
    let body = call.json_object()?;
    let all_or_none = body
        .get("allOrNone")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let records = match body.get("records") {
        Some(Value::Array(a)) => a.clone(),
        None | Some(Value::Null) => Vec::new(),
        Some(_) => {
            return Err(ApiError::json_parser(
                "Cannot deserialize instance of list from a non-array value",
            ));
        }
    };
    if records.len() > MAX_RECORDS {
        return Err(too_many());
    }
    Ok((all_or_none, records))
}

/// Run `op` for every row in one transaction; with `all_or_none`, any failure rolls all back.
/// Returns the rows and whether they were rolled back.
fn run_rows(
    exec: &mut Exec<'_, '_>,
    user_id: &str,
    all_or_none: bool,
    count: usize,
    mut op: impl FnMut(&mut Tx<'_>, usize) -> Row,
) -> Result<(Vec<Row>, bool), ApiError> {
    let mut rows = Vec::with_capacity(count);
    let out = exec.write(user_id, |tx| {
        for i in 0..count {
            rows.push(op(tx, i));
        }
        if all_or_none && rows.iter().any(Result::is_err) {
            Err(bad_request(ROLLBACK_MARKER, ""))
        } else {
            Ok(())
        }
    });
    match out {
        Ok(()) => Ok((rows, false)),
        Err(e) if e.code() == ROLLBACK_MARKER => Ok((rows, true)),
        Err(e) => Err(e),
    }
}

/// Render rows; failed rows keep their input ID (update, delete) when `input_ids` has one.
fn render(rows: Vec<Row>, rolled: bool, input_ids: &[Option<String>]) -> Reply {
    let out: Vec<Value> = rows
        .into_iter()
        .enumerate()
        .map(|(i, row)| {
            let mut m = Map::new();
            let input_id = input_ids.get(i).cloned().flatten();
            match row {
                Ok(ok) if !rolled => {
                    m.insert("id".into(), json!(ok.id));
                    m.insert("success".into(), json!(true));
                    m.insert("errors".into(), json!([]));
                    if let Some(c) = ok.created {
                        m.insert("created".into(), json!(c));
                    }
                }
                Ok(_) => {
                    if let Some(id) = input_id {
                        m.insert("id".into(), json!(id));
                    }
                    m.insert("success".into(), json!(false));
                    m.insert("errors".into(), json!([record_error(&rolled_back())]));
                }
                Err(errors) => {
                    if let Some(id) = input_id {
                        m.insert("id".into(), json!(id));
                    }
                    m.insert("success".into(), json!(false));
                    let errs: Vec<Value> = errors.iter().map(record_error).collect();
                    m.insert("errors".into(), Value::Array(errs));
                }
            }
            Value::Object(m)
        })
        .collect();
    Reply::ok(Value::Array(out))
}

/// The `attributes.type` of a record and its values without `attributes`.
fn typed(rec: &Value) -> Result<(String, Map<String, Value>), DmlError> {
    let Value::Object(m) = rec else {
        return Err(DmlError::new(
            "JSON_PARSER_ERROR",
            "Each record must be a JSON object",
            vec![],
        ));
    };
    let mut m = m.clone();
    let ty = m
        .remove("attributes")
        .and_then(|a| a.get("type").and_then(Value::as_str).map(str::to_owned))
        .ok_or_else(|| {
            DmlError::new(
                "INVALID_TYPE",
                "No SObject Type defined in attributes of the record",
                vec![],
            )
        })?;
    Ok((ty, m))
}

/// `POST composite/sobjects`.
pub fn create(exec: &mut Exec<'_, '_>, call: &Call) -> Result<Reply, ApiError> {
    let (all_or_none, records) = body_records(call)?;
    let (rows, rolled) = run_rows(exec, &call.user_id, all_or_none, records.len(), |tx, i| {
        let (ty, mut values) = typed(&records[i]).map_err(|e| vec![e])?;
        if take_id(&mut values, None).is_err() {
            return Err(vec![DmlError::new(
                "INVALID_FIELD",
                "cannot specify Id in an insert call",
                vec!["Id".into()],
            )]);
        }
        tx.insert(&ty, values).map(|id| RowOk { id, created: None })
    })?;
    Ok(render(rows, rolled, &[]))
}

fn record_id(values: &mut Map<String, Value>) -> Result<String, DmlError> {
    let key = values
        .keys()
        .find(|k| k.eq_ignore_ascii_case("Id"))
        .cloned();
    let raw = key
        .and_then(|k| values.remove(&k))
        .and_then(|v| v.as_str().map(str::to_owned))
        .ok_or_else(|| {
            DmlError::new(
                "MISSING_ARGUMENT",
                "Id not specified in an update call",
                vec![],
            )
        })?;
    ids::to18(&raw)
        .ok_or_else(|| DmlError::new("MALFORMED_ID", format!("malformed id {raw}"), vec![]))
}

/// `PATCH composite/sobjects`.
pub fn update(exec: &mut Exec<'_, '_>, call: &Call) -> Result<Reply, ApiError> {
    let (all_or_none, records) = body_records(call)?;
    let input_ids: Vec<Option<String>> = records
        .iter()
        .map(|r| {
            r.as_object().and_then(|m| {
                m.iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case("Id"))
                    .and_then(|(_, v)| v.as_str())
                    .map(|s| ids::to18(s).unwrap_or_else(|| s.to_owned()))
            })
        })
        .collect();
    let (rows, rolled) = run_rows(exec, &call.user_id, all_or_none, records.len(), |tx, i| {
        let (_ty, mut values) = typed(&records[i]).map_err(|e| vec![e])?;
        let id = record_id(&mut values).map_err(|e| vec![e])?;
        tx.update(&id, values).map(|()| RowOk { id, created: None })
    })?;
    Ok(render(rows, rolled, &input_ids))
}

/// `DELETE composite/sobjects?ids=…&allOrNone=…`.
pub fn delete(exec: &mut Exec<'_, '_>, call: &Call) -> Result<Reply, ApiError> {
    let list: Vec<String> = call
        .param("ids")
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    if list.is_empty() {
        return Err(bad_request(
            "REQUIRED_FIELD_MISSING",
            "At least 1 Id is required.",
        ));
    }
    if list.len() > MAX_RECORDS {
        return Err(too_many());
    }
    let all_or_none = call.param("allOrNone") == Some("true");
    let input_ids: Vec<Option<String>> = list
        .iter()
        .map(|s| Some(ids::to18(s).unwrap_or_else(|| s.clone())))
        .collect();
    let (rows, rolled) = run_rows(exec, &call.user_id, all_or_none, list.len(), |tx, i| {
        let raw = &list[i];
        let id = ids::to18(raw).ok_or_else(|| {
            vec![DmlError::new(
                "MALFORMED_ID",
                format!("malformed id {raw}"),
                vec![],
            )]
        })?;
        tx.delete(&id).map(|()| RowOk { id, created: None })
    })?;
    Ok(render(rows, rolled, &input_ids))
}

/// `PATCH composite/sobjects/{X}/{ExtField}`: upsert, results carry `created`.
pub fn upsert(
    exec: &mut Exec<'_, '_>,
    call: &Call,
    obj: &str,
    field: &str,
) -> Result<Reply, ApiError> {
    let def = rest_object(exec, obj)?;
    let field = super::sobjects::external_field(&def, field)?;
    let (all_or_none, records) = body_records(call)?;
    let input_ids: Vec<Option<String>> = Vec::new();
    let (rows, rolled) = run_rows(exec, &call.user_id, all_or_none, records.len(), |tx, i| {
        let (ty, mut values) = typed(&records[i]).map_err(|e| vec![e])?;
        if !ty.eq_ignore_ascii_case(&def.name) {
            return Err(vec![DmlError::new(
                "INVALID_TYPE",
                format!(
                    "Record type {ty} does not match the upsert object {}",
                    def.name
                ),
                vec![],
            )]);
        }
        let key = values
            .keys()
            .find(|k| k.eq_ignore_ascii_case(&field))
            .cloned();
        let value = key
            .and_then(|k| values.remove(&k))
            .map(|v| value_text(&v))
            .unwrap_or_default();
        if field == "Id" {
            if value.is_empty() {
                return tx.insert(&def.name, values).map(|id| RowOk {
                    id,
                    created: Some(true),
                });
            }
            let id = ids::to18(&value).ok_or_else(|| {
                vec![DmlError::new(
                    "MALFORMED_ID",
                    format!("malformed id {value}"),
                    vec![],
                )]
            })?;
            return tx.update(&id, values).map(|()| RowOk {
                id,
                created: Some(false),
            });
        }
        if value.is_empty() {
            return Err(vec![DmlError::new(
                "MISSING_ARGUMENT",
                format!("{field} not specified"),
                vec![],
            )]);
        }
        match tx.upsert(&def.name, &field, &value, values) {
            Ok(u) => Ok(RowOk {
                id: u.id,
                created: Some(u.created),
            }),
            Err(UpsertError::Multiple(ids)) => Err(vec![DmlError::new(
                "DUPLICATE_EXTERNAL_ID",
                format!(
                    "{field}: more than one record found for external id field: [{}]",
                    ids.join(", ")
                ),
                vec![field.clone()],
            )]),
            Err(UpsertError::Dml(e)) => Err(e),
        }
    })?;
    Ok(render(rows, rolled, &input_ids))
}

/// `GET composite/sobjects/{X}?ids=&fields=` and `POST composite/sobjects/{X}` `{ids, fields}`.
pub fn retrieve(exec: &mut Exec<'_, '_>, call: &Call, obj: &str) -> Result<Reply, ApiError> {
    let def = rest_object(exec, obj)?;
    let (id_list, field_list): (Vec<String>, Vec<String>) = if call.method == "GET" {
        let split = |p: Option<&str>| -> Vec<String> {
            p.unwrap_or("")
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        };
        (split(call.param("ids")), split(call.param("fields")))
    } else {
        let body = call.json_object()?;
        let strings = |k: &str| -> Vec<String> {
            body.get(k)
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default()
        };
        (strings("ids"), strings("fields"))
    };
    if id_list.is_empty() {
        return Err(bad_request(
            "REQUIRED_FIELD_MISSING",
            "At least 1 Id is required.",
        ));
    }
    if field_list.is_empty() {
        return Err(bad_request(
            "REQUIRED_FIELD_MISSING",
            "At least 1 field is required.",
        ));
    }
    if id_list.len() > MAX_RETRIEVE {
        return Err(bad_request(
            "EXCEEDED_ID_LIMIT",
            "record limit reached. cannot submit more than 2000 records into this call",
        ));
    }
    let fields = canonical_fields(&def, field_list.iter().map(String::as_str))?;
    let base = call.base();
    let out: Vec<Value> = exec.read(|org| {
        id_list
            .iter()
            .map(|raw| {
                ids::to18(raw)
                    .and_then(|id| live_record(org, &id))
                    .filter(|r| r.object.eq_ignore_ascii_case(&def.name))
                    .map_or(Value::Null, |r| {
                        Value::Object(record_json(r, &def, &base, Some(&fields)))
                    })
            })
            .collect()
    });
    Ok(Reply::ok(Value::Array(out)))
}
