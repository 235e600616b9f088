//! `login(username, password)`: a session for a known user, like the OAuth password grant
//! (the configured password, optionally followed by a security token; any non-empty password
//! when none is configured). Response per the partner API's `LoginResult`: `serverUrl`,
//! `sessionId`, `userId`, `userInfo{organizationId, …}` — what jsforce's `loginBySoap` reads.

use super::{Fault, Request};
use crate::emulator::http::state::{EmulatorState, SESSION_TTL_SECONDS};
use crate::emulator::metadata::xml::escape;

fn invalid_login() -> Fault {
    Fault::sf(
        "INVALID_LOGIN",
        "Invalid username, password, security token; or user locked out.",
    )
}

/// Run `login`; returns the `<loginResponse>` element.
pub fn login(state: &EmulatorState, req: &Request) -> Result<String, Fault> {
    let username = req.args.text("username").unwrap_or_default();
    let password = req.args.text("password").unwrap_or_default();
    let user = state.find_user(username.trim()).ok_or_else(invalid_login)?;
    let ok = match &state.credentials.password {
        Some(p) => password == *p || password.starts_with(p.as_str()),
        None => !password.is_empty(),
    };
    if !ok {
        return Err(invalid_login());
    }
    let now = state.clock.now();
    let session = state.credentials.issue(&state.org_id, &user.id, now);
    let (org_name, sandbox) = {
        let org = state.org.lock();
        (org.identity.name.clone(), org.identity.is_sandbox)
    };
    let instance = state.instance_url();
    let org15 = state.org_id.get(..15).unwrap_or(&state.org_id);
    let v = &req.version;
    let text = |k: &str, v: &str| format!("<{k}>{}</{k}>", escape(v));
    let user_info = [
        text("organizationId", &state.org_id),
        text("organizationName", &org_name),
        text("sessionSecondsValid", &SESSION_TTL_SECONDS.to_string()),
        text("userEmail", &user.email),
        text("userFullName", &user.display_name),
        text("userId", &user.id),
        text("userName", &user.username),
        text("userType", "Standard"),
    ]
    .concat();
    Ok(format!(
        "<loginResponse><result>{}{}{}{}{}{}<userInfo>{user_info}</userInfo></result></loginResponse>",
        text(
            "metadataServerUrl",
            &format!("{instance}/services/Soap/m/{v}/{org15}")
        ),
        text("passwordExpired", "false"),
        text("sandbox", &sandbox.to_string()),
        text(
            "serverUrl",
            &format!("{instance}/services/Soap/u/{v}/{org15}")
        ),
        text("sessionId", &session),
        text("userId", &user.id),
    ))
}
