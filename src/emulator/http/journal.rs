//! API accounting: one counter per call class, the daily usage Salesforce reports in
//! `Sforce-Limit-Info` and `/limits`, exposed as `GET /__emulator/journal`.

use std::sync::atomic::{AtomicU64, Ordering};

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
}

impl Journal {
    /// Count one call.
    pub fn record(&self, class: CallClass) {
        self.counts[class.index()].fetch_add(1, Ordering::Relaxed);
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
    }

    /// The journal as JSON: `{"apiUsage": n, "calls": {"rest": n, …}}`.
    pub fn to_json(&self) -> Value {
        let calls: serde_json::Map<String, Value> = CallClass::ALL
            .iter()
            .map(|c| (c.as_str().to_owned(), json!(self.count(*c))))
            .collect();
        json!({"apiUsage": self.api_usage(), "calls": calls})
    }
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
}
