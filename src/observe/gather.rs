//! What to read from each org, in two passes, and how the answers become an [`OrgSnapshot`].
//!
//! 1. **First pass** (both orgs concurrently): log in; then together — `userinfo`, the describes
//!    of the published objects (and `User` with `syncUsers`) bundled with the org identity query
//!    and, with `syncUsers`, the user/profile/role queries; the triggers when the policy needs
//!    them; the metadata with `syncMetadata`.
//! 2. **Second pass**, once both first passes are in: the lookup targets of the published fields
//!    of *either* org (so both snapshots describe the same objects), the integration user's
//!    profile, and on the primary the record counts — bundled again. The API limits come from
//!    the `Sforce-Limit-Info` header of these calls (no extra call), or `GET /limits` when no
//!    response carried it.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::org::rest::UserInfo;
use crate::org::wire::{Record, SObjectDescribe};
use crate::spec::Spec;
use crate::spec::model::{FieldSet, TriggerPolicy};

use super::error::ObserveError;
use super::queries;
use super::read::{Answer, Item, OrgReader};
use super::schema::ObjectSchema;
use super::snapshot::{
    ApexTrigger, ApiLimits, FieldAccess, IntegrationUser, MetadataItem, OrgRole, OrgSnapshot,
    OrgUser, Profile, Role,
};
use super::tooling;

/// What the spec asks observe to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Needs {
    /// Objects to describe (published objects, then `User` with `syncUsers`), first spelling wins.
    pub objects: Vec<String>,
    /// Users, profiles and roles.
    pub users: bool,
    /// Apex triggers: a policy other than the default `primary-only`, or any per-trigger
    /// override (the plan must check that the named triggers exist).
    pub triggers: bool,
    /// Supported metadata.
    pub metadata: bool,
}

impl Needs {
    /// From a validated spec.
    pub fn of(spec: &Spec) -> Self {
        let mut objects: Vec<String> = Vec::new();
        let names = spec.objects.iter().map(|o| o.name.as_str());
        let user = spec.connection.sync_users.then_some("User");
        for name in names.chain(user) {
            if !objects.iter().any(|o| o.eq_ignore_ascii_case(name)) {
                objects.push(name.to_owned());
            }
        }
        Self {
            objects,
            users: spec.connection.sync_users,
            triggers: spec.triggers.default != TriggerPolicy::PrimaryOnly
                || !spec.triggers.overrides.is_empty(),
            metadata: spec.connection.sync_metadata,
        }
    }
}

/// The answers of the first pass.
#[derive(Debug, Clone)]
pub struct FirstPass {
    instance_url: String,
    userinfo: UserInfo,
    describes: BTreeMap<String, Option<Box<SObjectDescribe>>>,
    queries: BTreeMap<String, Vec<Record>>,
    triggers: Option<Vec<ApexTrigger>>,
    metadata: Option<Vec<MetadataItem>>,
}

const ORG: &str = "organization";
const USERS: &str = "users";
const PROFILES: &str = "profiles";
const ROLES: &str = "roles";
const ME: &str = "integration-user";
const COUNT: &str = "count:";

fn query(key: &str, soql: impl Into<String>, what: impl Into<String>) -> Item {
    Item::Query {
        key: key.to_owned(),
        soql: soql.into(),
        what: what.into(),
    }
}

/// Splits answers into describes and query rows (with `totalSize` for counts).
type Split = (
    BTreeMap<String, Option<Box<SObjectDescribe>>>,
    BTreeMap<String, (u64, Vec<Record>)>,
);

fn split(answers: Vec<Answer>) -> Split {
    let mut describes = BTreeMap::new();
    let mut rows = BTreeMap::new();
    for a in answers {
        match a {
            Answer::Describe(name, d) => {
                describes.insert(name, d);
            }
            Answer::Query {
                key,
                total_size,
                records,
            } => {
                rows.insert(key, (total_size, records));
            }
        }
    }
    (describes, rows)
}

/// Pass 1 for one org.
pub async fn first_pass(reader: &OrgReader, needs: &Needs) -> Result<FirstPass, ObserveError> {
    let url = reader.login().await?;
    let mut items: Vec<Item> = needs.objects.iter().cloned().map(Item::Describe).collect();
    items.push(query(ORG, queries::ORGANIZATION, "the org identity"));
    if needs.users {
        items.push(query(USERS, queries::USERS, "the users"));
        items.push(query(PROFILES, queries::PROFILES, "the profiles"));
        items.push(query(ROLES, queries::ROLES, "the roles"));
    }
    let triggers = async {
        if needs.triggers {
            tooling::read_triggers(reader).await.map(Some)
        } else {
            Ok(None)
        }
    };
    let metadata = async {
        if needs.metadata {
            tooling::read_metadata(reader).await.map(Some)
        } else {
            Ok(None)
        }
    };
    let (userinfo, answers, triggers, metadata) = tokio::try_join!(
        reader.userinfo(),
        reader.read_all(items),
        triggers,
        metadata
    )?;
    let (describes, rows) = split(answers);
    Ok(FirstPass {
        instance_url: url.as_str().trim_end_matches('/').to_owned(),
        userinfo,
        describes,
        queries: rows.into_iter().map(|(k, (_, r))| (k, r)).collect(),
        triggers,
        metadata,
    })
}

/// Whether field `name` of `sync`'s object matters on either side: published, or the
/// subscriber end of a `fieldMap` entry.
fn relevant(sync: &crate::spec::model::ObjectSync, name: &str) -> bool {
    sync.fields.publishes(name)
        || sync
            .field_map
            .values()
            .any(|v| v.eq_ignore_ascii_case(name))
}

fn find<'a, T>(map: &'a BTreeMap<String, T>, name: &str) -> Option<&'a T> {
    map.get(name).or_else(|| {
        map.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })
}

/// The objects the relevant lookups of either org point to that pass 1 did not describe.
pub fn lookup_targets(spec: &Spec, passes: &[&FirstPass]) -> BTreeSet<String> {
    let mut targets = BTreeSet::new();
    for pass in passes {
        for sync in &spec.objects {
            let Some(Some(d)) = find(&pass.describes, &sync.name) else {
                continue;
            };
            for f in d
                .fields
                .iter()
                .filter(|f| f.is_reference() && relevant(sync, &f.name))
            {
                targets.extend(f.reference_to.iter().cloned());
            }
        }
    }
    targets.retain(|t| passes.iter().all(|p| find(&p.describes, t).is_none()));
    targets
}

/// Pass 2 for one org, and the snapshot.
pub async fn second_pass(
    reader: &OrgReader,
    spec: &Spec,
    first: FirstPass,
    targets: &BTreeSet<String>,
) -> Result<OrgSnapshot, ObserveError> {
    let role = reader.role();
    let mut items: Vec<Item> = targets.iter().cloned().map(Item::Describe).collect();
    let me = queries::integration_user(&first.userinfo.user_id).ok_or_else(|| {
        reader.unexpected("the running user (userinfo)", "no well-formed user ID")
    })?;
    items.push(query(ME, me, "the integration user"));
    if role == OrgRole::Primary {
        for sync in &spec.objects {
            if let Some(Some(d)) = find(&first.describes, &sync.name) {
                let soql = queries::count(&d.name, sync, spec.records.bulk_sync_since.as_ref());
                let what = format!("the record count of {}", d.name);
                items.push(query(&format!("{COUNT}{}", d.name), soql, what));
            }
        }
    }
    let (more, rows) = split(reader.read_all(items).await?);
    let mut describes = first.describes;
    describes.extend(more);
    let limits = limits(reader).await?;
    let record_counts = rows
        .iter()
        .filter_map(|(k, (n, _))| Some((k.strip_prefix(COUNT)?.to_owned(), *n)))
        .collect();
    let org = first
        .queries
        .get(ORG)
        .and_then(|r| r.first())
        .ok_or_else(|| reader.unexpected("the org identity", "no Organization row"))?;
    let integration_user = match rows.get(ME).and_then(|(_, r)| r.first()) {
        Some(r) => IntegrationUser {
            id: text(r, "Id").unwrap_or_else(|| first.userinfo.user_id.clone()),
            username: text(r, "Username")
                .unwrap_or_else(|| first.userinfo.preferred_username.clone()),
            profile: nested(r, "Profile", "Name"),
        },
        None => IntegrationUser {
            id: first.userinfo.user_id.clone(),
            username: first.userinfo.preferred_username.clone(),
            profile: None,
        },
    };
    let objects: BTreeMap<String, Option<ObjectSchema>> = describes
        .iter()
        .map(|(asked, d)| match d {
            Some(d) => (d.name.clone(), Some(ObjectSchema::from(d.as_ref()))),
            None => (asked.clone(), None),
        })
        .collect();
    let q = |key: &str| first.queries.get(key);
    Ok(OrgSnapshot {
        role,
        org_id: text(org, "Id").unwrap_or(first.userinfo.organization_id),
        instance_url: first.instance_url,
        api_version: reader.client().api_version().to_string(),
        is_sandbox: org
            .get("IsSandbox")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        edition: text(org, "OrganizationType").unwrap_or_default(),
        integration_user,
        field_access: field_access(spec, &objects),
        objects,
        users: q(USERS).map(|r| users(r)),
        profiles: q(PROFILES).map(|r| profiles(r)),
        roles: q(ROLES).map(|r| roles(r)),
        triggers: first.triggers,
        metadata: first.metadata,
        record_counts,
        limits,
    })
}

/// From the last `Sforce-Limit-Info` header, else `GET /limits`.
async fn limits(reader: &OrgReader) -> Result<ApiLimits, ObserveError> {
    if let Some(pair) = reader.client().usage().latest.api_usage {
        return Ok(ApiLimits {
            daily_max: pair.max,
            daily_remaining: pair.max.saturating_sub(pair.used),
        });
    }
    let limits = reader.limits().await?;
    let daily = limits.get("DailyApiRequests").cloned().unwrap_or_default();
    Ok(ApiLimits {
        daily_max: u64::try_from(daily.max).unwrap_or(0),
        daily_remaining: u64::try_from(daily.remaining).unwrap_or(0),
    })
}

/// Access to each published field of each published object, from the describes.
pub fn field_access(
    spec: &Spec,
    objects: &BTreeMap<String, Option<ObjectSchema>>,
) -> BTreeMap<String, BTreeMap<String, FieldAccess>> {
    let mut out = BTreeMap::new();
    for sync in &spec.objects {
        let Some(Some(object)) = find(objects, &sync.name) else {
            continue;
        };
        let access = |f: &super::schema::FieldSchema| FieldAccess {
            read: true,
            create: f.createable,
            update: f.updateable,
        };
        let fields: BTreeMap<String, FieldAccess> = match &sync.fields {
            FieldSet::All { .. } => object
                .fields
                .values()
                .filter(|f| sync.fields.publishes(&f.name))
                .map(|f| (f.name.clone(), access(f)))
                .collect(),
            FieldSet::List(names) => names
                .iter()
                .map(|n| match object.field(n) {
                    Some(f) => (f.name.clone(), access(f)),
                    None => (
                        n.clone(),
                        FieldAccess {
                            read: false,
                            create: false,
                            update: false,
                        },
                    ),
                })
                .collect(),
        };
        out.insert(object.name.clone(), fields);
    }
    out
}

fn text(r: &Record, field: &str) -> Option<String> {
    r.get(field).and_then(Value::as_str).map(str::to_owned)
}

fn nested(r: &Record, parent: &str, field: &str) -> Option<String> {
    r.get(parent)?.get(field)?.as_str().map(str::to_owned)
}

fn users(rows: &[Record]) -> Vec<OrgUser> {
    let mut out: Vec<OrgUser> = rows
        .iter()
        .filter_map(|r| {
            Some(OrgUser {
                id: text(r, "Id")?,
                username: text(r, "Username")?,
                profile: nested(r, "Profile", "Name"),
                role: nested(r, "UserRole", "DeveloperName"),
                active: r.get("IsActive").and_then(Value::as_bool).unwrap_or(false),
            })
        })
        .collect();
    out.sort_by(|a, b| a.username.cmp(&b.username));
    out
}

fn profiles(rows: &[Record]) -> Vec<Profile> {
    let mut out: Vec<Profile> = rows
        .iter()
        .filter_map(|r| {
            Some(Profile {
                name: text(r, "Name")?,
                license: nested(r, "UserLicense", "Name"),
            })
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

fn roles(rows: &[Record]) -> Vec<Role> {
    let mut out: Vec<Role> = rows
        .iter()
        .filter_map(|r| {
            Some(Role {
                developer_name: text(r, "DeveloperName")?,
                name: text(r, "Name").unwrap_or_default(),
                parent: nested(r, "ParentRole", "DeveloperName"),
            })
        })
        .collect();
    out.sort_by(|a, b| a.developer_name.cmp(&b.developer_name));
    out
}
