//! What operators do beside the sync loop, against two default emulated orgs: the inbox of
//! `autoAccept: false` (accept writes, reject drops), `matchOn` linking records that exist on
//! both sides, `reset` rebuilding links without writing, `forward` with children, `deletes:
//! ignore`, suspend and resume — through the engine and through the `orgsync` binary (exit codes,
//! JSON output snapshots).

mod apply_support;
mod sync_support;

use std::collections::BTreeSet;

use apply_support::run;
use orgsync::state::{QueueStatus, Side, Suspension};
use orgsync::sync::{BulkOptions, SyncError};
use serde_json::{Value, json};
use sync_support::{Pair, create, delete, query, undelete, update, writes};

const ONE_WAY: &str = "    direction: one-way
    owner: admin@acme.example";

const SECTIONS: &str = "  records:
    retry: {maxAttempts: 3, initialBackoff: 1s, maxBackoff: 4s}";

/// Copies in the secondary of primary record `id`.
async fn copies(pair: &Pair, object: &str, id: &str) -> Vec<Value> {
    query(
        pair.secondary(),
        &format!("SELECT Id, IsDeleted FROM {object} WHERE OrgSync_Source_Id__c = '{id}'"),
        true,
    )
    .await
}

/// What proves that nothing was written: every synced record of both orgs with its
/// `SystemModstamp` (deleted ones included), and the writes the emulators' journals counted.
/// The emulators' clocks are moved on first, so that a write in the same second would still
/// change a stamp.
async fn untouched(pair: &Pair) -> (Vec<Value>, (u64, u64)) {
    let client = reqwest::Client::new();
    for emu in [pair.primary(), pair.secondary()] {
        let resp = client
            .post(format!("{}/__emulator/clock", emu.instance_url))
            .json(&json!({"advanceSeconds": 2}))
            .send()
            .await
            .unwrap();
        assert!(resp.status().is_success());
    }
    let mut rows = Vec::new();
    for emu in [pair.primary(), pair.secondary()] {
        for object in ["Account", "Contact"] {
            rows.extend(
                query(
                    emu,
                    &format!("SELECT Id, IsDeleted, SystemModstamp FROM {object} ORDER BY Id"),
                    true,
                )
                .await,
            );
        }
    }
    let journal = (writes(pair.primary()).await, writes(pair.secondary()).await);
    (rows, journal)
}

/// Links of `object` as (primary ID, secondary ID).
async fn link_pairs(engine: &orgsync::sync::Engine, object: &str) -> BTreeSet<(String, String)> {
    engine
        .store()
        .links_of(object)
        .await
        .unwrap()
        .into_iter()
        .map(|l| (l.primary_id, l.secondary_id))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_inbox_holds_new_records_until_accepted_or_rejected() {
    let objects = "    Account:
      publish:
        fields: [Name, Phone]
      subscribe:
        autoAccept: false";
    let pair = Pair::applied(91, ONE_WAY, SECTIONS, objects);
    let engine = pair.engine().await;
    engine.sync_once(None).await.unwrap();
    let keep = create(pair.primary(), "Account", json!({"Name": "Inbox Keep"})).await;
    let drop = create(pair.primary(), "Account", json!({"Name": "Inbox Drop"})).await;
    let before = writes(pair.secondary()).await;

    // Held, not written — and not held twice when read again.
    for _ in 0..2 {
        let r = engine.sync_once(None).await.unwrap();
        assert_eq!(r.objects["Account"].held, 2, "{r:?}");
        assert_eq!(r.total().writes(), 0, "{r:?}");
        let inbox = engine.store().inbox_entries(None).await.unwrap();
        let held: BTreeSet<&str> = inbox.iter().map(|e| e.source_id.as_str()).collect();
        assert_eq!(held, BTreeSet::from([keep.as_str(), drop.as_str()]));
        assert!(inbox.iter().all(|e| e.source == Side::Primary));
    }
    assert_eq!(writes(pair.secondary()).await, before, "nothing written");
    assert!(copies(&pair, "Account", &keep).await.is_empty());

    // Accept writes it now; an unknown ID is reported.
    let r = engine
        .inbox(&[keep.clone(), "001000000000000AAA".into()], true)
        .await
        .unwrap();
    assert_eq!(r.taken, 1);
    assert_eq!(r.unknown, vec!["001000000000000AAA".to_owned()]);
    assert_eq!(r.objects["Account"].inserted, 1, "{r:?}");
    assert_eq!(copies(&pair, "Account", &keep).await.len(), 1);

    // Reject drops it without writing.
    let before = writes(pair.secondary()).await;
    let r = engine
        .inbox(std::slice::from_ref(&drop), false)
        .await
        .unwrap();
    assert_eq!((r.taken, r.objects.len()), (1, 0), "{r:?}");
    assert!(engine.store().inbox_entries(None).await.unwrap().is_empty());
    assert_eq!(writes(pair.secondary()).await, before);
    assert!(copies(&pair, "Account", &drop).await.is_empty());

    // The next cycles write nothing: the accepted record is linked, the rejected one stays out
    // of the inbox (it is read again in the overlap window, unchanged).
    for _ in 0..2 {
        let r = engine.sync_once(None).await.unwrap();
        assert_eq!(r.total().writes(), 0, "{r:?}");
        assert!(
            engine.store().inbox_entries(None).await.unwrap().is_empty(),
            "a rejected record does not come back by itself"
        );
    }
    assert_eq!(writes(pair.secondary()).await, before);
    assert!(engine.store().queue_entries(None).await.unwrap().is_empty());

    // Changes to the accepted record flow like any other.
    update(pair.primary(), "Account", &keep, json!({"Phone": "42"})).await;
    let r = engine.sync_once(None).await.unwrap();
    assert_eq!(r.objects["Account"].updated, 1, "{r:?}");

    // A held record forwarded by hand is shared and leaves the inbox.
    let sent = create(pair.primary(), "Account", json!({"Name": "Inbox Forward"})).await;
    assert_eq!(
        engine.sync_once(None).await.unwrap().objects["Account"].held,
        1
    );
    let (r, _) = engine
        .forward("Account", Side::Primary, std::slice::from_ref(&sent), false)
        .await
        .unwrap();
    assert_eq!(r["Account"].inserted, 1, "{r:?}");
    assert!(
        engine.store().inbox_entries(None).await.unwrap().is_empty(),
        "a forwarded record is no longer waiting"
    );
    let r = engine.sync_once(None).await.unwrap();
    assert_eq!(
        (r.objects["Account"].held, r.total().writes()),
        (0, 0),
        "{r:?}"
    );
}

const MATCHED: &str = "    Account:
      publish:
        fields: [Name, Phone, AccountNumber]
      subscribe:
        matchOn: [AccountNumber]
      deletes: propagate
    Contact:
      publish:
        fields: [LastName, Email, AccountId]
      deletes: propagate";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn match_on_links_existing_records_and_reset_rebuilds_links_without_writing() {
    let pair = Pair::applied(92, ONE_WAY, SECTIONS, MATCHED);
    // Records that already exist in the secondary: two match primary accounts by AccountNumber
    // (ACME-0001 is "Acme Holdings", GEN-7 is "Account 7"), one matches nothing.
    let acme = create(
        pair.secondary(),
        "Account",
        json!({"Name": "Acme (DR)", "AccountNumber": "ACME-0001", "Phone": "0"}),
    )
    .await;
    let gen7 = create(
        pair.secondary(),
        "Account",
        json!({"Name": "Seven", "AccountNumber": "GEN-7"}),
    )
    .await;
    let alone = create(
        pair.secondary(),
        "Account",
        json!({"Name": "Only In DR", "AccountNumber": "DR-ONLY"}),
    )
    .await;
    let engine = pair.engine().await;
    let primary_accounts = query(pair.primary(), "SELECT Id FROM Account", false)
        .await
        .len();
    let report = engine
        .bulk_sync(&BulkOptions::default(), &|_| {})
        .await
        .unwrap();
    let a = report.objects["Account"];
    assert_eq!((a.linked, a.failed), (2, 0), "{a:?}");
    assert_eq!(a.inserted as usize, primary_accounts - 2, "{a:?}");
    let secondary = query(
        pair.secondary(),
        "SELECT Id, Name, AccountNumber, OrgSync_Source_Id__c FROM Account",
        false,
    )
    .await;
    assert_eq!(
        secondary.len(),
        primary_accounts + 1,
        "matched records are not copied again"
    );
    for number in ["ACME-0001", "GEN-7"] {
        let same: Vec<&Value> = secondary
            .iter()
            .filter(|r| r["AccountNumber"] == number)
            .collect();
        assert_eq!(same.len(), 1, "{number}: {same:?}");
    }
    // The primary's values flowed to the matched records.
    let by_id = |id: &str| secondary.iter().find(|r| r["Id"] == id).cloned().unwrap();
    assert_eq!(by_id(&acme)["Name"], "Acme Holdings");
    assert_eq!(by_id(&gen7)["Name"], "Account 7");
    assert_eq!(
        by_id(&alone)["Name"],
        "Only In DR",
        "an unmatched record is left alone"
    );
    let contact = &query(
        pair.secondary(),
        "SELECT AccountId FROM Contact WHERE LastName = 'Coyote'",
        false,
    )
    .await[0];
    assert_eq!(
        contact["AccountId"].as_str(),
        Some(acme.as_str()),
        "children of a matched record point at it"
    );
    engine.sync_once(None).await.unwrap();
    assert_eq!(engine.sync_once(None).await.unwrap().total().writes(), 0);

    // Reset: links cleared, then rebuilt from key fields and matchOn, writing nothing.
    let links = (
        link_pairs(&engine, "Account").await,
        link_pairs(&engine, "Contact").await,
    );
    assert_eq!(links.0.len(), primary_accounts);
    let before = untouched(&pair).await;
    let removed = engine.store().clear_links(None).await.unwrap();
    assert_eq!(removed as usize, links.0.len() + links.1.len());
    let report = engine.reset(None).await.unwrap();
    assert_eq!(
        report.linked["Account"] as usize,
        links.0.len(),
        "{report:?}"
    );
    assert_eq!(
        report.linked["Contact"] as usize,
        links.1.len(),
        "{report:?}"
    );
    assert_eq!(
        (
            link_pairs(&engine, "Account").await,
            link_pairs(&engine, "Contact").await
        ),
        links,
        "the same links"
    );
    assert!(untouched(&pair).await == before, "reset writes to no org");
    let r = engine.sync_once(None).await.unwrap();
    assert_eq!(r.total().writes(), 0, "{r:?}");
    assert!(untouched(&pair).await == before, "nor does the next cycle");

    // After a reset, changes flow again, once.
    let p7 = query(
        pair.primary(),
        "SELECT Id FROM Account WHERE AccountNumber = 'GEN-7'",
        false,
    )
    .await[0]["Id"]
        .as_str()
        .unwrap()
        .to_owned();
    update(pair.primary(), "Account", &p7, json!({"Phone": "777"})).await;
    let r = engine.sync_once(None).await.unwrap();
    assert_eq!(r.objects["Account"].updated, 1, "{r:?}");
    assert_eq!(r.total().writes(), 1, "{r:?}");
    let s7 = query(
        pair.secondary(),
        &format!("SELECT Phone FROM Account WHERE Id = '{gen7}'"),
        false,
    )
    .await;
    assert_eq!(s7[0]["Phone"], "777");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forward_copies_a_parent_and_its_children_now() {
    let pair = Pair::applied(93, ONE_WAY, SECTIONS, MATCHED);
    let engine = pair.engine().await;
    engine.sync_once(None).await.unwrap();
    // Globex existed before the sync started: no cycle copies it, forward does.
    let globex = query(
        pair.primary(),
        "SELECT Id FROM Account WHERE Name = 'Globex Corporation'",
        false,
    )
    .await[0]["Id"]
        .as_str()
        .unwrap()
        .to_owned();
    let contacts = query(
        pair.primary(),
        &format!("SELECT Id FROM Contact WHERE AccountId = '{globex}'"),
        false,
    )
    .await;
    assert!(!contacts.is_empty());
    assert_eq!(engine.sync_once(None).await.unwrap().total().writes(), 0);
    assert!(copies(&pair, "Account", &globex).await.is_empty());

    let missing = "001000000000000AAA".to_owned();
    let (report, not_found) = engine
        .forward(
            "Account",
            Side::Primary,
            &[globex.clone(), missing.clone()],
            true,
        )
        .await
        .unwrap();
    assert_eq!(not_found, vec![missing]);
    assert_eq!(report["Account"].inserted, 1, "{report:?}");
    assert_eq!(
        report["Contact"].inserted as usize,
        contacts.len(),
        "{report:?}"
    );
    let account_copy = copies(&pair, "Account", &globex).await;
    assert_eq!(account_copy.len(), 1);
    for c in &contacts {
        let id = c["Id"].as_str().unwrap();
        let copy = query(
            pair.secondary(),
            &format!("SELECT AccountId FROM Contact WHERE OrgSync_Source_Id__c = '{id}'"),
            false,
        )
        .await;
        assert_eq!(copy.len(), 1);
        assert_eq!(
            copy[0]["AccountId"], account_copy[0]["Id"],
            "the child points at the copy"
        );
    }
    // Forwarding again sends every field again but copies nothing twice; then all is quiet.
    let (again, _) = engine
        .forward(
            "Account",
            Side::Primary,
            std::slice::from_ref(&globex),
            true,
        )
        .await
        .unwrap();
    assert_eq!(
        again["Account"].inserted + again["Contact"].inserted,
        0,
        "{again:?}"
    );
    assert_eq!(copies(&pair, "Account", &globex).await.len(), 1);
    assert_eq!(engine.sync_once(None).await.unwrap().total().writes(), 0);

    // One-way: records of the secondary are never forwarded.
    let refused = engine
        .forward(
            "Account",
            Side::Secondary,
            std::slice::from_ref(&globex),
            false,
        )
        .await;
    assert!(matches!(refused, Err(SyncError::Refused(_))), "{refused:?}");
    let unknown = engine
        .forward(
            "Widget__c",
            Side::Primary,
            std::slice::from_ref(&globex),
            false,
        )
        .await;
    assert!(
        matches!(unknown, Err(SyncError::UnknownObject(_))),
        "{unknown:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_deletes_ignore_a_delete_drops_the_link_only() {
    let objects = "    Account:
      publish:
        fields: [Name, Phone]
      deletes: ignore";
    let pair = Pair::applied(94, ONE_WAY, SECTIONS, objects);
    let engine = pair.engine().await;
    engine.sync_once(None).await.unwrap();
    let id = create(pair.primary(), "Account", json!({"Name": "Ignored Delete"})).await;
    assert_eq!(
        engine.sync_once(None).await.unwrap().objects["Account"].inserted,
        1
    );
    let copy = copies(&pair, "Account", &id).await;
    assert_eq!(copy.len(), 1);
    assert_eq!(engine.store().links_of("Account").await.unwrap().len(), 1);

    delete(pair.primary(), "Account", &id).await;
    let before = writes(pair.secondary()).await;
    let r = engine.sync_once(None).await.unwrap();
    assert_eq!(r.total().writes(), 0, "{r:?}");
    assert_eq!(writes(pair.secondary()).await, before, "nothing deleted");
    let copy = copies(&pair, "Account", &id).await;
    assert_eq!(copy[0]["IsDeleted"], false, "the copy stays");
    assert!(
        engine.store().links_of("Account").await.unwrap().is_empty(),
        "the link is dropped"
    );
    assert_eq!(engine.sync_once(None).await.unwrap().total().writes(), 0);

    // Undeleted, it is shared again — onto the same copy (upserted on the key field).
    undelete(pair.primary(), &id).await;
    let r = engine.sync_once(None).await.unwrap();
    assert_eq!(r.objects["Account"].inserted, 1, "{r:?}");
    let copy = copies(&pair, "Account", &id).await;
    assert_eq!(copy.len(), 1, "no duplicate: {copy:?}");
    assert_eq!(engine.store().links_of("Account").await.unwrap().len(), 1);
    assert_eq!(engine.sync_once(None).await.unwrap().total().writes(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_suspended_connection_queues_and_writes_after_resuming() {
    let objects = "    Account:
      publish:
        fields: [Name, Phone]
      deletes: propagate";
    let pair = Pair::applied(95, ONE_WAY, SECTIONS, objects);
    let engine = pair.engine().await;
    engine.sync_once(None).await.unwrap();
    let id = create(pair.primary(), "Account", json!({"Name": "Suspended Co"})).await;
    let now = engine.now_ms();
    engine
        .store()
        .set_suspension(Some(&Suspension {
            reason: "maintenance".into(),
            since_ms: now,
            until_ms: None,
        }))
        .await
        .unwrap();
    let before = writes(pair.secondary()).await;
    for _ in 0..2 {
        let r = engine.sync_once(None).await.unwrap();
        assert!(r.suspended && !r.resumed, "{r:?}");
        assert_eq!(r.total().writes(), 0, "{r:?}");
        let queue = engine.store().queue_entries(None).await.unwrap();
        assert_eq!(queue.len(), 1, "queued once: {queue:?}");
        assert_eq!(
            (queue[0].source_id.as_str(), queue[0].status),
            (id.as_str(), QueueStatus::Pending)
        );
    }
    assert_eq!(
        writes(pair.secondary()).await,
        before,
        "nothing written while suspended"
    );

    // Resumed by hand: the queued change goes out.
    engine.store().set_suspension(None).await.unwrap();
    let r = engine.sync_once(None).await.unwrap();
    assert!(!r.suspended && !r.resumed, "{r:?}");
    assert_eq!(r.objects["Account"].inserted, 1, "{r:?}");
    assert_eq!(copies(&pair, "Account", &id).await.len(), 1);
    assert!(engine.store().queue_entries(None).await.unwrap().is_empty());

    // A suspension whose `until` has passed ends by itself, and the cycle writes.
    engine
        .store()
        .set_suspension(Some(&Suspension {
            reason: "window".into(),
            since_ms: engine.now_ms(),
            until_ms: Some(engine.now_ms() + 60_000),
        }))
        .await
        .unwrap();
    update(pair.primary(), "Account", &id, json!({"Phone": "5"})).await;
    let r = engine.sync_once(None).await.unwrap();
    assert!(r.suspended && r.total().writes() == 0, "{r:?}");
    pair.clock.advance(61);
    let r = engine.sync_once(None).await.unwrap();
    assert!(r.resumed && !r.suspended, "{r:?}");
    assert_eq!(r.objects["Account"].updated, 1, "{r:?}");
    assert!(engine.store().suspension().await.unwrap().is_none());
    assert!(engine.store().queue_entries(None).await.unwrap().is_empty());
    assert_eq!(engine.sync_once(None).await.unwrap().total().writes(), 0);

    // A delete made while suspended goes out after resuming.
    engine
        .store()
        .set_suspension(Some(&Suspension {
            reason: "again".into(),
            since_ms: engine.now_ms(),
            until_ms: None,
        }))
        .await
        .unwrap();
    delete(pair.primary(), "Account", &id).await;
    let r = engine.sync_once(None).await.unwrap();
    assert_eq!(
        (r.objects["Account"].queued, r.total().writes()),
        (1, 0),
        "{r:?}"
    );
    assert_eq!(copies(&pair, "Account", &id).await[0]["IsDeleted"], false);
    engine.store().set_suspension(None).await.unwrap();
    let r = engine.sync_once(None).await.unwrap();
    assert_eq!(r.objects["Account"].deleted, 1, "{r:?}");
    assert_eq!(copies(&pair, "Account", &id).await[0]["IsDeleted"], true);
    assert!(engine.store().queue_entries(None).await.unwrap().is_empty());
}

/// Run `orgsync ARGS` (no canary may be printed) and parse its JSON output.
fn json_run(pair: &Pair, args: &[&str], code: i32) -> Value {
    let out = run(&pair.orgs, args);
    assert_eq!(
        out.code,
        code,
        "orgsync {}:\n{}\n{}",
        args.join(" "),
        out.stdout,
        out.stderr
    );
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "orgsync {}: not JSON ({e}):\n{}",
            args.join(" "),
            out.stdout
        )
    })
}

/// Record IDs and instants vary from run to run.
fn redacted() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.add_filter(r"\b[0-9a-zA-Z]{18}\b", "[ID]");
    s.add_filter(
        r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})",
        "[TIME]",
    );
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sync_commands_through_the_binary() {
    let pair = Pair::applied(96, ONE_WAY, SECTIONS, MATCHED);
    let globex = query(
        pair.primary(),
        "SELECT Id FROM Account WHERE Name = 'Globex Corporation'",
        false,
    )
    .await[0]["Id"]
        .as_str()
        .unwrap()
        .to_owned();
    // A record that exists on both sides before the first sync: linked by matchOn.
    create(
        pair.secondary(),
        "Account",
        json!({"Name": "Acme (DR)", "AccountNumber": "ACME-0001"}),
    )
    .await;

    // The first cycle starts the cursors: what existed is the bulk sync's.
    let first = json_run(&pair, &["sync", "--once", "--format", "json"], 0);
    insta::assert_json_snapshot!("sync_once_first_json", first);

    // Forward a parent with its children; an ID that does not exist makes the exit code 1.
    let forwarded = json_run(
        &pair,
        &[
            "forward",
            "Account",
            &globex,
            "--with-children",
            "--format",
            "json",
        ],
        0,
    );
    insta::assert_json_snapshot!("forward_with_children_json", forwarded);
    let missing = json_run(
        &pair,
        &[
            "forward",
            "Account",
            "001000000000000AAA",
            "--format",
            "json",
        ],
        1,
    );
    insta::assert_json_snapshot!("forward_missing_json", missing);
    let out = run(
        &pair.orgs,
        &["forward", "Account", &globex, "--from", "secondary"],
    );
    assert_eq!(out.code, 1, "one-way: {}", out.stderr);
    assert!(out.stderr.contains("one-way"), "{}", out.stderr);

    // Bulk sync copies the rest (Globex and its contacts are linked already), once.
    let bulk = run(&pair.orgs, &["bulk-sync", "--format", "json"]);
    assert_eq!(bulk.code, 0, "{}", bulk.stderr);
    let bulk: Value = serde_json::from_str(&bulk.stdout).unwrap();
    insta::assert_json_snapshot!("bulk_sync_json", bulk);
    let again = json_run(&pair, &["bulk-sync", "--format", "json"], 0);
    for counts in again["bulkSync"]["objects"].as_object().unwrap().values() {
        assert_eq!(
            (counts["inserted"].as_u64(), counts["linked"].as_u64()),
            (Some(0), Some(0)),
            "{again}"
        );
    }
    let text = run(&pair.orgs, &["bulk-sync", "--object", "Contact"]);
    assert_eq!(text.code, 0);
    assert!(
        text.stdout.contains("bulk sync: 0 record(s) written"),
        "{}",
        text.stdout
    );
    assert!(
        text.stderr.contains("bulk sync: Contact from the primary"),
        "{}",
        text.stderr
    );

    // Reset rebuilds every link and writes nothing; the next cycle writes nothing either.
    let before = untouched(&pair).await;
    let reset = json_run(&pair, &["reset", "--format", "json"], 0);
    insta::assert_json_snapshot!("reset_json", reset);
    let reset_text = run(&pair.orgs, &["reset", "--object", "Account"]);
    assert_eq!(reset_text.code, 0);
    assert!(
        reset_text
            .stdout
            .contains("no record was changed in either org"),
        "{}",
        reset_text.stdout
    );
    let cycle = json_run(&pair, &["sync", "--once", "--format", "json"], 0);
    for counts in cycle["cycle"]["objects"].as_object().unwrap().values() {
        for what in [
            "inserted",
            "updated",
            "deleted",
            "undeleted",
            "failed",
            "waiting",
        ] {
            assert_eq!(counts[what], 0, "{what}: {cycle}");
        }
    }
    assert!(
        untouched(&pair).await == before,
        "reset and the cycle after it wrote nothing"
    );

    // An object that is not synced: exit 1, and the reason.
    let out = run(&pair.orgs, &["sync", "--once", "--object", "Widget__c"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("Widget__c"), "{}", out.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_inbox_through_the_binary() {
    let objects = "    Account:
      publish:
        fields: [Name, Phone]
      subscribe:
        autoAccept: false";
    let pair = Pair::applied(97, ONE_WAY, SECTIONS, objects);
    assert_eq!(run(&pair.orgs, &["sync", "--once"]).code, 0);
    let keep = create(pair.primary(), "Account", json!({"Name": "CLI Keep"})).await;
    let drop = create(pair.primary(), "Account", json!({"Name": "CLI Drop"})).await;

    let held = json_run(&pair, &["sync", "--once", "--format", "json"], 0);
    assert_eq!(held["cycle"]["objects"]["Account"]["held"], 2, "{held}");
    let listed = json_run(&pair, &["inbox", "--format", "json"], 0);
    let ids: BTreeSet<&str> = listed["inbox"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["recordId"].as_str())
        .collect();
    assert_eq!(ids, BTreeSet::from([keep.as_str(), drop.as_str()]));
    redacted().bind(|| insta::assert_json_snapshot!("inbox_list_json", listed));
    let text = run(&pair.orgs, &["inbox"]);
    assert_eq!(text.code, 0);
    assert!(
        text.stdout.contains(&keep) && text.stdout.contains("2 record(s) wait"),
        "{}",
        text.stdout
    );

    let accepted = json_run(&pair, &["inbox", "accept", &keep, "--format", "json"], 0);
    insta::assert_json_snapshot!("inbox_accept_json", accepted);
    assert_eq!(copies(&pair, "Account", &keep).await.len(), 1);
    let before = writes(pair.secondary()).await;
    let rejected = json_run(&pair, &["inbox", "reject", &drop, "--format", "json"], 0);
    insta::assert_json_snapshot!("inbox_reject_json", rejected);
    let unknown = json_run(
        &pair,
        &["inbox", "accept", "001000000000000AAA", "--format", "json"],
        1,
    );
    assert_eq!(
        unknown["inbox"]["unknown"],
        json!(["001000000000000AAA"]),
        "{unknown}"
    );

    let empty = json_run(&pair, &["inbox", "--format", "json"], 0);
    assert_eq!(empty["inbox"], json!([]), "{empty}");
    let cycle = json_run(&pair, &["sync", "--once", "--format", "json"], 0);
    assert_eq!(cycle["cycle"]["objects"]["Account"]["held"], 0, "{cycle}");
    assert_eq!(
        json_run(&pair, &["inbox", "--format", "json"], 0)["inbox"],
        json!([])
    );
    assert_eq!(
        writes(pair.secondary()).await,
        before,
        "the rejected record is not written"
    );
    assert!(copies(&pair, "Account", &drop).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_way_forward_from_the_secondary_and_reset() {
    let connection = "    direction: two-way
    owner: admin@acme.example";
    let pair = Pair::applied(98, connection, SECTIONS, MATCHED);
    let engine = pair.engine().await;
    engine.sync_once(None).await.unwrap();
    // Made in the secondary and forwarded by hand, with its child.
    let sa = create(pair.secondary(), "Account", json!({"Name": "From DR"})).await;
    let sc = create(
        pair.secondary(),
        "Contact",
        json!({"LastName": "Child Of DR", "AccountId": sa}),
    )
    .await;
    let (r, missing) = engine
        .forward("Account", Side::Secondary, std::slice::from_ref(&sa), true)
        .await
        .unwrap();
    assert!(missing.is_empty());
    assert_eq!(
        (r["Account"].inserted, r["Contact"].inserted),
        (1, 1),
        "{r:?}"
    );
    let pc = query(
        pair.primary(),
        &format!(
            "SELECT AccountId, Account.OrgSync_Source_Id__c FROM Contact WHERE OrgSync_Source_Id__c = '{sc}'"
        ),
        false,
    )
    .await;
    assert_eq!(pc.len(), 1);
    assert_eq!(
        pc[0]["Account"]["OrgSync_Source_Id__c"].as_str(),
        Some(sa.as_str())
    );
    // Made in the primary and synced.
    create(pair.primary(), "Account", json!({"Name": "From Primary"})).await;
    let r = engine.sync_once(None).await.unwrap();
    assert_eq!(r.objects["Account"].inserted, 1, "{r:?}");
    let r = engine.sync_once(None).await.unwrap();
    assert_eq!(r.total().writes(), 0, "{r:?}");

    // Reset finds the copies in both orgs by their key fields.
    let links = (
        link_pairs(&engine, "Account").await,
        link_pairs(&engine, "Contact").await,
    );
    assert_eq!((links.0.len(), links.1.len()), (2, 1));
    let before = untouched(&pair).await;
    engine.store().clear_links(None).await.unwrap();
    let report = engine.reset(None).await.unwrap();
    assert_eq!(
        (
            link_pairs(&engine, "Account").await,
            link_pairs(&engine, "Contact").await
        ),
        links,
        "{report:?}"
    );
    let r = engine.sync_once(None).await.unwrap();
    assert_eq!(r.total().writes(), 0, "{r:?}");
    assert!(
        untouched(&pair).await == before,
        "reset and the cycle after it wrote nothing"
    );
    // And changes flow both ways again.
    update(pair.secondary(), "Account", &sa, json!({"Phone": "1"})).await;
    let r = engine.sync_once(None).await.unwrap();
    assert_eq!(r.objects["Account"].updated, 1, "{r:?}");
    assert_eq!(engine.sync_once(None).await.unwrap().total().writes(), 0);
}
