//! Shared helpers for the record-sync tests: two default emulated orgs with a connection
//! applied, an engine over them (in process, with a clock the test moves), and small REST
//! helpers to read and change records in either org the way a user would.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use orgsync::emulator::server::RunningEmulator;
use orgsync::org::Clock;
use orgsync::sync::Engine;
use serde_json::{Value, json};

use crate::apply_support::{Orgs, export_tokens, run};

/// A clock the test moves.
#[derive(Debug)]
pub struct TestClock(Mutex<DateTime<Utc>>);

impl TestClock {
    /// Starting now.
    pub fn new() -> Arc<Self> {
        Arc::new(Self(Mutex::new(Utc::now())))
    }

    /// Move forward.
    pub fn advance(&self, seconds: i64) {
        let mut t = self.0.lock().unwrap();
        *t += chrono::Duration::seconds(seconds);
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

/// Two default orgs with a connection applied.
pub struct Pair {
    pub orgs: Orgs,
    pub connection: String,
    pub sections: String,
    pub objects: String,
    pub clock: Arc<TestClock>,
    /// The state store URL when it is not the SQLite file in the test's directory.
    pub state_url: Option<String>,
}

impl Pair {
    /// Write the spec and apply it (`apply --auto-approve` must succeed).
    pub fn applied(seed: u64, connection: &str, sections: &str, objects: &str) -> Pair {
        Self::applied_on(Orgs::default_pair(seed), connection, sections, objects)
    }

    /// [`Pair::applied`] on orgs of the test's choosing.
    pub fn applied_on(orgs: Orgs, connection: &str, sections: &str, objects: &str) -> Pair {
        Self::applied_with_state(orgs, connection, sections, objects, None)
    }

    /// [`Pair::applied_on`] with the state store at `state_url` (e.g. a Postgres database).
    pub fn applied_with_state(
        orgs: Orgs,
        connection: &str,
        sections: &str,
        objects: &str,
        state_url: Option<String>,
    ) -> Pair {
        let pair = Pair {
            orgs,
            connection: connection.to_owned(),
            sections: sections.to_owned(),
            objects: objects.to_owned(),
            clock: TestClock::new(),
            state_url,
        };
        std::fs::write(pair.orgs.spec_path(), pair.text(sections)).unwrap();
        let out = run(&pair.orgs, &["apply", "--auto-approve"]);
        assert_eq!(out.code, 0, "apply failed:\n{}\n{}", out.stdout, out.stderr);
        pair
    }

    /// The spec text with `sections`.
    pub fn text(&self, sections: &str) -> String {
        let text =
            crate::apply_support::spec_text(&self.orgs, &self.connection, sections, &self.objects);
        match &self.state_url {
            None => text,
            Some(url) => text
                .lines()
                .map(|l| {
                    if l.starts_with("    url: sqlite://") {
                        format!("    url: {url}")
                    } else {
                        l.to_owned()
                    }
                })
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }

    /// An engine over the pair (the same store as the CLI's).
    pub async fn engine(&self) -> Engine {
        self.engine_with(&self.sections).await
    }

    /// An engine whose spec has other `sections` (e.g. another conflict policy; records
    /// settings need no apply).
    pub async fn engine_with(&self, sections: &str) -> Engine {
        export_tokens(&self.orgs);
        let outcome = orgsync::spec::check_source(
            "apply-test.yaml",
            self.text(sections),
            self.orgs.dir.path(),
        );
        let spec = outcome.spec.expect("the test spec validates");
        Engine::connect_with_clock(&spec, self.clock.clone())
            .await
            .expect("connect the engine")
    }

    /// The emulator of the primary.
    pub fn primary(&self) -> &RunningEmulator {
        &self.orgs.primary
    }

    /// The emulator of the secondary.
    pub fn secondary(&self) -> &RunningEmulator {
        &self.orgs.secondary
    }
}

fn data(emu: &RunningEmulator, tail: &str) -> String {
    format!("{}/services/data/v62.0{tail}", emu.instance_url)
}

/// Every record of a SOQL query (`queryAll` with `all`).
pub async fn query(emu: &RunningEmulator, soql: &str, all: bool) -> Vec<Value> {
    let client = reqwest::Client::new();
    let resource = if all { "/queryAll" } else { "/query" };
    let mut page: Value = client
        .get(data(emu, resource))
        .query(&[("q", soql)])
        .bearer_auth(&emu.access_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut out: Vec<Value> = page["records"].as_array().cloned().unwrap_or_default();
    while page["done"] == json!(false) {
        let next = page["nextRecordsUrl"].as_str().unwrap().to_owned();
        page = client
            .get(format!("{}{next}", emu.instance_url))
            .bearer_auth(&emu.access_token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        out.extend(page["records"].as_array().cloned().unwrap_or_default());
    }
    out
}

/// Create a record; its ID.
pub async fn create(emu: &RunningEmulator, object: &str, fields: Value) -> String {
    let resp = reqwest::Client::new()
        .post(data(emu, &format!("/sobjects/{object}/")))
        .bearer_auth(&emu.access_token)
        .json(&fields)
        .send()
        .await
        .unwrap();
    let status = resp.status();
    let body: Value = resp.json().await.unwrap();
    assert_eq!(status, 201, "create {object}: {body}");
    body["id"].as_str().unwrap().to_owned()
}

/// Update a record.
pub async fn update(emu: &RunningEmulator, object: &str, id: &str, fields: Value) {
    let resp = reqwest::Client::new()
        .patch(data(emu, &format!("/sobjects/{object}/{id}")))
        .bearer_auth(&emu.access_token)
        .json(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204, "update {object} {id}");
}

/// Delete a record (to the recycle bin).
pub async fn delete(emu: &RunningEmulator, object: &str, id: &str) {
    let resp = reqwest::Client::new()
        .delete(data(emu, &format!("/sobjects/{object}/{id}")))
        .bearer_auth(&emu.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204, "delete {object} {id}");
}

/// Undelete records (SOAP, as Data Loader does).
pub async fn undelete(emu: &RunningEmulator, id: &str) {
    let body = format!(
        r#"<?xml version="1.0" encoding="utf-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:partner.soap.sforce.com"><soapenv:Header><urn:SessionHeader><urn:sessionId>{}</urn:sessionId></urn:SessionHeader></soapenv:Header><soapenv:Body><urn:undelete><urn:ids>{id}</urn:ids></urn:undelete></soapenv:Body></soapenv:Envelope>"#,
        emu.access_token
    );
    let resp = reqwest::Client::new()
        .post(format!("{}/services/Soap/u/62.0", emu.instance_url))
        .header("Content-Type", "text/xml; charset=UTF-8")
        .header("SOAPAction", "undelete")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = resp.status();
    let text = resp.text().await.unwrap();
    assert!(
        status.is_success() && text.contains("<success>true</success>"),
        "undelete: {text}"
    );
}

/// API calls counted by an emulator per route template.
pub async fn routes(emu: &RunningEmulator) -> Value {
    crate::apply_support::journal(emu).await["routes"].clone()
}

/// Writes an emulator received (collections and single-record writes).
pub async fn writes(emu: &RunningEmulator) -> u64 {
    let r = routes(emu).await;
    r.as_object()
        .map(|m| {
            m.iter()
                .filter(|(k, _)| {
                    k.starts_with("PATCH")
                        || k.starts_with("POST /composite/sobjects")
                        || k.starts_with("DELETE")
                        || k.starts_with("POST /sobjects")
                })
                .filter(|(k, _)| {
                    !k.contains("/composite/sobjects/{object}") || k.starts_with("PATCH")
                })
                .map(|(_, v)| v.as_u64().unwrap_or(0))
                .sum()
        })
        .unwrap_or(0)
}

/// Records of `object` in an org keyed by `key` (a field).
pub async fn by_field(
    emu: &RunningEmulator,
    object: &str,
    fields: &str,
    key: &str,
) -> std::collections::BTreeMap<String, Value> {
    query(emu, &format!("SELECT {fields} FROM {object}"), false)
        .await
        .into_iter()
        .filter_map(|r| r[key].as_str().map(|k| (k.to_owned(), r.clone())))
        .collect()
}

/// A fresh Postgres database for this test (`ORGSYNC_TEST_POSTGRES_URL`, started by
/// scripts/test), or `None` when there is no server — unless `ORGSYNC_REQUIRE_POSTGRES` is set
/// (CI), which makes a missing server fail the test.
pub async fn postgres_database(name: &str) -> Option<String> {
    let Ok(url) = std::env::var("ORGSYNC_TEST_POSTGRES_URL") else {
        assert!(
            std::env::var_os("ORGSYNC_REQUIRE_POSTGRES").is_none(),
            "ORGSYNC_REQUIRE_POSTGRES is set but ORGSYNC_TEST_POSTGRES_URL is not"
        );
        return None;
    };
    sqlx::any::install_default_drivers();
    let admin = sqlx::AnyPool::connect(&url).await.unwrap();
    let name = format!("{name}_{}", std::process::id());
    for sql in [
        format!("DROP DATABASE IF EXISTS {name}"),
        format!("CREATE DATABASE {name}"),
    ] {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&admin)
            .await
            .unwrap();
    }
    admin.close().await;
    let (base, _) = url.rsplit_once('/')?;
    Some(format!("{base}/{name}"))
}
