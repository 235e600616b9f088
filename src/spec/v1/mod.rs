//! Spec version 1 (`apiVersion: orgsync.dev/v1`): the wire types, exactly as written in YAML.
//!
//! These types carry serde and schemars derives; their doc comments become the JSON Schema
//! descriptions that editors show. They hold no defaults and no validation beyond shape: the
//! semantic rules live in [`crate::spec::rules`] and the validated form in [`crate::spec::model`].

pub mod connection;
pub mod objects;
pub mod orgs;
pub mod records;

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

pub use connection::{Connection, ConnectionType, Direction, TriggerPolicy, Triggers};
pub use objects::{AllFields, Deletes, FieldSelection, ObjectSpec, Publish, Subscribe};
pub use orgs::{Auth, AuthMethod, Org, Orgs, SecretRef, StringOrSecret};
pub use records::{BulkSync, ConflictPolicy, Records, Retry, State};

/// The `apiVersion` value of this version.
pub const API_VERSION: &str = "orgsync.dev/v1";

/// A connection name: lowercase letters, digits and `-`, starting with a letter, at most 63.
pub const NAME_PATTERN: &str = r"^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$";
/// A Salesforce API name: `Account`, `Invoice__c`, `ns__Thing__c` (no `__` inside a name part,
/// no leading or trailing `_`).
pub const API_NAME_PATTERN: &str =
    r"^([A-Za-z](_?[A-Za-z0-9])*__)?[A-Za-z](_?[A-Za-z0-9])*(__[A-Za-z]+)?$";
/// An Apex class or trigger name.
pub const APEX_NAME_PATTERN: &str = r"^[A-Za-z](_?[A-Za-z0-9])*$";
/// A duration: a whole number and a unit, `s`, `m`, `h` or `d`.
pub const DURATION_PATTERN: &str = r"^[0-9]+[smhd]$";
/// A percentage: `25%`, `12.5%`.
pub const PERCENT_PATTERN: &str = r"^[0-9]+(\.[0-9]+)?%$";
/// A Salesforce API version: `62.0`.
pub const API_VERSION_PATTERN: &str = r"^[1-9][0-9]\.0$";
/// An environment variable name.
pub const ENV_NAME_PATTERN: &str = r"^[A-Za-z_][A-Za-z0-9_]*$";
/// An instance URL: `https://…` (or `http://localhost…` for emulators).
pub const URL_PATTERN: &str = r"^https?://[^\s/?#]+(/[^\s]*)?$";
/// A state store URL: `sqlite://…` or `postgres://…`.
pub const STATE_URL_PATTERN: &str = r"^(sqlite|postgres|postgresql)://\S*$";

/// The `apiVersion` of a spec file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
pub enum ApiVersion {
    /// Version 1 of the orgsync spec.
    #[serde(rename = "orgsync.dev/v1")]
    V1,
}

/// The `kind` of a spec file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
pub enum Kind {
    /// One connection between two Salesforce orgs.
    OrgSync,
}

/// An orgsync spec: one connection between two Salesforce orgs, reviewed in pull requests.
/// It never holds a secret: credentials come from `{env: NAME}` or `{file: PATH}`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(title = "orgsync spec (orgsync.dev/v1)")]
pub struct Document {
    /// The spec format version. `orgsync.dev/v1` is the only version so far.
    pub api_version: ApiVersion,
    /// Always `OrgSync`.
    pub kind: Kind,
    /// The connection's name and description.
    pub metadata: Metadata,
    /// What to sync, between which orgs, and how.
    pub spec: SpecBody,
}

/// Identifies the connection.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Metadata {
    /// The connection name: lowercase letters, digits and `-`, starting with a letter, at most
    /// 63 characters (e.g. `acme-continuity`). Names the state database and log entries.
    #[schemars(pattern(NAME_PATTERN))]
    pub name: String,
    /// A free-text description for people reading the spec.
    #[serde(default)]
    pub description: Option<String>,
}

/// The body of the spec.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SpecBody {
    /// The two orgs: `primary` publishes, `secondary` subscribes (and publishes back in two-way).
    pub orgs: Orgs,
    /// The kind of connection and the org-wide settings that come with it.
    pub connection: Connection,
    /// What happens to Apex triggers when synced records are written. Default: `primary-only`.
    #[serde(default)]
    pub triggers: Option<Triggers>,
    /// The objects to sync, keyed by Salesforce API name (`Account`, `Invoice__c`).
    #[schemars(extend("propertyNames" = { "pattern": API_NAME_PATTERN }, "minProperties" = 1))]
    pub objects: BTreeMap<String, ObjectSpec>,
    /// How records flow: initial bulk sync, polling, conflicts, retries and the API budget.
    #[serde(default)]
    pub records: Option<Records>,
    /// Where orgsync keeps its state (record links, cursors, the queue).
    /// Default: `sqlite://.orgsync/<metadata.name>.db`.
    #[serde(default)]
    pub state: Option<State>,
}
