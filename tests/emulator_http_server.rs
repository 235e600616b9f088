//! The emulator over real sockets: `spawn_for_tests` with HTTP and TLS, and the ready line of
//! the `orgsync emulator` binary.

#[path = "common/emulator.rs"]
mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use common::{TOKEN, options};
use orgsync::emulator::server::spawn_tls_for_tests;
use orgsync::emulator::spawn_for_tests;
use serde_json::{Value, json};

#[tokio::test]
async fn spawned_emulator_serves_http_and_stops_on_drop() {
    let emu = spawn_for_tests(options(3));
    assert!(emu.instance_url.starts_with("http://127.0.0.1:"));
    assert_eq!(emu.access_token, TOKEN);
    let client = reqwest::Client::new();
    let created: Value = client
        .post(format!(
            "{}/services/data/v59.0/sobjects/Account/",
            emu.instance_url
        ))
        .bearer_auth(&emu.access_token)
        .json(&json!({"Name": "Over HTTP"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(created["success"], true);
    let resp = client
        .get(format!(
            "{}/services/data/v59.0/query?q=SELECT+Name+FROM+Account",
            emu.instance_url
        ))
        .bearer_auth(&emu.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.headers()["content-type"].to_str().unwrap(),
        "application/json;charset=UTF-8"
    );
    assert_eq!(
        resp.headers()["sforce-limit-info"].to_str().unwrap(),
        "api-usage=2/15000"
    );
    let q: Value = resp.json().await.unwrap();
    assert_eq!(q["records"][0]["Name"], "Over HTTP");
    let url = emu.instance_url.clone();
    drop(emu);
    assert!(
        client
            .get(format!("{url}/services/data"))
            .send()
            .await
            .is_err()
    );
}

#[tokio::test]
async fn two_emulators_run_side_by_side_with_distinct_orgs() {
    let a = spawn_for_tests(options(4));
    let b = spawn_for_tests(options(5));
    assert_ne!(a.instance_url, b.instance_url);
    assert_ne!(a.org_id, b.org_id);
    assert_ne!(a.username, b.username);
}

#[tokio::test]
async fn tls_emulator_is_trusted_through_its_ca() {
    let emu = spawn_tls_for_tests(options(6));
    assert!(emu.instance_url.starts_with("https://127.0.0.1:"));
    let pem = emu.ca_pem.clone().unwrap();
    let file = emu.ca_cert_file.clone().unwrap();
    assert_eq!(std::fs::read_to_string(&file).unwrap(), pem);
    let ca = reqwest::Certificate::from_pem(pem.as_bytes()).unwrap();
    let client = reqwest::Client::builder()
        .tls_certs_only([ca])
        .build()
        .unwrap();
    for base in [
        emu.instance_url.clone(),
        emu.instance_url.replace("127.0.0.1", "localhost"),
    ] {
        let v: Value = client
            .get(format!("{base}/services/data/v59.0/limits/"))
            .bearer_auth(&emu.access_token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(v["DailyApiRequests"]["Max"], 15000);
    }
    // a client that does not trust the CA refuses the connection
    let untrusting = reqwest::Client::builder()
        .tls_certs_only([])
        .build()
        .unwrap();
    assert!(
        untrusting
            .get(format!("{}/services/data", emu.instance_url))
            .send()
            .await
            .is_err()
    );
}

struct Spawned(Child);

impl Drop for Spawned {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_binary(args: &[&str]) -> (Spawned, Value) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_orgsync"))
        .arg("emulator")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let ready: Value = serde_json::from_str(line.trim()).unwrap();
    (Spawned(child), ready)
}

#[tokio::test]
async fn binary_prints_one_ready_line_and_serves_http() {
    let (_child, ready) = start_binary(&["--port", "0", "--seed", "7"]);
    for key in [
        "instanceUrl",
        "accessToken",
        "clientId",
        "clientSecret",
        "orgId",
        "username",
    ] {
        assert!(ready[key].is_string(), "{key} in {ready}");
    }
    assert_eq!(ready["caCertFile"], Value::Null);
    let base = ready["instanceUrl"].as_str().unwrap();
    assert!(base.starts_with("http://127.0.0.1:"));
    let client = reqwest::Client::new();
    let q: Value = client
        .get(format!(
            "{base}/services/data/v59.0/query?q=SELECT+Id+FROM+Account+LIMIT+1"
        ))
        .bearer_auth(ready["accessToken"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(q["done"], true);
    let tok: Value = client
        .post(format!("{base}/services/oauth2/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", ready["clientId"].as_str().unwrap()),
            ("client_secret", ready["clientSecret"].as_str().unwrap()),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(tok["instance_url"], base);
}

#[tokio::test]
async fn binary_serves_https_with_a_ca_file() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let (_child, ready) = start_binary(&[
        "--port",
        "0",
        "--tls",
        "--data",
        data,
        "--default",
        "secondary",
    ]);
    let base = ready["instanceUrl"].as_str().unwrap();
    assert!(base.starts_with("https://"));
    let ca_file = ready["caCertFile"].as_str().unwrap();
    assert!(ca_file.starts_with(data));
    let pem = std::fs::read(ca_file).unwrap();
    let client = reqwest::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(&pem).unwrap()])
        .build()
        .unwrap();
    let v: Value = client
        .get(format!("{base}/services/data/v59.0/sobjects"))
        .bearer_auth(ready["accessToken"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        v["sobjects"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["name"] == "Account")
    );
}

#[test]
fn binary_reports_a_bad_fixture_without_panicking() {
    let out = Command::new(env!("CARGO_BIN_EXE_orgsync"))
        .args(["emulator", "--fixture", "/nonexistent/fixture.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("fixture"));
}

#[tokio::test]
async fn binary_with_data_keeps_writes_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let client = reqwest::Client::new();
    let id = {
        let (_child, ready) =
            start_binary(&["--port", "0", "--data", data, "--default", "secondary"]);
        let base = ready["instanceUrl"].as_str().unwrap();
        let created: Value = client
            .post(format!("{base}/services/data/v59.0/sobjects/Account"))
            .bearer_auth(ready["accessToken"].as_str().unwrap())
            .json(&json!({"Name": "Survivor"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        created["id"].as_str().unwrap().to_owned()
    };
    let (_child, ready) = start_binary(&["--port", "0", "--data", data, "--default", "secondary"]);
    let base = ready["instanceUrl"].as_str().unwrap();
    let rec: Value = client
        .get(format!(
            "{base}/services/data/v59.0/sobjects/Account/{id}?fields=Name"
        ))
        .bearer_auth(ready["accessToken"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(rec["Name"], "Survivor");
}
