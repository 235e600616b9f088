//! Two-way record sync between the two default emulated orgs: records created in either org
//! flow to the other and never back, conflicts follow `records.conflicts` and are logged,
//! automation that rewrites a field bounces back once and then settles, and idle cycles write
//! nothing.

mod apply_support;
mod sync_support;

use orgsync::state::{LogFilter, LogStatus};
use orgsync::sync::BulkOptions;
use serde_json::json;
use sync_support::{Pair, create, query, update, writes};

const CONNECTION: &str = "    direction: two-way
    owner: admin@acme.example";

fn sections(policy: &str) -> String {
    format!(
        "  records:
    conflicts: {policy}
    retry: {{maxAttempts: 3, initialBackoff: 1s, maxBackoff: 4s}}"
    )
}

const OBJECTS: &str = "    Account:
      publish:
        fields: [Name, Industry, Phone, AccountNumber]
      deletes: propagate
    Contact:
      publish:
        fields: [FirstName, LastName, Email, AccountId, Languages__c]
      deletes: propagate
    Case:
      publish:
        fields: [Subject, Description, Status, AccountId]";

async fn one(emu: &orgsync::emulator::server::RunningEmulator, soql: &str) -> serde_json::Value {
    let rows = query(emu, soql, false).await;
    assert_eq!(rows.len(), 1, "{soql}: {rows:?}");
    rows[0].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_flow_both_ways_without_echoes() {
    let pair = Pair::applied(72, CONNECTION, &sections("primary-wins"), OBJECTS);
    let engine = pair.engine().await;
    engine
        .bulk_sync(&BulkOptions::default(), &|_| {})
        .await
        .unwrap();
    engine.sync_once(None).await.unwrap();
    engine.sync_once(None).await.unwrap();
    let (p0, s0) = (writes(pair.primary()).await, writes(pair.secondary()).await);
    let idle = engine.sync_once(None).await.unwrap();
    assert_eq!(idle.total().writes(), 0, "{idle:?}");
    assert_eq!(
        (writes(pair.primary()).await, writes(pair.secondary()).await),
        (p0, s0)
    );

    // Created in the secondary: copied to the primary, never back.
    let sid = create(
        pair.secondary(),
        "Account",
        json!({"Name": "Made In DR", "Phone": "1"}),
    )
    .await;
    let r = engine.sync_once(None).await.unwrap();
    assert_eq!(r.objects["Account"].inserted, 1);
    let p = one(
        pair.primary(),
        &format!("SELECT Id, Name FROM Account WHERE OrgSync_Source_Id__c = '{sid}'"),
    )
    .await;
    let pid = p["Id"].as_str().unwrap().to_owned();
    let r = engine.sync_once(None).await.unwrap();
    assert_eq!(
        r.total().writes(),
        0,
        "our own insert is not copied back: {r:?}"
    );
    let copies = query(
        pair.secondary(),
        "SELECT Id FROM Account WHERE Name = 'Made In DR'",
        false,
    )
    .await;
    assert_eq!(copies.len(), 1, "no duplicate in the secondary");

    // Updates flow each way, one write per change per direction.
    update(pair.secondary(), "Account", &sid, json!({"Phone": "2"})).await;
    let r = engine.sync_once(None).await.unwrap();
    assert_eq!(r.objects["Account"].updated, 1);
    assert_eq!(
        one(
            pair.primary(),
            &format!("SELECT Phone FROM Account WHERE Id = '{pid}'")
        )
        .await["Phone"],
        "2"
    );
    update(
        pair.primary(),
        "Account",
        &pid,
        json!({"Industry": "Energy"}),
    )
    .await;
    let r = engine.sync_once(None).await.unwrap();
    assert_eq!(r.objects["Account"].updated, 1);
    assert_eq!(
        one(
            pair.secondary(),
            &format!("SELECT Industry FROM Account WHERE Id = '{sid}'")
        )
        .await["Industry"],
        "Energy"
    );
    assert_eq!(engine.sync_once(None).await.unwrap().total().writes(), 0);

    // A conflict: primary-wins keeps the primary's name in both orgs, and logs it.
    update(
        pair.primary(),
        "Account",
        &pid,
        json!({"Name": "Primary Name"}),
    )
    .await;
    update(
        pair.secondary(),
        "Account",
        &sid,
        json!({"Name": "Secondary Name"}),
    )
    .await;
    let r = engine.sync_once(None).await.unwrap();
    assert_eq!(r.objects["Account"].conflicts, 1);
    assert_eq!(
        one(
            pair.secondary(),
            &format!("SELECT Name FROM Account WHERE Id = '{sid}'")
        )
        .await["Name"],
        "Primary Name"
    );
    assert_eq!(
        one(
            pair.primary(),
            &format!("SELECT Name FROM Account WHERE Id = '{pid}'")
        )
        .await["Name"],
        "Primary Name"
    );
    let log = engine
        .store()
        .log_entries(&LogFilter {
            error_code: Some("CONFLICT".into()),
            ..LogFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].entry.status, LogStatus::Resolved);
    assert!(log[0].entry.message.as_deref().unwrap().contains("Name"));
    assert!(
        !log[0]
            .entry
            .message
            .as_deref()
            .unwrap()
            .contains("Primary Name"),
        "no values in the log"
    );
    assert_eq!(engine.sync_once(None).await.unwrap().total().writes(), 0);

    // Automation that rewrites a field (the primary's active CaseTrigger_UpdateDesc appends
    // " (checked)" to Description on update; the secondary's copy is inactive) bounces back
    // once, then both orgs agree and nothing more is written.
    let case = query(pair.secondary(), "SELECT Id FROM Case LIMIT 1", false).await[0]["Id"]
        .as_str()
        .unwrap()
        .to_owned();
    update(
        pair.secondary(),
        "Case",
        &case,
        json!({"Description": "Needs a call"}),
    )
    .await;
    let r = engine.sync_once(None).await.unwrap();
    assert_eq!(r.objects["Case"].updated, 1, "{r:?}");
    let r = engine.sync_once(None).await.unwrap();
    assert_eq!(
        r.objects["Case"].updated, 1,
        "the trigger's rewrite bounces back once: {r:?}"
    );
    let s = one(
        pair.secondary(),
        &format!("SELECT Description FROM Case WHERE Id = '{case}'"),
    )
    .await;
    assert_eq!(s["Description"], "Needs a call (checked)");
    let r = engine.sync_once(None).await.unwrap();
    assert_eq!(r.total().writes(), 0, "then settles: {r:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_conflict_policy() {
    let pair = Pair::applied(73, CONNECTION, &sections("primary-wins"), OBJECTS);
    let setup = pair.engine().await;
    setup.sync_once(None).await.unwrap();
    let pid = create(
        pair.primary(),
        "Account",
        json!({"Name": "Base", "Phone": "0", "Industry": "Retail"}),
    )
    .await;
    setup.sync_once(None).await.unwrap();
    setup.sync_once(None).await.unwrap();
    let sid = one(
        pair.secondary(),
        &format!("SELECT Id FROM Account WHERE OrgSync_Source_Id__c = '{pid}'"),
    )
    .await["Id"]
        .as_str()
        .unwrap()
        .to_owned();

    // (policy, primary change, secondary change, expected Name, Phone, Industry in both orgs)
    let cases = [
        (
            "primary-wins",
            json!({"Name": "P1"}),
            json!({"Name": "S1", "Phone": "s1"}),
            ("P1", "0", "Retail"),
        ),
        (
            "secondary-wins",
            json!({"Name": "P2", "Industry": "Energy"}),
            json!({"Name": "S2"}),
            ("S2", "0", "Retail"),
        ),
        (
            "merge-fields",
            json!({"Name": "P3", "Phone": "p3"}),
            json!({"Name": "S3", "Industry": "Media"}),
            ("P3", "p3", "Media"),
        ),
        (
            "latest-wins",
            json!({"Name": "P4"}),
            json!({"Name": "S4"}),
            ("S4", "p3", "Media"),
        ),
    ];
    for (policy, p_change, s_change, (name, phone, industry)) in cases {
        let engine = pair.engine_with(&sections(policy)).await;
        update(pair.primary(), "Account", &pid, p_change).await;
        if policy == "latest-wins" {
            // The secondary's change is the later one.
            tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        }
        update(pair.secondary(), "Account", &sid, s_change).await;
        let r = engine.sync_once(Some("Account")).await.unwrap();
        assert_eq!(r.objects["Account"].conflicts, 1, "{policy}: {r:?}");
        for (emu, id) in [(pair.primary(), &pid), (pair.secondary(), &sid)] {
            let a = one(
                emu,
                &format!("SELECT Name, Phone, Industry FROM Account WHERE Id = '{id}'"),
            )
            .await;
            assert_eq!(
                (
                    a["Name"].as_str(),
                    a["Phone"].as_str(),
                    a["Industry"].as_str()
                ),
                (Some(name), Some(phone), Some(industry)),
                "{policy}"
            );
        }
        let r = engine.sync_once(Some("Account")).await.unwrap();
        assert_eq!(r.total().writes(), 0, "{policy} settles: {r:?}");
    }
}

/// The engine keeps its state in Postgres as well as in SQLite (several replicas share one).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_way_with_the_state_in_postgres() {
    let Some(url) = sync_support::postgres_database("orgsync_sync_test").await else {
        return;
    };
    let orgs = apply_support::Orgs::default_pair(75);
    let pair = Pair::applied_with_state(
        orgs,
        CONNECTION,
        &sections("merge-fields"),
        OBJECTS,
        Some(url),
    );
    let engine = pair.engine().await;
    assert_eq!(engine.store().backend(), orgsync::state::Backend::Postgres);
    engine
        .bulk_sync(&BulkOptions::default(), &|_| {})
        .await
        .unwrap();
    engine.sync_once(None).await.unwrap();
    let sid = create(pair.secondary(), "Account", json!({"Name": "Postgres Co"})).await;
    let r = engine.sync_once(None).await.unwrap();
    assert_eq!(r.objects["Account"].inserted, 1);
    let p = one(
        pair.primary(),
        &format!("SELECT Id FROM Account WHERE OrgSync_Source_Id__c = '{sid}'"),
    )
    .await;
    update(
        pair.primary(),
        "Account",
        p["Id"].as_str().unwrap(),
        json!({"Phone": "7"}),
    )
    .await;
    let r = engine.sync_once(None).await.unwrap();
    assert_eq!(r.objects["Account"].updated, 1);
    assert_eq!(
        one(
            pair.secondary(),
            &format!("SELECT Phone FROM Account WHERE Id = '{sid}'")
        )
        .await["Phone"],
        "7"
    );
    assert_eq!(engine.sync_once(None).await.unwrap().total().writes(), 0);
    let links = engine.store().link_counts().await.unwrap();
    assert_eq!(links["Account"], 80);
}
