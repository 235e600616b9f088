//! Users (`syncUsers`): each active Standard-licence user of the primary (a profile whose licence
//! is `Salesforce`) has a user in the secondary named `username + usernameSuffix` with the same
//! profile, role and active flag. Missing: create; different: update; inactive in the primary (or
//! no longer a Standard-licence user) while active in the secondary: deactivate. Never deletes.
//! Every profile and role a synced user needs must exist in the secondary.

use crate::observe::{OrgSnapshot, OrgUser, Snapshot};
use crate::plan::detail::{AttrValue, AttributeChange, Detail};
use crate::plan::model::{Action, Area, Change, OrgSide, Reason, Rule, Target};

use super::util::{attention, name, same};

/// The licence of Standard users.
pub const STANDARD_LICENSE: &str = "Salesforce";

const PATH: &str = "spec.connection.syncUsers";

fn is_standard(org: &OrgSnapshot, user: &OrgUser) -> bool {
    let Some(profile) = &user.profile else {
        return false;
    };
    org.profiles.iter().flatten().any(|p| {
        same(&p.name, profile)
            && p.license
                .as_deref()
                .is_some_and(|l| same(l, STANDARD_LICENSE))
    })
}

fn value(text: Option<&String>) -> Option<AttrValue> {
    text.map(|t| AttrValue::Name(name(t)))
}

/// User changes (empty without `syncUsers` or when the users were not read).
pub fn plan(snapshot: &Snapshot, suffix: Option<&str>) -> Vec<Change> {
    let (p, s) = (&snapshot.primary, &snapshot.secondary);
    let (Some(users), Some(theirs), Some(suffix)) = (&p.users, &s.users, suffix) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for u in users {
        let username = format!("{}{suffix}", u.username);
        let target = Target::item(OrgSide::Secondary, name(&username));
        let id = format!("user:secondary:{username}");
        let existing = theirs.iter().find(|t| same(&t.username, &username));
        let standard = is_standard(p, u);
        if !standard || !u.active {
            if let Some(t) = existing.filter(|t| t.active) {
                let why = if standard {
                    "inactive in the primary"
                } else {
                    "no longer a Standard-licence user in the primary"
                };
                out.push(
                    Change::new(
                        id,
                        Area::Users,
                        Action::Delete,
                        target,
                        "deactivate user",
                        Reason::at(why, PATH),
                    )
                    .with_detail(Detail::attributes(vec![
                        AttributeChange::new(
                            name("active"),
                            Some(AttrValue::Flag(t.active)),
                            Some(AttrValue::Flag(false)),
                        ),
                    ])),
                );
            }
            continue;
        }
        let mut missing = Vec::new();
        if let Some(profile) = &u.profile
            && !s.profiles.iter().flatten().any(|x| same(&x.name, profile))
        {
            missing.push(format!("profile {profile}"));
        }
        if let Some(role) = &u.role
            && !s
                .roles
                .iter()
                .flatten()
                .any(|x| same(&x.developer_name, role))
        {
            missing.push(format!("role {role}"));
        }
        let attrs = |before: Option<&OrgUser>| {
            let mut a = Vec::new();
            let pairs = [
                (
                    "profile",
                    before.map(|b| b.profile.as_ref()),
                    u.profile.as_ref(),
                ),
                ("role", before.map(|b| b.role.as_ref()), u.role.as_ref()),
            ];
            for (attr, was, now) in pairs {
                let was = was.flatten();
                let differs = match (was, now) {
                    (Some(x), Some(y)) => !same(x, y),
                    (x, y) => x.is_some() != y.is_some(),
                };
                if (before.is_none() && now.is_some()) || differs {
                    a.push(AttributeChange::new(name(attr), value(was), value(now)));
                }
            }
            if before.is_none_or(|b| !b.active) {
                a.push(AttributeChange::new(
                    name("active"),
                    before.map(|b| AttrValue::Flag(b.active)),
                    Some(AttrValue::Flag(true)),
                ));
            }
            a
        };
        let change = match existing {
            None => Change::new(
                id,
                Area::Users,
                Action::Create,
                target.clone(),
                "create user",
                Reason::at("active Standard user in the primary", PATH),
            )
            .with_detail(Detail::attributes(attrs(None))),
            Some(t) => {
                let a = attrs(Some(t));
                if a.is_empty() {
                    continue;
                }
                Change::new(
                    id,
                    Area::Users,
                    Action::Update,
                    target.clone(),
                    "update user",
                    Reason::at(
                        "profile, role or active flag differs from the primary",
                        PATH,
                    ),
                )
                .with_detail(Detail::attributes(a))
            }
        };
        if missing.is_empty() {
            out.push(change);
        } else {
            out.push(attention(
                Area::Users,
                Rule::MissingProfileOrRole,
                target,
                format!(
                    "cannot sync user: {} missing in the secondary",
                    missing.join(" and ")
                ),
                Reason::at("active Standard user in the primary", PATH),
                Some(format!("create {} in the secondary", missing.join(" and "))),
                true,
            ));
        }
    }
    out
}
