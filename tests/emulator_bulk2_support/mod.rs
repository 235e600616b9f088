//! Shared helpers of the Bulk API 2.0 tests: a spawned emulator and a reqwest client that
//! speaks the job protocol.
#![allow(dead_code)]

#[path = "../common/emulator.rs"]
mod common;

use orgsync::emulator::{RunningEmulator, spawn_for_tests};
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

pub use common::options;

/// The data API prefix the tests use.
pub const V: &str = "/services/data/v60.0";

/// One answer.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
}

impl Answer {
    /// The body as JSON (`Null` when empty).
    pub fn json(&self) -> Value {
        if self.text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&self.text).unwrap()
        }
    }

    /// A header as text.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    }

    /// The body as CSV rows (header row first).
    pub fn csv(&self) -> Vec<Vec<String>> {
        csv_rows(&self.text, b',')
    }
}

/// Parse CSV text with `delimiter`, header row included.
pub fn csv_rows(text: &str, delimiter: u8) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(delimiter)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

/// A running emulator and a client for it.
pub struct Bulk {
    pub emu: RunningEmulator,
    client: reqwest::Client,
}

impl Bulk {
    /// A fresh emulator over the small test org.
    pub fn new(seed: u64) -> Self {
        Self {
            emu: spawn_for_tests(options(seed)),
            client: reqwest::Client::new(),
        }
    }

    /// Send `body` with `content_type` to `path` (under the instance URL).
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: Option<String>,
    ) -> Answer {
        let mut req = self
            .client
            .request(method, format!("{}{path}", self.emu.instance_url))
            .bearer_auth(&self.emu.access_token);
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        if let Some(b) = body {
            req = req.body(b);
        }
        let resp = req.send().await.unwrap();
        Answer {
            status: resp.status(),
            headers: resp.headers().clone(),
            text: resp.text().await.unwrap(),
        }
    }

    /// A JSON request.
    pub async fn json(&self, method: Method, path: &str, body: Value) -> Answer {
        self.send(
            method,
            path,
            Some("application/json; charset=utf-8"),
            Some(body.to_string()),
        )
        .await
    }

    /// `GET path`.
    pub async fn get(&self, path: &str) -> Answer {
        self.send(Method::GET, path, None, None).await
    }

    /// Create an ingest job; returns its ID.
    pub async fn create_ingest(&self, body: Value) -> String {
        let a = self
            .json(Method::POST, &format!("{V}/jobs/ingest"), body)
            .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        assert_eq!(a.json()["state"], "Open");
        a.json()["id"].as_str().unwrap().to_owned()
    }

    /// Upload CSV to a job.
    pub async fn upload(&self, id: &str, csv: &str) -> Answer {
        self.send(
            Method::PUT,
            &format!("{V}/jobs/ingest/{id}/batches"),
            Some("text/csv"),
            Some(csv.to_owned()),
        )
        .await
    }

    /// Set a job's state (`UploadComplete`, `Aborted`).
    pub async fn set_state(&self, kind: &str, id: &str, state: &str) -> Answer {
        self.json(
            Method::PATCH,
            &format!("{V}/jobs/{kind}/{id}"),
            json!({ "state": state }),
        )
        .await
    }

    /// Job info.
    pub async fn info(&self, kind: &str, id: &str) -> Value {
        let a = self.get(&format!("{V}/jobs/{kind}/{id}")).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        a.json()
    }

    /// Create, upload, close: the job info after processing.
    pub async fn ingest(&self, job: Value, csv: &str) -> (String, Value) {
        let id = self.create_ingest(job).await;
        assert_eq!(self.upload(&id, csv).await.status, StatusCode::CREATED);
        let closed = self.set_state("ingest", &id, "UploadComplete").await;
        assert_eq!(closed.status, StatusCode::OK, "{}", closed.text);
        assert_eq!(closed.json()["state"], "UploadComplete");
        let info = self.info("ingest", &id).await;
        (id, info)
    }

    /// One ingest result file as CSV rows (header first).
    pub async fn results(&self, id: &str, set: &str) -> Vec<Vec<String>> {
        let a = self.get(&format!("{V}/jobs/ingest/{id}/{set}")).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        assert_eq!(a.header("content-type").as_deref(), Some("text/csv"));
        a.csv()
    }

    /// A REST query's records.
    pub async fn soql(&self, all: bool, q: &str) -> Vec<Value> {
        let resource = if all { "queryAll" } else { "query" };
        let url = format!(
            "{V}/{resource}?q={}",
            url::form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>()
        );
        let a = self.get(&url).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        a.json()["records"].as_array().unwrap().clone()
    }

    /// Create a record over REST; returns its ID.
    pub async fn create(&self, object: &str, body: Value) -> String {
        let a = self
            .json(Method::POST, &format!("{V}/sobjects/{object}"), body)
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
        a.json()["id"].as_str().unwrap().to_owned()
    }
}
