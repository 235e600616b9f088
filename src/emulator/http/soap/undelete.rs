//! `undelete(ids)`: restores records from the recycle bin with the records their delete
//! cascaded to (`dml::Tx::undelete`). One `UndeleteResult` per id, in order (`errors`, `id`,
//! `success`, the partner WSDL's element order); rows fail independently unless the
//! `AllOrNoneHeader` asks otherwise. At most 200 ids per call (SOAP API `undelete()` limit).

use super::{Fault, Request};
use crate::emulator::dml::{Ctx, DmlError, Tx};
use crate::emulator::http::state::EmulatorState;
use crate::emulator::metadata::xml::escape;
use crate::emulator::model::ids;

/// Most ids per call.
pub const MAX_IDS: usize = 200;

fn result(id: Option<&str>, errors: &[DmlError]) -> String {
    let mut out = String::from("<result>");
    for e in errors {
        out.push_str("<errors>");
        for f in &e.fields {
            out.push_str(&format!("<fields>{}</fields>", escape(f)));
        }
        out.push_str(&format!(
            "<message>{}</message><statusCode>{}</statusCode></errors>",
            escape(&e.message),
            escape(&e.status_code)
        ));
    }
    match id {
        Some(id) => out.push_str(&format!("<id>{}</id>", escape(id))),
        None => out.push_str("<id xsi:nil=\"true\"/>"),
    }
    out.push_str(&format!(
        "<success>{}</success></result>",
        errors.is_empty()
    ));
    out
}

/// Run `undelete`; returns the `<undeleteResponse>` element.
pub fn undelete(state: &EmulatorState, req: &Request, user: &str) -> Result<String, Fault> {
    let ids: Vec<String> = req
        .args
        .list("ids")
        .iter()
        .filter_map(|v| v.as_str().map(|s| s.trim().to_owned()))
        .collect();
    if ids.len() > MAX_IDS {
        return Err(Fault::sf(
            "EXCEEDED_ID_LIMIT",
            "record limit reached. cannot submit more than 200 records in a single call",
        ));
    }
    let all_or_none = req
        .header
        .nested("AllOrNoneHeader")
        .and_then(|h| h.flag("allOrNone"))
        .unwrap_or(false);
    let ctx = Ctx {
        user_id: user.to_owned(),
        now: state.clock.now(),
    };
    let mut outcomes: Vec<(Option<String>, Vec<DmlError>)> = Vec::with_capacity(ids.len());
    let touched = {
        let mut org = state.org.lock();
        let mut tx = Tx::begin(&mut org, ctx);
        for id in &ids {
            let id18 = ids::to18(id);
            let errors = tx.undelete(id).err().unwrap_or_default();
            outcomes.push((id18, errors));
        }
        let failed = outcomes.iter().any(|(_, e)| !e.is_empty());
        if all_or_none && failed {
            tx.rollback();
            for (_, errors) in outcomes.iter_mut().filter(|(_, e)| e.is_empty()) {
                errors.push(DmlError::new(
                    "ALL_OR_NONE_OPERATION_ROLLED_BACK",
                    "Record rolled back because not all records were valid and the request was using AllOrNone header",
                    vec![],
                ));
            }
            Vec::new()
        } else {
            tx.commit()
        }
    };
    if !touched.is_empty() {
        state.persist(&touched);
    }
    let mut out = String::from("<undeleteResponse>");
    for (id, errors) in &outcomes {
        out.push_str(&result(id.as_deref(), errors));
    }
    out.push_str("</undeleteResponse>");
    Ok(out)
}
