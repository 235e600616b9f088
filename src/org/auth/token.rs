//! The OAuth token endpoint `POST {login}/services/oauth2/token` (reference §2.1).

use reqwest::Method;
use secrecy::SecretString;
use url::Url;

use super::Grant;
use crate::org::error::OrgError;
use crate::org::http::{Body, Call, HttpCore, Target};
use crate::org::usage::CallClass;
use crate::org::wire::TokenResponse;

/// Posts a grant form and reads the token response. Retried on transient failures: asking for a
/// token twice is harmless.
pub(crate) async fn request(
    core: &HttpCore,
    login_url: &Url,
    form: Vec<(&'static str, SecretString)>,
) -> Result<Grant, OrgError> {
    let call = Call::new(Method::POST, "/services/oauth2/token", CallClass::Auth)
        .body(Body::Form(form))
        .header("Accept", "application/json")
        .idempotent(true);
    let target = Target {
        instance_url: login_url,
        token: None,
    };
    let response = core.execute(&call, &target).await?;
    let token: TokenResponse = response.json("OAuth token")?;
    let instance_url = Url::parse(&token.instance_url).map_err(|_| OrgError::Decode {
        what: "OAuth token",
        detail: "instance_url is not a URL".into(),
    })?;
    Ok(Grant {
        access_token: token.access_token,
        instance_url,
        refresh_token: token.refresh_token,
    })
}

/// A non-secret form value.
pub(crate) fn plain(value: &str) -> SecretString {
    SecretString::from(value.to_owned())
}
