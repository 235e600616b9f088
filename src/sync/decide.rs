//! What to do with one group of paired records — pure: no I/O, no clock.
//!
//! * An unlinked record is copied (an insert, upserted on the key field), held in the inbox
//!   (`autoAccept: false`), or left alone (deleted, or from an org that does not publish).
//! * A delete or undelete propagates with `deletes: propagate`; with `ignore` the link is dropped.
//! * A field changed in one org (its hash differs from the last one recorded for that org) flows
//!   to the other. When both orgs changed the record since the last sync, `records.conflicts`
//!   decides: `primary-wins` / `secondary-wins` / `latest-wins` take one org's version of every
//!   changed field; `merge-fields` takes each field from the org that changed it, and a field
//!   changed in both from the primary (SPEC.md). Each conflict is logged.

use crate::spec::model::{ConflictPolicy, Deletes};
use crate::state::{QueueAction, QueueEntry, Side};

use super::model::{ObjectModel, SyncModel};
use super::round::{Group, Item, Mode, ix};
use super::values::{Hasher, OBSERVE, PENDING, canonical, parse_datetime, recorded};

/// Insert (upsert on the key field) or update (by ID).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteKind {
    /// A new record in the other org.
    Insert,
    /// Changed fields of the linked record.
    Update,
}

/// A write from one org to the other: which publisher fields to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intent {
    /// The org whose values are sent.
    pub from: Side,
    /// Insert or update.
    pub kind: WriteKind,
    /// Publisher field names.
    pub fields: Vec<String>,
}

/// The decision for one group.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Decision {
    /// The org whose record drives the decision (queue and log entries name it).
    pub source: Option<Side>,
    /// Value writes.
    pub writes: Vec<Intent>,
    /// Delete the linked record in [primary, secondary].
    pub delete_to: [bool; 2],
    /// Undelete the linked record in [primary, secondary].
    pub undelete_to: [bool; 2],
    /// The link's deleted flags once this is done.
    pub deleted: [bool; 2],
    /// Drop the link (a delete with `deletes: ignore`).
    pub unlink: bool,
    /// Hold in the inbox.
    pub hold: bool,
    /// A two-way conflict, described without values.
    pub conflict: Option<String>,
}

impl Decision {
    /// Nothing to write and nothing to hold.
    pub fn nothing(&self) -> bool {
        self.writes.is_empty()
            && !self.delete_to.iter().any(|b| *b)
            && !self.undelete_to.iter().any(|b| *b)
            && !self.hold
            && !self.unlink
    }

    /// The queue action that names this work.
    pub fn action(&self, mode: Mode, entry: Option<&QueueEntry>) -> QueueAction {
        if let Some(e) = entry
            && matches!(e.action, QueueAction::ManualForward | QueueAction::BulkSync)
        {
            return e.action;
        }
        if self.undelete_to.iter().any(|b| *b) {
            QueueAction::ReplicationUndelete
        } else if self.delete_to.iter().any(|b| *b) {
            QueueAction::ReplicationDelete
        } else if mode == Mode::Bulk {
            QueueAction::BulkSync
        } else if mode == Mode::Forward {
            QueueAction::ManualForward
        } else if self.writes.iter().any(|w| w.kind == WriteKind::Insert) {
            QueueAction::GenericInsert
        } else if let Some(e) = entry {
            e.action
        } else {
            QueueAction::GenericUpdate
        }
    }
}

fn all_fields(object: &ObjectModel) -> Vec<String> {
    object.fields.iter().map(|f| f.publisher.clone()).collect()
}

/// Fields of `side`'s record that changed since the last sync.
fn changed(
    object: &ObjectModel,
    hasher: &Hasher,
    group: &Group,
    side: Side,
    mode: Mode,
) -> Vec<String> {
    let Some(item) = group.item(side).filter(|i| !i.deleted()) else {
        return Vec::new();
    };
    if group.adopted == Some(side) || mode == Mode::Forward {
        return all_fields(object);
    }
    let Some(link) = &group.link else {
        return all_fields(object);
    };
    object
        .fields
        .iter()
        .filter(|f| match recorded(&link.field_hashes, side, &f.publisher) {
            // Never recorded (a link just made, a field published later): sent.
            None => true,
            // The org chose the value (a field left out of a write): recorded now, not sent.
            Some(OBSERVE) => false,
            Some(h) => h == PENDING || h != hasher.hash(&f.publisher, &item.value(f.name(side))),
        })
        .map(|f| f.publisher.clone())
        .collect()
}

fn modstamp(item: Option<&Item>) -> i64 {
    item.and_then(|i| i.record.get("SystemModstamp"))
        .and_then(|v| v.as_str())
        .and_then(parse_datetime)
        .map_or(0, |t| t.timestamp_millis())
}

fn union(a: &[String], b: &[String]) -> Vec<String> {
    let mut out: Vec<String> = a.to_vec();
    for f in b {
        if !out.contains(f) {
            out.push(f.clone());
        }
    }
    out.sort();
    out
}

fn policy_name(p: ConflictPolicy) -> &'static str {
    match p {
        ConflictPolicy::PrimaryWins => "primary-wins",
        ConflictPolicy::SecondaryWins => "secondary-wins",
        ConflictPolicy::LatestWins => "latest-wins",
        ConflictPolicy::MergeFields => "merge-fields",
    }
}

/// Decide what to do with `group`.
pub fn decide(
    model: &SyncModel,
    object: &ObjectModel,
    hasher: &Hasher,
    group: &Group,
    mode: Mode,
) -> Decision {
    let mut d = Decision::default();
    if group.skip {
        return d;
    }
    if mode == Mode::Relink {
        d.source = group.items.iter().flatten().next().map(|i| i.side);
        return d;
    }
    let Some(link) = &group.link else {
        let Some(item) = group.items.iter().flatten().next() else {
            return d;
        };
        d.source = Some(item.side);
        if item.deleted() || !model.flows_from(item.side) {
            return d;
        }
        let forced = mode == Mode::Forward
            || item
                .entry
                .as_ref()
                .is_some_and(|e| e.action == QueueAction::ManualForward);
        if !object.auto_accept && item.side == Side::Primary && !forced {
            d.hold = true;
            return d;
        }
        d.writes.push(Intent {
            from: item.side,
            kind: WriteKind::Insert,
            fields: all_fields(object),
        });
        return d;
    };
    deletes_and_undeletes(model, object, link, group, &mut d);
    if d.unlink || d.deleted.iter().any(|b| *b) {
        return d;
    }
    let cp = changed(object, hasher, group, Side::Primary, mode);
    let cs = if model.two_way || group.adopted == Some(Side::Secondary) {
        changed(object, hasher, group, Side::Secondary, mode)
    } else {
        Vec::new()
    };
    let update = |from: Side, fields: Vec<String>| Intent {
        from,
        kind: WriteKind::Update,
        fields,
    };
    match (cp.is_empty(), cs.is_empty()) {
        (true, true) => {}
        (false, true) => {
            d.source = Some(Side::Primary);
            d.writes.push(update(Side::Primary, cp));
        }
        (true, false) => {
            if model.flows_from(Side::Secondary) {
                d.source = Some(Side::Secondary);
                d.writes.push(update(Side::Secondary, cs));
            }
        }
        (false, false) if !model.two_way => {
            // The secondary does not publish: the primary's version is restored.
            d.source = Some(Side::Primary);
            d.writes.push(update(Side::Primary, union(&cp, &cs)));
        }
        (false, false) => resolve(model, object, group, &cp, &cs, &mut d),
    }
    d
}

/// Deletes and undeletes of a linked pair. An org's event is a record whose deleted state
/// differs from the one the link recorded for that org — never from what another org's event in
/// this same round implies: the other org's record may be a re-read (the overlap window) of our
/// own earlier delete, and taking it for a new delete would bounce an undelete back as a delete
/// (and lose the changes that came with the undelete). When both orgs moved to different
/// states, the primary's stands.
fn deletes_and_undeletes(
    model: &SyncModel,
    object: &ObjectModel,
    link: &crate::state::Link,
    group: &Group,
    d: &mut Decision,
) {
    let recorded = [link.primary_deleted, link.secondary_deleted];
    let state = [Side::Primary, Side::Secondary]
        .map(|side| group.item(side).map_or(recorded[ix(side)], Item::deleted));
    d.deleted = state;
    let events: Vec<Side> = [Side::Primary, Side::Secondary]
        .into_iter()
        .filter(|s| state[ix(*s)] != recorded[ix(*s)])
        .collect();
    let Some(&driver) = events.first() else {
        return;
    };
    d.source = Some(driver);
    if object.deletes != Deletes::Propagate {
        // With `ignore` a delete drops the link; an undelete (the policy changed) is recorded.
        d.unlink = events.iter().any(|s| state[ix(*s)]);
        return;
    }
    // Both orgs moved: to the same state there is nothing to send; else the primary's stands.
    let (x, y) = (ix(driver), ix(driver.other()));
    if state[x] == state[y] || !model.flows_from(driver) {
        return;
    }
    if state[x] {
        d.delete_to[y] = true;
    } else {
        d.undelete_to[y] = true;
    }
    d.deleted[y] = state[x];
}

/// Both orgs changed the record: apply the conflict policy.
fn resolve(
    model: &SyncModel,
    object: &ObjectModel,
    group: &Group,
    cp: &[String],
    cs: &[String],
    d: &mut Decision,
) {
    let primary = group.item(Side::Primary);
    let secondary = group.item(Side::Secondary);
    // Fields changed in both orgs to different values: the real conflicts.
    let clashing: Vec<String> = cp
        .iter()
        .filter(|f| cs.contains(f))
        .filter(|f| {
            let Some(field) = object.field(f) else {
                return true;
            };
            let pv = primary.map(|i| canonical(&i.value(field.name(Side::Primary))));
            let sv = secondary.map(|i| canonical(&i.value(field.name(Side::Secondary))));
            !matches!(field.kind, super::model::FieldKind::Plain) || pv != sv
        })
        .cloned()
        .collect();
    let fields = if clashing.is_empty() {
        "different fields".to_owned()
    } else {
        clashing.join(", ")
    };
    let policy = policy_name(model.conflicts);
    if model.conflicts == ConflictPolicy::MergeFields {
        let from_p: Vec<String> = union(cp, &[]).into_iter().collect();
        let from_s: Vec<String> = cs.iter().filter(|f| !cp.contains(f)).cloned().collect();
        d.source = Some(Side::Primary);
        if !from_p.is_empty() {
            d.writes.push(Intent {
                from: Side::Primary,
                kind: WriteKind::Update,
                fields: from_p,
            });
        }
        if !from_s.is_empty() {
            d.writes.push(Intent {
                from: Side::Secondary,
                kind: WriteKind::Update,
                fields: from_s,
            });
        }
        if !clashing.is_empty() {
            d.conflict = Some(format!(
                "changed in both orgs: {fields}; {policy} kept the primary's value of those and merged the other changes"
            ));
        }
        return;
    }
    let winner = match model.conflicts {
        ConflictPolicy::SecondaryWins => Side::Secondary,
        ConflictPolicy::LatestWins if modstamp(secondary) > modstamp(primary) => Side::Secondary,
        _ => Side::Primary,
    };
    d.source = Some(winner);
    d.writes.push(Intent {
        from: winner,
        kind: WriteKind::Update,
        fields: union(cp, cs),
    });
    d.conflict = Some(format!(
        "changed in both orgs ({fields}); {policy} kept the {winner}'s version"
    ));
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::{Value, json};

    use super::*;
    use crate::org::wire::Record;
    use crate::state::Link;
    use crate::sync::model::{FieldKind, FieldMap};
    use crate::sync::values::hash_key;

    fn object(deletes: Deletes, auto_accept: bool) -> ObjectModel {
        ObjectModel {
            name: "Account".into(),
            fields: ["Name", "Phone"]
                .iter()
                .map(|n| FieldMap {
                    publisher: (*n).into(),
                    subscriber: (*n).into(),
                    kind: FieldKind::Plain,
                })
                .collect(),
            filter: None,
            deletes,
            auto_accept,
            match_on: vec![],
            key_field: "OrgSync_Source_Id__c".into(),
            audit_to: [false, false],
        }
    }

    fn model(two_way: bool, conflicts: ConflictPolicy) -> SyncModel {
        SyncModel {
            name: "t".into(),
            objects: vec![object(Deletes::Propagate, true)],
            two_way,
            conflicts,
            retry: crate::spec::model::RetryPolicy {
                max_attempts: 3,
                initial_backoff: std::time::Duration::from_secs(1),
                max_backoff: std::time::Duration::from_secs(4),
            },
            audit_fields: false,
            owner: None,
            username_suffix: None,
            bulk_since: None,
            api_budget_percent: 100.0,
            poll_interval: std::time::Duration::from_secs(30),
        }
    }

    fn item(side: Side, id: &str, fields: Value, deleted: bool) -> Item {
        let mut map = fields.as_object().cloned().unwrap_or_default();
        map.insert("Id".into(), json!(id));
        map.insert("IsDeleted".into(), json!(deleted));
        Item {
            side,
            record: Record {
                attributes: None,
                fields: map,
            },
            entry: None,
        }
    }

    fn synced_link(h: &Hasher, name: &str, phone: &str) -> Link {
        let mut hashes = BTreeMap::new();
        for side in [Side::Primary, Side::Secondary] {
            hashes.insert(hash_key(side, "Name"), h.hash("Name", &json!(name)));
            hashes.insert(hash_key(side, "Phone"), h.hash("Phone", &json!(phone)));
        }
        Link {
            object: "Account".into(),
            primary_id: "P1".into(),
            secondary_id: "S1".into(),
            origin: Side::Primary,
            field_hashes: hashes,
            primary_deleted: false,
            secondary_deleted: false,
            linked_at_ms: 0,
            synced_at_ms: 0,
        }
    }

    fn group(link: Option<Link>, items: Vec<Item>) -> Group {
        let mut g = Group {
            link,
            ..Group::default()
        };
        for i in items {
            let n = ix(i.side);
            g.items[n] = Some(i);
        }
        g
    }

    #[test]
    fn new_records_insert_or_wait_in_the_inbox() {
        let h = Hasher::new("k");
        let m = model(false, ConflictPolicy::PrimaryWins);
        let g = group(
            None,
            vec![item(Side::Primary, "P1", json!({"Name": "A"}), false)],
        );
        let d = decide(&m, &object(Deletes::Propagate, true), &h, &g, Mode::Changes);
        assert_eq!(d.writes[0].kind, WriteKind::Insert);
        let d = decide(
            &m,
            &object(Deletes::Propagate, false),
            &h,
            &g,
            Mode::Changes,
        );
        assert!(d.hold && d.writes.is_empty());
        let d = decide(
            &m,
            &object(Deletes::Propagate, false),
            &h,
            &g,
            Mode::Forward,
        );
        assert!(!d.hold && d.writes.len() == 1);
        let g = group(
            None,
            vec![item(Side::Secondary, "S1", json!({"Name": "A"}), false)],
        );
        assert!(decide(&m, &object(Deletes::Propagate, true), &h, &g, Mode::Changes).nothing());
    }

    #[test]
    fn echoes_are_recognised_and_changes_flow() {
        let h = Hasher::new("k");
        let m = model(true, ConflictPolicy::PrimaryWins);
        let o = object(Deletes::Propagate, true);
        let link = synced_link(&h, "A", "1");
        let same = group(
            Some(link.clone()),
            vec![item(
                Side::Secondary,
                "S1",
                json!({"Name": "A", "Phone": "1"}),
                false,
            )],
        );
        assert!(decide(&m, &o, &h, &same, Mode::Changes).nothing());
        let changed = group(
            Some(link),
            vec![item(
                Side::Secondary,
                "S1",
                json!({"Name": "B", "Phone": "1"}),
                false,
            )],
        );
        let d = decide(&m, &o, &h, &changed, Mode::Changes);
        assert_eq!(
            d.writes,
            vec![Intent {
                from: Side::Secondary,
                kind: WriteKind::Update,
                fields: vec!["Name".into()]
            }]
        );
    }

    #[test]
    fn conflict_policies() {
        let h = Hasher::new("k");
        let o = object(Deletes::Propagate, true);
        let link = synced_link(&h, "A", "1");
        let g = group(
            Some(link),
            vec![
                item(
                    Side::Primary,
                    "P1",
                    json!({"Name": "P", "Phone": "1", "SystemModstamp": "2026-01-01T00:00:00.000+0000"}),
                    false,
                ),
                item(
                    Side::Secondary,
                    "S1",
                    json!({"Name": "S", "Phone": "2", "SystemModstamp": "2026-01-01T00:00:05.000+0000"}),
                    false,
                ),
            ],
        );
        let d = decide(
            &model(true, ConflictPolicy::PrimaryWins),
            &o,
            &h,
            &g,
            Mode::Changes,
        );
        assert_eq!(d.writes.len(), 1);
        assert_eq!(d.writes[0].from, Side::Primary);
        assert_eq!(d.writes[0].fields, vec!["Name", "Phone"]);
        assert!(d.conflict.as_deref().unwrap().contains("Name"));
        let d = decide(
            &model(true, ConflictPolicy::SecondaryWins),
            &o,
            &h,
            &g,
            Mode::Changes,
        );
        assert_eq!(d.writes[0].from, Side::Secondary);
        let d = decide(
            &model(true, ConflictPolicy::LatestWins),
            &o,
            &h,
            &g,
            Mode::Changes,
        );
        assert_eq!(
            d.writes[0].from,
            Side::Secondary,
            "the secondary changed last"
        );
        let d = decide(
            &model(true, ConflictPolicy::MergeFields),
            &o,
            &h,
            &g,
            Mode::Changes,
        );
        assert_eq!(d.writes[0].from, Side::Primary);
        assert_eq!(d.writes[0].fields, vec!["Name"]);
        assert_eq!(d.writes[1].from, Side::Secondary);
        assert_eq!(d.writes[1].fields, vec!["Phone"]);
        let d = decide(
            &model(false, ConflictPolicy::SecondaryWins),
            &o,
            &h,
            &g,
            Mode::Changes,
        );
        assert_eq!(
            d.writes[0].from,
            Side::Primary,
            "one-way: the primary is restored"
        );
        assert!(d.conflict.is_none());
    }

    #[test]
    fn deletes_and_undeletes() {
        let h = Hasher::new("k");
        let m = model(true, ConflictPolicy::PrimaryWins);
        let link = synced_link(&h, "A", "1");
        let g = group(
            Some(link.clone()),
            vec![item(Side::Primary, "P1", json!({}), true)],
        );
        let d = decide(&m, &object(Deletes::Propagate, true), &h, &g, Mode::Changes);
        assert_eq!((d.delete_to, d.deleted), ([false, true], [true, true]));
        let d = decide(&m, &object(Deletes::Ignore, true), &h, &g, Mode::Changes);
        assert!(d.unlink && d.delete_to == [false, false]);
        let mut gone = link;
        gone.primary_deleted = true;
        gone.secondary_deleted = true;
        let g = group(
            Some(gone),
            vec![item(
                Side::Primary,
                "P1",
                json!({"Name": "A", "Phone": "1"}),
                false,
            )],
        );
        let d = decide(&m, &object(Deletes::Propagate, true), &h, &g, Mode::Changes);
        assert_eq!((d.undelete_to, d.deleted), ([false, true], [false, false]));
        assert_eq!(
            d.action(Mode::Changes, None),
            QueueAction::ReplicationUndelete
        );
    }

    #[test]
    fn an_undelete_is_not_bounced_back_by_a_reread_of_our_own_delete() {
        // Both records were deleted and the link says so; the primary's is undeleted and
        // changed, while the secondary's deleted row is read again (the overlap window).
        let h = Hasher::new("k");
        let m = model(true, ConflictPolicy::PrimaryWins);
        let o = object(Deletes::Propagate, true);
        let mut gone = synced_link(&h, "A", "1");
        gone.primary_deleted = true;
        gone.secondary_deleted = true;
        let g = group(
            Some(gone.clone()),
            vec![
                item(
                    Side::Primary,
                    "P1",
                    json!({"Name": "A", "Phone": "2"}),
                    false,
                ),
                item(Side::Secondary, "S1", json!({}), true),
            ],
        );
        let d = decide(&m, &o, &h, &g, Mode::Changes);
        assert_eq!(d.delete_to, [false, false], "no delete bounced back");
        assert_eq!((d.undelete_to, d.deleted), ([false, true], [false, false]));
        assert_eq!(
            d.writes,
            vec![Intent {
                from: Side::Primary,
                kind: WriteKind::Update,
                fields: vec!["Phone".into()]
            }],
            "the change made with the undelete flows too"
        );

        // Both orgs already agree (e.g. a cascade restored the secondary's copy): nothing to send.
        let g = group(
            Some(gone),
            vec![
                item(
                    Side::Primary,
                    "P1",
                    json!({"Name": "A", "Phone": "1"}),
                    false,
                ),
                item(
                    Side::Secondary,
                    "S1",
                    json!({"Name": "A", "Phone": "1"}),
                    false,
                ),
            ],
        );
        let d = decide(&m, &o, &h, &g, Mode::Changes);
        assert!(d.nothing(), "{d:?}");
        assert_eq!(d.deleted, [false, false]);

        // Both moved to different states: the primary's stands.
        let mut half = synced_link(&h, "A", "1");
        half.primary_deleted = true;
        let g = group(
            Some(half),
            vec![
                item(
                    Side::Primary,
                    "P1",
                    json!({"Name": "A", "Phone": "1"}),
                    false,
                ),
                item(Side::Secondary, "S1", json!({}), true),
            ],
        );
        let d = decide(&m, &o, &h, &g, Mode::Changes);
        assert_eq!(
            (d.undelete_to, d.delete_to),
            ([false, true], [false, false])
        );
    }
}
