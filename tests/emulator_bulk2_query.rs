//! Bulk API 2.0 query jobs against the spawned emulator: states (never `Open`), paging with
//! `maxRecords` and locators, `queryAll`, SOQL errors at creation, relationship columns, CSV
//! dialects, abort, delete and list.

mod emulator_bulk2_support;

use emulator_bulk2_support::{Bulk, V, csv_rows};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn seed_accounts(b: &Bulk, n: usize) {
    let mut csv = String::from("Name,Ext_Id__c\n");
    for i in 0..n {
        csv.push_str(&format!("Acct {i:03},E{i}\n"));
    }
    let (_, info) = b
        .ingest(json!({"object": "Account", "operation": "insert"}), &csv)
        .await;
    assert_eq!(info["numberRecordsFailed"], 0);
}

async fn create_query(b: &Bulk, body: Value) -> Value {
    let a = b.json(Method::POST, &format!("{V}/jobs/query"), body).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    a.json()
}

#[tokio::test]
async fn query_pages_follow_locators_until_null() {
    let b = Bulk::new(41);
    seed_accounts(&b, 250).await;
    let job = create_query(
        &b,
        json!({"operation": "query", "query": "SELECT Id, Name FROM Account ORDER BY Name"}),
    )
    .await;
    assert_eq!(job["state"], "UploadComplete");
    assert_eq!(job["jobType"], "V2Query");
    assert_eq!(job["object"], "Account");
    assert!(job.get("contentUrl").is_none());
    let id = job["id"].as_str().unwrap().to_owned();
    let info = b.info("query", &id).await;
    assert_eq!(info["state"], "JobComplete");
    assert_eq!(info["numberRecordsProcessed"], 250);

    let mut url = format!("{V}/jobs/query/{id}/results?maxRecords=100");
    let mut names = Vec::new();
    let mut counts = Vec::new();
    loop {
        let page = b.get(&url).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        assert_eq!(page.header("content-type").as_deref(), Some("text/csv"));
        let rows = page.csv();
        assert_eq!(rows[0], ["Id", "Name"]);
        let n: usize = page
            .header("sforce-numberofrecords")
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(n, rows.len() - 1);
        counts.push(n);
        names.extend(rows[1..].iter().map(|r| r[1].clone()));
        let locator = page.header("sforce-locator").unwrap();
        if locator == "null" {
            break;
        }
        url = format!("{V}/jobs/query/{id}/results?maxRecords=100&locator={locator}");
    }
    assert_eq!(counts, [100, 100, 50]);
    assert_eq!(names.len(), 250);
    assert_eq!(names[0], "Acct 000");
    assert_eq!(names[249], "Acct 249");

    let all = b.get(&format!("{V}/jobs/query/{id}/results")).await;
    assert_eq!(all.header("sforce-locator").as_deref(), Some("null"));
    assert_eq!(all.header("sforce-numberofrecords").as_deref(), Some("250"));
    let bad = b
        .get(&format!("{V}/jobs/query/{id}/results?locator=@@@"))
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn query_all_includes_deleted_rows() {
    let b = Bulk::new(42);
    let keep = b.create("Account", json!({"Name": "Keep"})).await;
    let gone = b.create("Account", json!({"Name": "Gone"})).await;
    let del = b
        .send(
            Method::DELETE,
            &format!("{V}/sobjects/Account/{gone}"),
            None,
            None,
        )
        .await;
    assert_eq!(del.status, StatusCode::NO_CONTENT);
    let q = "SELECT Id, IsDeleted FROM Account ORDER BY Name";
    let live = create_query(&b, json!({"operation": "query", "query": q})).await;
    let all = create_query(&b, json!({"operation": "queryAll", "query": q})).await;
    assert_eq!(all["operation"], "queryAll");
    let live_rows = b_results(&b, live["id"].as_str().unwrap()).await;
    assert_eq!(live_rows[1..], [[keep.clone(), "false".to_owned()]]);
    let all_rows = b_results(&b, all["id"].as_str().unwrap()).await;
    assert_eq!(
        all_rows[1..],
        [
            [gone.clone(), "true".to_owned()],
            [keep.clone(), "false".to_owned()]
        ]
    );
}

async fn b_results(b: &Bulk, id: &str) -> Vec<Vec<String>> {
    let a = b.get(&format!("{V}/jobs/query/{id}/results")).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    a.csv()
}

#[tokio::test]
async fn bad_soql_is_a_rest_error_at_creation() {
    let b = Bulk::new(43);
    let a = b
        .json(
            Method::POST,
            &format!("{V}/jobs/query"),
            json!({"operation": "query", "query": "SELECT Nope__c FROM Account"}),
        )
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(a.json()[0]["errorCode"], "INVALID_FIELD");
    let a = b
        .json(
            Method::POST,
            &format!("{V}/jobs/query"),
            json!({"operation": "query", "query": "SELEC Id FROM Account"}),
        )
        .await;
    assert_eq!(a.json()[0]["errorCode"], "MALFORMED_QUERY");
    let a = b
        .json(
            Method::POST,
            &format!("{V}/jobs/query"),
            json!({"operation": "insert", "query": "SELECT Id FROM Account"}),
        )
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    let list = b.get(&format!("{V}/jobs/query")).await.json();
    assert_eq!(list["records"], json!([]));
}

#[tokio::test]
async fn relationship_columns_and_null_cells_flatten() {
    let b = Bulk::new(44);
    let acct = b.create("Account", json!({"Name": "Parent Co"})).await;
    b.create("Contact", json!({"LastName": "Linked", "AccountId": acct}))
        .await;
    b.create("Contact", json!({"LastName": "Alone"})).await;
    let job = create_query(
        &b,
        json!({"operation": "query", "query": "SELECT LastName, Account.Name FROM Contact ORDER BY LastName"}),
    )
    .await;
    let rows = b_results(&b, job["id"].as_str().unwrap()).await;
    assert_eq!(
        rows,
        [
            ["LastName", "Account.Name"],
            ["Alone", ""],
            ["Linked", "Parent Co"]
        ]
    );
}

#[tokio::test]
async fn query_results_use_the_job_dialect() {
    let b = Bulk::new(45);
    b.create("Account", json!({"Name": "Semi; Colon"})).await;
    let job = create_query(
        &b,
        json!({"operation": "query", "query": "SELECT Name FROM Account", "columnDelimiter": "SEMICOLON", "lineEnding": "CRLF"}),
    )
    .await;
    assert_eq!(job["columnDelimiter"], "SEMICOLON");
    let id = job["id"].as_str().unwrap();
    let raw = b.get(&format!("{V}/jobs/query/{id}/results")).await.text;
    assert_eq!(raw, "\"Name\"\r\n\"Semi; Colon\"\r\n");
    assert_eq!(csv_rows(&raw, b';')[1], ["Semi; Colon"]);
}

#[tokio::test]
async fn query_jobs_are_never_open_and_abort_delete_list_work() {
    let b = Bulk::new(46);
    let q = json!({"operation": "query", "query": "SELECT Id FROM Account"});
    let first = create_query(&b, q.clone()).await;
    let first_id = first["id"].as_str().unwrap().to_owned();
    let aborted = b.set_state("query", &first_id, "Aborted").await;
    assert_eq!(aborted.json()["state"], "Aborted");
    let results = b.get(&format!("{V}/jobs/query/{first_id}/results")).await;
    assert_eq!(results.status, StatusCode::BAD_REQUEST);
    assert_eq!(results.json()[0]["errorCode"], "INVALIDJOBSTATE");

    let second = create_query(&b, q).await;
    let second_id = second["id"].as_str().unwrap().to_owned();
    assert_eq!(b.info("query", &second_id).await["state"], "JobComplete");
    let late = b.set_state("query", &second_id, "Aborted").await;
    assert_eq!(
        late.json()[0]["message"],
        "Aborting already Completed Job not allowed"
    );
    let close = b.set_state("query", &second_id, "UploadComplete").await;
    assert_eq!(close.json()[0]["errorCode"], "INVALIDJOBSTATE");

    let list = b.get(&format!("{V}/jobs/query/")).await.json();
    let states: Vec<&str> = list["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["Aborted", "JobComplete"]);
    assert!(!states.contains(&"Open"));
    let ingest_list = b.get(&format!("{V}/jobs/ingest")).await.json();
    assert_eq!(ingest_list["records"], json!([]));
    assert_eq!(
        b.get(&format!("{V}/jobs/ingest/{second_id}")).await.status,
        StatusCode::NOT_FOUND
    );

    let del = b
        .send(
            Method::DELETE,
            &format!("{V}/jobs/query/{second_id}/"),
            None,
            None,
        )
        .await;
    assert_eq!(del.status, StatusCode::NO_CONTENT);
    assert_eq!(
        b.get(&format!("{V}/jobs/query/{second_id}")).await.status,
        StatusCode::NOT_FOUND
    );
    let old = b.get("/services/data/v40.0/jobs/query").await;
    assert_eq!(old.status, StatusCode::NOT_FOUND);
}
