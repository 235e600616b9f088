//! OAuth 2.0 refresh token flow: `grant_type=refresh_token`, `refresh_token`, `client_id` and
//! the optional `client_secret` (reference §2.1).

use secrecy::{ExposeSecret, SecretString};
use url::Url;

use super::Grant;
use super::token::{plain, request};
use crate::org::error::OrgError;
use crate::org::http::HttpCore;

/// Exchanges a refresh token for an access token.
pub(crate) async fn exchange(
    core: &HttpCore,
    login_url: &Url,
    client_id: &str,
    client_secret: Option<&SecretString>,
    refresh_token: &SecretString,
) -> Result<Grant, OrgError> {
    let mut form = vec![
        ("grant_type", plain("refresh_token")),
        ("refresh_token", refresh_token.clone()),
        ("client_id", plain(client_id)),
    ];
    if let Some(secret) = client_secret.filter(|s| !s.expose_secret().is_empty()) {
        form.push(("client_secret", secret.clone()));
    }
    request(core, login_url, form).await
}
