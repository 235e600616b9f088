//! One test per invariant: a sound plan passes, and each test breaks exactly one rule.

use super::*;
use crate::plan::detail::Detail;
use crate::plan::diff;
use crate::plan::fingerprint::Fingerprint;
use crate::plan::forecast::{Allowance, Allowances};
use crate::plan::model::{
    Basis, Calls, FORMAT_VERSION, OrgFingerprints, Problem, Reason, Rule, Target,
};
use crate::plan::name::Name;

fn n(s: &str) -> Name {
    Name::new(s).unwrap()
}

fn sound() -> Plan {
    let fp = Fingerprint::of_bytes(b"x");
    let basis = Basis {
        connection: n("acme"),
        spec_fingerprint: fp.clone(),
        org_fingerprints: OrgFingerprints {
            primary: fp.clone(),
            secondary: fp,
        },
        state_generation: Some(3),
    };
    let changes = vec![
        Change::new(
            "object:primary:Account",
            Area::Connection,
            Action::Create,
            Target::object(OrgSide::Primary, n("Account")),
            "publish object",
            Reason::at("listed in the spec", "spec.objects.Account"),
        )
        .with_calls(Calls::new(2, 0)),
        Change::new(
            "metadata:secondary:ApexClass:OrderService",
            Area::Metadata,
            Action::Update,
            Target::item(OrgSide::Secondary, n("ApexClass OrderService")),
            "update Apex class",
            Reason::new("the body differs from the primary"),
        )
        .with_detail(Detail::diff(diff::unified(
            Some("a\n"),
            "b\n",
            "secondary",
            "primary",
            50,
        )))
        .with_calls(Calls::new(0, 3)),
        Change::attention(
            "rule:type:Contact.Level__c",
            Area::ObjectsAndFields,
            Target::field(OrgSide::Secondary, n("Contact"), n("Level__c")),
            "incompatible field types",
            Reason::new("picklist in the primary, number in the secondary"),
            Problem {
                rule: Rule::TypeIncompatible,
                hint: Some("change the secondary field to a picklist".into()),
            },
            true,
        ),
        Change::new(
            "records:Account",
            Area::Records,
            Action::Create,
            Target::object(OrgSide::Secondary, n("Account")),
            "bulk sync will copy records",
            Reason::new("Account is newly published"),
        )
        .with_record_impact(1200)
        .with_calls(Calls::new(1, 6)),
    ];
    let allowances = Allowances {
        primary: Allowance {
            daily_max: 15_000,
            remaining: 14_000,
        },
        secondary: Allowance {
            daily_max: 15_000,
            remaining: 14_500,
        },
    };
    Plan::new(basis, changes, allowances, 25.0)
}

fn broken(plan: &Plan) -> Vec<Invariant> {
    let mut v: Vec<Invariant> = check(plan).into_iter().map(|v| v.invariant).collect();
    v.dedup();
    v
}

fn index(plan: &Plan, id: &str) -> usize {
    plan.changes.iter().position(|c| c.id == id).unwrap()
}

#[test]
fn sound_plan_passes() {
    let plan = sound();
    assert_eq!(check(&plan), vec![]);
    assert_eq!(plan.forecast.primary.apply_calls, 2);
    assert_eq!(plan.forecast.primary.bulk_sync_calls, 1);
    assert_eq!(plan.forecast.secondary.apply_calls, 3);
    assert_eq!(plan.forecast.secondary.bulk_sync_calls, 6);
    // sorted by area: Connection, ObjectsAndFields, Metadata, Records
    let areas: Vec<Area> = plan.changes.iter().map(|c| c.area).collect();
    assert_eq!(
        areas,
        [
            Area::Connection,
            Area::ObjectsAndFields,
            Area::Metadata,
            Area::Records
        ]
    );
}

#[test]
fn format_version() {
    let mut plan = sound();
    plan.format_version = FORMAT_VERSION + 1;
    assert_eq!(broken(&plan), [Invariant::FormatVersion]);
}

#[test]
fn duplicate_and_empty_ids() {
    let mut plan = sound();
    plan.changes[1].id = plan.changes[0].id.clone();
    // the duplicate also breaks the order (same area? no: it breaks uniqueness only, the sort key
    // still differs by area)
    assert_eq!(broken(&plan), [Invariant::UniqueIds]);
    let mut plan = sound();
    plan.changes[0].id = String::new();
    assert_eq!(broken(&plan), [Invariant::UniqueIds]);
}

#[test]
fn reason_and_summary_wording() {
    let mut plan = sound();
    plan.changes[0].reason.text = "  ".into();
    assert_eq!(broken(&plan), [Invariant::Wording]);
    let mut plan = sound();
    plan.changes[0].summary = "two\nlines".into();
    assert_eq!(broken(&plan), [Invariant::Wording]);
    let mut plan = sound();
    let i = index(&plan, "metadata:secondary:ApexClass:OrderService");
    if let Some(Detail::Diff { diff }) = &mut plan.changes[i].detail {
        diff.lines.push("\u{1b}[2J".into());
    }
    assert_eq!(broken(&plan), [Invariant::Wording]);
}

#[test]
fn metadata_is_never_deleted() {
    let mut plan = sound();
    let i = index(&plan, "metadata:secondary:ApexClass:OrderService");
    plan.changes[i].action = Action::Delete;
    plan.summary = Summary::of(&plan.changes);
    assert_eq!(broken(&plan), [Invariant::NoMetadataDelete]);
}

#[test]
fn metadata_only_in_secondary() {
    let mut plan = sound();
    let i = index(&plan, "metadata:secondary:ApexClass:OrderService");
    plan.changes[i].target.org = OrgSide::Primary;
    assert_eq!(broken(&plan), [Invariant::MetadataInSecondary]);
}

#[test]
fn changes_sorted() {
    let mut plan = sound();
    plan.changes.swap(0, 1);
    assert_eq!(broken(&plan), [Invariant::Sorted]);
}

#[test]
fn forecast_totals() {
    let mut plan = sound();
    plan.changes[0].api_calls.primary += 1;
    assert_eq!(broken(&plan), [Invariant::ForecastTotals]);
    let mut plan = sound();
    plan.forecast.secondary.verdict = crate::plan::forecast::Verdict::OverBudget;
    assert_eq!(broken(&plan), [Invariant::ForecastTotals]);
}

#[test]
fn blocking_only_on_attention() {
    let mut plan = sound();
    plan.changes[0].blocking = true;
    plan.summary = Summary::of(&plan.changes);
    assert_eq!(broken(&plan), [Invariant::BlockingIsAttention]);
    let mut plan = sound();
    let i = index(&plan, "rule:type:Contact.Level__c");
    plan.changes[i].problem = None;
    assert_eq!(broken(&plan), [Invariant::BlockingIsAttention]);
}

#[test]
fn attention_costs_nothing() {
    let mut plan = sound();
    let i = index(&plan, "rule:type:Contact.Level__c");
    plan.changes[i].api_calls = Calls::new(0, 1);
    plan.forecast = crate::plan::forecast::ApiForecast::compute(
        &plan.changes,
        Allowances {
            primary: Allowance {
                daily_max: 15_000,
                remaining: 14_000,
            },
            secondary: Allowance {
                daily_max: 15_000,
                remaining: 14_500,
            },
        },
        25.0,
    );
    assert_eq!(broken(&plan), [Invariant::AttentionCostsNothing]);
}

#[test]
fn record_impact_only_in_records() {
    let mut plan = sound();
    plan.changes[0].record_impact = Some(5);
    assert_eq!(broken(&plan), [Invariant::RecordImpactArea]);
}

#[test]
fn records_changes_carry_their_impact() {
    let mut plan = sound();
    let i = index(&plan, "records:Account");
    plan.changes[i].record_impact = None;
    assert_eq!(broken(&plan), [Invariant::RecordImpactArea]);
}

#[test]
fn details_show_a_change() {
    use crate::plan::detail::{AttrValue, AttributeChange};
    let mut plan = sound();
    plan.changes[0].detail = Some(Detail::attributes(Vec::new()));
    assert_eq!(broken(&plan), [Invariant::DetailShowsChange]);
    let same = AttributeChange::new(
        n("length"),
        Some(AttrValue::Number(4)),
        Some(AttrValue::Number(4)),
    );
    plan.changes[0].detail = Some(Detail::attributes(vec![same]));
    assert_eq!(broken(&plan), [Invariant::DetailShowsChange]);
}

#[test]
fn diffs_only_on_bodies() {
    let mut plan = sound();
    let i = index(&plan, "metadata:secondary:ApexClass:OrderService");
    plan.changes[0].detail = plan.changes[i].detail.clone();
    assert_eq!(broken(&plan), [Invariant::DiffArea]);
}

#[test]
fn summary_counts() {
    let mut plan = sound();
    plan.summary.create += 1;
    assert_eq!(broken(&plan), [Invariant::SummaryCounts]);
    let violation = &check(&plan)[0];
    assert_eq!(
        violation.to_string(),
        "the summary counts do not match the changes"
    );
}
