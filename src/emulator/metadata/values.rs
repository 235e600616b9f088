//! [`Meta`]: a lenient view of a metadata component's keys, from Tooling JSON or deploy XML.

use serde_json::{Map, Value};

/// A metadata component's keys (`type`, `length`, `label`, `valueSet`, …).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Meta(pub Map<String, Value>);

impl Meta {
    /// The raw value of `key` (case-insensitive).
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
            .filter(|v| !v.is_null())
    }

    /// Text of `key` (numbers and booleans as text).
    pub fn text(&self, key: &str) -> Option<String> {
        match self.get(key)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// `key` as a boolean (`true`/`"true"`); `None` when absent or not boolean-like.
    pub fn flag(&self, key: &str) -> Option<bool> {
        match self.get(key)? {
            Value::Bool(b) => Some(*b),
            Value::String(s) => match s.trim() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    /// `key` as a non-negative integer (`80`, `"80"`, `80.0`).
    pub fn count(&self, key: &str) -> Option<u32> {
        match self.get(key)? {
            Value::Number(n) => n
                .as_u64()
                .or_else(|| n.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64))
                .and_then(|n| u32::try_from(n).ok()),
            Value::String(s) => s
                .trim()
                .parse::<f64>()
                .ok()
                .and_then(|f| (f >= 0.0 && f <= f64::from(u32::MAX)).then_some(f as u32)),
            _ => None,
        }
    }

    /// A nested component (`valueSet`, `nameField`).
    pub fn nested(&self, key: &str) -> Option<Meta> {
        match self.get(key)? {
            Value::Object(m) => Some(Meta(m.clone())),
            _ => None,
        }
    }

    /// A repeated element as a list (a single element is a list of one).
    pub fn list(&self, key: &str) -> Vec<Value> {
        match self.get(key) {
            Some(Value::Array(a)) => a.clone(),
            Some(v) => vec![v.clone()],
            None => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_read_from_json_and_xml_text_alike() {
        let m = Meta(
            json!({"length": "80", "Unique": true, "externalId": "true", "scale": 2.0})
                .as_object()
                .unwrap()
                .clone(),
        );
        assert_eq!(m.count("length"), Some(80));
        assert_eq!(m.count("scale"), Some(2));
        assert_eq!(m.flag("unique"), Some(true));
        assert_eq!(m.flag("externalId"), Some(true));
        assert_eq!(m.text("length").as_deref(), Some("80"));
        assert_eq!(m.list("missing"), Vec::<Value>::new());
    }
}
