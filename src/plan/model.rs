//! The plan model: what apply would change, each change with an action, a reason and what it
//! touches. Built by the planner, checked by [`fn@super::check::check`], rendered by [`super::view`] and
//! saved by [`super::saved`]. Field names are the stable JSON contract (camelCase).

use serde::{Deserialize, Serialize};

use super::detail::Detail;
use super::fingerprint::Fingerprint;
use super::forecast::{Allowances, ApiForecast};
use super::name::Name;
pub use super::reason::{Problem, Reason, Rule};
pub use super::target::{OrgSide, Target};

/// The version of the plan's JSON form (the `--format json` output and saved plan files).
/// Bumped on any incompatible change; readers refuse versions they do not know.
pub const FORMAT_VERSION: u32 = 1;

/// What a change does, with the symbol the views show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// `+` something new: publish, subscribe, a key field, a metadata insert, a user.
    Create,
    /// `~` something changes in place.
    Update,
    /// `-` unpublish or deactivate. Never a metadata delete: metadata sync inserts and updates only.
    Delete,
    /// `!` a problem that blocks apply or needs a human (type incompatibility, a lookup to an
    /// unpublished object, missing access, a lookup cycle). Carries a [`Problem`].
    Attention,
}

impl Action {
    /// The symbol in front of a change: `+`, `~`, `-` or `!`.
    pub fn symbol(self) -> char {
        match self {
            Action::Create => '+',
            Action::Update => '~',
            Action::Delete => '-',
            Action::Attention => '!',
        }
    }

    /// Whether apply would write something for it (create, update or delete).
    pub fn is_change(self) -> bool {
        !matches!(self, Action::Attention)
    }
}

/// The area a change belongs to. The views group by area in this (declaration) order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Area {
    /// The connection against the state store: publish, subscribe, unpublish of objects.
    Connection,
    /// Published and subscribed fields, and the online rules about them.
    ObjectsAndFields,
    /// External-ID key fields the subscriber side needs.
    KeyFields,
    /// Metadata inserted or updated in the secondary.
    Metadata,
    /// Users created, updated or deactivated in the secondary.
    Users,
    /// Trigger-policy actions.
    Triggers,
    /// Record impact: records the bulk sync will copy, links an unpublish will disconnect.
    Records,
    /// The API forecast against each org's allowance and `apiBudget`.
    ApiBudget,
}

impl Area {
    /// Every area, in display order.
    pub const ALL: [Area; 8] = [
        Area::Connection,
        Area::ObjectsAndFields,
        Area::KeyFields,
        Area::Metadata,
        Area::Users,
        Area::Triggers,
        Area::Records,
        Area::ApiBudget,
    ];

    /// The heading the views show.
    pub fn title(self) -> &'static str {
        match self {
            Area::Connection => "Connection",
            Area::ObjectsAndFields => "Objects & fields",
            Area::KeyFields => "Key fields",
            Area::Metadata => "Metadata",
            Area::Users => "Users",
            Area::Triggers => "Triggers",
            Area::Records => "Records (impact)",
            Area::ApiBudget => "API budget",
        }
    }
}

/// API calls, per org.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Calls {
    /// Calls against the primary.
    pub primary: u64,
    /// Calls against the secondary.
    pub secondary: u64,
}

impl Calls {
    /// Calls against both orgs.
    pub fn new(primary: u64, secondary: u64) -> Self {
        Self { primary, secondary }
    }

    /// Whether no call is made.
    pub fn is_zero(&self) -> bool {
        self.primary == 0 && self.secondary == 0
    }
}

impl std::ops::Add for Calls {
    type Output = Calls;

    fn add(self, other: Calls) -> Calls {
        Calls {
            primary: self.primary.saturating_add(other.primary),
            secondary: self.secondary.saturating_add(other.secondary),
        }
    }
}

/// One change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Change {
    /// Stable and unique in the plan: `field:secondary:Account.Phone`.
    pub id: String,
    /// The area it is grouped under.
    pub area: Area,
    /// What it does.
    pub action: Action,
    /// What it touches.
    pub target: Target,
    /// One line, no values: `create key field (external ID, 18)`.
    pub summary: String,
    /// Why.
    pub reason: Reason,
    /// Before/after attributes or a unified diff of a metadata body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<Detail>,
    /// Records area only: records the bulk sync will copy, or links an unpublish disconnects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_impact: Option<u64>,
    /// The API calls this change costs: apply calls, or for the Records area first-bulk-sync calls.
    #[serde(default)]
    pub api_calls: Calls,
    /// Whether it blocks apply (attention changes only).
    #[serde(default)]
    pub blocking: bool,
    /// The online-rule finding (attention changes only, and always on them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<Problem>,
}

impl Change {
    /// A create, update or delete.
    pub fn new(
        id: impl Into<String>,
        area: Area,
        action: Action,
        target: Target,
        summary: impl Into<String>,
        reason: Reason,
    ) -> Self {
        Self {
            id: id.into(),
            area,
            action,
            target,
            summary: summary.into(),
            reason,
            detail: None,
            record_impact: None,
            api_calls: Calls::default(),
            blocking: false,
            problem: None,
        }
    }

    /// An attention change reporting `problem`; `blocking` when apply must not go ahead.
    pub fn attention(
        id: impl Into<String>,
        area: Area,
        target: Target,
        summary: impl Into<String>,
        reason: Reason,
        problem: Problem,
        blocking: bool,
    ) -> Self {
        Self {
            blocking,
            problem: Some(problem),
            ..Self::new(id, area, Action::Attention, target, summary, reason)
        }
    }

    /// Attach before/after attributes or a body diff.
    pub fn with_detail(mut self, detail: Detail) -> Self {
        self.detail = Some(detail);
        self
    }

    /// Attach a record count (Records area).
    pub fn with_record_impact(mut self, records: u64) -> Self {
        self.record_impact = Some(records);
        self
    }

    /// Attach the calls it costs.
    pub fn with_calls(mut self, calls: Calls) -> Self {
        self.api_calls = calls;
        self
    }

    /// The deterministic order of changes: area, then target, then id.
    pub fn sort_key(&self) -> (Area, &Target, &str) {
        (self.area, &self.target, &self.id)
    }
}

/// Counts by action. Display-only: derived from the changes, and checked to match them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Summary {
    /// `+` changes.
    pub create: u64,
    /// `~` changes.
    pub update: u64,
    /// `-` changes.
    pub delete: u64,
    /// `!` changes.
    pub attention: u64,
    /// Attention changes that block apply.
    pub blocking: u64,
}

impl Summary {
    /// Count `changes`.
    pub fn of(changes: &[Change]) -> Self {
        let mut s = Summary::default();
        for c in changes {
            match c.action {
                Action::Create => s.create += 1,
                Action::Update => s.update += 1,
                Action::Delete => s.delete += 1,
                Action::Attention => s.attention += 1,
            }
            if c.blocking {
                s.blocking += 1;
            }
        }
        s
    }
}

/// The fingerprints of both orgs' snapshots the plan was computed from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OrgFingerprints {
    /// The primary's snapshot.
    pub primary: Fingerprint,
    /// The secondary's snapshot.
    pub secondary: Fingerprint,
}

/// What a plan was computed from: the inputs [`Plan::new`] records for the stale-plan guard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Basis {
    /// The connection name (`metadata.name`).
    pub connection: Name,
    /// [`super::fingerprint::spec`] of the compiled spec.
    pub spec_fingerprint: Fingerprint,
    /// Both orgs' snapshot fingerprints.
    pub org_fingerprints: OrgFingerprints,
    /// The applied generation in the state store (`None`: never applied).
    pub state_generation: Option<i64>,
}

/// A complete, immutable plan. Build it with [`Plan::new`], which orders the changes and derives
/// the summary and forecast; the fields are public so that saved plans round-trip and the
/// checker can be tested on plans that break the rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Plan {
    /// [`FORMAT_VERSION`].
    pub format_version: u32,
    /// The connection name.
    pub connection: Name,
    /// SHA-256 of the compiled spec.
    pub spec_fingerprint: Fingerprint,
    /// SHA-256 of what was read from each org.
    pub org_fingerprints: OrgFingerprints,
    /// The applied generation planned against (`None`: never applied).
    pub state_generation: Option<i64>,
    /// Every change, in [`Change::sort_key`] order.
    pub changes: Vec<Change>,
    /// API calls for apply and the first bulk sync against each org's allowance.
    pub forecast: ApiForecast,
    /// Counts by action (display-only, derived).
    pub summary: Summary,
}

impl Plan {
    /// Assemble a plan: sort the changes, count them, and forecast API use against each org's
    /// allowance and the spec's `apiBudget` (in percent).
    pub fn new(
        basis: Basis,
        mut changes: Vec<Change>,
        allowances: Allowances,
        budget_percent: f64,
    ) -> Self {
        changes.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        let forecast = ApiForecast::compute(&changes, allowances, budget_percent);
        let summary = Summary::of(&changes);
        Self {
            format_version: FORMAT_VERSION,
            connection: basis.connection,
            spec_fingerprint: basis.spec_fingerprint,
            org_fingerprints: basis.org_fingerprints,
            state_generation: basis.state_generation,
            changes,
            forecast,
            summary,
        }
    }

    /// No create, update or delete: apply would write nothing. Attention changes alone leave a
    /// plan empty — they are findings, not writes (but a blocking one still fails `plan`; see
    /// [`Plan::is_blocked`]).
    pub fn is_empty(&self) -> bool {
        !self.changes.iter().any(|c| c.action.is_change())
    }

    /// Whether an attention change blocks apply.
    pub fn is_blocked(&self) -> bool {
        self.changes.iter().any(|c| c.blocking)
    }

    /// The changes of one area, in order.
    pub fn in_area(&self, area: Area) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(move |c| c.area == area)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Name {
        Name::new(s).unwrap()
    }

    #[test]
    fn empty_means_no_writes_even_with_attention() {
        let fp = Fingerprint::of_bytes(b"x");
        let basis = Basis {
            connection: n("c"),
            spec_fingerprint: fp.clone(),
            org_fingerprints: OrgFingerprints {
                primary: fp.clone(),
                secondary: fp,
            },
            state_generation: None,
        };
        let attention = Change::attention(
            "rule:x",
            Area::ObjectsAndFields,
            Target::object(OrgSide::Secondary, n("Account")),
            "object missing",
            Reason::new("published"),
            Problem {
                rule: Rule::ObjectMissing,
                hint: None,
            },
            true,
        );
        let plan = Plan::new(basis, vec![attention], Allowances::default(), 25.0);
        assert!(plan.is_empty());
        assert!(plan.is_blocked());
        assert_eq!(plan.summary.attention, 1);
        assert_eq!(plan.summary.blocking, 1);
    }
}
