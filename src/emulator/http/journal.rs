//! API accounting: one counter per call class, the daily usage Salesforce reports in
//! `Sforce-Limit-Info` and `/limits`, exposed as `GET /__emulator/journal`.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

use parking_lot::Mutex;
use serde_json::{Value, json};

/// The class of an API call, as the journal counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallClass {
    /// Single-record, describe, limits and other REST calls.
    Rest,
    /// `composite` and `composite/batch`.
    Composite,
    /// `composite/sobjects`.
    Collections,
    /// `query` and `queryAll` (each page counts).
    Query,
    /// Bulk API 2.0 and 1.0.
    Bulk,
    /// Tooling API.
    Tooling,
    /// SOAP API.
    Soap,
    /// OAuth calls; they do not count toward the daily API allowance.
    Auth,
}

impl CallClass {
    const ALL: [CallClass; 8] = [
        CallClass::Rest,
        CallClass::Composite,
        CallClass::Collections,
        CallClass::Query,
        CallClass::Bulk,
        CallClass::Tooling,
        CallClass::Soap,
        CallClass::Auth,
    ];

    /// The journal key.
    pub fn as_str(self) -> &'static str {
        match self {
            CallClass::Rest => "rest",
            CallClass::Composite => "composite",
            CallClass::Collections => "collections",
            CallClass::Query => "query",
            CallClass::Bulk => "bulk",
            CallClass::Tooling => "tooling",
            CallClass::Soap => "soap",
            CallClass::Auth => "auth",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Counters of API calls since start (or the last reset).
#[derive(Debug, Default)]
pub struct Journal {
    counts: [AtomicU64; 8],
    /// Calls per `METHOD /route/{template}`.
    routes: Mutex<BTreeMap<String, u64>>,
}

impl Journal {
    /// Count one call.
    pub fn record(&self, class: CallClass) {
        self.counts[class.index()].fetch_add(1, Ordering::Relaxed);
    }

    /// Count one call of `class` under its route template (`GET /query`, see
    /// [`route_template`]).
    pub fn record_route(&self, class: CallClass, route: String) {
        self.record(class);
        *self.routes.lock().entry(route).or_insert(0) += 1;
    }

    /// Calls counted under one route template.
    pub fn route_count(&self, route: &str) -> u64 {
        self.routes.lock().get(route).copied().unwrap_or(0)
    }

    /// Calls of one class.
    pub fn count(&self, class: CallClass) -> u64 {
        self.counts[class.index()].load(Ordering::Relaxed)
    }

    /// Calls that count toward the daily allowance (everything except OAuth).
    pub fn api_usage(&self) -> u64 {
        CallClass::ALL
            .iter()
            .filter(|c| **c != CallClass::Auth)
            .map(|c| self.count(*c))
            .sum()
    }

    /// Zero every counter.
    pub fn reset(&self) {
        for c in &self.counts {
            c.store(0, Ordering::Relaxed);
        }
        self.routes.lock().clear();
    }

    /// The journal as JSON:
    /// `{"apiUsage": n, "calls": {"rest": n, …}, "routes": {"GET /query": n, …}}`.
    pub fn to_json(&self) -> Value {
        let calls: serde_json::Map<String, Value> = CallClass::ALL
            .iter()
            .map(|c| (c.as_str().to_owned(), json!(self.count(*c))))
            .collect();
        let routes: serde_json::Map<String, Value> = self
            .routes
            .lock()
            .iter()
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect();
        json!({"apiUsage": self.api_usage(), "calls": calls, "routes": routes})
    }
}

/// `METHOD /template` of a data call from its segments after the version: resource words stay,
/// names and IDs become placeholders (`GET /sobjects/{object}/{id}`, `GET /query/{locator}`,
/// `PATCH /composite/sobjects/{object}/{field}`, `GET /jobs/ingest/{jobId}/failedResults`).
pub fn route_template(method: &str, segments: &[String]) -> String {
    let segs: Vec<&str> = segments.iter().map(String::as_str).collect();
    let (prefix, rest) = match segs.as_slice() {
        ["tooling", rest @ ..] => ("/tooling", rest),
        rest => ("", rest),
    };
    let words: Vec<&str> = match rest {
        [] => vec![],
        ["sobjects"] => vec!["sobjects"],
        ["sobjects", _] => vec!["sobjects", "{object}"],
        [
            "sobjects",
            _,
            w @ ("describe" | "updated" | "deleted" | "listviews" | "quickActions"),
        ] => {
            vec!["sobjects", "{object}", w]
        }
        ["sobjects", _, "describe", w, ..] => vec!["sobjects", "{object}", "describe", w],
        ["sobjects", _, _] => vec!["sobjects", "{object}", "{id}"],
        ["sobjects", _, _, _] => vec!["sobjects", "{object}", "{field}", "{value}"],
        ["sobjects", _, _, _, ..] => vec!["sobjects", "{object}", "{id}", "{relationship}"],
        [q @ ("query" | "queryAll")] => vec![q],
        [q @ ("query" | "queryAll"), _, ..] => vec![q, "{locator}"],
        ["composite"] => vec!["composite"],
        ["composite", "sobjects"] => vec!["composite", "sobjects"],
        ["composite", "sobjects", _] => vec!["composite", "sobjects", "{object}"],
        ["composite", "sobjects", _, _, ..] => vec!["composite", "sobjects", "{object}", "{field}"],
        ["composite", "tree", _, ..] => vec!["composite", "tree", "{object}"],
        ["composite", w, ..] => vec!["composite", w],
        ["jobs", kind] => vec!["jobs", kind],
        ["jobs", kind, _] => vec!["jobs", kind, "{jobId}"],
        ["jobs", kind, _, w, ..] => vec!["jobs", kind, "{jobId}", w],
        [first, more @ ..] => std::iter::once(*first)
            .chain(more.iter().map(|_| "{param}"))
            .collect(),
    };
    let mut out = format!("{method} {prefix}");
    for w in &words {
        out.push('/');
        out.push_str(w);
    }
    if words.is_empty() {
        out.push('/');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_calls_do_not_count_toward_usage() {
        let j = Journal::default();
        j.record(CallClass::Rest);
        j.record(CallClass::Composite);
        j.record(CallClass::Auth);
        assert_eq!(j.api_usage(), 2);
        assert_eq!(j.to_json()["calls"]["auth"], 1);
        j.reset();
        assert_eq!(j.api_usage(), 0);
    }

    #[test]
    fn routes_are_counted_by_template() {
        let j = Journal::default();
        j.record_route(CallClass::Query, "GET /query".into());
        j.record_route(CallClass::Query, "GET /query".into());
        assert_eq!(j.route_count("GET /query"), 2);
        assert_eq!(j.to_json()["routes"]["GET /query"], 2);
        j.reset();
        assert_eq!(j.route_count("GET /query"), 0);
    }

    #[test]
    fn templates_hide_names_and_ids() {
        let t = |m: &str, p: &str| {
            let segs: Vec<String> = p
                .split('/')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
            route_template(m, &segs)
        };
        assert_eq!(t("GET", "query"), "GET /query");
        assert_eq!(t("GET", "query/01gxx-2000"), "GET /query/{locator}");
        assert_eq!(
            t("PATCH", "composite/sobjects"),
            "PATCH /composite/sobjects"
        );
        assert_eq!(
            t("PATCH", "composite/sobjects/Account/Ext__c"),
            "PATCH /composite/sobjects/{object}/{field}"
        );
        assert_eq!(
            t("GET", "sobjects/Account/001x"),
            "GET /sobjects/{object}/{id}"
        );
        assert_eq!(
            t("GET", "sobjects/Account/describe"),
            "GET /sobjects/{object}/describe"
        );
        assert_eq!(
            t("PATCH", "sobjects/Account/Ext__c/A-1"),
            "PATCH /sobjects/{object}/{field}/{value}"
        );
        assert_eq!(t("GET", "tooling/query"), "GET /tooling/query");
        assert_eq!(
            t("GET", "jobs/ingest/750x/failedResults"),
            "GET /jobs/ingest/{jobId}/failedResults"
        );
        assert_eq!(t("GET", ""), "GET /");
        assert_eq!(t("GET", "limits"), "GET /limits");
    }
}
