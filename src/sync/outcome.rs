//! The end of a round for one group: its decision and the outcome of its writes become the new
//! link (with the hashes of what each org now holds), queue and log entries, inbox changes and
//! counts.

use std::collections::BTreeMap;

use crate::state::{Batch, InboxEntry, Link, QueueAction, QueueEntry, Side};

use super::counts::Counts;
use super::decide::{Decision, WriteKind};
use super::engine::Engine;
use super::model::ObjectModel;
use super::retry::{self, Failure, Subject};
use super::values::{OBSERVE, PENDING, hash_key};
use super::write::Outcome;

use super::round::{Group, Mode, Prepared};

impl Engine {
    /// Turn one group's decision and write outcomes into links, queue, log, inbox and counts.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn finish(
        &self,
        object: &ObjectModel,
        group: Group,
        decision: &Decision,
        prepared: &[&Prepared],
        wait: Option<&String>,
        outcome: Option<&Outcome>,
        mode: Mode,
        now: i64,
        batch: &mut Batch,
        counts: &mut Counts,
    ) {
        let Some(source) = decision.source.or_else(|| group.any_item().map(|i| i.side)) else {
            return;
        };
        let Some(item) = group.item(source) else {
            return;
        };
        let subject = Subject {
            object: &object.name,
            source,
            id: item.id(),
            action: decision.action(mode, item.entry.as_ref()),
        };
        let entries: Vec<(Side, &QueueEntry)> = group
            .items
            .iter()
            .flatten()
            .filter_map(|i| i.entry.as_ref().map(|e| (i.side, e)))
            .collect();
        let done = |batch: &mut Batch| {
            for (side, e) in &entries {
                let s = Subject {
                    object: &object.name,
                    source: *side,
                    id: &e.source_id,
                    action: e.action,
                };
                retry::succeeded(batch, &s, Some(e), now);
            }
        };
        if group.skip || decision.nothing() && group.link.is_none() {
            done(batch);
            counts.unchanged += 1;
            return;
        }
        if decision.hold {
            if item.entry.is_none() || !entries.is_empty() {
                batch.inbox_add.push(InboxEntry {
                    object: object.name.clone(),
                    source,
                    source_id: item.id().to_owned(),
                    received_at_ms: now,
                });
            }
            done(batch);
            counts.held += 1;
            return;
        }
        if let Some(reason) = wait {
            retry::waiting(
                batch,
                &self.model.retry,
                &subject,
                item.entry.as_ref(),
                reason,
                now,
            );
            counts.waiting += 1;
            return;
        }
        if let Some(Outcome::Failed(failure)) = outcome {
            let failure = Failure {
                code: failure.code.clone(),
                message: format!("{} failed: {}", subject.action, failure.message),
            };
            retry::failed(
                batch,
                &self.model.retry,
                &subject,
                item.entry.as_ref(),
                &failure,
                now,
            );
            counts.failed += 1;
            return;
        }
        if decision.unlink {
            if let Some(l) = &group.link {
                batch
                    .unlink
                    .push((object.name.clone(), l.primary_id.clone()));
            }
            done(batch);
            counts.unchanged += 1;
            return;
        }
        // Success (or nothing to write): the new link.
        let mut link = match (&group.link, outcome) {
            (Some(l), _) => l.clone(),
            (
                None,
                Some(Outcome::Done {
                    inserted: Some(id), ..
                }),
            ) => {
                let (primary_id, secondary_id) = match source {
                    Side::Primary => (item.id().to_owned(), id.clone()),
                    Side::Secondary => (id.clone(), item.id().to_owned()),
                };
                Link {
                    object: object.name.clone(),
                    primary_id,
                    secondary_id,
                    origin: source,
                    field_hashes: BTreeMap::new(),
                    primary_deleted: false,
                    secondary_deleted: false,
                    linked_at_ms: now,
                    synced_at_ms: now,
                }
            }
            (None, _) => {
                done(batch);
                counts.unchanged += 1;
                return;
            }
        };
        let before = link.clone();
        link.primary_deleted = decision.deleted[0];
        link.secondary_deleted = decision.deleted[1];
        // What an org holds now becomes the baseline only while both records are live: beside
        // a deleted record, nothing was compared or sent, and a change made just before the
        // other org's delete must still flow if the pair is undeleted.
        let observe = !link.primary_deleted && !link.secondary_deleted;
        for side in [Side::Primary, Side::Secondary]
            .into_iter()
            .filter(|_| observe)
        {
            if let Some(i) = group.item(side).filter(|i| !i.deleted()) {
                for f in &object.fields {
                    let h = self.hasher.hash(&f.publisher, &i.value(f.name(side)));
                    link.field_hashes.insert(hash_key(side, &f.publisher), h);
                }
            }
        }
        let mut wrote = false;
        let mut self_wait = None;
        for p in prepared {
            let to = p.intent.from.other();
            for (field, v) in &p.sent {
                link.field_hashes
                    .insert(hash_key(to, field), self.hasher.hash(field, v));
            }
            for field in &p.omitted {
                link.field_hashes
                    .insert(hash_key(to, field), OBSERVE.to_owned());
            }
            if let Some((field, parent)) = &p.self_wait {
                link.field_hashes
                    .insert(hash_key(p.intent.from, field), PENDING.to_owned());
                self_wait = Some(parent.clone());
            }
            wrote |= !p.values.is_empty() || p.intent.kind == WriteKind::Insert;
            match p.intent.kind {
                WriteKind::Insert => counts.inserted += 1,
                WriteKind::Update if !p.values.is_empty() => counts.updated += 1,
                WriteKind::Update => {}
            }
            if !p.values.is_empty() || p.intent.kind == WriteKind::Insert {
                batch.activity.push((object.name.clone(), to, 1));
            }
        }
        for (side, n) in [(Side::Primary, 0), (Side::Secondary, 1)] {
            if decision.delete_to[n] {
                counts.deleted += 1;
                batch.activity.push((object.name.clone(), side, 1));
                wrote = true;
            }
            if decision.undelete_to[n] {
                counts.undeleted += 1;
                batch.activity.push((object.name.clone(), side, 1));
                wrote = true;
            }
        }
        if group.adopted.is_some() || (group.link.is_some() && before.field_hashes.is_empty()) {
            counts.linked += 1;
        }
        if decision.conflict.is_some() {
            counts.conflicts += 1;
        }
        if let Some(conflict) = &decision.conflict {
            batch.log.push(crate::state::NewLogEntry {
                at_ms: now,
                object: object.name.clone(),
                source,
                record_id: item.id().to_owned(),
                action: QueueAction::GenericUpdate,
                status: crate::state::LogStatus::Resolved,
                error_code: Some("CONFLICT".into()),
                message: Some(conflict.clone()),
                attempts: 1,
            });
        }
        if wrote {
            link.synced_at_ms = now;
        }
        let new_link = group.link.is_none() || group.adopted.is_some();
        if link != before || new_link {
            batch.links.push(link);
        }
        // A record shared by any other way than `inbox accept` (forwarded by hand, or linked
        // by `matchOn`) no longer waits in the inbox (which holds primary records only).
        if new_link
            && (!object.auto_accept || mode == Mode::Forward)
            && let Some(p) = group.item(Side::Primary)
        {
            batch
                .inbox_remove
                .push((object.name.clone(), Side::Primary, p.id().to_owned()));
        }
        if !wrote {
            counts.unchanged += 1;
        }
        match self_wait {
            Some(parent) => {
                let s = Subject {
                    action: QueueAction::GenericUpdate,
                    ..subject
                };
                let reason = format!("waiting for parent {} {parent}", object.name);
                retry::waiting(batch, &self.model.retry, &s, None, &reason, now);
                for (side, e) in &entries {
                    if *side != source {
                        let s = Subject {
                            object: &object.name,
                            source: *side,
                            id: &e.source_id,
                            action: e.action,
                        };
                        retry::succeeded(batch, &s, Some(e), now);
                    }
                }
            }
            None => done(batch),
        }
    }
}
