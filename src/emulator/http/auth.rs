//! OAuth and identity (salesforce-api.md §2): `POST /services/oauth2/token` (client credentials
//! in the body or HTTP Basic, password, refresh token, JWT bearer), `POST
//! /services/oauth2/revoke`, `GET /services/oauth2/userinfo` and the identity URL
//! `GET /id/{orgId}/{userId}`. Success and error bodies as Salesforce sends them.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::errors::ApiError;
use super::journal::CallClass;
use super::middleware::{self, session_token};
use super::reply::Reply;
use super::state::{EmulatorState, UserInfo};

/// The JWT bearer grant type.
pub const JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/// Every `/services/oauth2/…` call.
pub async fn entry(
    State(state): State<EmulatorState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let segs = middleware::segments(uri.path().trim_start_matches("/services/oauth2"));
    let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
    state.journal.record(CallClass::Auth);
    let out = match (segs.as_slice(), &method) {
        (["token"], &Method::POST) => token(&state, &headers, &body),
        (["revoke"], &Method::POST | &Method::GET) => revoke(&state, &uri, &body),
        (["userinfo"], &Method::GET | &Method::POST) => userinfo(&state, &headers),
        (["token"], _) => Err(ApiError::method_not_allowed(method.as_str(), &["POST"])),
        _ => Err(ApiError::not_found()),
    };
    match out {
        Ok(r) => r.into_response(),
        Err(e) => e.into_response(),
    }
}

fn form(body: &Bytes) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

fn field<'a>(form: &'a [(String, String)], k: &str) -> Option<&'a str> {
    form.iter()
        .find(|(key, _)| key == k)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

fn oauth(error: &str, description: &str) -> ApiError {
    ApiError::oauth(StatusCode::BAD_REQUEST, error, description)
}

/// `Authorization: Basic base64(id:secret)`.
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let enc = v.strip_prefix("Basic ")?;
    let text = String::from_utf8(B64.decode(enc.trim()).ok()?).ok()?;
    let (id, secret) = text.split_once(':')?;
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .into_owned()
    };
    Some((decode(id), decode(secret)))
}

/// Check a client id (and the secret when given or `need_secret`).
fn check_client(
    state: &EmulatorState,
    id: Option<&str>,
    secret: Option<&str>,
    need_secret: bool,
) -> Result<(), ApiError> {
    let c = &state.credentials;
    match id {
        Some(id) if id == c.client_id => {}
        Some(_) => return Err(oauth("invalid_client_id", "client identifier invalid")),
        None if need_secret => return Err(oauth("invalid_client_id", "client identifier invalid")),
        None => return Ok(()),
    }
    match secret {
        Some(s) if s == c.client_secret => Ok(()),
        None if !need_secret => Ok(()),
        _ => Err(oauth("invalid_client", "invalid client credentials")),
    }
}

fn token(state: &EmulatorState, headers: &HeaderMap, body: &Bytes) -> Result<Reply, ApiError> {
    let f = form(body);
    let basic = basic_credentials(headers);
    let client_id = field(&f, "client_id")
        .map(str::to_owned)
        .or_else(|| basic.as_ref().map(|b| b.0.clone()));
    let client_secret = field(&f, "client_secret")
        .map(str::to_owned)
        .or_else(|| basic.as_ref().map(|b| b.1.clone()));
    let (id, secret) = (client_id.as_deref(), client_secret.as_deref());
    match field(&f, "grant_type") {
        Some("client_credentials") => {
            check_client(state, id, secret, true)?;
            Ok(issue(state, &state.credentials.default_user, true, false))
        }
        Some("password") => {
            check_client(state, id, secret, false)?;
            let user = field(&f, "username")
                .and_then(|u| state.find_user(u))
                .ok_or_else(|| oauth("invalid_grant", "authentication failure"))?;
            let password = field(&f, "password").unwrap_or("");
            let ok = match &state.credentials.password {
                Some(p) => password == p || password.starts_with(p.as_str()),
                None => !password.is_empty(),
            };
            if !ok {
                return Err(oauth("invalid_grant", "authentication failure"));
            }
            Ok(issue(state, &user, true, false))
        }
        Some("refresh_token") => {
            check_client(state, id, secret, false)?;
            let user = field(&f, "refresh_token")
                .and_then(|t| state.credentials.refresh_user(t))
                .and_then(|u| state.find_user(&u))
                .ok_or_else(|| oauth("invalid_grant", "expired access/refresh token"))?;
            Ok(issue(state, &user, true, false))
        }
        Some(JWT_BEARER) => {
            let assertion = field(&f, "assertion")
                .ok_or_else(|| oauth("invalid_grant", "invalid assertion"))?;
            let user = verify_jwt(state, assertion)?;
            Ok(issue(state, &user, false, false))
        }
        _ => Err(oauth("unsupported_grant_type", "grant type not supported")),
    }
}

/// Claims of a JWT bearer assertion.
#[derive(Debug, Deserialize)]
struct Claims {
    iss: Option<String>,
    sub: Option<String>,
    aud: Option<Value>,
    exp: Option<i64>,
}

/// Verify a JWT bearer assertion: RS256 signature against the configured certificate or
/// public key (when there is one), `iss` = client id, `sub` = a known username, `aud` = a
/// Salesforce login URL or this emulator, `exp` in the future.
fn verify_jwt(state: &EmulatorState, assertion: &str) -> Result<UserInfo, ApiError> {
    let invalid = || oauth("invalid_grant", "invalid assertion");
    let claims: Claims = match &state.credentials.jwt_certificate_pem {
        Some(pem) => {
            let key = DecodingKey::from_rsa_pem(pem.as_bytes()).map_err(|_| invalid())?;
            let mut v = Validation::new(Algorithm::RS256);
            v.validate_exp = false;
            v.validate_aud = false;
            v.required_spec_claims.clear();
            jsonwebtoken::decode::<Claims>(assertion, &key, &v)
                .map_err(|_| invalid())?
                .claims
        }
        None => {
            let header = jsonwebtoken::decode_header(assertion).map_err(|_| invalid())?;
            if header.alg != Algorithm::RS256 {
                return Err(invalid());
            }
            jsonwebtoken::dangerous::insecure_decode_claims::<Claims>(assertion)
                .map_err(|_| invalid())?
        }
    };
    if claims.iss.as_deref() != Some(state.credentials.client_id.as_str()) {
        return Err(oauth("invalid_client_id", "client identifier invalid"));
    }
    let instance = state.instance_url();
    let aud_ok = |a: &str| {
        let a = a.trim_end_matches('/');
        a == "https://login.salesforce.com" || a == "https://test.salesforce.com" || a == instance
    };
    let aud_valid = match &claims.aud {
        Some(Value::String(a)) => aud_ok(a),
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).any(aud_ok),
        _ => false,
    };
    if !aud_valid {
        return Err(oauth("invalid_grant", "audience is invalid"));
    }
    if claims
        .exp
        .is_none_or(|exp| exp <= state.clock.now().timestamp())
    {
        return Err(oauth("invalid_grant", "expired authorization code"));
    }
    claims
        .sub
        .as_deref()
        .and_then(|s| state.find_user(s))
        .ok_or_else(|| oauth("invalid_grant", "user hasn't approved this consumer"))
}

/// HMAC-SHA256 (RFC 2104) — the token response `signature` is HMAC(secret, id + issued_at).
fn hmac_sha256(key: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut k = if key.len() > 64 {
        Sha256::digest(key).to_vec()
    } else {
        key.to_vec()
    };
    k.resize(64, 0);
    let pad = |b: u8| k.iter().map(|x| x ^ b).collect::<Vec<u8>>();
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(msg)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .to_vec()
}

fn identity_url(state: &EmulatorState, user_id: &str) -> String {
    format!("{}/id/{}/{user_id}", state.instance_url(), state.org_id)
}

fn issue(state: &EmulatorState, user: &UserInfo, full: bool, with_refresh: bool) -> Reply {
    let now = state.clock.now();
    let token = state.credentials.issue(&state.org_id, &user.id, now);
    let id = identity_url(state, &user.id);
    let mut body = json!({
        "access_token": token,
        "instance_url": state.instance_url(),
        "id": id,
        "token_type": "Bearer",
    });
    if full {
        let issued_at = now.timestamp_millis().to_string();
        let sig = hmac_sha256(
            state.credentials.client_secret.as_bytes(),
            format!("{id}{issued_at}").as_bytes(),
        );
        body["issued_at"] = json!(issued_at);
        body["signature"] = json!(B64.encode(sig));
    }
    body["scope"] = json!("api web refresh_token");
    if with_refresh {
        body["refresh_token"] = json!(state.credentials.issue_refresh(&user.id));
    }
    Reply::ok(body)
}

fn revoke(state: &EmulatorState, uri: &Uri, body: &Bytes) -> Result<Reply, ApiError> {
    let mut f = form(body);
    if let Some(q) = uri.query() {
        f.extend(url::form_urlencoded::parse(q.as_bytes()).into_owned());
    }
    let token = field(&f, "token")
        .ok_or_else(|| oauth("unsupported_token_type", "this token type is not supported"))?;
    if state.credentials.revoke(token) {
        Ok(Reply::empty(StatusCode::OK))
    } else {
        Err(oauth("invalid_token", "invalid token"))
    }
}

fn bad_token() -> Reply {
    Reply {
        status: StatusCode::FORBIDDEN,
        headers: Vec::new(),
        body: super::reply::Body::Text("Bad_OAuth_Token".to_owned()),
    }
}

fn session_user(state: &EmulatorState, headers: &HeaderMap, uri: Option<&Uri>) -> Option<UserInfo> {
    let from_query = uri.and_then(Uri::query).and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "oauth_token")
            .map(|(_, v)| v.into_owned())
    });
    let token = session_token(headers).map(str::to_owned).or(from_query)?;
    let user_id = state.credentials.session_user(&token, state.clock.now())?;
    state.find_user(&user_id)
}

fn urls(state: &EmulatorState, user_id: &str) -> Value {
    let base = state.instance_url();
    let org = &state.org_id;
    json!({
        "enterprise": format!("{base}/services/Soap/c/{{version}}/{org}"),
        "metadata": format!("{base}/services/Soap/m/{{version}}/{org}"),
        "partner": format!("{base}/services/Soap/u/{{version}}/{org}"),
        "rest": format!("{base}/services/data/v{{version}}/"),
        "sobjects": format!("{base}/services/data/v{{version}}/sobjects/"),
        "search": format!("{base}/services/data/v{{version}}/search/"),
        "query": format!("{base}/services/data/v{{version}}/query/"),
        "recent": format!("{base}/services/data/v{{version}}/recent/"),
        "tooling_soap": format!("{base}/services/Soap/T/{{version}}/{org}"),
        "tooling_rest": format!("{base}/services/data/v{{version}}/tooling/"),
        "profile": format!("{base}/{user_id}"),
        "feeds": format!("{base}/services/data/v{{version}}/chatter/feeds"),
        "groups": format!("{base}/services/data/v{{version}}/chatter/groups"),
        "users": format!("{base}/services/data/v{{version}}/chatter/users"),
        "feed_items": format!("{base}/services/data/v{{version}}/chatter/feed-items"),
        "feed_elements": format!("{base}/services/data/v{{version}}/chatter/feed-elements"),
        "custom_domain": base,
    })
}

fn userinfo(state: &EmulatorState, headers: &HeaderMap) -> Result<Reply, ApiError> {
    let Some(u) = session_user(state, headers, None) else {
        return Ok(bad_token());
    };
    let (first, last) = split_name(&u.display_name);
    Ok(Reply::ok(json!({
        "sub": identity_url(state, &u.id),
        "user_id": u.id,
        "organization_id": state.org_id,
        "preferred_username": u.username,
        "nickname": u.username.split('@').next().unwrap_or(&u.username),
        "name": u.display_name,
        "email": u.email,
        "email_verified": true,
        "given_name": first,
        "family_name": last,
        "zoneinfo": "America/Los_Angeles",
        "photos": {"picture": Value::Null, "thumbnail": Value::Null},
        "profile": format!("{}/{}", state.instance_url(), u.id),
        "picture": Value::Null,
        "address": {},
        "is_salesforce_integration_user": false,
        "urls": urls(state, &u.id),
        "active": true,
        "user_type": "STANDARD",
        "language": "en_US",
        "locale": "en_US",
        "utcOffset": -28_800_000,
        "updated_at": "2024-01-01T00:00:00Z",
        "is_app_installed": true,
    })))
}

fn split_name(name: &str) -> (String, String) {
    match name.rsplit_once(' ') {
        Some((f, l)) => (f.to_owned(), l.to_owned()),
        None => (String::new(), name.to_owned()),
    }
}

/// `GET /id/{orgId}/{userId}`.
pub async fn identity_entry(
    State(state): State<EmulatorState>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    state.journal.record(CallClass::Auth);
    let segs = middleware::segments(uri.path().trim_start_matches("/id"));
    let reply = match segs.as_slice() {
        [org, user] if *org == state.org_id || state.org_id.starts_with(org.as_str()) => {
            match session_user(&state, &headers, Some(&uri)) {
                None => bad_token(),
                Some(_) => match state.find_user(user) {
                    Some(u) => identity(&state, &u),
                    None => ApiError::not_found().into_reply(),
                },
            }
        }
        _ => ApiError::not_found().into_reply(),
    };
    reply.into_response()
}

fn identity(state: &EmulatorState, u: &UserInfo) -> Reply {
    let (first, last) = split_name(&u.display_name);
    Reply::ok(json!({
        "id": identity_url(state, &u.id),
        "asserted_user": true,
        "user_id": u.id,
        "organization_id": state.org_id,
        "username": u.username,
        "nick_name": u.username.split('@').next().unwrap_or(&u.username),
        "display_name": u.display_name,
        "email": u.email,
        "email_verified": true,
        "first_name": first,
        "last_name": last,
        "timezone": "America/Los_Angeles",
        "photos": {"picture": Value::Null, "thumbnail": Value::Null},
        "addr_street": Value::Null, "addr_city": Value::Null, "addr_state": Value::Null,
        "addr_country": Value::Null, "addr_zip": Value::Null,
        "mobile_phone": Value::Null, "mobile_phone_verified": false,
        "is_lightning_login_user": false,
        "status": {"created_date": Value::Null, "body": Value::Null},
        "urls": urls(state, &u.id),
        "active": true,
        "user_type": "STANDARD",
        "language": "en_US",
        "locale": "en_US",
        "utcOffset": -28_800_000,
        "last_modified_date": "2024-01-01T00:00:00.000+0000",
        "is_app_installed": true,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231_test_case_2() {
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
