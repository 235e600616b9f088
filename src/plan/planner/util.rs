//! Small pieces every planner module uses: names that cannot fail, a change collector that keeps
//! ids unique, and the attention-change constructor with the `rule:<code>:<org>:<path>` id.

use std::collections::BTreeSet;

use crate::plan::model::{Area, Change, OrgSide, Problem, Reason, Rule, Target};
use crate::plan::name::Name;

/// A [`Name`] from schema or metadata text. Never fails: control characters become `?`, the text
/// is cut at [`Name::MAX_CHARS`], and an empty text becomes `(unnamed)`.
pub fn name(text: &str) -> Name {
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .take(Name::MAX_CHARS)
        .collect();
    Name::new(clean).unwrap_or_else(|_| Name::new("(unnamed)").unwrap_or_else(|_| unreachable!()))
}

/// The path part of a target: `Account.Phone`, `Account`, an item name, or `org`.
pub fn path(target: &Target) -> String {
    let label = match (&target.object, &target.field, &target.item) {
        (_, _, Some(item)) => item.to_string(),
        (Some(o), Some(f), None) => format!("{o}.{f}"),
        (Some(o), None, None) => o.to_string(),
        (None, _, None) => String::new(),
    };
    if label.is_empty() {
        "org".to_owned()
    } else {
        label
    }
}

/// `rule:<code>:<org>:<path>`.
pub fn rule_id(rule: Rule, target: &Target) -> String {
    format!(
        "rule:{}:{}:{}",
        rule.code(),
        target.org.label(),
        path(target)
    )
}

/// An attention change reporting `rule` on `target`.
pub fn attention(
    area: Area,
    rule: Rule,
    target: Target,
    summary: impl Into<String>,
    reason: Reason,
    hint: Option<String>,
    blocking: bool,
) -> Change {
    Change::attention(
        rule_id(rule, &target),
        area,
        target,
        summary,
        reason,
        Problem { rule, hint },
        blocking,
    )
}

/// `object.field` target in `org`.
pub fn field_target(org: OrgSide, object: &str, field: &str) -> Target {
    Target::field(org, name(object), name(field))
}

/// `object` target in `org`.
pub fn object_target(org: OrgSide, object: &str) -> Target {
    Target::object(org, name(object))
}

/// Changes with unique ids: a second change with an id already collected is dropped (the first
/// finding about a target wins), so the plan's unique-id invariant holds by construction.
#[derive(Debug, Default)]
pub struct Changes {
    ids: BTreeSet<String>,
    list: Vec<Change>,
}

impl Changes {
    /// Add `change` unless its id is taken.
    pub fn push(&mut self, change: Change) {
        if self.ids.insert(change.id.clone()) {
            self.list.push(change);
        }
    }

    /// Add every change of `changes`.
    pub fn extend(&mut self, changes: impl IntoIterator<Item = Change>) {
        for c in changes {
            self.push(c);
        }
    }

    /// The collected changes.
    pub fn into_vec(self) -> Vec<Change> {
        self.list
    }

    /// The collected changes, borrowed.
    #[cfg(test)]
    pub fn as_slice(&self) -> &[Change] {
        &self.list
    }
}

/// Case-insensitive equality of API names.
pub fn same(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// Whether an API name is a custom one (`__c`).
pub fn is_custom(api_name: &str) -> bool {
    api_name.len() > 3 && api_name[api_name.len() - 3..].eq_ignore_ascii_case("__c")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::model::Action;

    #[test]
    fn names_never_fail() {
        assert_eq!(name("Account").as_str(), "Account");
        assert_eq!(name("a\nb").as_str(), "a?b");
        assert_eq!(name("").as_str(), "(unnamed)");
        assert_eq!(name(&"x".repeat(300)).as_str().len(), Name::MAX_CHARS);
    }

    #[test]
    fn rule_ids_and_dedup() {
        let t = field_target(OrgSide::Secondary, "Account", "Phone");
        assert_eq!(
            rule_id(Rule::FieldAccess, &t),
            "rule:field-access:secondary:Account.Phone"
        );
        let org = Target::org(OrgSide::Primary);
        assert_eq!(
            rule_id(Rule::OverBudget, &org),
            "rule:over-budget:primary:org"
        );
        let mut c = Changes::default();
        let a = attention(
            Area::ObjectsAndFields,
            Rule::FieldAccess,
            t.clone(),
            "first",
            Reason::new("r"),
            None,
            true,
        );
        c.push(a.clone());
        c.push(Change {
            summary: "second".into(),
            ..a
        });
        assert_eq!(c.as_slice().len(), 1);
        assert_eq!(c.as_slice()[0].summary, "first");
        assert_eq!(c.as_slice()[0].action, Action::Attention);
        assert!(is_custom("Invoice__c") && !is_custom("Account") && !is_custom("__c"));
    }
}
