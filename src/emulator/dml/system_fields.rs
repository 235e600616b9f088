//! System fields the server keeps: `CreatedDate`, `CreatedById`, `LastModifiedDate`,
//! `LastModifiedById`, `SystemModstamp`, `IsDeleted`.

use chrono::{DateTime, SubsecRound, Utc};
use serde_json::{Map, Value};

use super::Ctx;
use crate::emulator::model::ObjectDef;

/// A datetime in the wire form records carry: `2024-03-01T10:00:00.000+0000`. Salesforce keeps
/// datetimes to the second, so many records can share one `SystemModstamp`.
pub fn wire_datetime(t: DateTime<Utc>) -> String {
    t.trunc_subsecs(0)
        .format("%Y-%m-%dT%H:%M:%S%.3f+0000")
        .to_string()
}

fn set_if_field(def: &ObjectDef, fields: &mut Map<String, Value>, name: &str, value: Value) {
    if def.field(name).is_some() {
        fields.insert(name.to_owned(), value);
    }
}

/// Stamp a new record's system fields.
pub fn stamp_insert(def: &ObjectDef, fields: &mut Map<String, Value>, ctx: &Ctx) {
    let now = Value::String(wire_datetime(ctx.now));
    let user = Value::String(ctx.user_id.clone());
    set_if_field(def, fields, "IsDeleted", Value::Bool(false));
    for (name, value) in [
        ("CreatedDate", &now),
        ("CreatedById", &user),
        ("LastModifiedDate", &now),
        ("LastModifiedById", &user),
        ("SystemModstamp", &now),
    ] {
        set_if_field(def, fields, name, value.clone());
    }
}

/// Stamp an updated record's system fields.
pub fn stamp_update(def: &ObjectDef, fields: &mut Map<String, Value>, ctx: &Ctx) {
    let now = Value::String(wire_datetime(ctx.now));
    set_if_field(def, fields, "LastModifiedDate", now.clone());
    set_if_field(
        def,
        fields,
        "LastModifiedById",
        Value::String(ctx.user_id.clone()),
    );
    set_if_field(def, fields, "SystemModstamp", now);
}

/// Bump only `SystemModstamp` (deletes and undeletes).
pub fn stamp_modstamp(fields: &mut Map<String, Value>, ctx: &Ctx) {
    if fields.contains_key("SystemModstamp") {
        fields.insert(
            "SystemModstamp".to_owned(),
            Value::String(wire_datetime(ctx.now)),
        );
    }
}
