//! Fields the server keeps: `CreatedDate`, `CreatedById`, `LastModifiedDate`,
//! `LastModifiedById`, `SystemModstamp`, `IsDeleted`, plus the derived ones (`OwnerId`
//! default, person `Name`, auto-numbers, address and geolocation compounds).

use chrono::{DateTime, Datelike, SubsecRound, Utc};
use serde_json::{Map, Value, json};

use super::Ctx;
use crate::emulator::model::{FieldType, ObjectDef, Org};

/// A datetime in the wire form records carry: `2024-03-01T10:00:00.000+0000`. Salesforce keeps
/// system datetimes to the second, so many records can share one `SystemModstamp`.
pub fn wire_datetime(t: DateTime<Utc>) -> String {
    t.trunc_subsecs(0)
        .format("%Y-%m-%dT%H:%M:%S%.3f+0000")
        .to_string()
}

fn has(def: &ObjectDef, name: &str) -> bool {
    def.fields.iter().any(|f| f.name == name)
}

/// Stamp a new record's system fields. Audit values the caller was allowed to set (the org
/// permits audit fields on insert, or fixture loading) are kept.
pub fn stamp_insert(def: &ObjectDef, fields: &mut Map<String, Value>, ctx: &Ctx) {
    let now = Value::String(wire_datetime(ctx.now));
    let user = Value::String(ctx.user_id.clone());
    if has(def, "IsDeleted") {
        fields.insert("IsDeleted".to_owned(), Value::Bool(false));
    }
    for (name, value) in [
        ("CreatedDate", &now),
        ("CreatedById", &user),
        ("LastModifiedDate", &now),
        ("LastModifiedById", &user),
        ("SystemModstamp", &now),
    ] {
        if has(def, name) && fields.get(name).is_none_or(Value::is_null) {
            fields.insert(name.to_owned(), value.clone());
        }
    }
}

/// Stamp an updated record's system fields.
pub fn stamp_update(def: &ObjectDef, fields: &mut Map<String, Value>, ctx: &Ctx) {
    let now = Value::String(wire_datetime(ctx.now));
    for (name, value) in [
        ("LastModifiedDate", now.clone()),
        ("LastModifiedById", Value::String(ctx.user_id.clone())),
        ("SystemModstamp", now),
    ] {
        if has(def, name) {
            fields.insert(name.to_owned(), value);
        }
    }
}

/// Bump only `SystemModstamp` (deletes, undeletes, lookups cleared by a delete).
pub fn stamp_modstamp(fields: &mut Map<String, Value>, ctx: &Ctx) {
    if fields.contains_key("SystemModstamp") {
        fields.insert(
            "SystemModstamp".to_owned(),
            Value::String(wire_datetime(ctx.now)),
        );
    }
}

/// Fill the derived fields of a record after its values changed: person `Name`, address and
/// geolocation compounds.
pub fn derive(def: &ObjectDef, fields: &mut Map<String, Value>) {
    let person = def
        .fields
        .iter()
        .any(|f| f.name == "Name" && f.extra_type_info.as_deref() == Some("personname"));
    if person {
        let parts: Vec<&str> = ["FirstName", "LastName"]
            .iter()
            .filter_map(|k| fields.get(*k).and_then(Value::as_str))
            .filter(|s| !s.is_empty())
            .collect();
        let name = if parts.is_empty() {
            Value::Null
        } else {
            Value::String(parts.join(" "))
        };
        fields.insert("Name".to_owned(), name);
    }
    for compound in def
        .fields
        .iter()
        .filter(|f| matches!(f.ftype, FieldType::Address | FieldType::Location))
    {
        let mut obj = Map::new();
        let mut any = false;
        for part in def
            .fields
            .iter()
            .filter(|c| c.compound_field_name.as_deref() == Some(compound.name.as_str()))
        {
            let key = component_key(&compound.name, &part.name);
            let v = fields.get(&part.name).cloned().unwrap_or(Value::Null);
            any |= !v.is_null();
            obj.insert(key, v);
        }
        let value = if any { Value::Object(obj) } else { Value::Null };
        fields.insert(compound.name.clone(), value);
    }
}

/// The key of a component inside a compound value: `BillingPostalCode` -> `postalCode`,
/// `Headquarters__Latitude__s` -> `latitude`.
fn component_key(compound: &str, part: &str) -> String {
    let suffix = if let Some(rest) = part.strip_suffix("__s") {
        rest.rsplit("__").next().unwrap_or(rest).to_owned()
    } else {
        let prefix = compound.trim_end_matches("Address");
        part.strip_prefix(prefix).unwrap_or(part).to_owned()
    };
    let mut chars = suffix.chars();
    match chars.next() {
        Some(c) => c.to_ascii_lowercase().to_string() + chars.as_str(),
        None => suffix,
    }
}

/// Assign every auto-number field of a new record.
pub fn auto_numbers(org: &mut Org, def: &ObjectDef, fields: &mut Map<String, Value>, ctx: &Ctx) {
    for f in def.fields.iter().filter(|f| f.auto_number) {
        let n = org.next_auto_number(&def.name, &f.name);
        let format = f.auto_number_format.as_deref().unwrap_or("{0}");
        fields.insert(
            f.name.clone(),
            json!(format_auto_number(format, n, ctx.now)),
        );
    }
}

/// Render an auto-number display format: `{0000}` is the zero-padded number, `{YYYY}`,
/// `{YY}`, `{MM}`, `{DD}` the current date.
pub fn format_auto_number(format: &str, n: u64, now: DateTime<Utc>) -> String {
    let mut out = String::new();
    let mut rest = format;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let Some(len) = rest[start..].find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let token = &rest[start + 1..start + len];
        match token {
            "YYYY" => out.push_str(&format!("{:04}", now.year())),
            "YY" => out.push_str(&format!("{:02}", now.year() % 100)),
            "MM" => out.push_str(&format!("{:02}", now.month())),
            "DD" => out.push_str(&format!("{:02}", now.day())),
            t if !t.is_empty() && t.bytes().all(|b| b == b'0') => {
                out.push_str(&format!("{n:0width$}", width = t.len()));
            }
            t => {
                out.push('{');
                out.push_str(t);
                out.push('}');
            }
        }
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_number_formats_pad_and_date() {
        let now = DateTime::parse_from_rfc3339("2026-02-03T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(format_auto_number("INV-{0000}", 7, now), "INV-0007");
        assert_eq!(format_auto_number("{00000000}", 1026, now), "00001026");
        assert_eq!(
            format_auto_number("C-{YYYY}{MM}-{00}", 3, now),
            "C-202602-03"
        );
        assert_eq!(format_auto_number("X-{0}", 12345, now), "X-12345");
    }

    #[test]
    fn compound_component_keys() {
        assert_eq!(
            component_key("BillingAddress", "BillingPostalCode"),
            "postalCode"
        );
        assert_eq!(component_key("Address", "Street"), "street");
        assert_eq!(
            component_key("Headquarters__c", "Headquarters__Latitude__s"),
            "latitude"
        );
    }
}
