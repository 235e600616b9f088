//! API usage per org: the latest `Sforce-Limit-Info` Salesforce reported, and a local count of
//! the calls this client made per class.
//!
//! Header forms (reference §1, §10): `api-usage=18/5000`, optionally followed by
//! `; per-app-api-usage=17/250(appName=x)` and/or `; api-bursts=1/750`.

use std::collections::BTreeMap;

use parking_lot::Mutex;

/// Which API family a call belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CallClass {
    /// OAuth token endpoint.
    Auth,
    /// Plain REST data calls (describe, query, CRUD, collections, limits).
    Rest,
    /// `/composite`.
    Composite,
    /// Bulk API 2.0.
    Bulk,
    /// Tooling API.
    Tooling,
    /// SOAP API (undelete).
    Soap,
    /// Metadata API (deployRequest).
    Metadata,
}

/// A `used/max` pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UsagePair {
    /// Used in the rolling 24 hours.
    pub used: u64,
    /// Allowance.
    pub max: u64,
}

/// A parsed `Sforce-Limit-Info` header.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LimitInfo {
    /// `api-usage=N/M`: the org's daily API requests.
    pub api_usage: Option<UsagePair>,
    /// `per-app-api-usage=N/M(appName=x)`: the connected app's share, with its name.
    pub per_app: Option<(UsagePair, String)>,
    /// `api-bursts=N/M`.
    pub api_bursts: Option<UsagePair>,
}

fn pair(text: &str) -> Option<UsagePair> {
    let (used, max) = text.split_once('/')?;
    Some(UsagePair {
        used: used.trim().parse().ok()?,
        max: max.trim().parse().ok()?,
    })
}

/// Parses a `Sforce-Limit-Info` header; unknown or malformed parts are ignored.
pub fn parse_limit_info(header: &str) -> LimitInfo {
    let mut info = LimitInfo::default();
    for part in header.split([';', ',']) {
        let Some((key, value)) = part.trim().split_once('=') else {
            continue;
        };
        match key.trim() {
            "api-usage" => info.api_usage = pair(value),
            "api-bursts" => info.api_bursts = pair(value),
            "per-app-api-usage" => {
                let (numbers, rest) = value.split_once('(').unwrap_or((value, ""));
                let app = rest
                    .trim_end_matches(')')
                    .strip_prefix("appName=")
                    .unwrap_or(rest)
                    .to_owned();
                info.per_app = pair(numbers).map(|p| (p, app));
            }
            _ => {}
        }
    }
    info
}

/// A snapshot of one client's usage.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UsageSnapshot {
    /// The latest `Sforce-Limit-Info` seen (fields keep their last reported value).
    pub latest: LimitInfo,
    /// HTTP requests this client sent, per class (each retry counts: Salesforce counts it too).
    pub calls: BTreeMap<CallClass, u64>,
}

impl UsageSnapshot {
    /// Calls made, all classes together.
    pub fn total_calls(&self) -> u64 {
        self.calls.values().sum()
    }
}

/// Thread-safe usage tracker owned by one `OrgClient`.
#[derive(Debug, Default)]
pub struct UsageTracker {
    inner: Mutex<UsageSnapshot>,
}

impl UsageTracker {
    /// Counts one request of this class.
    pub fn count_call(&self, class: CallClass) {
        *self.inner.lock().calls.entry(class).or_default() += 1;
    }

    /// Records a `Sforce-Limit-Info` header value.
    pub fn observe_header(&self, header: &str) {
        let parsed = parse_limit_info(header);
        let mut inner = self.inner.lock();
        if parsed.api_usage.is_some() {
            inner.latest.api_usage = parsed.api_usage;
        }
        if parsed.per_app.is_some() {
            inner.latest.per_app = parsed.per_app;
        }
        if parsed.api_bursts.is_some() {
            inner.latest.api_bursts = parsed.api_bursts;
        }
    }

    /// A copy of the current numbers.
    pub fn snapshot(&self) -> UsageSnapshot {
        self.inner.lock().clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_all_header_forms() {
        assert_eq!(
            parse_limit_info("api-usage=18/5000").api_usage,
            Some(UsagePair {
                used: 18,
                max: 5000
            })
        );
        let full = parse_limit_info(
            "api-usage=10018/100000; per-app-api-usage=17/250(appName=sample-app); api-bursts=1/750",
        );
        assert_eq!(
            full.api_usage,
            Some(UsagePair {
                used: 10018,
                max: 100000
            })
        );
        assert_eq!(
            full.per_app,
            Some((UsagePair { used: 17, max: 250 }, "sample-app".to_owned()))
        );
        assert_eq!(full.api_bursts, Some(UsagePair { used: 1, max: 750 }));
        assert_eq!(
            parse_limit_info("garbage; api-usage=x/y"),
            LimitInfo::default()
        );
    }

    #[test]
    fn tracker_keeps_latest_and_counts_calls() {
        let t = UsageTracker::default();
        t.observe_header("api-usage=1/100; api-bursts=1/750");
        t.observe_header("api-usage=2/100");
        t.count_call(CallClass::Rest);
        t.count_call(CallClass::Rest);
        t.count_call(CallClass::Auth);
        let s = t.snapshot();
        assert_eq!(s.latest.api_usage, Some(UsagePair { used: 2, max: 100 }));
        assert_eq!(s.latest.api_bursts, Some(UsagePair { used: 1, max: 750 }));
        assert_eq!(s.calls[&CallClass::Rest], 2);
        assert_eq!(s.total_calls(), 3);
    }
}
