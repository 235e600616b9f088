//! A wrapper for values that must never reach orgsync's own output: Salesforce error messages
//! (they can quote record field values, e.g. `DUPLICATE_VALUE`) and similar free text.

use std::fmt;

use serde::{Deserialize, Deserializer};

/// A value kept for whoever needs it, but redacted by `Debug` and `Display`.
///
/// Read it explicitly with [`Sensitive::expose`]; the call site is the reviewable decision to show it.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Sensitive<T>(T);

impl<T> Sensitive<T> {
    /// Wraps a value.
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// The raw value. Never put it in orgsync's own diagnostics or logs.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl<T> fmt::Display for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Sensitive<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Self)
    }
}

impl<T> From<T> for Sensitive<T> {
    fn from(value: T) -> Self {
        Self(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_redact_the_value() {
        let s = Sensitive::new("duplicate value found: secret@example.com".to_owned());
        assert_eq!(format!("{s:?}"), "[redacted]");
        assert_eq!(format!("{s}"), "[redacted]");
        assert!(s.expose().contains("secret@example.com"));
    }

    #[test]
    fn deserializes_transparently() {
        let s: Sensitive<String> = serde_json::from_str("\"x\"").unwrap();
        assert_eq!(s.expose(), "x");
    }
}
