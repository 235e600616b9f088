//! Field access of the integration user: it reads every published field on the publishing side
//! and creates (and, when the publisher can change the field, updates) every subscribed field on
//! the subscribing side. In two-way both orgs do both.

use crate::observe::{FieldSchema, OrgSnapshot};
use crate::plan::model::{Area, OrgSide, Reason, Rule};

use super::objects::ObjectOutcome;
use super::util::{attention, field_target, same};

/// The integration user's access to a field: `field_access` when observe recorded it, else the
/// describe's flags (describe applies field-level security).
pub fn access(org: &OrgSnapshot, object: &str, field: &FieldSchema) -> (bool, bool, bool) {
    let recorded = org
        .field_access
        .iter()
        .find(|(o, _)| same(o, object))
        .and_then(|(_, fields)| fields.iter().find(|(f, _)| same(f, &field.name)))
        .map(|(_, a)| *a);
    match recorded {
        Some(a) => (a.read, a.create, a.update),
        None => (true, field.createable, field.updateable),
    }
}

/// Report what the integration user lacks on `field` in `org`: `(read, create, update)` needed.
pub fn check_access(
    out: &mut ObjectOutcome<'_>,
    org: &OrgSnapshot,
    side: OrgSide,
    field: &FieldSchema,
    needs: (bool, bool, bool),
) {
    let obj = out.name.clone();
    let (read, create, update) = access(org, &obj, field);
    let mut missing = Vec::new();
    for (needed, has, what) in [
        (needs.0, read, "read"),
        (needs.1, create, "create"),
        (needs.2, update, "update"),
    ] {
        if needed && !has {
            missing.push(what);
        }
    }
    if missing.is_empty() {
        return;
    }
    let role = if side == OrgSide::Primary {
        "publishes"
    } else {
        "subscribes to"
    };
    out.changes.push(attention(
        Area::ObjectsAndFields,
        Rule::FieldAccess,
        field_target(side, &obj, &field.name),
        format!(
            "the integration user cannot {} this field",
            missing.join(" or ")
        ),
        Reason::new(format!("the {} {role} this field", side.label())),
        Some(format!(
            "grant the integration user {} access to {obj}.{} in the {} (field-level security)",
            if missing == ["read"] { "read" } else { "edit" },
            field.name,
            side.label()
        )),
        true,
    ));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observe::{FieldAccess, FieldType};
    use crate::plan::planner::compat::tests::field;
    use crate::spec::model::{Deletes, FieldSet, ObjectSync};

    fn org() -> OrgSnapshot {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/planner/default-orgs.json"
        ))
        .unwrap();
        let snap: crate::observe::Snapshot = serde_json::from_str(&text).unwrap();
        snap.secondary
    }

    #[test]
    fn recorded_access_wins_over_the_describe() {
        let mut o = org();
        let f = field("Title", FieldType::Text);
        assert_eq!(access(&o, "Contact", &f), (true, true, true));
        o.field_access.get_mut("Contact").unwrap().insert(
            "title".into(),
            FieldAccess {
                read: true,
                create: true,
                update: false,
            },
        );
        assert_eq!(
            access(&o, "contact", &f),
            (true, true, true),
            "the first match in key order"
        );
        o.field_access.get_mut("Contact").unwrap().remove("Title");
        assert_eq!(access(&o, "Contact", &f), (true, true, false));
        let hidden = FieldSchema {
            createable: false,
            ..field("Unlisted__c", FieldType::Text)
        };
        assert_eq!(access(&o, "Contact", &hidden), (true, false, true));
    }

    #[test]
    fn one_finding_names_everything_missing() {
        let o = org();
        let sync = ObjectSync {
            name: "Contact".into(),
            fields: FieldSet::List(vec!["Title".into()]),
            filter: None,
            auto_accept: true,
            field_map: Default::default(),
            match_on: Vec::new(),
            deletes: Deletes::Ignore,
        };
        let mut out = ObjectOutcome {
            name: "Contact".into(),
            sync: &sync,
            primary: None,
            secondary: None,
            create_in_secondary: false,
            fields: Default::default(),
            lookups: Vec::new(),
            changes: Vec::new(),
        };
        let locked = FieldSchema {
            createable: false,
            updateable: false,
            ..field("Locked__c", FieldType::Text)
        };
        check_access(
            &mut out,
            &o,
            OrgSide::Secondary,
            &locked,
            (false, true, true),
        );
        check_access(
            &mut out,
            &o,
            OrgSide::Secondary,
            &locked,
            (false, false, false),
        );
        assert_eq!(out.changes.len(), 1);
        let c = &out.changes[0];
        assert_eq!(c.id, "rule:field-access:secondary:Contact.Locked__c");
        assert_eq!(
            c.summary,
            "the integration user cannot create or update this field"
        );
        assert!(c.blocking);
    }
}
