//! Applying a package's components through one transaction: Apex triggers and classes as
//! `ApexTrigger` / `ApexClass` records (a trigger's `<status>` switches its automation rules),
//! objects and fields through `emulator::metadata`.

use serde_json::{Map, Value, json};

use super::package::Component;
use crate::emulator::dml::Tx;
use crate::emulator::metadata::{self, MetaError};

/// What applying one component did.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The record ID behind it (empty when none).
    pub id: String,
    /// Created rather than changed.
    pub created: bool,
    /// The problem, when it failed.
    pub problem: Option<String>,
    /// The data object whose describe changed.
    pub schema: Option<String>,
}

fn failed(problem: impl Into<String>) -> Outcome {
    Outcome {
        id: String::new(),
        created: false,
        problem: Some(problem.into()),
        schema: None,
    }
}

/// Apply one component.
pub fn apply(tx: &mut Tx<'_>, c: &Component, api_version: f64) -> Outcome {
    let result = match c {
        Component::Apex {
            kind,
            name,
            body,
            meta,
            ..
        } => apex(tx, kind, name, body.as_deref(), meta, api_version),
        Component::Field {
            full_name, meta, ..
        } => metadata::upsert_custom_field(tx, full_name, meta, false).map(|a| Outcome {
            id: a.id,
            created: a.created,
            problem: None,
            schema: Some(a.object),
        }),
        Component::Object { name, meta, .. } => {
            if tx.org().object(name).is_some_and(|o| !o.custom) {
                // A standard object file only carries fields (applied separately).
                Ok(Outcome {
                    id: String::new(),
                    created: false,
                    problem: None,
                    schema: None,
                })
            } else {
                metadata::upsert_custom_object(tx, name, meta, false).map(|a| Outcome {
                    id: a.id,
                    created: a.created,
                    problem: None,
                    schema: Some(a.object),
                })
            }
        }
        Component::Unsupported { problem, .. } => return failed(problem.clone()),
    };
    result.unwrap_or_else(|e| failed(e.message))
}

fn apex(
    tx: &mut Tx<'_>,
    kind: &str,
    name: &str,
    body: Option<&str>,
    meta: &metadata::Meta,
    api_version: f64,
) -> Result<Outcome, MetaError> {
    let existing = tx
        .org()
        .records(kind)
        .filter(|r| !r.is_deleted())
        .find(|r| {
            r.get("Name")
                .and_then(Value::as_str)
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
        })
        .map(|r| r.id().to_owned());
    let mut values = Map::new();
    if let Some(b) = body {
        values.insert("Body".into(), json!(b));
    }
    if let Some(s) = meta.text("status") {
        values.insert("Status".into(), json!(s));
    }
    if let Some(v) = meta.text("apiVersion").and_then(|v| v.parse::<f64>().ok()) {
        values.insert("ApiVersion".into(), json!(v));
    }
    match existing {
        Some(id) => {
            tx.update(&id, values)?;
            Ok(Outcome {
                id,
                created: false,
                problem: None,
                schema: None,
            })
        }
        None => {
            let Some(b) = body else {
                return Err(MetaError::new(
                    "FIELD_INTEGRITY_EXCEPTION",
                    format!("{kind} {name} does not exist and the package has no source for it"),
                ));
            };
            values.insert("Name".into(), json!(name));
            values.entry("ApiVersion").or_insert(json!(api_version));
            if kind == "ApexTrigger" {
                let object = b
                    .split_whitespace()
                    .skip_while(|w| !w.eq_ignore_ascii_case("on"))
                    .nth(1)
                    .map(|o| o.trim_end_matches('(').to_owned())
                    .filter(|o| {
                        tx.org()
                            .object(o)
                            .is_some_and(|d| d.triggerable && !d.tooling)
                    })
                    .ok_or_else(|| {
                        MetaError::new(
                            "FIELD_INTEGRITY_EXCEPTION",
                            format!("Trigger {name}: the object it is declared on does not exist"),
                        )
                    })?;
                values.insert("TableEnumOrId".into(), json!(object));
            }
            let id = tx.insert(kind, values)?;
            Ok(Outcome {
                id,
                created: true,
                problem: None,
                schema: None,
            })
        }
    }
}
