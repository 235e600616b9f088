//! [`Name`]: the only kind of free-standing string a plan's targets and attributes hold — an API
//! name, a username, a metadata full name, a field type. One line, no control characters, at most
//! [`Name::MAX_CHARS`] characters.

use serde::{Deserialize, Serialize};

/// A one-line identifier: an API name (`Account`, `Sync_Key__c`), a username, a metadata full
/// name (`Account-Account Layout`), an Apex trigger name or a field type (`Text`).
///
/// Planner code builds names from schema and metadata only. There is no place in the plan for a
/// record's field values: targets name things, attributes compare schema properties, and diffs
/// are of metadata bodies.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Name(String);

/// Why a string is not a [`Name`]. Never contains the string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    /// The string is empty.
    #[error("a name must not be empty")]
    Empty,
    /// The string is longer than [`Name::MAX_CHARS`].
    #[error("a name must be at most {} characters", Name::MAX_CHARS)]
    TooLong,
    /// The string holds a line break or another control character.
    #[error("a name must be one line without control characters")]
    ControlCharacter,
}

impl Name {
    /// The longest name accepted (Salesforce usernames and metadata full names fit easily).
    pub const MAX_CHARS: usize = 255;

    /// Check and wrap a name.
    pub fn new(value: impl Into<String>) -> Result<Self, NameError> {
        let value = value.into();
        if value.is_empty() {
            return Err(NameError::Empty);
        }
        if value.chars().count() > Self::MAX_CHARS {
            return Err(NameError::TooLong);
        }
        if value.chars().any(char::is_control) {
            return Err(NameError::ControlCharacter);
        }
        Ok(Self(value))
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Name {
    type Error = NameError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl TryFrom<&str> for Name {
    type Error = NameError;

    fn try_from(value: &str) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<Name> for String {
    fn from(name: Name) -> Self {
        name.0
    }
}

impl std::fmt::Display for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_api_names_usernames_and_layout_names() {
        for ok in [
            "Account",
            "Sync_Key__c",
            "jdoe@acme.com.dr",
            "Account-Account Layout",
        ] {
            assert_eq!(Name::new(ok).unwrap().as_str(), ok);
        }
    }

    #[test]
    fn rejects_empty_multiline_control_and_long() {
        assert_eq!(Name::new(""), Err(NameError::Empty));
        assert_eq!(Name::new("a\nb"), Err(NameError::ControlCharacter));
        assert_eq!(Name::new("a\u{1b}[31m"), Err(NameError::ControlCharacter));
        assert_eq!(Name::new("x".repeat(256)), Err(NameError::TooLong));
        let err: Result<Name, _> = serde_json::from_str("\"a\\tb\"");
        assert!(err.is_err());
    }
}
