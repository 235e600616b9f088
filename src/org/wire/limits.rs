//! `GET /limits`, reference §10: `{"DailyApiRequests":{"Max":15000,"Remaining":14980,
//! "<App name>":{"Max":0,"Remaining":0}}, ...}` — per-app sub-objects sit next to `Max`/`Remaining`.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// All org limits by name (`DailyApiRequests`, `DailyBulkV2QueryJobs`, ...).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Limits(pub BTreeMap<String, Limit>);

impl Limits {
    /// One limit by name.
    pub fn get(&self, name: &str) -> Option<&Limit> {
        self.0.get(name)
    }
}

/// One limit with its per-connected-app breakdown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Limit {
    /// Allowance.
    pub max: i64,
    /// What is left.
    pub remaining: i64,
    /// Per-app sub-limits, keyed by app name.
    pub per_app: BTreeMap<String, Limit>,
}

impl Limit {
    /// Used so far (`max - remaining`, never negative).
    pub fn used(&self) -> i64 {
        (self.max - self.remaining).max(0)
    }

    fn from_value(value: &Value) -> Self {
        let Some(obj) = value.as_object() else {
            return Self::default();
        };
        let num = |key: &str| obj.get(key).and_then(Value::as_f64).map_or(0, |v| v as i64);
        Self {
            max: num("Max"),
            remaining: num("Remaining"),
            per_app: obj
                .iter()
                .filter(|(_, v)| v.is_object())
                .map(|(k, v)| (k.clone(), Self::from_value(v)))
                .collect(),
        }
    }
}

impl<'de> Deserialize<'de> for Limit {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Self::from_value(&Value::deserialize(deserializer)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(path: &str) -> Limits {
        let text = std::fs::read_to_string(format!(
            "{}/../shared/fixtures/salesforce/{path}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        serde_json::from_str(&text).unwrap()
    }

    #[test]
    fn camel_limits_without_sub_objects() {
        let l = limits("camel/limits.json");
        let api = l.get("DailyApiRequests").unwrap();
        assert_eq!((api.max, api.remaining, api.used()), (15000, 14998, 2));
        assert!(api.per_app.is_empty());
    }

    #[test]
    fn telegraf_limits_with_per_app_sub_objects() {
        let l = limits("telegraf/limits.json");
        let api = l.get("DailyApiRequests").unwrap();
        assert_eq!((api.max, api.remaining), (25000, 24926));
        let ant = api.per_app.get("Ant Migration Tool").unwrap();
        assert_eq!((ant.max, ant.remaining), (0, 0));
        assert!(api.per_app.len() > 10);
        assert!(
            l.get("ConcurrentSyncReportRuns")
                .is_some_and(|c| c.max == 20)
        );
    }
}
