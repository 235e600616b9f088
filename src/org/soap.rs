//! SOAP API `undelete` — REST has no undelete resource (reference §0.10, §7). Posted to
//! `{instance}/services/Soap/u/{version}` with the session in a `SessionHeader`, as jsforce's
//! `conn.soap.undelete` does. Response shape per the SOAP API guide (`UndeleteResult`:
//! `id`, `success`, `errors{statusCode, message, fields}`); faults carry `sf:<CODE>`.

use quick_xml::escape::escape;
use quick_xml::events::Event;
use reqwest::Method;

use crate::org::OrgClient;
use crate::org::error::OrgError;
use crate::org::http::{Body, Call};
use crate::org::sensitive::Sensitive;
use crate::org::usage::CallClass;
use crate::org::wire::{ApiErrorItem, SaveResult};

/// Most ids per `undelete` call.
pub const UNDELETE_CHUNK: usize = 200;

/// Wraps a partner-API body in an envelope with the session header.
pub(crate) fn envelope(session_id: &str, body: &str) -> String {
    format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8"?>"#,
            r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:partner.soap.sforce.com">"#,
            r#"<soapenv:Header><urn:SessionHeader><urn:sessionId>{}</urn:sessionId></urn:SessionHeader></soapenv:Header>"#,
            r#"<soapenv:Body>{}</soapenv:Body></soapenv:Envelope>"#
        ),
        escape(session_id),
        body
    )
}

/// The `<urn:undelete>` body for some ids.
pub(crate) fn undelete_body(ids: &[&str]) -> String {
    let mut body = String::from("<urn:undelete>");
    for id in ids {
        body.push_str("<urn:ids>");
        body.push_str(&escape(*id));
        body.push_str("</urn:ids>");
    }
    body.push_str("</urn:undelete>");
    body
}

/// Text content of the innermost element, with entity references resolved
/// (quick-xml reports `&amp;` and `&#38;` as separate events).
#[derive(Default)]
struct TextBuf(String);

impl TextBuf {
    fn push(&mut self, event: &Event<'_>) -> Option<()> {
        match event {
            Event::Text(t) => self.0.push_str(&t.decode().ok()?),
            Event::CData(c) => self.0.push_str(&c.decode().ok()?),
            Event::GeneralRef(r) => {
                if let Some(ch) = r.resolve_char_ref().ok()? {
                    self.0.push(ch);
                } else {
                    let name = r.decode().ok()?;
                    self.0
                        .push_str(quick_xml::escape::resolve_predefined_entity(&name)?);
                }
            }
            _ => {}
        }
        Some(())
    }

    fn take(&mut self) -> String {
        std::mem::take(&mut self.0)
    }
}

/// Reads `<result>` elements of an `undeleteResponse`.
pub fn parse_undelete_response(xml: &[u8]) -> Result<Vec<SaveResult>, OrgError> {
    let bad = || OrgError::Decode {
        what: "SOAP undelete",
        detail: "not well-formed XML".to_owned(),
    };
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut results = Vec::new();
    let mut current: Option<SaveResult> = None;
    let mut error: Option<ApiErrorItem> = None;
    let mut text = TextBuf::default();
    let mut buf = Vec::new();
    loop {
        let event = reader.read_event_into(&mut buf).map_err(|_| bad())?;
        match &event {
            Event::Start(e) => {
                text.take();
                match e.local_name().as_ref() {
                    b"result" => current = Some(SaveResult::default()),
                    b"errors" if current.is_some() => error = Some(ApiErrorItem::default()),
                    _ => {}
                }
            }
            Event::Text(_) | Event::CData(_) | Event::GeneralRef(_) => {
                text.push(&event).ok_or_else(bad)?;
            }
            Event::End(e) => {
                let value = text.take();
                match (e.local_name().as_ref(), error.as_mut(), current.as_mut()) {
                    (b"errors", _, Some(res)) => res.errors.extend(error.take()),
                    (b"result", _, _) => results.extend(current.take()),
                    (b"statusCode", Some(err), _) => err.error_code = value,
                    (b"message", Some(err), _) => err.message = Sensitive::new(value),
                    (b"fields", Some(err), _) => err.fields.push(value),
                    (b"id", None, Some(res)) => res.id = Some(value),
                    (b"success", None, Some(res)) => res.success = value == "true",
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(results)
}

/// Reads a SOAP fault (`<faultcode>sf:INVALID_SESSION_ID</faultcode>`), if the body is one.
pub(crate) fn parse_fault(xml: &[u8]) -> Option<OrgError> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    let (mut code, mut message, mut text) = (None, String::new(), TextBuf::default());
    loop {
        let event = reader.read_event_into(&mut buf).ok()?;
        match &event {
            Event::Start(_) => {
                text.take();
            }
            Event::Text(_) | Event::CData(_) | Event::GeneralRef(_) => text.push(&event)?,
            Event::End(e) => {
                let value = text.take();
                match e.local_name().as_ref() {
                    b"faultcode" => {
                        code = Some(value.rsplit(':').next().unwrap_or_default().to_owned());
                    }
                    b"faultstring" => message = value,
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    code.map(|code| OrgError::SoapFault {
        code,
        message: Sensitive::new(message),
    })
}

impl OrgClient {
    /// Restores records from the recycle bin, in chunks of [`UNDELETE_CHUNK`]; one result per id,
    /// in order. Retried like an idempotent call: undeleting twice cannot duplicate anything (the
    /// second attempt at worst reports a per-row `UNDELETE_FAILED`).
    pub async fn undelete(&self, ids: &[&str]) -> Result<Vec<SaveResult>, OrgError> {
        let path = format!("/services/Soap/u/{}", self.api_version());
        let mut results = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(UNDELETE_CHUNK) {
            let call = Call::new(Method::POST, path.clone(), CallClass::Soap)
                .body(Body::Soap(undelete_body(chunk)))
                .idempotent(true);
            let response = self.send(&call).await?;
            results.extend(parse_undelete_response(&response.body)?);
        }
        Ok(results)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RESPONSE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <soapenv:Body><undeleteResponse>
  <result><id>001xx000003DGb2AAG</id><success>true</success></result>
  <result><errors><fields>Name</fields><message>entity is not in the recycle bin &amp; gone</message><statusCode>UNDELETE_FAILED</statusCode></errors><id xsi:nil="true"/><success>false</success></result>
 </undeleteResponse></soapenv:Body></soapenv:Envelope>"#;

    #[test]
    fn parses_undelete_results() {
        let r = parse_undelete_response(RESPONSE.as_bytes()).unwrap();
        assert_eq!(r.len(), 2);
        assert!(r[0].success);
        assert_eq!(r[0].id.as_deref(), Some("001xx000003DGb2AAG"));
        assert!(!r[1].success);
        assert_eq!(r[1].id, None);
        assert_eq!(r[1].errors[0].error_code, "UNDELETE_FAILED");
        assert_eq!(r[1].errors[0].fields, ["Name"]);
        assert_eq!(
            r[1].errors[0].message.expose(),
            "entity is not in the recycle bin & gone"
        );
    }

    #[test]
    fn parses_faults_and_builds_envelopes() {
        let fault = br#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="urn:fault.partner.soap.sforce.com"><soapenv:Body><soapenv:Fault><faultcode>sf:INVALID_SESSION_ID</faultcode><faultstring>INVALID_SESSION_ID: Invalid Session ID found in SessionHeader</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>"#;
        let e = parse_fault(fault).unwrap();
        assert!(e.is_session_invalid());
        assert!(parse_fault(RESPONSE.as_bytes()).is_none());
        let env = envelope("tok<&>", &undelete_body(&["001A", "001B"]));
        assert!(env.contains("<urn:sessionId>tok&lt;&amp;&gt;</urn:sessionId>"));
        assert!(env.contains("<urn:ids>001A</urn:ids><urn:ids>001B</urn:ids>"));
    }
}
