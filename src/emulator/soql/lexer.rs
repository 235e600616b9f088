//! Splits SOQL text into tokens, each with its byte offset (for `ERROR at Row:…:Column:…`).

use chrono::{DateTime, FixedOffset, NaiveDate};

use super::error::SoqlError;

/// One token kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// A name, keyword or dotted path (`Account.Owner.Name`).
    Ident(String),
    /// A quoted string with escapes resolved.
    Str(String),
    /// A number as written (`42`, `-1.5`).
    Num(String),
    /// An unquoted date `2024-03-01`.
    Date(NaiveDate),
    /// An unquoted datetime `2024-03-01T10:00:00Z`.
    DateTime(DateTime<FixedOffset>),
    /// A comparison operator: `=`, `!=` (also for `<>`), `<`, `<=`, `>`, `>=`.
    Op(&'static str),
    LParen,
    RParen,
    Comma,
    Colon,
    /// End of input.
    Eof,
}

/// A token and where it starts and ends (byte offsets into the query text).
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub pos: usize,
    pub end: usize,
}

impl Token {
    /// The token as written, for `unexpected token: '…'` messages.
    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        src.get(self.pos..self.end).unwrap_or("")
    }

    /// Whether this is the keyword `kw` (case-insensitive).
    pub fn is_kw(&self, kw: &str) -> bool {
        matches!(&self.tok, Tok::Ident(s) if s.eq_ignore_ascii_case(kw))
    }
}

/// Tokenise `src`; the last token is always [`Tok::Eof`].
pub fn lex(src: &str) -> Result<Vec<Token>, SoqlError> {
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        let tok = match c {
            b' ' | b'\t' | b'\r' | b'\n' => {
                i += 1;
                continue;
            }
            b'(' => {
                i += 1;
                Tok::LParen
            }
            b')' => {
                i += 1;
                Tok::RParen
            }
            b',' => {
                i += 1;
                Tok::Comma
            }
            b':' => {
                i += 1;
                Tok::Colon
            }
            b'=' => {
                i += 1;
                Tok::Op("=")
            }
            b'!' if bytes.get(i + 1) == Some(&b'=') => {
                i += 2;
                Tok::Op("!=")
            }
            b'<' => match bytes.get(i + 1) {
                Some(b'=') => {
                    i += 2;
                    Tok::Op("<=")
                }
                Some(b'>') => {
                    i += 2;
                    Tok::Op("!=")
                }
                _ => {
                    i += 1;
                    Tok::Op("<")
                }
            },
            b'>' => {
                if bytes.get(i + 1) == Some(&b'=') {
                    i += 2;
                    Tok::Op(">=")
                } else {
                    i += 1;
                    Tok::Op(">")
                }
            }
            b'\'' => {
                let (s, next) = string(src, i)?;
                i = next;
                Tok::Str(s)
            }
            b'0'..=b'9' | b'-' | b'+'
                if c.is_ascii_digit() || bytes.get(i + 1).is_some_and(u8::is_ascii_digit) =>
            {
                let (t, next) = number_or_date(src, i)?;
                i = next;
                t
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                i = ident_end(bytes, i);
                Tok::Ident(src[start..i].to_owned())
            }
            _ => {
                let ch = src[i..].chars().next().unwrap_or('?');
                return Err(SoqlError::malformed(
                    src,
                    i,
                    format!("unexpected token: '{ch}'"),
                ));
            }
        };
        out.push(Token {
            tok,
            pos: start,
            end: i,
        });
    }
    out.push(Token {
        tok: Tok::Eof,
        pos: src.len(),
        end: src.len(),
    });
    Ok(out)
}

fn ident_end(bytes: &[u8], mut i: usize) -> usize {
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
            i += 1;
        }
        let dotted = bytes.get(i) == Some(&b'.')
            && bytes
                .get(i + 1)
                .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_');
        if !dotted {
            return i;
        }
        i += 1;
    }
}

/// A quoted string starting at `start` (the quote); returns the value and the offset after it.
fn string(src: &str, start: usize) -> Result<(String, usize), SoqlError> {
    let mut out = String::new();
    let mut chars = src[start + 1..].char_indices();
    while let Some((off, ch)) = chars.next() {
        match ch {
            '\'' => return Ok((out, start + 1 + off + 1)),
            '\\' => {
                let Some((_, esc)) = chars.next() else { break };
                let ch = match esc {
                    'n' => '\n',
                    'r' => '\r',
                    't' => '\t',
                    'b' => '\u{8}',
                    'f' => '\u{c}',
                    '\'' | '"' | '\\' => esc,
                    // `\_` and `\%` keep their backslash: they escape LIKE wildcards.
                    '_' | '%' => {
                        out.push('\\');
                        esc
                    }
                    other => {
                        return Err(SoqlError::malformed(
                            src,
                            start,
                            format!(
                                "Invalid string literal '\\{other}'. Illegal character sequence '\\{other}' in string literal."
                            ),
                        ));
                    }
                };
                out.push(ch);
            }
            _ => out.push(ch),
        }
    }
    Err(SoqlError::malformed(
        src,
        start,
        "unexpected token: <EOF> (unterminated string literal)",
    ))
}

fn number_or_date(src: &str, start: usize) -> Result<(Tok, usize), SoqlError> {
    let bytes = src.as_bytes();
    let mut i = start;
    // A token runs until whitespace or punctuation that cannot be part of a literal.
    while i < bytes.len()
        && (bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'.' | b'-' | b'+' | b':'))
    {
        // `+`/`-` after the first character only inside a datetime (offset or date part).
        i += 1;
    }
    let text = &src[start..i];
    let bad = || SoqlError::unexpected(src, start, text);
    if text.len() >= 10 && bytes.get(start + 4) == Some(&b'-') {
        if text.len() == 10 {
            let d = NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| bad())?;
            return Ok((Tok::Date(d), i));
        }
        return datetime(text)
            .map(|d| (Tok::DateTime(d), i))
            .ok_or_else(bad);
    }
    // Plain numbers: an optional sign, digits, an optional fraction.
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    let ok = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && digits.matches('.').count() <= 1
        && !digits.starts_with('.')
        && !digits.ends_with('.');
    if !ok {
        return Err(bad());
    }
    Ok((Tok::Num(text.to_owned()), i))
}

/// A SOQL datetime literal: `YYYY-MM-DDThh:mm:ss[.sss](Z|±hh:mm|±hhmm)`.
fn datetime(text: &str) -> Option<DateTime<FixedOffset>> {
    let text = match text.strip_suffix(['Z', 'z']) {
        Some(head) => format!("{head}+00:00"),
        None => text.to_owned(),
    };
    ["%Y-%m-%dT%H:%M:%S%.f%:z", "%Y-%m-%dT%H:%M:%S%.f%z"]
        .iter()
        .find_map(|f| DateTime::parse_from_str(&text, f).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        lex(s).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn lexes_paths_operators_and_literals() {
        assert_eq!(
            toks("SELECT Account.Name FROM Contact WHERE x <> 'a\\'b' AND n >= -1.5"),
            vec![
                Tok::Ident("SELECT".into()),
                Tok::Ident("Account.Name".into()),
                Tok::Ident("FROM".into()),
                Tok::Ident("Contact".into()),
                Tok::Ident("WHERE".into()),
                Tok::Ident("x".into()),
                Tok::Op("!="),
                Tok::Str("a'b".into()),
                Tok::Ident("AND".into()),
                Tok::Ident("n".into()),
                Tok::Op(">="),
                Tok::Num("-1.5".into()),
                Tok::Eof,
            ]
        );
    }

    #[test]
    fn lexes_dates_datetimes_and_date_literals() {
        let t = toks(
            "2024-03-01 2024-03-01T10:00:00Z 2024-03-01T10:00:00.000+0000 2024-03-01T10:00:00+01:00 LAST_N_DAYS:3",
        );
        assert_eq!(
            t[0],
            Tok::Date(NaiveDate::from_ymd_opt(2024, 3, 1).unwrap())
        );
        let utc10 = DateTime::parse_from_rfc3339("2024-03-01T10:00:00Z").unwrap();
        assert_eq!(t[1], Tok::DateTime(utc10));
        assert_eq!(t[2], Tok::DateTime(utc10));
        let Tok::DateTime(d) = &t[3] else { panic!() };
        assert_eq!(d.timestamp(), utc10.timestamp() - 3600);
        assert_eq!(t[4], Tok::Ident("LAST_N_DAYS".into()));
        assert_eq!(t[5], Tok::Colon);
        assert_eq!(t[6], Tok::Num("3".into()));
    }

    #[test]
    fn string_escapes_and_errors() {
        assert_eq!(toks(r"'a\\b\nc'")[0], Tok::Str("a\\b\nc".into()));
        assert_eq!(toks(r"'50\%'")[0], Tok::Str("50\\%".into()));
        let e = lex("WHERE Name = 'abc").unwrap_err();
        assert_eq!(e.code, "MALFORMED_QUERY");
        assert!(
            e.message.contains("ERROR at Row:1:Column:14"),
            "{}",
            e.message
        );
        let e = lex("SELECT # FROM").unwrap_err();
        assert!(e.message.contains("Column:8"), "{}", e.message);
        assert_eq!(lex("x = 2024-13-01").unwrap_err().code, "MALFORMED_QUERY");
    }
}
