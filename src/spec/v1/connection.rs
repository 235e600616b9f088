//! `spec.connection` and `spec.triggers`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use super::APEX_NAME_PATTERN;

/// The kind of connection and its org-wide settings.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Connection {
    /// `replication` (Organization Sync: business continuity between two orgs of one company)
    /// or `partner` (Salesforce to Salesforce: sharing records with another company).
    #[serde(rename = "type")]
    pub kind: ConnectionType,
    /// `one-way` (primary → secondary) or `two-way` (the same objects and fields both ways).
    /// Default: `one-way`.
    #[serde(default)]
    pub direction: Option<Direction>,
    /// A primary-org username: the default owner of records whose owner cannot be mapped.
    #[serde(default)]
    pub owner: Option<String>,
    /// Copy Standard-licence users to the secondary; their usernames get `usernameSuffix`.
    /// Default: `false`.
    #[serde(default)]
    pub sync_users: Option<bool>,
    /// Appended to usernames in the secondary (usernames are unique across all orgs), e.g.
    /// `.dr`. Required with `syncUsers: true`, not allowed without it. Starts with `.`.
    #[serde(default)]
    pub username_suffix: Option<String>,
    /// Let supported metadata flow primary → secondary (inserts and updates, never deletes).
    /// Default: `false`.
    #[serde(default)]
    pub sync_metadata: Option<bool>,
    /// Copy CreatedBy/CreatedDate/LastModifiedBy/LastModifiedDate on insert, and sync
    /// FeedItem/FeedComment faithfully. Default: `false`.
    #[serde(default)]
    pub sync_feeds_and_audit_fields: Option<bool>,
}

/// The kind of connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ConnectionType {
    /// Organization Sync: replicate a fixed set of standard objects plus custom objects.
    Replication,
    /// Salesforce to Salesforce: share any object with a partner org.
    Partner,
}

/// Which way records flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    /// Primary → secondary only.
    OneWay,
    /// Both ways, with the same objects and fields.
    TwoWay,
}

/// What happens to Apex triggers when orgsync writes synced records.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Triggers {
    /// The policy for every trigger not listed in `overrides`. Default: `primary-only`.
    #[serde(default)]
    pub default: Option<TriggerPolicy>,
    /// Per-trigger policies, keyed by Apex trigger name.
    #[serde(default)]
    #[schemars(extend("propertyNames" = { "pattern": APEX_NAME_PATTERN }))]
    pub overrides: BTreeMap<String, TriggerPolicy>,
}

/// A trigger policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum TriggerPolicy {
    /// Triggers run in the primary only; synced writes in the secondary bypass them.
    PrimaryOnly,
    /// Triggers run on both sides, on synced writes too.
    Mirror,
    /// The trigger is deployed inactive in the secondary.
    InactiveInSecondary,
}
