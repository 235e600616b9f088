//! Single-record CRUD (salesforce-api.md §7): create, read (`?fields=`), update, delete, read
//! and upsert by external ID, with Salesforce's status codes (upsert: 201/200 from v46, 204
//! before; 300 with record URLs when an external ID matches several records).

use axum::http::{StatusCode, header};
use serde_json::{Map, Value, json};

use super::call::{Call, Exec, bad_request};
use super::describe::rest_object;
use super::errors::ApiError;
use super::reply::Reply;
use crate::emulator::dml::UpsertError;
use crate::emulator::model::ids;
use crate::emulator::model::{FieldType, ObjectDef, Org, Record};

/// `POST sobjects/{X}` → 201 `{"id","success":true,"errors":[]}`.
pub fn create(exec: &mut Exec<'_, '_>, call: &Call, obj: &str) -> Result<Reply, ApiError> {
    let def = rest_object(exec, obj)?;
    let mut values = record_body(call)?;
    take_id(&mut values, None)?;
    let id = exec.write(&call.user_id, |tx| {
        tx.insert(&def.name, values).map_err(|e| ApiError::dml(&e))
    })?;
    Ok(created_reply(call, &def, &id, None))
}

/// The 201 body of a create (and of an upsert that created).
pub fn created_reply(call: &Call, def: &ObjectDef, id: &str, created: Option<bool>) -> Reply {
    let mut body = json!({"id": id, "success": true, "errors": []});
    if let Some(c) = created {
        body["created"] = json!(c);
    }
    Reply::json(StatusCode::CREATED, body).with_header(
        header::LOCATION,
        format!("{}/sobjects/{}/{id}", call.base(), def.name),
    )
}

/// `GET sobjects/{X}/{id}`.
pub fn get(exec: &mut Exec<'_, '_>, call: &Call, obj: &str, id: &str) -> Result<Reply, ApiError> {
    let def = rest_object(exec, obj)?;
    let id = object_id(&def, id)?;
    let fields = requested_fields(call, &def)?;
    let rec = exec
        .read(|org| live_record(org, &id).cloned())
        .ok_or_else(ApiError::not_found)?;
    Ok(Reply::ok(Value::Object(record_json(
        &rec,
        &def,
        &call.base(),
        fields.as_deref(),
    ))))
}

/// `PATCH sobjects/{X}/{id}` → 204.
pub fn update(
    exec: &mut Exec<'_, '_>,
    call: &Call,
    obj: &str,
    id: &str,
) -> Result<Reply, ApiError> {
    let def = rest_object(exec, obj)?;
    let id = object_id(&def, id)?;
    let mut values = record_body(call)?;
    take_id(&mut values, Some(&id))?;
    exec.write(&call.user_id, |tx| {
        tx.update(&id, values).map_err(|e| ApiError::dml(&e))
    })?;
    Ok(Reply::no_content())
}

/// `DELETE sobjects/{X}/{id}` → 204.
pub fn delete(
    exec: &mut Exec<'_, '_>,
    call: &Call,
    obj: &str,
    id: &str,
) -> Result<Reply, ApiError> {
    let def = rest_object(exec, obj)?;
    let id = object_id(&def, id)?;
    exec.write(&call.user_id, |tx| {
        tx.delete(&id).map_err(|e| ApiError::dml(&e))
    })?;
    Ok(Reply::no_content())
}

/// `GET sobjects/{X}/{Field}/{value}`.
pub fn get_by_external_id(
    exec: &mut Exec<'_, '_>,
    call: &Call,
    obj: &str,
    field: &str,
    value: &str,
) -> Result<Reply, ApiError> {
    let def = rest_object(exec, obj)?;
    let field = external_field(&def, field)?;
    let fields = requested_fields(call, &def)?;
    let matches: Vec<Record> = exec.read(|org| {
        find_by_value(org, &def, &field, value)
            .into_iter()
            .cloned()
            .collect()
    });
    match matches.as_slice() {
        [] => Err(ApiError::not_found()),
        [one] => Ok(Reply::ok(Value::Object(record_json(
            one,
            &def,
            &call.base(),
            fields.as_deref(),
        )))),
        many => Ok(multiple_choices(call, &def, many.iter().map(Record::id))),
    }
}

/// `DELETE sobjects/{X}/{Field}/{value}` → 204.
pub fn delete_by_external_id(
    exec: &mut Exec<'_, '_>,
    call: &Call,
    obj: &str,
    field: &str,
    value: &str,
) -> Result<Reply, ApiError> {
    let def = rest_object(exec, obj)?;
    let field = external_field(&def, field)?;
    let ids: Vec<String> = exec.read(|org| {
        find_by_value(org, &def, &field, value)
            .iter()
            .map(|r| r.id().to_owned())
            .collect()
    });
    match ids.as_slice() {
        [] => Err(ApiError::not_found()),
        [one] => {
            exec.write(&call.user_id, |tx| {
                tx.delete(one).map_err(|e| ApiError::dml(&e))
            })?;
            Ok(Reply::no_content())
        }
        many => Ok(multiple_choices(
            call,
            &def,
            many.iter().map(String::as_str),
        )),
    }
}

/// `PATCH sobjects/{X}/{Field}/{value}`: upsert.
pub fn upsert(
    exec: &mut Exec<'_, '_>,
    call: &Call,
    obj: &str,
    field: &str,
    value: &str,
) -> Result<Reply, ApiError> {
    let def = rest_object(exec, obj)?;
    let field = external_field(&def, field)?;
    let mut values = record_body(call)?;
    if field == "Id" {
        take_id(&mut values, None)?;
        let id = object_id(&def, value)?;
        exec.write(&call.user_id, |tx| {
            tx.update(&id, values).map_err(|e| ApiError::dml(&e))
        })?;
        return Ok(upsert_updated(call, &id));
    }
    take_id(&mut values, None)?;
    if let Some(key) = values
        .keys()
        .find(|k| k.eq_ignore_ascii_case(&field))
        .cloned()
    {
        let same = values
            .get(&key)
            .map(value_text)
            .is_some_and(|v| v.eq_ignore_ascii_case(value));
        if !same {
            return Err(bad_request(
                "INVALID_FIELD",
                format!(
                    "The value of the external ID field {field} in the request body does not match the value in the URL"
                ),
            ));
        }
        values.remove(&key);
    }
    let update_only = call.param("updateOnly") == Some("true");
    let exists = !exec.read(|org| find_by_value(org, &def, &field, value).is_empty());
    if update_only && !exists {
        return Err(ApiError::not_found());
    }
    let outcome = exec.write(&call.user_id, |tx| {
        match tx.upsert(&def.name, &field, value, values) {
            Ok(u) => Ok(Ok(u)),
            Err(UpsertError::Multiple(ids)) => Ok(Err(ids)),
            Err(UpsertError::Dml(e)) => Err(ApiError::dml(&e)),
        }
    })?;
    match outcome {
        Ok(u) if u.created => Ok(created_reply(
            call,
            &def,
            &u.id,
            (call.major() >= 46).then_some(true),
        )),
        Ok(u) => Ok(upsert_updated(call, &u.id)),
        Err(ids) => Ok(multiple_choices(call, &def, ids.iter().map(String::as_str))),
    }
}

fn upsert_updated(call: &Call, id: &str) -> Reply {
    if call.major() >= 46 {
        Reply::ok(json!({"id": id, "success": true, "errors": [], "created": false}))
    } else {
        Reply::no_content()
    }
}

/// 300 with the URLs of every matching record.
fn multiple_choices<'i>(call: &Call, def: &ObjectDef, ids: impl Iterator<Item = &'i str>) -> Reply {
    let urls: Vec<Value> = ids
        .map(|id| json!(format!("{}/sobjects/{}/{id}", call.base(), def.name)))
        .collect();
    Reply::json(StatusCode::MULTIPLE_CHOICES, Value::Array(urls))
}

/// The request body as record values without `attributes`.
pub fn record_body(call: &Call) -> Result<Map<String, Value>, ApiError> {
    let mut m = call.json_object()?;
    m.remove("attributes");
    Ok(m)
}

/// Remove an `Id` key from a body: allowed only when null or equal to `expected`.
pub fn take_id(values: &mut Map<String, Value>, expected: Option<&str>) -> Result<(), ApiError> {
    let Some(key) = values
        .keys()
        .find(|k| k.eq_ignore_ascii_case("Id"))
        .cloned()
    else {
        return Ok(());
    };
    let v = values.remove(&key).unwrap_or(Value::Null);
    let given = v.as_str().and_then(ids::to18);
    match (v.is_null(), expected, given) {
        (true, _, _) => Ok(()),
        (false, Some(e), Some(g)) if e == g => Ok(()),
        _ => Err(bad_request(
            "INVALID_FIELD",
            "The Id field should not be specified in the sobject data.",
        )),
    }
}

/// An ID of `def` normalised to 18 characters, or 404 like Salesforce (a value that is not an
/// ID is read as an external ID field name).
pub fn object_id(def: &ObjectDef, id: &str) -> Result<String, ApiError> {
    match ids::to18(id) {
        Some(id18) if ids::key_prefix(&id18) == def.key_prefix => Ok(id18),
        Some(_) => Err(ApiError::not_found()),
        None => Err(ApiError::rest(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            format!("Provided external ID field does not exist or is not accessible: {id}"),
        )),
    }
}

/// The canonical name of a field usable as an external ID (`Id`, external ID or ID lookup).
pub fn external_field(def: &ObjectDef, field: &str) -> Result<String, ApiError> {
    match def.field(field) {
        Some(f) if f.name == "Id" || f.external_id || f.id_lookup => Ok(f.name.clone()),
        Some(f) => Err(bad_request(
            "INVALID_FIELD",
            format!("Field {} is not an External ID or is not indexed", f.name),
        )),
        None => Err(ApiError::rest(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            format!("Provided external ID field does not exist or is not accessible: {field}"),
        )),
    }
}

/// A record that exists and is not in the recycle bin.
pub fn live_record<'o>(org: &'o Org, id: &str) -> Option<&'o Record> {
    org.record(id).filter(|r| !r.is_deleted())
}

/// Text form of a JSON value for external ID matching.
pub fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Live records of `def` whose `field` equals `value` (case-insensitive unless the field is
/// case-sensitive; IDs compared in 18-character form).
pub fn find_by_value<'o>(
    org: &'o Org,
    def: &ObjectDef,
    field: &str,
    value: &str,
) -> Vec<&'o Record> {
    if field == "Id" {
        return ids::to18(value)
            .and_then(|id| live_record(org, &id))
            .filter(|r| r.object.eq_ignore_ascii_case(&def.name))
            .into_iter()
            .collect();
    }
    let case_sensitive = def.field(field).is_some_and(|f| f.case_sensitive);
    org.records(&def.name)
        .filter(|r| !r.is_deleted())
        .filter(|r| {
            r.get(field).is_some_and(|v| {
                let t = value_text(v);
                !t.is_empty()
                    && if case_sensitive {
                        t == value
                    } else {
                        t.eq_ignore_ascii_case(value)
                    }
            })
        })
        .collect()
}

/// `?fields=A,B` as canonical names; unknown names are 400 `INVALID_FIELD`.
pub fn requested_fields(call: &Call, def: &ObjectDef) -> Result<Option<Vec<String>>, ApiError> {
    let Some(list) = call.param("fields") else {
        return Ok(None);
    };
    canonical_fields(def, list.split(',')).map(Some)
}

/// Canonical names of `names` on `def`; unknown names are 400 `INVALID_FIELD`.
pub fn canonical_fields<'n>(
    def: &ObjectDef,
    names: impl Iterator<Item = &'n str>,
) -> Result<Vec<String>, ApiError> {
    let mut out = Vec::new();
    for name in names.map(str::trim).filter(|n| !n.is_empty()) {
        let f = def.field(name).ok_or_else(|| {
            bad_request(
                "INVALID_FIELD",
                format!("No such column '{name}' on entity '{}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.", def.name),
            )
        })?;
        out.push(f.name.clone());
    }
    Ok(out)
}

/// A record as REST returns it: `attributes`, then every field of the object in describe order
/// (or only `fields`, plus `Id`), absent values as `null`.
pub fn record_json(
    rec: &Record,
    def: &ObjectDef,
    base: &str,
    fields: Option<&[String]>,
) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert(
        "attributes".into(),
        json!({"type": def.name, "url": format!("{base}/sobjects/{}/{}", def.name, rec.id())}),
    );
    let mut put = |name: &str| {
        m.insert(
            name.to_owned(),
            rec.get(name).cloned().unwrap_or(Value::Null),
        );
    };
    match fields {
        Some(list) => {
            for f in list {
                put(f);
            }
            put("Id");
        }
        None => {
            for f in def
                .fields
                .iter()
                .filter(|f| !matches!(f.ftype, FieldType::Address | FieldType::Location))
            {
                put(&f.name);
            }
        }
    }
    m
}
