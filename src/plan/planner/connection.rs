//! The connection against the state store: publish (and subscribe) objects that are new, change
//! the field sets of objects already published, unpublish objects no longer in the spec.
//! [`desired`] is exactly what apply records once every step is done, so the next plan finds
//! nothing to change here.

use std::collections::{BTreeMap, BTreeSet};

use crate::plan::detail::{AttrValue, AttributeChange, Detail};
use crate::plan::model::{Action, Area, Change, OrgSide, Reason};
use crate::spec::KEY_FIELD;
use crate::state::{ConnectionState, ObjectState};

use super::objects::ObjectOutcome;
use super::util::{name, object_target};

/// The connection the spec describes, given what the rules found.
pub fn desired(outcomes: &[ObjectOutcome<'_>]) -> ConnectionState {
    ConnectionState {
        objects: outcomes
            .iter()
            .map(|o| {
                (
                    o.name.clone(),
                    ObjectState {
                        published_fields: o.fields.keys().cloned().collect::<BTreeSet<_>>(),
                        subscribed_fields: o.fields.clone(),
                        key_field: Some(KEY_FIELD.to_owned()),
                    },
                )
            })
            .collect(),
    }
}

fn attr(field: &str, before: Option<&String>, after: Option<&String>) -> AttributeChange {
    let v = |s: Option<&String>| s.map(|s| AttrValue::Name(name(s)));
    AttributeChange::new(name(field), v(before), v(after))
}

/// Field-level differences of one object: `Phone: (none) → Phone` for a field added,
/// `Fax: Fax → (none)` for one removed, `Region__c: Region__c → Territory__c` for a remapped one.
fn differences(before: &ObjectState, after: &ObjectState) -> Vec<AttributeChange> {
    let map = |s: &ObjectState| -> BTreeMap<String, Option<String>> {
        let mut m: BTreeMap<String, Option<String>> = s
            .published_fields
            .iter()
            .map(|f| (f.clone(), None))
            .collect();
        for (p, sub) in &s.subscribed_fields {
            m.insert(p.clone(), Some(sub.clone()));
        }
        m
    };
    let (b, a) = (map(before), map(after));
    let keys: BTreeSet<&String> = b.keys().chain(a.keys()).collect();
    let mut out = Vec::new();
    for k in keys {
        let (x, y) = (b.get(k), a.get(k));
        if x != y {
            // A published field without a subscriber field shows its own name.
            let side =
                |v: Option<&Option<String>>| v.map(|s| s.clone().unwrap_or_else(|| k.clone()));
            out.push(attr(k, side(x).as_ref(), side(y).as_ref()));
        }
    }
    if before.key_field != after.key_field {
        out.push(attr(
            "key field",
            before.key_field.as_ref(),
            after.key_field.as_ref(),
        ));
    }
    out
}

/// Connection changes from `current` (the applied connection, if any) to `desired`.
pub fn diff(
    desired: &ConnectionState,
    current: Option<&ConnectionState>,
    two_way: bool,
) -> Vec<Change> {
    let empty = ConnectionState::default();
    let current = current.unwrap_or(&empty);
    let mut out = Vec::new();
    let id = |o: &str| format!("connection:state:{o}");
    for (object, want) in &desired.objects {
        let target = object_target(OrgSide::State, object);
        let path = format!("spec.objects.{object}");
        match current.objects.get(object) {
            None => {
                let summary = if two_way {
                    "publish and subscribe both ways"
                } else {
                    "publish from the primary and subscribe in the secondary"
                };
                let count = i64::try_from(want.subscribed_fields.len()).unwrap_or(i64::MAX);
                out.push(
                    Change::new(
                        id(object),
                        Area::Connection,
                        Action::Create,
                        target,
                        summary,
                        Reason::at("listed in the spec, not yet published", path),
                    )
                    .with_detail(Detail::attributes(vec![
                        AttributeChange::new(name("fields"), None, Some(AttrValue::Number(count))),
                    ])),
                );
            }
            Some(have) if have != want => {
                let attrs = differences(have, want);
                out.push(
                    Change::new(
                        id(object),
                        Area::Connection,
                        Action::Update,
                        target,
                        "change the published and subscribed fields",
                        Reason::at("the spec's field set differs from the applied one", path),
                    )
                    .with_detail(Detail::attributes(attrs)),
                );
            }
            Some(_) => {}
        }
    }
    for object in current.objects.keys() {
        if !desired.objects.contains_key(object) {
            out.push(Change::new(
                id(object),
                Area::Connection,
                Action::Delete,
                object_target(OrgSide::State, object),
                "unpublish (links are kept but stop syncing)",
                Reason::new("no longer listed in the spec"),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(fields: &[(&str, &str)]) -> ObjectState {
        ObjectState {
            published_fields: fields.iter().map(|(p, _)| p.to_string()).collect(),
            subscribed_fields: fields
                .iter()
                .map(|(p, s)| (p.to_string(), s.to_string()))
                .collect(),
            key_field: Some(KEY_FIELD.into()),
        }
    }

    fn conn(objects: &[(&str, ObjectState)]) -> ConnectionState {
        ConnectionState {
            objects: objects
                .iter()
                .map(|(n, s)| (n.to_string(), s.clone()))
                .collect(),
        }
    }

    #[test]
    fn create_update_delete_and_nothing() {
        let want = conn(&[
            ("Account", state(&[("Name", "Name"), ("Phone", "Phone")])),
            ("Contact", state(&[("LastName", "LastName")])),
            ("Case", state(&[("Subject", "Subject")])),
        ]);
        let have = conn(&[
            ("Account", state(&[("Name", "Name"), ("Fax", "Fax")])),
            ("Case", state(&[("Subject", "Subject")])),
            ("Lead", state(&[("Company", "Company")])),
        ]);
        let changes = diff(&want, Some(&have), false);
        let got: Vec<(&str, Action)> = changes.iter().map(|c| (c.id.as_str(), c.action)).collect();
        assert_eq!(
            got,
            [
                ("connection:state:Account", Action::Update),
                ("connection:state:Contact", Action::Create),
                ("connection:state:Lead", Action::Delete),
            ]
        );
        let Some(Detail::Attributes { attributes }) = &changes[0].detail else {
            panic!("attributes expected");
        };
        let lines: Vec<String> = attributes.iter().map(AttributeChange::render).collect();
        assert_eq!(lines, ["Fax: Fax → (none)", "Phone: (none) → Phone"]);
        assert!(diff(&want, Some(&want), true).is_empty());
    }
}
