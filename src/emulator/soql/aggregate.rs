//! Aggregate queries: `COUNT(field)`, `COUNT_DISTINCT`, `MIN`, `MAX`, `SUM`, `AVG`, with or
//! without `GROUP BY`. Rows are `{"attributes":{"type":"AggregateResult"}, …}`; grouped fields
//! are keyed by their field name, aggregates by alias or `expr0`, `expr1`, … (the SOQL reference:
//! "expri, where i denotes the order of the aggregated fields with no explicit aliases").

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value, json};

use super::ast::AggFn;
use super::exec;
use super::plan::{AggCol, AggItem, Plan};
use super::resolve::FieldRef;
use super::value::{SortVal, as_number, sort_val};
use crate::emulator::model::{Org, Record};

/// The aggregate rows of `plan` over `rows` (already filtered, not yet paged).
pub fn rows(
    org: &Org,
    plan: &Plan<'_>,
    items: &[AggItem],
    keys: &[FieldRef],
    rows: &[&Record],
) -> Vec<Map<String, Value>> {
    let mut order: Vec<Vec<&Record>> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    if keys.is_empty() {
        order.push(rows.to_vec());
    } else {
        for r in rows {
            let key = group_key(org, keys, r);
            let idx = *by_key.entry(key).or_insert_with(|| {
                order.push(Vec::new());
                order.len() - 1
            });
            order[idx].push(r);
        }
    }
    if !plan.order.is_empty() {
        // Groups are ordered by their (shared) key values, taken from their first record.
        let mut decorated: Vec<(Vec<Option<SortVal>>, Vec<&Record>)> = order
            .into_iter()
            .map(|g| {
                let k = plan
                    .order
                    .iter()
                    .map(|k| {
                        g.first()
                            .and_then(|r| k.f.value(org, r))
                            .and_then(|v| sort_val(k.f.kind, v))
                    })
                    .collect();
                (k, g)
            })
            .collect();
        decorated.sort_by(|(a, _), (b, _)| exec::compare_keys(&plan.order, a, b));
        order = decorated.into_iter().map(|(_, g)| g).collect();
    }
    exec::page(&mut order, plan.offset, plan.limit);
    order
        .iter()
        .map(|group| {
            let mut out = Map::new();
            out.insert("attributes".into(), json!({"type": "AggregateResult"}));
            for item in items {
                match item {
                    AggItem::Group(f) => {
                        let v = group
                            .first()
                            .and_then(|r| f.value(org, r))
                            .cloned()
                            .unwrap_or(Value::Null);
                        out.insert(f.field.clone(), v);
                    }
                    AggItem::Agg(a) => {
                        out.insert(a.key.clone(), compute(org, a, group));
                    }
                }
            }
            out
        })
        .collect()
}

fn group_key(org: &Org, keys: &[FieldRef], r: &Record) -> String {
    let mut s = String::new();
    for k in keys {
        match k.value(org, r) {
            None | Some(Value::Null) => s.push('\u{0}'),
            Some(Value::String(v)) => s.push_str(&v.to_lowercase()),
            Some(other) => s.push_str(&other.to_string()),
        }
        s.push('\u{1}');
    }
    s
}

fn compute(org: &Org, a: &AggCol, group: &[&Record]) -> Value {
    let values = group
        .iter()
        .filter_map(|r| a.f.value(org, r))
        .filter(|v| !v.is_null());
    match a.func {
        AggFn::Count => json!(values.count()),
        AggFn::CountDistinct => {
            let distinct: HashSet<String> = values
                .map(|v| match v {
                    Value::String(s) => s.to_lowercase(),
                    other => other.to_string(),
                })
                .collect();
            json!(distinct.len())
        }
        AggFn::Min | AggFn::Max => {
            let want = if a.func == AggFn::Min {
                Ordering::Less
            } else {
                Ordering::Greater
            };
            let mut best: Option<(SortVal, &Value)> = None;
            for v in values {
                let Some(k) = sort_val(a.f.kind, v) else {
                    continue;
                };
                let better = best
                    .as_ref()
                    .is_none_or(|(b, _)| k.partial_cmp(b) == Some(want));
                if better {
                    best = Some((k, v));
                }
            }
            best.map_or(Value::Null, |(_, v)| v.clone())
        }
        AggFn::Sum | AggFn::Avg => {
            let nums: Vec<f64> = values.filter_map(as_number).collect();
            if nums.is_empty() {
                return Value::Null;
            }
            let sum: f64 = nums.iter().sum();
            let out = if a.func == AggFn::Sum {
                sum
            } else {
                sum / nums.len() as f64
            };
            json!(out)
        }
    }
}
