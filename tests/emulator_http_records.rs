//! Router tests of the record resources: CRUD, external IDs and upsert status codes,
//! collections, composite and batch, query paging, replication.

#[path = "common/emulator.rs"]
mod common;

use axum::Router;
use axum::http::{Method, StatusCode};
use common::{get, router, send};
use serde_json::{Value, json};

const V: &str = "/services/data/v59.0";

async fn create(app: &Router, obj: &str, body: Value) -> String {
    let a = send(
        app,
        Method::POST,
        &format!("{V}/sobjects/{obj}/"),
        Some(&body.to_string()),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    a.json()["id"].as_str().unwrap().to_owned()
}

/// `POST composite/sobjects` with `n` Accounts named `{prefix}{i}`.
async fn post_accounts(app: &Router, prefix: &str, n: usize) -> common::Answer {
    let records: Vec<Value> = (0..n)
        .map(|i| json!({"attributes":{"type":"Account"},"Name":format!("{prefix}{i}")}))
        .collect();
    send(
        app,
        Method::POST,
        &format!("{V}/composite/sobjects"),
        Some(&json!({"records": records}).to_string()),
    )
    .await
}

#[tokio::test]
async fn create_read_update_delete_round_trip() {
    let (_s, app) = router();
    let a = send(
        &app,
        Method::POST,
        &format!("{V}/sobjects/Account"),
        Some(r#"{"Name":"Acme","Industry":"Tech"}"#),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED);
    let body = a.json();
    assert_eq!(body["success"], true);
    assert_eq!(body["errors"], json!([]));
    let id = body["id"].as_str().unwrap().to_owned();
    assert_eq!(id.len(), 18);
    assert!(id.starts_with("001"));

    let r = get(&app, &format!("{V}/sobjects/Account/{id}"))
        .await
        .json();
    assert_eq!(
        r["attributes"],
        json!({"type":"Account","url":format!("/services/data/v59.0/sobjects/Account/{id}")})
    );
    assert_eq!(r["Name"], "Acme");
    assert_eq!(r["ParentId"], Value::Null);
    assert_eq!(r["IsDeleted"], false);
    // 15-character IDs work too
    let r15 = get(
        &app,
        &format!("{V}/sobjects/Account/{}?fields=Name,Industry", &id[..15]),
    )
    .await
    .json();
    assert_eq!(r15["Industry"], "Tech");
    assert!(r15.get("NumberOfEmployees").is_none());

    let u = send(
        &app,
        Method::PATCH,
        &format!("{V}/sobjects/Account/{id}"),
        Some(r#"{"Industry":"Retail"}"#),
    )
    .await;
    assert_eq!(u.status, StatusCode::NO_CONTENT);
    assert!(u.text.is_empty());
    let r = get(&app, &format!("{V}/sobjects/Account/{id}"))
        .await
        .json();
    assert_eq!(r["Industry"], "Retail");

    let d = send(
        &app,
        Method::DELETE,
        &format!("{V}/sobjects/Account/{id}"),
        None,
    )
    .await;
    assert_eq!(d.status, StatusCode::NO_CONTENT);
    let gone = get(&app, &format!("{V}/sobjects/Account/{id}")).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert_eq!(gone.json()[0]["errorCode"], "NOT_FOUND");
}

#[tokio::test]
async fn record_errors_are_arrays_with_error_code() {
    let (_s, app) = router();
    let a = send(
        &app,
        Method::POST,
        &format!("{V}/sobjects/Account"),
        Some(r#"{"Name":"A","Bogus__c":1}"#),
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(a.json()[0]["errorCode"], "INVALID_FIELD");
    let a = send(
        &app,
        Method::POST,
        &format!("{V}/sobjects/Account"),
        Some(r#"{"Id":"001000000000001AAA","Name":"A"}"#),
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        a.json()[0]["message"],
        "The Id field should not be specified in the sobject data."
    );
    let a = get(&app, &format!("{V}/sobjects/Account/23foo")).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert_eq!(
        a.json()[0]["message"],
        "Provided external ID field does not exist or is not accessible: 23foo"
    );
    let a = get(
        &app,
        &format!("{V}/sobjects/Account/001000000000001AAA?fields=Nope"),
    )
    .await;
    assert_eq!(a.json()[0]["errorCode"], "INVALID_FIELD");
}

#[tokio::test]
async fn upsert_status_codes_follow_the_api_version() {
    let (_s, app) = router();
    for (v, created_status, updated_status) in [("59.0", 201, 200), ("45.0", 201, 204)] {
        let ext = format!("X-{v}");
        let url = format!("/services/data/v{v}/sobjects/Account/Ext_Id__c/{ext}");
        let c = send(&app, Method::PATCH, &url, Some(r#"{"Name":"U"}"#)).await;
        assert_eq!(c.status.as_u16(), created_status, "{v}");
        let body = c.json();
        assert_eq!(body["success"], true);
        assert_eq!(
            body.get("created").cloned(),
            if v == "59.0" { Some(json!(true)) } else { None }
        );
        let u = send(&app, Method::PATCH, &url, Some(r#"{"Name":"U2"}"#)).await;
        assert_eq!(u.status.as_u16(), updated_status, "{v}");
        if v == "59.0" {
            assert_eq!(u.json()["created"], false);
            assert_eq!(u.json()["id"], body["id"]);
        } else {
            assert!(u.text.is_empty());
        }
        let r = get(
            &app,
            &format!("/services/data/v{v}/sobjects/Account/Ext_Id__c/{ext}"),
        )
        .await
        .json();
        assert_eq!(r["Name"], "U2");
    }
    // the ext field in the body must agree with the URL
    let bad = send(
        &app,
        Method::PATCH,
        &format!("{V}/sobjects/Account/Ext_Id__c/K1"),
        Some(r#"{"Name":"U","Ext_Id__c":"K2"}"#),
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let unknown = send(
        &app,
        Method::PATCH,
        &format!("{V}/sobjects/Account/Namez/K1"),
        Some(r#"{"Name":"U"}"#),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(
        unknown.json()[0]["message"],
        "Provided external ID field does not exist or is not accessible: Namez"
    );
}

#[tokio::test]
async fn several_external_id_matches_answer_300_with_urls() {
    let (s, app) = router();
    let a = create(&app, "Account", json!({"Name":"A"})).await;
    let b = create(&app, "Account", json!({"Name":"B"})).await;
    // bypass the unique index to make a duplicate, as data loaded before a field became unique
    {
        let mut org = s.org.lock();
        for id in [&a, &b] {
            let mut r = org.record(id).unwrap().clone();
            r.fields.insert("Ext_Id__c".into(), json!("DUP"));
            org.put_record(r);
        }
    }
    let g = get(&app, &format!("{V}/sobjects/Account/Ext_Id__c/DUP")).await;
    assert_eq!(g.status, StatusCode::MULTIPLE_CHOICES);
    let urls = g.json();
    assert_eq!(urls.as_array().unwrap().len(), 2);
    assert!(
        urls[0]
            .as_str()
            .unwrap()
            .starts_with("/services/data/v59.0/sobjects/Account/001")
    );
}

#[tokio::test]
async fn upsert_by_id_updates_and_post_with_id_creates() {
    let (_s, app) = router();
    let id = create(&app, "Account", json!({"Name":"A"})).await;
    let u = send(
        &app,
        Method::PATCH,
        &format!("{V}/sobjects/Account/Id/{id}"),
        Some(r#"{"Name":"B"}"#),
    )
    .await;
    assert_eq!(u.status, StatusCode::OK);
    assert_eq!(u.json()["created"], false);
    let c = send(
        &app,
        Method::POST,
        &format!("{V}/sobjects/Account/Id"),
        Some(r#"{"Name":"C","Id":null}"#),
    )
    .await;
    assert_eq!(c.status, StatusCode::CREATED);
}

#[tokio::test]
async fn collections_create_update_delete_and_all_or_none() {
    let (_s, app) = router();
    let body = json!({"allOrNone": false, "records": [
        {"attributes":{"type":"Account"},"Name":"One"},
        {"attributes":{"type":"Account"},"Name":"Two","Bogus":1},
        {"attributes":{"type":"Contact"},"LastName":"Three"}
    ]});
    let a = send(
        &app,
        Method::POST,
        &format!("{V}/composite/sobjects"),
        Some(&body.to_string()),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    let rows = a.json();
    assert_eq!(rows[0]["success"], true);
    assert_eq!(rows[1]["success"], false);
    assert_eq!(rows[1]["errors"][0]["statusCode"], "INVALID_FIELD");
    assert!(rows[1]["errors"][0].get("errorCode").is_none());
    assert!(rows[1].get("id").is_none());
    assert!(rows[2]["id"].as_str().unwrap().starts_with("003"));

    let mut aon = body.clone();
    aon["allOrNone"] = json!(true);
    let before = get(&app, &format!("{V}/query?q=SELECT+COUNT()+FROM+Account"))
        .await
        .json()["totalSize"]
        .clone();
    let rows = send(
        &app,
        Method::POST,
        &format!("{V}/composite/sobjects/"),
        Some(&aon.to_string()),
    )
    .await
    .json();
    assert_eq!(rows[0]["success"], false);
    assert_eq!(
        rows[0]["errors"][0]["statusCode"],
        "ALL_OR_NONE_OPERATION_ROLLED_BACK"
    );
    assert_eq!(rows[1]["errors"][0]["statusCode"], "INVALID_FIELD");
    let after = get(&app, &format!("{V}/query?q=SELECT+COUNT()+FROM+Account"))
        .await
        .json()["totalSize"]
        .clone();
    assert_eq!(before, after, "allOrNone rolled everything back");

    let id = rows_id(&app).await;
    let upd = json!({"records":[{"attributes":{"type":"Account"},"id":id,"Name":"Renamed"},{"attributes":{"type":"Account"},"Name":"NoId"}]});
    let rows = send(
        &app,
        Method::PATCH,
        &format!("{V}/composite/sobjects"),
        Some(&upd.to_string()),
    )
    .await
    .json();
    assert_eq!(rows[0], json!({"id": id, "success": true, "errors": []}));
    assert_eq!(rows[1]["errors"][0]["statusCode"], "MISSING_ARGUMENT");

    let del = send(
        &app,
        Method::DELETE,
        &format!("{V}/composite/sobjects?ids={id},001000000000000AAA&allOrNone=false"),
        None,
    )
    .await
    .json();
    assert_eq!(del[0]["success"], true);
    assert_eq!(del[1]["success"], false);
    assert_eq!(del[1]["id"], "001000000000000AAA");
}

async fn rows_id(app: &Router) -> String {
    let q = get(app, &format!("{V}/query?q=SELECT+Id+FROM+Account+LIMIT+1"))
        .await
        .json();
    q["records"][0]["Id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn collections_limits_upsert_and_retrieve() {
    let (_s, app) = router();
    let a = post_accounts(&app, "N", 201).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(a.json()[0]["errorCode"], "EXCEEDED_ID_LIMIT");

    let up = json!({"records":[
        {"attributes":{"type":"Account"},"Ext_Id__c":"E1","Name":"E1"},
        {"attributes":{"type":"Account"},"Ext_Id__c":"E2","Name":"E2"}]});
    let rows = send(
        &app,
        Method::PATCH,
        &format!("{V}/composite/sobjects/Account/Ext_Id__c"),
        Some(&up.to_string()),
    )
    .await
    .json();
    assert_eq!(rows[0]["created"], true);
    let rows2 = send(
        &app,
        Method::PATCH,
        &format!("{V}/composite/sobjects/Account/Ext_Id__c"),
        Some(&up.to_string()),
    )
    .await
    .json();
    assert_eq!(rows2[0]["created"], false);
    assert_eq!(rows2[0]["id"], rows[0]["id"]);

    let id1 = rows[0]["id"].as_str().unwrap();
    let got = get(
        &app,
        &format!("{V}/composite/sobjects/Account?ids={id1},001000000000000AAA&fields=Name"),
    )
    .await
    .json();
    assert_eq!(got[0]["Name"], "E1");
    assert_eq!(got[1], Value::Null);
    let posted = send(
        &app,
        Method::POST,
        &format!("{V}/composite/sobjects/Account"),
        Some(&json!({"ids":[id1],"fields":["Name","Ext_Id__c"]}).to_string()),
    )
    .await
    .json();
    assert_eq!(posted[0]["Ext_Id__c"], "E1");
}

#[tokio::test]
async fn composite_resolves_references_and_rolls_back_all_or_none() {
    let (_s, app) = router();
    let body = json!({"allOrNone": true, "compositeRequest": [
        {"method":"POST","url":"/services/data/v59.0/sobjects/Account","referenceId":"acct","body":{"Name":"Parent"}},
        {"method":"POST","url":"/services/data/v59.0/sobjects/Contact","referenceId":"c1","body":{"LastName":"Kid","AccountId":"@{acct.id}"}},
        {"method":"GET","url":"/services/data/v59.0/sobjects/Contact/@{c1.id}?fields=AccountId","referenceId":"read"}
    ]});
    let a = send(
        &app,
        Method::POST,
        &format!("{V}/composite"),
        Some(&body.to_string()),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    let r = a.json()["compositeResponse"].clone();
    assert_eq!(r[0]["httpStatusCode"], 201);
    assert_eq!(r[0]["referenceId"], "acct");
    assert!(
        r[0]["httpHeaders"]["Location"]
            .as_str()
            .unwrap()
            .contains("/sobjects/Account/001")
    );
    assert_eq!(r[2]["body"]["AccountId"], r[0]["body"]["id"]);

    let failing = json!({"allOrNone": true, "compositeRequest": [
        {"method":"POST","url":"/services/data/v59.0/sobjects/Account","referenceId":"ok","body":{"Name":"Doomed"}},
        {"method":"POST","url":"/services/data/v59.0/sobjects/Contact","referenceId":"bad","body":{"Nope":"x"}},
        {"method":"GET","url":"/services/data/v59.0/limits","referenceId":"after"}
    ]});
    let r = send(
        &app,
        Method::POST,
        &format!("{V}/composite"),
        Some(&failing.to_string()),
    )
    .await
    .json()["compositeResponse"]
        .clone();
    assert_eq!(r[0]["httpStatusCode"], 400);
    assert_eq!(r[0]["body"][0]["errorCode"], "PROCESSING_HALTED");
    assert_eq!(r[1]["body"][0]["errorCode"], "INVALID_FIELD");
    assert_eq!(r[2]["body"][0]["errorCode"], "PROCESSING_HALTED");
    let q = get(
        &app,
        &format!("{V}/query?q=SELECT+Id+FROM+Account+WHERE+Name+%3D+'Doomed'"),
    )
    .await
    .json();
    assert_eq!(q["totalSize"], 0, "rolled back");

    let too_many: Vec<Value> = (0..26).map(|i| json!({"method":"GET","url":"/services/data/v59.0/limits","referenceId":format!("r{i}")})).collect();
    let a = send(
        &app,
        Method::POST,
        &format!("{V}/composite"),
        Some(&json!({"compositeRequest": too_many}).to_string()),
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn batch_halts_on_error_with_412() {
    let (_s, app) = router();
    let body = json!({"haltOnError": true, "batchRequests": [
        {"method":"POST","url":"v59.0/sobjects/Account","richInput":{"Name":"B1"}},
        {"method":"GET","url":"v59.0/sobjects/Account/001000000000000AAA"},
        {"method":"GET","url":"v59.0/limits"}
    ]});
    let v = send(
        &app,
        Method::POST,
        &format!("{V}/composite/batch"),
        Some(&body.to_string()),
    )
    .await
    .json();
    assert_eq!(v["hasErrors"], true);
    assert_eq!(v["results"][0]["statusCode"], 201);
    assert_eq!(v["results"][1]["statusCode"], 404);
    assert_eq!(v["results"][2]["statusCode"], 412);
    assert_eq!(
        v["results"][2]["result"][0]["errorCode"],
        "BATCH_PROCESSING_HALTED"
    );
}

#[tokio::test]
async fn query_pages_through_locators_with_batch_size() {
    let (_s, app) = router();
    for chunk in 0..3 {
        let a = post_accounts(&app, &format!("P{chunk}-"), 200).await;
        assert_eq!(a.status, StatusCode::OK);
    }
    let first = common::send_with(
        &app,
        Method::GET,
        &format!("{V}/query/?q=SELECT+Id,Name+FROM+Account"),
        Some(common::TOKEN),
        &[("sforce-query-options", "batchSize=250")],
        None,
    )
    .await
    .json();
    assert_eq!(first["totalSize"], 600);
    assert_eq!(first["done"], false);
    assert_eq!(first["records"].as_array().unwrap().len(), 250);
    let next = first["nextRecordsUrl"].as_str().unwrap().to_owned();
    assert!(next.starts_with("/services/data/v59.0/query/01g"));
    assert!(next.ends_with("-250"));
    let locator = next.rsplit('/').next().unwrap();
    assert!(!locator.contains('/'));
    let second = get(&app, &next).await.json();
    assert_eq!(second["totalSize"], 600);
    assert_eq!(second["records"].as_array().unwrap().len(), 250);
    let third = get(&app, second["nextRecordsUrl"].as_str().unwrap())
        .await
        .json();
    assert_eq!(third["done"], true);
    assert!(third.get("nextRecordsUrl").is_none());
    assert_eq!(third["records"].as_array().unwrap().len(), 100);
    let bad = get(&app, &format!("{V}/query/01gXXXXXXXXXXXXXXX-2000")).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.json()[0]["errorCode"], "INVALID_QUERY_LOCATOR");

    // queryAll continuations live under query/ too, and deleted rows show up
    let id = first["records"][0]["Id"].as_str().unwrap().to_owned();
    send(
        &app,
        Method::DELETE,
        &format!("{V}/sobjects/Account/{id}"),
        None,
    )
    .await;
    let all = get(
        &app,
        &format!("{V}/queryAll?q=SELECT+Id+FROM+Account+WHERE+IsDeleted+%3D+true"),
    )
    .await
    .json();
    assert_eq!(all["totalSize"], 1);
    let all = get(&app, &format!("{V}/queryAll?q=SELECT+Id+FROM+Account"))
        .await
        .json();
    assert!(all["nextRecordsUrl"].is_null());
    let bad_q = get(&app, &format!("{V}/query?q=SELEKT+Id")).await;
    assert_eq!(bad_q.json()[0]["errorCode"], "MALFORMED_QUERY");
}

fn iso(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%%2B00:00").to_string()
}

#[tokio::test]
async fn replication_updated_and_deleted_windows() {
    let (s, app) = router();
    let t0 = chrono::DateTime::parse_from_rfc3339("2024-03-10T12:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    s.clock.freeze(t0);
    let a = create(&app, "Account", json!({"Name":"R1"})).await;
    let b = create(&app, "Account", json!({"Name":"R2"})).await;
    s.clock.freeze(t0 + chrono::Duration::minutes(5));
    send(
        &app,
        Method::DELETE,
        &format!("{V}/sobjects/Account/{b}"),
        None,
    )
    .await;
    s.clock.freeze(t0 + chrono::Duration::hours(1));

    let start = iso(t0 - chrono::Duration::minutes(1));
    let end = iso(t0 + chrono::Duration::minutes(30));
    let u = get(
        &app,
        &format!("{V}/sobjects/Account/updated/?start={start}&end={end}"),
    )
    .await;
    assert_eq!(u.status, StatusCode::OK, "{}", u.text);
    let u = u.json();
    assert_eq!(u["ids"], json!([a]));
    assert_eq!(u["latestDateCovered"], "2024-03-10T12:30:00.000+0000");
    let d = get(
        &app,
        &format!("{V}/sobjects/Account/deleted?start={start}&end={end}"),
    )
    .await
    .json();
    assert_eq!(d["deletedRecords"][0]["id"], b);
    assert_eq!(
        d["deletedRecords"][0]["deletedDate"],
        "2024-03-10T12:05:00.000+0000"
    );
    assert_eq!(d["earliestDateAvailable"], "2024-02-24T13:00:00.000+0000");

    let old = iso(t0 - chrono::Duration::days(31));
    let e = get(
        &app,
        &format!("{V}/sobjects/Account/updated?start={old}&end={end}"),
    )
    .await;
    assert_eq!(e.status, StatusCode::BAD_REQUEST);
    assert_eq!(e.json()[0]["errorCode"], "INVALID_REPLICATION_DATE");
    let old = iso(t0 - chrono::Duration::days(16));
    let e = get(
        &app,
        &format!("{V}/sobjects/Account/deleted?start={old}&end={end}"),
    )
    .await;
    assert_eq!(e.json()[0]["errorCode"], "INVALID_REPLICATION_DATE");
    let e = get(
        &app,
        &format!("{V}/sobjects/Account/updated?start={end}&end={start}"),
    )
    .await;
    assert_eq!(e.json()[0]["errorCode"], "INVALID_REPLICATION_DATE");
}

#[tokio::test]
async fn default_org_records_carry_compound_addresses_as_objects() {
    use orgsync::emulator::fixture::{DefaultOrg, default_org};
    use orgsync::emulator::{EmulatorOptions, EmulatorState, app};
    let mut opts = EmulatorOptions::new(default_org(DefaultOrg::Primary, 0).unwrap());
    opts.access_token = Some(common::TOKEN.to_owned());
    let app = app(EmulatorState::new(opts));
    let body = json!({"Name":"Addr","BillingCity":"Lyon","BillingCountry":"France"});
    let id = create(&app, "Account", body).await;
    let r = get(&app, &format!("{V}/sobjects/Account/{id}"))
        .await
        .json();
    assert_eq!(r["BillingAddress"]["city"], "Lyon");
    assert_eq!(r["BillingAddress"]["country"], "France");
    assert_eq!(r["BillingAddress"]["postalCode"], Value::Null);
    assert_eq!(r["ShippingAddress"], Value::Null);
    let only = get(
        &app,
        &format!("{V}/sobjects/Account/{id}?fields=BillingAddress"),
    )
    .await
    .json();
    assert_eq!(only["BillingAddress"]["city"], "Lyon");
}

#[tokio::test]
async fn composite_sub_requests_carry_their_http_headers() {
    let (_s, app) = router();
    let body = json!({"compositeRequest": [
        {"method":"GET","url":"/services/data/v59.0/sobjects/Account/describe","referenceId":"d",
         "httpHeaders":{"If-Modified-Since":"Wed, 01 Jan 2098 00:00:00 GMT"}},
        {"method":"GET","url":"/services/data/v59.0/sobjects/Account/describe","referenceId":"e"}
    ]});
    let r = send(
        &app,
        Method::POST,
        &format!("{V}/composite"),
        Some(&body.to_string()),
    )
    .await
    .json();
    assert_eq!(r["compositeResponse"][0]["httpStatusCode"], 304);
    assert_eq!(r["compositeResponse"][0]["body"], Value::Null);
    assert_eq!(r["compositeResponse"][1]["httpStatusCode"], 200);
    assert_eq!(r["compositeResponse"][1]["body"]["name"], "Account");
}
