//! One-way record sync between the two default emulated orgs: bulk sync (parents first,
//! self-lookups in a second pass, owners mapped), idempotent re-runs, then inserts, updates,
//! deletes and undeletes flowing primary → secondary, with no writes in idle cycles.

mod apply_support;
mod sync_support;

use orgsync::sync::BulkOptions;
use serde_json::json;
use sync_support::{Pair, by_field, create, delete, query, undelete, update, writes};

const CONNECTION: &str = "    direction: one-way
    owner: admin@acme.example
    syncUsers: true
    usernameSuffix: .dr";

const SECTIONS: &str = "  records:
    retry: {maxAttempts: 3, initialBackoff: 1s, maxBackoff: 4s}";

const OBJECTS: &str = "    Account:
      publish:
        fields: [Name, Industry, Phone, ParentId, OwnerId, AccountNumber]
      deletes: propagate
    Contact:
      publish:
        fields: [FirstName, LastName, Email, AccountId, ReportsToId]
      deletes: propagate";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_then_incremental_one_way() {
    let pair = Pair::applied(71, CONNECTION, SECTIONS, OBJECTS);
    let engine = pair.engine().await;

    // Bulk sync: every Account and Contact of the primary, lookups translated.
    let report = engine
        .bulk_sync(&BulkOptions::default(), &|_| {})
        .await
        .unwrap();
    let p_accounts = by_field(
        pair.primary(),
        "Account",
        "Id, Name, ParentId, OwnerId",
        "Id",
    )
    .await;
    let s_accounts = by_field(
        pair.secondary(),
        "Account",
        "Id, Name, ParentId, OwnerId, OrgSync_Source_Id__c",
        "OrgSync_Source_Id__c",
    )
    .await;
    assert_eq!(
        report.objects["Account"].inserted as usize,
        p_accounts.len()
    );
    assert_eq!(
        s_accounts.len(),
        p_accounts.len(),
        "every account copied once"
    );
    let s_by_id = by_field(
        pair.secondary(),
        "Account",
        "Id, OrgSync_Source_Id__c",
        "Id",
    )
    .await;
    for (pid, p) in &p_accounts {
        let s = &s_accounts[pid];
        assert_eq!(s["Name"], p["Name"]);
        match p["ParentId"].as_str() {
            None => assert!(s["ParentId"].is_null()),
            Some(parent) => {
                let s_parent = s["ParentId"]
                    .as_str()
                    .expect("self-lookup set in the second pass");
                assert_eq!(
                    s_by_id[s_parent]["OrgSync_Source_Id__c"].as_str(),
                    Some(parent)
                );
            }
        }
        assert!(s["OwnerId"].as_str().is_some_and(|o| o.starts_with("005")));
    }
    let p_contacts = query(pair.primary(), "SELECT Id, AccountId FROM Contact", false).await;
    let s_contacts = by_field(
        pair.secondary(),
        "Contact",
        "Id, AccountId, OrgSync_Source_Id__c",
        "OrgSync_Source_Id__c",
    )
    .await;
    assert_eq!(s_contacts.len(), p_contacts.len());
    for c in &p_contacts {
        let s = &s_contacts[c["Id"].as_str().unwrap()];
        if let Some(a) = c["AccountId"].as_str() {
            let sa = s["AccountId"].as_str().expect("lookup translated");
            assert_eq!(s_by_id[sa]["OrgSync_Source_Id__c"].as_str(), Some(a));
        }
    }

    // A second bulk sync copies nothing.
    let before = writes(pair.secondary()).await;
    let again = engine
        .bulk_sync(&BulkOptions::default(), &|_| {})
        .await
        .unwrap();
    assert_eq!(again.objects["Account"].inserted, 0);
    assert_eq!(
        writes(pair.secondary()).await,
        before,
        "no writes on a re-run"
    );

    // An idle cycle writes nothing.
    engine.sync_once(None).await.unwrap();
    let before = writes(pair.secondary()).await;
    let idle = engine.sync_once(None).await.unwrap();
    assert_eq!(idle.total().writes(), 0);
    assert_eq!(
        writes(pair.secondary()).await,
        before,
        "zero writes in an idle cycle"
    );

    // An update flows, once.
    let (pid, _) = p_accounts
        .iter()
        .find(|(_, a)| a["Name"] == "Globex Corporation")
        .unwrap();
    update(
        pair.primary(),
        "Account",
        pid,
        json!({"Phone": "+1 555 0000"}),
    )
    .await;
    let r = engine.sync_once(None).await.unwrap();
    assert_eq!(r.objects["Account"].updated, 1);
    let sid = s_accounts[pid]["Id"].as_str().unwrap().to_owned();
    let s = query(
        pair.secondary(),
        &format!("SELECT Phone FROM Account WHERE Id = '{sid}'"),
        false,
    )
    .await;
    assert_eq!(s[0]["Phone"], "+1 555 0000");
    let r = engine.sync_once(None).await.unwrap();
    assert_eq!(r.total().writes(), 0, "the overlap re-read is recognised");

    // A new parent and child arrive together: parent first, lookup translated.
    let acct = create(pair.primary(), "Account", json!({"Name": "Fresh Co"})).await;
    let contact = create(
        pair.primary(),
        "Contact",
        json!({"LastName": "Newcomer", "AccountId": acct}),
    )
    .await;
    let r = engine.sync_once(None).await.unwrap();
    assert_eq!(r.objects["Account"].inserted, 1);
    assert_eq!(r.objects["Contact"].inserted, 1);
    let sc = query(
        pair.secondary(),
        &format!("SELECT AccountId, Account.OrgSync_Source_Id__c FROM Contact WHERE OrgSync_Source_Id__c = '{contact}'"),
        false,
    )
    .await;
    assert_eq!(
        sc[0]["Account"]["OrgSync_Source_Id__c"].as_str(),
        Some(acct.as_str())
    );

    // Delete, then undelete.
    delete(pair.primary(), "Contact", &contact).await;
    let r = engine.sync_once(None).await.unwrap();
    assert_eq!(r.objects["Contact"].deleted, 1);
    let gone = query(
        pair.secondary(),
        &format!("SELECT Id, IsDeleted FROM Contact WHERE OrgSync_Source_Id__c = '{contact}'"),
        true,
    )
    .await;
    assert_eq!(gone[0]["IsDeleted"], true);
    undelete(pair.primary(), &contact).await;
    let r = engine.sync_once(None).await.unwrap();
    assert_eq!(r.objects["Contact"].undeleted, 1);
    let back = query(
        pair.secondary(),
        &format!("SELECT Id, IsDeleted FROM Contact WHERE OrgSync_Source_Id__c = '{contact}'"),
        true,
    )
    .await;
    assert_eq!(back[0]["IsDeleted"], false);
    assert_eq!(engine.sync_once(None).await.unwrap().total().writes(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_fields_are_kept_on_insert_where_the_org_allows_it() {
    use orgsync::emulator::fixture::{DefaultOrg, default_org, load_str};
    // A secondary whose integration user may set audit fields on insert.
    let text = apply_support::default_fixture(DefaultOrg::Secondary)
        .replace("auditFieldsOnInsert: false", "auditFieldsOnInsert: true");
    let secondary = load_str("audit-secondary.yaml", &text).unwrap();
    let orgs =
        apply_support::Orgs::with(default_org(DefaultOrg::Primary, 74).unwrap(), secondary, 74);
    let connection = "    direction: one-way
    owner: admin@acme.example
    syncUsers: true
    usernameSuffix: .dr
    syncFeedsAndAuditFields: true";
    let objects = "    Account:
      publish:
        fields: [Name, OwnerId]";
    let pair = Pair::applied_on(orgs, connection, "", objects);
    let engine = pair.engine().await;
    engine
        .bulk_sync(&BulkOptions::default(), &|_| {})
        .await
        .unwrap();
    let p = by_field(
        pair.primary(),
        "Account",
        "Id, CreatedDate, CreatedBy.Username",
        "Id",
    )
    .await;
    let s = by_field(
        pair.secondary(),
        "Account",
        "OrgSync_Source_Id__c, CreatedDate, CreatedBy.Username",
        "OrgSync_Source_Id__c",
    )
    .await;
    assert_eq!(s.len(), p.len());
    for (id, a) in &p {
        assert_eq!(s[id]["CreatedDate"], a["CreatedDate"], "CreatedDate kept");
        let user = a["CreatedBy"]["Username"].as_str().unwrap();
        assert_eq!(
            s[id]["CreatedBy"]["Username"].as_str(),
            Some(format!("{user}.dr").as_str()),
            "CreatedById mapped to the synced user"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_bulk_sync_resumes_after_its_last_id() {
    use orgsync::state::{BulkProgress, Side};
    let pair = Pair::applied(76, CONNECTION, SECTIONS, OBJECTS);
    let engine = pair.engine().await;
    let ids: Vec<String> = query(pair.primary(), "SELECT Id FROM Account ORDER BY Id", false)
        .await
        .into_iter()
        .map(|r| r["Id"].as_str().unwrap().to_owned())
        .collect();
    // A run that stopped after the first 40 accounts (in ID order).
    engine
        .store()
        .set_bulk_progress(&BulkProgress {
            object: "Account".into(),
            source: Side::Primary,
            last_id: ids[39].clone(),
            done: false,
            records: 40,
            updated_at_ms: 0,
        })
        .await
        .unwrap();
    let options = BulkOptions {
        object: Some("Account".into()),
        ..BulkOptions::default()
    };
    let r = engine.bulk_sync(&options, &|_| {}).await.unwrap();
    assert_eq!(
        r.objects["Account"].inserted as usize,
        ids.len() - 40,
        "resumed after the last ID"
    );
    let progress = engine
        .store()
        .bulk_progress("Account", Side::Primary)
        .await
        .unwrap()
        .unwrap();
    assert!(progress.done);
    // A new run starts over; what is linked is not copied again, the rest is.
    let r = engine.bulk_sync(&options, &|_| {}).await.unwrap();
    assert_eq!(r.objects["Account"].inserted, 40);
    let r = engine
        .bulk_sync(
            &BulkOptions {
                limit: Some(10),
                ..options.clone()
            },
            &|_| {},
        )
        .await
        .unwrap();
    assert_eq!(
        r.objects["Account"].inserted, 0,
        "--limit with everything linked copies nothing"
    );
    let copies = query(pair.secondary(), "SELECT Id FROM Account", false).await;
    assert_eq!(copies.len(), ids.len(), "no duplicates");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cascaded_deletes_and_undeletes_settle_without_failures() {
    let pair = Pair::applied(77, CONNECTION, SECTIONS, OBJECTS);
    let engine = pair.engine().await;
    engine
        .bulk_sync(&BulkOptions::default(), &|_| {})
        .await
        .unwrap();
    engine.sync_once(None).await.unwrap();
    // An account with contacts: deleting it deletes them too (in both orgs).
    let account = create(pair.primary(), "Account", json!({"Name": "Cascade Co"})).await;
    for n in 0..2 {
        create(
            pair.primary(),
            "Contact",
            json!({"LastName": format!("Cascade {n}"), "AccountId": account}),
        )
        .await;
    }
    let contacts = 2;
    engine.sync_once(None).await.unwrap();
    assert!(contacts > 0);
    delete(pair.primary(), "Account", &account).await;
    let r = engine.sync_once(None).await.unwrap();
    assert_eq!(r.total().failed, 0, "{r:?}");
    let gone = query(
        pair.secondary(),
        &format!("SELECT Id FROM Contact WHERE Account.OrgSync_Source_Id__c = '{account}'"),
        false,
    )
    .await;
    assert!(
        gone.is_empty(),
        "the secondary's contacts went with their account"
    );
    // Undeleting the account restores its contacts (in both orgs): no failures, all back.
    undelete(pair.primary(), &account).await;
    let r = engine.sync_once(None).await.unwrap();
    assert_eq!(r.total().failed, 0, "{r:?}");
    assert_eq!(r.objects["Account"].undeleted, 1);
    let back = query(
        pair.secondary(),
        &format!("SELECT Id FROM Contact WHERE Account.OrgSync_Source_Id__c = '{account}'"),
        false,
    )
    .await;
    assert_eq!(back.len(), contacts);
    let r = engine.sync_once(None).await.unwrap();
    assert_eq!((r.total().writes(), r.total().failed), (0, 0), "{r:?}");
    assert!(engine.store().queue_entries(None).await.unwrap().is_empty());
}
