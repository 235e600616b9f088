//! [`Target`]: what a change touches — an org or the state store, and an object, field or item.

use serde::{Deserialize, Serialize};

use super::name::Name;

/// Where a change lands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OrgSide {
    /// The publishing org.
    Primary,
    /// The subscribing org.
    Secondary,
    /// Both orgs (two-way settings).
    Both,
    /// orgsync's own state store.
    State,
}

impl OrgSide {
    /// The label the views show.
    pub fn label(self) -> &'static str {
        match self {
            OrgSide::Primary => "primary",
            OrgSide::Secondary => "secondary",
            OrgSide::Both => "both",
            OrgSide::State => "state",
        }
    }
}

/// What a change touches: an org (or the state store) and, as far as they apply, an object, a
/// field of it, and an item (a user, a trigger, a metadata component).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Target {
    /// The org or the state store.
    pub org: OrgSide,
    /// An object API name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<Name>,
    /// A field API name (of `object`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<Name>,
    /// A user, trigger or metadata component (`ApexClass OrderService`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<Name>,
}

impl Target {
    /// The whole org (or the state store).
    pub fn org(org: OrgSide) -> Self {
        Self {
            org,
            object: None,
            field: None,
            item: None,
        }
    }

    /// An object in `org`.
    pub fn object(org: OrgSide, object: Name) -> Self {
        Self {
            object: Some(object),
            ..Self::org(org)
        }
    }

    /// A field of an object in `org`.
    pub fn field(org: OrgSide, object: Name, field: Name) -> Self {
        Self {
            field: Some(field),
            ..Self::object(org, object)
        }
    }

    /// An item (user, trigger, metadata component) in `org`.
    pub fn item(org: OrgSide, item: Name) -> Self {
        Self {
            item: Some(item),
            ..Self::org(org)
        }
    }

    /// Attach the object an item belongs to (a trigger's object).
    pub fn on_object(mut self, object: Name) -> Self {
        self.object = Some(object);
        self
    }

    /// What the views print after the org: `Account.Phone`, `Account`, `CaseTrigger (Case)`,
    /// `jdoe@acme.com.dr`; empty for the whole org.
    pub fn label(&self) -> String {
        let mut path = String::new();
        if let Some(object) = &self.object {
            path.push_str(object.as_str());
            if let Some(field) = &self.field {
                path.push('.');
                path.push_str(field.as_str());
            }
        }
        match (&self.item, path.is_empty()) {
            (Some(item), true) => item.to_string(),
            (Some(item), false) => format!("{item} ({path})"),
            (None, _) => path,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Name {
        Name::new(s).unwrap()
    }

    #[test]
    fn target_labels() {
        let field = Target::field(OrgSide::Secondary, n("Account"), n("Phone"));
        assert_eq!(field.label(), "Account.Phone");
        let trigger = Target::item(OrgSide::Secondary, n("CaseTrigger")).on_object(n("Case"));
        assert_eq!(trigger.label(), "CaseTrigger (Case)");
        assert_eq!(Target::org(OrgSide::State).label(), "");
    }
}
