//! One scripted fault: what it matches (`match`), what it does (`fault`) and how often it has
//! matched and fired. Rules arrive as JSON through `POST /__emulator/faults`.

use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::glob;

/// Longest a `hang` may sleep (seconds): past any sane client timeout, yet bounded.
pub const MAX_HANG_SECONDS: f64 = 600.0;
/// How long a `hang` sleeps without `seconds`: past the 120 s many clients default to.
pub const DEFAULT_HANG_SECONDS: f64 = 130.0;

/// What a rule matches. Every given criterion must hold.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Match {
    /// HTTP method, case-insensitive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// A glob (`*` any run of characters, `?` one) or, without wildcards, a prefix; tried
    /// against the full path and against the path after `/services/data/vXX.X`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The sObject type, case-insensitive: from the path or the body's `attributes.type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    /// Fire first on the n-th matching call (1-based; default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nth: Option<u64>,
    /// After the first, fire on every k-th matching call (default 1: each one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every: Option<u64>,
    /// Fire with this probability (drawn from the emulator's seeded RNG).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
    /// How many times the rule fires (default 1; 0 means without end).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<u64>,
}

/// The kinds of fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum FaultKind {
    /// 503 `SERVER_UNAVAILABLE`.
    Http503,
    /// 403 `REQUEST_LIMIT_EXCEEDED` "TotalRequests Limit exceeded.".
    RequestLimitExceeded,
    /// `UNABLE_TO_LOCK_ROW`: a 400 array, or per row inside sObject Collections.
    UnableToLockRow,
    /// 401 `INVALID_SESSION_ID`.
    InvalidSessionId,
    /// Sleep `seconds`, then answer normally.
    Hang,
    /// Run the call (its writes commit), then answer 500 `UNKNOWN_EXCEPTION` (or 503).
    CommitThenFail,
}

/// What a rule does when it fires.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Fault {
    /// The kind.
    pub kind: FaultKind,
    /// `unableToLockRow` inside collections: the 0-based rows that fail (default: every row).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows: Option<Vec<usize>>,
    /// `hang`: how long to sleep.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seconds: Option<f64>,
    /// `commitThenFail`: 500 (default) or 503.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
}

impl Fault {
    /// The `hang` duration.
    pub fn hang_duration(&self) -> std::time::Duration {
        std::time::Duration::from_secs_f64(self.seconds.unwrap_or(DEFAULT_HANG_SECONDS))
    }
}

/// A rule as posted: `{"match": {…}, "fault": {…}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// When it fires (absent: on every call, once).
    #[serde(default, rename = "match")]
    pub matcher: Match,
    /// What happens.
    pub fault: Fault,
}

impl RuleSpec {
    /// Parse and check a posted rule; the error says what is wrong.
    pub fn parse(body: &[u8]) -> Result<Self, String> {
        let spec: RuleSpec = serde_json::from_slice(body).map_err(|e| e.to_string())?;
        spec.check()?;
        Ok(spec)
    }

    fn check(&self) -> Result<(), String> {
        let m = &self.matcher;
        if m.nth == Some(0) {
            return Err("match.nth counts from 1".into());
        }
        if m.every == Some(0) {
            return Err("match.every must be at least 1".into());
        }
        if let Some(p) = m.probability
            && !(0.0..=1.0).contains(&p)
        {
            return Err("match.probability must be between 0 and 1".into());
        }
        let f = &self.fault;
        if f.rows.is_some() && f.kind != FaultKind::UnableToLockRow {
            return Err("fault.rows applies to unableToLockRow only".into());
        }
        match f.seconds {
            Some(_) if f.kind != FaultKind::Hang => {
                return Err("fault.seconds applies to hang only".into());
            }
            Some(s) if !(s > 0.0 && s <= MAX_HANG_SECONDS) => {
                return Err(format!(
                    "fault.seconds must be above 0 and at most {MAX_HANG_SECONDS}"
                ));
            }
            _ => {}
        }
        match f.status {
            Some(_) if f.kind != FaultKind::CommitThenFail => {
                Err("fault.status applies to commitThenFail only".into())
            }
            Some(500 | 503) | None => Ok(()),
            Some(_) => Err("fault.status must be 500 or 503".into()),
        }
    }
}

/// What a rule is matched against.
#[derive(Debug, Clone, Default)]
pub struct Subject<'a> {
    /// The HTTP method.
    pub method: &'a str,
    /// The full path.
    pub path: &'a str,
    /// The path after `/services/data/vXX.X` (data calls only).
    pub route: Option<&'a str>,
    /// The sObject types of the call (from the path, the body or the SOQL `FROM`).
    pub objects: Vec<String>,
}

/// A rule with its counters.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Its ID.
    pub id: u64,
    /// What it matches and does.
    pub spec: RuleSpec,
    /// Calls that matched.
    pub seen: u64,
    /// Times it fired.
    pub fired: u64,
}

impl Rule {
    /// Whether `s` matches the method, path and object criteria.
    pub fn matches(&self, s: &Subject<'_>) -> bool {
        let m = &self.spec.matcher;
        if let Some(method) = &m.method
            && !method.eq_ignore_ascii_case(s.method)
        {
            return false;
        }
        if let Some(pattern) = &m.path
            && !glob::path_matches(pattern, s.path)
            && !s.route.is_some_and(|r| glob::path_matches(pattern, r))
        {
            return false;
        }
        if let Some(object) = &m.object
            && !s.objects.iter().any(|o| o.eq_ignore_ascii_case(object))
        {
            return false;
        }
        true
    }

    /// Count a matching call; `true` when the rule fires on it (`may_fire` false when an earlier
    /// rule already fired for this call).
    pub fn observe(&mut self, may_fire: bool, rng: &mut impl Rng) -> bool {
        let m = &self.spec.matcher;
        self.seen += 1;
        let nth = m.nth.unwrap_or(1);
        let every = m.every.unwrap_or(1);
        let times = m.times.unwrap_or(1);
        let due = self.seen >= nth && (self.seen - nth).is_multiple_of(every);
        let left = times == 0 || self.fired < times;
        if !(may_fire && due && left) {
            return false;
        }
        if let Some(p) = m.probability
            && !rng.random_bool(p)
        {
            return false;
        }
        self.fired += 1;
        true
    }

    /// The rule as `GET /__emulator/faults` lists it.
    pub fn to_json(&self) -> Value {
        let times = self.spec.matcher.times.unwrap_or(1);
        json!({
            "id": self.id,
            "match": self.spec.matcher,
            "fault": self.spec.fault,
            "seen": self.seen,
            "fired": self.fired,
            "exhausted": times != 0 && self.fired >= times,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    fn rule(json: &str) -> Rule {
        Rule {
            id: 1,
            spec: RuleSpec::parse(json.as_bytes()).unwrap(),
            seen: 0,
            fired: 0,
        }
    }

    fn fires(rule: &mut Rule, calls: usize) -> Vec<usize> {
        let mut rng = StdRng::seed_from_u64(1);
        (1..=calls)
            .filter(|_| rule.observe(true, &mut rng))
            .collect()
    }

    #[test]
    fn nth_every_and_times_pick_calls() {
        let mut r = rule(r#"{"match":{"nth":3},"fault":{"kind":"http503"}}"#);
        assert_eq!(fires(&mut r, 6), vec![3]);
        let mut r = rule(r#"{"match":{"nth":2,"every":2,"times":3},"fault":{"kind":"http503"}}"#);
        assert_eq!(fires(&mut r, 10), vec![2, 4, 6]);
        let mut r = rule(r#"{"match":{"times":0},"fault":{"kind":"http503"}}"#);
        assert_eq!(fires(&mut r, 4), vec![1, 2, 3, 4]);
        assert_eq!(r.to_json()["fired"], 4);
    }

    #[test]
    fn probability_is_seeded() {
        let json = r#"{"match":{"probability":0.5,"times":0},"fault":{"kind":"http503"}}"#;
        let a = fires(&mut rule(json), 50);
        assert_eq!(a, fires(&mut rule(json), 50));
        assert!(!a.is_empty() && a.len() < 50);
    }

    #[test]
    fn matching_uses_method_path_and_object() {
        let r = rule(
            r#"{"match":{"method":"patch","path":"/composite/sobjects","object":"account"},"fault":{"kind":"unableToLockRow"}}"#,
        );
        let mut s = Subject {
            method: "PATCH",
            path: "/services/data/v59.0/composite/sobjects",
            route: Some("/composite/sobjects"),
            objects: vec!["Account".into()],
        };
        assert!(r.matches(&s));
        s.objects = vec!["Contact".into()];
        assert!(!r.matches(&s));
        s.objects = vec!["Account".into()];
        s.method = "POST";
        assert!(!r.matches(&s));
    }

    #[test]
    fn bad_rules_are_refused_with_a_reason() {
        let bad = |json: &str| RuleSpec::parse(json.as_bytes()).unwrap_err();
        assert!(bad(r#"{"fault":{"kind":"boom"}}"#).contains("unknown variant"));
        assert!(bad(r#"{"match":{"nth":0},"fault":{"kind":"hang"}}"#).contains("nth"));
        assert!(bad(r#"{"fault":{"kind":"hang","seconds":9999}}"#).contains("seconds"));
        assert!(bad(r#"{"fault":{"kind":"http503","rows":[1]}}"#).contains("rows"));
        assert!(bad(r#"{"fault":{"kind":"commitThenFail","status":404}}"#).contains("500"));
        assert!(bad(r#"{"match":{"colour":"red"},"fault":{"kind":"hang"}}"#).contains("colour"));
    }
}
