//! Writing components through the Tooling API (sandbox and Developer Edition orgs): each
//! component is looked up first and then created or updated, so a step repeated after a crash
//! finds its own earlier write and updates it instead of failing on a duplicate.
//! `CustomField`/`CustomObject` take a `FullName` and a `Metadata` body; `ApexClass` and
//! `ApexTrigger` take `Name`, `Body` and `Metadata` with `status` and `apiVersion` (Tooling API
//! guide, "CustomField", "ApexTrigger"; salesforce-api.md §11.1). A custom field of a custom
//! object names its object by the object's ID in `TableEnumOrId`.

use serde_json::{Map, Value, json};

use crate::org::OrgClient;

use super::component::Component;
use super::error::describe;

/// SOQL string literal contents (backslash and quote escaped).
pub fn quote(value: &str) -> String {
    value.replace('\\', "\\\\").replace('\'', "\\'")
}

fn dev_name(api_name: &str) -> &str {
    api_name.strip_suffix("__c").unwrap_or(api_name)
}

async fn first_id(client: &OrgClient, soql: &str) -> Result<Option<String>, String> {
    let rows = client.tooling_query(soql).await.map_err(|e| describe(&e))?;
    Ok(rows.first().and_then(|r| r.id()).map(str::to_owned))
}

/// The Tooling ID of the component in the org, when it exists.
pub async fn find(client: &OrgClient, c: &Component) -> Result<Option<String>, String> {
    match c {
        Component::CustomObject { name, .. } => {
            let soql = format!(
                "SELECT Id FROM CustomObject WHERE DeveloperName = '{}'",
                quote(dev_name(name))
            );
            first_id(client, &soql).await
        }
        Component::CustomField { object, field, .. } => {
            let soql = format!(
                "SELECT Id, TableEnumOrId FROM CustomField WHERE DeveloperName = '{}'",
                quote(dev_name(field))
            );
            let rows = client
                .tooling_query(&soql)
                .await
                .map_err(|e| describe(&e))?;
            let object_id = if object.ends_with("__c") {
                let soql = format!(
                    "SELECT Id FROM CustomObject WHERE DeveloperName = '{}'",
                    quote(dev_name(object))
                );
                first_id(client, &soql).await?
            } else {
                None
            };
            let short = |id: &str| id.chars().take(15).collect::<String>();
            Ok(rows
                .iter()
                .find(|r| {
                    let table = r
                        .fields
                        .get("TableEnumOrId")
                        .and_then(Value::as_str)
                        .unwrap_or_default();
                    table.eq_ignore_ascii_case(object)
                        || object_id
                            .as_deref()
                            .is_some_and(|id| short(id) == short(table))
                })
                .and_then(|r| r.id())
                .map(str::to_owned))
        }
        Component::ApexClass { name, .. } | Component::ApexTrigger { name, .. } => {
            let soql = format!("SELECT Id FROM {} WHERE Name = '{}'", c.kind(), quote(name));
            first_id(client, &soql).await
        }
    }
}

/// The body of a Tooling create (`existing` false) or update.
fn body(c: &Component, existing: bool) -> Map<String, Value> {
    let mut m = Map::new();
    match c {
        Component::CustomObject { .. } | Component::CustomField { .. } => {
            if !existing {
                m.insert("FullName".into(), json!(c.full_name()));
            }
        }
        Component::ApexClass { name, body, .. } => {
            if !existing {
                m.insert("Name".into(), json!(name));
            }
            m.insert("Body".into(), json!(body));
        }
        Component::ApexTrigger {
            name, object, body, ..
        } => {
            if !existing {
                m.insert("Name".into(), json!(name));
                m.insert("TableEnumOrId".into(), json!(object));
            }
            if let Some(b) = body {
                m.insert("Body".into(), json!(b));
            }
        }
    }
    m.insert("Metadata".into(), Value::Object(c.metadata()));
    m
}

/// Create or update `c`; with `check_only`, only look it up. Returns what was (or would be) done.
pub async fn write(client: &OrgClient, c: &Component, check_only: bool) -> Result<String, String> {
    let existing = find(client, c).await?;
    let verb = if existing.is_some() {
        "update"
    } else {
        "create"
    };
    if check_only {
        return Ok(format!("would {verb} {} through the Tooling API", c.kind()));
    }
    if matches!(c, Component::ApexTrigger { body: None, .. }) && existing.is_none() {
        return Err(format!(
            "trigger {} does not exist in the org",
            c.full_name()
        ));
    }
    match existing {
        Some(id) => client
            .tooling_update(c.kind(), &id, &body(c, true))
            .await
            .map_err(|e| describe(&e))?,
        None => {
            let saved = client
                .tooling_create(c.kind(), &body(c, false))
                .await
                .map_err(|e| describe(&e))?;
            if !saved.success {
                let codes: Vec<&str> = saved.errors.iter().map(|e| e.error_code.as_str()).collect();
                return Err(format!("the Tooling create failed: {}", codes.join(", ")));
            }
        }
    }
    Ok(format!("{verb}d through the Tooling API"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_and_bodies() {
        assert_eq!(quote(r"a'b\c"), r"a\'b\\c");
        let t = Component::ApexTrigger {
            name: "T".into(),
            object: "Case".into(),
            body: None,
            status: "Inactive".into(),
            api_version: "62.0".into(),
        };
        let b = body(&t, true);
        assert!(!b.contains_key("Body"));
        assert_eq!(b["Metadata"]["status"], "Inactive");
        let f = Component::CustomField {
            object: "Account".into(),
            field: "X__c".into(),
            metadata: Map::new(),
        };
        assert_eq!(body(&f, false)["FullName"], "Account.X__c");
        assert!(!body(&f, true).contains_key("FullName"));
    }
}
