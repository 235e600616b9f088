//! What a resource handler answers: status, extra headers and a JSON body, rendered to an HTTP
//! response only at the edge so Composite can embed sub-request answers as JSON.

use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

/// The content type of every JSON answer, exactly as Salesforce sends it.
pub const JSON_CONTENT_TYPE: &str = "application/json;charset=UTF-8";

/// A response body.
#[derive(Debug, Clone)]
pub enum Body {
    /// No body (204, 304).
    Empty,
    /// A JSON document.
    Json(Value),
    /// JSON already serialised (large query pages are written without building a `Value`).
    Raw(Vec<u8>),
    /// Plain text (the identity service's `Bad_OAuth_Token`).
    Text(String),
    /// CSV (Bulk API 2.0 results), sent as `text/csv`.
    Csv(Vec<u8>),
}

/// A handler's answer.
#[derive(Debug, Clone)]
pub struct Reply {
    /// HTTP status.
    pub status: StatusCode,
    /// Extra headers (content type is set from the body).
    pub headers: Vec<(HeaderName, String)>,
    /// The body.
    pub body: Body,
}

impl Reply {
    /// 200 with a JSON body.
    pub fn ok(body: Value) -> Self {
        Self::json(StatusCode::OK, body)
    }

    /// `status` with a JSON body.
    pub fn json(status: StatusCode, body: Value) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Body::Json(body),
        }
    }

    /// 200 with pre-serialised JSON.
    pub fn raw(bytes: Vec<u8>) -> Self {
        Self {
            status: StatusCode::OK,
            headers: Vec::new(),
            body: Body::Raw(bytes),
        }
    }

    /// 204 No Content.
    pub fn no_content() -> Self {
        Self::empty(StatusCode::NO_CONTENT)
    }

    /// A status with no body.
    pub fn empty(status: StatusCode) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Body::Empty,
        }
    }

    /// Add a header.
    pub fn with_header(mut self, name: HeaderName, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// The body as a JSON value (`null` when empty or unparsable), for Composite.
    pub fn body_value(&self) -> Value {
        match &self.body {
            Body::Empty => Value::Null,
            Body::Json(v) => v.clone(),
            Body::Raw(bytes) => serde_json::from_slice(bytes).unwrap_or(Value::Null),
            Body::Text(t) => Value::String(t.clone()),
            Body::Csv(b) => Value::String(String::from_utf8_lossy(b).into_owned()),
        }
    }

    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        self.status.is_success()
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let (bytes, content_type) = match self.body {
            Body::Empty => (Vec::new(), None),
            Body::Json(v) => (
                serde_json::to_vec(&v).unwrap_or_default(),
                Some(JSON_CONTENT_TYPE),
            ),
            Body::Raw(b) => (b, Some(JSON_CONTENT_TYPE)),
            Body::Text(t) => (t.into_bytes(), Some("text/plain;charset=UTF-8")),
            Body::Csv(b) => (b, Some("text/csv")),
        };
        let mut resp = (self.status, bytes).into_response();
        let headers = resp.headers_mut();
        if let Some(ct) = content_type {
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
        } else {
            headers.remove(header::CONTENT_TYPE);
        }
        for (name, value) in self.headers {
            if let Ok(v) = HeaderValue::from_str(&value) {
                headers.append(name, v);
            }
        }
        resp
    }
}
