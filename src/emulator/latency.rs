//! Latency profiles (`--latency zero|lan|sf-typical`, or `POST /__emulator/latency`): how long
//! the emulator waits before answering, by kind of call, drawn uniformly from the profile's range
//! with the emulator's seeded RNG. The wait happens in `http/latency_layer.rs`, before the
//! handler runs and so outside the org lock.

use std::ops::RangeInclusive;
use std::time::Duration;

use rand::Rng;

/// A named latency profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LatencyProfile {
    /// No added latency (the default).
    #[default]
    Zero,
    /// A local network: 1–3 ms on every call.
    Lan,
    /// What a production Salesforce org typically answers in (query page 80–150 ms, collection
    /// write 100–200 ms, single record 50–120 ms, Bulk calls ~100 ms, OAuth ~150 ms).
    #[value(name = "sf-typical")]
    SfTypical,
}

/// The kind of call a latency is drawn for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallKind {
    /// `query`, `queryAll` and their locator pages (also Tooling queries).
    QueryPage,
    /// `composite/sobjects` writes, `composite`, `composite/batch`, `composite/tree`.
    CollectionWrite,
    /// Single-record calls, describe, limits and anything else under `/services/data`.
    SingleRecord,
    /// Bulk API 2.0 (`jobs/…`) and Bulk 1.0 (`/services/async/…`) calls.
    Bulk,
    /// OAuth token, revoke, userinfo and identity calls.
    Auth,
}

impl LatencyProfile {
    /// Every profile name, as the CLI and the control API spell them.
    pub const NAMES: [&'static str; 3] = ["zero", "lan", "sf-typical"];

    /// The profile called `name`.
    pub fn parse(name: &str) -> Option<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "zero" | "none" => Some(Self::Zero),
            "lan" => Some(Self::Lan),
            "sf-typical" | "sf_typical" | "sftypical" => Some(Self::SfTypical),
            _ => None,
        }
    }

    /// The profile's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Zero => "zero",
            Self::Lan => "lan",
            Self::SfTypical => "sf-typical",
        }
    }

    /// The range (milliseconds) a call of `kind` waits; `None` for no wait.
    pub fn range_ms(self, kind: CallKind) -> Option<RangeInclusive<u64>> {
        match self {
            Self::Zero => None,
            Self::Lan => Some(1..=3),
            Self::SfTypical => Some(match kind {
                CallKind::QueryPage => 80..=150,
                CallKind::CollectionWrite => 100..=200,
                CallKind::SingleRecord => 50..=120,
                CallKind::Bulk => 80..=120,
                CallKind::Auth => 120..=180,
            }),
        }
    }

    /// Draw the wait of one call of `kind` from `rng`.
    pub fn sample(self, kind: CallKind, rng: &mut impl Rng) -> Option<Duration> {
        self.range_ms(kind)
            .map(|r| Duration::from_millis(rng.random_range(r)))
    }

    /// The profile as JSON for the control API: name and ranges per kind.
    pub fn to_json(self) -> serde_json::Value {
        let range = |k| {
            self.range_ms(k).map_or(serde_json::Value::Null, |r| {
                serde_json::json!([r.start(), r.end()])
            })
        };
        serde_json::json!({
            "profile": self.as_str(),
            "rangesMs": {
                "queryPage": range(CallKind::QueryPage),
                "collectionWrite": range(CallKind::CollectionWrite),
                "singleRecord": range(CallKind::SingleRecord),
                "bulk": range(CallKind::Bulk),
                "auth": range(CallKind::Auth),
            }
        })
    }
}

/// The kind of an HTTP call from its method and path; `None` for paths that never wait
/// (`/__emulator/…` controls).
pub fn classify(path: &str) -> Option<CallKind> {
    if path.starts_with("/__emulator") {
        return None;
    }
    if path.starts_with("/services/oauth2") || path.starts_with("/id/") {
        return Some(CallKind::Auth);
    }
    if path.starts_with("/services/async") {
        return Some(CallKind::Bulk);
    }
    let Some(rest) = path.strip_prefix("/services/data/") else {
        return Some(CallKind::SingleRecord);
    };
    let mut segs = rest.split('/').filter(|s| !s.is_empty()).skip(1);
    let first = segs.next().unwrap_or("");
    let first = if first == "tooling" {
        segs.next().unwrap_or("")
    } else {
        first
    };
    Some(match first {
        "query" | "queryAll" => CallKind::QueryPage,
        "composite" => CallKind::CollectionWrite,
        "jobs" => CallKind::Bulk,
        _ => CallKind::SingleRecord,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn names_round_trip() {
        for name in LatencyProfile::NAMES {
            let p = LatencyProfile::parse(name).unwrap();
            assert_eq!(p.as_str(), name);
        }
        assert_eq!(LatencyProfile::parse("warp"), None);
    }

    #[test]
    fn zero_never_waits_and_sf_typical_stays_in_range() {
        let mut rng = StdRng::seed_from_u64(7);
        assert_eq!(
            LatencyProfile::Zero.sample(CallKind::QueryPage, &mut rng),
            None
        );
        for _ in 0..200 {
            let d = LatencyProfile::SfTypical
                .sample(CallKind::CollectionWrite, &mut rng)
                .unwrap();
            assert!((100..=200).contains(&d.as_millis()));
            let d = LatencyProfile::SfTypical
                .sample(CallKind::QueryPage, &mut rng)
                .unwrap();
            assert!((80..=150).contains(&d.as_millis()));
        }
    }

    #[test]
    fn the_same_seed_draws_the_same_waits() {
        let draw = |seed| {
            let mut rng = StdRng::seed_from_u64(seed);
            (0..10)
                .map(|_| LatencyProfile::SfTypical.sample(CallKind::Auth, &mut rng))
                .collect::<Vec<_>>()
        };
        assert_eq!(draw(3), draw(3));
    }

    #[test]
    fn calls_are_classified_by_path() {
        assert_eq!(
            classify("/services/data/v59.0/query"),
            Some(CallKind::QueryPage)
        );
        assert_eq!(
            classify("/services/data/v59.0/tooling/query"),
            Some(CallKind::QueryPage)
        );
        assert_eq!(
            classify("/services/data/v59.0/composite/sobjects"),
            Some(CallKind::CollectionWrite)
        );
        assert_eq!(
            classify("/services/data/v59.0/jobs/ingest"),
            Some(CallKind::Bulk)
        );
        assert_eq!(
            classify("/services/data/v59.0/sobjects/Account/001"),
            Some(CallKind::SingleRecord)
        );
        assert_eq!(classify("/services/oauth2/token"), Some(CallKind::Auth));
        assert_eq!(classify("/__emulator/journal"), None);
    }
}
