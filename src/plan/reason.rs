//! Why a change is in the plan ([`Reason`]) and, for attention changes, which online rule of
//! SPEC.md it reports ([`Problem`], [`Rule`]).

use serde::{Deserialize, Serialize};

/// Why a change is in the plan: what differs, and the spec line it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Reason {
    /// One line, no values: `published in the spec; missing in the secondary`.
    pub text: String,
    /// The spec path it comes from (`spec.objects.Account.publish.fields`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec_path: Option<String>,
}

impl Reason {
    /// A reason without a spec path.
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            spec_path: None,
        }
    }

    /// A reason pointing at a spec path.
    pub fn at(text: impl Into<String>, spec_path: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            spec_path: Some(spec_path.into()),
        }
    }
}

/// Which online rule of SPEC.md an attention change reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    /// A published object does not exist in one org (and metadata sync cannot create it).
    ObjectMissing,
    /// A published field does not exist in the primary, or its subscriber field does not exist in
    /// the secondary (and metadata sync cannot create it).
    FieldMissing,
    /// Publisher and subscriber field types are not compatible (the S2S rules).
    TypeIncompatible,
    /// A field kind that is never synced (rich text, formula, roll-up, geolocation, …).
    UnsupportedField,
    /// A lookup whose target object is not published.
    LookupToUnpublished,
    /// A lookup cycle other than a self-lookup.
    LookupCycle,
    /// The integration user cannot read, create or update a field it must.
    FieldAccess,
    /// A profile or role that a synced user needs is missing in the secondary.
    MissingProfileOrRole,
    /// The forecast exceeds `apiBudget` or the remaining allowance.
    OverBudget,
    /// The key field exists but is not a unique external-ID text field of 18.
    KeyFieldInvalid,
}

impl Rule {
    /// The stable code (`type-incompatible`).
    pub fn code(self) -> &'static str {
        match self {
            Rule::ObjectMissing => "object-missing",
            Rule::FieldMissing => "field-missing",
            Rule::TypeIncompatible => "type-incompatible",
            Rule::UnsupportedField => "unsupported-field",
            Rule::LookupToUnpublished => "lookup-to-unpublished",
            Rule::LookupCycle => "lookup-cycle",
            Rule::FieldAccess => "field-access",
            Rule::MissingProfileOrRole => "missing-profile-or-role",
            Rule::OverBudget => "over-budget",
            Rule::KeyFieldInvalid => "key-field-invalid",
        }
    }
}

/// An online-rule finding, carried by [`Action::Attention`](super::model::Action::Attention) changes (diagnostic-like: the change's
/// summary is the message, the reason says why, this names the rule and the fix).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Problem {
    /// The rule.
    pub rule: Rule,
    /// How to fix it: `publish Account, or drop Contact.AccountId from publish.fields`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}
