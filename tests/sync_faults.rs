//! Record sync under failure, against the emulator's fault API: lock errors retried with
//! backoff and logged (Retrying → Resolved, or Failed after the last attempt, then replayed),
//! 503s absorbed, a commit-then-fail never duplicating, the process killed between a write and
//! its commit, a child that arrives before its parent, and thousands of records sharing one
//! SystemModstamp across query pages.

mod apply_support;
mod sync_support;

use apply_support::fault;
use orgsync::state::{LogFilter, LogStatus, QueueStatus};
use orgsync::sync::BulkOptions;
use serde_json::{Value, json};
use sync_support::{Pair, create, query, update};

const CONNECTION: &str = "    direction: one-way
    owner: admin@acme.example";

const SECTIONS: &str = "  records:
    retry: {maxAttempts: 3, initialBackoff: 1s, maxBackoff: 4s}";

const OBJECTS: &str = "    Account:
      publish:
        fields: [Name, Industry, Phone, ParentId]
      deletes: propagate
    Contact:
      publish:
        fields: [FirstName, LastName, AccountId]
      deletes: propagate";

async fn copies(pair: &Pair, object: &str, source_id: &str) -> Vec<Value> {
    query(
        pair.secondary(),
        &format!("SELECT Id, Name FROM {object} WHERE OrgSync_Source_Id__c = '{source_id}'"),
        false,
    )
    .await
}

async fn phone(pair: &Pair, source_id: &str) -> Value {
    query(
        pair.secondary(),
        &format!("SELECT Phone FROM Account WHERE OrgSync_Source_Id__c = '{source_id}'"),
        false,
    )
    .await[0]["Phone"]
        .clone()
}

async fn log(pair: &Pair, engine: &orgsync::sync::Engine, status: LogStatus) -> usize {
    let _ = pair;
    engine
        .store()
        .log_entries(&LogFilter {
            status: Some(status),
            ..LogFilter::default()
        })
        .await
        .unwrap()
        .len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lock_errors_retry_then_fail_then_replay() {
    let pair = Pair::applied(81, CONNECTION, SECTIONS, OBJECTS);
    let engine = pair.engine().await;
    engine.sync_once(None).await.unwrap();
    let mut ids = Vec::new();
    for n in 0..3 {
        ids.push(
            create(
                pair.primary(),
                "Account",
                json!({"Name": format!("Lock {n}")}),
            )
            .await,
        );
    }
    let r = engine.sync_once(None).await.unwrap();
    assert_eq!(
        r.objects["Account"].inserted, 3,
        "only records created after the start"
    );
    for id in &ids {
        update(pair.primary(), "Account", id, json!({"Phone": "42"})).await;
    }
    // The first row of every collection update fails with UNABLE_TO_LOCK_ROW, without end.
    fault(
        pair.secondary(),
        json!({"match": {"method": "PATCH", "path": "/composite/sobjects", "object": "Account", "times": 0},
               "fault": {"kind": "unableToLockRow", "rows": [0]}}),
    )
    .await;
    let r = engine.sync_once(None).await.unwrap();
    assert_eq!(
        (r.objects["Account"].updated, r.objects["Account"].failed),
        (2, 1),
        "one row fails, the others go through"
    );
    assert_eq!(log(&pair, &engine, LogStatus::Retrying).await, 1);
    let queue = engine.store().queue_entries(None).await.unwrap();
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0].status, QueueStatus::Retrying);
    assert_eq!(queue[0].error_code.as_deref(), Some("UNABLE_TO_LOCK_ROW"));
    let failing = queue[0].source_id.clone();

    // Not due yet: nothing is tried.
    let r = engine.sync_once(None).await.unwrap();
    assert_eq!(r.objects["Account"].failed, 0);
    // Due after the backoff; the last attempt marks it Failed (logged once more).
    for _ in 0..2 {
        pair.clock.advance(10);
        engine.sync_once(None).await.unwrap();
    }
    let queue = engine.store().queue_entries(None).await.unwrap();
    assert_eq!(queue[0].status, QueueStatus::Failed);
    assert_eq!(queue[0].attempts, 3);
    assert_eq!(
        log(&pair, &engine, LogStatus::Retrying).await,
        1,
        "one Retrying entry"
    );
    assert_eq!(log(&pair, &engine, LogStatus::Failed).await, 1);
    pair.clock.advance(3600);
    let r = engine.sync_once(None).await.unwrap();
    assert_eq!(
        r.total().failed,
        0,
        "a Failed entry is not retried on its own"
    );

    // The lock clears; replay puts the entry back and it goes through.
    reqwest::Client::new()
        .delete(format!(
            "{}/__emulator/faults",
            pair.secondary().instance_url
        ))
        .send()
        .await
        .unwrap();
    let replayed = engine
        .store()
        .replay_failed(&Default::default(), engine.now_ms())
        .await
        .unwrap();
    assert_eq!(replayed, 1);
    let r = engine.sync_once(None).await.unwrap();
    assert_eq!(r.objects["Account"].updated, 1);
    assert_eq!(phone(&pair, &failing).await, "42");
    assert!(engine.store().queue_entries(None).await.unwrap().is_empty());
    assert_eq!(log(&pair, &engine, LogStatus::Resolved).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transient_and_ambiguous_failures_never_duplicate() {
    let pair = Pair::applied(82, CONNECTION, SECTIONS, OBJECTS);
    let engine = pair.engine().await;
    engine.sync_once(None).await.unwrap();

    // 503 twice: the client's own retries absorb it.
    let a = create(pair.primary(), "Account", json!({"Name": "Busy Co"})).await;
    fault(
        pair.secondary(),
        json!({"match": {"path": "/composite/sobjects", "times": 2}, "fault": {"kind": "http503"}}),
    )
    .await;
    let r = engine.sync_once(None).await.unwrap();
    assert_eq!(r.objects["Account"].inserted, 1);
    assert_eq!(copies(&pair, "Account", &a).await.len(), 1);

    // The write commits, then the answer is an error: queued, retried, still one copy.
    let b = create(pair.primary(), "Account", json!({"Name": "Ambiguous Co"})).await;
    fault(
        pair.secondary(),
        json!({"match": {"method": "PATCH", "path": "/composite/sobjects/Account/*", "times": 1},
               "fault": {"kind": "commitThenFail"}}),
    )
    .await;
    let r = engine.sync_once(None).await.unwrap();
    assert_eq!(r.objects["Account"].failed, 1, "{r:?}");
    assert_eq!(
        copies(&pair, "Account", &b).await.len(),
        1,
        "the write did happen"
    );
    pair.clock.advance(10);
    let r = engine.sync_once(None).await.unwrap();
    assert_eq!(
        r.objects["Account"].inserted, 1,
        "the retry upserts on the key field: {r:?}"
    );
    assert_eq!(
        copies(&pair, "Account", &b).await.len(),
        1,
        "and never duplicates"
    );

    // A read failure stops the cycle without losing anything.
    let c = create(pair.primary(), "Account", json!({"Name": "Later Co"})).await;
    fault(
        pair.primary(),
        json!({"match": {"path": "/queryAll", "times": 0}, "fault": {"kind": "requestLimitExceeded"}}),
    )
    .await;
    assert!(engine.sync_once(None).await.is_err());
    reqwest::Client::new()
        .delete(format!("{}/__emulator/faults", pair.primary().instance_url))
        .send()
        .await
        .unwrap();
    engine.sync_once(None).await.unwrap();
    assert_eq!(
        copies(&pair, "Account", &c).await.len(),
        1,
        "picked up on the next cycle"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_between_write_and_commit_then_restarted() {
    let pair = Pair::applied(83, CONNECTION, SECTIONS, OBJECTS);
    let engine = pair.engine().await;
    engine.sync_once(None).await.unwrap();
    engine.store().close().await;
    drop(engine);
    let db = pair.orgs.dir.path().join("state").join("orgsync.db");
    let saved = pair.orgs.dir.path().join("saved.db");
    std::fs::copy(&db, &saved).unwrap();

    let id = create(pair.primary(), "Account", json!({"Name": "Crash Co"})).await;
    let engine = pair.engine().await;
    let r = engine.sync_once(None).await.unwrap();
    assert_eq!(r.objects["Account"].inserted, 1);
    engine.store().close().await;
    drop(engine);
    // The process dies after the write and before the commit: the store is as it was.
    std::fs::copy(&saved, &db).unwrap();
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }

    let engine = pair.engine().await;
    engine.sync_once(None).await.unwrap();
    assert_eq!(
        copies(&pair, "Account", &id).await.len(),
        1,
        "no duplicate after the restart"
    );
    let links = engine.store().links_of("Account").await.unwrap();
    assert_eq!(
        links.iter().filter(|l| l.primary_id == id).count(),
        1,
        "linked again"
    );
    assert_eq!(engine.sync_once(None).await.unwrap().total().writes(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_child_waits_for_its_parent() {
    let pair = Pair::applied(84, CONNECTION, SECTIONS, OBJECTS);
    let engine = pair.engine().await;
    engine.sync_once(None).await.unwrap();
    let parent = create(pair.primary(), "Account", json!({"Name": "Parent Co"})).await;
    let child = create(
        pair.primary(),
        "Contact",
        json!({"LastName": "Child", "AccountId": parent}),
    )
    .await;
    // Only the child's object is synced: it waits, with the reason.
    let r = engine.sync_once(Some("Contact")).await.unwrap();
    assert_eq!(r.objects["Contact"].waiting, 1);
    let q = engine.store().queue_entries(Some("Contact")).await.unwrap();
    assert_eq!(q[0].status, QueueStatus::Waiting);
    assert_eq!(
        q[0].reason.as_deref(),
        Some(format!("waiting for parent Account {parent}").as_str())
    );
    // The parent arrives first in the next full cycle; the child follows in the same cycle.
    let r = engine.sync_once(None).await.unwrap();
    assert_eq!(r.objects["Account"].inserted, 1);
    assert_eq!(r.objects["Contact"].inserted, 1, "{r:?}");
    let s = query(
        pair.secondary(),
        &format!("SELECT Account.OrgSync_Source_Id__c FROM Contact WHERE OrgSync_Source_Id__c = '{child}'"),
        false,
    )
    .await;
    assert_eq!(
        s[0]["Account"]["OrgSync_Source_Id__c"].as_str(),
        Some(parent.as_str())
    );
    assert!(engine.store().queue_entries(None).await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousands_sharing_one_modstamp_across_pages() {
    let pair = Pair::applied(85, CONNECTION, SECTIONS, OBJECTS);
    let engine = pair.engine().await;
    engine
        .bulk_sync(&BulkOptions::default(), &|_| {})
        .await
        .unwrap();
    engine.sync_once(None).await.unwrap();
    let client = reqwest::Client::new();
    let url = &pair.primary().instance_url;
    client
        .post(format!("{url}/__emulator/clock"))
        .json(&json!({"freeze": "2030-01-01T00:00:00Z"}))
        .send()
        .await
        .unwrap();
    for batch in 0..13 {
        let records: Vec<Value> = (0..200)
            .map(|n| json!({"attributes": {"type": "Account"}, "Name": format!("Same Second {batch}-{n}")}))
            .collect();
        let resp = client
            .post(format!("{url}/services/data/v62.0/composite/sobjects"))
            .bearer_auth(&pair.primary().access_token)
            .json(&json!({"allOrNone": true, "records": records}))
            .send()
            .await
            .unwrap();
        assert!(resp.status().is_success());
    }
    let r = engine.sync_once(None).await.unwrap();
    assert_eq!(
        r.objects["Account"].inserted, 2600,
        "none missed across pages"
    );
    let copies = query(
        pair.secondary(),
        "SELECT Id FROM Account WHERE Name LIKE 'Same Second%'",
        false,
    )
    .await;
    assert_eq!(copies.len(), 2600);
    let r = engine.sync_once(None).await.unwrap();
    assert_eq!(r.total().writes(), 0);

    // 900 updates: five collections of 200 (and one of 100), the five in one composite call.
    let ids: Vec<String> = query(
        pair.primary(),
        "SELECT Id FROM Account WHERE Name LIKE 'Same Second%' ORDER BY Id LIMIT 1100",
        false,
    )
    .await
    .into_iter()
    .map(|r| r["Id"].as_str().unwrap().to_owned())
    .collect();
    for chunk in ids.chunks(200) {
        let records: Vec<Value> = chunk
            .iter()
            .map(|id| json!({"attributes": {"type": "Account"}, "Id": id, "Industry": "Energy"}))
            .collect();
        let resp = client
            .patch(format!("{url}/services/data/v62.0/composite/sobjects"))
            .bearer_auth(&pair.primary().access_token)
            .json(&json!({"allOrNone": true, "records": records}))
            .send()
            .await
            .unwrap();
        assert!(resp.status().is_success());
    }
    let routes = |j: Value, r: &str| j["routes"][r].as_u64().unwrap_or(0);
    let before = apply_support::journal(pair.secondary()).await;
    let r = engine.sync_once(None).await.unwrap();
    assert_eq!(r.objects["Account"].updated, 1100);
    let after = apply_support::journal(pair.secondary()).await;
    assert_eq!(
        routes(after.clone(), "POST /composite") - routes(before.clone(), "POST /composite"),
        1,
        "{after}"
    );
    assert_eq!(
        routes(after.clone(), "PATCH /composite/sobjects")
            - routes(before, "PATCH /composite/sobjects"),
        1,
        "the sixth collection goes alone: {after}"
    );
    let energy = query(
        pair.secondary(),
        "SELECT Id FROM Account WHERE Industry = 'Energy'",
        false,
    )
    .await;
    assert_eq!(energy.len(), 1100);
}
