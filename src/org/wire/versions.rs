//! `GET /services/data/`: the API versions an org serves (reference §3). `version` is a string
//! in real responses; numbers are accepted too.

use serde::Deserialize;

use super::lenient::{null_default, opt_text};

/// One available API version.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct VersionInfo {
    /// Release name, e.g. `Winter '24`.
    #[serde(default, deserialize_with = "null_default")]
    pub label: String,
    /// Root-relative base URL, e.g. `/services/data/v59.0`.
    #[serde(default, deserialize_with = "null_default")]
    pub url: String,
    /// Version number as text, e.g. `59.0`.
    #[serde(default, deserialize_with = "opt_text")]
    pub version: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services_data_fixture() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/fixtures/salesforce/restforce/services_data_success_response.json"
        ))
        .unwrap();
        let v: Vec<VersionInfo> = serde_json::from_str(&text).unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].version.as_deref(), Some("20.0"));
        assert_eq!(v[1].url, "/services/data/v100");
    }
}
