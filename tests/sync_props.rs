//! A property of the record-sync engine over random user work on two default emulated orgs:
//! Accounts and Contacts (looking up to Accounts) created, updated, moved, deleted and undeleted
//! in either org, in random interleavings with sync cycles (also of Accounts only), bulk syncs
//! and forwards, then cycles until one writes nothing. Afterwards every link has equal synced
//! fields in both orgs (lookups compared through the links), no record has two copies, no copied
//! lookup points anywhere but at the copy of its parent, deleted state agrees across every link,
//! every live record is shared, and whatever did not converge is visible (a queue entry or a
//! Failed/Retrying log entry). Two-way runs each conflict policy. The one-way variant does the
//! work in the primary only, and there nothing may fail at all (no second actor, no conflict);
//! the fixed cases at the end are work the property found, kept as regressions.
//!
//! Each case starts two emulators and applies the spec with the binary, so the case count is
//! small; every case has its own seed (the seed names the token variables).

mod apply_support;
mod sync_support;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicU64, Ordering};

use orgsync::emulator::server::RunningEmulator;
use orgsync::state::{LogFilter, LogStatus, Side};
use orgsync::sync::{BulkOptions, Engine};
use proptest::prelude::*;
use serde_json::{Value, json};
use sync_support::{Pair, create, delete, query, update};

/// Seeds of the cases: unique per case (and per shrinking run).
static SEED: AtomicU64 = AtomicU64::new(400);

const TWO_WAY: &str = "    direction: two-way
    owner: admin@acme.example";

const ONE_WAY: &str = "    direction: one-way
    owner: admin@acme.example";

const OBJECTS: &str = "    Account:
      publish:
        fields: [Name, Phone]
      deletes: propagate
    Contact:
      publish:
        fields: [LastName, Email, AccountId, Languages__c]
      deletes: propagate";

/// Most cycles after the user's work before the connection must be quiet.
const MAX_CYCLES: usize = 8;

fn sections(policy: &str) -> String {
    format!(
        "  records:
    conflicts: {policy}
    retry: {{maxAttempts: 3, initialBackoff: 1s, maxBackoff: 4s}}"
    )
}

/// Which of the test's records (in ID order) an operation acts on: taken modulo their number.
type Pick = u16;

/// What a user does.
#[derive(Debug, Clone)]
enum Op {
    CreateAccount {
        side: Side,
    },
    CreateContact {
        side: Side,
        account: Option<Pick>,
    },
    /// field 0: Name, 1: Phone (set), 2: Phone (cleared).
    UpdateAccount {
        side: Side,
        target: Pick,
        field: u8,
    },
    /// field 0: LastName, 1: Email, 2: Languages__c.
    UpdateContact {
        side: Side,
        target: Pick,
        field: u8,
    },
    /// Point a Contact at another Account (or none).
    MoveContact {
        side: Side,
        target: Pick,
        account: Option<Pick>,
    },
    Delete {
        side: Side,
        contact: bool,
        target: Pick,
    },
    Undelete {
        side: Side,
        contact: bool,
        target: Pick,
    },
    /// A sync cycle between the user's changes.
    Sync,
    /// A cycle of Accounts only (`orgsync sync --once --object Account`).
    SyncAccounts,
    /// A bulk sync (`orgsync bulk-sync`).
    Bulk,
    /// An Account forwarded by hand with its Contacts (`orgsync forward --with-children`).
    Forward {
        side: Side,
        target: Pick,
    },
}

fn op(two_way: bool) -> impl Strategy<Value = Op> {
    let side = if two_way {
        prop_oneof![Just(Side::Primary), Just(Side::Secondary)].boxed()
    } else {
        Just(Side::Primary).boxed()
    };
    prop_oneof![
        3 => side.clone().prop_map(|side| Op::CreateAccount { side }),
        3 => (side.clone(), any::<Option<Pick>>())
            .prop_map(|(side, account)| Op::CreateContact { side, account }),
        3 => (side.clone(), any::<Pick>(), 0..3u8)
            .prop_map(|(side, target, field)| Op::UpdateAccount { side, target, field }),
        3 => (side.clone(), any::<Pick>(), 0..3u8)
            .prop_map(|(side, target, field)| Op::UpdateContact { side, target, field }),
        2 => (side.clone(), any::<Pick>(), any::<Option<Pick>>())
            .prop_map(|(side, target, account)| Op::MoveContact { side, target, account }),
        3 => (side.clone(), any::<bool>(), any::<Pick>())
            .prop_map(|(side, contact, target)| Op::Delete { side, contact, target }),
        3 => (side.clone(), any::<bool>(), any::<Pick>())
            .prop_map(|(side, contact, target)| Op::Undelete { side, contact, target }),
        4 => Just(Op::Sync),
        1 => Just(Op::SyncAccounts),
        1 => Just(Op::Bulk),
        1 => (side, any::<Pick>()).prop_map(|(side, target)| Op::Forward { side, target }),
    ]
}

fn policy() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("primary-wins"),
        Just("secondary-wins"),
        Just("latest-wins"),
        Just("merge-fields"),
    ]
}

fn emu(pair: &Pair, side: Side) -> &RunningEmulator {
    match side {
        Side::Primary => pair.primary(),
        Side::Secondary => pair.secondary(),
    }
}

/// The test's records of `object` in an org (every record the test made and every copy carries
/// the `PT-` prefix), deleted ones included, by ID.
async fn records(pair: &Pair, side: Side, object: &str, two_way: bool) -> BTreeMap<String, Value> {
    let key = if two_way || side == Side::Secondary {
        ", OrgSync_Source_Id__c"
    } else {
        ""
    };
    let soql = match object {
        "Account" => {
            format!("SELECT Id, IsDeleted, Name, Phone{key} FROM Account WHERE Name LIKE 'PT-%'")
        }
        _ => format!(
            "SELECT Id, IsDeleted, LastName, Email, AccountId, Languages__c{key} FROM Contact WHERE LastName LIKE 'PT-%'"
        ),
    };
    query(emu(pair, side), &soql, true)
        .await
        .into_iter()
        .filter_map(|r| r["Id"].as_str().map(|id| (id.to_owned(), r.clone())))
        .collect()
}

/// IDs of the test's records of `object` in `side`, live or deleted, in ID order.
async fn ids(pair: &Pair, side: Side, object: &str, deleted: bool, two_way: bool) -> Vec<String> {
    records(pair, side, object, two_way)
        .await
        .into_iter()
        .filter(|(_, r)| r["IsDeleted"].as_bool() == Some(deleted))
        .map(|(id, _)| id)
        .collect()
}

/// Undelete one record; `false` when the org refuses (a Contact whose Account is deleted).
async fn try_undelete(emu: &RunningEmulator, id: &str) -> bool {
    let body = format!(
        r#"<?xml version="1.0" encoding="utf-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:partner.soap.sforce.com"><soapenv:Header><urn:SessionHeader><urn:sessionId>{}</urn:sessionId></urn:SessionHeader></soapenv:Header><soapenv:Body><urn:undelete><urn:ids>{id}</urn:ids></urn:undelete></soapenv:Body></soapenv:Envelope>"#,
        emu.access_token
    );
    let resp = reqwest::Client::new()
        .post(format!("{}/services/Soap/u/62.0", emu.instance_url))
        .header("Content-Type", "text/xml; charset=UTF-8")
        .header("SOAPAction", "undelete")
        .body(body)
        .send()
        .await
        .unwrap();
    let text = resp.text().await.unwrap();
    text.contains("<success>true</success>")
}

/// Carry out one user operation; `n` makes every value unique.
async fn perform(pair: &Pair, engine: &Engine, op: &Op, n: usize, two_way: bool) {
    let pick = |list: &[String], i: &Pick| -> Option<String> {
        (!list.is_empty()).then(|| list[usize::from(*i) % list.len()].clone())
    };
    match op {
        Op::CreateAccount { side } => {
            create(
                emu(pair, *side),
                "Account",
                json!({"Name": format!("PT-A{n}"), "Phone": format!("555-{n}")}),
            )
            .await;
        }
        Op::CreateContact { side, account } => {
            let accounts = ids(pair, *side, "Account", false, two_way).await;
            let account = account.as_ref().and_then(|i| pick(&accounts, i));
            create(
                emu(pair, *side),
                "Contact",
                json!({
                    "LastName": format!("PT-C{n}"),
                    "Email": format!("c{n}@example.com"),
                    "Languages__c": format!("lang{n}"),
                    "AccountId": account,
                }),
            )
            .await;
        }
        Op::UpdateAccount {
            side,
            target,
            field,
        } => {
            let live = ids(pair, *side, "Account", false, two_way).await;
            let Some(id) = pick(&live, target) else {
                return;
            };
            let change = match field {
                0 => json!({"Name": format!("PT-A{n}-renamed")}),
                1 => json!({"Phone": format!("555-{n}")}),
                _ => json!({"Phone": null}),
            };
            update(emu(pair, *side), "Account", &id, change).await;
        }
        Op::UpdateContact {
            side,
            target,
            field,
        } => {
            let live = ids(pair, *side, "Contact", false, two_way).await;
            let Some(id) = pick(&live, target) else {
                return;
            };
            let change = match field {
                0 => json!({"LastName": format!("PT-C{n}-renamed")}),
                1 => json!({"Email": format!("c{n}@example.org")}),
                _ => json!({"Languages__c": format!("lang{n};other")}),
            };
            update(emu(pair, *side), "Contact", &id, change).await;
        }
        Op::MoveContact {
            side,
            target,
            account,
        } => {
            let live = ids(pair, *side, "Contact", false, two_way).await;
            let Some(id) = pick(&live, target) else {
                return;
            };
            let accounts = ids(pair, *side, "Account", false, two_way).await;
            let account = account.as_ref().and_then(|i| pick(&accounts, i));
            update(
                emu(pair, *side),
                "Contact",
                &id,
                json!({ "AccountId": account }),
            )
            .await;
        }
        Op::Delete {
            side,
            contact,
            target,
        } => {
            let object = if *contact { "Contact" } else { "Account" };
            let live = ids(pair, *side, object, false, two_way).await;
            if let Some(id) = pick(&live, target) {
                delete(emu(pair, *side), object, &id).await;
            }
        }
        Op::Undelete {
            side,
            contact,
            target,
        } => {
            let object = if *contact { "Contact" } else { "Account" };
            let gone = ids(pair, *side, object, true, two_way).await;
            let Some(id) = pick(&gone, target) else {
                return;
            };
            if *contact {
                // A Contact whose Account is in the recycle bin is left there: the emulator
                // restores it still naming that Account, and one-way the secondary's cascade
                // of the Account's delete then takes its copy unseen (what Salesforce does
                // with such an undelete is not pinned down; a known limitation).
                let contacts = records(pair, *side, "Contact", two_way).await;
                let accounts = records(pair, *side, "Account", two_way).await;
                let parent_gone = contacts[&id]["AccountId"]
                    .as_str()
                    .and_then(|a| accounts.get(a))
                    .is_some_and(|a| a["IsDeleted"] == json!(true));
                if parent_gone {
                    return;
                }
            }
            // A Contact deleted with its Account comes back only with it: refused then.
            let _ = try_undelete(emu(pair, *side), &id).await;
        }
        Op::Sync => {
            engine.sync_once(None).await.expect("a cycle");
            pair.clock.advance(5);
        }
        Op::Bulk => {
            engine
                .bulk_sync(&BulkOptions::default(), &|_| {})
                .await
                .expect("a bulk sync");
            pair.clock.advance(5);
        }
        Op::Forward { side, target } => {
            let live = ids(pair, *side, "Account", false, two_way).await;
            if let Some(id) = pick(&live, target) {
                engine
                    .forward("Account", *side, &[id], true)
                    .await
                    .expect("a forward");
            }
        }
        Op::SyncAccounts => {
            engine.sync_once(Some("Account")).await.expect("a cycle");
            pair.clock.advance(5);
        }
    }
}

/// Record IDs (either org) that have a queue entry or a Failed/Retrying log entry.
async fn visible_failures(engine: &Engine) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = engine
        .store()
        .queue_entries(None)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.source_id)
        .collect();
    for status in [LogStatus::Failed, LogStatus::Retrying] {
        let log = engine
            .store()
            .log_entries(&LogFilter {
                status: Some(status),
                ..LogFilter::default()
            })
            .await
            .unwrap();
        out.extend(log.into_iter().map(|e| e.entry.record_id));
    }
    out
}

/// Queue and log entries that no work in one org can explain. Only a record whose parent is
/// deleted in its org (so it can never be linked) may wait for it and give up.
async fn unexpected_failures(pair: &Pair, engine: &Engine, two_way: bool) -> Vec<String> {
    let mut out = Vec::new();
    for e in engine.store().queue_entries(None).await.unwrap() {
        let parent = e
            .reason
            .as_deref()
            .and_then(|r| r.strip_prefix("waiting for parent Account "))
            .and_then(|r| r.split(';').next())
            .map(str::to_owned);
        let parent_deleted = match &parent {
            Some(id) => records(pair, e.source, "Account", two_way)
                .await
                .get(id)
                .is_some_and(|a| a["IsDeleted"] == json!(true)),
            None => false,
        };
        if !parent_deleted {
            out.push(format!("{e:?}"));
        }
    }
    for status in [LogStatus::Failed, LogStatus::Retrying] {
        let log = engine
            .store()
            .log_entries(&LogFilter {
                status: Some(status),
                ..LogFilter::default()
            })
            .await
            .unwrap();
        out.extend(
            log.into_iter()
                .filter(|e| e.entry.error_code.as_deref() != Some("PARENT_NOT_LINKED"))
                .map(|e| format!("{:?}", e.entry)),
        );
    }
    out
}

/// The property, checked on the orgs and the store; `Err` says what is wrong.
async fn check(pair: &Pair, engine: &Engine, two_way: bool) -> Result<(), String> {
    let failures = visible_failures(engine).await;
    let mut problems: Vec<String> = Vec::new();
    let mut account_map: BTreeMap<String, String> = BTreeMap::new();
    let account_links = engine.store().links_of("Account").await.unwrap();
    for l in &account_links {
        account_map.insert(l.primary_id.clone(), l.secondary_id.clone());
    }
    for (object, fields) in [
        ("Account", &["Name", "Phone"][..]),
        (
            "Contact",
            &["LastName", "Email", "AccountId", "Languages__c"][..],
        ),
    ] {
        let p = records(pair, Side::Primary, object, two_way).await;
        let s = records(pair, Side::Secondary, object, two_way).await;
        let links = engine.store().links_of(object).await.unwrap();

        // No duplicates: a key value names at most one record per org, and a record has at
        // most one link.
        for (side, recs) in [(Side::Primary, &p), (Side::Secondary, &s)] {
            let mut by_key: BTreeMap<&str, usize> = BTreeMap::new();
            for r in recs.values() {
                if let Some(k) = r["OrgSync_Source_Id__c"].as_str() {
                    *by_key.entry(k).or_default() += 1;
                }
            }
            for (k, count) in by_key.into_iter().filter(|(_, c)| *c > 1) {
                problems.push(format!("{object}: {count} copies of {k} in the {side}"));
            }
        }
        let mut seen: [BTreeSet<&str>; 2] = Default::default();
        for l in &links {
            if !seen[0].insert(&l.primary_id) || !seen[1].insert(&l.secondary_id) {
                problems.push(format!(
                    "{object}: record in two links ({} / {})",
                    l.primary_id, l.secondary_id
                ));
            }
        }

        // Every link: both records exist, deleted state agrees, the copy names its origin, and
        // live pairs hold equal values.
        for l in &links {
            let flagged = failures.contains(&l.primary_id) || failures.contains(&l.secondary_id);
            let (pr, sr) = (p.get(&l.primary_id), s.get(&l.secondary_id));
            if pr.is_none() && sr.is_none() {
                // A link of the fixture's records (a bulk sync copies them too).
                continue;
            }
            let (Some(pr), Some(sr)) = (pr, sr) else {
                problems.push(format!(
                    "{object}: link {} / {} names a record that does not exist",
                    l.primary_id, l.secondary_id
                ));
                continue;
            };
            let (copy, origin_id) = match l.origin {
                Side::Primary => (sr, &l.primary_id),
                Side::Secondary => (pr, &l.secondary_id),
            };
            if copy["OrgSync_Source_Id__c"].as_str() != Some(origin_id.as_str()) {
                problems.push(format!(
                    "{object}: the copy of {origin_id} carries key {}",
                    copy["OrgSync_Source_Id__c"]
                ));
            }
            if flagged {
                continue;
            }
            let (pd, sd) = (
                pr["IsDeleted"] == json!(true),
                sr["IsDeleted"] == json!(true),
            );
            if pd != sd {
                problems.push(format!(
                    "{object}: {} deleted={pd} but {} deleted={sd}",
                    l.primary_id, l.secondary_id
                ));
                continue;
            }
            if (l.primary_deleted, l.secondary_deleted) != (pd, sd) {
                problems.push(format!(
                    "{object}: link {} / {} says deleted {:?}, the orgs say {:?}",
                    l.primary_id,
                    l.secondary_id,
                    (l.primary_deleted, l.secondary_deleted),
                    (pd, sd)
                ));
            }
            if pd {
                continue;
            }
            for f in fields {
                let pv = &pr[*f];
                let sv = &sr[*f];
                let equal = if *f == "AccountId" {
                    match (pv.as_str(), sv.as_str()) {
                        (None, None) => true,
                        (Some(pa), Some(sa)) => account_map.get(pa).map(String::as_str) == Some(sa),
                        _ => false,
                    }
                } else if *f == "Languages__c" && !two_way {
                    // The secondary's active ContactTrigger_Normalize upper-cases the value a
                    // copy is inserted with; one-way, nothing reads it back.
                    pv == sv || pv.as_str().map(str::to_uppercase).as_deref() == sv.as_str()
                } else {
                    pv == sv
                };
                if !equal {
                    problems.push(format!(
                        "{object}: {f} differs: {} = {pv} but {} = {sv}",
                        l.primary_id, l.secondary_id
                    ));
                }
            }
        }

        // Every live record is linked (or its failure is visible); a deleted one may never
        // have been shared.
        for (side, recs) in [(Side::Primary, &p), (Side::Secondary, &s)] {
            for (id, r) in recs {
                let linked = seen[match side {
                    Side::Primary => 0,
                    Side::Secondary => 1,
                }]
                .contains(id.as_str());
                if !linked && r["IsDeleted"] != json!(true) && !failures.contains(id) {
                    problems.push(format!("{object}: {id} in the {side} was never shared"));
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

/// Run the user's work and the cycles, then check the property. `strict`: nothing may fail
/// at all (work in one org only leaves no conflict that could make a write fail).
fn run_case(two_way: bool, policy: &str, ops: &[Op], strict: bool) -> Result<(), TestCaseError> {
    let seed = SEED.fetch_add(1, Ordering::SeqCst);
    let pair = Pair::applied(
        seed,
        if two_way { TWO_WAY } else { ONE_WAY },
        &sections(policy),
        OBJECTS,
    );
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let engine = pair.engine().await;
        // Start the cursors: what the test does comes after.
        engine.sync_once(None).await.expect("the first cycle");
        for (n, op) in ops.iter().enumerate() {
            perform(&pair, &engine, op, n, two_way).await;
        }
        let mut quiet = false;
        let mut reports = Vec::new();
        for _ in 0..MAX_CYCLES {
            pair.clock.advance(10);
            let r = engine.sync_once(None).await.expect("a cycle");
            let t = r.total();
            reports.push(t);
            if t.writes() == 0 && t.failed == 0 && t.waiting == 0 {
                quiet = true;
                break;
            }
        }
        prop_assert!(quiet, "not quiet after {MAX_CYCLES} cycles: {reports:#?}");
        if strict {
            let unexpected = unexpected_failures(&pair, &engine, two_way).await;
            prop_assert!(
                unexpected.is_empty(),
                "nothing may fail here: {unexpected:#?}"
            );
        }
        if let Err(problems) = check(&pair, &engine, two_way).await {
            let queue = engine.store().queue_entries(None).await.unwrap();
            return Err(TestCaseError::fail(format!(
                "{problems}\nqueue: {queue:#?}\ncycles: {reports:#?}"
            )));
        }
        Ok(())
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 10,
        max_shrink_iters: 40,
        ..ProptestConfig::default()
    })]

    /// Two-way, with each conflict policy: both orgs converge.
    #[test]
    fn two_way_random_work_converges(
        policy in policy(),
        ops in prop::collection::vec(op(true), 6..32),
    ) {
        run_case(true, policy, &ops, false)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 4,
        max_shrink_iters: 40,
        ..ProptestConfig::default()
    })]

    /// One-way: work in the primary reaches the secondary exactly.
    #[test]
    fn one_way_random_work_converges(ops in prop::collection::vec(op(false), 6..32)) {
        run_case(false, "primary-wins", &ops, true)?;
    }
}

impl Op {
    /// The org the operation works in (none for a cycle).
    fn side_mut(&mut self) -> Option<&mut Side> {
        match self {
            Op::CreateAccount { side }
            | Op::CreateContact { side, .. }
            | Op::UpdateAccount { side, .. }
            | Op::UpdateContact { side, .. }
            | Op::MoveContact { side, .. }
            | Op::Delete { side, .. }
            | Op::Undelete { side, .. }
            | Op::Forward { side, .. } => Some(side),
            Op::Sync | Op::SyncAccounts | Op::Bulk => None,
        }
    }
}

/// Work found by the property (or known to be hard) as fixed cases, where nothing may fail:
/// as written and mirrored (each org's work done in the other) in a two-way connection, and as
/// written in a one-way one when all of it is done in the primary.
fn fixed(ops: Vec<Op>) {
    let mut mirrored = ops.clone();
    for side in mirrored.iter_mut().filter_map(Op::side_mut) {
        *side = side.other();
    }
    let mut runs = vec![(true, "as written", &ops), (true, "mirrored", &mirrored)];
    if ops
        .clone()
        .iter_mut()
        .all(|op| op.side_mut().is_none_or(|s| *s == Side::Primary))
    {
        runs.push((false, "as written", &ops));
    }
    for (two_way, how, ops) in runs {
        if let Err(e) = run_case(two_way, "primary-wins", ops, true) {
            panic!("two-way {two_way}, {how}: {e}");
        }
    }
}

/// Found by the property: an undelete (with a change) was bounced back as a delete by the
/// re-read of the other org's record, deleted by our own earlier write.
#[test]
fn an_undelete_with_a_change_is_not_bounced_back() {
    let ops = vec![
        Op::CreateContact {
            side: Side::Primary,
            account: None,
        },
        Op::Sync,
        Op::Delete {
            side: Side::Primary,
            contact: true,
            target: 0,
        },
        Op::Sync,
        Op::Sync,
        Op::Undelete {
            side: Side::Primary,
            contact: true,
            target: 0,
        },
        Op::UpdateContact {
            side: Side::Primary,
            target: 0,
            field: 1,
        },
    ];
    fixed(ops);
}

/// Found by the property: a change made in one org just before the other org deleted the
/// record was recorded as synced; after the undelete the two orgs differed for good.
#[test]
fn a_change_beside_a_delete_flows_after_the_undelete() {
    let ops = vec![
        Op::CreateContact {
            side: Side::Primary,
            account: None,
        },
        Op::Sync,
        Op::UpdateContact {
            side: Side::Secondary,
            target: 0,
            field: 1,
        },
        Op::Delete {
            side: Side::Primary,
            contact: true,
            target: 0,
        },
        Op::Sync,
        Op::Undelete {
            side: Side::Primary,
            contact: true,
            target: 0,
        },
    ];
    fixed(ops);
}

/// An account merge: a Contact moves to another Account and its old Account is deleted between
/// two cycles. The move must reach the other org before the delete, whose cascade there would
/// otherwise take the Contact's copy with it.
#[test]
fn a_contact_moved_off_a_deleted_account_survives() {
    let ops = vec![
        Op::CreateAccount {
            side: Side::Primary,
        },
        Op::CreateAccount {
            side: Side::Primary,
        },
        Op::CreateContact {
            side: Side::Primary,
            account: Some(0),
        },
        Op::Sync,
        Op::MoveContact {
            side: Side::Primary,
            target: 0,
            account: Some(1),
        },
        Op::Delete {
            side: Side::Primary,
            contact: false,
            target: 0,
        },
    ];
    fixed(ops);
}

/// An Account deleted and undeleted with its Contact (the org's cascade): the other org's
/// cascade restores the Contact's copy with its Account's, and nothing fails.
#[test]
fn a_cascade_undelete_is_not_sent_twice() {
    let ops = vec![
        Op::CreateAccount {
            side: Side::Primary,
        },
        Op::CreateContact {
            side: Side::Primary,
            account: Some(0),
        },
        Op::Sync,
        Op::Delete {
            side: Side::Primary,
            contact: false,
            target: 0,
        },
        Op::Sync,
        Op::Undelete {
            side: Side::Primary,
            contact: false,
            target: 0,
        },
    ];
    fixed(ops);
}

/// The same when the Account's delete went out alone (`sync --once --object Account`): the
/// other org's cascade took the Contact's copy, and its undelete brings it back.
#[test]
fn a_cascade_undelete_after_a_cycle_of_parents_only() {
    let ops = vec![
        Op::CreateAccount {
            side: Side::Primary,
        },
        Op::CreateContact {
            side: Side::Primary,
            account: Some(0),
        },
        Op::Sync,
        Op::Delete {
            side: Side::Primary,
            contact: false,
            target: 0,
        },
        Op::SyncAccounts,
        Op::Sync,
        Op::Undelete {
            side: Side::Primary,
            contact: false,
            target: 0,
        },
    ];
    fixed(ops);
}

/// Found by the property: a child written to an Account whose delete (from the other org) was
/// still queued for the cycle's second pass pointed at a deleted record and failed. It waits
/// instead, and the delete's cascade settles it.
#[test]
fn a_child_of_a_parent_being_deleted_waits() {
    let ops = vec![
        Op::CreateAccount {
            side: Side::Primary,
        },
        Op::Bulk,
        Op::Delete {
            side: Side::Secondary,
            contact: false,
            target: 0,
        },
        Op::CreateContact {
            side: Side::Primary,
            account: Some(0),
        },
    ];
    fixed(ops);
}
