//! orgsync's own Bulk API 2.0 client (`org::bulk2`) against the emulator: the two were written
//! apart from the reference, so a round trip checks that they agree on the wire.

mod emulator_bulk2_support;

use std::time::Duration;

use emulator_bulk2_support::Bulk;
use orgsync::org::bulk2::{IngestJobRequest, IngestOperation, IngestResults, PollSettings};
use orgsync::org::wire::JobState;
use orgsync::org::{Auth, OrgClient, OrgConfig, OrgError};
use secrecy::SecretString;
use url::Url;

fn client(b: &Bulk) -> OrgClient {
    let mut cfg = OrgConfig::new(
        Url::parse(&b.emu.instance_url).unwrap(),
        Auth::AccessToken {
            access_token: SecretString::from(b.emu.access_token.clone()),
        },
    );
    cfg.api_version = "60.0".parse().unwrap();
    OrgClient::new(cfg).unwrap()
}

const POLL: PollSettings = PollSettings {
    interval: Duration::from_millis(20),
    max_polls: 50,
};

#[tokio::test]
async fn org_client_ingests_and_queries_through_the_emulator() {
    let b = Bulk::new(61);
    let org = client(&b);
    let mut csv = String::from("Name,Ext_Id__c\n");
    for i in 0..30 {
        csv.push_str(&format!("Client {i:02},C{i}\n"));
    }
    csv.push_str(",C99\n");
    let req = IngestJobRequest::new("Account", IngestOperation::Upsert, Some("Ext_Id__c"));
    let info = org
        .run_ingest_job(&req, csv.into_bytes(), POLL)
        .await
        .unwrap();
    assert_eq!(info.state, JobState::JobComplete);
    assert_eq!(info.number_records_processed, 31);
    assert_eq!(info.number_records_failed, 1);
    let ok = org
        .ingest_results(&info.id, IngestResults::Successful)
        .await
        .unwrap();
    assert_eq!(ok.rows.len(), 30);
    assert_eq!(ok.cell(0, "sf__Created"), Some("true"));
    let failed = org
        .ingest_results(&info.id, IngestResults::Failed)
        .await
        .unwrap();
    assert!(
        failed
            .cell(0, "sf__Error")
            .unwrap()
            .starts_with("REQUIRED_FIELD_MISSING:")
    );

    let job = org
        .create_query_job("SELECT Name FROM Account ORDER BY Name", false)
        .await
        .unwrap();
    assert_ne!(job.state, JobState::Open);
    org.wait_for_bulk_job(&job.id, true, POLL).await.unwrap();
    let rows = org.query_job_results(&job.id, Some(7)).await.unwrap();
    assert_eq!(rows.headers, ["Name"]);
    assert_eq!(rows.rows.len(), 30);
    assert_eq!(rows.cell(29, "Name"), Some("Client 29"));
}

#[tokio::test]
async fn org_client_sees_failed_jobs_as_errors() {
    let b = Bulk::new(62);
    let org = client(&b);
    let req = IngestJobRequest::new("Account", IngestOperation::Insert, None);
    let err = org
        .run_ingest_job(&req, b"Name,Nope__c\nA,1\n".to_vec(), POLL)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, OrgError::JobFailed { state, .. } if state == "Failed"),
        "{err:?}"
    );
}
