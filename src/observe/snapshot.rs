//! The snapshot types: an immutable, deterministic picture of both orgs. Every collection is a
//! `BTreeMap` or a sorted `Vec`, so two reads of unchanged orgs serialise identically.
//!
//! Nothing here holds a secret or a record field value: users carry username, profile, role and
//! active flag only (no email, no names); trigger and metadata bodies are code, not data.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::schema::ObjectSchema;

/// Which side of the connection an org is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OrgRole {
    /// The publishing org.
    Primary,
    /// The subscribing org.
    Secondary,
}

impl fmt::Display for OrgRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Primary => "primary",
            Self::Secondary => "secondary",
        })
    }
}

/// Both orgs, read at (nearly) the same time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    /// The publishing org.
    pub primary: OrgSnapshot,
    /// The subscribing org.
    pub secondary: OrgSnapshot,
}

impl Snapshot {
    /// The org with this role.
    pub fn org(&self, role: OrgRole) -> &OrgSnapshot {
        match role {
            OrgRole::Primary => &self.primary,
            OrgRole::Secondary => &self.secondary,
        }
    }
}

/// One org as the integration user sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgSnapshot {
    /// Primary or secondary.
    pub role: OrgRole,
    /// The org ID (`00D…`).
    pub org_id: String,
    /// The instance URL the session uses (no trailing slash).
    pub instance_url: String,
    /// The REST API version used, e.g. `62.0`.
    pub api_version: String,
    /// A sandbox org.
    pub is_sandbox: bool,
    /// `Organization.OrganizationType`, e.g. `Enterprise Edition`.
    pub edition: String,
    /// The user orgsync runs as.
    pub integration_user: IntegrationUser,
    /// Described objects by API name: every published object, the targets of their published
    /// lookups, and `User` with `syncUsers`. `None`: the object does not exist in this org (or the
    /// integration user cannot see it).
    pub objects: BTreeMap<String, Option<ObjectSchema>>,
    /// What the integration user may do with each published field, by object then field. Only
    /// for published objects; a listed field the user cannot see has `read: false`.
    pub field_access: BTreeMap<String, BTreeMap<String, FieldAccess>>,
    /// Standard-licence users, sorted by username (read only with `syncUsers`).
    pub users: Option<Vec<OrgUser>>,
    /// Profiles, sorted by name (read only with `syncUsers`).
    pub profiles: Option<Vec<Profile>>,
    /// Roles, sorted by developer name (read only with `syncUsers`).
    pub roles: Option<Vec<Role>>,
    /// Unmanaged Apex triggers, sorted by name (read only when the trigger policy needs them).
    pub triggers: Option<Vec<ApexTrigger>>,
    /// Supported unmanaged metadata, sorted by kind then full name (read only with `syncMetadata`).
    pub metadata: Option<Vec<MetadataItem>>,
    /// Records in scope per published object (primary only: `filter` and `bulkSync.since`
    /// applied). Volatile: not part of the fingerprint.
    pub record_counts: BTreeMap<String, u64>,
    /// The daily API allowance. Volatile: not part of the fingerprint.
    pub limits: ApiLimits,
}

impl OrgSnapshot {
    /// The described object with this API name (case-insensitive). `None`: not read;
    /// `Some(None)`: read, and absent from the org.
    pub fn object(&self, name: &str) -> Option<Option<&ObjectSchema>> {
        self.objects
            .get(name)
            .or_else(|| {
                self.objects
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v)
            })
            .map(Option::as_ref)
    }

    /// The fingerprint of everything a plan depends on (see [`super::fingerprint`]).
    pub fn fingerprint(&self) -> String {
        super::fingerprint::of(self)
    }
}

/// The user orgsync runs as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IntegrationUser {
    /// User ID (`005…`).
    pub id: String,
    /// Username.
    pub username: String,
    /// Profile name, when visible.
    pub profile: Option<String>,
}

/// The integration user's access to one published field (describe applies field-level security:
/// a field the user cannot read is absent from the describe).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldAccess {
    /// Visible in describe.
    pub read: bool,
    /// Writable on insert.
    pub create: bool,
    /// Writable on update.
    pub update: bool,
}

/// A Standard-licence user: only what planning needs (no email, no names).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgUser {
    /// User ID in this org.
    pub id: String,
    /// Username (globally unique across Salesforce).
    pub username: String,
    /// Profile name.
    pub profile: Option<String>,
    /// Role developer name.
    pub role: Option<String>,
    /// Active.
    pub active: bool,
}

/// A profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    /// Profile name (how users are mapped between orgs).
    pub name: String,
    /// The user licence name, when visible.
    pub license: Option<String>,
}

/// A role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Role {
    /// Developer name (how roles are mapped between orgs).
    pub developer_name: String,
    /// Label.
    pub name: String,
    /// The parent role's developer name.
    pub parent: Option<String>,
}

/// An Apex trigger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApexTrigger {
    /// Trigger name.
    pub name: String,
    /// The object it fires on (`TableEnumOrId`).
    pub object: String,
    /// `Active`, `Inactive` or `Deleted`.
    pub status: String,
    /// The Apex API version, e.g. `62.0`.
    pub api_version: Option<String>,
    /// SHA-256 (hex) of the body, for quick comparison.
    pub body_hash: String,
    /// The source, for diffs in the plan.
    pub body: String,
}

/// The metadata kinds `syncMetadata` carries (read through the Tooling API).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum MetadataKind {
    /// Apex class.
    ApexClass,
    /// Visualforce page.
    ApexPage,
    /// Custom object.
    CustomObject,
    /// Custom field.
    CustomField,
    /// Page layout.
    Layout,
    /// Permission set (not profile-owned).
    PermissionSet,
    /// Record type.
    RecordType,
    /// Profile.
    Profile,
}

impl MetadataKind {
    /// Every kind, in reading order.
    pub const ALL: [MetadataKind; 8] = [
        Self::ApexClass,
        Self::ApexPage,
        Self::CustomObject,
        Self::CustomField,
        Self::Layout,
        Self::PermissionSet,
        Self::RecordType,
        Self::Profile,
    ];

    /// The Tooling sObject name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ApexClass => "ApexClass",
            Self::ApexPage => "ApexPage",
            Self::CustomObject => "CustomObject",
            Self::CustomField => "CustomField",
            Self::Layout => "Layout",
            Self::PermissionSet => "PermissionSet",
            Self::RecordType => "RecordType",
            Self::Profile => "Profile",
        }
    }
}

impl fmt::Display for MetadataKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One metadata component.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MetadataItem {
    /// The kind.
    pub kind: MetadataKind,
    /// Metadata API full name (`Account.Sync_Key__c`, `Account-Account Layout`, `AccountRating`).
    pub full_name: String,
    /// What is compared and diffed: the source for Apex classes and pages, otherwise a canonical
    /// JSON of the component's settings.
    pub content: String,
    /// `LastModifiedDate` as Salesforce reported it.
    pub last_modified: Option<String>,
}

/// The daily API allowance (`DailyApiRequests`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiLimits {
    /// Requests allowed per rolling 24 hours.
    pub daily_max: u64,
    /// Requests left.
    pub daily_remaining: u64,
}
