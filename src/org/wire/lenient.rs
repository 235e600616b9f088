//! Deserialisers that accept the odd shapes real describes contain: `null` where a list or flag
//! is expected, booleans and integers written as strings.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// `null` (or a missing key, with `#[serde(default)]`) becomes `T::default()`.
pub fn null_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// A boolean written as `true`, `"true"`, `1` or `null` (false).
pub fn flag<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    Ok(match Value::deserialize(deserializer)? {
        Value::Bool(b) => b,
        Value::String(s) => s.eq_ignore_ascii_case("true"),
        Value::Number(n) => n.as_f64().is_some_and(|v| v != 0.0),
        _ => false,
    })
}

/// A non-negative integer written as `18`, `18.0`, `"18"` or `null` (0).
pub fn count<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    Ok(match Value::deserialize(deserializer)? {
        Value::Number(n) => n
            .as_u64()
            .or_else(|| n.as_f64().filter(|v| *v >= 0.0).map(|v| v as u64))
            .unwrap_or(0),
        Value::String(s) => s.trim().parse().unwrap_or(0),
        _ => 0,
    })
}

/// An optional integer written as a number, a string, or `null`.
pub fn opt_count<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    Ok(match Value::deserialize(deserializer)? {
        Value::Number(n) => n
            .as_u64()
            .or_else(|| n.as_f64().filter(|v| *v >= 0.0).map(|v| v as u64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    })
}

/// A string that may be written as a number (`"apiVersion": 60` in Bulk 2.0 job info) or `null`.
pub fn opt_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(deserializer)? {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct Probe {
        #[serde(default, deserialize_with = "super::flag")]
        f: bool,
        #[serde(default, deserialize_with = "super::count")]
        n: u64,
        #[serde(default, deserialize_with = "super::null_default")]
        v: Vec<String>,
        #[serde(default, deserialize_with = "super::opt_text")]
        t: Option<String>,
    }

    #[test]
    fn accepts_strings_numbers_and_nulls() {
        let p: Probe = serde_json::from_str(r#"{"f":"true","n":"18","v":null,"t":60}"#).unwrap();
        assert!(p.f);
        assert_eq!(p.n, 18);
        assert!(p.v.is_empty());
        assert_eq!(p.t.as_deref(), Some("60"));
        let p: Probe = serde_json::from_str(r#"{"f":null,"n":23.0}"#).unwrap();
        assert!(!p.f);
        assert_eq!(p.n, 23);
        assert_eq!(p.t, None);
    }
}
