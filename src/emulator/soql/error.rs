//! SOQL failures in Salesforce's words: an `errorCode` and a message.
//!
//! Position-bearing errors use Salesforce's layout (seen in captured API faults, e.g. the
//! InvalidFieldFault quoted in public integration docs): a newline, the query row, a caret under
//! the column, then `ERROR at Row:R:Column:C` and the explanation, each on its own line.

use std::fmt;

/// A SOQL error as the REST layer reports it: `[{"message": …, "errorCode": …}]`, HTTP 400.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoqlError {
    /// `MALFORMED_QUERY`, `INVALID_FIELD`, `INVALID_TYPE` or `INVALID_QUERY_FILTER_OPERATOR`.
    pub code: &'static str,
    /// The message, in Salesforce's words.
    pub message: String,
}

/// Syntax errors.
pub const MALFORMED_QUERY: &str = "MALFORMED_QUERY";
/// Unknown fields and relationships, and filter values of the wrong type.
pub const INVALID_FIELD: &str = "INVALID_FIELD";
/// Unknown or unqueryable objects.
pub const INVALID_TYPE: &str = "INVALID_TYPE";
/// Malformed ID literals (`Id = 'abc'`), as Salesforce reports them.
pub const INVALID_QUERY_FILTER_OPERATOR: &str = "INVALID_QUERY_FILTER_OPERATOR";

impl SoqlError {
    /// An error without a position.
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    /// An error pointing at byte offset `pos` of `text`, in Salesforce's
    /// `ERROR at Row:R:Column:C` form (rows and columns count from 1).
    pub fn at(code: &'static str, text: &str, pos: usize, detail: impl fmt::Display) -> Self {
        let pos = pos.min(text.len());
        let before = text.get(..pos).unwrap_or(text);
        let row = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = text
            .get(line_start..pos)
            .map_or(1, |s| s.chars().count() + 1);
        let line = text[line_start..].lines().next().unwrap_or("");
        let caret = " ".repeat(column - 1);
        Self {
            code,
            message: format!("\n{line}\n{caret}^\nERROR at Row:{row}:Column:{column}\n{detail}"),
        }
    }

    /// `MALFORMED_QUERY` at `pos`.
    pub fn malformed(text: &str, pos: usize, detail: impl fmt::Display) -> Self {
        Self::at(MALFORMED_QUERY, text, pos, detail)
    }

    /// `MALFORMED_QUERY: unexpected token: 'tok'` at `pos`.
    pub fn unexpected(text: &str, pos: usize, token: &str) -> Self {
        if token.is_empty() {
            Self::malformed(text, pos, "unexpected token: <EOF>")
        } else {
            Self::malformed(text, pos, format!("unexpected token: '{token}'"))
        }
    }

    /// `INVALID_FIELD: No such column …` for `field` on `object`.
    pub fn no_such_column(text: &str, pos: usize, field: &str, object: &str) -> Self {
        Self::at(
            INVALID_FIELD,
            text,
            pos,
            format!(
                "No such column '{field}' on entity '{object}'. If you are attempting to use a \
                 custom field, be sure to append the '__c' after the custom field name. Please \
                 reference your WSDL or the describe call for the appropriate names."
            ),
        )
    }

    /// `INVALID_FIELD: Didn't understand relationship …`.
    pub fn bad_relationship(text: &str, pos: usize, rel: &str) -> Self {
        Self::at(
            INVALID_FIELD,
            text,
            pos,
            format!(
                "Didn't understand relationship '{rel}' in field path. If you are attempting to \
                 use a custom relationship, be sure to append the '__r' after the custom \
                 relationship name. Please reference your WSDL or the describe call for the \
                 appropriate names."
            ),
        )
    }

    /// `INVALID_TYPE: sObject type 'Foo' is not supported…`.
    pub fn unsupported_type(text: &str, pos: usize, object: &str) -> Self {
        Self::at(
            INVALID_TYPE,
            text,
            pos,
            format!(
                "sObject type '{object}' is not supported. If you are attempting to use a \
                 custom object, be sure to append the '__c' after the entity name. Please \
                 reference your WSDL or the describe call for the appropriate names."
            ),
        )
    }
}

impl fmt::Display for SoqlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for SoqlError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn position_is_rendered_as_row_and_column_with_a_caret() {
        let e = SoqlError::unexpected("SELECT Id FROM Account WHERE", 28, "");
        assert_eq!(e.code, MALFORMED_QUERY);
        assert_eq!(
            e.message,
            "\nSELECT Id FROM Account WHERE\n                            ^\nERROR at Row:1:Column:29\nunexpected token: <EOF>"
        );
        let e = SoqlError::no_such_column("SELECT Id,\n Foo FROM Account", 12, "Foo", "Account");
        assert_eq!(e.code, INVALID_FIELD);
        assert!(e.message.starts_with("\n Foo FROM Account\n ^\nERROR at Row:2:Column:2\nNo such column 'Foo' on entity 'Account'."));
    }
}
