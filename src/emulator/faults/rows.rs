//! `unableToLockRow` inside sObject Collections: the locked rows are taken out of the request,
//! the rest runs through the real handler, and the locked rows' errors are put back in their
//! places. A sentinel row that always fails (`{}`, no `attributes.type`; or the ID `x`) is
//! appended so that under `allOrNone` the remaining rows roll back exactly as they would if the
//! lock had failed inside the transaction; its own result is dropped.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::wire;
use crate::emulator::model::ids;

/// A Collections write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CollectionOp {
    /// `POST composite/sobjects`.
    Create,
    /// `PATCH composite/sobjects`.
    Update,
    /// `DELETE composite/sobjects?ids=…`.
    Delete,
    /// `PATCH composite/sobjects/{X}/{field}`.
    Upsert,
}

impl CollectionOp {
    /// The Collections write of a method and the route segments after the version.
    pub fn of(method: &str, segs: &[&str]) -> Option<Self> {
        match (method, segs) {
            ("POST", ["composite", "sobjects"]) => Some(Self::Create),
            ("PATCH", ["composite", "sobjects"]) => Some(Self::Update),
            ("DELETE", ["composite", "sobjects"]) => Some(Self::Delete),
            ("PATCH", ["composite", "sobjects", _, _]) => Some(Self::Upsert),
            _ => None,
        }
    }

    fn keeps_id(self) -> bool {
        matches!(self, Self::Update | Self::Delete)
    }
}

/// Where each input row's result comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Slot {
    /// The next result of the forwarded request.
    Forwarded,
    /// This lock error.
    Locked(Value),
}

/// A rewritten Collections request.
#[derive(Debug, Clone, PartialEq)]
pub struct LockPlan {
    /// The new JSON body (create, update, upsert).
    pub body: Option<Vec<u8>>,
    /// The new query string (delete).
    pub query: Option<String>,
    /// One slot per input row.
    pub slots: Vec<Slot>,
    /// Rows forwarded, the sentinel included.
    pub forwarded: usize,
}

/// Plan the request with `rows` (0-based; `None`: every row) locked; `None` when nothing is
/// locked or the request is malformed (the handler then answers it as it is).
pub fn plan(
    op: CollectionOp,
    rows: Option<&[usize]>,
    query: Option<&str>,
    body: &[u8],
) -> Option<LockPlan> {
    if op == CollectionOp::Delete {
        return plan_delete(rows, query.unwrap_or(""));
    }
    let Value::Object(mut top) = serde_json::from_slice::<Value>(body).ok()? else {
        return None;
    };
    let Some(Value::Array(records)) = top.remove("records") else {
        return None;
    };
    let locked = locked_set(rows, records.len());
    if locked.is_empty() {
        return None;
    }
    let mut slots = Vec::with_capacity(records.len());
    let mut kept = Vec::with_capacity(records.len() + 1);
    for (i, rec) in records.into_iter().enumerate() {
        if locked.contains(&i) {
            let id = record_lock_id(op, &rec);
            slots.push(Slot::Locked(wire::lock_row(id.as_deref(), op.keeps_id())));
        } else {
            slots.push(Slot::Forwarded);
            kept.push(rec);
        }
    }
    kept.push(Value::Object(Map::new()));
    let forwarded = kept.len();
    top.insert("records".into(), Value::Array(kept));
    Some(LockPlan {
        body: serde_json::to_vec(&Value::Object(top)).ok(),
        query: None,
        slots,
        forwarded,
    })
}

fn plan_delete(rows: Option<&[usize]>, query: &str) -> Option<LockPlan> {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let list: Vec<String> = pairs
        .iter()
        .find(|(k, _)| k == "ids")
        .map(|(_, v)| {
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let locked = locked_set(rows, list.len());
    if locked.is_empty() {
        return None;
    }
    let mut slots = Vec::with_capacity(list.len());
    let mut kept: Vec<&str> = Vec::with_capacity(list.len() + 1);
    for (i, raw) in list.iter().enumerate() {
        if locked.contains(&i) {
            let id = ids::to18(raw).unwrap_or_else(|| raw.clone());
            slots.push(Slot::Locked(wire::lock_row(Some(&id), true)));
        } else {
            slots.push(Slot::Forwarded);
            kept.push(raw);
        }
    }
    kept.push("x");
    let forwarded = kept.len();
    let joined = kept.join(",");
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in &pairs {
        if k == "ids" {
            out.append_pair(k, &joined);
        } else {
            out.append_pair(k, v);
        }
    }
    Some(LockPlan {
        body: None,
        query: Some(out.finish()),
        slots,
        forwarded,
    })
}

fn locked_set(rows: Option<&[usize]>, len: usize) -> BTreeSet<usize> {
    match rows {
        Some(rows) => rows.iter().copied().filter(|i| *i < len).collect(),
        None => (0..len).collect(),
    }
}

/// The ID a row's lock error names: the record's own `Id` (update), else the first value that
/// is a record ID in an `…Id` or `…__c` field (a parent the row would have locked), else none.
fn record_lock_id(op: CollectionOp, rec: &Value) -> Option<String> {
    let m = rec.as_object()?;
    let own = m
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("Id"))
        .and_then(|(_, v)| v.as_str())
        .and_then(ids::to18);
    if op == CollectionOp::Update || own.is_some() {
        return own;
    }
    m.iter()
        .filter(|(k, _)| k.ends_with("Id") || k.ends_with("__c"))
        .filter_map(|(_, v)| v.as_str())
        .filter(|s| s.len() == 15 || s.len() == 18)
        .find_map(ids::to18)
}

/// Put the locked rows back among the forwarded results; `None` when the answer is not the
/// per-row array the plan expects (a whole-request error is passed on unchanged).
pub fn splice(plan: &LockPlan, results: Value) -> Option<Value> {
    let Value::Array(results) = results else {
        return None;
    };
    if results.len() != plan.forwarded {
        return None;
    }
    let mut forwarded = results.into_iter();
    let out = plan
        .slots
        .iter()
        .map(|slot| match slot {
            Slot::Forwarded => forwarded.next().unwrap_or(Value::Null),
            Slot::Locked(v) => v.clone(),
        })
        .collect();
    Some(Value::Array(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn locked_rows_leave_the_body_and_a_sentinel_joins() {
        let body = json!({"allOrNone": true, "records": [
            {"attributes": {"type": "Account"}, "Name": "a"},
            {"attributes": {"type": "Account"}, "Name": "b", "ParentId": "001000000000001"},
            {"attributes": {"type": "Account"}, "Name": "c"},
        ]});
        let p = plan(
            CollectionOp::Create,
            Some(&[1, 9]),
            None,
            body.to_string().as_bytes(),
        )
        .unwrap();
        let sent: Value = serde_json::from_slice(p.body.as_ref().unwrap()).unwrap();
        assert_eq!(sent["allOrNone"], true);
        assert_eq!(sent["records"].as_array().unwrap().len(), 3);
        assert_eq!(sent["records"][1]["Name"], "c");
        assert_eq!(sent["records"][2], json!({}));
        let Slot::Locked(row) = &p.slots[1] else {
            panic!("row 1 should be locked")
        };
        assert!(
            row["errors"][0]["message"]
                .as_str()
                .unwrap()
                .ends_with("001000000000001AAA")
        );
        let out = splice(&p, json!([{"id": "A"}, {"id": "C"}, {"sentinel": true}])).unwrap();
        assert_eq!(out[0]["id"], "A");
        assert_eq!(out[1]["errors"][0]["statusCode"], "UNABLE_TO_LOCK_ROW");
        assert_eq!(out[2]["id"], "C");
        assert_eq!(out.as_array().unwrap().len(), 3);
    }

    #[test]
    fn delete_rewrites_the_ids_parameter() {
        let p = plan(
            CollectionOp::Delete,
            None,
            Some("ids=001000000000001AAA,001000000000002AAA&allOrNone=false"),
            b"",
        )
        .unwrap();
        assert_eq!(p.query.as_deref(), Some("ids=x&allOrNone=false"));
        assert_eq!(p.forwarded, 1);
        let out = splice(&p, json!([{"success": false}])).unwrap();
        assert_eq!(out[1]["id"], "001000000000002AAA");
    }

    #[test]
    fn nothing_locked_or_malformed_passes_through() {
        let body = json!({"records": [{"attributes": {"type": "Account"}}]}).to_string();
        assert_eq!(
            plan(CollectionOp::Create, Some(&[5]), None, body.as_bytes()),
            None
        );
        assert_eq!(plan(CollectionOp::Create, None, None, b"{nope"), None);
        assert_eq!(CollectionOp::of("GET", &["composite", "sobjects"]), None);
        assert_eq!(
            CollectionOp::of("PATCH", &["composite", "sobjects", "Account", "Ext__c"]),
            Some(CollectionOp::Upsert)
        );
    }
}
