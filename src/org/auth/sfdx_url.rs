//! SFDX auth URLs, reference §2.3: `force://<clientId>:<clientSecret>:<refreshToken>@<host>`,
//! parsed like sfdx-core's `parseSfdxAuthUrl`
//! (`^force://([a-zA-Z0-9._-]+={0,2}):([a-zA-Z0-9._-]*={0,2}):([a-zA-Z0-9._-]+={0,2})@([a-zA-Z0-9:._-]+)`,
//! forcedotcom/sfdx-core `src/org/authInfo.ts`). The older `force://<refreshToken>@<host>` form
//! is accepted with the CLI's default client id `PlatformCLI` and an empty secret.
//!
//! Like sfdx-core, the host becomes `https://<host>`. As an orgsync extension for local tests the
//! host part may also be spelled with an explicit scheme, `https://host` or — for loopback hosts
//! only (`localhost`, `127.0.0.1`, `[::1]`) — `http://localhost:PORT`. Errors never echo the URL.

use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::org::config::is_loopback;
use crate::org::error::OrgError;

/// The parts of an SFDX auth URL.
#[derive(Debug, Clone)]
pub struct SfdxAuth {
    /// Connected app consumer key (`PlatformCLI` for the CLI's own app).
    pub client_id: String,
    /// Consumer secret; `None` when empty.
    pub client_secret: Option<SecretString>,
    /// The refresh token.
    pub refresh_token: SecretString,
    /// Where to send the refresh grant.
    pub login_url: Url,
}

fn bad(why: &str) -> OrgError {
    OrgError::Config(format!(
        "the sfdx auth URL is not valid: {why} (expected force://<clientId>:<clientSecret>:<refreshToken>@<host>)"
    ))
}

/// sfdx-core's credential character class: `[a-zA-Z0-9._-]` plus up to two trailing `=`.
fn credential_ok(part: &str, allow_empty: bool) -> bool {
    let body = part.trim_end_matches('=');
    part.len() - body.len() <= 2
        && (allow_empty || !body.is_empty())
        && body
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// Parses an SFDX auth URL.
pub fn parse(url: &SecretString) -> Result<SfdxAuth, OrgError> {
    let text = url.expose_secret().trim();
    let rest = text
        .strip_prefix("force://")
        .ok_or_else(|| bad("it must start with force://"))?;
    let (credentials, host) = rest
        .split_once('@')
        .ok_or_else(|| bad("the @<host> part is missing"))?;
    let parts: Vec<&str> = credentials.split(':').collect();
    let (client_id, client_secret, refresh_token) = match parts.as_slice() {
        [id, secret, token] => (*id, *secret, *token),
        [token] => ("PlatformCLI", "", *token),
        _ => {
            return Err(bad(
                "the credentials part must have three fields separated by ':'",
            ));
        }
    };
    if !credential_ok(client_id, false)
        || !credential_ok(client_secret, true)
        || !credential_ok(refresh_token, false)
    {
        return Err(bad(
            "the client id, secret or refresh token has characters outside [a-zA-Z0-9._-]",
        ));
    }
    Ok(SfdxAuth {
        client_id: client_id.to_owned(),
        client_secret: (!client_secret.is_empty())
            .then(|| SecretString::from(client_secret.to_owned())),
        refresh_token: SecretString::from(refresh_token.to_owned()),
        login_url: host_url(host)?,
    })
}

fn host_url(host: &str) -> Result<Url, OrgError> {
    let host = host.trim_end_matches('/');
    if let Some(explicit) = host.strip_prefix("http://") {
        let url =
            Url::parse(&format!("http://{explicit}")).map_err(|_| bad("the host is not valid"))?;
        if !is_loopback(&url) {
            return Err(bad(
                "http:// is allowed only for localhost; Salesforce hosts use https",
            ));
        }
        return Ok(url);
    }
    let bare = host.strip_prefix("https://").unwrap_or(host);
    if bare.is_empty()
        || !bare
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '.' | '_' | '-'))
    {
        return Err(bad("the host has characters outside [a-zA-Z0-9:._-]"));
    }
    Url::parse(&format!("https://{bare}")).map_err(|_| bad("the host is not valid"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<SfdxAuth, OrgError> {
        parse(&SecretString::from(s.to_owned()))
    }

    #[test]
    fn three_part_form() {
        let a = p("force://PlatformCLI::5Aep861abc.def==@acme.my.salesforce.com").unwrap();
        assert_eq!(a.client_id, "PlatformCLI");
        assert!(a.client_secret.is_none());
        assert_eq!(a.refresh_token.expose_secret(), "5Aep861abc.def==");
        assert_eq!(a.login_url.as_str(), "https://acme.my.salesforce.com/");
        let b = p("force://3MVG9x:SECRET123:tok@acme.my.salesforce.com:8443").unwrap();
        assert_eq!(b.client_secret.unwrap().expose_secret(), "SECRET123");
        assert_eq!(b.login_url.port(), Some(8443));
    }

    #[test]
    fn legacy_form_and_local_http() {
        let a = p("force://tokenonly@localhost:9000").unwrap();
        assert_eq!(a.client_id, "PlatformCLI");
        assert_eq!(a.login_url.scheme(), "https");
        let l = p("force://id:sec:tok@http://127.0.0.1:8080").unwrap();
        assert_eq!(l.login_url.as_str(), "http://127.0.0.1:8080/");
    }

    #[test]
    fn rejects_bad_urls_without_echoing_them() {
        for bad_url in [
            "https://id:SECRETX:tok@host",
            "force://id:SECRETX:tok",
            "force://id:SECRETX:to/k@host",
            "force://id:SECRETX:tok@http://acme.my.salesforce.com",
            "force://a:b:c:SECRETX@host",
        ] {
            let err = p(bad_url).unwrap_err();
            assert!(matches!(err, OrgError::Config(_)), "{bad_url}");
            assert!(!err.to_string().contains("SECRETX"), "{bad_url}");
        }
    }
}
