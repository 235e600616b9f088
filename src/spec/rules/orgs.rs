//! Rules for `spec.orgs`: instance URLs, API versions and the fields each auth method needs.

use std::path::Path as FsPath;

use super::super::diagnostic::Diagnostic;
use super::super::model::{AuthSpec, Inline, OrgSpec, SecretRef};
use super::super::path::Path;
use super::super::v1::{self, AuthMethod};

/// The API version used when an org names none.
pub const DEFAULT_API_VERSION: &str = "62.0";

/// Check one org and build its validated form.
pub fn org(
    path: &Path,
    org: &v1::Org,
    base: &FsPath,
    out: &mut Vec<Diagnostic>,
) -> Option<OrgSpec> {
    let url = instance_url(&path.key("instanceUrl"), &org.instance_url, out);
    let auth = auth(&path.key("auth"), &org.auth, base, out);
    Some(OrgSpec {
        instance_url: url?,
        api_version: org
            .api_version
            .clone()
            .unwrap_or_else(|| DEFAULT_API_VERSION.to_owned()),
        auth: auth?,
    })
}

fn instance_url(path: &Path, text: &str, out: &mut Vec<Diagnostic>) -> Option<url::Url> {
    let Ok(url) = url::Url::parse(text) else {
        out.push(
            Diagnostic::error(
                "invalid-url",
                path.clone(),
                format!("`{path}` is not a valid URL"),
            )
            .with_hint("write the org's My Domain URL, e.g. `https://acme.my.salesforce.com`"),
        );
        return None;
    };
    let local = matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
    match url.scheme() {
        "https" => {}
        "http" if local => {}
        _ => {
            out.push(
                Diagnostic::error(
                    "insecure-url",
                    path.clone(),
                    format!("`{path}` must use https://"),
                )
                .with_hint("http:// is accepted only for localhost (emulators)"),
            );
            return None;
        }
    }
    if !url.username().is_empty() || url.password().is_some() {
        out.push(
            Diagnostic::error(
                "invalid-url",
                path.clone(),
                format!("`{path}` must not contain credentials"),
            )
            .with_hint("credentials belong under `auth`, as `{env: NAME}` references"),
        );
        return None;
    }
    Some(url)
}

fn secret(r: &v1::SecretRef, base: &FsPath) -> SecretRef {
    match (&r.env, &r.file) {
        (Some(env), _) => SecretRef::Env(env.clone()),
        (None, Some(file)) => SecretRef::File(base.join(file)),
        (None, None) => SecretRef::Env(String::new()),
    }
}

fn inline(v: &v1::StringOrSecret, base: &FsPath) -> Inline {
    match v {
        v1::StringOrSecret::Literal(s) => Inline::Literal(s.clone()),
        v1::StringOrSecret::Ref(r) => Inline::Secret(secret(r, base)),
    }
}

fn method_name(m: AuthMethod) -> &'static str {
    match m {
        AuthMethod::JwtBearer => "jwt-bearer",
        AuthMethod::ClientCredentials => "client-credentials",
        AuthMethod::RefreshToken => "refresh-token",
        AuthMethod::AccessToken => "access-token",
        AuthMethod::SfdxAuthUrl => "sfdx-auth-url",
    }
}

/// Check that `auth` has exactly what its method needs; unused fields are warnings.
pub fn auth(
    path: &Path,
    a: &v1::Auth,
    base: &FsPath,
    out: &mut Vec<Diagnostic>,
) -> Option<AuthSpec> {
    let present = [
        ("clientId", a.client_id.is_some()),
        ("username", a.username.is_some()),
        ("privateKey", a.private_key.is_some()),
        ("clientSecret", a.client_secret.is_some()),
        ("refreshToken", a.refresh_token.is_some()),
        ("accessToken", a.access_token.is_some()),
        ("sfdxAuthUrl", a.sfdx_auth_url.is_some()),
    ];
    let (required, optional): (&[&str], &[&str]) = match a.method {
        AuthMethod::JwtBearer => (&["clientId", "username", "privateKey"], &[]),
        AuthMethod::ClientCredentials => (&["clientId", "clientSecret"], &[]),
        AuthMethod::RefreshToken => (&["clientId", "refreshToken"], &["clientSecret"]),
        AuthMethod::AccessToken => (&["accessToken"], &[]),
        AuthMethod::SfdxAuthUrl => (&["sfdxAuthUrl"], &[]),
    };
    let method = method_name(a.method);
    let mut ok = true;
    for (name, is_set) in present {
        if required.contains(&name) && !is_set {
            ok = false;
            let example = if name == "clientId" || name == "username" {
                format!("{name}: …")
            } else {
                format!("{name}: {{env: …}}")
            };
            out.push(
                Diagnostic::error(
                    "auth-missing-field",
                    path.clone(),
                    format!("`{method}` authentication needs `{name}` in {path}"),
                )
                .with_hint(format!("add `{example}`"))
                .on_key(),
            );
        } else if is_set && !required.contains(&name) && !optional.contains(&name) {
            out.push(
                Diagnostic::warning(
                    "auth-unused-field",
                    path.key(name),
                    format!("`{name}` is not used by `{method}` authentication"),
                )
                .with_hint("remove it, or change `method`")
                .on_key(),
            );
        }
    }
    if let Some(user) = &a.username
        && !looks_like_username(user)
    {
        ok = false;
        out.push(
            Diagnostic::error(
                "invalid-username",
                path.key("username"),
                "a Salesforce username looks like an email address",
            )
            .with_hint("e.g. `orgsync@acme.com`"),
        );
    }
    if !ok {
        return None;
    }
    let s = |r: &Option<v1::SecretRef>| r.as_ref().map(|r| secret(r, base));
    let id = || a.client_id.as_ref().map(|c| inline(c, base));
    Some(match a.method {
        AuthMethod::JwtBearer => AuthSpec::JwtBearer {
            client_id: id()?,
            username: a.username.clone()?,
            private_key: s(&a.private_key)?,
        },
        AuthMethod::ClientCredentials => AuthSpec::ClientCredentials {
            client_id: id()?,
            client_secret: s(&a.client_secret)?,
        },
        AuthMethod::RefreshToken => AuthSpec::RefreshToken {
            client_id: id()?,
            refresh_token: s(&a.refresh_token)?,
            client_secret: s(&a.client_secret),
        },
        AuthMethod::AccessToken => AuthSpec::AccessToken {
            access_token: s(&a.access_token)?,
        },
        AuthMethod::SfdxAuthUrl => AuthSpec::SfdxAuthUrl {
            sfdx_auth_url: s(&a.sfdx_auth_url)?,
        },
    })
}

/// Salesforce usernames have the form of an email address.
pub fn looks_like_username(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(char::is_whitespace)
        && !domain.contains('@')
}
