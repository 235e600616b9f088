//! Typed comparison of stored wire values (`serde_json::Value`) with compiled literals.
//!
//! Values are compared by the field's describe type: text case-insensitively (Salesforce
//! string comparison ignores case), numbers numerically, dates and datetimes chronologically
//! (stored strings are parsed with chrono), booleans, and IDs by their 18-character form.

use std::cmp::Ordering;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;

use super::dates::DayRange;
use crate::emulator::model::{FieldType, ids};

/// How a field's values compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Number,
    Bool,
    Date,
    DateTime,
    Id,
}

impl Kind {
    /// The comparison kind of a describe type.
    pub fn of(t: FieldType) -> Kind {
        match t {
            FieldType::Id | FieldType::Reference => Kind::Id,
            FieldType::Boolean => Kind::Bool,
            FieldType::Date => Kind::Date,
            FieldType::Datetime => Kind::DateTime,
            t if t.is_numeric() => Kind::Number,
            _ => Kind::Text,
        }
    }
}

/// A literal compiled for one field's kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Null,
    Text(String),
    Num(f64),
    Bool(bool),
    Date(NaiveDate),
    DateTime(DateTime<Utc>),
    /// An 18-character ID.
    Id(String),
    /// A date literal's range (compared against its bounds).
    Range(DayRange),
}

/// Parse a stored date (`2024-03-01`).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()
}

/// Parse a stored datetime (`2024-03-01T10:00:00.000+0000`, or RFC 3339).
pub fn parse_datetime(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z")
        .or_else(|_| DateTime::parse_from_rfc3339(s))
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

/// A stored value as a number (JSON numbers, or numeric strings from lenient fixtures).
pub fn as_number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Case-insensitive ordering of two strings without allocating.
pub fn cmp_text(a: &str, b: &str) -> Ordering {
    if a.is_ascii() && b.is_ascii() {
        let x = a.bytes().map(|c| c.to_ascii_lowercase());
        return x.cmp(b.bytes().map(|c| c.to_ascii_lowercase()));
    }
    a.chars()
        .flat_map(char::to_lowercase)
        .cmp(b.chars().flat_map(char::to_lowercase))
}

fn same_id(stored: &str, id18: &str) -> bool {
    if stored.len() == 18 {
        stored == id18
    } else {
        ids::to18(stored).is_some_and(|s| s == id18)
    }
}

/// Orders a non-null stored value against a literal; `None` when they cannot be compared
/// (null stored value, unparsable stored value).
pub fn compare(kind: Kind, stored: &Value, lit: &Val) -> Option<Ordering> {
    if stored.is_null() {
        return None;
    }
    match (kind, lit) {
        (Kind::Number, Val::Num(n)) => as_number(stored)?.partial_cmp(n),
        (Kind::Bool, Val::Bool(b)) => Some(stored.as_bool()?.cmp(b)),
        (Kind::Date, Val::Date(d)) => Some(parse_date(stored.as_str()?)?.cmp(d)),
        (Kind::DateTime, Val::DateTime(d)) => Some(parse_datetime(stored.as_str()?)?.cmp(d)),
        (Kind::Id, Val::Id(id)) => {
            let s = stored.as_str()?;
            if same_id(s, id) {
                Some(Ordering::Equal)
            } else {
                Some(s.cmp(id.as_str()))
            }
        }
        (_, Val::Text(t)) => match stored {
            Value::String(s) => Some(cmp_text(s, t)),
            other => Some(cmp_text(&other.to_string(), t)),
        },
        _ => None,
    }
}

/// Where a stored date/datetime falls relative to a day range: `Less` before it, `Equal` inside,
/// `Greater` on or after its end.
pub fn position_in_range(kind: Kind, stored: &Value, r: &DayRange) -> Option<Ordering> {
    let s = stored.as_str()?;
    let (before, after) = if kind == Kind::DateTime {
        let t = parse_datetime(s)?;
        (t < r.start_instant(), t >= r.end_instant())
    } else {
        let d = parse_date(s)?;
        (d < r.start, d >= r.end)
    };
    Some(if before {
        Ordering::Less
    } else if after {
        Ordering::Greater
    } else {
        Ordering::Equal
    })
}

/// One element of a compiled `LIKE` pattern.
#[derive(Debug, Clone, PartialEq)]
enum LikeTok {
    Char(char),
    One,
    Many,
}

/// A compiled `LIKE` pattern: `%` any run, `_` one character, `\%`/`\_` literal; case-insensitive.
#[derive(Debug, Clone, PartialEq)]
pub struct LikePattern {
    toks: Vec<LikeTok>,
}

impl LikePattern {
    /// Compile a pattern.
    pub fn new(pattern: &str) -> Self {
        let mut toks = Vec::new();
        let mut chars = pattern.chars();
        while let Some(c) = chars.next() {
            match c {
                '%' => toks.push(LikeTok::Many),
                '_' => toks.push(LikeTok::One),
                '\\' => {
                    if let Some(n) = chars.next() {
                        toks.extend(n.to_lowercase().map(LikeTok::Char));
                    }
                }
                c => toks.extend(c.to_lowercase().map(LikeTok::Char)),
            }
        }
        Self { toks }
    }

    /// Whether `s` matches (iterative wildcard matching with one backtrack point).
    pub fn matches(&self, s: &str) -> bool {
        let text: Vec<char> = s.chars().flat_map(char::to_lowercase).collect();
        let p = &self.toks;
        let (mut ti, mut pi) = (0usize, 0usize);
        let mut star: Option<(usize, usize)> = None;
        while ti < text.len() {
            match p.get(pi) {
                Some(LikeTok::Many) => {
                    star = Some((pi, ti));
                    pi += 1;
                }
                Some(LikeTok::One) => {
                    ti += 1;
                    pi += 1;
                }
                Some(LikeTok::Char(c)) if *c == text[ti] => {
                    ti += 1;
                    pi += 1;
                }
                _ => match star {
                    Some((sp, st)) => {
                        pi = sp + 1;
                        ti = st + 1;
                        star = Some((sp, st + 1));
                    }
                    None => return false,
                },
            }
        }
        p[pi..].iter().all(|t| *t == LikeTok::Many)
    }
}

/// Whether a stored multi-select picklist value (`a;b;c`) holds every value of `set`.
pub fn includes_all(stored: &str, set: &[String]) -> bool {
    set.iter().all(|want| {
        stored
            .split(';')
            .any(|have| cmp_text(have.trim(), want.trim()) == Ordering::Equal)
    })
}

/// A sort key for one value of one field: nulls handled by the caller.
#[derive(Debug, Clone, PartialEq, PartialOrd)]
pub enum SortVal {
    Num(f64),
    Bool(bool),
    Text(String),
    Instant(i64),
}

/// The sort key of a stored value, `None` for null.
pub fn sort_val(kind: Kind, v: &Value) -> Option<SortVal> {
    if v.is_null() {
        return None;
    }
    Some(match kind {
        Kind::Number => SortVal::Num(as_number(v)?),
        Kind::Bool => SortVal::Bool(v.as_bool()?),
        Kind::DateTime => match v.as_str().and_then(parse_datetime) {
            Some(t) => SortVal::Instant(t.timestamp_micros()),
            None => SortVal::Text(v.as_str()?.to_lowercase()),
        },
        Kind::Id | Kind::Date => SortVal::Text(v.as_str()?.to_owned()),
        Kind::Text => match v {
            Value::String(s) => SortVal::Text(s.to_lowercase()),
            other => SortVal::Text(other.to_string()),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn like_patterns() {
        let p = LikePattern::new("Ac%");
        assert!(p.matches("Acme") && p.matches("acme corp") && !p.matches("The Acme"));
        let p = LikePattern::new("%me_c%");
        assert!(p.matches("Acme Corp") && !p.matches("Acme"));
        assert!(LikePattern::new("50\\%").matches("50%"));
        assert!(!LikePattern::new("50\\%").matches("500"));
        assert!(LikePattern::new("%").matches(""));
        assert!(LikePattern::new("ÄB%").matches("äbc"));
    }

    #[test]
    fn typed_comparisons() {
        assert_eq!(
            compare(Kind::Text, &json!("ACME"), &Val::Text("acme".into())),
            Some(Ordering::Equal)
        );
        assert_eq!(
            compare(Kind::Number, &json!(10), &Val::Num(9.5)),
            Some(Ordering::Greater)
        );
        let t = parse_datetime("2024-03-01T10:00:00Z").unwrap();
        assert_eq!(
            compare(
                Kind::DateTime,
                &json!("2024-03-01T11:00:00.000+0100"),
                &Val::DateTime(t)
            ),
            Some(Ordering::Equal)
        );
        assert_eq!(
            compare(Kind::Text, &Value::Null, &Val::Text("x".into())),
            None
        );
        assert!(includes_all("a;B;c", &["b".into(), "c".into()]));
        assert!(!includes_all("a;b", &["d".into()]));
    }
}
