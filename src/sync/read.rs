//! The engine's SOQL: changes since a cursor (with `queryAll`, so deletes are seen), records by
//! ID, bulk-sync pages in ID order, and the lookups `matchOn` needs. Only field names from the
//! applied connection, validated record IDs, the spec's own filter and escaped literals are ever
//! put into a query.

use chrono::{DateTime, Utc};

use crate::state::Side;

use super::model::{ObjectModel, SyncModel};
use super::values::{is_record_id, soql_datetime};

/// Fields the engine reads besides the synced ones.
pub const SYSTEM: [&str; 4] = ["Id", "SystemModstamp", "IsDeleted", "LastModifiedDate"];

/// Audit fields copied on insert with `syncFeedsAndAuditFields`.
pub const AUDIT: [&str; 2] = ["CreatedDate", "CreatedById"];

/// Records per bulk-sync page (read in query pages of 2,000; written in collections of 200, or
/// as one Bulk API 2.0 job).
pub const BULK_PAGE: usize = 10_000;

/// IDs per by-ID query (keeps the SOQL well under its 100,000-character limit).
pub const IDS_PER_QUERY: usize = 300;

/// Whether `side` has the key field (the subscriber always; both orgs in two-way).
pub fn has_key_field(model: &SyncModel, side: Side) -> bool {
    side == Side::Secondary || model.two_way
}

/// The select list of `object` in `side`.
pub fn select_list(model: &SyncModel, object: &ObjectModel, side: Side) -> String {
    let mut names: Vec<&str> = SYSTEM.to_vec();
    if has_key_field(model, side) {
        names.push(&object.key_field);
    }
    if model.audit_fields {
        names.extend(AUDIT);
    }
    for f in &object.fields {
        names.push(f.name(side));
    }
    let mut out: Vec<&str> = Vec::with_capacity(names.len());
    for n in names {
        if !out.iter().any(|o| o.eq_ignore_ascii_case(n)) {
            out.push(n);
        }
    }
    out.join(", ")
}

fn with_filter(object: &ObjectModel, side: Side, mut conditions: Vec<String>) -> String {
    if side == Side::Primary
        && let Some(f) = object
            .filter
            .as_deref()
            .map(str::trim)
            .filter(|f| !f.is_empty())
    {
        conditions.push(format!("({f})"));
    }
    conditions.join(" AND ")
}

/// Changes of `object` in `side` at or after `since`, oldest first (`queryAll`: deleted rows
/// included).
pub fn changes(
    model: &SyncModel,
    object: &ObjectModel,
    side: Side,
    since: DateTime<Utc>,
) -> String {
    let conditions = with_filter(
        object,
        side,
        vec![format!("SystemModstamp >= {}", soql_datetime(since))],
    );
    format!(
        "SELECT {} FROM {} WHERE {conditions} ORDER BY SystemModstamp, Id",
        select_list(model, object, side),
        object.name
    )
}

/// The newest `SystemModstamp` of `object` (where a new cursor starts).
pub fn newest(object: &ObjectModel) -> String {
    format!(
        "SELECT Id, SystemModstamp FROM {} ORDER BY SystemModstamp DESC, Id DESC LIMIT 1",
        object.name
    )
}

/// Records of `object` in `side` with these IDs (`queryAll`: deleted rows included). IDs that do
/// not look like record IDs are left out.
pub fn by_ids(model: &SyncModel, object: &ObjectModel, side: Side, ids: &[&str]) -> String {
    let list: Vec<String> = ids
        .iter()
        .filter(|id| is_record_id(id))
        .map(|id| format!("'{id}'"))
        .collect();
    format!(
        "SELECT {} FROM {} WHERE Id IN ({})",
        select_list(model, object, side),
        object.name,
        if list.is_empty() {
            "''".to_owned()
        } else {
            list.join(", ")
        }
    )
}

/// Records of `object` in `side` whose `field` is one of `ids` (children for `forward
/// --with-children`).
pub fn children(
    model: &SyncModel,
    object: &ObjectModel,
    side: Side,
    field: &str,
    ids: &[&str],
) -> String {
    let list: Vec<String> = ids
        .iter()
        .filter(|id| is_record_id(id))
        .map(|id| format!("'{id}'"))
        .collect();
    let conditions = with_filter(
        object,
        side,
        vec![format!("{field} IN ({})", list.join(", "))],
    );
    format!(
        "SELECT {} FROM {} WHERE {conditions}",
        select_list(model, object, side),
        object.name,
    )
}

/// One bulk-sync page: live records of `object` in `side` after `after_id` in ID order, within
/// the filter and `bulkSync.since`.
pub fn bulk_page(model: &SyncModel, object: &ObjectModel, side: Side, after_id: &str) -> String {
    let mut conditions = Vec::new();
    if is_record_id(after_id) {
        conditions.push(format!("Id > '{after_id}'"));
    }
    if let Some(since) = &model.bulk_since {
        conditions.push(since.clone());
    }
    let conditions = with_filter(object, side, conditions);
    let clause = if conditions.is_empty() {
        String::new()
    } else {
        format!(" WHERE {conditions}")
    };
    format!(
        "SELECT {} FROM {}{clause} ORDER BY Id LIMIT {BULK_PAGE}",
        select_list(model, object, side),
        object.name
    )
}

/// Records of `object` in `side` whose key field is set (`reset`), in ID order after `after_id`.
pub fn keyed_page(model: &SyncModel, object: &ObjectModel, side: Side, after_id: &str) -> String {
    let mut conditions = vec![format!("{} != null", object.key_field)];
    if is_record_id(after_id) {
        conditions.push(format!("Id > '{after_id}'"));
    }
    format!(
        "SELECT {} FROM {} WHERE {} ORDER BY Id LIMIT {BULK_PAGE}",
        select_list(model, object, side),
        object.name,
        conditions.join(" AND ")
    )
}

/// Records of `object` in `side` whose `field` has one of `literals` (already SOQL literals).
pub fn matching(
    model: &SyncModel,
    object: &ObjectModel,
    side: Side,
    field: &str,
    literals: &[String],
) -> String {
    format!(
        "SELECT {} FROM {} WHERE {field} IN ({})",
        select_list(model, object, side),
        object.name,
        literals.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::model::{ConflictPolicy, Deletes, RetryPolicy};
    use crate::sync::model::{FieldKind, FieldMap};

    pub fn model(two_way: bool) -> SyncModel {
        SyncModel {
            name: "t".into(),
            objects: vec![ObjectModel {
                name: "Account".into(),
                fields: vec![
                    FieldMap {
                        publisher: "Name".into(),
                        subscriber: "Name".into(),
                        kind: FieldKind::Plain,
                    },
                    FieldMap {
                        publisher: "Region__c".into(),
                        subscriber: "Territory__c".into(),
                        kind: FieldKind::Plain,
                    },
                ],
                filter: Some("Type != 'Internal'".into()),
                deletes: Deletes::Propagate,
                auto_accept: true,
                match_on: vec![],
                key_field: "OrgSync_Source_Id__c".into(),
                audit_to: [false, false],
            }],
            two_way,
            conflicts: ConflictPolicy::PrimaryWins,
            retry: RetryPolicy {
                max_attempts: 3,
                initial_backoff: std::time::Duration::from_secs(1),
                max_backoff: std::time::Duration::from_secs(8),
            },
            audit_fields: false,
            owner: None,
            username_suffix: None,
            bulk_since: Some("LastModifiedDate >= LAST_N_DAYS:30".into()),
            api_budget_percent: 25.0,
            poll_interval: std::time::Duration::from_secs(30),
        }
    }

    #[test]
    fn changes_read_each_side_in_its_own_names() {
        let m = model(false);
        let o = &m.objects[0];
        let t = chrono::DateTime::parse_from_rfc3339("2026-01-02T03:04:05Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            changes(&m, o, Side::Primary, t),
            "SELECT Id, SystemModstamp, IsDeleted, LastModifiedDate, Name, Region__c FROM Account \
             WHERE SystemModstamp >= 2026-01-02T03:04:05Z AND (Type != 'Internal') \
             ORDER BY SystemModstamp, Id"
        );
        assert_eq!(
            changes(&m, o, Side::Secondary, t),
            "SELECT Id, SystemModstamp, IsDeleted, LastModifiedDate, OrgSync_Source_Id__c, Name, \
             Territory__c FROM Account WHERE SystemModstamp >= 2026-01-02T03:04:05Z \
             ORDER BY SystemModstamp, Id"
        );
        assert!(select_list(&model(true), o, Side::Primary).contains("OrgSync_Source_Id__c"));
    }

    #[test]
    fn pages_and_id_lists_never_take_a_bad_id() {
        let m = model(false);
        let o = &m.objects[0];
        let q = bulk_page(&m, o, Side::Primary, "001000000000001AAA");
        assert!(q.contains("Id > '001000000000001AAA' AND LastModifiedDate >= LAST_N_DAYS:30"));
        assert!(q.ends_with("ORDER BY Id LIMIT 10000"));
        let q = by_ids(
            &m,
            o,
            Side::Primary,
            &["001000000000001AAA", "x' OR Name != '"],
        );
        assert!(q.ends_with("WHERE Id IN ('001000000000001AAA')"));
        assert!(by_ids(&m, o, Side::Primary, &[]).ends_with("IN ('')"));
    }
}
