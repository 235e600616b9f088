//! Flattens query output into CSV columns for Bulk API 2.0 query results: one column per
//! selected field path (`Id`, `Account.Name`), null as the empty string.

use serde_json::{Map, Value};

use super::QueryOutput;
use super::ast::{Query, SelectItem};

/// The selected columns (header names) and one row of strings per record. Header names use
/// the canonical case found in the records; child subqueries have no column.
pub fn flatten(query: &Query, output: &QueryOutput) -> (Vec<String>, Vec<Vec<String>>) {
    let mut paths: Vec<Vec<String>> = Vec::new();
    let mut unaliased = 0usize;
    for item in &query.select {
        match item {
            SelectItem::Field(p) => paths.push(p.parts.clone()),
            SelectItem::Fields { .. } => {
                if let Some(first) = output.records.first() {
                    for k in first.keys().filter(|k| *k != "attributes") {
                        if !matches!(first.get(k), Some(Value::Object(_))) {
                            paths.push(vec![k.clone()]);
                        }
                    }
                }
            }
            SelectItem::Aggregate { alias, .. } => {
                let key = alias.clone().unwrap_or_else(|| {
                    unaliased += 1;
                    format!("expr{}", unaliased - 1)
                });
                paths.push(vec![key]);
            }
            SelectItem::CountAll { .. } | SelectItem::Subquery(_) => {}
        }
    }
    let mut headers: Vec<String> = Vec::with_capacity(paths.len());
    for p in &mut paths {
        // Canonical case from the first record where the whole path resolves.
        let canonical = output
            .records
            .iter()
            .find_map(|r| canonical_path(r, p).or_else(|| canonical_path(r, p.get(1..)?)));
        if let Some(c) = canonical {
            *p = c;
        }
        headers.push(p.join("."));
    }
    let rows = output
        .records
        .iter()
        .map(|r| {
            paths
                .iter()
                .map(|p| lookup(r, p).map(cell).unwrap_or_default())
                .collect()
        })
        .collect();
    (headers, rows)
}

/// The canonical keys along `path` in `rec`, when every step exists.
fn canonical_path(rec: &Map<String, Value>, path: &[String]) -> Option<Vec<String>> {
    let (last, parents) = path.split_last()?;
    let mut cur = rec;
    let mut out = Vec::with_capacity(path.len());
    for part in parents {
        let (k, v) = find(cur, part)?;
        out.push(k.clone());
        cur = v.as_object()?;
    }
    let (k, _) = find(cur, last)?;
    out.push(k.clone());
    Some(out)
}

fn find<'a>(m: &'a Map<String, Value>, key: &str) -> Option<(&'a String, &'a Value)> {
    m.get_key_value(key)
        .or_else(|| m.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)))
}

fn lookup<'a>(rec: &'a Map<String, Value>, path: &[String]) -> Option<&'a Value> {
    let (last, parents) = path.split_last()?;
    let mut cur = rec;
    for part in parents {
        cur = find(cur, part)?.1.as_object()?;
    }
    find(cur, last).map(|(_, v)| v)
}

fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
