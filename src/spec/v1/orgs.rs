//! `spec.orgs`: the two orgs and how orgsync authenticates to each.

use schemars::JsonSchema;
use serde::Deserialize;

use super::{API_VERSION_PATTERN, ENV_NAME_PATTERN, URL_PATTERN};

/// The two orgs of the connection.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Orgs {
    /// The publishing org (the source of truth in one-way connections).
    pub primary: Org,
    /// The subscribing org (for business continuity: the standby org).
    pub secondary: Org,
}

/// One Salesforce org.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Org {
    /// The org's My Domain URL, e.g. `https://acme.my.salesforce.com`. Must be `https://`;
    /// `http://` is accepted only for `localhost` / `127.0.0.1` (emulators).
    #[schemars(pattern(URL_PATTERN))]
    pub instance_url: String,
    /// The REST API version to use, quoted, e.g. `"62.0"`. Default: `"62.0"`.
    #[serde(default)]
    #[schemars(pattern(API_VERSION_PATTERN))]
    pub api_version: Option<String>,
    /// How orgsync authenticates to this org.
    pub auth: Auth,
}

/// Authentication settings. Which fields are required depends on `method`:
/// `jwt-bearer` needs `clientId`, `username`, `privateKey`; `client-credentials` needs
/// `clientId`, `clientSecret`; `refresh-token` needs `clientId`, `refreshToken` (and optionally
/// `clientSecret`); `access-token` needs `accessToken`; `sfdx-auth-url` needs `sfdxAuthUrl`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Auth {
    /// The OAuth flow.
    pub method: AuthMethod,
    /// The connected app's consumer key: a string or a `{env: NAME}` / `{file: PATH}` reference.
    #[serde(default)]
    pub client_id: Option<StringOrSecret>,
    /// The integration user's username (`jwt-bearer`).
    #[serde(default)]
    pub username: Option<String>,
    /// The PEM private key that signs the JWT (`jwt-bearer`). A secret: `{env|file: …}` only.
    #[serde(default)]
    pub private_key: Option<SecretRef>,
    /// The connected app's consumer secret. A secret: `{env|file: …}` only.
    #[serde(default)]
    pub client_secret: Option<SecretRef>,
    /// An OAuth refresh token (`refresh-token`). A secret: `{env|file: …}` only.
    #[serde(default)]
    pub refresh_token: Option<SecretRef>,
    /// A session or access token (`access-token`; for tests and emulators). A secret:
    /// `{env|file: …}` only.
    #[serde(default)]
    pub access_token: Option<SecretRef>,
    /// An SFDX auth URL (`force://…`, `sfdx-auth-url`). A secret: `{env|file: …}` only.
    #[serde(default)]
    pub sfdx_auth_url: Option<SecretRef>,
}

/// The OAuth flow used to reach an org.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum AuthMethod {
    /// OAuth 2.0 JWT bearer flow: `clientId`, `username`, `privateKey`.
    JwtBearer,
    /// OAuth 2.0 client credentials flow: `clientId`, `clientSecret`.
    ClientCredentials,
    /// OAuth 2.0 refresh token flow: `clientId`, `refreshToken`, optional `clientSecret`.
    RefreshToken,
    /// A ready access token: `accessToken`.
    AccessToken,
    /// An SFDX auth URL as printed by `sf org display --verbose`: `sfdxAuthUrl`.
    SfdxAuthUrl,
}

/// A reference to a secret held outside the spec: exactly one of `env` or `file`. The value is
/// read only when orgsync needs it, never at validate time.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("minProperties" = 1, "maxProperties" = 1))]
pub struct SecretRef {
    /// The name of an environment variable holding the secret, e.g. `DR_CLIENT_SECRET`.
    #[serde(default)]
    #[schemars(pattern(ENV_NAME_PATTERN))]
    pub env: Option<String>,
    /// The path of a file holding the secret (relative paths are relative to the spec file).
    #[serde(default)]
    #[schemars(length(min = 1))]
    pub file: Option<String>,
}

/// A plain string, or a `{env: NAME}` / `{file: PATH}` reference for values kept out of Git.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum StringOrSecret {
    /// The value itself.
    Literal(String),
    /// A reference to where the value is kept.
    Ref(SecretRef),
}
