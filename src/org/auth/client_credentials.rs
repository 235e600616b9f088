//! OAuth 2.0 client credentials flow: `grant_type=client_credentials` with `client_id` and
//! `client_secret` in the body (reference §2.1). Salesforce accepts it on the My Domain host only.

use secrecy::SecretString;
use url::Url;

use super::Grant;
use super::token::{plain, request};
use crate::org::error::OrgError;
use crate::org::http::HttpCore;

/// Exchanges the client id and secret for a token.
pub(crate) async fn exchange(
    core: &HttpCore,
    login_url: &Url,
    client_id: &str,
    client_secret: &SecretString,
) -> Result<Grant, OrgError> {
    request(
        core,
        login_url,
        vec![
            ("grant_type", plain("client_credentials")),
            ("client_id", plain(client_id)),
            ("client_secret", client_secret.clone()),
        ],
    )
    .await
}
