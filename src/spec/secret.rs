//! Secret references in the validated spec: where a secret lives, never the secret itself.
//! [`SecretRef::resolve`] reads it only when called and returns a [`SecretString`] whose Debug
//! output is redacted.

use std::path::PathBuf;

use secrecy::SecretString;

/// Where a secret is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretRef {
    /// An environment variable.
    Env(String),
    /// A file (already joined to the spec file's directory when it was relative).
    File(PathBuf),
}

/// Why a secret could not be read. Never contains the secret.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// The variable is not set.
    #[error("environment variable `{0}` is not set")]
    EnvMissing(String),
    /// The variable is not valid Unicode.
    #[error("environment variable `{0}` is not valid Unicode")]
    EnvNotUnicode(String),
    /// The file could not be read.
    #[error("cannot read secret file `{path}`")]
    File {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The variable or file is empty.
    #[error("the secret from {0} is empty")]
    Empty(String),
}

impl SecretRef {
    /// Read the secret now (trailing newlines of files are dropped).
    pub fn resolve(&self) -> Result<SecretString, SecretError> {
        let value = match self {
            SecretRef::Env(name) => match std::env::var(name) {
                Ok(v) => v,
                Err(std::env::VarError::NotPresent) => {
                    return Err(SecretError::EnvMissing(name.clone()));
                }
                Err(std::env::VarError::NotUnicode(_)) => {
                    return Err(SecretError::EnvNotUnicode(name.clone()));
                }
            },
            SecretRef::File(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| SecretError::File {
                    path: path.clone(),
                    source,
                })?;
                text.trim_end_matches(['\r', '\n']).to_owned()
            }
        };
        if value.is_empty() {
            return Err(SecretError::Empty(self.to_string()));
        }
        Ok(SecretString::from(value))
    }
}

impl std::fmt::Display for SecretRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SecretRef::Env(name) => write!(f, "env `{name}`"),
            SecretRef::File(path) => write!(f, "file `{}`", path.display()),
        }
    }
}

/// A value that may be written in the spec or kept outside it (`clientId`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    /// Written in the spec.
    Literal(String),
    /// Kept outside.
    Secret(SecretRef),
}

impl Inline {
    /// The value: the literal, or the resolved secret.
    pub fn resolve(&self) -> Result<SecretString, SecretError> {
        match self {
            Inline::Literal(v) => Ok(SecretString::from(v.clone())),
            Inline::Secret(r) => r.resolve(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    #[test]
    fn resolves_files_lazily_and_redacts() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k");
        let r = SecretRef::File(path.clone());
        assert!(matches!(r.resolve(), Err(SecretError::File { .. })));
        std::fs::write(&path, "s3cr3t\n").unwrap();
        let s = r.resolve().unwrap();
        assert_eq!(s.expose_secret(), "s3cr3t");
        assert!(!format!("{s:?}").contains("s3cr3t"));
        let missing = SecretRef::Env("ORGSYNC_TEST_SURELY_UNSET_VAR".into())
            .resolve()
            .unwrap_err();
        assert_eq!(
            missing.to_string(),
            "environment variable `ORGSYNC_TEST_SURELY_UNSET_VAR` is not set"
        );
    }
}
