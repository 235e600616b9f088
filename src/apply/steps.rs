//! From a plan's changes to named steps: the step name is the change id, the work comes from the
//! (area, action, target) of the change and the definitions from the snapshot the plan was
//! checked against (the plan/apply contract). Apply decides nothing: a change it cannot resolve
//! becomes a step that fails with the reason, never a guess.

use std::collections::BTreeSet;

use crate::observe::{MetadataKind, OrgRole, OrgSnapshot, Snapshot};
use crate::plan::{Action, Area, AttrValue, Change, Detail, OrgSide, Plan};
use crate::spec::v1::TriggerPolicy;
use crate::spec::{KEY_FIELD, Spec};

use super::component::{Component, field_metadata, key_field_metadata};

/// The order steps run in (the contract's "Ordering of steps").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Phase {
    /// Custom objects.
    Objects,
    /// Key fields.
    KeyFields,
    /// Custom fields.
    Fields,
    /// Other metadata (Apex classes, objects and fields named as metadata).
    Metadata,
    /// Trigger-policy actions.
    Triggers,
    /// Users.
    Users,
    /// Connection and record-impact steps: recorded in the state store, last.
    Connection,
}

/// What a user step does in the secondary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserAction {
    /// Create the user (or bring an existing one to the primary's settings).
    Create,
    /// Update profile, role and active flag.
    Update,
    /// Deactivate (never delete).
    Deactivate,
}

/// A user step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserWork {
    /// What to do.
    pub action: UserAction,
    /// The username in the secondary (primary username + `usernameSuffix`).
    pub username: String,
    /// The username in the primary.
    pub primary_username: String,
    /// Profile name to assign.
    pub profile: Option<String>,
    /// Role developer name to assign.
    pub role: Option<String>,
    /// Active flag to set.
    pub active: bool,
}

/// What one step does.
#[derive(Debug, Clone, PartialEq)]
pub enum Work {
    /// Create or update a metadata component in an org.
    Write {
        /// The org written.
        org: OrgRole,
        /// The component.
        component: Component,
    },
    /// A user in the secondary.
    User(UserWork),
    /// Nothing in the orgs: recorded in the state store (connection, record impact).
    Record,
    /// The change cannot be carried out; the step fails with this reason.
    Unresolved(String),
}

/// One named step.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The change id.
    pub id: String,
    /// The change's one-line summary.
    pub summary: String,
    /// When it runs.
    pub phase: Phase,
    /// What it does.
    pub work: Work,
    /// Steps that must be done first (ids).
    pub depends_on: BTreeSet<String>,
}

fn role(side: OrgSide) -> Option<OrgRole> {
    match side {
        OrgSide::Primary => Some(OrgRole::Primary),
        OrgSide::Secondary => Some(OrgRole::Secondary),
        OrgSide::Both | OrgSide::State => None,
    }
}

/// `Invoice__c` → `Invoice`; `Sales_Region__c` → `Sales Region`.
fn label_of(api_name: &str) -> String {
    api_name.trim_end_matches("__c").replace('_', " ")
}

fn custom_object(primary: &OrgSnapshot, name: &str) -> Component {
    let label = match primary.object(name) {
        Some(Some(schema)) => schema.label.clone(),
        _ => label_of(name),
    };
    Component::CustomObject {
        name: name.to_owned(),
        label,
    }
}

fn custom_field(primary: &OrgSnapshot, object: &str, field: &str) -> Result<Component, String> {
    if field.eq_ignore_ascii_case(KEY_FIELD) {
        return Ok(Component::CustomField {
            object: object.to_owned(),
            field: KEY_FIELD.to_owned(),
            metadata: key_field_metadata(),
        });
    }
    if !field.ends_with("__c") {
        return Err(format!(
            "{object}.{field} is a standard field; apply only creates custom fields"
        ));
    }
    let Some(Some(schema)) = primary.object(object) else {
        return Err(format!(
            "the primary's describe of {object} was not read, so {object}.{field} has no definition"
        ));
    };
    let Some(f) = schema.field(field) else {
        return Err(format!(
            "{object}.{field} is not in the primary's describe (or the integration user cannot read it)"
        ));
    };
    let metadata = field_metadata(f).map_err(|e| e.to_string())?;
    Ok(Component::CustomField {
        object: schema.name.clone(),
        field: f.name.clone(),
        metadata,
    })
}

fn metadata_component(primary: &OrgSnapshot, item: &str) -> Result<(Phase, Component), String> {
    let (kind, full_name) = item
        .split_once(' ')
        .ok_or_else(|| format!("`{item}` does not name a metadata kind and component"))?;
    match kind {
        "ApexClass" => {
            let body = primary
                .metadata
                .iter()
                .flatten()
                .find(|m| m.kind == MetadataKind::ApexClass && m.full_name == full_name)
                .map(|m| m.content.clone())
                .ok_or_else(|| format!("the primary has no Apex class {full_name}"))?;
            Ok((
                Phase::Metadata,
                Component::ApexClass {
                    name: full_name.to_owned(),
                    body,
                    api_version: primary.api_version.clone(),
                },
            ))
        }
        "CustomObject" => Ok((Phase::Objects, custom_object(primary, full_name))),
        "CustomField" => {
            let (object, field) = full_name
                .split_once('.')
                .ok_or_else(|| format!("`{full_name}` is not Object.Field__c"))?;
            Ok((Phase::Fields, custom_field(primary, object, field)?))
        }
        other => Err(format!(
            "apply does not write {other} metadata (supported: ApexClass, CustomObject, CustomField)"
        )),
    }
}

/// The status a trigger step sets: the detail's `status` attribute when the plan carries one,
/// else what the trigger policy prescribes.
fn trigger_status(change: &Change, policy: TriggerPolicy, primary_status: &str) -> String {
    if let Some(Detail::Attributes { attributes }) = &change.detail
        && let Some(a) = attributes.iter().find(|a| a.name.as_str() == "status")
        && let Some(AttrValue::Name(n)) = &a.after
    {
        return n.as_str().to_owned();
    }
    match policy {
        TriggerPolicy::Mirror => primary_status.to_owned(),
        _ => "Inactive".to_owned(),
    }
}

fn trigger_component(
    spec: &Spec,
    snapshot: &Snapshot,
    change: &Change,
) -> Result<Component, String> {
    let name = change
        .target
        .item
        .as_ref()
        .ok_or("the change names no trigger")?
        .as_str();
    let policy = spec
        .triggers
        .overrides
        .get(name)
        .copied()
        .unwrap_or(spec.triggers.default);
    let find = |org: &OrgSnapshot| {
        org.triggers
            .iter()
            .flatten()
            .find(|t| t.name == name)
            .cloned()
    };
    let primary = find(&snapshot.primary);
    let secondary = find(&snapshot.secondary);
    let object = change
        .target
        .object
        .as_ref()
        .map(|o| o.as_str().to_owned())
        .or_else(|| primary.as_ref().map(|t| t.object.clone()))
        .or_else(|| secondary.as_ref().map(|t| t.object.clone()))
        .ok_or_else(|| format!("the object of trigger {name} is unknown"))?;
    let status = trigger_status(
        change,
        policy,
        primary.as_ref().map_or("Active", |t| t.status.as_str()),
    );
    let (body, api_version) = match (policy, &primary, &secondary) {
        // primary-only: only deactivate the secondary's own trigger, keep its body.
        (TriggerPolicy::PrimaryOnly, _, Some(s)) => (None, s.api_version.clone()),
        (TriggerPolicy::PrimaryOnly, _, None) => {
            return Err(format!(
                "trigger {name} is primary-only and does not exist in the secondary"
            ));
        }
        (_, Some(p), _) => (Some(p.body.clone()), p.api_version.clone()),
        (_, None, _) => return Err(format!("the primary has no trigger {name}")),
    };
    Ok(Component::ApexTrigger {
        name: name.to_owned(),
        object,
        body,
        status,
        api_version: api_version.unwrap_or_else(|| snapshot.primary.api_version.clone()),
    })
}

fn user_work(spec: &Spec, snapshot: &Snapshot, change: &Change) -> Result<UserWork, String> {
    let username = change
        .target
        .item
        .as_ref()
        .ok_or("the change names no user")?
        .as_str()
        .to_owned();
    let suffix = spec.connection.username_suffix.as_deref().unwrap_or("");
    let primary_username = username
        .strip_suffix(suffix)
        .filter(|u| !u.is_empty())
        .unwrap_or(&username)
        .to_owned();
    let action = match change.action {
        Action::Create => UserAction::Create,
        Action::Update => UserAction::Update,
        _ => UserAction::Deactivate,
    };
    let primary = snapshot
        .primary
        .users
        .iter()
        .flatten()
        .find(|u| u.username.eq_ignore_ascii_case(&primary_username));
    if action != UserAction::Deactivate && primary.is_none() {
        return Err(format!("the primary has no user {primary_username}"));
    }
    Ok(UserWork {
        active: action != UserAction::Deactivate && primary.is_some_and(|u| u.active),
        profile: primary.and_then(|u| u.profile.clone()),
        role: primary.and_then(|u| u.role.clone()),
        action,
        username,
        primary_username,
    })
}

fn resolve(spec: &Spec, snapshot: &Snapshot, change: &Change) -> (Phase, Work) {
    let org = role(change.target.org);
    let object = change.target.object.as_ref().map(|o| o.as_str());
    let field = change.target.field.as_ref().map(|f| f.as_str());
    let unresolved = |phase, why: String| (phase, Work::Unresolved(why));
    let write = |phase, org: Option<OrgRole>, c: Result<Component, String>| match (org, c) {
        (Some(org), Ok(component)) => (phase, Work::Write { org, component }),
        (None, _) => (
            phase,
            Work::Unresolved("the change does not name one org to write".into()),
        ),
        (_, Err(why)) => (phase, Work::Unresolved(why)),
    };
    match (change.area, object, field) {
        (Area::Connection | Area::Records | Area::ApiBudget, _, _) => {
            (Phase::Connection, Work::Record)
        }
        (Area::ObjectsAndFields, Some(o), None) => {
            write(Phase::Objects, org, Ok(custom_object(&snapshot.primary, o)))
        }
        (Area::ObjectsAndFields, Some(o), Some(f)) => {
            write(Phase::Fields, org, custom_field(&snapshot.primary, o, f))
        }
        (Area::KeyFields, Some(o), _) => write(
            Phase::KeyFields,
            org,
            Ok(Component::CustomField {
                object: o.to_owned(),
                field: field.unwrap_or(KEY_FIELD).to_owned(),
                metadata: key_field_metadata(),
            }),
        ),
        (Area::Metadata, _, _) => match change.target.item.as_ref() {
            Some(item) => match metadata_component(&snapshot.primary, item.as_str()) {
                Ok((phase, c)) => write(phase.max(Phase::Metadata), org, Ok(c)),
                Err(why) => unresolved(Phase::Metadata, why),
            },
            None => unresolved(Phase::Metadata, "the change names no component".into()),
        },
        (Area::Triggers, _, _) => write(
            Phase::Triggers,
            org,
            trigger_component(spec, snapshot, change),
        ),
        (Area::Users, _, _) => match user_work(spec, snapshot, change) {
            Ok(w) => (Phase::Users, Work::User(w)),
            Err(why) => unresolved(Phase::Users, why),
        },
        (area, _, _) => unresolved(
            Phase::Metadata,
            format!(
                "apply has no step for a {} change on this target",
                area.title()
            ),
        ),
    }
}

/// The steps of `plan`, in the order they run (attention changes are findings, not steps).
pub fn steps(spec: &Spec, snapshot: &Snapshot, plan: &Plan) -> Vec<Step> {
    let mut steps: Vec<Step> = plan
        .changes
        .iter()
        .filter(|c| c.action.is_change())
        .map(|c| {
            let (phase, work) = resolve(spec, snapshot, c);
            Step {
                id: c.id.clone(),
                summary: format!("{} {}", c.action.symbol(), c.summary),
                phase,
                work,
                depends_on: BTreeSet::new(),
            }
        })
        .collect();
    // A step on an object waits for that object's creation in the same org.
    let creates: Vec<(String, OrgRole, String)> = steps
        .iter()
        .filter_map(|s| match &s.work {
            Work::Write {
                org,
                component: Component::CustomObject { name, .. },
            } => Some((s.id.clone(), *org, name.clone())),
            _ => None,
        })
        .collect();
    let all_ids: BTreeSet<String> = steps
        .iter()
        .filter(|s| s.phase != Phase::Connection)
        .map(|s| s.id.clone())
        .collect();
    for step in &mut steps {
        match &step.work {
            Work::Write { org, component }
                if !matches!(component, Component::CustomObject { .. }) =>
            {
                if let Some(object) = component.object() {
                    for (id, o, name) in &creates {
                        if o == org && name.eq_ignore_ascii_case(object) {
                            step.depends_on.insert(id.clone());
                        }
                    }
                }
            }
            Work::Record => step.depends_on = all_ids.clone(),
            _ => {}
        }
    }
    steps.sort_by(|a, b| (a.phase, &a.id).cmp(&(b.phase, &b.id)));
    steps
}
