//! Persistence: write, drop, reopen, read back equal.

use chrono::Utc;
use orgsync::emulator::dml::{Ctx, Tx};
use orgsync::emulator::fixture::{DefaultOrg, default_org};
use orgsync::emulator::model::{Org, Record};
use orgsync::emulator::persist::Store;
use serde_json::json;

fn snapshot(org: &Org) -> Vec<Record> {
    org.objects()
        .flat_map(|d| org.records(&d.name).cloned().collect::<Vec<_>>())
        .collect()
}

#[tokio::test]
async fn write_drop_reopen_read_back_equal() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    assert!(store.load().await.unwrap().is_none());
    let mut org = default_org(DefaultOrg::Primary, 5).unwrap();
    store.save_all(&org).await.unwrap();

    let ctx = Ctx {
        user_id: org.integration_user_id.clone().unwrap(),
        now: Utc::now(),
    };
    let mut tx = Tx::begin(&mut org, ctx);
    let a = tx
        .insert(
            "Account",
            json!({"Name": "Persisted", "External_Key__c": "P-1"})
                .as_object()
                .unwrap()
                .clone(),
        )
        .unwrap();
    let victim = tx.org().records("Contact").next().unwrap().id().to_owned();
    tx.delete(&victim).unwrap();
    let touched = tx.commit();
    store.save_changes(&org, &touched).await.unwrap();
    drop(store);

    let store = Store::open(dir.path()).await.unwrap();
    let mut back = store.load().await.unwrap().unwrap();
    assert_eq!(back.identity, org.identity);
    assert_eq!(back.ids.counter(), org.ids.counter());
    assert_eq!(back.automation, org.automation);
    assert_eq!(snapshot(&back), snapshot(&org));
    assert_eq!(
        back.objects().cloned().collect::<Vec<_>>(),
        org.objects().cloned().collect::<Vec<_>>()
    );
    assert_eq!(back.deletion(&victim), org.deletion(&victim));
    assert_eq!(
        back.record(&a).unwrap().get("Name"),
        Some(&json!("Persisted"))
    );
    // Indexes are rebuilt: the unique value is still taken, and new IDs do not collide.
    let ctx = Ctx {
        user_id: back.integration_user_id.clone().unwrap(),
        now: Utc::now(),
    };
    let mut tx = Tx::begin(&mut back, ctx);
    let err = tx
        .insert(
            "Account",
            json!({"Name": "Again", "External_Key__c": "P-1"})
                .as_object()
                .unwrap()
                .clone(),
        )
        .unwrap_err();
    assert_eq!(err[0].status_code, "DUPLICATE_VALUE");
    let b = tx
        .insert(
            "Account",
            json!({"Name": "Fresh"}).as_object().unwrap().clone(),
        )
        .unwrap();
    assert_ne!(a, b);
    tx.undelete(&victim).unwrap();
}
