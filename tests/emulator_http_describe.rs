//! Describe output vs captured real describes: every key a real describe has, the emulator has.

#[path = "common/emulator.rs"]
mod common;

use std::collections::BTreeSet;

use axum::http::{Method, StatusCode};
use common::{get, router, send_with};
use orgsync::emulator::fixture::{DefaultOrg, default_org};
use orgsync::emulator::{EmulatorOptions, EmulatorState, app};
use serde_json::Value;

const V: &str = "/services/data/v59.0";

fn captured(name: &str) -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/fixtures/salesforce/camel/"
    );
    let text = std::fs::read_to_string(format!("{path}{name}")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

fn union_keys<'a>(items: impl Iterator<Item = &'a Value>) -> BTreeSet<String> {
    items.flat_map(keys).collect()
}

/// `updatable` appears only in two hand-trimmed Camel files (Case, calculated formula); real
/// Salesforce spells it `updateable`, which those files lack and every full capture has.
const TRIMMED_TYPO: &str = "updatable";

#[tokio::test]
async fn describe_has_every_key_of_captured_real_describes() {
    let mut options = EmulatorOptions::new(default_org(DefaultOrg::Primary, 0).unwrap());
    options.access_token = Some(common::TOKEN.to_owned());
    let app = app(EmulatorState::new(options));
    let ours = get_describe(&app, "Account").await;
    let our_obj = keys(&ours);
    let our_fields = union_keys(ours["fields"].as_array().unwrap().iter());
    let our_children = union_keys(ours["childRelationships"].as_array().unwrap().iter());
    let our_rt = union_keys(ours["recordTypeInfos"].as_array().unwrap().iter());
    let our_urls = keys(&ours["urls"]);
    for file in [
        "account-describe.json",
        "case-describe.json",
        "user-describe.json",
        "with-external-id-describe.json",
        "calculated-formula-describe.json",
    ] {
        let real = captured(file);
        let missing: Vec<_> = keys(&real)
            .difference(&our_obj)
            .filter(|k| *k != TRIMMED_TYPO)
            .cloned()
            .collect();
        assert!(
            missing.is_empty(),
            "{file}: object keys missing {missing:?}"
        );
        let real_fields = union_keys(real["fields"].as_array().unwrap().iter());
        let missing: Vec<_> = real_fields.difference(&our_fields).collect();
        assert!(missing.is_empty(), "{file}: field keys missing {missing:?}");
        if let Some(children) = real["childRelationships"].as_array() {
            let missing: Vec<_> = union_keys(children.iter())
                .difference(&our_children)
                .cloned()
                .collect();
            assert!(missing.is_empty(), "{file}: child keys missing {missing:?}");
        }
        if let Some(rts) = real["recordTypeInfos"].as_array() {
            let missing: Vec<_> = union_keys(rts.iter())
                .difference(&our_rt)
                .cloned()
                .collect();
            assert!(
                missing.is_empty(),
                "{file}: record type keys missing {missing:?}"
            );
        }
        let allowed_extra_urls = [
            "caseArticleSuggestions",
            "caseRowArticleSuggestions",
            "namedLayouts",
            "passwordUtilities",
        ];
        let missing: Vec<_> = keys(&real["urls"])
            .difference(&our_urls)
            .filter(|k| !allowed_extra_urls.contains(&k.as_str()))
            .cloned()
            .collect();
        assert!(missing.is_empty(), "{file}: urls missing {missing:?}");
    }
    // every field of every object carries the full key set
    for f in ours["fields"].as_array().unwrap() {
        assert_eq!(keys(f), our_fields, "field {}", f["name"]);
    }
}

#[tokio::test]
async fn describe_global_entries_have_the_captured_key_set() {
    let (_s, app) = router();
    let ours = get(&app, &format!("{V}/sobjects/")).await.json();
    assert_eq!(ours["encoding"], "UTF-8");
    assert_eq!(ours["maxBatchSize"], 200);
    let real = captured("describe-global.json");
    let real_keys = union_keys(real["sobjects"].as_array().unwrap().iter());
    for entry in ours["sobjects"].as_array().unwrap() {
        let entry_keys = keys(entry);
        let missing: Vec<_> = real_keys.difference(&entry_keys).collect();
        assert!(missing.is_empty(), "missing {missing:?}");
    }
    let basic = get(&app, &format!("{V}/sobjects/Account/")).await.json();
    assert_eq!(basic["objectDescribe"]["name"], "Account");
    assert_eq!(basic["recentItems"], serde_json::json!([]));
}

async fn get_describe(app: &axum::Router, obj: &str) -> Value {
    let uri = format!("{V}/sobjects/{obj}/describe");
    let a = send_with(app, Method::GET, &uri, Some(common::TOKEN), &[], None).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    a.json()
}

#[tokio::test]
async fn describe_reports_model_values_and_honours_if_modified_since() {
    let (s, app) = router();
    let d = get(&app, &format!("{V}/sobjects/Account/describe/")).await;
    assert_eq!(d.status, StatusCode::OK);
    let v = d.json();
    assert_eq!(v["name"], "Account");
    assert_eq!(v["keyPrefix"], "001");
    let ext = v["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "Ext_Id__c")
        .unwrap();
    assert_eq!(ext["externalId"], true);
    assert_eq!(ext["byteLength"], 240);
    assert_eq!(ext["soapType"], "xsd:string");
    let children = v["childRelationships"].as_array().unwrap();
    assert!(
        children
            .iter()
            .any(|c| c["relationshipName"] == "ChildAccounts")
    );
    assert!(
        children
            .iter()
            .any(|c| c["childSObject"] == "Contact" && c["field"] == "AccountId")
    );

    let future = "Wed, 01 Jan 2098 00:00:00 GMT";
    let nm = send_with(
        &app,
        Method::GET,
        &format!("{V}/sobjects/Account/describe"),
        Some(common::TOKEN),
        &[("if-modified-since", future)],
        None,
    )
    .await;
    assert_eq!(nm.status, StatusCode::NOT_MODIFIED);
    assert!(nm.text.is_empty());
    let past = "Mon, 01 Jan 2001 00:00:00 GMT";
    let m = send_with(
        &app,
        Method::GET,
        &format!("{V}/sobjects/Account/describe"),
        Some(common::TOKEN),
        &[("if-modified-since", past)],
        None,
    )
    .await;
    assert_eq!(m.status, StatusCode::OK);
    // a schema change makes the describe modified again
    s.clock.advance_seconds(3600 * 24 * 365 * 80);
    s.touch_schema("Account");
    let again = send_with(
        &app,
        Method::GET,
        &format!("{V}/sobjects/Account/describe"),
        Some(common::TOKEN),
        &[("if-modified-since", future)],
        None,
    )
    .await;
    assert_eq!(again.status, StatusCode::OK);
}
