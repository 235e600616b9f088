//! One decoded API call (`/services/data/vXX.X/…`) and the execution context handlers run in.
//! Composite sub-requests are decoded into the same [`Call`] and run through the same
//! dispatcher, sharing one transaction when the composite request is `allOrNone`.

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode};
use serde_json::Value;

use super::errors::ApiError;
use super::state::EmulatorState;
use crate::emulator::dml::{Ctx, Tx};
use crate::emulator::model::Org;

/// Lowest and highest API versions served (salesforce-api.md §1, v20.0 … v66.0).
pub const MIN_VERSION: u32 = 20;
/// The newest version served.
pub const MAX_VERSION: u32 = 66;

/// A decoded call under `/services/data/vXX.X/`.
#[derive(Debug, Clone)]
pub struct Call {
    /// The HTTP method.
    pub method: Method,
    /// `59.0`
    pub version: String,
    /// Path segments after the version, percent-decoded, without a trailing empty segment.
    pub segments: Vec<String>,
    /// Decoded query parameters in order.
    pub query: Vec<(String, String)>,
    /// Request headers (composite sub-requests inherit the parent's).
    pub headers: HeaderMap,
    /// The raw body.
    pub body: Bytes,
    /// The running user.
    pub user_id: String,
}

impl Call {
    /// The first query parameter called `name`.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The major API version (`59` for `59.0`).
    pub fn major(&self) -> u32 {
        version_major(&self.version).unwrap_or(MAX_VERSION)
    }

    /// The path prefix of this version: `/services/data/v59.0`.
    pub fn base(&self) -> String {
        format!("/services/data/v{}", self.version)
    }

    /// The body parsed as JSON; malformed or empty JSON is 400 `JSON_PARSER_ERROR`.
    pub fn json(&self) -> Result<Value, ApiError> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::json_parser(
                "The HTTP entity body is required, but this request has no entity body.",
            ));
        }
        serde_json::from_slice(&self.body).map_err(|e| {
            ApiError::json_parser(format!(
                "Unexpected character in request body at [line:{}, column:{}]",
                e.line(),
                e.column()
            ))
        })
    }

    /// The body as a JSON object (400 `JSON_PARSER_ERROR` otherwise).
    pub fn json_object(&self) -> Result<serde_json::Map<String, Value>, ApiError> {
        match self.json()? {
            Value::Object(m) => Ok(m),
            _ => Err(ApiError::json_parser(
                "Cannot deserialize instance of object from a non-object value",
            )),
        }
    }

    /// A 405 for this call's method.
    pub fn method_not_allowed(&self, allowed: &[&str]) -> ApiError {
        ApiError::method_not_allowed(self.method.as_str(), allowed)
    }
}

/// The major number of `vNN.N`-style version text (`59.0` → 59) when it is served.
pub fn version_major(version: &str) -> Option<u32> {
    let (major, minor) = version.split_once('.')?;
    if minor != "0" {
        return None;
    }
    let n: u32 = major.parse().ok()?;
    (MIN_VERSION..=MAX_VERSION).contains(&n).then_some(n)
}

/// Where a handler reads and writes the org: alone (lock, transaction, commit per call) or
/// inside a Composite `allOrNone` transaction shared by every sub-request.
pub struct Exec<'a, 'o> {
    /// The emulator.
    pub state: &'a EmulatorState,
    shared: Option<&'a mut Tx<'o>>,
    /// Record IDs written by committed standalone transactions (for persistence).
    pub touched: Vec<String>,
}

impl<'a, 'o> Exec<'a, 'o> {
    /// Each write commits on its own.
    pub fn standalone(state: &'a EmulatorState) -> Self {
        Self {
            state,
            shared: None,
            touched: Vec::new(),
        }
    }

    /// Every write joins `tx` (the caller commits or rolls back).
    pub fn in_tx(state: &'a EmulatorState, tx: &'a mut Tx<'o>) -> Self {
        Self {
            state,
            shared: Some(tx),
            touched: Vec::new(),
        }
    }

    /// Read the org.
    pub fn read<R>(&self, f: impl FnOnce(&Org) -> R) -> R {
        match &self.shared {
            Some(tx) => f(tx.org()),
            None => f(&self.state.org.lock()),
        }
    }

    /// Write through a transaction: standalone calls commit on `Ok` and roll back on `Err`.
    pub fn write<R>(
        &mut self,
        user_id: &str,
        f: impl FnOnce(&mut Tx<'_>) -> Result<R, ApiError>,
    ) -> Result<R, ApiError> {
        match &mut self.shared {
            Some(tx) => f(tx),
            None => {
                let ctx = Ctx {
                    user_id: user_id.to_owned(),
                    now: self.state.clock.now(),
                };
                let mut org = self.state.org.lock();
                let mut tx = Tx::begin(&mut org, ctx);
                let out = f(&mut tx);
                if out.is_ok() {
                    self.touched.extend(tx.commit());
                } else {
                    tx.rollback();
                }
                out
            }
        }
    }
}

/// 400 with a REST error (shortcut).
pub fn bad_request(code: &str, message: impl Into<String>) -> ApiError {
    ApiError::rest(StatusCode::BAD_REQUEST, code, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_outside_the_served_range_are_rejected() {
        assert_eq!(version_major("59.0"), Some(59));
        assert_eq!(version_major("20.0"), Some(20));
        assert_eq!(version_major("66.0"), Some(66));
        assert_eq!(version_major("19.0"), None);
        assert_eq!(version_major("67.0"), None);
        assert_eq!(version_major("59.5"), None);
        assert_eq!(version_major("latest"), None);
    }
}
