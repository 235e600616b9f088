//! What a change shows beyond its summary line: before/after pairs of schema attributes
//! (`length: 40 → 80`) or a unified diff of a metadata body. Neither can hold a record's field
//! values: attribute values are numbers, flags or [`Name`]s, and diffs are only allowed on
//! metadata and trigger changes (checked by [`fn@super::check::check`]).

use serde::{Deserialize, Serialize};

use super::diff::BodyDiff;
use super::name::Name;

/// The detail of one change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Detail {
    /// Before/after pairs of attributes.
    Attributes {
        /// The attributes that differ, in the planner's order.
        attributes: Vec<AttributeChange>,
    },
    /// A unified diff of a metadata body (Apex, a layout).
    Diff {
        /// The diff.
        diff: BodyDiff,
    },
}

impl Detail {
    /// Attribute pairs.
    pub fn attributes(attributes: Vec<AttributeChange>) -> Self {
        Detail::Attributes { attributes }
    }

    /// A body diff.
    pub fn diff(diff: BodyDiff) -> Self {
        Detail::Diff { diff }
    }
}

/// One attribute, before and after (`None`: not set / does not exist).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AttributeChange {
    /// The attribute: `length`, `type`, `profile`, `active`, `status`.
    pub name: Name,
    /// The value now.
    pub before: Option<AttrValue>,
    /// The value after apply.
    pub after: Option<AttrValue>,
}

impl AttributeChange {
    /// A pair.
    pub fn new(name: Name, before: Option<AttrValue>, after: Option<AttrValue>) -> Self {
        Self {
            name,
            before,
            after,
        }
    }

    /// `length: 40 → 80` (`(none)` for a missing side).
    pub fn render(&self) -> String {
        let side =
            |v: &Option<AttrValue>| v.as_ref().map_or("(none)".to_owned(), |v| v.to_string());
        format!(
            "{}: {} → {}",
            self.name,
            side(&self.before),
            side(&self.after)
        )
    }
}

/// A schema attribute value: a number (length, precision), a flag (active, external ID) or a
/// name (a field type, a profile, a trigger status).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AttrValue {
    /// A flag.
    Flag(bool),
    /// A number.
    Number(i64),
    /// A name.
    Name(Name),
}

impl std::fmt::Display for AttrValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AttrValue::Flag(b) => f.write_str(if *b { "yes" } else { "no" }),
            AttrValue::Number(n) => write!(f, "{n}"),
            AttrValue::Name(n) => write!(f, "{n}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_pairs_and_round_trips() {
        let a = AttributeChange::new(
            Name::new("length").unwrap(),
            Some(AttrValue::Number(40)),
            Some(AttrValue::Number(80)),
        );
        assert_eq!(a.render(), "length: 40 → 80");
        let b = AttributeChange::new(
            Name::new("active").unwrap(),
            Some(AttrValue::Flag(true)),
            None,
        );
        assert_eq!(b.render(), "active: yes → (none)");
        let d = Detail::attributes(vec![a, b]);
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(serde_json::from_str::<Detail>(&json).unwrap(), d);
    }
}
