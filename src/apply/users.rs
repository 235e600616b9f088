//! User steps in the secondary, through REST: create (Username, names, Email, Alias, ProfileId
//! by profile name, UserRoleId by role developer name, locale and time zone copied from the
//! primary's user), update (profile, role, active) and deactivate (`IsActive = false`; users are
//! never deleted). Each step looks the user up by username first, so a repeated create updates.
//! The values copied from the primary (names, email) pass straight through and are never shown.

use serde_json::{Map, Value, json};

use crate::org::OrgClient;
use crate::org::rest::QueryOptions;
use crate::org::wire::Record;

use super::error::describe;
use super::steps::{UserAction, UserWork};
use super::tooling::quote;

/// Fields copied from the primary's user on create.
const COPIED: [&str; 8] = [
    "FirstName",
    "LastName",
    "Email",
    "Alias",
    "TimeZoneSidKey",
    "LocaleSidKey",
    "EmailEncodingKey",
    "LanguageLocaleKey",
];

async fn one(client: &OrgClient, soql: &str) -> Result<Option<Record>, String> {
    let page = client
        .query(soql, QueryOptions::default())
        .await
        .map_err(|e| describe(&e))?;
    Ok(page.records.into_iter().next())
}

async fn id_of(client: &OrgClient, soql: &str) -> Result<Option<String>, String> {
    Ok(one(client, soql)
        .await?
        .and_then(|r| r.id().map(str::to_owned)))
}

/// The secondary's IDs for the profile and role of `work`.
async fn assignments(secondary: &OrgClient, work: &UserWork) -> Result<Map<String, Value>, String> {
    let mut m = Map::new();
    if let Some(profile) = &work.profile {
        let soql = format!("SELECT Id FROM Profile WHERE Name = '{}'", quote(profile));
        let id = id_of(secondary, &soql)
            .await?
            .ok_or_else(|| format!("the secondary has no profile {profile}"))?;
        m.insert("ProfileId".into(), json!(id));
    }
    let role = match &work.role {
        Some(role) => {
            let soql = format!(
                "SELECT Id FROM UserRole WHERE DeveloperName = '{}'",
                quote(role)
            );
            let id = id_of(secondary, &soql)
                .await?
                .ok_or_else(|| format!("the secondary has no role {role}"))?;
            json!(id)
        }
        None => Value::Null,
    };
    m.insert("UserRoleId".into(), role);
    m.insert("IsActive".into(), json!(work.active));
    Ok(m)
}

/// Carry out a user step; with `check_only`, resolve everything and write nothing.
pub async fn run(
    primary: &OrgClient,
    secondary: &OrgClient,
    work: &UserWork,
    check_only: bool,
) -> Result<String, String> {
    let existing = id_of(
        secondary,
        &format!(
            "SELECT Id FROM User WHERE Username = '{}'",
            quote(&work.username)
        ),
    )
    .await?;
    let fields = match work.action {
        UserAction::Deactivate => {
            let mut m = Map::new();
            m.insert("IsActive".into(), json!(false));
            m
        }
        UserAction::Create | UserAction::Update => assignments(secondary, work).await?,
    };
    match (existing, &work.action) {
        (None, UserAction::Deactivate) => Ok("the user does not exist in the secondary".into()),
        (None, UserAction::Update) => Err(format!(
            "the user {} does not exist in the secondary",
            work.username
        )),
        (Some(id), _) => {
            if check_only {
                return Ok("would update the user".into());
            }
            secondary
                .update("User", &id, &fields)
                .await
                .map_err(|e| describe(&e))?;
            Ok(match work.action {
                UserAction::Deactivate => "deactivated".into(),
                UserAction::Create => "the user existed; updated".into(),
                UserAction::Update => "updated".into(),
            })
        }
        (None, UserAction::Create) => {
            let soql = format!(
                "SELECT {} FROM User WHERE Username = '{}'",
                COPIED.join(", "),
                quote(&work.primary_username)
            );
            let source = one(primary, &soql)
                .await?
                .ok_or_else(|| format!("the primary has no user {}", work.primary_username))?;
            if check_only {
                return Ok("would create the user".into());
            }
            let mut body = fields;
            for f in COPIED {
                if let Some(v) = source.fields.get(f).filter(|v| !v.is_null()) {
                    body.insert(f.to_owned(), v.clone());
                }
            }
            body.insert("Username".into(), json!(work.username));
            let saved = secondary
                .create("User", &body)
                .await
                .map_err(|e| describe(&e))?;
            if saved.success {
                Ok("created".into())
            } else {
                let codes: Vec<&str> = saved.errors.iter().map(|e| e.error_code.as_str()).collect();
                Err(format!("the create failed: {}", codes.join(", ")))
            }
        }
    }
}
