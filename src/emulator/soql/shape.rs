//! Builds result records as Salesforce sends them: `attributes` first, then the selected fields
//! in SELECT order with canonical names; a parent path becomes a nested object with its own
//! `attributes` (or `null` for an empty lookup); a child subquery becomes a nested
//! `{totalSize, done, records}` (or `null` when it has no rows) — salesforce-api.md §5.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use super::exec;
use super::plan::{ChildPlan, Column, Plan};
use super::resolve::Hop;
use crate::emulator::model::{Org, Record};

/// A JSON object.
pub type Object = Map<String, Value>;

/// What one level of a result record holds, in output order.
#[derive(Debug, Clone, Default)]
struct Node {
    entries: Vec<Entry>,
}

#[derive(Debug, Clone)]
enum Entry {
    Field(String),
    Parent {
        rel: String,
        lookup: String,
        node: Node,
    },
    Child(usize),
}

impl Node {
    fn from_columns(columns: &[Column]) -> Node {
        let mut root = Node::default();
        for c in columns {
            match c {
                Column::Child(i) => root.entries.push(Entry::Child(*i)),
                Column::Field(f) => root.insert(&f.hops, &f.field),
            }
        }
        root
    }

    /// Add `field` below the parent entries for `hops`, creating them on first use.
    fn insert(&mut self, hops: &[Hop], field: &str) {
        let Some((h, rest)) = hops.split_first() else {
            if !self
                .entries
                .iter()
                .any(|e| matches!(e, Entry::Field(n) if n == field))
            {
                self.entries.push(Entry::Field(field.to_owned()));
            }
            return;
        };
        for e in &mut self.entries {
            if let Entry::Parent { rel, node, .. } = e
                && *rel == h.rel
            {
                node.insert(rest, field);
                return;
            }
        }
        let mut node = Node::default();
        node.insert(rest, field);
        self.entries.push(Entry::Parent {
            rel: h.rel.clone(),
            lookup: h.field.clone(),
            node,
        });
    }
}

/// Renders records of one query.
pub struct Shaper<'a> {
    pub org: &'a Org,
    /// `/services/data/v59.0/sobjects/` (or `/tooling/sobjects/`).
    pub url_prefix: String,
    pub include_deleted: bool,
}

impl<'a> Shaper<'a> {
    /// The `attributes` object of a record.
    pub fn attributes(&self, rec: &Record) -> Value {
        let id = rec.id();
        let mut url =
            String::with_capacity(self.url_prefix.len() + rec.object.len() + 1 + id.len());
        url.push_str(&self.url_prefix);
        url.push_str(&rec.object);
        url.push('/');
        url.push_str(id);
        let mut m = Map::with_capacity(2);
        m.insert("type".to_owned(), Value::String(rec.object.clone()));
        m.insert("url".to_owned(), Value::String(url));
        Value::Object(m)
    }

    /// Shape every row of `plan`.
    pub fn rows(&self, plan: &Plan<'_>, rows: &[&'a Record]) -> Vec<Object> {
        let node = Node::from_columns(&plan.columns);
        let child_nodes: Vec<Node> = plan
            .children
            .iter()
            .map(|c| Node::from_columns(&c.plan.columns))
            .collect();
        let indexes: Vec<HashMap<&str, Vec<&Record>>> = if rows.is_empty() {
            Vec::new()
        } else {
            plan.children.iter().map(|c| self.child_index(c)).collect()
        };
        rows.iter()
            .map(|r| self.record(r, &node, plan, &child_nodes, &indexes))
            .collect()
    }

    /// Every record of the child object, grouped by the parent ID it points at (ID order kept).
    fn child_index(&self, child: &ChildPlan<'_>) -> HashMap<&'a str, Vec<&'a Record>> {
        let mut map: HashMap<&str, Vec<&Record>> = HashMap::new();
        for r in self.org.records(&child.plan.obj.name) {
            if let Some(parent) = r.get(&child.field).and_then(Value::as_str) {
                map.entry(parent).or_default().push(r);
            }
        }
        map
    }

    fn record(
        &self,
        rec: &Record,
        node: &Node,
        plan: &Plan<'_>,
        child_nodes: &[Node],
        indexes: &[HashMap<&'a str, Vec<&'a Record>>],
    ) -> Object {
        let mut out = Map::with_capacity(node.entries.len() + 1);
        out.insert("attributes".into(), self.attributes(rec));
        for e in &node.entries {
            match e {
                Entry::Field(name) => {
                    out.insert(name.clone(), rec.get(name).cloned().unwrap_or(Value::Null));
                }
                Entry::Parent { rel, lookup, node } => {
                    let parent = rec
                        .get(lookup)
                        .and_then(Value::as_str)
                        .and_then(|id| self.org.record(id));
                    let v = match parent {
                        Some(p) => Value::Object(self.record(p, node, plan, &[], &[])),
                        None => Value::Null,
                    };
                    out.insert(rel.clone(), v);
                }
                Entry::Child(i) => {
                    let (Some(child), Some(cnode), Some(index)) =
                        (plan.children.get(*i), child_nodes.get(*i), indexes.get(*i))
                    else {
                        continue;
                    };
                    let candidates = index.get(rec.id()).into_iter().flatten().copied();
                    let rows =
                        exec::select(self.org, &child.plan, candidates, self.include_deleted);
                    let v = if rows.is_empty() {
                        Value::Null
                    } else {
                        let records: Vec<Value> = rows
                            .iter()
                            .map(|r| Value::Object(self.record(r, cnode, &child.plan, &[], &[])))
                            .collect();
                        json!({"totalSize": records.len(), "done": true, "records": records})
                    };
                    out.insert(child.rel.clone(), v);
                }
            }
        }
        out
    }
}
