//! Trigger policies (spec `triggers`): `primary-only` — the trigger runs in the primary only: a
//! trigger of that name Active in the secondary is set Inactive, never created there. `mirror` —
//! the secondary gets the primary's body and status (created if missing). `inactive-in-secondary`
//! — the secondary has the primary's body, Inactive (created if missing, deactivated if active).
//!
//! A change's detail is the body diff when the body changes, else the `status` attribute; the
//! status apply must leave is in the summary either way and [`wanted`] computes it.

use crate::observe::{ApexTrigger, Snapshot};
use crate::plan::detail::{AttrValue, AttributeChange, Detail};
use crate::plan::diff::{DEFAULT_MAX_LINES, unified};
use crate::plan::model::{Action, Area, Change, OrgSide, Reason, Target};
use crate::spec::model::{TriggerPolicy, TriggerSettings};

use super::util::{name, same};

/// `Active`.
pub const ACTIVE: &str = "Active";
/// `Inactive`.
pub const INACTIVE: &str = "Inactive";

/// The policy of trigger `name` and the spec path it comes from.
pub fn policy<'a>(settings: &'a TriggerSettings, trigger: &str) -> (&'a TriggerPolicy, String) {
    match settings.overrides.iter().find(|(n, _)| same(n, trigger)) {
        Some((n, p)) => (p, format!("spec.triggers.overrides.{n}")),
        None => (&settings.default, "spec.triggers.default".into()),
    }
}

/// The status the secondary's copy of the primary's `trigger` must have (with the primary's
/// body), or `None` when the secondary must not get it (primary-only: an active copy is only set
/// Inactive). Apply uses this for the status of a trigger change whose detail is a body diff.
pub fn wanted(settings: &TriggerSettings, trigger: &ApexTrigger) -> Option<&'static str> {
    match policy(settings, &trigger.name).0 {
        TriggerPolicy::PrimaryOnly => None,
        TriggerPolicy::Mirror if same(&trigger.status, ACTIVE) => Some(ACTIVE),
        TriggerPolicy::Mirror | TriggerPolicy::InactiveInSecondary => Some(INACTIVE),
    }
}

fn label(p: &TriggerPolicy) -> &'static str {
    match p {
        TriggerPolicy::PrimaryOnly => "primary-only",
        TriggerPolicy::Mirror => "mirror",
        TriggerPolicy::InactiveInSecondary => "inactive-in-secondary",
    }
}

fn status_attr(before: Option<&str>, after: &str) -> Detail {
    Detail::attributes(vec![AttributeChange::new(
        name("status"),
        before.map(|b| AttrValue::Name(name(b))),
        Some(AttrValue::Name(name(after))),
    )])
}

/// Trigger changes (empty when the triggers were not read).
pub fn plan(snapshot: &Snapshot, settings: &TriggerSettings) -> Vec<Change> {
    let (Some(primary), Some(secondary)) =
        (&snapshot.primary.triggers, &snapshot.secondary.triggers)
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for t in primary.iter().filter(|t| !same(&t.status, "Deleted")) {
        let (policy, path) = policy(settings, &t.name);
        let theirs = secondary
            .iter()
            .find(|s| same(&s.name, &t.name) && !same(&s.status, "Deleted"));
        let target = Target::item(OrgSide::Secondary, name(&t.name)).on_object(name(&t.object));
        let id = format!("trigger:secondary:{}", t.name);
        let reason = Reason::at(format!("trigger policy {}", label(policy)), path);
        let Some(status) = wanted(settings, t) else {
            if let Some(s) = theirs.filter(|s| same(&s.status, ACTIVE)) {
                out.push(
                    Change::new(
                        id,
                        Area::Triggers,
                        Action::Update,
                        target,
                        "set Inactive: runs in the primary only",
                        reason,
                    )
                    .with_detail(status_attr(Some(&s.status), INACTIVE)),
                );
            }
            continue;
        };
        match theirs {
            None => out.push(
                Change::new(
                    id,
                    Area::Triggers,
                    Action::Create,
                    target,
                    format!("deploy the primary's trigger, {status}"),
                    reason,
                )
                .with_detail(Detail::diff(unified(
                    None,
                    &t.body,
                    "secondary",
                    "primary",
                    DEFAULT_MAX_LINES,
                ))),
            ),
            Some(s) => {
                let diff = unified(
                    Some(&s.body),
                    &t.body,
                    "secondary",
                    "primary",
                    DEFAULT_MAX_LINES,
                );
                let body_differs = diff.added > 0 || diff.removed > 0;
                let status_differs = !same(&s.status, status);
                let change = |summary: String, detail: Detail| {
                    Change::new(
                        id.clone(),
                        Area::Triggers,
                        Action::Update,
                        target.clone(),
                        summary,
                        reason.clone(),
                    )
                    .with_detail(detail)
                };
                if body_differs {
                    let summary = if status_differs {
                        format!("deploy the primary's body, {} → {status}", s.status)
                    } else {
                        format!("deploy the primary's body, {status}")
                    };
                    out.push(change(summary, Detail::diff(diff)));
                } else if status_differs {
                    out.push(change(
                        format!("set {status}"),
                        status_attr(Some(&s.status), status),
                    ));
                }
            }
        }
    }
    out
}
