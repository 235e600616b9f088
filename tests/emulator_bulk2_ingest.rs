//! Bulk API 2.0 ingest jobs against the spawned emulator: the whole lifecycle for every
//! operation, per-row failures, aborts, failed jobs, state errors, CSV dialects, trailing
//! slashes and API accounting.

mod emulator_bulk2_support;

use emulator_bulk2_support::{Bulk, V, csv_rows};
use orgsync::emulator::http::CallClass;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn insert_job(object: &str) -> Value {
    json!({"object": object, "operation": "insert", "contentType": "CSV", "lineEnding": "LF", "columnDelimiter": "COMMA"})
}

#[tokio::test]
async fn insert_lifecycle_with_a_failed_row() {
    let b = Bulk::new(21);
    let created = b
        .json(
            Method::POST,
            &format!("{V}/jobs/ingest"),
            insert_job("account"),
        )
        .await;
    assert_eq!(created.status, StatusCode::OK);
    let info = created.json();
    let keys: Vec<&str> = info
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for k in [
        "id",
        "operation",
        "object",
        "createdById",
        "createdDate",
        "systemModstamp",
        "state",
        "concurrencyMode",
        "contentType",
        "apiVersion",
        "jobType",
        "contentUrl",
        "lineEnding",
        "columnDelimiter",
        "numberRecordsProcessed",
        "numberRecordsFailed",
        "retries",
        "totalProcessingTime",
        "apiActiveProcessingTime",
        "apexProcessingTime",
    ] {
        assert!(keys.contains(&k), "missing {k} in {info}");
    }
    assert_eq!(info["state"], "Open");
    assert_eq!(info["object"], "Account");
    assert_eq!(info["jobType"], "V2Ingest");
    assert_eq!(info["apiVersion"].as_f64(), Some(60.0));
    assert_eq!(info["createdById"], b.emu.user_id.as_str());
    let id = info["id"].as_str().unwrap();
    assert_eq!(
        info["contentUrl"],
        format!("services/data/v60.0/jobs/ingest/{id}/batches")
    );

    let csv = "Name,Industry,NumberOfEmployees\nAcme,Tech,10\n,Retail,5\n\"Comma, Inc\",,#N/A\n";
    let put = b.upload(id, csv).await;
    assert_eq!(put.status, StatusCode::CREATED);
    assert!(put.text.is_empty());
    let closed = b.set_state("ingest", id, "UploadComplete").await;
    assert_eq!(closed.json()["state"], "UploadComplete");
    let done = b.info("ingest", id).await;
    assert_eq!(done["state"], "JobComplete");
    assert_eq!(done["numberRecordsProcessed"], 3);
    assert_eq!(done["numberRecordsFailed"], 1);

    let ok = b.results(id, "successfulResults").await;
    assert_eq!(
        ok[0],
        [
            "sf__Id",
            "sf__Created",
            "Name",
            "Industry",
            "NumberOfEmployees"
        ]
    );
    assert_eq!(ok.len(), 3);
    assert!(ok[1][0].starts_with("001") && ok[1][0].len() == 18);
    assert_eq!(ok[1][1..], ["true", "Acme", "Tech", "10"]);
    assert_eq!(ok[2][2], "Comma, Inc");
    let failed = b.results(id, "failedResults").await;
    assert_eq!(failed[0][..2], ["sf__Id", "sf__Error"]);
    assert_eq!(
        failed[1],
        [
            "",
            "REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name --",
            "",
            "Retail",
            "5"
        ]
    );
    let unprocessed = b.results(id, "unprocessedrecords").await;
    assert_eq!(unprocessed, [["Name", "Industry", "NumberOfEmployees"]]);

    let rows = b
        .soql(
            false,
            "SELECT Name, Industry, NumberOfEmployees FROM Account ORDER BY Name",
        )
        .await;
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["Name"], "Acme");
    assert_eq!(rows[0]["NumberOfEmployees"], 10);
    assert_eq!(rows[1]["Industry"], Value::Null);
    assert_eq!(rows[1]["NumberOfEmployees"], Value::Null);
}

#[tokio::test]
async fn update_ignores_empty_values_and_nulls_na() {
    let b = Bulk::new(22);
    let id = b
        .create(
            "Account",
            json!({"Name": "Keep", "Industry": "Tech", "NumberOfEmployees": 7}),
        )
        .await;
    let job = json!({"object": "Account", "operation": "update"});
    let csv = format!(
        "Id,Name,Industry,NumberOfEmployees\n{},,Retail,#N/A\n001000000000000AAA,X,,\n",
        &id[..15]
    );
    let (jid, info) = b.ingest(job, &csv).await;
    assert_eq!(info["numberRecordsProcessed"], 2);
    assert_eq!(info["numberRecordsFailed"], 1);
    let ok = b.results(&jid, "successfulResults").await;
    assert_eq!(ok[1][..2], [id.as_str(), "false"]);
    let failed = b.results(&jid, "failedResults").await;
    assert_eq!(failed[1][0], "001000000000000AAA");
    assert_eq!(
        failed[1][1],
        "NOT_FOUND:The requested resource does not exist:--"
    );
    let rec = &b
        .soql(
            false,
            "SELECT Name, Industry, NumberOfEmployees FROM Account",
        )
        .await[0];
    assert_eq!(rec["Name"], "Keep");
    assert_eq!(rec["Industry"], "Retail");
    assert_eq!(rec["NumberOfEmployees"], Value::Null);
}

#[tokio::test]
async fn upsert_by_external_id_and_relationship_columns() {
    let b = Bulk::new(23);
    let existing = b
        .create("Account", json!({"Name": "Old", "Ext_Id__c": "A1"}))
        .await;
    let job =
        json!({"object": "Account", "operation": "upsert", "externalIdFieldName": "ext_id__c"});
    let (jid, info) = b
        .ingest(job, "Ext_Id__c,Name\nA1,Renamed\nA2,Fresh\n,NoKey\n")
        .await;
    assert_eq!(info["externalIdFieldName"], "Ext_Id__c");
    assert_eq!(info["numberRecordsFailed"], 1);
    let ok = b.results(&jid, "successfulResults").await;
    assert_eq!(ok[1][..3], [existing.as_str(), "false", "A1"]);
    assert_eq!(ok[2][1], "true");
    let fresh = ok[2][0].clone();

    let contacts = json!({"object": "Contact", "operation": "insert"});
    let (cid, cinfo) = b
        .ingest(
            contacts,
            "LastName,Account.Ext_Id__c\nWith,A2\nWithout,#N/A\nBroken,ZZ\n",
        )
        .await;
    assert_eq!(cinfo["numberRecordsFailed"], 1);
    let failed = b.results(&cid, "failedResults").await;
    assert_eq!(
        failed[1][1],
        "INVALID_FIELD:Foreign key external ID: ZZ not found for field Ext_Id__c in entity Account:--"
    );
    let rows = b
        .soql(
            false,
            "SELECT LastName, AccountId FROM Contact ORDER BY LastName",
        )
        .await;
    assert_eq!(rows[0]["AccountId"], fresh.as_str());
    assert_eq!(rows[1]["AccountId"], Value::Null);

    let bad = b
        .json(
            Method::POST,
            &format!("{V}/jobs/ingest"),
            json!({"object": "Account", "operation": "upsert", "externalIdFieldName": "Industry"}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.json()[0]["errorCode"], "INVALIDJOB");
}

#[tokio::test]
async fn delete_and_hard_delete() {
    let b = Bulk::new(24);
    let soft = b.create("Account", json!({"Name": "Soft"})).await;
    let hard = b.create("Account", json!({"Name": "Hard"})).await;
    let (jid, info) = b
        .ingest(
            json!({"object": "Account", "operation": "delete"}),
            &format!("Id\n{soft}\n"),
        )
        .await;
    assert_eq!(info["numberRecordsFailed"], 0);
    assert_eq!(
        b.results(&jid, "successfulResults").await[1],
        [soft.as_str(), "false", soft.as_str()]
    );
    let (_, info) = b
        .ingest(
            json!({"object": "Account", "operation": "hardDelete"}),
            &format!("Id\n{hard}\n{soft}\n"),
        )
        .await;
    assert_eq!(info["numberRecordsProcessed"], 2);
    assert_eq!(
        info["numberRecordsFailed"], 1,
        "the soft-deleted row is gone"
    );
    assert!(b.soql(false, "SELECT Id FROM Account").await.is_empty());
    let all = b.soql(true, "SELECT Id, IsDeleted FROM Account").await;
    assert_eq!(all.len(), 1);
    assert_eq!(all[0]["Id"], soft.as_str());
    assert_eq!(all[0]["IsDeleted"], true);
}

#[tokio::test]
async fn abort_leaves_every_row_unprocessed() {
    let b = Bulk::new(25);
    let id = b.create_ingest(insert_job("Account")).await;
    b.upload(&id, "Name\nA\nB\n").await;
    let aborted = b.set_state("ingest", &id, "Aborted").await;
    assert_eq!(aborted.json()["state"], "Aborted");
    for casing in ["unprocessedrecords", "unprocessedRecords"] {
        assert_eq!(b.results(&id, casing).await, [["Name"], ["A"], ["B"]]);
    }
    assert_eq!(b.results(&id, "successfulResults").await.len(), 1);
    let close = b.set_state("ingest", &id, "UploadComplete").await;
    assert_eq!(close.status, StatusCode::BAD_REQUEST);
    assert_eq!(close.json()[0]["errorCode"], "INVALIDJOBSTATE");
    let again = b.set_state("ingest", &id, "Aborted").await;
    assert_eq!(
        again.json()[0]["message"],
        "Aborting already Aborted Job not allowed"
    );
    assert!(b.soql(false, "SELECT Id FROM Account").await.is_empty());
}

#[tokio::test]
async fn unmappable_input_fails_the_job_with_an_error_message() {
    let b = Bulk::new(26);
    let (id, info) = b
        .ingest(insert_job("Account"), "Name,Bogus__c\nA,1\n")
        .await;
    assert_eq!(info["state"], "Failed");
    assert_eq!(
        info["errorMessage"],
        "InvalidBatch : Field name not found : Bogus__c"
    );
    assert_eq!(info["numberRecordsProcessed"], 0);
    assert_eq!(b.results(&id, "unprocessedrecords").await.len(), 2);

    let (_, info) = b.ingest(insert_job("Nope__c"), "Name\nA\n").await;
    assert_eq!(info["state"], "Failed");
    assert_eq!(
        info["errorMessage"],
        "InvalidJob : Unable to find object: Nope__c"
    );

    let (_, info) = b
        .ingest(insert_job("Account"), "Name,Industry\nA,B,C\n")
        .await;
    assert_eq!(info["state"], "Failed");
    assert!(
        info["errorMessage"]
            .as_str()
            .unwrap()
            .starts_with("ClientInputError : ")
    );
}

#[tokio::test]
async fn state_errors_not_found_delete_and_list() {
    let b = Bulk::new(27);
    let (done, _) = b.ingest(insert_job("Account"), "Name\nA\n").await;
    let late = b.upload(&done, "Name\nB\n").await;
    assert_eq!(late.status, StatusCode::BAD_REQUEST);
    assert_eq!(late.json()[0]["errorCode"], "INVALIDJOBSTATE");
    let abort = b.set_state("ingest", &done, "Aborted").await;
    assert_eq!(
        abort.json(),
        json!([{"errorCode": "INVALIDJOBSTATE", "message": "Aborting already Completed Job not allowed"}])
    );
    let weird = b.set_state("ingest", &done, "JobComplete").await;
    assert_eq!(weird.status, StatusCode::BAD_REQUEST);

    let twice = b.create_ingest(insert_job("Account")).await;
    assert_eq!(
        b.upload(&twice, "Name\nA\n").await.status,
        StatusCode::CREATED
    );
    assert_eq!(
        b.upload(&twice, "Name\nB\n").await.status,
        StatusCode::CREATED
    );
    let close = b.set_state("ingest", &twice, "UploadComplete").await;
    assert_eq!(close.status, StatusCode::BAD_REQUEST);
    assert_eq!(close.json()[0]["errorCode"], "INVALIDJOB");
    assert!(
        close.json()[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("Found multipe contents for job")
    );
    let open_delete = b
        .send(
            Method::DELETE,
            &format!("{V}/jobs/ingest/{twice}"),
            None,
            None,
        )
        .await;
    assert_eq!(open_delete.status, StatusCode::BAD_REQUEST);

    let list = b.get(&format!("{V}/jobs/ingest")).await.json();
    assert_eq!(list["done"], true);
    assert_eq!(list["nextRecordsUrl"], Value::Null);
    let ids: Vec<&str> = list["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [done.as_str(), twice.as_str()]);

    let del = b
        .send(
            Method::DELETE,
            &format!("{V}/jobs/ingest/{done}"),
            None,
            None,
        )
        .await;
    assert_eq!(del.status, StatusCode::NO_CONTENT);
    let gone = b.get(&format!("{V}/jobs/ingest/{done}")).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert_eq!(gone.json()[0]["errorCode"], "NOT_FOUND");
    let unknown = b
        .get(&format!(
            "{V}/jobs/ingest/750000000000000AAA/successfulResults"
        ))
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn tab_delimited_crlf_jobs_answer_in_their_dialect() {
    let b = Bulk::new(28);
    let job = json!({"object": "Account", "operation": "insert", "lineEnding": "CRLF", "columnDelimiter": "TAB"});
    let (id, info) = b
        .ingest(job, "Name\tIndustry\r\nA, with comma\tTech\r\nB\t\r\n")
        .await;
    assert_eq!(info["lineEnding"], "CRLF");
    assert_eq!(info["columnDelimiter"], "TAB");
    assert_eq!(info["numberRecordsProcessed"], 2);
    let raw = b
        .get(&format!("{V}/jobs/ingest/{id}/successfulResults"))
        .await
        .text;
    assert!(
        raw.starts_with("\"sf__Id\"\t\"sf__Created\"\t\"Name\"\t\"Industry\"\r\n"),
        "{raw}"
    );
    let rows = csv_rows(&raw, b'\t');
    assert_eq!(rows[1][2..], ["A, with comma", "Tech"]);
}

#[tokio::test]
async fn trailing_slashes_and_accounting() {
    let b = Bulk::new(29);
    let before = b.emu.state.journal.count(CallClass::Bulk);
    let created = b
        .json(
            Method::POST,
            &format!("{V}/jobs/ingest/"),
            insert_job("Account"),
        )
        .await;
    let id = created.json()["id"].as_str().unwrap().to_owned();
    let put = b
        .send(
            Method::PUT,
            &format!("{V}/jobs/ingest/{id}/batches/"),
            Some("text/csv"),
            Some("Name\nSlash\n".into()),
        )
        .await;
    assert_eq!(put.status, StatusCode::CREATED);
    let close = b
        .json(
            Method::PATCH,
            &format!("{V}/jobs/ingest/{id}/"),
            json!({"state": "UploadComplete"}),
        )
        .await;
    assert_eq!(close.status, StatusCode::OK);
    let ok = b
        .get(&format!("{V}/jobs/ingest/{id}/successfulResults/"))
        .await;
    assert_eq!(ok.csv().len(), 2);
    assert_eq!(
        b.get(&format!("{V}/jobs/ingest/")).await.status,
        StatusCode::OK
    );
    assert_eq!(b.emu.state.journal.count(CallClass::Bulk) - before, 5);
    assert!(
        ok.header("sforce-limit-info")
            .unwrap()
            .starts_with("api-usage=")
    );

    b.emu
        .state
        .set_daily_allowance(b.emu.state.journal.api_usage());
    let refused = b.get(&format!("{V}/jobs/ingest/{id}")).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.json()[0]["errorCode"], "REQUEST_LIMIT_EXCEEDED");
}

#[tokio::test]
async fn one_hundred_thousand_rows_in_one_job() {
    let b = Bulk::new(30);
    let mut csv = String::from("Name,Industry\n");
    for i in 0..100_000 {
        csv.push_str(&format!("Row {i},Tech\n"));
    }
    let (id, info) = b.ingest(insert_job("Account"), &csv).await;
    assert_eq!(info["state"], "JobComplete");
    assert_eq!(info["numberRecordsProcessed"], 100_000);
    assert_eq!(info["numberRecordsFailed"], 0);
    let ok = b.results(&id, "successfulResults").await;
    assert_eq!(ok.len(), 100_001);
    let count = b
        .get(&format!("{V}/query?q=SELECT+COUNT()+FROM+Account"))
        .await
        .json();
    assert_eq!(count["totalSize"], 100_000);
}
