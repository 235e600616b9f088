//! Request execution: one place that sends HTTP to Salesforce, counts it, reads
//! `Sforce-Limit-Info`, turns error bodies into [`OrgError`] and retries transient failures.
//!
//! Retries use `backon` with the [`FullJitter`] schedule; whether a failure may be retried is
//! [`OrgError::may_retry`] (idempotency-aware). Session refresh (once per call) sits one level up,
//! in [`crate::org::OrgClient::send`].

use std::sync::atomic::{AtomicU32, Ordering};

use backon::Retryable;
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode, multipart};
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::org::error::OrgError;
use crate::org::retry::{FullJitter, RetryPolicy};
use crate::org::usage::{CallClass, UsageTracker};
use crate::org::wire::{ApiErrorItem, OAuthErrorBody};

/// A request body that can be rebuilt for every attempt.
#[derive(Debug, Clone)]
pub(crate) enum Body {
    /// No body.
    Empty,
    /// `application/json`.
    Json(Vec<u8>),
    /// `application/x-www-form-urlencoded`; values may be secrets.
    Form(Vec<(&'static str, SecretString)>),
    /// Any other content type (CSV uploads).
    Raw {
        content_type: &'static str,
        bytes: Vec<u8>,
    },
    /// `multipart/form-data` (metadata deploy).
    Multipart(Vec<PartSpec>),
    /// A SOAP body; the envelope and session header are added per attempt with the current token.
    Soap(String),
}

/// One multipart part.
#[derive(Debug, Clone)]
pub(crate) struct PartSpec {
    pub name: &'static str,
    pub file_name: Option<&'static str>,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// A request described independently of the token and instance it will be sent with.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    pub method: Method,
    /// Root-relative path (`/services/data/v62.0/query`) or an absolute URL.
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(&'static str, String)>,
    pub body: Body,
    pub class: CallClass,
    /// Safe to send twice (see [`OrgError::may_retry`]).
    pub idempotent: bool,
}

impl Call {
    /// A call without body or query.
    pub fn new(method: Method, path: impl Into<String>, class: CallClass) -> Self {
        let idempotent = method != Method::POST;
        Self {
            method,
            path: path.into(),
            query: Vec::new(),
            headers: Vec::new(),
            body: Body::Empty,
            class,
            idempotent,
        }
    }

    /// Adds a query parameter.
    pub fn query(mut self, key: &str, value: impl Into<String>) -> Self {
        self.query.push((key.to_owned(), value.into()));
        self
    }

    /// Adds a request header.
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// Sets a JSON body.
    pub fn json(mut self, value: &impl serde::Serialize) -> Result<Self, OrgError> {
        let bytes = serde_json::to_vec(value).map_err(|_| {
            OrgError::Config("the request body could not be encoded as JSON".into())
        })?;
        self.body = Body::Json(bytes);
        Ok(self)
    }

    /// Sets any body.
    pub fn body(mut self, body: Body) -> Self {
        self.body = body;
        self
    }

    /// Overrides the idempotency derived from the method.
    pub fn idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = idempotent;
        self
    }
}

/// A response with a success status (2xx, or 300 for external-id ambiguity).
#[derive(Debug)]
pub(crate) struct RawResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl RawResponse {
    /// Parses the body as JSON.
    pub fn json<T: serde::de::DeserializeOwned>(&self, what: &'static str) -> Result<T, OrgError> {
        serde_json::from_slice(&self.body).map_err(|e| OrgError::decode(what, &e))
    }

    /// A header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// Where and as whom a call is sent.
pub(crate) struct Target<'a> {
    pub instance_url: &'a Url,
    /// `None` for the token endpoint.
    pub token: Option<&'a SecretString>,
}

/// The HTTP client with its usage tracker and retry policy.
#[derive(Debug)]
pub(crate) struct HttpCore {
    pub client: reqwest::Client,
    pub usage: UsageTracker,
    pub retry: RetryPolicy,
}

impl HttpCore {
    /// Sends a call, retrying transient failures per the policy.
    pub async fn execute(&self, call: &Call, target: &Target<'_>) -> Result<RawResponse, OrgError> {
        let attempts = AtomicU32::new(1);
        let result = (|| self.send_once(call, target))
            .retry(FullJitter(self.retry))
            .sleep(tokio::time::sleep)
            .when(|e: &OrgError| e.may_retry(call.idempotent))
            .notify(|e: &OrgError, sleep| {
                let n = attempts.fetch_add(1, Ordering::Relaxed);
                tracing::debug!(error = %e, attempt = n, ?sleep, "transient Salesforce failure; retrying");
            })
            .await;
        let attempts = attempts.into_inner();
        match result {
            Err(e) if attempts > 1 && e.may_retry(call.idempotent) => {
                Err(OrgError::RetriesExhausted {
                    attempts,
                    last: Box::new(e),
                })
            }
            other => other,
        }
    }

    async fn send_once(&self, call: &Call, target: &Target<'_>) -> Result<RawResponse, OrgError> {
        let url = resolve(target.instance_url, &call.path)?;
        let mut req = self.client.request(call.method.clone(), url);
        if !call.query.is_empty() {
            req = req.query(&call.query);
        }
        if let Some(token) = target.token
            && !matches!(call.body, Body::Soap(_))
        {
            let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose_secret()))
                .map_err(|_| {
                    OrgError::Config(
                        "the access token contains characters not allowed in a header".into(),
                    )
                })?;
            value.set_sensitive(true);
            req = req.header(reqwest::header::AUTHORIZATION, value);
        }
        for (name, value) in &call.headers {
            req = req.header(*name, value);
        }
        req = match &call.body {
            Body::Empty => req,
            Body::Json(bytes) => req
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(bytes.clone()),
            Body::Form(fields) => {
                let pairs: Vec<(&str, &str)> = fields
                    .iter()
                    .map(|(k, v)| (*k, v.expose_secret()))
                    .collect();
                req.form(&pairs)
            }
            Body::Raw {
                content_type,
                bytes,
            } => req
                .header(reqwest::header::CONTENT_TYPE, *content_type)
                .body(bytes.clone()),
            Body::Multipart(parts) => req.multipart(build_form(parts)?),
            Body::Soap(inner) => {
                let token = target.token.map(|t| t.expose_secret()).unwrap_or_default();
                req.header(reqwest::header::CONTENT_TYPE, "text/xml; charset=UTF-8")
                    .header("SOAPAction", "\"\"")
                    .body(crate::org::soap::envelope(token, inner))
            }
        };
        self.usage.count_call(call.class);
        let resp = req.send().await.map_err(OrgError::transport)?;
        if let Some(info) = resp
            .headers()
            .get("Sforce-Limit-Info")
            .and_then(|v| v.to_str().ok())
        {
            self.usage.observe_header(info);
        }
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp.bytes().await.map_err(OrgError::transport)?.to_vec();
        if status.is_success() || status == StatusCode::MULTIPLE_CHOICES {
            return Ok(RawResponse {
                status,
                headers,
                body,
            });
        }
        Err(error_from_body(status.as_u16(), &body, call))
    }
}

fn build_form(parts: &[PartSpec]) -> Result<multipart::Form, OrgError> {
    let mut form = multipart::Form::new();
    for p in parts {
        let mut part = multipart::Part::bytes(p.bytes.clone())
            .mime_str(p.content_type)
            .map_err(|_| OrgError::Config(format!("bad content type for part {}", p.name)))?;
        if let Some(name) = p.file_name {
            part = part.file_name(name);
        }
        form = form.part(p.name, part);
    }
    Ok(form)
}

/// Joins a root-relative path (or takes an absolute URL) onto the instance URL.
fn resolve(instance: &Url, path: &str) -> Result<Url, OrgError> {
    if path.starts_with("http://") || path.starts_with("https://") {
        return Url::parse(path)
            .map_err(|_| OrgError::Config("a URL from Salesforce is not valid".into()));
    }
    let base = instance.as_str().trim_end_matches('/');
    let path = if path.starts_with('/') {
        path.to_owned()
    } else {
        format!("/{path}")
    };
    Url::parse(&format!("{base}{path}"))
        .map_err(|_| OrgError::Config("the instance URL and path do not form a valid URL".into()))
}

/// Turns an error response into an [`OrgError`] without ever quoting the body.
fn error_from_body(status: u16, body: &[u8], call: &Call) -> OrgError {
    if call.class == CallClass::Auth
        && let Ok(oauth) = serde_json::from_slice::<OAuthErrorBody>(body)
        && !oauth.error.is_empty()
    {
        return OrgError::OAuth {
            status,
            error: oauth.error,
            description: oauth.error_description,
        };
    }
    if matches!(call.body, Body::Soap(_))
        && let Some(fault) = crate::org::soap::parse_fault(body)
    {
        return fault;
    }
    if let Ok(errors) = serde_json::from_slice::<Vec<ApiErrorItem>>(body)
        && !errors.is_empty()
    {
        return OrgError::Api { status, errors };
    }
    if let Ok(single) = serde_json::from_slice::<ApiErrorItem>(body)
        && !single.error_code.is_empty()
    {
        return OrgError::Api {
            status,
            errors: vec![single],
        };
    }
    OrgError::Http { status }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_keeps_ports_and_accepts_absolute_urls() {
        let base = Url::parse("http://127.0.0.1:8080/").unwrap();
        assert_eq!(
            resolve(&base, "/services/data/v62.0/query")
                .unwrap()
                .as_str(),
            "http://127.0.0.1:8080/services/data/v62.0/query"
        );
        assert_eq!(
            resolve(&base, "services/data/v60.0/jobs/ingest/750/batches")
                .unwrap()
                .as_str(),
            "http://127.0.0.1:8080/services/data/v60.0/jobs/ingest/750/batches"
        );
        assert_eq!(
            resolve(&base, "https://other.example/x")
                .unwrap()
                .host_str(),
            Some("other.example")
        );
    }

    #[test]
    fn error_bodies_are_classified() {
        let call = Call::new(Method::GET, "/x", CallClass::Rest);
        let e = error_from_body(
            400,
            br#"[{"errorCode":"MALFORMED_QUERY","message":"x"}]"#,
            &call,
        );
        assert_eq!(e.error_codes(), ["MALFORMED_QUERY"]);
        assert!(matches!(
            error_from_body(503, b"<html>busy</html>", &call),
            OrgError::Http { status: 503 }
        ));
        let auth = Call::new(Method::POST, "/services/oauth2/token", CallClass::Auth);
        let e = error_from_body(
            400,
            br#"{"error":"invalid_grant","error_description":"authentication failure"}"#,
            &auth,
        );
        assert!(matches!(e, OrgError::OAuth { ref error, .. } if error == "invalid_grant"));
    }
}
