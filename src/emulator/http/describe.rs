//! describeGlobal `GET sobjects`, basic info `GET sobjects/{X}` and describe
//! `GET sobjects/{X}/describe`, built from the model with Salesforce's full key set
//! (salesforce-api.md §4; key sets checked against captured real describes in tests).
//! `If-Modified-Since` answers 304 with no body when the schema has not changed since.

use axum::http::{StatusCode, header};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::call::{Call, Exec};
use super::errors::ApiError;
use super::reply::Reply;
use crate::emulator::model::{FieldDef, FieldType, ObjectDef, Org};

/// The master record type every object has.
pub const MASTER_RECORD_TYPE_ID: &str = "012000000000000AAA";

/// `GET sobjects`.
pub fn global(exec: &mut Exec<'_, '_>, call: &Call) -> Result<Reply, ApiError> {
    let base = call.base();
    let (objects, newest) = exec.read(|org| {
        let objs: Vec<ObjectDef> = org.objects().filter(|o| !o.tooling).cloned().collect();
        let newest = objs
            .iter()
            .map(|o| exec.state.schema_modified(&o.name))
            .max();
        (objs, newest)
    });
    if let Some(t) = newest
        && not_modified_since(call, t)
    {
        return Ok(Reply::empty(StatusCode::NOT_MODIFIED));
    }
    let sobjects: Vec<Value> = objects
        .iter()
        .map(|o| Value::Object(global_entry(o, &base)))
        .collect();
    Ok(Reply::ok(
        json!({"encoding": "UTF-8", "maxBatchSize": 200, "sobjects": sobjects}),
    ))
}

/// `GET sobjects/{X}`: `{"objectDescribe": {…}, "recentItems": []}`.
pub fn basic_info(exec: &mut Exec<'_, '_>, call: &Call, obj: &str) -> Result<Reply, ApiError> {
    let def = rest_object(exec, obj)?;
    Ok(Reply::ok(json!({
        "objectDescribe": Value::Object(global_entry(&def, &call.base())),
        "recentItems": [],
    })))
}

/// `GET sobjects/{X}/describe`.
pub fn describe(exec: &mut Exec<'_, '_>, call: &Call, obj: &str) -> Result<Reply, ApiError> {
    let def = rest_object(exec, obj)?;
    let modified = exec.state.schema_modified(&def.name);
    if not_modified_since(call, modified) {
        return Ok(Reply::empty(StatusCode::NOT_MODIFIED));
    }
    let record_types = exec.read(|org| record_types(org, &def.name));
    let body = describe_json(
        &def,
        &call.base(),
        &exec.state.instance_url(),
        &record_types,
    );
    Ok(Reply::ok(Value::Object(body)).with_header(
        header::LAST_MODIFIED,
        modified.format("%a, %d %b %Y %H:%M:%S GMT").to_string(),
    ))
}

/// The non-Tooling object called `obj`, or 404 `NOT_FOUND`.
pub fn rest_object(exec: &Exec<'_, '_>, obj: &str) -> Result<ObjectDef, ApiError> {
    exec.read(|org| org.object(obj).filter(|o| !o.tooling).cloned())
        .ok_or_else(ApiError::not_found)
}

/// Whether `If-Modified-Since` is at or after `modified` (seconds precision).
fn not_modified_since(call: &Call, modified: DateTime<Utc>) -> bool {
    call.headers
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|s| DateTime::parse_from_rfc2822(s).ok())
        .is_some_and(|since| modified.timestamp() <= since.timestamp())
}

fn urls(name: &str, base: &str) -> Map<String, Value> {
    let s = format!("{base}/sobjects/{name}");
    let mut m = Map::new();
    for (k, v) in [
        ("compactLayouts", format!("{s}/describe/compactLayouts")),
        ("rowTemplate", format!("{s}/{{ID}}")),
        ("approvalLayouts", format!("{s}/describe/approvalLayouts")),
        (
            "defaultValues",
            format!("{s}/defaultValues?recordTypeId&fields"),
        ),
        ("listviews", format!("{s}/listviews")),
        ("describe", format!("{s}/describe")),
        ("quickActions", format!("{s}/quickActions")),
        ("layouts", format!("{s}/describe/layouts")),
        ("sobject", s.clone()),
    ] {
        m.insert(k.to_owned(), Value::String(v));
    }
    m
}

/// One describeGlobal entry (also the `objectDescribe` of basic info).
pub fn global_entry(o: &ObjectDef, base: &str) -> Map<String, Value> {
    let mut m = Map::new();
    let mut put = |k: &str, v: Value| {
        m.insert(k.to_owned(), v);
    };
    put("activateable", json!(false));
    put("associateEntityType", Value::Null);
    put("associateParentEntity", Value::Null);
    put("createable", json!(o.createable));
    put("custom", json!(o.custom));
    put("customSetting", json!(false));
    put("deepCloneable", json!(false));
    put("deletable", json!(o.deletable));
    put("deprecatedAndHidden", json!(false));
    put("feedEnabled", json!(o.feed_enabled));
    put("hasSubtypes", json!(false));
    put("isInterface", json!(false));
    put("isSubtype", json!(false));
    put("keyPrefix", key_prefix(o));
    put("label", json!(o.label));
    put("labelPlural", json!(o.label_plural));
    put("layoutable", json!(o.layoutable));
    put("mergeable", json!(o.mergeable));
    put("mruEnabled", json!(o.layoutable));
    put("name", json!(o.name));
    put("queryable", json!(o.queryable));
    put("replicateable", json!(o.replicateable));
    put("retrieveable", json!(o.retrieveable));
    put("searchable", json!(o.searchable));
    put("triggerable", json!(o.triggerable));
    put("undeletable", json!(o.undeletable));
    put("updateable", json!(o.updateable));
    put("urls", Value::Object(urls(&o.name, base)));
    m
}

fn key_prefix(o: &ObjectDef) -> Value {
    if o.key_prefix.is_empty() {
        Value::Null
    } else {
        json!(o.key_prefix)
    }
}

/// A record type as `recordTypeInfos` lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordTypeInfo {
    pub id: String,
    pub name: String,
    pub developer_name: String,
    pub active: bool,
}

/// The org's record types of `object` (from `RecordType` records, when the org has them).
pub fn record_types(org: &Org, object: &str) -> Vec<RecordTypeInfo> {
    if org.object("RecordType").is_none() {
        return Vec::new();
    }
    let text = |r: &crate::emulator::model::Record, k: &str| {
        r.get(k).and_then(Value::as_str).unwrap_or("").to_owned()
    };
    org.records("RecordType")
        .filter(|r| !r.is_deleted())
        .filter(|r| text(r, "SobjectType").eq_ignore_ascii_case(object))
        .map(|r| RecordTypeInfo {
            id: r.id().to_owned(),
            name: text(r, "Name"),
            developer_name: text(r, "DeveloperName"),
            active: r.get("IsActive").and_then(Value::as_bool).unwrap_or(true),
        })
        .collect()
}

/// The full describe of one object; `base` is `/services/data/vXX.X` (or `…/tooling`).
pub fn describe_json(
    o: &ObjectDef,
    base: &str,
    instance_url: &str,
    record_types: &[RecordTypeInfo],
) -> Map<String, Value> {
    let mut m = global_entry(o, base);
    let mut urls = urls(&o.name, base);
    for (k, v) in [
        ("uiDetailTemplate", format!("{instance_url}/{{ID}}")),
        ("uiEditTemplate", format!("{instance_url}/{{ID}}/e")),
        ("uiNewRecord", format!("{instance_url}/{}/e", o.key_prefix)),
    ] {
        urls.insert(k.to_owned(), Value::String(v));
    }
    m.insert("urls".into(), Value::Object(urls));
    let layout =
        |id: &str| json!({"layout": format!("{base}/sobjects/{}/describe/layouts/{id}", o.name)});
    let mut rts = vec![json!({
        "active": true, "available": true, "defaultRecordTypeMapping": record_types.is_empty(),
        "developerName": "Master", "master": true, "name": "Master",
        "recordTypeId": MASTER_RECORD_TYPE_ID, "urls": layout(MASTER_RECORD_TYPE_ID),
    })];
    for (i, rt) in record_types.iter().enumerate() {
        rts.push(json!({
            "active": rt.active, "available": true, "defaultRecordTypeMapping": i == 0,
            "developerName": rt.developer_name, "master": false, "name": rt.name,
            "recordTypeId": rt.id, "urls": layout(&rt.id),
        }));
    }
    let children: Vec<Value> = o
        .child_relationships
        .iter()
        .map(|c| {
            json!({
                "cascadeDelete": c.cascade_delete, "childSObject": c.child_sobject,
                "deprecatedAndHidden": false, "field": c.field, "junctionIdListNames": [],
                "junctionReferenceTo": [], "relationshipName": c.relationship_name,
                "restrictedDelete": c.restricted_delete,
            })
        })
        .collect();
    let extra: [(&str, Value); 21] = [
        ("actionOverrides", json!([])),
        ("childRelationships", Value::Array(children)),
        ("compactLayoutable", json!(o.layoutable)),
        ("defaultImplementation", Value::Null),
        ("extendedBy", Value::Null),
        ("extendsInterfaces", Value::Null),
        (
            "fields",
            Value::Array(o.fields.iter().map(field_json).collect()),
        ),
        ("implementedBy", Value::Null),
        ("implementsInterfaces", Value::Null),
        ("listviewable", Value::Null),
        ("lookupLayoutable", Value::Null),
        ("namedLayoutInfos", json!([])),
        ("networkScopeFieldName", Value::Null),
        ("recordTypeInfos", Value::Array(rts)),
        ("searchLayoutable", json!(o.searchable)),
        ("sobjectDescribeOption", json!("FULL")),
        (
            "supportedScopes",
            json!([{"label": format!("All {}", o.label_plural.to_lowercase()), "name": "everything"}]),
        ),
        ("deepCloneable", json!(false)),
        ("isInterface", json!(false)),
        ("associateEntityType", Value::Null),
        ("associateParentEntity", Value::Null),
    ];
    for (k, v) in extra {
        m.insert(k.to_owned(), v);
    }
    let mut sorted: Vec<(String, Value)> = m.into_iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    sorted.into_iter().collect()
}

fn byte_length(f: &FieldDef) -> u32 {
    match f.ftype {
        FieldType::Id | FieldType::Reference => 18,
        t if t.is_text() => f.length.saturating_mul(3),
        _ => 0,
    }
}

fn aggregatable(t: FieldType) -> bool {
    !matches!(
        t,
        FieldType::Textarea
            | FieldType::Multipicklist
            | FieldType::Base64
            | FieldType::Address
            | FieldType::Location
            | FieldType::Encryptedstring
            | FieldType::AnyType
    )
}

/// One field of a describe, every key Salesforce sends.
pub fn field_json(f: &FieldDef) -> Value {
    let picklist: Vec<Value> = f
        .picklist_values
        .iter()
        .map(|p| {
            json!({
                "active": p.active, "defaultValue": p.default_value,
                "label": p.label.clone().unwrap_or_else(|| p.value.clone()),
                "validFor": Value::Null, "value": p.value,
            })
        })
        .collect();
    let polymorphic = f.reference_to.len() > 1;
    let pairs: Vec<(&str, Value)> = vec![
        ("aggregatable", json!(aggregatable(f.ftype))),
        ("aiPredictionField", json!(false)),
        ("autoNumber", json!(f.auto_number)),
        ("byteLength", json!(byte_length(f))),
        ("calculated", json!(f.calculated)),
        ("calculatedFormula", json!(f.calculated_formula)),
        ("cascadeDelete", json!(f.cascade_delete)),
        ("caseSensitive", json!(f.case_sensitive)),
        ("compoundFieldName", json!(f.compound_field_name)),
        ("controllerName", json!(Value::Null)),
        ("createable", json!(f.createable)),
        ("custom", json!(f.custom)),
        (
            "defaultValue",
            json!(f.default_value.clone().unwrap_or(Value::Null)),
        ),
        ("defaultValueFormula", json!(Value::Null)),
        ("defaultedOnCreate", json!(f.defaulted_on_create)),
        ("dependentPicklist", json!(false)),
        ("deprecatedAndHidden", json!(false)),
        ("digits", json!(f.digits)),
        ("displayLocationInDecimal", json!(false)),
        ("encrypted", json!(f.ftype == FieldType::Encryptedstring)),
        ("externalId", json!(f.external_id)),
        ("extraTypeInfo", json!(f.extra_type_info)),
        ("filterable", json!(f.filterable)),
        ("filteredLookupInfo", json!(Value::Null)),
        ("formulaTreatNullNumberAsZero", json!(false)),
        ("groupable", json!(f.groupable)),
        ("highScaleNumber", json!(false)),
        ("htmlFormatted", json!(f.html_formatted)),
        ("idLookup", json!(f.id_lookup)),
        ("inlineHelpText", json!(Value::Null)),
        ("label", json!(f.label)),
        ("length", json!(f.length)),
        ("mask", json!(Value::Null)),
        ("maskType", json!(Value::Null)),
        ("name", json!(f.name)),
        ("nameField", json!(f.name_field)),
        ("namePointing", json!(polymorphic)),
        ("nillable", json!(f.nillable)),
        ("permissionable", json!(f.permissionable)),
        ("picklistValues", json!(picklist)),
        ("polymorphicForeignKey", json!(polymorphic)),
        ("precision", json!(f.precision)),
        ("queryByDistance", json!(false)),
        ("referenceTargetField", json!(Value::Null)),
        ("referenceTo", json!(f.reference_to)),
        ("relationshipName", json!(f.relationship_name)),
        ("relationshipOrder", json!(f.relationship_order)),
        ("restrictedDelete", json!(f.restricted_delete)),
        ("restrictedPicklist", json!(f.restricted_picklist)),
        ("scale", json!(f.scale)),
        ("searchPrefilterable", json!(false)),
        ("soapType", json!(f.ftype.soap_type())),
        ("sortable", json!(f.sortable)),
        ("type", json!(f.ftype.as_str())),
        ("unique", json!(f.unique)),
        ("updateable", json!(f.updateable)),
        ("writeRequiresMasterRead", json!(false)),
    ];
    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}
