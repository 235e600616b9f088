use std::collections::BTreeMap;

use super::*;
use crate::state::Store;

async fn store() -> Store {
    Store::open("sqlite://:memory:").await.unwrap()
}

fn link(p: &str, s: &str) -> Link {
    Link {
        object: "Account".into(),
        primary_id: p.into(),
        secondary_id: s.into(),
        origin: Side::Primary,
        field_hashes: BTreeMap::from([("Name".to_owned(), "h1".to_owned())]),
        primary_deleted: false,
        secondary_deleted: false,
        linked_at_ms: 1,
        synced_at_ms: 2,
    }
}

fn entry(id: &str, due: i64) -> QueueEntry {
    QueueEntry {
        id: 0,
        object: "Contact".into(),
        source: Side::Primary,
        source_id: id.into(),
        action: QueueAction::GenericInsert,
        status: QueueStatus::Waiting,
        attempts: 0,
        next_attempt_at_ms: due,
        reason: Some("waiting for parent Account".into()),
        error_code: None,
        created_at_ms: 1,
        updated_at_ms: 1,
    }
}

fn log(status: LogStatus, code: Option<&str>, at: i64) -> NewLogEntry {
    NewLogEntry {
        at_ms: at,
        object: "Account".into(),
        source: Side::Primary,
        record_id: "001A".into(),
        action: QueueAction::GenericUpdate,
        status,
        error_code: code.map(str::to_owned),
        message: Some("required field missing: Name".into()),
        attempts: 1,
    }
}

#[tokio::test]
async fn a_batch_commits_links_cursor_queue_log_inbox_and_activity_together() {
    let store = store().await;
    let mut batch = Batch::at(100);
    batch.links = vec![link("001A", "001X"), link("001B", "001Y")];
    batch.cursors = vec![(
        "Account".into(),
        Side::Primary,
        Cursor {
            modstamp_ms: 50,
            last_id: "001B".into(),
        },
    )];
    batch.enqueue = vec![entry("003A", 10), entry("003B", 500)];
    batch.log = vec![log(LogStatus::Retrying, Some("UNABLE_TO_LOCK_ROW"), 100)];
    batch.inbox_add = vec![InboxEntry {
        object: "Lead".into(),
        source: Side::Secondary,
        source_id: "00QA".into(),
        received_at_ms: 100,
    }];
    batch.activity = vec![("Account".into(), Side::Secondary, 2)];
    store.commit_batch(&batch).await.unwrap();

    let by_p = store
        .links_by_ids("Account", Side::Primary, &["001A", "001B", "001C"])
        .await
        .unwrap();
    assert_eq!(by_p.len(), 2);
    assert_eq!(by_p["001A"], link("001A", "001X"));
    let by_s = store
        .link("Account", Side::Secondary, "001Y")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(by_s.primary_id, "001B");
    assert_eq!(store.link_counts().await.unwrap()["Account"], 2);
    assert_eq!(
        store.cursor("Account", Side::Primary).await.unwrap(),
        Some(Cursor {
            modstamp_ms: 50,
            last_id: "001B".into()
        })
    );
    assert_eq!(
        store.cursor("Account", Side::Secondary).await.unwrap(),
        None
    );
    let due = store.due_queue_entries(20, 10).await.unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].source_id, "003A");
    assert_eq!(due[0].status, QueueStatus::Waiting);
    assert_eq!(store.queue_depths().await.unwrap()["Contact"], 2);
    let logs = store.log_entries(&LogFilter::default()).await.unwrap();
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0].entry.status, LogStatus::Retrying);
    assert_eq!(store.inbox_entries(None).await.unwrap().len(), 1);
    assert_eq!(store.inbox_entries(Some("Account")).await.unwrap().len(), 0);
    assert_eq!(store.records_synced_since(0).await.unwrap()["Account"], 2);
    assert_eq!(
        store
            .records_synced_since(101)
            .await
            .unwrap()
            .get("Account"),
        None
    );
    assert_eq!(store.last_activity().await.unwrap()["Account"], 100);
}

#[tokio::test]
async fn queue_entries_are_replaced_and_removed_by_record() {
    let store = store().await;
    let mut first = Batch::at(1);
    first.enqueue = vec![entry("003A", 10)];
    store.commit_batch(&first).await.unwrap();
    let mut again = Batch::at(2);
    let mut retry = entry("003A", 40);
    retry.status = QueueStatus::Retrying;
    retry.attempts = 2;
    retry.error_code = Some("UNABLE_TO_LOCK_ROW".into());
    again.enqueue = vec![retry];
    store.commit_batch(&again).await.unwrap();
    let all = store.queue_entries(None).await.unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].attempts, 2);
    assert_eq!(all[0].status, QueueStatus::Retrying);
    assert_eq!(all[0].created_at_ms, 1);
    let mut done = Batch::at(3);
    done.dequeue = vec![("Contact".into(), Side::Primary, "003A".into())];
    store.commit_batch(&done).await.unwrap();
    assert!(
        store
            .queue_entries(Some("Contact"))
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn relinking_a_secondary_record_replaces_its_old_link() {
    let store = store().await;
    let mut b = Batch::at(1);
    b.links = vec![link("001A", "001X")];
    store.commit_batch(&b).await.unwrap();
    let mut b = Batch::at(2);
    b.links = vec![link("001B", "001X")];
    store.commit_batch(&b).await.unwrap();
    let links = store.links_of("Account").await.unwrap();
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].primary_id, "001B");
    let mut b = Batch::at(3);
    b.unlink = vec![("Account".into(), "001B".into())];
    store.commit_batch(&b).await.unwrap();
    assert!(store.links_of("Account").await.unwrap().is_empty());
}

#[tokio::test]
async fn log_filters_combine() {
    let store = store().await;
    let mut b = Batch::at(1);
    b.log = vec![
        log(LogStatus::Retrying, Some("UNABLE_TO_LOCK_ROW"), 10),
        log(LogStatus::Failed, Some("REQUIRED_FIELD_MISSING"), 20),
        log(LogStatus::Resolved, None, 30),
    ];
    store.commit_batch(&b).await.unwrap();
    let failed = store
        .log_entries(&LogFilter {
            status: Some(LogStatus::Failed),
            ..LogFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(failed.len(), 1);
    let recent = store
        .log_entries(&LogFilter {
            since_ms: Some(15),
            limit: Some(1),
            ..LogFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(recent.len(), 1);
    assert_eq!(recent[0].entry.status, LogStatus::Resolved);
    let by_code = store
        .log_entries(&LogFilter {
            error_code: Some("UNABLE_TO_LOCK_ROW".into()),
            object: Some("Account".into()),
            ..LogFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(by_code.len(), 1);
}

#[tokio::test]
async fn suspension_hash_key_and_bulk_progress_persist() {
    let store = store().await;
    assert_eq!(store.suspension().await.unwrap(), None);
    let s = Suspension {
        reason: "maintenance".into(),
        since_ms: 5,
        until_ms: Some(50),
    };
    store.set_suspension(Some(&s)).await.unwrap();
    assert_eq!(store.suspension().await.unwrap(), Some(s));
    store.set_suspension(None).await.unwrap();
    assert_eq!(store.suspension().await.unwrap(), None);

    assert_eq!(store.hash_key("aa").await.unwrap(), "aa");
    assert_eq!(store.hash_key("bb").await.unwrap(), "aa");

    let p = BulkProgress {
        object: "Account".into(),
        source: Side::Primary,
        last_id: "001B".into(),
        done: false,
        records: 2,
        updated_at_ms: 9,
    };
    store.set_bulk_progress(&p).await.unwrap();
    assert_eq!(
        store.bulk_progress("Account", Side::Primary).await.unwrap(),
        Some(p.clone())
    );
    assert_eq!(store.bulk_progress_all().await.unwrap(), vec![p]);
}

#[test]
fn labels_round_trip() {
    for a in QueueAction::ALL {
        assert_eq!(QueueAction::parse(a.label()), Some(*a));
    }
    for s in LogStatus::ALL {
        assert_eq!(LogStatus::parse(s.label()), Some(*s));
    }
    assert_eq!(QueueAction::GenericInsert.label(), "Generic Insert");
    assert_eq!(Side::Primary.other(), Side::Secondary);
}

async fn pairs(store: &Store) -> Vec<(String, String)> {
    store
        .links_of("Account")
        .await
        .unwrap()
        .into_iter()
        .map(|l| (l.primary_id, l.secondary_id))
        .collect()
}

fn batch_of(links: Vec<Link>) -> Batch {
    let mut b = Batch::at(5);
    b.links = links;
    b
}

#[tokio::test]
async fn links_written_together_replace_displaced_links_like_one_by_one() {
    let store = store().await;
    store
        .commit_batch(&batch_of(vec![
            link("P1", "S1"),
            link("P2", "S2"),
            link("P3", "S3"),
        ]))
        .await
        .unwrap();
    // A swap, a secondary taken over by a new primary, and a primary given twice (last wins).
    store
        .commit_batch(&batch_of(vec![
            link("P1", "S2"),
            link("P2", "S1"),
            link("P4", "S3"),
            link("P5", "S9"),
            link("P5", "S5"),
        ]))
        .await
        .unwrap();
    let mut got = pairs(&store).await;
    got.sort();
    let want: Vec<(String, String)> = [("P1", "S2"), ("P2", "S1"), ("P4", "S3"), ("P5", "S5")]
        .iter()
        .map(|(p, s)| ((*p).to_owned(), (*s).to_owned()))
        .collect();
    assert_eq!(got, want);
    // Two primaries claiming one secondary in one batch: written in order, the later stands.
    store
        .commit_batch(&batch_of(vec![link("P6", "S7"), link("P7", "S7")]))
        .await
        .unwrap();
    let got = pairs(&store).await;
    assert!(got.contains(&("P7".to_owned(), "S7".to_owned())));
    assert!(!got.iter().any(|(p, _)| p == "P6"));
}

#[tokio::test]
async fn many_links_in_one_batch() {
    let store = store().await;
    let links: Vec<Link> = (0..1_234)
        .map(|n| link(&format!("P{n:05}"), &format!("S{n:05}")))
        .collect();
    store.commit_batch(&batch_of(links)).await.unwrap();
    assert_eq!(store.link_counts().await.unwrap()["Account"], 1_234);
    let again: Vec<Link> = (0..1_234)
        .map(|n| {
            let mut l = link(&format!("P{n:05}"), &format!("S{n:05}"));
            l.secondary_deleted = n % 2 == 0;
            l
        })
        .collect();
    store.commit_batch(&batch_of(again)).await.unwrap();
    let links = store.links_of("Account").await.unwrap();
    assert_eq!(links.len(), 1_234);
    assert_eq!(links.iter().filter(|l| l.secondary_deleted).count(), 617);
}
