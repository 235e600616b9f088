//! Rules for `spec.objects.<Name>`: which objects a connection may publish, audit fields,
//! duplicates, `exclude`, `filter`, `fieldMap` and `matchOn`.

use std::collections::BTreeMap;

use super::super::diagnostic::Diagnostic;
use super::super::model::{FieldSet, ObjectSync};
use super::super::path::Path;
use super::super::soql_filter;
use super::super::v1::{self, ConnectionType, Deletes, Direction, FieldSelection};

/// Standard objects Organization Sync can publish (custom `__c` objects are always allowed).
pub const REPLICABLE: [&str; 13] = [
    "Account",
    "Attachment",
    "Case",
    "CaseComment",
    "CaseTeamMember",
    "Contact",
    "EmailMessage",
    "FeedComment",
    "FeedItem",
    "Lead",
    "Opportunity",
    "Product2",
    "Task",
];

/// Audit fields: carried by `syncFeedsAndAuditFields`, never listed under `publish.fields`.
pub const AUDIT_FIELDS: [&str; 5] = [
    "CreatedById",
    "CreatedDate",
    "LastModifiedById",
    "LastModifiedDate",
    "SystemModstamp",
];

/// What the object rules need to know about the connection.
#[derive(Debug, Clone, Copy)]
pub struct Context {
    /// Replication or partner (unknown when `connection` itself is invalid).
    pub kind: Option<ConnectionType>,
    /// One-way or two-way.
    pub direction: Direction,
    /// Whether audit fields and feeds are carried.
    pub feeds_and_audit: bool,
}

fn eq(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// Check one object and build its validated form.
pub fn object(
    path: &Path,
    name: &str,
    o: &v1::ObjectSpec,
    cx: Context,
    out: &mut Vec<Diagnostic>,
) -> Option<ObjectSync> {
    let before = out.iter().filter(|d| d.is_error()).count();
    if cx.kind == Some(ConnectionType::Replication)
        && !name.ends_with("__c")
        && !REPLICABLE.iter().any(|r| eq(r, name))
    {
        out.push(
            Diagnostic::error("object-not-replicable", path.clone(), format!("`{name}` cannot be published by a `replication` connection"))
                .with_hint("Organization Sync publishes Account, Attachment, Case, CaseComment, CaseTeamMember, Contact, EmailMessage, FeedComment, FeedItem, Lead, Opportunity, Product2, Task and custom (`__c`) objects; use `type: partner` for other objects")
                .on_key(),
        );
    }
    if (eq(name, "FeedItem") || eq(name, "FeedComment")) && !cx.feeds_and_audit {
        out.push(
            Diagnostic::warning(
                "feed-without-audit-fields",
                path.clone(),
                format!("`{name}` without `syncFeedsAndAuditFields` loses authors and dates"),
            )
            .with_hint("set `spec.connection.syncFeedsAndAuditFields: true` to carry them")
            .on_key(),
        );
    }
    let publish = path.key("publish");
    let fields = fields(&publish, &o.publish, out);
    if let Some(filter) = &o.publish.filter
        && let Err(e) = soql_filter::parse(filter)
    {
        out.push(
            Diagnostic::error(
                "invalid-filter",
                publish.key("filter"),
                format!("the filter is not a valid SOQL condition: {}", e.message),
            )
            .with_hint(
                "write a SOQL WHERE condition, e.g. `Type != 'Internal' AND Industry = 'Tech'`",
            )
            .inside(e.offset, e.len),
        );
    }
    let sub = o.subscribe.as_ref();
    let sub_path = path.key("subscribe");
    let field_map: BTreeMap<String, String> = sub
        .map(|s| {
            s.field_map
                .iter()
                .map(|(k, v)| (k.clone(), v.0.clone()))
                .collect()
        })
        .unwrap_or_default();
    for key in field_map.keys() {
        if !fields.publishes(key) {
            out.push(
                Diagnostic::error(
                    "field-map-not-published",
                    sub_path.key("fieldMap").key(key),
                    format!("`{key}` is mapped but not published"),
                )
                .with_hint(format!(
                    "add `{key}` to `publish.fields`, or remove the mapping"
                ))
                .on_key(),
            );
        }
    }
    invertible(
        &sub_path.key("fieldMap"),
        &field_map,
        &fields,
        cx.direction,
        out,
    );
    let match_on = sub.map(|s| s.match_on.clone()).unwrap_or_default();
    duplicates(&sub_path.key("matchOn"), &match_on, out);
    for (i, f) in match_on.iter().enumerate() {
        if !fields.publishes(f) {
            out.push(
                Diagnostic::error(
                    "match-on-not-published",
                    sub_path.key("matchOn").index(i),
                    format!("`{f}` is used to match records but is not published"),
                )
                .with_hint(format!("add `{f}` to `publish.fields`")),
            );
        }
    }
    let errors = out.iter().filter(|d| d.is_error()).count();
    (errors == before).then(|| ObjectSync {
        name: name.to_owned(),
        fields,
        filter: o.publish.filter.clone(),
        auto_accept: sub.and_then(|s| s.auto_accept).unwrap_or(true),
        field_map,
        match_on,
        deletes: o.deletes.unwrap_or(Deletes::Ignore),
    })
}

fn duplicates(path: &Path, items: &[String], out: &mut Vec<Diagnostic>) {
    for (i, f) in items.iter().enumerate() {
        if let Some(first) = items[..i].iter().position(|g| eq(g, f)) {
            out.push(
                Diagnostic::error(
                    "duplicate-field",
                    path.index(i),
                    format!("`{f}` is listed twice in {path}"),
                )
                .with_hint(format!("remove this entry; it repeats {path}[{first}]")),
            );
        }
    }
}

fn fields(path: &Path, p: &v1::Publish, out: &mut Vec<Diagnostic>) -> FieldSet {
    let fpath = path.key("fields");
    let epath = path.key("exclude");
    duplicates(&epath, &p.exclude, out);
    match &p.fields {
        FieldSelection::All(_) => FieldSet::All {
            exclude: p.exclude.clone(),
        },
        FieldSelection::List(list) => {
            duplicates(&fpath, list, out);
            for (i, f) in list.iter().enumerate() {
                if let Some(audit) = AUDIT_FIELDS.iter().find(|a| eq(a, f)) {
                    out.push(
                        Diagnostic::error("audit-field-published", fpath.index(i), format!("`{audit}` is an audit field and cannot be published"))
                            .with_hint("remove it; `spec.connection.syncFeedsAndAuditFields: true` carries audit fields"),
                    );
                }
            }
            for (i, e) in p.exclude.iter().enumerate() {
                if list.iter().any(|f| eq(f, e)) {
                    out.push(
                        Diagnostic::warning(
                            "excluded-and-listed",
                            epath.index(i),
                            format!(
                                "`{e}` is both listed in `fields` and excluded; it is not published"
                            ),
                        )
                        .with_hint("remove it from one of the two lists"),
                    );
                } else {
                    out.push(
                        Diagnostic::error("exclude-not-published", epath.index(i), format!("`{e}` is excluded but `fields` does not list it"))
                            .with_hint("`exclude` narrows `fields: \"*\"`; with a list, just leave the field out"),
                    );
                }
            }
            FieldSet::List(
                list.iter()
                    .filter(|f| !p.exclude.iter().any(|e| eq(e, f)))
                    .cloned()
                    .collect(),
            )
        }
    }
}

/// In two-way, each subscriber field must come from one publisher field, counting published
/// fields that are not mapped (they map to themselves).
fn invertible(
    path: &Path,
    map: &BTreeMap<String, String>,
    fields: &FieldSet,
    direction: Direction,
    out: &mut Vec<Diagnostic>,
) {
    let mut sources: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (from, to) in map {
        sources
            .entry(to.to_ascii_lowercase())
            .or_default()
            .push(from.clone());
    }
    if let FieldSet::List(list) = fields {
        for f in list.iter().filter(|f| !map.keys().any(|k| eq(k, f))) {
            if let Some(v) = sources.get_mut(&f.to_ascii_lowercase()) {
                v.push(f.clone());
            }
        }
    }
    for (to, all) in &sources {
        if all.len() < 2 {
            continue;
        }
        // Report once, at the last mapping that lands on this subscriber field.
        let Some(at) = all.iter().rev().find(|f| map.contains_key(*f)) else {
            continue;
        };
        let target = map.get(at).map_or(to.as_str(), String::as_str);
        let names = all
            .iter()
            .map(|s| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(" and ");
        let message = format!("{names} both map to `{target}`");
        let d = if direction == Direction::TwoWay {
            Diagnostic::error(
                "field-map-not-invertible",
                path.key(at),
                format!("{message}; a two-way field map must be invertible"),
            )
        } else {
            Diagnostic::warning(
                "field-map-collision",
                path.key(at),
                format!("{message}; the last write wins"),
            )
        };
        out.push(
            d.with_hint("map each subscriber field from one publisher field")
                .on_key(),
        );
    }
}
