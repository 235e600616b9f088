//! Scripted faults and the emulator's test controls that change between requests: fault rules
//! (`POST /__emulator/faults`), the latency profile, the seeded RNGs both draw from, and the
//! org as it started (for `POST /__emulator/reset {"data": true}`).
//!
//! | file | holds |
//! |---|---|
//! | `rule.rs` | a rule: `match`, `fault`, counters, nth/every/times/probability |
//! | `glob.rs` | path patterns |
//! | `subject.rs` | the sObject types a call is about |
//! | `rows.rs` | per-row lock errors inside sObject Collections |
//! | `wire.rs` | the exact error answers |
//!
//! The HTTP side lives in `http/fault_layer.rs` and `http/latency_layer.rs`.

pub mod glob;
pub mod rows;
pub mod rule;
pub mod subject;
pub mod wire;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use parking_lot::Mutex;
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::{Value, json};
use tokio::sync::Notify;

use crate::emulator::latency::{CallKind, LatencyProfile};
use crate::emulator::model::Org;
pub use rule::{Fault, FaultKind, Match, Rule, RuleSpec, Subject};

/// Fault rules, the latency profile and what `reset` returns to.
#[derive(Debug)]
pub struct Controls {
    rules: Mutex<Vec<Rule>>,
    next_id: AtomicU64,
    any_rules: AtomicBool,
    fault_rng: Mutex<StdRng>,
    latency: Mutex<LatencyProfile>,
    latency_rng: Mutex<StdRng>,
    release: Notify,
    serial: AtomicU64,
    initial_org: Org,
}

impl Controls {
    /// Controls seeded with `seed` (`--seed`), starting with the `latency` profile (unknown
    /// names mean `zero`), remembering `org` as the state `reset` restores.
    pub fn new(seed: u64, latency: Option<&str>, org: &Org) -> Self {
        let profile = match latency {
            None => LatencyProfile::Zero,
            Some(name) => LatencyProfile::parse(name).unwrap_or_else(|| {
                tracing::warn!(profile = name, "unknown latency profile; using zero");
                LatencyProfile::Zero
            }),
        };
        Self {
            rules: Mutex::new(Vec::new()),
            next_id: AtomicU64::new(1),
            any_rules: AtomicBool::new(false),
            fault_rng: Mutex::new(StdRng::seed_from_u64(seed ^ 0xFA17_0000)),
            latency: Mutex::new(profile),
            latency_rng: Mutex::new(StdRng::seed_from_u64(seed ^ 0x1A7E_0000)),
            release: Notify::new(),
            serial: AtomicU64::new(seed.wrapping_mul(7919)),
            initial_org: org.clone(),
        }
    }

    /// Add a rule; its ID.
    pub fn add(&self, spec: RuleSpec) -> u64 {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let mut rules = self.rules.lock();
        rules.push(Rule {
            id,
            spec,
            seen: 0,
            fired: 0,
        });
        self.any_rules.store(true, Ordering::Release);
        id
    }

    /// Every rule with its counters, as `GET /__emulator/faults` answers.
    pub fn list(&self) -> Value {
        let rules: Vec<Value> = self.rules.lock().iter().map(Rule::to_json).collect();
        json!({"faults": rules})
    }

    /// One rule as JSON.
    pub fn get(&self, id: u64) -> Option<Value> {
        self.rules
            .lock()
            .iter()
            .find(|r| r.id == id)
            .map(Rule::to_json)
    }

    /// Remove one rule; `false` when there is none with that ID.
    pub fn remove(&self, id: u64) -> bool {
        let mut rules = self.rules.lock();
        let before = rules.len();
        rules.retain(|r| r.id != id);
        self.any_rules.store(!rules.is_empty(), Ordering::Release);
        let removed = rules.len() != before;
        drop(rules);
        if removed {
            self.release_hangs();
        }
        removed
    }

    /// Remove every rule (and wake hanging requests); how many there were.
    pub fn clear(&self) -> usize {
        let n = {
            let mut rules = self.rules.lock();
            let n = rules.len();
            rules.clear();
            self.any_rules.store(false, Ordering::Release);
            n
        };
        self.release_hangs();
        n
    }

    /// Whether any rule exists (checked without the lock on every request).
    pub fn has_rules(&self) -> bool {
        self.any_rules.load(Ordering::Acquire)
    }

    /// Whether some rule matches on `object` (so the call's types must be worked out).
    pub fn needs_objects(&self) -> bool {
        self.rules
            .lock()
            .iter()
            .any(|r| r.spec.matcher.object.is_some())
    }

    /// Count the call against every matching rule; the fault of the first one that fires.
    pub fn decide(&self, subject: &Subject<'_>) -> Option<Fault> {
        let mut rules = self.rules.lock();
        let mut rng = self.fault_rng.lock();
        let mut fired: Option<Fault> = None;
        for rule in rules.iter_mut().filter(|r| r.matches(subject)) {
            if rule.observe(fired.is_none(), &mut *rng) {
                fired = Some(rule.spec.fault.clone());
            }
        }
        fired
    }

    /// Sleep `d`, or less when the rules are deleted or the emulator is reset.
    pub async fn hang(&self, d: Duration) {
        let released = self.release.notified();
        tokio::select! {
            () = tokio::time::sleep(d) => {}
            () = released => {}
        }
    }

    fn release_hangs(&self) {
        self.release.notify_waiters();
    }

    /// A fresh number for generated error IDs.
    pub fn next_serial(&self) -> u64 {
        self.serial.fetch_add(1, Ordering::Relaxed)
    }

    /// The active latency profile.
    pub fn latency(&self) -> LatencyProfile {
        *self.latency.lock()
    }

    /// Switch the latency profile.
    pub fn set_latency(&self, profile: LatencyProfile) {
        *self.latency.lock() = profile;
    }

    /// How long a call of `kind` waits under the active profile.
    pub fn sample_latency(&self, kind: CallKind) -> Option<Duration> {
        let profile = self.latency();
        if profile == LatencyProfile::Zero {
            return None;
        }
        profile.sample(kind, &mut *self.latency_rng.lock())
    }

    /// The org as the emulator started with it.
    pub fn initial_org(&self) -> &Org {
        &self.initial_org
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::model::OrgIdentity;

    fn controls() -> Controls {
        let org = Org::new(
            OrgIdentity {
                id: "00D000000000001AAA".into(),
                name: "T".into(),
                edition: "Developer Edition".into(),
                is_sandbox: false,
                daily_api_allowance: 10,
                audit_fields_on_insert: false,
            },
            1,
        );
        Controls::new(1, Some("lan"), &org)
    }

    fn subject() -> Subject<'static> {
        Subject {
            method: "GET",
            path: "/services/data/v59.0/query",
            route: Some("/query"),
            objects: vec![],
        }
    }

    #[test]
    fn the_first_firing_rule_wins_and_others_still_count() {
        let c = controls();
        let a = c.add(RuleSpec::parse(br#"{"fault":{"kind":"http503"}}"#).unwrap());
        c.add(RuleSpec::parse(br#"{"match":{"nth":1},"fault":{"kind":"hang"}}"#).unwrap());
        assert_eq!(c.decide(&subject()).unwrap().kind, FaultKind::Http503);
        let listed = c.list();
        assert_eq!(listed["faults"][1]["seen"], 1);
        assert_eq!(listed["faults"][1]["fired"], 0);
        // The 503 is spent; the pre-empted hang rule is still due and fires now, once.
        assert_eq!(c.decide(&subject()).unwrap().kind, FaultKind::Hang);
        assert!(c.decide(&subject()).is_none());
        assert!(c.remove(a));
        assert!(!c.remove(a));
        assert_eq!(c.clear(), 1);
        assert!(!c.has_rules());
    }

    #[test]
    fn latency_profile_comes_from_the_option_and_can_change() {
        let c = controls();
        assert_eq!(c.latency(), LatencyProfile::Lan);
        assert!(c.sample_latency(CallKind::Auth).is_some());
        c.set_latency(LatencyProfile::Zero);
        assert!(c.sample_latency(CallKind::Auth).is_none());
    }
}
