//! Field values as the engine compares them: a canonical text form (so `100`, `100.0` and
//! `1.0e2` are one number) and keyed hashes of it. Links keep only these hashes — never values —
//! one per field and org, under `p:Field` / `s:Field` (publisher field names):
//!
//! * a change from org X is a field whose hash in X differs from the last one recorded for X;
//! * after a write from X to Y both orgs' hashes are recorded (Y's from the value sent), so our
//!   own write read back from Y is recognised and never bounces;
//! * automation in Y that rewrites the value makes Y's hash differ once: the rewritten value
//!   flows back once and then both sides agree;
//! * a field with no recorded hash (a link just rebuilt, a field published later) counts as
//!   changed; [`OBSERVE`] and [`PENDING`] are the two markers.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::state::Side;

/// A recorded hash that never matches a value: the field is sent the next time the record is
/// handled (a self-lookup whose parent was not linked yet when the record was copied).
pub const PENDING: &str = "pending";

/// A recorded hash meaning "whatever this org holds now is the baseline": set for a field the
/// engine left out of a write (an owner with no counterpart, so Salesforce chose one), so the
/// value the org chose is recorded when next seen instead of flowing back.
pub const OBSERVE: &str = "observe";

/// The canonical text of a value.
pub fn canonical(v: &Value) -> String {
    match v {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match n.as_f64() {
            Some(f) if f.is_finite() => format!("n:{f}"),
            _ => format!("n:{n}"),
        },
        Value::String(s) => format!("s:{s}"),
        other => format!("j:{other}"),
    }
}

/// Hashes values with the store's secret key, so a stolen state store does not reveal short
/// values (a checkbox, a picklist) by brute force.
#[derive(Clone)]
pub struct Hasher {
    key: Vec<u8>,
}

impl std::fmt::Debug for Hasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Hasher(..)")
    }
}

impl Hasher {
    /// A hasher with `key` (hex or any text).
    pub fn new(key: &str) -> Self {
        Self {
            key: key.as_bytes().to_vec(),
        }
    }

    /// The keyed hash of `field`'s value (16 bytes of SHA-256, hex).
    pub fn hash(&self, field: &str, value: &Value) -> String {
        let mut h = Sha256::new();
        h.update((self.key.len() as u64).to_be_bytes());
        h.update(&self.key);
        h.update(field.as_bytes());
        h.update([0]);
        h.update(canonical(value).as_bytes());
        let digest = h.finalize();
        hex::encode(&digest[..16])
    }
}

/// The key under which a link keeps `side`'s hash of `field`.
pub fn hash_key(side: Side, field: &str) -> String {
    match side {
        Side::Primary => format!("p:{field}"),
        Side::Secondary => format!("s:{field}"),
    }
}

/// The recorded hash of `field` in `side`, if any.
pub fn recorded<'a>(
    hashes: &'a BTreeMap<String, String>,
    side: Side,
    field: &str,
) -> Option<&'a str> {
    hashes.get(&hash_key(side, field)).map(String::as_str)
}

/// A fresh random hash key (used once per store).
pub fn new_key() -> String {
    let bytes: [u8; 32] = rand::random();
    hex::encode(bytes)
}

/// Parse a Salesforce dateTime (`2024-03-01T10:00:00.000+0000`, or RFC 3339).
pub fn parse_datetime(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z")
        .or_else(|_| DateTime::parse_from_rfc3339(text))
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

/// A SOQL dateTime literal (seconds, UTC).
pub fn soql_datetime(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A SOQL string literal: quotes and backslashes escaped, control characters spelled out.
pub fn soql_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '"' => out.push_str("\\\""),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// Whether `id` looks like a Salesforce record ID (15 or 18 alphanumerics): only such IDs are
/// ever put into a query.
pub fn is_record_id(id: &str) -> bool {
    matches!(id.len(), 15 | 18) && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn numbers_compare_by_value() {
        assert_eq!(canonical(&json!(100)), canonical(&json!(100.0)));
        assert_ne!(canonical(&json!(100)), canonical(&json!("100")));
        assert_ne!(canonical(&json!(null)), canonical(&json!("null")));
    }

    #[test]
    fn hashes_are_keyed_and_per_field() {
        let a = Hasher::new("k1");
        let b = Hasher::new("k2");
        let v = json!("Acme");
        assert_eq!(a.hash("Name", &v), a.hash("Name", &v));
        assert_ne!(a.hash("Name", &v), b.hash("Name", &v));
        assert_ne!(a.hash("Name", &v), a.hash("Site", &v));
        assert_eq!(a.hash("Name", &v).len(), 32);
        assert!(!a.hash("Name", &v).contains("Acme"));
    }

    #[test]
    fn datetimes_and_literals() {
        let t = parse_datetime("2024-03-01T10:00:00.000+0000").unwrap();
        assert_eq!(soql_datetime(t), "2024-03-01T10:00:00Z");
        assert!(parse_datetime("2024-03-01T10:00:00Z").is_some());
        assert!(parse_datetime("yesterday").is_none());
        assert_eq!(soql_string("O'Brien \\ x"), "'O\\'Brien \\\\ x'");
        assert!(is_record_id("001000000000001AAA"));
        assert!(!is_record_id("001' OR Id != '"));
    }

    #[test]
    fn hash_keys_name_the_side() {
        let mut m = BTreeMap::new();
        m.insert(hash_key(Side::Secondary, "Name"), "h".to_owned());
        assert_eq!(recorded(&m, Side::Secondary, "Name"), Some("h"));
        assert_eq!(recorded(&m, Side::Primary, "Name"), None);
    }
}
