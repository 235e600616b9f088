//! Shared helpers for the `org_*` integration tests: a wiremock server standing in for one org.

#![allow(dead_code)]

use orgsync::org::{Auth, OrgClient, OrgConfig, RetryPolicy};
use secrecy::SecretString;
use url::Url;
use wiremock::MockServer;

/// A captured fixture from `../shared/fixtures/salesforce/`.
pub fn fixture(path: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/../shared/fixtures/salesforce/{path}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// Settings pointing at the mock server, with tiny retry delays.
pub fn config(server: &MockServer, auth: Auth, attempts: u32) -> OrgConfig {
    let mut cfg = OrgConfig::new(Url::parse(&server.uri()).unwrap(), auth);
    cfg.api_version = "62.0".parse().unwrap();
    cfg.retry = RetryPolicy::fast(attempts);
    cfg
}

/// A client using a ready access token `tok`.
pub fn token_client(server: &MockServer, attempts: u32) -> OrgClient {
    OrgClient::new(config(
        server,
        Auth::AccessToken {
            access_token: SecretString::from("tok"),
        },
        attempts,
    ))
    .unwrap()
}

/// A token response pointing back at the mock server.
pub fn token_body(server: &MockServer, token: &str) -> serde_json::Value {
    serde_json::json!({
        "access_token": token,
        "instance_url": server.uri(),
        "id": "https://login.salesforce.com/id/00Dx0000000BV7z/005x00000012Q9P",
        "token_type": "Bearer",
        "issued_at": "1278448832702"
    })
}

/// Form fields of a request body.
pub fn form(body: &[u8]) -> std::collections::HashMap<String, String> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

/// Requests the server received on a path.
pub async fn hits(server: &MockServer, path: &str) -> usize {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path() == path)
        .count()
}

/// `/services/data/v62.0` + tail.
pub fn data(tail: &str) -> String {
    format!("/services/data/v62.0{tail}")
}
