//! A simulated apply: what the apply executor leaves in the orgs after a plan, written into a
//! snapshot (custom objects and fields copied from the primary, key fields, metadata, triggers,
//! users). Connection and Records changes touch only the state store.

use orgsync::observe::{ApexTrigger, FieldType, ObjectSchema, OrgSnapshot, OrgUser, Snapshot};
use orgsync::plan::planner::triggers::wanted;
use orgsync::plan::{Action, Area, AttrValue, Change, Detail, OrgSide, Plan};
use orgsync::spec::{KEY_FIELD, Spec};

use super::new_field;

fn find<'a, T>(
    map: &'a mut std::collections::BTreeMap<String, T>,
    name: &str,
) -> Option<&'a mut T> {
    let key = map.keys().find(|k| k.eq_ignore_ascii_case(name))?.clone();
    map.get_mut(&key)
}

fn org(snap: &mut Snapshot, side: OrgSide) -> &mut OrgSnapshot {
    match side {
        OrgSide::Primary => &mut snap.primary,
        _ => &mut snap.secondary,
    }
}

fn status_attr(c: &Change) -> Option<String> {
    match &c.detail {
        Some(Detail::Attributes { attributes }) => attributes
            .iter()
            .find(|a| a.name.as_str() == "status")
            .and_then(|a| match &a.after {
                Some(AttrValue::Name(n)) => Some(n.to_string()),
                _ => None,
            }),
        _ => None,
    }
}

/// `snap` after apply has executed every step of `plan`.
pub fn simulate(spec: &Spec, snap: &Snapshot, plan: &Plan) -> Snapshot {
    let before = snap.clone();
    let mut after = snap.clone();
    for c in plan.changes.iter().filter(|c| c.action.is_change()) {
        let object = c.target.object.as_ref().map(|o| o.to_string());
        let field = c.target.field.as_ref().map(|f| f.to_string());
        let item = c.target.item.as_ref().map(|i| i.to_string());
        match (c.area, object, field, item) {
            (Area::ObjectsAndFields, Some(o), None, _) => {
                let primary = before.primary.object(&o).flatten().unwrap().clone();
                let created = ObjectSchema {
                    fields: primary
                        .fields
                        .iter()
                        .filter(|(n, _)| !n.ends_with("__c"))
                        .map(|(n, f)| (n.clone(), f.clone()))
                        .collect(),
                    ..primary
                };
                after
                    .secondary
                    .objects
                    .insert(created.name.clone(), Some(created));
            }
            (Area::ObjectsAndFields, Some(o), Some(f), _) => {
                let pf = before
                    .primary
                    .object(&o)
                    .flatten()
                    .unwrap()
                    .field(&f)
                    .unwrap()
                    .clone();
                let target = find(&mut after.secondary.objects, &o)
                    .unwrap()
                    .as_mut()
                    .unwrap();
                target.fields.insert(pf.name.clone(), pf);
            }
            (Area::KeyFields, Some(o), Some(_), _) => {
                let key = orgsync::observe::FieldSchema {
                    length: 18,
                    external_id: true,
                    unique: true,
                    ..new_field(KEY_FIELD, FieldType::Text)
                };
                let target = org(&mut after, c.target.org);
                let schema = find(&mut target.objects, &o).unwrap().as_mut().unwrap();
                schema.fields.insert(KEY_FIELD.into(), key);
            }
            (Area::Metadata, _, _, Some(label)) => {
                let item = before
                    .primary
                    .metadata
                    .iter()
                    .flatten()
                    .find(|i| format!("{} {}", i.kind, i.full_name) == label)
                    .unwrap()
                    .clone();
                let list = after.secondary.metadata.get_or_insert_with(Vec::new);
                list.retain(|i| !(i.kind == item.kind && i.full_name == item.full_name));
                list.push(item);
                list.sort_by(|a, b| (a.kind, &a.full_name).cmp(&(b.kind, &b.full_name)));
            }
            (Area::Triggers, _, _, Some(name)) => {
                let primary = before
                    .primary
                    .triggers
                    .iter()
                    .flatten()
                    .find(|t| t.name == name)
                    .unwrap()
                    .clone();
                let status = match wanted(&spec.triggers, &primary) {
                    Some(s) => s.to_owned(),
                    None => status_attr(c).unwrap(),
                };
                let list = after.secondary.triggers.get_or_insert_with(Vec::new);
                let body_changes = matches!(c.detail, Some(Detail::Diff { .. }));
                match list.iter_mut().find(|t| t.name == name) {
                    Some(t) => {
                        t.status = status;
                        if body_changes {
                            t.body = primary.body.clone();
                            t.body_hash = primary.body_hash.clone();
                        }
                    }
                    None => list.push(ApexTrigger { status, ..primary }),
                }
                list.sort_by(|a, b| a.name.cmp(&b.name));
            }
            (Area::Users, _, _, Some(username)) => {
                let suffix = spec.connection.username_suffix.clone().unwrap_or_default();
                let source = username.strip_suffix(&suffix).unwrap();
                let pu = before
                    .primary
                    .users
                    .iter()
                    .flatten()
                    .find(|u| u.username == source)
                    .unwrap()
                    .clone();
                let list = after.secondary.users.get_or_insert_with(Vec::new);
                match (c.action, list.iter_mut().find(|u| u.username == username)) {
                    (Action::Delete, Some(u)) => u.active = false,
                    (_, Some(u)) => {
                        u.profile = pu.profile.clone();
                        u.role = pu.role.clone();
                        u.active = true;
                    }
                    (_, None) => list.push(OrgUser {
                        id: "005new".into(),
                        username: username.clone(),
                        profile: pu.profile.clone(),
                        role: pu.role.clone(),
                        active: true,
                    }),
                }
                list.sort_by(|a, b| a.username.cmp(&b.username));
            }
            (Area::Connection | Area::Records, ..) => {}
            other => panic!("the simulated apply does not know {other:?} ({})", c.id),
        }
    }
    after
}
