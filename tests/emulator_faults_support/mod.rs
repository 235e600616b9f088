//! Shared helpers of the fault, latency and accounting tests: an in-process emulator over real
//! HTTP and a reqwest client for its data and control routes.
#![allow(dead_code)]

#[path = "../common/emulator.rs"]
mod common;

use std::time::Duration;

use orgsync::emulator::{EmulatorOptions, RunningEmulator, spawn_for_tests};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

pub use common::{TOKEN, options};

/// The API version the tests call.
pub const V: &str = "/services/data/v59.0";

/// One answer.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Answer {
    /// A header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// A running emulator and a client for it.
pub struct Emu {
    pub emu: RunningEmulator,
    pub http: reqwest::Client,
}

impl Emu {
    /// An emulator over the small test org, seed 1.
    pub fn start() -> Self {
        Self::with(options(1))
    }

    /// An emulator with these options.
    pub fn with(options: EmulatorOptions) -> Self {
        Self {
            emu: spawn_for_tests(options),
            http: reqwest::Client::new(),
        }
    }

    /// A request to `path` (relative to the instance) with the static token.
    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        self.send(&self.http, method, path, body).await.unwrap()
    }

    /// Like [`call`] through `client`, keeping transport errors.
    pub async fn send(
        &self,
        client: &reqwest::Client,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> reqwest::Result<Answer> {
        let url = format!("{}{path}", self.emu.instance_url);
        let mut req = client.request(method, url).bearer_auth(TOKEN);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await?;
        let status = resp.status();
        let headers = resp.headers().clone();
        let text = resp.text().await?;
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Ok(Answer {
            status,
            headers,
            body,
        })
    }

    /// A data call under `/services/data/v59.0`.
    pub async fn data(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        self.call(method, &format!("{V}{path}"), body).await
    }

    /// A control call under `/__emulator`.
    pub async fn control(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        let url = format!("{}/__emulator{path}", self.emu.instance_url);
        let mut req = self.http.request(method, url);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let text = resp.text().await.unwrap();
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap()
        };
        Answer {
            status,
            headers,
            body,
        }
    }

    /// Add a fault rule; its ID.
    pub async fn fault(&self, rule: Value) -> u64 {
        let a = self.control(Method::POST, "/faults", Some(rule)).await;
        assert_eq!(a.status, StatusCode::CREATED, "{:?}", a.body);
        a.body["id"].as_u64().unwrap()
    }

    /// The journal.
    pub async fn journal(&self) -> Value {
        self.control(Method::GET, "/journal", None).await.body
    }

    /// Create an Account; its ID.
    pub async fn account(&self, name: &str) -> String {
        let a = self
            .data(
                Method::POST,
                "/sobjects/Account",
                Some(json!({"Name": name})),
            )
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "{:?}", a.body);
        a.body["id"].as_str().unwrap().to_owned()
    }

    /// The names of the Accounts, sorted.
    pub async fn account_names(&self) -> Vec<String> {
        let a = self
            .data(
                Method::GET,
                "/query?q=SELECT+Name+FROM+Account+ORDER+BY+Name",
                None,
            )
            .await;
        assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
        a.body["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["Name"].as_str().unwrap().to_owned())
            .collect()
    }
}

/// A client that gives up after `timeout`.
pub fn impatient_client(timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder().timeout(timeout).build().unwrap()
}

/// `n` Account records for a collection write.
pub fn accounts(names: &[&str]) -> Vec<Value> {
    names
        .iter()
        .map(|n| json!({"attributes": {"type": "Account"}, "Name": n}))
        .collect()
}
