//! The store-only operations commands as a user runs them: `status`, `log`, `queue`, `replay`,
//! `suspend` and `resume`. The spec points at orgs that cannot be reached (`*.invalid`): these
//! commands never contact an org. The store is written through the `Store` API first, and
//! `ORGSYNC_NOW_MS` fixes "now" so that every output, relative ages included, is deterministic
//! and snapshot-tested in text and JSON. Every run also checks that the access token (a canary)
//! never appears in any output.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use orgsync::state::sync::{
    Batch, BulkProgress, Cursor, Link, NewLogEntry, QueueAction, QueueEntry, QueueStatus,
    ReplayFilter, Side, Suspension,
};
use orgsync::state::{ApplyOutcome, ConnectionState, ObjectState, Store};

/// 2026-12-06T04:41:23Z: "now" for every command.
const NOW: i64 = 1_796_532_083_000;
const MIN: i64 = 60_000;
const HOUR: i64 = 60 * MIN;
const DAY: i64 = 24 * HOUR;
/// The orgs' access token; it must never be printed.
const CANARY_SECRET: &str = "CANARY-OPS-SECRET-91c4";
const OBJECTS: [&str; 5] = ["Account", "Case", "Contact", "Lead", "Opportunity"];

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

/// A temporary directory with a spec (unreachable orgs, five objects) and its SQLite store.
struct Env {
    dir: tempfile::TempDir,
}

/// Output of one run.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Env {
    fn new() -> Self {
        let env = Env {
            dir: tempfile::tempdir().unwrap(),
        };
        let objects: String = OBJECTS
            .iter()
            .map(|o| format!("    {o}:\n      publish:\n        fields: [Name]\n"))
            .collect();
        let spec = format!(
            "apiVersion: orgsync.dev/v1
kind: OrgSync
metadata:
  name: ops-test
spec:
  orgs:
    primary:
      instanceUrl: https://primary.invalid
      auth:
        method: access-token
        accessToken: {{env: OPS_TEST_TOKEN}}
    secondary:
      instanceUrl: https://secondary.invalid
      auth:
        method: access-token
        accessToken: {{env: OPS_TEST_TOKEN}}
  connection:
    type: replication
    direction: one-way
  objects:
{objects}  state:
    url: {url}
",
            url = env.url()
        );
        std::fs::write(env.spec_path(), spec).unwrap();
        env
    }

    fn spec_path(&self) -> PathBuf {
        self.dir.path().join("orgsync.yaml")
    }

    fn url(&self) -> String {
        format!(
            "sqlite://{}",
            self.dir.path().join("state").join("orgsync.db").display()
        )
    }

    fn store(&self) -> Store {
        block_on(Store::open(&self.url())).unwrap()
    }

    /// Run `orgsync ARGS` in the directory at the fixed "now".
    fn run(&self, args: &[&str]) -> Run {
        let out = assert_cmd::Command::cargo_bin("orgsync")
            .unwrap()
            .current_dir(self.dir.path())
            .env("OPS_TEST_TOKEN", CANARY_SECRET)
            .env("ORGSYNC_NOW_MS", NOW.to_string())
            .env("NO_COLOR", "1")
            .env_remove("RUST_LOG")
            .args(args)
            .output()
            .unwrap();
        let run = Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        assert!(
            !run.stdout.contains(CANARY_SECRET) && !run.stderr.contains(CANARY_SECRET),
            "`orgsync {}` printed the access token",
            args.join(" ")
        );
        run
    }

    /// Run and expect exit 0 with nothing on stderr; return stdout.
    fn ok(&self, args: &[&str]) -> String {
        let r = self.run(args);
        assert_eq!(
            r.code,
            0,
            "orgsync {}: {}{}",
            args.join(" "),
            r.stdout,
            r.stderr
        );
        assert_eq!(r.stderr, "", "orgsync {}", args.join(" "));
        r.stdout
    }

    fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut args = args.to_vec();
        args.extend(["--format", "json"]);
        let out = self.ok(&args);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["formatVersion"], 1, "{out}");
        v
    }
}

fn applied(objects: &[&str]) -> ConnectionState {
    ConnectionState {
        objects: objects
            .iter()
            .map(|o| {
                (
                    (*o).to_owned(),
                    ObjectState {
                        published_fields: BTreeSet::from(["Name".to_owned()]),
                        subscribed_fields: BTreeMap::from([("Name".to_owned(), "Name".to_owned())]),
                        key_field: Some("OrgSync_Source_Id__c".to_owned()),
                    },
                )
            })
            .collect(),
    }
}

fn link(object: &str, p: &str, s: &str) -> Link {
    Link {
        object: object.into(),
        primary_id: p.into(),
        secondary_id: s.into(),
        origin: Side::Primary,
        field_hashes: BTreeMap::from([("Name".to_owned(), "h".to_owned())]),
        primary_deleted: false,
        secondary_deleted: false,
        linked_at_ms: NOW - 2 * DAY,
        synced_at_ms: NOW - 3 * MIN,
    }
}

#[allow(clippy::too_many_arguments)]
fn queued(
    id: &str,
    action: QueueAction,
    status: QueueStatus,
    attempts: i64,
    due: i64,
    reason: Option<&str>,
    code: Option<&str>,
    updated: i64,
) -> QueueEntry {
    QueueEntry {
        id: 0,
        object: "Contact".into(),
        source: Side::Primary,
        source_id: id.into(),
        action,
        status,
        attempts,
        next_attempt_at_ms: due,
        reason: reason.map(str::to_owned),
        error_code: code.map(str::to_owned),
        created_at_ms: NOW - 4 * HOUR,
        updated_at_ms: updated,
    }
}

#[allow(clippy::too_many_arguments)]
fn logged(
    at: i64,
    object: &str,
    id: &str,
    action: QueueAction,
    status: orgsync::state::sync::LogStatus,
    code: Option<&str>,
    message: &str,
    attempts: i64,
) -> NewLogEntry {
    NewLogEntry {
        at_ms: at,
        object: object.into(),
        source: Side::Primary,
        record_id: id.into(),
        action,
        status,
        error_code: code.map(str::to_owned),
        message: Some(message.to_owned()),
        attempts,
    }
}

fn bulk(object: &str, done: bool, records: i64) -> BulkProgress {
    BulkProgress {
        object: object.into(),
        source: Side::Primary,
        last_id: "001000000000999AAA".into(),
        done,
        records,
        updated_at_ms: NOW - 2 * DAY + HOUR,
    }
}

/// Apply a connection with five objects, one in each status:
/// Account in sync, Case not started, Contact sync in progress (2 queued, 2 failed),
/// Lead initial sync in progress, Opportunity initial sync completed.
fn seed(env: &Env) {
    use QueueAction::*;
    use QueueStatus::*;
    use orgsync::state::sync::LogStatus as L;
    let store = env.store();
    block_on(async {
        let run = store.start_apply("plan-fp", NOW - 2 * DAY).await.unwrap();
        store
            .finish_apply(
                run,
                ApplyOutcome::Succeeded,
                Some(("spec-fp", &applied(&OBJECTS))),
                "ok",
                NOW - 2 * DAY,
            )
            .await
            .unwrap();
        for p in [
            bulk("Account", true, 1_024),
            bulk("Contact", true, 40),
            bulk("Lead", false, 250),
            bulk("Opportunity", true, 75),
        ] {
            store.set_bulk_progress(&p).await.unwrap();
        }
        // Older activity: outside 24 hours, then within.
        let mut old = Batch::at(NOW - 2 * DAY);
        old.activity = vec![("Account".into(), Side::Secondary, 1_000)];
        store.commit_batch(&old).await.unwrap();
        let mut earlier = Batch::at(NOW - 5 * HOUR);
        earlier.activity = vec![("Account".into(), Side::Secondary, 328)];
        earlier.links = vec![
            link("Account", "001000000000001AAA", "001000000000101AAA"),
            link("Account", "001000000000002AAA", "001000000000102AAA"),
            link("Account", "001000000000003AAA", "001000000000103AAA"),
            link("Contact", "003000000000001AAA", "003000000000101AAA"),
        ];
        earlier.cursors = vec![
            (
                "Account".into(),
                Side::Primary,
                Cursor {
                    modstamp_ms: NOW - 5 * HOUR,
                    last_id: "001000000000003AAA".into(),
                },
            ),
            (
                "Contact".into(),
                Side::Primary,
                Cursor {
                    modstamp_ms: NOW - 5 * HOUR,
                    last_id: "003000000000001AAA".into(),
                },
            ),
        ];
        earlier.log = vec![
            logged(
                NOW - 3 * HOUR,
                "Contact",
                "003000000000003AAA",
                GenericUpdate,
                L::Retrying,
                Some("UNABLE_TO_LOCK_ROW"),
                "unable to obtain exclusive access to this record",
                1,
            ),
            logged(
                NOW - 3 * HOUR + 10 * MIN,
                "Contact",
                "003000000000003AAA",
                GenericUpdate,
                L::Failed,
                Some("REQUIRED_FIELD_MISSING"),
                "Required fields are missing: [LastName]",
                6,
            ),
            logged(
                NOW - 25 * MIN,
                "Contact",
                "003000000000004AAA",
                GenericInsert,
                L::Retrying,
                Some("UNABLE_TO_LOCK_ROW"),
                "unable to obtain exclusive access to this record",
                1,
            ),
            logged(
                NOW - 20 * MIN,
                "Contact",
                "003000000000004AAA",
                GenericInsert,
                L::Failed,
                Some("UNABLE_TO_LOCK_ROW"),
                "gave up after 6 attempts",
                6,
            ),
            logged(
                NOW - 10 * MIN,
                "Account",
                "001000000000002AAA",
                GenericUpdate,
                L::Resolved,
                Some("CONFLICT"),
                "both orgs changed Phone; primary wins",
                1,
            ),
            logged(
                NOW - 4 * MIN,
                "Contact",
                "003000000000002AAA",
                GenericUpdate,
                L::Retrying,
                Some("UNABLE_TO_LOCK_ROW"),
                "unable to obtain exclusive access to this record",
                2,
            ),
        ];
        earlier.enqueue = vec![
            queued(
                "003000000000001AAA",
                GenericInsert,
                Waiting,
                0,
                NOW - MIN,
                Some("waiting for parent Account 001000000000004AAA"),
                None,
                NOW - MIN,
            ),
            queued(
                "003000000000002AAA",
                GenericUpdate,
                Retrying,
                2,
                NOW + 4 * MIN,
                None,
                Some("UNABLE_TO_LOCK_ROW"),
                NOW - 4 * MIN,
            ),
            queued(
                "003000000000003AAA",
                GenericUpdate,
                Failed,
                6,
                i64::MAX,
                Some("gave up after 6 attempts"),
                Some("REQUIRED_FIELD_MISSING"),
                NOW - 3 * HOUR + 10 * MIN,
            ),
            queued(
                "003000000000004AAA",
                GenericInsert,
                Failed,
                6,
                i64::MAX,
                Some("gave up after 6 attempts"),
                Some("UNABLE_TO_LOCK_ROW"),
                NOW - 20 * MIN,
            ),
        ];
        store.commit_batch(&earlier).await.unwrap();
        let mut recent = Batch::at(NOW - 30 * MIN);
        recent.activity = vec![("Contact".into(), Side::Secondary, 4)];
        store.commit_batch(&recent).await.unwrap();
        let mut latest = Batch::at(NOW - 3 * MIN);
        latest.activity = vec![("Account".into(), Side::Secondary, 12)];
        store.commit_batch(&latest).await.unwrap();
        store
            .record_api_usage(Side::Primary, Some(1_234), Some(15_000), 57, NOW - 3 * MIN)
            .await
            .unwrap();
        store.close().await;
    });
}

fn seeded() -> Env {
    let env = Env::new();
    seed(&env);
    env
}

#[test]
fn status_shows_every_object_in_its_status() {
    let env = seeded();
    let text = env.ok(&["status"]);
    insta::assert_snapshot!("status_text", text);
    for label in [
        "In sync",
        "Not started",
        "Sync in progress",
        "Initial sync in progress",
        "Initial sync completed",
    ] {
        assert!(text.contains(label), "{label}: {text}");
    }
    let json = env.json(&["status"]);
    insta::assert_json_snapshot!("status_json", json);
    let account = &json["objects"][0];
    assert_eq!(account["object"], "Account");
    assert_eq!(account["recordsLastHour"], 12);
    assert_eq!(account["recordsLast24Hours"], 340);
    assert_eq!(account["linkedRecords"], 3);
    let contact = &json["objects"][2];
    assert_eq!(contact["queueDepth"], 2);
    assert_eq!(contact["failures"], 2);
    assert_eq!(json["apiUsage"]["primary"]["percentUsed"], 8.2);
    assert_eq!(json["apiUsage"]["secondary"], serde_json::Value::Null);
    assert_eq!(json["suspended"], false);
}

#[test]
fn status_of_a_connection_never_applied_exits_1_with_a_hint() {
    let env = Env::new();
    for format in ["text", "json"] {
        let r = env.run(&["status", "--format", format]);
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert_eq!(r.stdout, "");
        assert!(
            r.stderr.contains("`ops-test` has never been applied"),
            "{}",
            r.stderr
        );
        assert!(r.stderr.contains("hint:") && r.stderr.contains("orgsync apply"));
    }
    // The other commands read an empty store fine.
    assert_eq!(env.ok(&["log"]), "No sync-log entries match.\n");
    assert_eq!(env.ok(&["queue"]), "The queue is empty.\n");
    assert_eq!(
        env.ok(&["replay"]),
        "No failed queue entries match; nothing to replay.\n"
    );
}

#[test]
fn a_missing_or_invalid_spec_exits_1_for_every_command() {
    let env = Env::new();
    let commands: [&[&str]; 7] = [
        &["status"],
        &["log"],
        &["queue"],
        &["replay"],
        &["suspend", "--reason", "x"],
        &["resume"],
        &["status", "--format", "json"],
    ];
    for args in commands {
        let mut with_missing = args.to_vec();
        with_missing.extend(["-f", "missing.yaml"]);
        let r = env.run(&with_missing);
        assert_eq!(r.code, 1, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains("error"), "{args:?}: {}", r.stderr);
        assert_eq!(r.stdout, "", "{args:?}");
    }
    std::fs::write(
        env.spec_path(),
        "apiVersion: orgsync.dev/v1\nkind: OrgSync\nspec: 3\n",
    )
    .unwrap();
    for args in commands {
        let r = env.run(args);
        assert_eq!(r.code, 1, "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.contains("orgsync.yaml is not a valid spec"),
            "{args:?}: {}",
            r.stderr
        );
    }
}

#[test]
fn an_unreachable_store_exits_1_with_a_hint() {
    let env = Env::new();
    let spec = std::fs::read_to_string(env.spec_path()).unwrap();
    // A directory that cannot be created: a file stands in its way.
    std::fs::write(env.dir.path().join("blocker"), "").unwrap();
    let blocked = format!(
        "sqlite://{}",
        env.dir.path().join("blocker").join("orgsync.db").display()
    );
    std::fs::write(env.spec_path(), spec.replace(&env.url(), &blocked)).unwrap();
    for args in [&["status"][..], &["log"], &["suspend", "--reason", "x"]] {
        let r = env.run(args);
        assert_eq!(r.code, 1, "{args:?}");
        assert!(r.stderr.contains("state store"), "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains("hint:"), "{args:?}: {}", r.stderr);
    }
}

#[test]
fn usage_errors_exit_1() {
    let env = seeded();
    for args in [
        &["log", "--status", "bogus"][..],
        &["log", "--limit", "0"],
        &["log", "--since", "yesterday"],
        &["log", "--since", "2026-13-01T00:00:00Z"],
        &["replay", "--older-than", "1h", "--since", "2h"],
        &["suspend"],
        &["suspend", "--reason", "x", "--until", "1.5h"],
        &["queue", "--format", "yaml"],
    ] {
        let r = env.run(args);
        assert_eq!(r.code, 1, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains("error"), "{args:?}: {}", r.stderr);
    }
    let r = env.run(&["log", "--since", "yesterday"]);
    assert!(r.stderr.contains("`2h`"), "{}", r.stderr);
}

#[test]
fn log_is_newest_first_and_filters_combine() {
    let env = seeded();
    insta::assert_snapshot!("log_text", env.ok(&["log"]));
    let failed = env.json(&["log", "--status", "failed"]);
    insta::assert_json_snapshot!("log_failed_json", failed);

    let count = |args: &[&str]| env.json(args)["entries"].as_array().unwrap().len();
    assert_eq!(count(&["log"]), 6);
    assert_eq!(count(&["log", "--status", "retrying"]), 3);
    assert_eq!(count(&["log", "--status", "resolved"]), 1);
    assert_eq!(count(&["log", "--object", "Account"]), 1);
    assert_eq!(count(&["log", "--since", "1h"]), 4);
    assert_eq!(count(&["log", "--since", "2026-12-06T04:30:00Z"]), 2);
    assert_eq!(count(&["log", "--since", "2026-12-06T05:30:00+01:00"]), 2);
    assert_eq!(count(&["log", "--error-code", "unable_to_lock_row"]), 4);
    assert_eq!(
        count(&[
            "log",
            "--status",
            "failed",
            "--error-code",
            "UNABLE_TO_LOCK_ROW",
            "--since",
            "1h",
            "--object",
            "Contact",
        ]),
        1
    );
    let two = env.ok(&["log", "--limit", "2"]);
    assert!(
        two.contains("Showing the newest 2 entries; `--limit N` shows more."),
        "{two}"
    );
    assert!(!env.ok(&["log"]).contains("Showing the newest"));
    assert_eq!(
        env.ok(&["log", "--object", "Lead"]),
        "No sync-log entries match.\n"
    );
}

#[test]
fn object_names_are_matched_in_any_case_and_unknown_ones_warned_about() {
    let env = seeded();
    assert_eq!(
        env.json(&["log", "--object", "account"])["entries"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let r = env.run(&["queue", "--object", "Widget__c"]);
    assert_eq!(r.code, 0);
    assert_eq!(r.stdout, "The queue is empty.\n");
    assert_eq!(
        r.stderr,
        "warning: `Widget__c` is not a published object of this connection (published: \
         Account, Case, Contact, Lead, Opportunity)\n"
    );
}

#[test]
fn queue_shows_status_attempts_and_next_retry() {
    let env = seeded();
    let text = env.ok(&["queue"]);
    insta::assert_snapshot!("queue_text", text);
    let json = env.json(&["queue", "--object", "contact"]);
    insta::assert_json_snapshot!("queue_json", json);
    assert_eq!(
        json["counts"],
        serde_json::json!({"pending": 0, "waiting": 1, "retrying": 1, "failed": 2})
    );
    assert_eq!(json["entries"][3]["nextAttemptAt"], serde_json::Value::Null);
    assert_eq!(
        env.ok(&["queue", "--object", "Account"]),
        "The queue is empty.\n"
    );
}

#[test]
fn replay_puts_matching_failed_entries_back_and_says_how_many() {
    let env = seeded();
    // Nothing failed this recently with this code.
    assert_eq!(
        env.ok(&[
            "replay",
            "--error-code",
            "REQUIRED_FIELD_MISSING",
            "--since",
            "1h"
        ]),
        "No failed queue entries match; nothing to replay.\n"
    );
    assert_eq!(
        env.ok(&["replay", "--object", "contact", "--older-than", "1h"]),
        "Replayed 1 failed queue entry: it is pending and due now; the next sync cycle sends it.\n"
    );
    let queue = env.json(&["queue"]);
    let replayed = &queue["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["recordId"] == "003000000000003AAA")
        .unwrap();
    assert_eq!(replayed["status"], "Pending");
    assert_eq!(replayed["attempts"], 0);
    assert_eq!(replayed["nextAttemptAt"], "2026-12-06T04:41:23.000Z");
    assert_eq!(
        replayed["errorCode"], "REQUIRED_FIELD_MISSING",
        "kept, so that the sync log can say what was resolved"
    );
    assert_eq!(queue["counts"]["failed"], 1);
    // The rest, as JSON; then nothing is left.
    assert_eq!(
        env.json(&["replay"]),
        serde_json::json!({"formatVersion": 1, "replayed": 1})
    );
    assert_eq!(env.json(&["replay"])["replayed"], 0);
    let status = env.json(&["status"]);
    assert_eq!(status["objects"][2]["failures"], 0);
    assert_eq!(status["objects"][2]["queueDepth"], 4);
    // Replay writes nothing to the sync log.
    assert_eq!(env.json(&["log"])["entries"].as_array().unwrap().len(), 6);
}

#[test]
fn suspend_and_resume_steer_record_flow() {
    let env = seeded();
    assert_eq!(
        env.ok(&["resume"]),
        "ops-test is not suspended; nothing to resume.\n"
    );
    assert_eq!(
        env.ok(&["suspend", "--reason", "release 2026.12", "--until", "2h"]),
        "Suspended ops-test: release 2026.12. Changes keep queuing; records flow again at \
         2026-12-06 06:41:23Z (in 2 h) or after `orgsync resume`.\n"
    );
    let status = env.ok(&["status"]);
    assert!(
        status.contains(
            "Record flow: suspended since 2026-12-06 04:41:23Z (just now): release 2026.12; \
             resumes automatically at 2026-12-06 06:41:23Z (in 2 h)\n"
        ),
        "{status}"
    );
    // Suspending again replaces the reason and the end, and keeps when it started.
    let again = env.json(&["suspend", "--reason", "longer window"]);
    insta::assert_json_snapshot!("suspend_again_json", again);
    let status = env.json(&["status"]);
    assert_eq!(status["suspended"], true);
    assert_eq!(
        status["suspension"],
        serde_json::json!({"reason": "longer window", "since": "2026-12-06T04:41:23.000Z", "until": null})
    );
    assert!(!env.ok(&["status"]).contains("release 2026.12"));
    assert_eq!(
        env.ok(&["resume"]),
        "Resumed ops-test: records flow again from the next sync cycle (suspended since \
         2026-12-06 04:41:23Z (just now): longer window).\n"
    );
    assert!(env.ok(&["status"]).contains("Record flow: active\n"));
    assert_eq!(env.json(&["resume"])["resumed"], false);
}

#[test]
fn suspend_refuses_an_empty_reason_or_an_end_in_the_past() {
    let env = seeded();
    let r = env.run(&["suspend", "--reason", "  "]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("reason is empty"), "{}", r.stderr);
    let r = env.run(&[
        "suspend",
        "--reason",
        "x",
        "--until",
        "2026-12-06T04:00:00Z",
    ]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("--until 2026-12-06 04:00:00Z is not in the future"),
        "{}",
        r.stderr
    );
    assert_eq!(env.json(&["status"])["suspended"], false);
    // An instant in the future is fine.
    let r = env.json(&[
        "suspend",
        "--reason",
        "x",
        "--until",
        "2026-12-07T00:00:00Z",
    ]);
    assert_eq!(r["suspension"]["until"], "2026-12-07T00:00:00.000Z");
}

#[test]
fn a_suspension_past_its_end_shows_as_ended() {
    let env = seeded();
    let store = env.store();
    block_on(async {
        store
            .set_suspension(Some(&Suspension {
                reason: "nightly load".into(),
                since_ms: NOW - 3 * HOUR,
                until_ms: Some(NOW - HOUR),
            }))
            .await
            .unwrap();
        store.close().await;
    });
    let status = env.ok(&["status"]);
    assert!(
        status.contains(
            "the suspension ended at 2026-12-06 03:41:23Z (1 h ago), so the next sync cycle \
             resumes record flow"
        ),
        "{status}"
    );
    assert_eq!(env.json(&["status"])["suspended"], false);
    // Suspending again starts afresh rather than replacing the ended one.
    let again = env.json(&["suspend", "--reason", "again"]);
    assert_eq!(again["replaced"], false);
    assert_eq!(again["suspension"]["since"], "2026-12-06T04:41:23.000Z");
}

/// The store methods behind these commands on PostgreSQL, when a server is available (see
/// tests/state_backends.rs).
#[test]
fn postgres_keeps_api_usage_and_replays_failed_entries() {
    let Ok(url) = std::env::var("ORGSYNC_TEST_POSTGRES_URL") else {
        assert!(
            std::env::var_os("ORGSYNC_REQUIRE_POSTGRES").is_none(),
            "ORGSYNC_REQUIRE_POSTGRES is set but ORGSYNC_TEST_POSTGRES_URL is not"
        );
        return;
    };
    block_on(async {
        sqlx::any::install_default_drivers();
        let admin = sqlx::AnyPool::connect(&url).await.unwrap();
        let name = format!("orgsync_ops_test_{}", std::process::id());
        for sql in [
            format!("DROP DATABASE IF EXISTS {name}"),
            format!("CREATE DATABASE {name}"),
        ] {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(&admin)
                .await
                .unwrap();
        }
        let db_url = match url.rsplit_once('/') {
            Some((base, _)) => format!("{base}/{name}"),
            None => panic!("unexpected Postgres URL shape"),
        };
        let store = Store::open(&db_url).await.unwrap();
        store
            .record_api_usage(Side::Primary, Some(1), Some(100), 2, 10)
            .await
            .unwrap();
        store
            .record_api_usage(Side::Primary, Some(5), None, 9, 20)
            .await
            .unwrap();
        let usage = store.api_usage().await.unwrap();
        assert_eq!(usage[&Side::Primary].used, Some(5));
        assert_eq!(usage[&Side::Primary].max, None);
        assert_eq!(usage[&Side::Primary].calls, 9);
        let mut b = Batch::at(1);
        b.enqueue = vec![
            queued(
                "003A",
                QueueAction::GenericUpdate,
                QueueStatus::Failed,
                6,
                i64::MAX,
                None,
                Some("X"),
                100,
            ),
            queued(
                "003B",
                QueueAction::GenericUpdate,
                QueueStatus::Failed,
                6,
                i64::MAX,
                None,
                Some("Y"),
                300,
            ),
        ];
        store.commit_batch(&b).await.unwrap();
        assert_eq!(store.failed_counts().await.unwrap()["Contact"], 2);
        let filter = ReplayFilter {
            object: Some("Contact".into()),
            error_code: Some("Y".into()),
            failed_before_ms: Some(300),
            failed_since_ms: Some(200),
        };
        assert_eq!(store.replay_failed(&filter, 1_000).await.unwrap(), 1);
        assert_eq!(store.due_queue_entries(1_000, 10).await.unwrap().len(), 1);
        store.close().await;
        admin.close().await;
    });
}
