//! `test-connection`: reach both orgs and check what orgsync needs from each — login (method
//! and user), the configured API version among the versions the org serves, read access to every
//! published field (primary), create and update access to every subscribed field (secondary;
//! both ways in two-way), and the remaining daily API allowance — with advice for each thing
//! that is missing. Field access comes from the describes observe reads (describe applies
//! field-level security, salesforce-api.md §4).

use serde::Serialize;

use crate::observe::{self, ObserveOptions, OrgRole, OrgSnapshot, Snapshot, connect};
use crate::org::OrgClient;
use crate::spec::Spec;
use crate::spec::v1::Direction;

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckStatus {
    /// In place.
    Ok,
    /// Missing: orgsync cannot work until it is fixed.
    Missing,
    /// Missing now, and `apply` creates it (syncMetadata, key fields).
    Pending,
    /// Not checked because an earlier check failed.
    NotChecked,
}

/// One check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Check {
    /// What was checked: `auth`, `api version`, `fields Account`, `daily API allowance`.
    pub what: String,
    /// How it went.
    pub status: CheckStatus,
    /// What was found (names and numbers only).
    pub detail: String,
    /// What to do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub advice: Option<String>,
}

impl Check {
    fn new(what: impl Into<String>, status: CheckStatus, detail: impl Into<String>) -> Self {
        Self {
            what: what.into(),
            status,
            detail: detail.into(),
            advice: None,
        }
    }

    fn advise(mut self, advice: impl Into<String>) -> Self {
        self.advice = Some(advice.into());
        self
    }
}

/// The checks of one org.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgChecks {
    /// Which org.
    pub role: OrgRole,
    /// The instance URL from the spec.
    pub instance_url: String,
    /// Every check, in order.
    pub checks: Vec<Check>,
}

/// The `test-connection` report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionReport {
    /// Primary, then secondary.
    pub orgs: Vec<OrgChecks>,
}

impl ConnectionReport {
    /// Whether nothing is missing (pending items do not count).
    pub fn ok(&self) -> bool {
        self.orgs
            .iter()
            .flat_map(|o| &o.checks)
            .all(|c| matches!(c.status, CheckStatus::Ok | CheckStatus::Pending))
    }
}

fn chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// Login, user, API version and allowance of one org; `None` client when login failed.
async fn reach(role: OrgRole, spec: &Spec) -> (Vec<Check>, Option<OrgClient>) {
    let org = match role {
        OrgRole::Primary => &spec.primary,
        OrgRole::Secondary => &spec.secondary,
    };
    let mut checks = Vec::new();
    let client = match connect::client(role, org) {
        Ok(c) => c,
        Err(e) => {
            checks.push(
                Check::new("auth", CheckStatus::Missing, chain(&e))
                    .advise("set the secret the spec refers to (an environment variable or file)"),
            );
            return (checks, None);
        }
    };
    let method = client.config().auth.method();
    // `userinfo` proves the session works (with an access token, logging in makes no call).
    let login = match client.connect().await {
        Ok(_) => client.userinfo().await,
        Err(e) => Err(e),
    };
    match login {
        Ok(u) => {
            let user = if u.preferred_username.is_empty() {
                String::new()
            } else {
                format!(" as {}", u.preferred_username)
            };
            checks.push(Check::new(
                "auth",
                CheckStatus::Ok,
                format!("{method}{user}"),
            ));
        }
        Err(e) => {
            let advice = if e.status().is_none() {
                "check the instanceUrl and that the org is reachable from here"
            } else {
                "check the connected app, the integration user and the secrets of the auth settings"
            };
            checks.push(
                Check::new(
                    "auth",
                    CheckStatus::Missing,
                    format!("{method}: {}", chain(&e)),
                )
                .advise(advice),
            );
            return (checks, None);
        }
    }
    let wanted = client.api_version().to_string();
    checks.push(match client.versions().await {
        Ok(versions) => {
            let served: Vec<String> = versions.iter().filter_map(|v| v.version.clone()).collect();
            let latest = served.last().cloned().unwrap_or_default();
            if served.contains(&wanted) {
                Check::new(
                    "api version",
                    CheckStatus::Ok,
                    format!("{wanted} is served (latest {latest})"),
                )
            } else {
                Check::new(
                    "api version",
                    CheckStatus::Missing,
                    format!("{wanted} is not served (latest {latest})"),
                )
                .advise(format!(
                    "set apiVersion to one the org serves, e.g. \"{latest}\""
                ))
            }
        }
        Err(e) => Check::new("api version", CheckStatus::Missing, chain(&e))
            .advise("the org did not list its API versions; check the instanceUrl"),
    });
    checks.push(match client.limits().await {
        Ok(limits) => match limits.get("DailyApiRequests") {
            Some(l) if l.remaining > 0 => Check::new(
                "daily API allowance",
                CheckStatus::Ok,
                format!("{} of {} remaining", l.remaining, l.max),
            ),
            Some(l) => Check::new(
                "daily API allowance",
                CheckStatus::Missing,
                format!("0 of {} remaining", l.max),
            )
            .advise("wait for the rolling 24-hour window, or raise the org's allowance"),
            None => Check::new(
                "daily API allowance",
                CheckStatus::Missing,
                "the org reports no DailyApiRequests limit",
            )
            .advise("give the integration user the \"API Enabled\" permission"),
        },
        Err(e) => Check::new("daily API allowance", CheckStatus::Missing, chain(&e))
            .advise("give the integration user the \"API Enabled\" and \"View Setup\" permissions"),
    });
    (checks, Some(client))
}

/// Access checks for one org: read access on the publishing side, create/update on the
/// subscribing side.
fn field_checks(spec: &Spec, snapshot: &Snapshot, role: OrgRole) -> Vec<Check> {
    let org: &OrgSnapshot = snapshot.org(role);
    let publishes = role == OrgRole::Primary || spec.connection.direction == Direction::TwoWay;
    let subscribes = role == OrgRole::Secondary || spec.connection.direction == Direction::TwoWay;
    let mut checks = Vec::new();
    for sync in &spec.objects {
        let what = format!("fields {}", sync.name);
        let Some(Some(primary_object)) = snapshot.primary.object(&sync.name) else {
            checks.push(
                Check::new(
                    &what,
                    CheckStatus::Missing,
                    "the primary has no such object",
                )
                .advise("create the object in the primary, or remove it from the spec"),
            );
            continue;
        };
        let published: Vec<&str> = primary_object
            .fields
            .values()
            .filter(|f| sync.fields.publishes(&f.name))
            .filter(|f| !f.field_type.is_never_synced() && (f.createable || f.updateable))
            .map(|f| f.name.as_str())
            .collect();
        let object = match org.object(&sync.name) {
            Some(Some(o)) => o,
            _ => {
                let status = if spec.connection.sync_metadata && primary_object.custom {
                    CheckStatus::Pending
                } else {
                    CheckStatus::Missing
                };
                checks.push(
                    Check::new(&what, status, format!("the {role} has no {}", sync.name)).advise(
                        if status == CheckStatus::Pending {
                            "`orgsync apply` creates it (syncMetadata)"
                        } else {
                            "create the object there, or turn on syncMetadata"
                        },
                    ),
                );
                continue;
            }
        };
        let mut unreadable: Vec<String> = if role == OrgRole::Primary {
            org.field_access
                .get(&object.name)
                .into_iter()
                .flatten()
                .filter(|(_, a)| !a.read)
                .map(|(name, _)| name.clone())
                .collect()
        } else {
            Vec::new()
        };
        let mut absent = Vec::new();
        let mut read_only = Vec::new();
        let mut pending = Vec::new();
        let mut count = 0;
        for name in &published {
            let target = if role == OrgRole::Secondary {
                sync.field_map.get(*name).map_or(*name, String::as_str)
            } else {
                name
            };
            count += 1;
            let Some(f) = object.field(target) else {
                if role == OrgRole::Secondary
                    && spec.connection.sync_metadata
                    && target.ends_with("__c")
                {
                    pending.push(target.to_owned());
                } else if publishes && !subscribes {
                    unreadable.push(target.to_owned());
                } else {
                    absent.push(target.to_owned());
                }
                continue;
            };
            if subscribes && !(f.createable && f.updateable) {
                read_only.push(target.to_owned());
            }
        }
        let mut check = if !unreadable.is_empty() {
            Check::new(
                &what,
                CheckStatus::Missing,
                format!("cannot read {}", unreadable.join(", ")),
            )
            .advise("grant read access (field-level security) to the integration user's profile or a permission set")
        } else if !absent.is_empty() {
            Check::new(
                &what,
                CheckStatus::Missing,
                format!("cannot see {}", absent.join(", ")),
            )
            .advise("create the fields, or grant the integration user access to them")
        } else if !read_only.is_empty() {
            Check::new(
                &what,
                CheckStatus::Missing,
                format!("cannot create or update {}", read_only.join(", ")),
            )
            .advise("grant edit access (field-level security) to the integration user")
        } else if !pending.is_empty() {
            Check::new(
                &what,
                CheckStatus::Pending,
                format!("{} created by apply: {}", pending.len(), pending.join(", ")),
            )
            .advise("`orgsync apply` creates them (syncMetadata)")
        } else {
            let access = match (publishes, subscribes) {
                (true, true) => "read, create and update",
                (true, false) => "read",
                _ => "create and update",
            };
            Check::new(
                &what,
                CheckStatus::Ok,
                format!("{access} on {count} field(s)"),
            )
        };
        if check.status == CheckStatus::Ok && published.is_empty() {
            check.detail = "no synced fields".into();
        }
        checks.push(check);
    }
    checks
}

/// Check both orgs.
pub async fn check(spec: &Spec) -> ConnectionReport {
    let ((p_checks, p_client), (s_checks, s_client)) = tokio::join!(
        reach(OrgRole::Primary, spec),
        reach(OrgRole::Secondary, spec)
    );
    let mut orgs = vec![
        OrgChecks {
            role: OrgRole::Primary,
            instance_url: spec.primary.instance_url.to_string(),
            checks: p_checks,
        },
        OrgChecks {
            role: OrgRole::Secondary,
            instance_url: spec.secondary.instance_url.to_string(),
            checks: s_checks,
        },
    ];
    let not_checked = |why: &str| {
        Check::new("fields", CheckStatus::NotChecked, why.to_owned())
            .advise("fix the failing login first")
    };
    match (p_client, s_client) {
        (Some(p), Some(s)) => {
            match observe::observe_with(spec, &p, &s, ObserveOptions::default()).await {
                Ok(snapshot) => {
                    for org in &mut orgs {
                        org.checks.extend(field_checks(spec, &snapshot, org.role));
                    }
                }
                Err(e) => {
                    let role = e.role();
                    if let Some(org) = orgs.iter_mut().find(|o| o.role == role) {
                        org.checks.push(
                            Check::new("fields", CheckStatus::Missing, chain(&e))
                                .advise("the integration user must be able to describe every published object"),
                        );
                    }
                }
            }
        }
        _ => {
            for org in &mut orgs {
                org.checks
                    .push(not_checked("field access needs both orgs reachable"));
            }
        }
    }
    ConnectionReport { orgs }
}
