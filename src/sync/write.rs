//! Carrying out a round's writes, per target org: undeletes (SOAP), inserts (sObject Collections
//! upsert on the key field — or one Bulk API 2.0 job from [`super::bulk_api::THRESHOLD`] rows —
//! so a retry after an ambiguous failure never duplicates), updates (collections by ID) and
//! deletes; collection writes of 200 records go five to a composite call (one API call). Every write is idempotent; each row's result is mapped back
//! to its group. A failed request fails all of its rows (they are queued and retried).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::org::OrgError;
use crate::org::collections::{CHUNK, CollectionWrite};
use crate::org::wire::SaveResult;
use crate::state::Side;

use super::decide::{Decision, WriteKind};
use super::engine::Engine;
use super::model::ObjectModel;
use super::retry::Failure;
use super::round::{Group, Prepared, ix};

/// How a group's writes went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Everything went through; `inserted` is the new record's ID.
    Done {
        /// The ID of the record an insert created.
        inserted: Option<String>,
    },
    /// A write failed.
    Failed(Failure),
}

/// Row errors that mean the delete already happened.
const ALREADY_DELETED: &[&str] = &[
    "ENTITY_IS_DELETED",
    "INVALID_CROSS_REFERENCE_KEY",
    "NOT_FOUND",
];

fn row_failure(r: &SaveResult) -> Failure {
    let code = r
        .errors
        .first()
        .map_or_else(|| "UNKNOWN_ERROR".to_owned(), |e| e.error_code.clone());
    let fields: Vec<&str> = r
        .errors
        .iter()
        .flat_map(|e| e.fields.iter().map(String::as_str))
        .collect();
    let message = if fields.is_empty() {
        code.clone()
    } else {
        format!("{code} on {}", fields.join(", "))
    };
    Failure { code, message }
}

fn call_failure(e: &OrgError) -> Failure {
    let code = e
        .error_codes()
        .first()
        .map_or_else(|| "REQUEST_FAILED".to_owned(), |c| (*c).to_owned());
    let message = match e.status() {
        Some(s) => format!("{code} (HTTP {s})"),
        None => format!("{code} (no answer from the org)"),
    };
    Failure { code, message }
}

fn record(out: &mut BTreeMap<usize, Outcome>, gi: usize, result: Result<Option<String>, Failure>) {
    match result {
        Err(f) => {
            out.insert(gi, Outcome::Failed(f));
        }
        Ok(id) => {
            let entry = out.entry(gi).or_insert(Outcome::Done { inserted: None });
            if let Outcome::Done { inserted } = entry
                && id.is_some()
            {
                *inserted = id;
            }
        }
    }
}

fn apply_rows(
    out: &mut BTreeMap<usize, Outcome>,
    groups: &[usize],
    results: Result<Vec<SaveResult>, OrgError>,
    ok_codes: &[&str],
    keep_id: bool,
) {
    match results {
        Err(e) => {
            let f = call_failure(&e);
            for gi in groups {
                record(out, *gi, Err(f.clone()));
            }
        }
        Ok(rows) => {
            for (gi, r) in groups.iter().zip(rows) {
                let ok = r.success
                    || r.errors
                        .iter()
                        .any(|e| ok_codes.contains(&e.error_code.as_str()));
                let result = if ok {
                    Ok(if keep_id { r.id.clone() } else { None })
                } else {
                    Err(row_failure(&r))
                };
                record(out, *gi, result);
            }
        }
    }
}

fn failed(out: &BTreeMap<usize, Outcome>, gi: usize) -> bool {
    matches!(out.get(&gi), Some(Outcome::Failed(_)))
}

/// `UNDELETE_FAILED` ("Entity is not in the recycle bin") also answers a record that is no longer
/// deleted — restored by a cascade (undeleting an account restores its contacts) or by an earlier
/// attempt whose answer was lost. Such records are read back: those that are live count as done;
/// a purged one stays failed (Salesforce help 000386040: it cannot be restored).
async fn restored_anyway(
    engine: &Engine,
    object: &ObjectModel,
    to: Side,
    undeletes: &[(usize, String)],
    out: &mut BTreeMap<usize, Outcome>,
) {
    let unclear: Vec<&(usize, String)> = undeletes
        .iter()
        .filter(|(gi, _)| matches!(out.get(gi), Some(Outcome::Failed(f)) if f.code == "UNDELETE_FAILED"))
        .collect();
    if unclear.is_empty() {
        return;
    }
    let ids: Vec<&str> = unclear.iter().map(|(_, id)| id.as_str()).collect();
    let soql = format!(
        "SELECT Id, IsDeleted FROM {} WHERE Id IN ({})",
        object.name,
        ids.iter()
            .filter(|id| super::values::is_record_id(id))
            .map(|id| format!("'{id}'"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let Ok(records) = engine.query_all(to, &soql, true).await else {
        return;
    };
    for (gi, id) in unclear {
        let live = records.iter().any(|r| {
            r.id() == Some(id.as_str())
                && r.get("IsDeleted").and_then(Value::as_bool) == Some(false)
        });
        if live {
            out.insert(*gi, Outcome::Done { inserted: None });
        }
    }
}

/// Execute one wave: with `all`, undeletes, inserts, updates and deletes; otherwise inserts only.
#[allow(clippy::too_many_arguments)]
async fn wave(
    engine: &Engine,
    object: &ObjectModel,
    groups: &[Group],
    decisions: &[Decision],
    prepared: &[&Prepared],
    waits: &BTreeMap<usize, String>,
    all: bool,
    out: &mut BTreeMap<usize, Outcome>,
) {
    for to in [Side::Primary, Side::Secondary] {
        let client = engine.client(to);
        let n = ix(to);
        let linked_id = |gi: usize| groups[gi].link.as_ref().map(|l| l.id(to).to_owned());

        let undeletes: Vec<(usize, String)> = decisions
            .iter()
            .enumerate()
            .filter(|(gi, d)| all && d.undelete_to[n] && !waits.contains_key(gi))
            .filter_map(|(gi, _)| linked_id(gi).map(|id| (gi, id)))
            .collect();
        if !undeletes.is_empty() {
            let ids: Vec<&str> = undeletes.iter().map(|(_, id)| id.as_str()).collect();
            let gis: Vec<usize> = undeletes.iter().map(|(gi, _)| *gi).collect();
            apply_rows(out, &gis, client.undelete(&ids).await, &[], false);
            restored_anyway(engine, object, to, &undeletes, out).await;
        }

        let inserts: Vec<&Prepared> = prepared
            .iter()
            .copied()
            .filter(|p| {
                p.intent.kind == WriteKind::Insert
                    && p.intent.from.other() == to
                    && !failed(out, p.group)
            })
            .collect();
        if inserts.len() >= super::bulk_api::THRESHOLD {
            let rows: Vec<&Map<String, Value>> = inserts.iter().map(|p| &p.values).collect();
            match super::bulk_api::upsert(client, &object.name, &object.key_field, &rows).await {
                Ok(results) => {
                    for (p, r) in inserts.iter().zip(results) {
                        record(out, p.group, r.map(Some));
                    }
                }
                Err(e) => {
                    let f = call_failure(&e);
                    for p in &inserts {
                        record(out, p.group, Err(f.clone()));
                    }
                }
            }
        }
        // Collections of 200, bundled five to a composite call: (write, its rows' groups,
        // error codes that count as done, keep the returned ID).
        let mut writes: Vec<CollectionWrite> = Vec::new();
        let mut meta: Vec<(Vec<usize>, &[&str], bool)> = Vec::new();
        if inserts.len() < super::bulk_api::THRESHOLD {
            for chunk in inserts.chunks(CHUNK) {
                writes.push(CollectionWrite::Upsert {
                    sobject: object.name.clone(),
                    external_id_field: object.key_field.clone(),
                    records: chunk.iter().map(|p| p.values.clone()).collect(),
                });
                meta.push((chunk.iter().map(|p| p.group).collect(), &[], true));
            }
        }
        let updates: Vec<(&Prepared, String)> = prepared
            .iter()
            .copied()
            .filter(|p| {
                all && p.intent.kind == WriteKind::Update
                    && p.intent.from.other() == to
                    && !p.values.is_empty()
                    && !failed(out, p.group)
            })
            .filter_map(|p| linked_id(p.group).map(|id| (p, id)))
            .collect();
        for chunk in updates.chunks(CHUNK) {
            writes.push(CollectionWrite::Update {
                sobject: object.name.clone(),
                records: chunk
                    .iter()
                    .map(|(p, id)| {
                        let mut r = p.values.clone();
                        r.insert("Id".into(), Value::String(id.clone()));
                        r
                    })
                    .collect(),
            });
            meta.push((chunk.iter().map(|(p, _)| p.group).collect(), &[], false));
        }
        let deletes: Vec<(usize, String)> = decisions
            .iter()
            .enumerate()
            .filter(|(gi, d)| all && d.delete_to[n] && !waits.contains_key(gi) && !failed(out, *gi))
            .filter_map(|(gi, _)| linked_id(gi).map(|id| (gi, id)))
            .collect();
        for chunk in deletes.chunks(CHUNK) {
            writes.push(CollectionWrite::Delete {
                ids: chunk.iter().map(|(_, id)| id.clone()).collect(),
            });
            meta.push((
                chunk.iter().map(|(gi, _)| *gi).collect(),
                ALREADY_DELETED,
                false,
            ));
        }
        for bundled in client.collections_bundled(&writes).await {
            match bundled.result {
                Ok(results) => {
                    for (w, rows) in bundled.writes.zip(results) {
                        let (gis, ok, keep) = &meta[w];
                        apply_rows(out, gis, rows, ok, *keep);
                    }
                }
                Err(e) => {
                    let f = call_failure(&e);
                    for w in bundled.writes {
                        for gi in &meta[w].0 {
                            record(out, *gi, Err(f.clone()));
                        }
                    }
                }
            }
        }
    }
}

/// Execute the writes of a round. A copy whose self-lookup parent is copied in the same round
/// waits for a later wave, so that it is written once with its parent's new ID (rather than
/// written without it and updated by a follow-up); each wave is one collection write per 200
/// records, five to a composite call. Parents that fail, and cycles, leave the field to the follow-up.
pub async fn execute(
    engine: &Engine,
    object: &ObjectModel,
    groups: &[Group],
    decisions: &[Decision],
    prepared: &mut [Prepared],
    waits: &BTreeMap<usize, String>,
) -> BTreeMap<usize, Outcome> {
    let mut out: BTreeMap<usize, Outcome> = BTreeMap::new();
    // The group inserting each source record in this round.
    let inserting: BTreeMap<(Side, String), usize> = prepared
        .iter()
        .filter(|p| p.intent.kind == WriteKind::Insert)
        .filter_map(|p| {
            let item = groups[p.group].item(p.intent.from)?;
            Some(((p.intent.from, item.id().to_owned()), p.group))
        })
        .collect();
    let parent_group = |p: &Prepared| {
        let (_, parent) = p.self_wait.as_ref()?;
        inserting.get(&(p.intent.from, parent.clone())).copied()
    };
    let mut later: Vec<usize> = (0..prepared.len())
        .filter(|&i| {
            prepared[i].intent.kind == WriteKind::Insert && parent_group(&prepared[i]).is_some()
        })
        .collect();
    let first: Vec<&Prepared> = prepared
        .iter()
        .enumerate()
        .filter(|(i, _)| !later.contains(i))
        .map(|(_, p)| p)
        .collect();
    wave(
        engine, object, groups, decisions, &first, waits, true, &mut out,
    )
    .await;
    while !later.is_empty() {
        let pending_groups: Vec<usize> = later.iter().map(|&i| prepared[i].group).collect();
        let mut ready: Vec<usize> = later
            .iter()
            .copied()
            .filter(|&i| parent_group(&prepared[i]).is_none_or(|g| !pending_groups.contains(&g)))
            .collect();
        if ready.is_empty() {
            // A cycle among the waiting copies: write them without the field.
            ready = later.clone();
        }
        for &i in &ready {
            let parent = parent_group(&prepared[i]).and_then(|g| match out.get(&g) {
                Some(Outcome::Done { inserted: Some(id) }) => Some(id.clone()),
                _ => None,
            });
            let p = &mut prepared[i];
            if let (Some(id), Some((field, _))) = (parent, p.self_wait.clone())
                && let Some(f) = object.field(&field)
            {
                let value = Value::String(id);
                p.values
                    .insert(f.name(p.intent.from.other()).to_owned(), value.clone());
                p.sent.push((field, value));
                p.omitted.retain(|o| o != &f.publisher);
                p.self_wait = None;
            }
        }
        later.retain(|i| !ready.contains(i));
        let this: Vec<&Prepared> = ready.iter().map(|&i| &prepared[i]).collect();
        wave(
            engine, object, groups, decisions, &this, waits, false, &mut out,
        )
        .await;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::wire::ApiErrorItem;

    fn row(success: bool, code: &str, id: Option<&str>) -> SaveResult {
        SaveResult {
            id: id.map(str::to_owned),
            success,
            errors: if success {
                vec![]
            } else {
                vec![ApiErrorItem {
                    error_code: code.into(),
                    message: "value 'secret' is bad".to_owned().into(),
                    fields: vec!["Name".into()],
                }]
            },
            created: None,
        }
    }

    #[test]
    fn rows_map_back_to_groups_without_values() {
        let mut out = BTreeMap::new();
        apply_rows(
            &mut out,
            &[0, 1],
            Ok(vec![
                row(true, "", Some("001A")),
                row(false, "REQUIRED_FIELD_MISSING", None),
            ]),
            &[],
            true,
        );
        assert_eq!(
            out[&0],
            Outcome::Done {
                inserted: Some("001A".into())
            }
        );
        let Outcome::Failed(f) = &out[&1] else {
            panic!("expected a failure")
        };
        assert_eq!(f.message, "REQUIRED_FIELD_MISSING on Name");
        assert!(!f.message.contains("secret"));
    }

    #[test]
    fn deleting_a_deleted_record_is_done() {
        let mut out = BTreeMap::new();
        apply_rows(
            &mut out,
            &[3],
            Ok(vec![row(false, "ENTITY_IS_DELETED", None)]),
            ALREADY_DELETED,
            false,
        );
        assert_eq!(out[&3], Outcome::Done { inserted: None });
    }
}
