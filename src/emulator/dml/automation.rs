//! Runs the automation stand-ins ([`Rule`]) before insert and update. A rule fires only while
//! the `ApexTrigger` record it belongs to has `Status = 'Active'`.

use serde_json::{Map, Value};

use crate::emulator::model::{ObjectDef, Org, Rule, RuleAction, RuleEvent};

/// Whether the trigger called `name` exists, is not deleted and is active.
fn trigger_active(org: &Org, name: &str) -> bool {
    org.records("ApexTrigger").any(|t| {
        !t.is_deleted()
            && t.get("Name")
                .and_then(Value::as_str)
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
            && t.get("Status").and_then(Value::as_str) == Some("Active")
    })
}

/// The rules that fire for `event` on `def`, in fixture order.
pub fn active_rules<'a>(org: &'a Org, def: &ObjectDef, event: RuleEvent) -> Vec<&'a Rule> {
    org.automation
        .iter()
        .filter(|r| r.object.eq_ignore_ascii_case(&def.name) && r.on.contains(&event))
        .filter(|r| trigger_active(org, &r.trigger))
        .collect()
}

/// Apply `rules` to a record's values; returns the fields the rules set (canonical names)
/// so the caller can validate them like client values.
pub fn apply(rules: &[&Rule], def: &ObjectDef, fields: &mut Map<String, Value>) -> Vec<String> {
    let mut set = Vec::new();
    for rule in rules {
        let Some(target) = def.field(&rule.field) else {
            continue;
        };
        if let Some(cond) = &rule.when_null {
            let cond = def.field(cond).map_or(cond.as_str(), |f| f.name.as_str());
            if fields.get(cond).is_some_and(|v| !v.is_null()) {
                continue;
            }
        }
        let current = fields.get(&target.name).cloned().unwrap_or(Value::Null);
        let value = match &rule.action {
            RuleAction::Value(v) => v.clone(),
            RuleAction::Copy(src) => {
                let src = def.field(src).map_or(src.as_str(), |f| f.name.as_str());
                fields.get(src).cloned().unwrap_or(Value::Null)
            }
            RuleAction::Append(suffix) => {
                let base = current.as_str().unwrap_or_default();
                Value::String(format!("{base}{suffix}"))
            }
            RuleAction::Uppercase => match current {
                Value::String(s) => Value::String(s.to_uppercase()),
                other => other,
            },
        };
        fields.insert(target.name.clone(), value);
        set.push(target.name.clone());
    }
    set
}
