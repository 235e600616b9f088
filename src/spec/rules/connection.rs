//! Rules for `spec.connection` and `spec.triggers`.

use super::super::diagnostic::Diagnostic;
use super::super::model::{ConnectionSettings, TriggerSettings};
use super::super::path::Path;
use super::super::v1::{self, ConnectionType, Direction, TriggerPolicy};
use super::orgs::looks_like_username;

/// Check the connection settings and apply defaults.
pub fn connection(
    path: &Path,
    c: &v1::Connection,
    out: &mut Vec<Diagnostic>,
) -> Option<ConnectionSettings> {
    let before = out.iter().filter(|d| d.is_error()).count();
    let sync_users = c.sync_users.unwrap_or(false);
    if c.kind == ConnectionType::Partner {
        for (name, on) in [
            ("syncUsers", sync_users),
            ("syncMetadata", c.sync_metadata.unwrap_or(false)),
            (
                "syncFeedsAndAuditFields",
                c.sync_feeds_and_audit_fields.unwrap_or(false),
            ),
        ] {
            if on {
                out.push(
                    Diagnostic::error("replication-only", path.key(name), format!("`{name}` is available only for `replication` connections"))
                        .with_hint("Salesforce to Salesforce (`partner`) shares records, not users, metadata or audit fields; remove it or use `type: replication`"),
                );
            }
        }
    }
    match (&c.username_suffix, sync_users) {
        (None, true) => out.push(
            Diagnostic::error(
                "username-suffix-required",
                path.key("syncUsers"),
                "`syncUsers: true` needs a `usernameSuffix`",
            )
            .with_hint("usernames are unique across all orgs: add e.g. `usernameSuffix: .dr`"),
        ),
        (Some(_), false) => out.push(
            Diagnostic::warning(
                "username-suffix-unused",
                path.key("usernameSuffix"),
                "`usernameSuffix` has no effect without `syncUsers: true`",
            )
            .with_hint("remove it, or set `syncUsers: true`"),
        ),
        (Some(suffix), true) if !valid_suffix(suffix) => out.push(
            Diagnostic::error(
                "invalid-username-suffix",
                path.key("usernameSuffix"),
                "a username suffix starts with `.` and holds letters, digits, `-` and single dots",
            )
            .with_hint("e.g. `.dr`"),
        ),
        _ => {}
    }
    if let Some(owner) = &c.owner
        && !looks_like_username(owner)
    {
        out.push(
            Diagnostic::error(
                "invalid-username",
                path.key("owner"),
                "`owner` must be a primary-org username, which looks like an email address",
            )
            .with_hint("e.g. `admin@acme.com`"),
        );
    }
    let errors = out.iter().filter(|d| d.is_error()).count();
    (errors == before).then(|| ConnectionSettings {
        kind: c.kind,
        direction: c.direction.unwrap_or(Direction::OneWay),
        owner: c.owner.clone(),
        sync_users,
        username_suffix: c.username_suffix.clone().filter(|_| sync_users),
        sync_metadata: c.sync_metadata.unwrap_or(false),
        sync_feeds_and_audit_fields: c.sync_feeds_and_audit_fields.unwrap_or(false),
    })
}

fn valid_suffix(s: &str) -> bool {
    s.len() >= 2
        && s.len() <= 40
        && s.starts_with('.')
        && !s.ends_with('.')
        && !s.contains("..")
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
}

/// Triggers: the schema checks names and policies; this applies defaults.
pub fn triggers(t: Option<&v1::Triggers>) -> TriggerSettings {
    TriggerSettings {
        default: t
            .and_then(|t| t.default)
            .unwrap_or(TriggerPolicy::PrimaryOnly),
        overrides: t.map(|t| t.overrides.clone()).unwrap_or_default(),
    }
}
