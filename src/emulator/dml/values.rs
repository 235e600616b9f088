//! Converting and checking one client-supplied value for one field: JSON shape, length,
//! picklists, numbers, emails, dates and lookups. Values come out in the stored wire form.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde_json::{Number, Value};

use super::DmlError;
use crate::emulator::model::{FieldDef, FieldType, Org, ids};

/// The Jackson token name Salesforce quotes in `JSON_PARSER_ERROR` messages.
fn token(v: &Value) -> (&'static str, String) {
    match v {
        Value::Null => ("VALUE_NULL", "null".into()),
        Value::Bool(b) => (if *b { "VALUE_TRUE" } else { "VALUE_FALSE" }, b.to_string()),
        Value::Number(n) if n.is_f64() => ("VALUE_NUMBER_FLOAT", n.to_string()),
        Value::Number(n) => ("VALUE_NUMBER_INT", n.to_string()),
        Value::String(s) => ("VALUE_STRING", s.clone()),
        Value::Array(_) => ("START_ARRAY", "[".into()),
        Value::Object(_) => ("START_OBJECT", "{".into()),
    }
}

fn shape_error(f: &FieldDef, v: &Value) -> DmlError {
    let (tok, shown) = token(v);
    DmlError::json_type(f, tok, &shown)
}

/// Convert `v` for field `f` of an org. `Null` means "clear the field".
pub fn coerce(org: &Org, f: &FieldDef, v: Value) -> Result<Value, DmlError> {
    if v.is_null() {
        return Ok(if f.ftype == FieldType::Boolean {
            Value::Bool(false)
        } else {
            Value::Null
        });
    }
    match f.ftype {
        FieldType::Boolean => match &v {
            Value::Bool(_) => Ok(v),
            Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(Value::Bool(true)),
            Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(Value::Bool(false)),
            _ => Err(shape_error(f, &v)),
        },
        FieldType::Int | FieldType::Long => integer(f, &v),
        FieldType::Double | FieldType::Currency | FieldType::Percent => decimal(f, &v),
        FieldType::Date => {
            let s = text_value(f, &v)?;
            parse_date(&s)
                .map(|d| Value::String(d.format("%Y-%m-%d").to_string()))
                .ok_or_else(|| shape_error(f, &v))
        }
        FieldType::Datetime => {
            let s = text_value(f, &v)?;
            parse_datetime(&s)
                .map(|t| Value::String(wire_datetime_ms(t)))
                .ok_or_else(|| shape_error(f, &v))
        }
        FieldType::Time => {
            let s = text_value(f, &v)?;
            let s = s.trim_end_matches('Z');
            NaiveTime::parse_from_str(s, "%H:%M:%S%.f")
                .or_else(|_| NaiveTime::parse_from_str(s, "%H:%M"))
                .map(|t| Value::String(t.format("%H:%M:%S%.3fZ").to_string()))
                .map_err(|_| shape_error(f, &v))
        }
        FieldType::Reference => reference(org, f, &v),
        FieldType::Id => {
            let s = text_value(f, &v)?;
            ids::to18(&s)
                .map(Value::String)
                .ok_or_else(|| DmlError::malformed_id(f, &s))
        }
        FieldType::AnyType => Ok(v),
        FieldType::Address | FieldType::Location => Err(shape_error(f, &v)),
        _ => text(f, &v),
    }
}

/// Text: numbers and booleans are accepted and stringified; arrays and objects are not.
fn text_value(f: &FieldDef, v: &Value) -> Result<String, DmlError> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        _ => Err(shape_error(f, v)),
    }
}

fn text(f: &FieldDef, v: &Value) -> Result<Value, DmlError> {
    let s = text_value(f, v)?;
    if s.is_empty() {
        // Salesforce stores an empty string as null.
        return Ok(Value::Null);
    }
    let s = match f.ftype {
        FieldType::Picklist if f.restricted_picklist => canonical_pick(f, &s)?,
        FieldType::Multipicklist => {
            let mut parts = Vec::new();
            for p in s.split(';').map(str::trim).filter(|p| !p.is_empty()) {
                parts.push(if f.restricted_picklist {
                    canonical_pick(f, p)?
                } else {
                    p.to_owned()
                });
            }
            parts.join(";")
        }
        FieldType::Email if !valid_email(&s) => return Err(DmlError::bad_email(f, &s)),
        _ => s,
    };
    if f.length > 0 && s.chars().count() > f.length as usize {
        return Err(DmlError::too_long(f, &s));
    }
    Ok(Value::String(s))
}

fn canonical_pick(f: &FieldDef, value: &str) -> Result<String, DmlError> {
    f.picklist_values
        .iter()
        .filter(|p| p.active)
        .find(|p| p.value == value)
        .map(|p| p.value.clone())
        .ok_or_else(|| DmlError::bad_picklist(f, value))
}

/// A pragmatic address check: one `@`, a non-empty local part, a dotted domain, no spaces.
fn valid_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && !s.contains(char::is_whitespace)
        && domain.split('.').filter(|p| !p.is_empty()).count().ge(&2)
        && !domain.starts_with('.')
        && !domain.ends_with('.')
}

fn number_of(f: &FieldDef, v: &Value) -> Result<f64, DmlError> {
    match v {
        Value::Number(n) => n.as_f64().ok_or_else(|| shape_error(f, v)),
        Value::String(s) => s.trim().parse::<f64>().map_err(|_| shape_error(f, v)),
        _ => Err(shape_error(f, v)),
    }
    .and_then(|x| {
        if x.is_finite() {
            Ok(x)
        } else {
            Err(shape_error(f, v))
        }
    })
}

fn integer(f: &FieldDef, v: &Value) -> Result<Value, DmlError> {
    if matches!(v, Value::String(s) if s.is_empty()) {
        return Ok(Value::Null);
    }
    let x = number_of(f, v)?;
    if x.fract() != 0.0 {
        return Err(shape_error(f, v));
    }
    let digits = if f.digits > 0 { f.digits } else { 18 };
    if x.abs() >= 10f64.powi(digits as i32) {
        return Err(DmlError::out_of_range(f, &x.to_string()));
    }
    Ok(Value::Number(Number::from(x as i64)))
}

fn decimal(f: &FieldDef, v: &Value) -> Result<Value, DmlError> {
    if matches!(v, Value::String(s) if s.is_empty()) {
        return Ok(Value::Null);
    }
    let x = number_of(f, v)?;
    let whole_digits = f.precision.saturating_sub(f.scale) as i32;
    if f.precision > 0 && x.abs() >= 10f64.powi(whole_digits) {
        return Err(DmlError::out_of_range(f, &format!("{x:E}")));
    }
    // Extra decimals are rounded half away from zero to the field's scale, as Salesforce does.
    let factor = 10f64.powi(f.scale as i32);
    let rounded = if f.precision > 0 {
        (x * factor).round() / factor
    } else {
        x
    };
    Number::from_f64(rounded)
        .map(Value::Number)
        .ok_or_else(|| shape_error(f, v))
}

fn reference(org: &Org, f: &FieldDef, v: &Value) -> Result<Value, DmlError> {
    let Value::String(s) = v else {
        return Err(shape_error(f, v));
    };
    if s.is_empty() {
        return Ok(Value::Null);
    }
    let id = ids::to18(s).ok_or_else(|| DmlError::malformed_id(f, s))?;
    let prefix = ids::key_prefix(&id);
    let target = org.object_by_prefix(prefix).filter(|o| {
        f.reference_to
            .iter()
            .any(|t| t.eq_ignore_ascii_case(&o.name))
    });
    if target.is_none() {
        return Err(DmlError::wrong_object(f, &id));
    }
    match org.record(&id) {
        None => Err(DmlError::bad_reference(f)),
        Some(r) if r.is_deleted() => Err(DmlError::new(
            "ENTITY_IS_DELETED",
            "entity is deleted",
            vec![f.name.clone()],
        )),
        Some(_) => Ok(Value::String(id)),
    }
}

/// A date: `2024-03-01`, or a datetime whose UTC date is taken.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .or_else(|| parse_datetime(s).map(|t| t.date_naive()))
}

/// A datetime in any form clients send: `2024-03-01T10:00:00Z`, with fractions, with an offset
/// `+01:00` or `+0100` (the record wire form `.000+0000`), or without zone (taken as UTC).
pub fn parse_datetime(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(t) = DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z") {
        return Some(t.with_timezone(&Utc));
    }
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .map(|n| n.and_utc())
}

/// Datetime field values keep milliseconds (system fields keep whole seconds).
fn wire_datetime_ms(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3f+0000").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetimes_in_every_client_form_normalise_to_the_wire_form() {
        for s in [
            "2024-03-01T10:00:00Z",
            "2024-03-01T10:00:00.000+0000",
            "2024-03-01T11:00:00+01:00",
            "2024-03-01T12:00:00.000+0200",
            "2024-03-01T10:00:00",
        ] {
            let t = parse_datetime(s).unwrap();
            assert_eq!(wire_datetime_ms(t), "2024-03-01T10:00:00.000+0000", "{s}");
        }
        assert!(parse_datetime("yesterday").is_none());
        assert!(parse_datetime("2024-13-01T10:00:00Z").is_none());
    }

    #[test]
    fn email_check_accepts_ordinary_addresses_only() {
        assert!(valid_email("a.b+c@example.co.uk"));
        assert!(!valid_email("no-at-sign"));
        assert!(!valid_email("a@b"));
        assert!(!valid_email("a b@example.com"));
        assert!(!valid_email("a@@example.com"));
    }
}
