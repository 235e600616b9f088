//! Hand-built plans for the plan view, saved-plan and canary tests: what the planner will emit for
//! typical situations, built through the public model API only.
#![allow(dead_code)]

use orgsync::plan::{
    Action, Allowance, Allowances, Area, AttrValue, AttributeChange, Basis, Calls, Change, Detail,
    Fingerprint, Name, OrgFingerprints, OrgSide, Plan, Problem, Reason, Rule, Target, diff,
};

/// A name (test input is always valid).
pub fn n(s: &str) -> Name {
    Name::new(s).unwrap()
}

/// A fixed fingerprint derived from a label.
pub fn fp(label: &str) -> Fingerprint {
    Fingerprint::of_bytes(label.as_bytes())
}

/// The basis every fixture plan shares.
pub fn basis() -> Basis {
    Basis {
        connection: n("acme-continuity"),
        spec_fingerprint: fp("spec"),
        org_fingerprints: OrgFingerprints {
            primary: fp("primary"),
            secondary: fp("secondary"),
        },
        state_generation: Some(4),
    }
}

/// Typical developer-edition allowances.
pub fn allowances() -> Allowances {
    Allowances {
        primary: Allowance {
            daily_max: 15_000,
            remaining: 14_820,
        },
        secondary: Allowance {
            daily_max: 15_000,
            remaining: 14_990,
        },
    }
}

fn attr(name: &str, before: Option<AttrValue>, after: Option<AttrValue>) -> AttributeChange {
    AttributeChange::new(n(name), before, after)
}

fn num(v: i64) -> Option<AttrValue> {
    Some(AttrValue::Number(v))
}

fn word(v: &str) -> Option<AttrValue> {
    Some(AttrValue::Name(n(v)))
}

/// Nothing to do.
pub fn empty() -> Plan {
    Plan::new(basis(), Vec::new(), allowances(), 25.0)
}

fn publish(object: &str, calls: u64) -> Change {
    Change::new(
        format!("publish:{object}"),
        Area::Connection,
        Action::Create,
        Target::object(OrgSide::State, n(object)),
        "publish object and subscribe in the secondary",
        Reason::at(
            "listed in the spec, not yet published",
            format!("spec.objects.{object}"),
        ),
    )
    .with_calls(Calls::new(calls, calls))
}

/// A typical first apply: publish, key fields, a field widened, users, a trigger, record
/// impact and a forecast.
pub fn first_apply() -> Plan {
    let changes = vec![
        publish("Account", 1),
        publish("Contact", 1),
        Change::new(
            "field:secondary:Account.Phone",
            Area::ObjectsAndFields,
            Action::Update,
            Target::field(OrgSide::Secondary, n("Account"), n("Phone")),
            "widen text field",
            Reason::new("shorter in the secondary than in the primary"),
        )
        .with_detail(Detail::attributes(vec![attr("length", num(40), num(80))]))
        .with_calls(Calls::new(0, 2)),
        Change::new(
            "keyfield:secondary:Account.OrgSync_Source_Id__c",
            Area::KeyFields,
            Action::Create,
            Target::field(OrgSide::Secondary, n("Account"), n("OrgSync_Source_Id__c")),
            "create key field (external ID, 18)",
            Reason::new("subscribed records are upserted on the publisher's record ID"),
        )
        .with_calls(Calls::new(0, 2)),
        Change::new(
            "keyfield:secondary:Contact.OrgSync_Source_Id__c",
            Area::KeyFields,
            Action::Create,
            Target::field(OrgSide::Secondary, n("Contact"), n("OrgSync_Source_Id__c")),
            "create key field (external ID, 18)",
            Reason::new("subscribed records are upserted on the publisher's record ID"),
        )
        .with_calls(Calls::new(0, 2)),
        Change::new(
            "user:secondary:jdoe@acme.com.dr",
            Area::Users,
            Action::Create,
            Target::item(OrgSide::Secondary, n("jdoe@acme.com.dr")),
            "create user",
            Reason::at(
                "active Standard user in the primary",
                "spec.connection.syncUsers",
            ),
        )
        .with_detail(Detail::attributes(vec![
            attr("profile", None, word("Standard User")),
            attr("role", None, word("SalesRep")),
        ]))
        .with_calls(Calls::new(0, 1)),
        Change::new(
            "user:secondary:old.rep@acme.com.dr",
            Area::Users,
            Action::Delete,
            Target::item(OrgSide::Secondary, n("old.rep@acme.com.dr")),
            "deactivate user",
            Reason::new("inactive in the primary"),
        )
        .with_detail(Detail::attributes(vec![attr(
            "active",
            Some(AttrValue::Flag(true)),
            Some(AttrValue::Flag(false)),
        )]))
        .with_calls(Calls::new(0, 1)),
        Change::new(
            "trigger:secondary:CaseTrigger_UpdateDesc",
            Area::Triggers,
            Action::Update,
            Target::item(OrgSide::Secondary, n("CaseTrigger_UpdateDesc")).on_object(n("Case")),
            "bypass for synced writes",
            Reason::at("trigger policy primary-only", "spec.triggers.default"),
        )
        .with_calls(Calls::new(0, 1)),
        Change::new(
            "records:Account",
            Area::Records,
            Action::Create,
            Target::object(OrgSide::Secondary, n("Account")),
            "bulk sync will copy",
            Reason::at(
                "newly published; records since LAST_N_DAYS:365",
                "spec.records.bulkSync.since",
            ),
        )
        .with_record_impact(1_204)
        .with_calls(Calls::new(2, 7)),
        Change::new(
            "records:Contact",
            Area::Records,
            Action::Create,
            Target::object(OrgSide::Secondary, n("Contact")),
            "bulk sync will copy",
            Reason::at(
                "newly published; records since LAST_N_DAYS:365",
                "spec.records.bulkSync.since",
            ),
        )
        .with_record_impact(3_310)
        .with_calls(Calls::new(2, 17)),
        Change::new(
            "records:unpublish:Lead",
            Area::Records,
            Action::Delete,
            Target::object(OrgSide::State, n("Lead")),
            "unpublish will disconnect links",
            Reason::new("no longer listed in the spec"),
        )
        .with_record_impact(57),
    ];
    Plan::new(basis(), changes, allowances(), 25.0)
}

/// Blocking and non-blocking online-rule findings beside one ordinary change.
pub fn blocking() -> Plan {
    let attention =
        |id: &str, area, target, summary: &str, reason: &str, rule, hint: &str, blocks| {
            Change::attention(
                id,
                area,
                target,
                summary,
                Reason::new(reason),
                Problem {
                    rule,
                    hint: Some(hint.to_owned()),
                },
                blocks,
            )
        };
    let changes = vec![
        publish("Contact", 1).with_calls(Calls::new(1, 30)),
        attention(
            "rule:type:Contact.Level__c",
            Area::ObjectsAndFields,
            Target::field(OrgSide::Secondary, n("Contact"), n("Level__c")),
            "field types are not compatible",
            "picklist in the primary, number in the secondary",
            Rule::TypeIncompatible,
            "make the secondary field a picklist, or map Level__c to another field",
            true,
        )
        .with_detail(Detail::attributes(vec![attr(
            "type",
            word("Picklist"),
            word("Number"),
        )])),
        attention(
            "rule:lookup:Contact.AccountId",
            Area::ObjectsAndFields,
            Target::field(OrgSide::Primary, n("Contact"), n("AccountId")),
            "lookup to an unpublished object",
            "Contact.AccountId looks up Account, which is not published",
            Rule::LookupToUnpublished,
            "publish Account, or drop AccountId from spec.objects.Contact.publish.fields",
            true,
        ),
        attention(
            "rule:cycle:Invoice__c",
            Area::ObjectsAndFields,
            Target::object(OrgSide::Primary, n("Invoice__c")),
            "lookup cycle",
            "Invoice__c → Payment__c → Invoice__c",
            Rule::LookupCycle,
            "drop one of the lookups from publish.fields",
            true,
        ),
        attention(
            "rule:access:Contact.Email",
            Area::ObjectsAndFields,
            Target::field(OrgSide::Secondary, n("Contact"), n("Email")),
            "the integration user cannot update this field",
            "field-level security of the integration user in the secondary",
            Rule::FieldAccess,
            "grant edit access on Contact.Email to the integration user's profile",
            true,
        ),
        attention(
            "rule:unsupported:Contact.Location__c",
            Area::ObjectsAndFields,
            Target::field(OrgSide::Primary, n("Contact"), n("Location__c")),
            "not synced: geolocation field",
            "published through \"*\"; geolocation fields are never synced",
            Rule::UnsupportedField,
            "exclude it in spec.objects.Contact.publish.exclude to silence this",
            false,
        ),
        attention(
            "rule:budget:secondary",
            Area::ApiBudget,
            Target::org(OrgSide::Secondary),
            "the forecast exceeds apiBudget",
            "a small daily allowance in the secondary",
            Rule::OverBudget,
            "raise spec.records.apiBudget, or narrow bulkSync.since",
            false,
        ),
    ];
    let mut small = allowances();
    small.secondary = Allowance {
        daily_max: 100,
        remaining: 80,
    };
    Plan::new(basis(), changes, small, 25.0)
}

/// An Apex class body of `lines` lines, with a marker changed at every tenth line when `edited`.
pub fn apex(lines: usize, edited: bool) -> String {
    let mut body = String::from("public with sharing class OrderService {\n");
    for i in 0..lines {
        if edited && i % 10 == 3 {
            body.push_str(&format!(
                "    // step {i}: validate the order total twice\n"
            ));
        } else {
            body.push_str(&format!("    // step {i}: validate the order total\n"));
        }
    }
    body.push_str("}\n");
    body
}

/// Metadata updates with a long diff, and a new layout.
pub fn long_diff() -> Plan {
    let class = diff::unified(
        Some(&apex(300, false)),
        &apex(300, true),
        "secondary/ApexClass/OrderService",
        "primary/ApexClass/OrderService",
        diff::DEFAULT_MAX_LINES,
    );
    let layout = diff::unified(
        None,
        "<Layout>\n  <layoutSections>\n    <label>Information</label>\n  </layoutSections>\n</Layout>\n",
        "secondary/Layout/Account-Account Layout",
        "primary/Layout/Account-Account Layout",
        diff::DEFAULT_MAX_LINES,
    );
    let changes = vec![
        Change::new(
            "metadata:secondary:ApexClass:OrderService",
            Area::Metadata,
            Action::Update,
            Target::item(OrgSide::Secondary, n("ApexClass OrderService")),
            "update Apex class",
            Reason::at(
                "the body differs from the primary",
                "spec.connection.syncMetadata",
            ),
        )
        .with_detail(Detail::diff(class))
        .with_calls(Calls::new(0, 3)),
        Change::new(
            "metadata:secondary:Layout:Account-Account Layout",
            Area::Metadata,
            Action::Create,
            Target::item(OrgSide::Secondary, n("Layout Account-Account Layout")),
            "insert layout",
            Reason::at("missing in the secondary", "spec.connection.syncMetadata"),
        )
        .with_detail(Detail::diff(layout))
        .with_calls(Calls::new(0, 3)),
    ];
    Plan::new(basis(), changes, allowances(), 25.0)
}

/// One metadata change whose diff is far larger than a comment part.
pub fn giant_diff(lines: usize) -> Plan {
    let d = diff::unified(
        Some(&apex(lines, false)),
        &apex(lines, true),
        "secondary/ApexClass/OrderService",
        "primary/ApexClass/OrderService",
        usize::MAX,
    );
    let change = Change::new(
        "metadata:secondary:ApexClass:OrderService",
        Area::Metadata,
        Action::Update,
        Target::item(OrgSide::Secondary, n("ApexClass OrderService")),
        "update Apex class",
        Reason::new("the body differs from the primary"),
    )
    .with_detail(Detail::diff(d));
    Plan::new(basis(), vec![change], allowances(), 25.0)
}
