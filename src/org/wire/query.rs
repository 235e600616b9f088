//! Query pages (`/query`, `/queryAll`, `/tooling/query`) and records, reference §5 and §11.1.

use std::fmt;

use serde::Deserialize;
use serde_json::{Map, Value};

use super::lenient::{count, null_default, opt_count};

/// One page of query results.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryPage {
    /// Full match count, repeated on every page (the count for `SELECT COUNT()`).
    #[serde(default, deserialize_with = "count")]
    pub total_size: u64,
    /// Last page. A missing `done` is read as `true` (jsforce tolerates that too).
    #[serde(default = "yes")]
    pub done: bool,
    /// Root-relative URL of the next page, present while `done` is false.
    #[serde(default)]
    pub next_records_url: Option<String>,
    /// Records of this page.
    #[serde(default, deserialize_with = "null_default")]
    pub records: Vec<Record>,
    /// Tooling only: records on this page.
    #[serde(default, deserialize_with = "opt_count")]
    pub size: Option<u64>,
    /// Tooling only: the queried type, e.g. `ApexTrigger`.
    #[serde(default)]
    pub entity_type_name: Option<String>,
}

fn yes() -> bool {
    true
}

/// A record as Salesforce returns it: `attributes` plus field values keyed by API name.
///
/// `Debug` lists field *names* only: record values never reach orgsync's diagnostics.
#[derive(Clone, Default, Deserialize, PartialEq)]
pub struct Record {
    /// `{"type","url"}`; absent on some nested shapes.
    #[serde(default)]
    pub attributes: Option<RecordAttributes>,
    /// Field values: scalars, `null`, nested parent records or child query results.
    #[serde(flatten)]
    pub fields: Map<String, Value>,
}

impl Record {
    /// The `Id` field, when selected.
    pub fn id(&self) -> Option<&str> {
        self.fields.get("Id").and_then(Value::as_str)
    }

    /// A field value by API name (exact key).
    pub fn get(&self, field: &str) -> Option<&Value> {
        self.fields.get(field)
    }
}

impl fmt::Debug for Record {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Record")
            .field("attributes", &self.attributes)
            .field("fields", &self.fields.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// The `attributes` of a record.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
pub struct RecordAttributes {
    /// Object API name (`AggregateResult` for aggregates).
    #[serde(rename = "type", default, deserialize_with = "null_default")]
    pub sobject_type: String,
    /// Root-relative record URL; absent for aggregates.
    #[serde(default)]
    pub url: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(name: &str) -> QueryPage {
        let text = std::fs::read_to_string(format!(
            "{}/../shared/fixtures/salesforce/restforce/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        serde_json::from_str(&text).unwrap()
    }

    #[test]
    fn paginated_pages() {
        let first = page("sobject__query_paginated_first_page_response.json");
        assert!(!first.done);
        assert_eq!(first.total_size, 2);
        assert_eq!(
            first.next_records_url.as_deref(),
            Some("/services/data/v26.0/query/01gD")
        );
        assert_eq!(
            first.records[0].get("Text_Label"),
            Some(&Value::from("First Page"))
        );
        assert_eq!(
            first.records[0].attributes.as_ref().unwrap().sobject_type,
            "Whizbang"
        );
        let last = page("sobject__query_paginated_last_page_response.json");
        assert!(last.done);
        assert!(last.next_records_url.is_none());
    }

    #[test]
    fn empty_aggregate_and_nested_results() {
        let empty = page("sobject__query_empty_response.json");
        assert_eq!(empty.total_size, 0);
        assert!(empty.records.is_empty() && empty.done);
        let agg = page("sobject__query_aggregate_success_response.json");
        assert_eq!(agg.records.len(), 3);
        let attrs = agg.records[0].attributes.as_ref().unwrap();
        assert_eq!(attrs.sobject_type, "AggregateResult");
        assert!(attrs.url.is_none());
        assert_eq!(agg.records[2].get("CampaignId"), Some(&Value::Null));
        let full = page("sobject__query_success_response.json");
        let parent = full.records[0].get("ParentWhizbang__r").unwrap();
        assert_eq!(parent["Name"], "Parent Whizbang");
        let child: QueryPage =
            serde_json::from_value(full.records[0].get("Whizbangs__r").unwrap().clone()).unwrap();
        assert_eq!(
            child.records[0].get("Name"),
            Some(&Value::from("Child Whizbang"))
        );
        let org = page("sobject__org_query_response.json");
        assert_eq!(org.records.len(), org.total_size as usize);
    }

    #[test]
    fn debug_lists_field_names_not_values() {
        let r: Record = serde_json::from_str(
            r#"{"attributes":{"type":"Contact","url":"/x"},"Id":"003","Email":"jane@example.com"}"#,
        )
        .unwrap();
        assert_eq!(r.id(), Some("003"));
        let dbg = format!("{r:?}");
        assert!(dbg.contains("Email"));
        assert!(!dbg.contains("jane@example.com"));
    }

    #[test]
    fn tooling_page_keys() {
        let p: QueryPage = serde_json::from_str(
            r#"{"size":1,"totalSize":1,"done":true,"queryLocator":null,"entityTypeName":"ApexTrigger","records":[{"attributes":{"type":"ApexTrigger","url":"/services/data/v59.0/tooling/sobjects/ApexTrigger/01q"},"Name":"T","Status":"Active"}]}"#,
        )
        .unwrap();
        assert_eq!(p.size, Some(1));
        assert_eq!(p.entity_type_name.as_deref(), Some("ApexTrigger"));
        assert_eq!(p.records[0].get("Status"), Some(&Value::from("Active")));
    }
}
