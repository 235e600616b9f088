//! Org fingerprints: SHA-256 (hex) over a canonical JSON of everything a plan depends on.
//!
//! Included: org identity (ID, edition, sandbox flag, API version), the integration user, every
//! described object and the field access derived from it, users, profiles, roles, triggers and
//! metadata. Left out, on purpose:
//!
//! * **record counts** and **API limits** — volatile readings: a live org gains records and
//!   spends API calls every minute, and a saved plan must not turn stale because a record was
//!   added. The counts in a plan are informational; apply re-reads what it writes.
//! * **the instance URL** — it names how we reach the org, not what is in it; the org ID is the
//!   identity.
//!
//! The JSON is canonical because every collection in the snapshot is a `BTreeMap` or a sorted
//! `Vec` and struct fields serialise in declaration order. A version tag leads the hashed text so
//! a change to what is hashed changes every fingerprint rather than colliding with old ones.

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::snapshot::OrgSnapshot;

/// Bumped when the hashed view changes.
const VERSION: &str = "orgsync-observe-fingerprint-v1\n";

/// The part of an org snapshot a plan depends on.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Stable<'a> {
    role: &'a super::snapshot::OrgRole,
    org_id: &'a str,
    api_version: &'a str,
    is_sandbox: bool,
    edition: &'a str,
    integration_user: &'a super::snapshot::IntegrationUser,
    objects: &'a std::collections::BTreeMap<String, Option<super::schema::ObjectSchema>>,
    field_access: &'a std::collections::BTreeMap<
        String,
        std::collections::BTreeMap<String, super::snapshot::FieldAccess>,
    >,
    users: &'a Option<Vec<super::snapshot::OrgUser>>,
    profiles: &'a Option<Vec<super::snapshot::Profile>>,
    roles: &'a Option<Vec<super::snapshot::Role>>,
    triggers: &'a Option<Vec<super::snapshot::ApexTrigger>>,
    metadata: &'a Option<Vec<super::snapshot::MetadataItem>>,
}

/// The fingerprint of `org` (64 hex characters).
pub fn of(org: &OrgSnapshot) -> String {
    let stable = Stable {
        role: &org.role,
        org_id: &org.org_id,
        api_version: &org.api_version,
        is_sandbox: org.is_sandbox,
        edition: &org.edition,
        integration_user: &org.integration_user,
        objects: &org.objects,
        field_access: &org.field_access,
        users: &org.users,
        profiles: &org.profiles,
        roles: &org.roles,
        triggers: &org.triggers,
        metadata: &org.metadata,
    };
    let mut hasher = Sha256::new();
    hasher.update(VERSION.as_bytes());
    // Serialising plain data (strings, numbers, maps with string keys) cannot fail; should it,
    // the empty text still yields a fingerprint that differs from any real one.
    hasher.update(serde_json::to_vec(&stable).unwrap_or_default());
    hex::encode(hasher.finalize())
}
