//! The state store's contract on both backends: a SQLite file, and a PostgreSQL server when
//! `ORGSYNC_TEST_POSTGRES_URL` points at one (scripts/test starts a throwaway server; CI sets
//! `ORGSYNC_REQUIRE_POSTGRES=1` so that a missing server fails instead of skipping).

use std::collections::{BTreeMap, BTreeSet};

use orgsync::state::sync::{
    Batch, Cursor, LogFilter, LogStatus, NewLogEntry, QueueAction, QueueEntry, QueueStatus, Side,
    Suspension,
};
use orgsync::state::{ApplyOutcome, ConnectionState, ObjectState, StepStatus, Store};

/// Exercise every table through the public API and check what reads back.
async fn contract(store: &Store) {
    // Apply: steps, generation, history.
    assert!(store.current_generation().await.unwrap().is_none());
    let run = store.start_apply("plan-fp", 10).await.unwrap();
    store
        .record_step(
            run,
            "plan-fp",
            "key-field:secondary:Account",
            StepStatus::Done,
            None,
            11,
        )
        .await
        .unwrap();
    assert_eq!(
        store.done_steps("plan-fp").await.unwrap(),
        BTreeSet::from(["key-field:secondary:Account".to_owned()])
    );
    let connection = ConnectionState {
        objects: BTreeMap::from([(
            "Account".to_owned(),
            ObjectState {
                published_fields: BTreeSet::from(["Name".to_owned()]),
                subscribed_fields: BTreeMap::from([("Name".to_owned(), "Name".to_owned())]),
                key_field: Some("OrgSync_Source_Id__c".to_owned()),
            },
        )]),
    };
    let generation = store
        .finish_apply(
            run,
            ApplyOutcome::Succeeded,
            Some(("spec-fp", &connection)),
            "1 done",
            12,
        )
        .await
        .unwrap();
    assert_eq!(generation, Some(1));
    let current = store.current_generation().await.unwrap().unwrap();
    assert_eq!(current.connection, connection);
    assert_eq!(store.apply_history(5).await.unwrap().len(), 1);

    // Record sync: one batch with everything, then reads.
    let mut batch = Batch::at(1_000);
    batch.links = vec![orgsync::state::sync::Link {
        object: "Account".into(),
        primary_id: "001A".into(),
        secondary_id: "001X".into(),
        origin: Side::Primary,
        field_hashes: BTreeMap::from([("Name".to_owned(), "abc".to_owned())]),
        primary_deleted: false,
        secondary_deleted: true,
        linked_at_ms: 1_000,
        synced_at_ms: 1_000,
    }];
    batch.cursors = vec![(
        "Account".into(),
        Side::Primary,
        Cursor {
            modstamp_ms: 900,
            last_id: "001A".into(),
        },
    )];
    batch.enqueue = vec![QueueEntry {
        id: 0,
        object: "Contact".into(),
        source: Side::Primary,
        source_id: "003A".into(),
        action: QueueAction::GenericInsert,
        status: QueueStatus::Waiting,
        attempts: 1,
        next_attempt_at_ms: 1_500,
        reason: Some("waiting for parent Account 001B".into()),
        error_code: None,
        created_at_ms: 1_000,
        updated_at_ms: 1_000,
    }];
    batch.log = vec![NewLogEntry {
        at_ms: 1_000,
        object: "Contact".into(),
        source: Side::Primary,
        record_id: "003A".into(),
        action: QueueAction::GenericInsert,
        status: LogStatus::Retrying,
        error_code: Some("UNABLE_TO_LOCK_ROW".into()),
        message: None,
        attempts: 1,
    }];
    batch.activity = vec![("Account".into(), Side::Secondary, 3)];
    store.commit_batch(&batch).await.unwrap();

    let link = store
        .link("Account", Side::Secondary, "001X")
        .await
        .unwrap()
        .unwrap();
    assert!(link.secondary_deleted && !link.primary_deleted);
    assert_eq!(link.field_hashes["Name"], "abc");
    assert_eq!(store.link_counts().await.unwrap()["Account"], 1);
    assert_eq!(store.cursors().await.unwrap().len(), 1);
    assert!(store.due_queue_entries(1_499, 10).await.unwrap().is_empty());
    assert_eq!(store.due_queue_entries(1_500, 10).await.unwrap().len(), 1);
    let log = store
        .log_entries(&LogFilter {
            status: Some(LogStatus::Retrying),
            object: Some("Contact".into()),
            since_ms: Some(500),
            error_code: Some("UNABLE_TO_LOCK_ROW".into()),
            limit: Some(10),
        })
        .await
        .unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(store.records_synced_since(0).await.unwrap()["Account"], 3);
    assert_eq!(store.last_activity().await.unwrap()["Account"], 1_000);
    assert_eq!(store.prune_activity(2_000).await.unwrap(), 1);

    let s = Suspension {
        reason: "maintenance".into(),
        since_ms: 1,
        until_ms: None,
    };
    store.set_suspension(Some(&s)).await.unwrap();
    assert_eq!(store.suspension().await.unwrap(), Some(s));
    assert_eq!(store.hash_key("k1").await.unwrap(), "k1");
    assert_eq!(store.hash_key("k2").await.unwrap(), "k1");
    assert_eq!(store.clear_links(Some("Account")).await.unwrap(), 1);
}

#[tokio::test]
async fn sqlite_file_store_keeps_its_contract() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite://{}/state.db", dir.path().display()))
        .await
        .unwrap();
    contract(&store).await;
}

#[tokio::test]
async fn postgres_store_keeps_its_contract() {
    let Ok(url) = std::env::var("ORGSYNC_TEST_POSTGRES_URL") else {
        assert!(
            std::env::var_os("ORGSYNC_REQUIRE_POSTGRES").is_none(),
            "ORGSYNC_REQUIRE_POSTGRES is set but ORGSYNC_TEST_POSTGRES_URL is not: \
             run the tests through scripts/test, which starts a PostgreSQL server"
        );
        return;
    };
    // A fresh database per run, so the migrations run from the start.
    sqlx::any::install_default_drivers();
    let admin = sqlx::AnyPool::connect(&url).await.unwrap();
    let name = format!("orgsync_test_{}", std::process::id());
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name}"
    )))
    .execute(&admin)
    .await
    .unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&admin)
        .await
        .unwrap();
    let db_url = match url.rsplit_once('/') {
        Some((base, _)) => format!("{base}/{name}"),
        None => panic!("unexpected Postgres URL shape"),
    };
    let store = Store::open(&db_url).await.unwrap();
    contract(&store).await;
    store.close().await;
    // The same database opened again runs no migration twice and keeps the data.
    let again = Store::open(&db_url).await.unwrap();
    assert_eq!(again.current_generation().await.unwrap().unwrap().number, 1);
}
