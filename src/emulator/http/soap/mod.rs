//! The SOAP partner API at `POST /services/Soap/u/{version}[/{orgId}]`: `undelete` (REST has
//! no undelete, salesforce-api.md §7) and `login` (jsforce's `conn.login()` without a client
//! id). The session comes from `<SessionHeader><sessionId>`; errors are SOAP faults with
//! `sf:<CODE>` fault codes and HTTP 500, as Salesforce answers (jsforce detects an expired
//! session by `500` + `<faultcode>…:INVALID_SESSION_ID</faultcode>`, `lib/soap.js`).
//! Every call except `login` counts as one API call (journal class `soap`).

mod login;
mod undelete;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

use super::call::version_major;
use super::journal::CallClass;
use super::middleware;
use super::state::EmulatorState;
use crate::emulator::metadata::Meta;
use crate::emulator::metadata::xml::{self, escape};

/// The XML content type of SOAP answers (jsforce parses bodies matching `text/xml`).
pub const XML_CONTENT_TYPE: &str = "text/xml;charset=UTF-8";

const ENVELOPE_OPEN: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8"?>"#,
    r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" "#,
    r#"xmlns="urn:partner.soap.sforce.com" xmlns:sf="urn:fault.partner.soap.sforce.com" "#,
    r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>"#
);
const ENVELOPE_CLOSE: &str = "</soapenv:Body></soapenv:Envelope>";

/// A SOAP fault: `faultcode` (`sf:INVALID_SESSION_ID`, `soapenv:Client`) and `faultstring`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// The fault code with its prefix.
    pub code: String,
    /// The fault string.
    pub message: String,
}

impl Fault {
    /// An `sf:` fault whose string is `CODE: message`, as the partner API words them.
    pub fn sf(code: &str, message: &str) -> Self {
        Self {
            code: format!("sf:{code}"),
            message: format!("{code}: {message}"),
        }
    }

    /// A malformed request (`soapenv:Client`).
    pub fn client(message: impl Into<String>) -> Self {
        Self {
            code: "soapenv:Client".into(),
            message: message.into(),
        }
    }

    fn into_response(self) -> Response {
        let detail = self
            .code
            .strip_prefix("sf:")
            .map(|code| {
                let msg = self
                    .message
                    .strip_prefix(&format!("{code}: "))
                    .unwrap_or(&self.message);
                format!(
                    "<detail><sf:UnexpectedErrorFault xsi:type=\"sf:UnexpectedErrorFault\"><sf:exceptionCode>{code}</sf:exceptionCode><sf:exceptionMessage>{}</sf:exceptionMessage></sf:UnexpectedErrorFault></detail>",
                    escape(msg)
                )
            })
            .unwrap_or_default();
        let body = format!(
            "{ENVELOPE_OPEN}<soapenv:Fault><faultcode>{}</faultcode><faultstring>{}</faultstring>{detail}</soapenv:Fault>{ENVELOPE_CLOSE}",
            escape(&self.code),
            escape(&self.message)
        );
        xml_response(StatusCode::INTERNAL_SERVER_ERROR, body)
    }
}

fn xml_response(status: StatusCode, body: String) -> Response {
    let mut resp = (status, body).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(XML_CONTENT_TYPE),
    );
    resp
}

/// A successful answer: `inner` (e.g. `<undeleteResponse>…`) inside an envelope.
fn ok(inner: &str) -> Response {
    xml_response(
        StatusCode::OK,
        format!("{ENVELOPE_OPEN}{inner}{ENVELOPE_CLOSE}"),
    )
}

/// A parsed request envelope.
pub struct Request {
    /// The API version from the path (`59.0`).
    pub version: String,
    /// `<soapenv:Header>` contents.
    pub header: Meta,
    /// The operation element's local name (`undelete`).
    pub operation: String,
    /// The operation element's contents.
    pub args: Meta,
}

impl Request {
    /// The running user from `<SessionHeader><sessionId>`, or `INVALID_SESSION_ID`.
    pub fn session_user(&self, state: &EmulatorState) -> Result<String, Fault> {
        let invalid = || {
            Fault::sf(
                "INVALID_SESSION_ID",
                "Invalid Session ID found in SessionHeader: Illegal Session",
            )
        };
        let token = self
            .header
            .nested("SessionHeader")
            .and_then(|h| h.text("sessionId"))
            .ok_or_else(invalid)?;
        state
            .credentials
            .session_user(token.trim(), state.clock.now())
            .ok_or_else(invalid)
    }
}

fn parse(uri: &Uri, body: &[u8]) -> Result<Request, Fault> {
    let segments = middleware::segments(uri.path());
    let version = match segments.as_slice() {
        [services, soap, u, version, ..]
            if services == "services" && soap == "Soap" && u == "u" =>
        {
            version.clone()
        }
        _ => return Err(Fault::client("No service is available at this address")),
    };
    if version_major(&version).is_none() {
        return Err(Fault::sf(
            "UNSUPPORTED_API_VERSION",
            &format!("Invalid Api version specified on URL: {version}"),
        ));
    }
    let (root, envelope) =
        xml::parse(body).map_err(|e| Fault::client(format!("Unable to parse the request: {e}")))?;
    if root != "Envelope" {
        return Err(Fault::client("The request is not a SOAP envelope"));
    }
    let header = envelope.nested("Header").unwrap_or_default();
    let body = envelope
        .nested("Body")
        .ok_or_else(|| Fault::client("The SOAP envelope has no Body"))?;
    let (operation, args) = body
        .0
        .iter()
        .next()
        .map(|(k, v)| {
            let args = match v {
                serde_json::Value::Object(m) => Meta(m.clone()),
                _ => Meta::default(),
            };
            (k.clone(), args)
        })
        .ok_or_else(|| Fault::client("The SOAP Body has no operation"))?;
    Ok(Request {
        version,
        header,
        operation,
        args,
    })
}

/// `POST /services/Soap/…`.
pub async fn entry(State(state): State<EmulatorState>, uri: Uri, body: Bytes) -> Response {
    match handle(&state, &uri, &body) {
        Ok(r) => r,
        Err(f) => f.into_response(),
    }
}

fn handle(state: &EmulatorState, uri: &Uri, body: &[u8]) -> Result<Response, Fault> {
    let req = parse(uri, body)?;
    if req.operation == "login" {
        middleware::account(state, CallClass::Auth).map_err(limit_fault)?;
        return login::login(state, &req).map(|inner| ok(&inner));
    }
    let user = req.session_user(state)?;
    middleware::account(state, CallClass::Soap).map_err(limit_fault)?;
    match req.operation.as_str() {
        "undelete" => undelete::undelete(state, &req, &user).map(|inner| ok(&inner)),
        other => Err(Fault::client(format!(
            "No operation available for request {{urn:partner.soap.sforce.com}}{other}"
        ))),
    }
}

fn limit_fault(e: super::errors::ApiError) -> Fault {
    Fault::sf(e.code(), "TotalRequests Limit exceeded.")
}
