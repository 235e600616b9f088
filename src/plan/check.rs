//! Invariant checks run on every plan: by `plan` before printing, by [`super::saved::read`] on a
//! plan file, and in debug builds and tests. A violation is a bug in the planner (or a hand-edited
//! plan file), never a user mistake, so messages name the change id and the broken rule.

use std::collections::BTreeSet;

use super::detail::Detail;
use super::forecast::sums;
use super::model::{Action, Area, Change, FORMAT_VERSION, OrgSide, Plan, Summary};

/// The longest summary line accepted.
pub const MAX_SUMMARY_CHARS: usize = 200;
/// The longest reason or hint accepted.
pub const MAX_REASON_CHARS: usize = 500;

/// Which invariant is broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Invariant {
    /// `formatVersion` is the one this build writes.
    FormatVersion,
    /// Ids are non-empty and unique.
    UniqueIds,
    /// Every change has a summary and a reason: one line each, no control characters, bounded.
    Wording,
    /// Delete never targets metadata (metadata sync inserts and updates only).
    NoMetadataDelete,
    /// Metadata is created and updated only in the secondary.
    MetadataInSecondary,
    /// Changes are in (area, target, id) order.
    Sorted,
    /// Forecast totals equal the sums of per-change calls, and budgets and verdicts follow.
    ForecastTotals,
    /// Only attention changes block, and every attention change carries a problem (and only it).
    BlockingIsAttention,
    /// Attention changes write nothing, so they cost no API calls.
    AttentionCostsNothing,
    /// Record impact appears only on Records-area changes, and every Records-area create or
    /// delete carries one (the records a bulk sync copies, the links an unpublish disconnects).
    RecordImpactArea,
    /// A change's detail shows something: attributes are not empty, and each attribute changes
    /// (before differs from after).
    DetailShowsChange,
    /// Body diffs appear only on Metadata and Triggers changes (bodies, never records).
    DiffArea,
    /// The summary counts match the changes.
    SummaryCounts,
}

/// One broken invariant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The invariant.
    pub invariant: Invariant,
    /// The change, when one change breaks it.
    pub change: Option<String>,
    /// What is wrong (no values).
    pub message: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.change {
            Some(id) => write!(f, "{id}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// Every violation in `plan` (empty when it is sound).
pub fn check(plan: &Plan) -> Vec<Violation> {
    let mut out = Vec::new();
    let mut v = |invariant, change: Option<&Change>, message: String| {
        out.push(Violation {
            invariant,
            change: change.map(|c| c.id.clone()),
            message,
        });
    };
    if plan.format_version != FORMAT_VERSION {
        v(
            Invariant::FormatVersion,
            None,
            format!(
                "formatVersion is {}, expected {FORMAT_VERSION}",
                plan.format_version
            ),
        );
    }
    let mut seen = BTreeSet::new();
    for c in &plan.changes {
        if c.id.is_empty() || c.id.chars().any(char::is_control) {
            v(
                Invariant::UniqueIds,
                Some(c),
                "the id is empty or not one line".into(),
            );
        } else if !seen.insert(c.id.as_str()) {
            v(Invariant::UniqueIds, Some(c), "the id is not unique".into());
        }
        if let Some(message) = wording(c) {
            v(Invariant::Wording, Some(c), message);
        }
        if c.area == Area::Metadata && c.action == Action::Delete {
            v(
                Invariant::NoMetadataDelete,
                Some(c),
                "metadata is never deleted".into(),
            );
        }
        if c.area == Area::Metadata && c.action.is_change() && c.target.org != OrgSide::Secondary {
            v(
                Invariant::MetadataInSecondary,
                Some(c),
                "metadata is created and updated only in the secondary".into(),
            );
        }
        if c.blocking && c.action != Action::Attention {
            v(
                Invariant::BlockingIsAttention,
                Some(c),
                "only an attention change can block apply".into(),
            );
        }
        if (c.action == Action::Attention) != c.problem.is_some() {
            v(
                Invariant::BlockingIsAttention,
                Some(c),
                "attention changes, and only they, carry a problem".into(),
            );
        }
        if c.action == Action::Attention && !c.api_calls.is_zero() {
            v(
                Invariant::AttentionCostsNothing,
                Some(c),
                "an attention change writes nothing and costs no API calls".into(),
            );
        }
        if c.record_impact.is_some() && c.area != Area::Records {
            v(
                Invariant::RecordImpactArea,
                Some(c),
                "record impact belongs to the Records area".into(),
            );
        }
        if c.area == Area::Records && c.action.is_change() && c.record_impact.is_none() {
            v(
                Invariant::RecordImpactArea,
                Some(c),
                "a Records-area change carries its record impact".into(),
            );
        }
        if let Some(Detail::Attributes { attributes }) = &c.detail
            && (attributes.is_empty() || attributes.iter().any(|a| a.before == a.after))
        {
            v(
                Invariant::DetailShowsChange,
                Some(c),
                "attributes must be non-empty and each must change".into(),
            );
        }
        if matches!(c.detail, Some(Detail::Diff { .. }))
            && !matches!(c.area, Area::Metadata | Area::Triggers)
        {
            v(
                Invariant::DiffArea,
                Some(c),
                "body diffs belong to the Metadata and Triggers areas".into(),
            );
        }
    }
    for pair in plan.changes.windows(2) {
        if pair[0].sort_key() >= pair[1].sort_key() {
            v(
                Invariant::Sorted,
                Some(&pair[1]),
                format!("out of order after `{}`", pair[0].id),
            );
        }
    }
    forecast(plan, &mut v);
    if Summary::of(&plan.changes) != plan.summary {
        v(
            Invariant::SummaryCounts,
            None,
            "the summary counts do not match the changes".into(),
        );
    }
    out
}

fn forecast(plan: &Plan, v: &mut impl FnMut(Invariant, Option<&Change>, String)) {
    let (apply, bulk) = sums(&plan.changes);
    let f = &plan.forecast;
    for (label, org, apply, bulk) in [
        ("primary", &f.primary, apply.primary, bulk.primary),
        ("secondary", &f.secondary, apply.secondary, bulk.secondary),
    ] {
        if org.apply_calls != apply || org.bulk_sync_calls != bulk {
            v(
                Invariant::ForecastTotals,
                None,
                format!("the {label} forecast does not equal the sum of the changes' calls"),
            );
        }
        if org.budget_calls != super::forecast::budget_calls(org.daily_max, f.budget_percent)
            || org.verdict != org.expected_verdict()
        {
            v(
                Invariant::ForecastTotals,
                None,
                format!("the {label} budget or verdict does not follow from its numbers"),
            );
        }
    }
}

fn one_line(text: &str, max: usize) -> bool {
    !text.trim().is_empty() && text.chars().count() <= max && !text.chars().any(char::is_control)
}

fn wording(c: &Change) -> Option<String> {
    if !one_line(&c.summary, MAX_SUMMARY_CHARS) {
        return Some(format!(
            "the summary must be one non-empty line of at most {MAX_SUMMARY_CHARS} characters"
        ));
    }
    if !one_line(&c.reason.text, MAX_REASON_CHARS) {
        return Some(format!(
            "the reason must be one non-empty line of at most {MAX_REASON_CHARS} characters"
        ));
    }
    let extra = [
        c.reason.spec_path.as_deref(),
        c.problem.as_ref().and_then(|p| p.hint.as_deref()),
    ];
    if extra
        .into_iter()
        .flatten()
        .any(|t| !one_line(t, MAX_REASON_CHARS))
    {
        return Some("a spec path or hint must be one non-empty line".into());
    }
    if let Some(Detail::Diff { diff }) = &c.detail
        && diff
            .lines
            .iter()
            .any(|l| l.chars().any(|ch| ch.is_control() && ch != '\t'))
    {
        return Some("diff lines must not hold control characters".into());
    }
    None
}

#[cfg(test)]
mod tests;
