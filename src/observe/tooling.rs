//! Apex triggers and supported metadata, read through the Tooling API (reference §11.1) and
//! turned into org-independent items: full names resolved from IDs, contents without IDs or
//! dates, so the same component in both orgs compares equal.

use std::collections::BTreeMap;

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::org::wire::Record;

use super::error::ObserveError;
use super::queries::TRIGGERS;
use super::read::OrgReader;
use super::snapshot::{ApexTrigger, MetadataItem, MetadataKind};

/// The Tooling query for one metadata kind (unmanaged components only).
pub fn metadata_query(kind: MetadataKind) -> &'static str {
    match kind {
        MetadataKind::ApexClass => {
            "SELECT Id, Name, ApiVersion, Status, Body, LastModifiedDate FROM ApexClass \
             WHERE NamespacePrefix = null"
        }
        MetadataKind::ApexPage => {
            "SELECT Id, Name, MasterLabel, ApiVersion, Markup, LastModifiedDate FROM ApexPage \
             WHERE NamespacePrefix = null"
        }
        MetadataKind::CustomObject => {
            "SELECT Id, DeveloperName, Description, LastModifiedDate FROM CustomObject \
             WHERE NamespacePrefix = null"
        }
        MetadataKind::CustomField => {
            "SELECT Id, DeveloperName, TableEnumOrId, Description, LastModifiedDate \
             FROM CustomField WHERE NamespacePrefix = null"
        }
        MetadataKind::Layout => {
            "SELECT Id, Name, TableEnumOrId, LayoutType, LastModifiedDate FROM Layout \
             WHERE NamespacePrefix = null"
        }
        MetadataKind::PermissionSet => {
            "SELECT Id, Name, Label, Description, LastModifiedDate FROM PermissionSet \
             WHERE IsOwnedByProfile = false"
        }
        MetadataKind::RecordType => {
            "SELECT Id, Name, DeveloperName, SobjectType, IsActive, Description, LastModifiedDate \
             FROM RecordType WHERE NamespacePrefix = null"
        }
        MetadataKind::Profile => "SELECT Id, Name, Description, LastModifiedDate FROM Profile",
    }
}

/// SHA-256 of a text, hex.
pub fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

fn text(record: &Record, field: &str) -> Option<String> {
    match record.get(field)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Reads the unmanaged triggers, sorted by name.
pub async fn read_triggers(reader: &OrgReader) -> Result<Vec<ApexTrigger>, ObserveError> {
    let records = reader.tooling_query(TRIGGERS, "the Apex triggers").await?;
    Ok(triggers(&records))
}

/// Triggers from `ApexTrigger` rows, sorted by name.
pub fn triggers(records: &[Record]) -> Vec<ApexTrigger> {
    let mut out: Vec<ApexTrigger> = records
        .iter()
        .filter_map(|r| {
            let name = text(r, "Name")?;
            let body = text(r, "Body").unwrap_or_default();
            Some(ApexTrigger {
                name,
                object: text(r, "TableEnumOrId").unwrap_or_default(),
                status: text(r, "Status").unwrap_or_default(),
                api_version: r.get("ApiVersion").and_then(api_version),
                body_hash: sha256_hex(&body),
                body,
            })
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// `62` / `62.0` / `"62.0"` → `62.0`.
fn api_version(v: &Value) -> Option<String> {
    match v {
        Value::Number(n) => n.as_f64().map(|f| format!("{f:.1}")),
        Value::String(s) => Some(s.clone()),
        _ => None,
    }
}

/// Reads every supported metadata kind (one Tooling query each, concurrently within the bound),
/// sorted by kind then full name.
pub async fn read_metadata(reader: &OrgReader) -> Result<Vec<MetadataItem>, ObserveError> {
    let reads = MetadataKind::ALL.map(|kind| async move {
        let what = format!("the {kind} metadata");
        let records = reader.tooling_query(metadata_query(kind), &what).await?;
        Ok::<_, ObserveError>((kind, records))
    });
    let rows: BTreeMap<MetadataKind, Vec<Record>> = futures::future::try_join_all(reads)
        .await?
        .into_iter()
        .collect();
    Ok(metadata(&rows))
}

/// Metadata items from the rows of each kind, sorted by kind then full name.
pub fn metadata(rows: &BTreeMap<MetadataKind, Vec<Record>>) -> Vec<MetadataItem> {
    let empty = Vec::new();
    let rows_of = |k: MetadataKind| rows.get(&k).unwrap_or(&empty);
    // Custom objects by 15-character ID: custom fields and layouts name their object by ID.
    let custom_objects: BTreeMap<String, String> = rows_of(MetadataKind::CustomObject)
        .iter()
        .filter_map(|r| {
            let id = r.id()?;
            let name = text(r, "DeveloperName")?;
            Some((id.chars().take(15).collect(), format!("{name}__c")))
        })
        .collect();
    let object_name = |r: &Record| {
        let table = text(r, "TableEnumOrId").unwrap_or_default();
        let short: String = table.chars().take(15).collect();
        custom_objects.get(&short).cloned().unwrap_or(table)
    };
    let mut items = Vec::new();
    for (&kind, records) in rows {
        for r in records {
            let full_name = match kind {
                MetadataKind::CustomObject => text(r, "DeveloperName").map(|n| format!("{n}__c")),
                MetadataKind::CustomField => {
                    text(r, "DeveloperName").map(|n| format!("{}.{n}__c", object_name(r)))
                }
                MetadataKind::Layout => text(r, "Name").map(|n| {
                    let object = object_name(r);
                    if n.starts_with(&format!("{object}-")) {
                        n
                    } else {
                        format!("{object}-{n}")
                    }
                }),
                MetadataKind::RecordType => {
                    match (text(r, "SobjectType"), text(r, "DeveloperName")) {
                        (Some(o), Some(n)) => Some(format!("{o}.{n}")),
                        _ => None,
                    }
                }
                _ => text(r, "Name"),
            };
            let Some(full_name) = full_name else { continue };
            let content = match kind {
                MetadataKind::ApexClass => text(r, "Body").unwrap_or_default(),
                MetadataKind::ApexPage => text(r, "Markup").unwrap_or_default(),
                _ => settings_json(r),
            };
            items.push(MetadataItem {
                kind,
                full_name,
                content,
                last_modified: text(r, "LastModifiedDate"),
            });
        }
    }
    items.sort_by(|a, b| (a.kind, &a.full_name).cmp(&(b.kind, &b.full_name)));
    items
}

/// A canonical JSON (sorted keys) of a component's settings: every selected field except IDs,
/// object references by ID and dates, which differ between orgs for the same component.
fn settings_json(r: &Record) -> String {
    let settings: BTreeMap<&String, &Value> = r
        .fields
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "Id" | "TableEnumOrId" | "LastModifiedDate"))
        .collect();
    serde_json::to_string(&settings).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(v: Value) -> Record {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn triggers_are_sorted_and_hashed() {
        let t = triggers(&[
            rec(
                serde_json::json!({"Name":"Z","TableEnumOrId":"Case","Status":"Inactive","ApiVersion":62.0,"Body":"b"}),
            ),
            rec(
                serde_json::json!({"Name":"A","TableEnumOrId":"Account","Status":"Active","ApiVersion":61,"Body":"a"}),
            ),
        ]);
        assert_eq!(t[0].name, "A");
        assert_eq!(t[0].api_version.as_deref(), Some("61.0"));
        assert_eq!(t[1].status, "Inactive");
        assert_eq!(t[1].body_hash, sha256_hex("b"));
        assert_ne!(t[0].body_hash, t[1].body_hash);
    }

    #[test]
    fn full_names_resolve_custom_object_ids() {
        let mut rows = BTreeMap::new();
        rows.insert(
            MetadataKind::CustomObject,
            vec![rec(serde_json::json!({"Id":"01I000000000001AAA","DeveloperName":"Invoice","Description":null}))],
        );
        rows.insert(
            MetadataKind::CustomField,
            vec![
                rec(serde_json::json!({"Id":"00N1","DeveloperName":"Status","TableEnumOrId":"01I000000000001","Description":"x"})),
                rec(serde_json::json!({"Id":"00N2","DeveloperName":"Sync_Key","TableEnumOrId":"Account"})),
            ],
        );
        rows.insert(
            MetadataKind::Layout,
            vec![
                rec(serde_json::json!({"Id":"00h1","Name":"Invoice Layout","TableEnumOrId":"01I000000000001AAA"})),
                rec(serde_json::json!({"Id":"00h2","Name":"Account-Account Layout","TableEnumOrId":"Account"})),
            ],
        );
        rows.insert(
            MetadataKind::RecordType,
            vec![rec(serde_json::json!({"Id":"0121","DeveloperName":"Partner","SobjectType":"Account","IsActive":true}))],
        );
        let items = metadata(&rows);
        let names: Vec<(MetadataKind, &str)> = items
            .iter()
            .map(|i| (i.kind, i.full_name.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                (MetadataKind::CustomObject, "Invoice__c"),
                (MetadataKind::CustomField, "Account.Sync_Key__c"),
                (MetadataKind::CustomField, "Invoice__c.Status__c"),
                (MetadataKind::Layout, "Account-Account Layout"),
                (MetadataKind::Layout, "Invoice__c-Invoice Layout"),
                (MetadataKind::RecordType, "Account.Partner"),
            ]
        );
        let field = items
            .iter()
            .find(|i| i.full_name == "Invoice__c.Status__c")
            .unwrap();
        assert_eq!(
            field.content,
            r#"{"Description":"x","DeveloperName":"Status"}"#
        );
    }
}
