//! Lookups between published objects: a lookup to an object that is not published is an error
//! naming the fix; objects sync parent before child; a lookup cycle other than a self-lookup
//! (`Account.ParentId`) is an error. Lookups to `User` and `Group` (owners) are handled by owner
//! mapping and need no published parent.

use std::collections::{BTreeMap, BTreeSet};

use crate::plan::model::{Area, Change, OrgSide, Reason, Rule};
use crate::spec::model::FieldSet;

use super::objects::ObjectOutcome;
use super::util::{attention, field_target, object_target, same};

/// Lookup targets that need no published parent (owner mapping handles them).
pub const OWNER_TARGETS: [&str; 2] = ["User", "Group"];

/// The parent-before-child order of the published objects and the lookup findings.
#[derive(Debug, Default)]
pub struct Lookups {
    /// Objects, parents first (ties by name); objects in a cycle come last, by name.
    pub order: Vec<String>,
    /// Lookups to unpublished objects and cycles.
    pub changes: Vec<Change>,
}

/// Check the lookups of every published object.
pub fn check(outcomes: &[ObjectOutcome<'_>]) -> Lookups {
    let published: Vec<&str> = outcomes.iter().map(|o| o.name.as_str()).collect();
    let canonical = |t: &str| published.iter().find(|p| same(p, t)).map(|p| p.to_string());
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut changes = Vec::new();
    for o in outcomes {
        edges.entry(o.name.clone()).or_default();
        for (field, targets) in &o.lookups {
            let mut missing = Vec::new();
            for t in targets {
                if same(t, &o.name) || OWNER_TARGETS.iter().any(|u| same(u, t)) {
                    continue;
                }
                match canonical(t) {
                    Some(parent) => {
                        edges.entry(o.name.clone()).or_default().insert(parent);
                    }
                    None => missing.push(t.clone()),
                }
            }
            if missing.is_empty() {
                continue;
            }
            let drop = match &o.sync.fields {
                FieldSet::List(_) => "drop it from publish.fields",
                FieldSet::All { .. } => "add it to publish.exclude",
            };
            changes.push(attention(
                Area::ObjectsAndFields,
                Rule::LookupToUnpublished,
                field_target(OrgSide::Primary, &o.name, field),
                format!("lookup to an unpublished object ({})", missing.join(", ")),
                Reason::at(
                    "the parent records would not exist in the subscriber",
                    format!("spec.objects.{}.publish", o.sync.name),
                ),
                Some(format!("publish {}, or {drop}", missing.join(" and "))),
                true,
            ));
        }
    }
    let (order, cycles) = order(&edges);
    for cycle in cycles {
        let Some(first) = cycle.first() else { continue };
        let mut path = cycle.clone();
        path.push(first.clone());
        changes.push(attention(
            Area::ObjectsAndFields,
            Rule::LookupCycle,
            object_target(OrgSide::Primary, first),
            format!("lookup cycle: {}", path.join(" → ")),
            Reason::new(
                "objects sync parent before child, and these objects are each other's parents",
            ),
            Some(
                "stop publishing one lookup of the cycle (only self-lookups may form a cycle)"
                    .into(),
            ),
            true,
        ));
    }
    Lookups { order, changes }
}

/// Topological order of `edges` (child → parents), parents first, ties by name; and the cycles
/// (strongly connected groups of more than one object), each as a walk from its smallest name.
pub fn order(edges: &BTreeMap<String, BTreeSet<String>>) -> (Vec<String>, Vec<Vec<String>>) {
    let mut nodes: BTreeSet<String> = edges.keys().cloned().collect();
    nodes.extend(edges.values().flatten().cloned());
    let parents = |n: &str| edges.get(n).cloned().unwrap_or_default();
    let mut done: BTreeSet<String> = BTreeSet::new();
    let mut order = Vec::new();
    loop {
        let ready = nodes
            .iter()
            .find(|n| !done.contains(*n) && parents(n).iter().all(|p| done.contains(p)))
            .cloned();
        match ready {
            Some(n) => {
                done.insert(n.clone());
                order.push(n);
            }
            None => break,
        }
    }
    let rest: Vec<String> = nodes
        .iter()
        .filter(|n| !done.contains(*n))
        .cloned()
        .collect();
    // Reachability among the objects left over (a few objects: the cubic walk is fine).
    let reach = |from: &str| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_owned()];
        while let Some(n) = stack.pop() {
            for p in parents(&n) {
                if seen.insert(p.clone()) {
                    stack.push(p);
                }
            }
        }
        seen
    };
    let reaches: BTreeMap<&String, BTreeSet<String>> = rest.iter().map(|n| (n, reach(n))).collect();
    let mut cycles = Vec::new();
    let mut grouped: BTreeSet<String> = BTreeSet::new();
    for n in &rest {
        if grouped.contains(n) || !reaches[n].contains(n) {
            continue;
        }
        let group: BTreeSet<String> = rest
            .iter()
            .filter(|m| reaches[n].contains(*m) && reaches[*m].contains(n))
            .cloned()
            .collect();
        grouped.extend(group.iter().cloned());
        // Walk from the smallest name through the group, always to the smallest unvisited parent.
        let mut walk = vec![n.clone()];
        let mut at = n.clone();
        while let Some(next) = parents(&at)
            .into_iter()
            .find(|p| group.contains(p) && !walk.contains(p))
        {
            walk.push(next.clone());
            at = next;
        }
        cycles.push(walk);
    }
    order.extend(rest);
    (order, cycles)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(edges: &[(&str, &[&str])]) -> BTreeMap<String, BTreeSet<String>> {
        edges
            .iter()
            .map(|(c, ps)| (c.to_string(), ps.iter().map(|p| p.to_string()).collect()))
            .collect()
    }

    #[test]
    fn parents_come_first() {
        let g = graph(&[
            ("Contact", &["Account"]),
            ("Account", &[]),
            ("Case", &["Contact", "Account"]),
            ("Invoice_Line__c", &["Invoice__c"]),
            ("Invoice__c", &["Account"]),
        ]);
        let (order, cycles) = order(&g);
        assert_eq!(
            order,
            [
                "Account",
                "Contact",
                "Case",
                "Invoice__c",
                "Invoice_Line__c"
            ]
        );
        assert!(cycles.is_empty());
    }

    #[test]
    fn cycles_are_found_and_walked() {
        let g = graph(&[
            ("A__c", &["B__c"]),
            ("B__c", &["C__c"]),
            ("C__c", &["A__c"]),
            ("D__c", &["A__c"]),
            ("Account", &[]),
        ]);
        let (order, cycles) = order(&g);
        assert_eq!(order, ["Account", "A__c", "B__c", "C__c", "D__c"]);
        assert_eq!(cycles, [vec!["A__c", "B__c", "C__c"]]);
        let two = graph(&[("X__c", &["Y__c"]), ("Y__c", &["X__c"])]);
        assert_eq!(super::order(&two).1, [vec!["X__c", "Y__c"]]);
    }
}
