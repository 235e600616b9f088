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

/// The decimal value of ASCII digits `b` (`None` if any is not a digit).
fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |acc, c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

/// `YYYY-MM-DD` at the start of `b`, read by hand (the hot path of date filters).
fn ymd(b: &[u8]) -> Option<NaiveDate> {
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y = i32::try_from(digits(&b[..4])?).ok()?;
    NaiveDate::from_ymd_opt(y, digits(&b[5..7])?, digits(&b[8..10])?)
}

/// Parse a stored date (`2024-03-01`).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    ymd(s.as_bytes())
}

/// Parse a stored datetime (`2024-03-01T10:00:00.000+0000`, or RFC 3339). The store's own
/// form is read by hand; anything else goes through chrono.
pub fn parse_datetime(s: &str) -> Option<DateTime<Utc>> {
    let b = s.as_bytes();
    if b.len() == 28
        && s.ends_with("+0000")
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b'.'
    {
        let t = ymd(b)?.and_hms_milli_opt(
            digits(&b[11..13])?,
            digits(&b[14..16])?,
            digits(&b[17..19])?,
            digits(&b[20..23])?,
        )?;
        return Some(t.and_utc());
    }
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
        if s.is_ascii() {
            // No allocation: ASCII lower-casing is one character for one.
            return self.matches_chars(s.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        }
        self.matches_chars(s.chars().flat_map(char::to_lowercase))
    }

    fn matches_chars(&self, chars: impl Iterator<Item = char> + Clone) -> bool {
        let p = &self.toks;
        // Backtracking works on a cloned iterator positioned after the last `%` match start.
        let mut text = chars;
        let mut pi = 0usize;
        let mut star: Option<(usize, _)> = None;
        loop {
            let mut ahead = text.clone();
            let Some(c) = ahead.next() else { break };
            match p.get(pi) {
                Some(LikeTok::Many) => {
                    star = Some((pi, text.clone()));
                    pi += 1;
                }
                Some(LikeTok::One) => {
                    text = ahead;
                    pi += 1;
                }
                Some(LikeTok::Char(want)) if *want == c => {
                    text = ahead;
                    pi += 1;
                }
                _ => match star.take() {
                    Some((sp, mut st)) => {
                        st.next();
                        pi = sp + 1;
                        text = st.clone();
                        star = Some((sp, st));
                    }
                    None => return false,
                },
            }
        }
        p[pi..].iter().all(|t| *t == LikeTok::Many)
    }

    #[cfg(test)]
    fn matches_slow(&self, s: &str) -> bool {
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
        for (pat, text) in [
            ("%a%b%", "xxaxxbxx"),
            ("a%a", "aaa"),
            ("%ab", "aab"),
            ("_%_", "a"),
        ] {
            let p = LikePattern::new(pat);
            assert_eq!(p.matches(text), p.matches_slow(text), "{pat} {text}");
        }
        assert!(LikePattern::new("a%a").matches("aba") && !LikePattern::new("_%_").matches("a"));
    }

    #[test]
    fn stored_wire_forms_parse_by_hand_and_by_chrono() {
        let fast = parse_datetime("2024-03-01T10:00:00.250+0000").unwrap();
        let slow = parse_datetime("2024-03-01T11:00:00.250+01:00").unwrap();
        assert_eq!(fast, slow);
        assert_eq!(fast.timestamp_millis() % 1000, 250);
        assert!(parse_datetime("2024-02-30T10:00:00.000+0000").is_none());
        assert_eq!(
            parse_date("2024-02-29"),
            NaiveDate::from_ymd_opt(2024, 2, 29)
        );
        assert!(parse_date("2024-2-29").is_none());
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
