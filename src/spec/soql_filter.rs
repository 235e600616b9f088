//! A small parser for SOQL WHERE conditions (`publish.filter`): comparisons
//! (`= != <> < > <= >= LIKE IN NOT IN INCLUDES EXCLUDES`), `AND`/`OR`/`NOT`, parentheses, and
//! string, number, boolean, null, date, datetime and date-literal values. It checks syntax
//! only; whether the fields exist is an online check. Errors carry a character offset into the
//! condition so the diagnostic can point inside the YAML string.

use super::date_literal;

/// A syntax error at a character offset of the condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError {
    /// 0-based character offset into the condition.
    pub offset: usize,
    /// Length of the offending token in characters (at least 1).
    pub len: usize,
    /// What is wrong.
    pub message: String,
}

/// The fields a valid condition refers to, in order of appearance.
pub fn parse(condition: &str) -> Result<Vec<String>, FilterError> {
    let tokens = lex(condition)?;
    let mut p = Parser {
        tokens,
        pos: 0,
        fields: Vec::new(),
        end: condition.chars().count(),
    };
    if p.tokens.is_empty() {
        return Err(FilterError {
            offset: 0,
            len: 1,
            message: "the filter is empty".to_owned(),
        });
    }
    p.or()?;
    if let Some(t) = p.peek() {
        return Err(p.error_at(
            t,
            format!("unexpected `{}` after a complete condition", t.text),
        ));
    }
    Ok(p.fields)
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Word,
    Str,
    Num,
    Op,
    LParen,
    RParen,
    Comma,
}

#[derive(Debug, Clone)]
struct Token {
    kind: Kind,
    text: String,
    offset: usize,
    len: usize,
}

fn lex(input: &str) -> Result<Vec<Token>, FilterError> {
    let chars: Vec<char> = input.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        let (kind, text) = match c {
            c if c.is_whitespace() => {
                i += 1;
                continue;
            }
            '(' => {
                i += 1;
                (Kind::LParen, "(".to_owned())
            }
            ')' => {
                i += 1;
                (Kind::RParen, ")".to_owned())
            }
            ',' => {
                i += 1;
                (Kind::Comma, ",".to_owned())
            }
            '\'' => {
                i += 1;
                let mut s = String::new();
                loop {
                    match chars.get(i) {
                        None => {
                            return Err(FilterError {
                                offset: start,
                                len: 1,
                                message: "this string is never closed: add a `'`".to_owned(),
                            });
                        }
                        Some('\\') => {
                            match chars.get(i + 1) {
                                Some(
                                    e @ ('\'' | '"' | '\\' | 'n' | 'r' | 't' | 'b' | 'f' | '_'
                                    | '%'),
                                ) => s.push(*e),
                                _ => {
                                    return Err(FilterError {
                                        offset: i,
                                        len: 2,
                                        message: "invalid escape sequence in a string".to_owned(),
                                    });
                                }
                            }
                            i += 2;
                        }
                        Some('\'') => {
                            i += 1;
                            break;
                        }
                        Some(ch) => {
                            s.push(*ch);
                            i += 1;
                        }
                    }
                }
                (Kind::Str, s)
            }
            '=' => {
                i += 1;
                (Kind::Op, "=".to_owned())
            }
            '!' if chars.get(i + 1) == Some(&'=') => {
                i += 2;
                (Kind::Op, "!=".to_owned())
            }
            '<' | '>' => {
                i += 1;
                let mut op = c.to_string();
                if chars.get(i) == Some(&'=') || (c == '<' && chars.get(i) == Some(&'>')) {
                    op.push(chars[i]);
                    i += 1;
                }
                (Kind::Op, op)
            }
            c if c.is_ascii_digit()
                || ((c == '-' || c == '+')
                    && chars.get(i + 1).is_some_and(char::is_ascii_digit)) =>
            {
                i += 1;
                while i < chars.len()
                    && (chars[i].is_ascii_alphanumeric()
                        || matches!(chars[i], '.' | ':' | '-' | '+'))
                {
                    i += 1;
                }
                (Kind::Num, chars[start..i].iter().collect())
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                i += 1;
                while i < chars.len()
                    && (chars[i].is_ascii_alphanumeric() || matches!(chars[i], '_' | '.' | ':'))
                {
                    i += 1;
                }
                (Kind::Word, chars[start..i].iter().collect())
            }
            other => {
                return Err(FilterError {
                    offset: i,
                    len: 1,
                    message: format!("unexpected character `{}`", other.escape_debug()),
                });
            }
        };
        out.push(Token {
            kind,
            text,
            offset: start,
            len: i - start,
        });
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    fields: Vec<String>,
    end: usize,
}

fn is_kw(t: &Token, kw: &str) -> bool {
    t.kind == Kind::Word && t.text.eq_ignore_ascii_case(kw)
}

const KEYWORDS: [&str; 11] = [
    "AND", "OR", "NOT", "IN", "LIKE", "INCLUDES", "EXCLUDES", "NULL", "TRUE", "FALSE", "SELECT",
];

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }
    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        t
    }
    fn error_at(&self, t: &Token, message: String) -> FilterError {
        FilterError {
            offset: t.offset,
            len: t.len.max(1),
            message,
        }
    }
    fn eof(&self, what: &str) -> FilterError {
        let offset = self.tokens.last().map_or(self.end, |t| t.offset + t.len);
        FilterError {
            offset,
            len: 1,
            message: format!("the condition ends early: expected {what}"),
        }
    }
    fn eat_kw(&mut self, kw: &str) -> bool {
        if self.peek().is_some_and(|t| is_kw(t, kw)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn or(&mut self) -> Result<(), FilterError> {
        self.and()?;
        while self.eat_kw("OR") {
            self.and()?;
        }
        Ok(())
    }

    fn and(&mut self) -> Result<(), FilterError> {
        self.not()?;
        while self.eat_kw("AND") {
            self.not()?;
        }
        Ok(())
    }

    fn not(&mut self) -> Result<(), FilterError> {
        if self.eat_kw("NOT") {
            return self.not();
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<(), FilterError> {
        let t = self.next().ok_or_else(|| self.eof("a condition"))?;
        match t.kind {
            Kind::LParen => {
                self.or()?;
                match self.next() {
                    Some(c) if c.kind == Kind::RParen => Ok(()),
                    Some(other) => Err(self.error_at(
                        &other,
                        format!("expected `)` or AND/OR, found `{}`", other.text),
                    )),
                    None => Err(self.eof("`)`")),
                }
            }
            Kind::Word if !KEYWORDS.iter().any(|k| t.text.eq_ignore_ascii_case(k)) => {
                self.fields.push(t.text.clone());
                self.comparison(&t)
            }
            _ => Err(self.error_at(&t, format!("expected a field name, found `{}`", t.text))),
        }
    }

    fn comparison(&mut self, field: &Token) -> Result<(), FilterError> {
        let op = self
            .next()
            .ok_or_else(|| self.eof(&format!("an operator after `{}`", field.text)))?;
        if op.kind == Kind::Op {
            return self.value().map(|_| ());
        }
        if is_kw(&op, "LIKE") {
            let v = self.value()?;
            return if v.kind == Kind::Str {
                Ok(())
            } else {
                Err(self.error_at(&v, "LIKE compares with a string in quotes".to_owned()))
            };
        }
        if is_kw(&op, "NOT") {
            let inn = self.next().ok_or_else(|| self.eof("IN after NOT"))?;
            if !is_kw(&inn, "IN") {
                return Err(
                    self.error_at(&inn, format!("expected IN after NOT, found `{}`", inn.text))
                );
            }
            return self.list();
        }
        if is_kw(&op, "IN") || is_kw(&op, "INCLUDES") || is_kw(&op, "EXCLUDES") {
            return self.list();
        }
        Err(self.error_at(&op, format!("expected an operator (=, !=, <, >, <=, >=, LIKE, IN, NOT IN, INCLUDES, EXCLUDES) after `{}`, found `{}`", field.text, op.text)))
    }

    fn list(&mut self) -> Result<(), FilterError> {
        match self.next() {
            Some(t) if t.kind == Kind::LParen => {}
            Some(t) => {
                return Err(self.error_at(
                    &t,
                    format!("expected `(` to start a list, found `{}`", t.text),
                ));
            }
            None => return Err(self.eof("`(`")),
        }
        if self.peek().is_some_and(|t| is_kw(t, "SELECT")) {
            let t = self.next().ok_or_else(|| self.eof("a value"))?;
            return Err(self.error_at(&t, "subqueries are not supported in a filter".to_owned()));
        }
        loop {
            self.value()?;
            match self.next() {
                Some(t) if t.kind == Kind::Comma => continue,
                Some(t) if t.kind == Kind::RParen => return Ok(()),
                Some(t) => {
                    return Err(
                        self.error_at(&t, format!("expected `,` or `)`, found `{}`", t.text))
                    );
                }
                None => return Err(self.eof("`)`")),
            }
        }
    }

    fn value(&mut self) -> Result<Token, FilterError> {
        let t = self.next().ok_or_else(|| self.eof("a value"))?;
        let ok = match t.kind {
            Kind::Str => true,
            Kind::Num => is_number(&t.text) || is_date_or_datetime(&t.text),
            Kind::Word => {
                ["NULL", "TRUE", "FALSE"]
                    .iter()
                    .any(|k| t.text.eq_ignore_ascii_case(k))
                    || date_literal::is_date_literal(&t.text)
            }
            _ => false,
        };
        if ok {
            return Ok(t);
        }
        let message = match t.kind {
            Kind::Word if date_literal::needs_number(&t.text) => {
                format!("`{}` needs a number, e.g. `{}:30`", t.text, t.text)
            }
            Kind::Word => format!("`{}` is not a value: put strings in single quotes", t.text),
            Kind::Num => format!(
                "`{}` is not a number, date (YYYY-MM-DD) or datetime",
                t.text
            ),
            _ => format!("expected a value, found `{}`", t.text),
        };
        Err(self.error_at(&t, message))
    }
}

fn is_number(s: &str) -> bool {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let mut parts = body.splitn(2, '.');
    let int = parts.next().unwrap_or("");
    let frac = parts.next();
    !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

fn is_date_or_datetime(s: &str) -> bool {
    if date_literal::parse_date(s).is_some() {
        return true;
    }
    chrono::DateTime::parse_from_rfc3339(s).is_ok()
        || chrono::DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%z").is_ok()
        || chrono::DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z").is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_soql_conditions() {
        for ok in [
            "Type != 'Internal'",
            "Industry = 'Tech' AND (AnnualRevenue > 1000000 OR NumberOfEmployees >= 50)",
            "NOT Name LIKE 'Test%'",
            "Status__c IN ('Open', 'Closed') AND Region__c NOT IN ('EU')",
            "Interests__c INCLUDES ('Golf;Tennis', 'Chess')",
            "CreatedDate = LAST_N_DAYS:30 AND CloseDate > 2025-01-01",
            "SystemModstamp > 2025-01-01T00:00:00Z AND IsDeleted = false AND ParentId = null",
            "Owner.Name = 'O\\'Brien' and amount <= -5.5",
            "LastModifiedDate >= THIS_YEAR",
        ] {
            assert!(parse(ok).is_ok(), "{ok}: {:?}", parse(ok));
        }
        assert_eq!(
            parse("Type != 'x' AND Owner.Name = 'y'").unwrap(),
            ["Type", "Owner.Name"]
        );
    }

    #[test]
    fn rejects_with_offsets() {
        let cases = [
            ("", 0, "empty"),
            ("Type = ", 6, "ends early"),
            ("Type == 'x'", 6, "expected a value"),
            ("Type = Internal", 7, "single quotes"),
            ("Type = 'x", 7, "never closed"),
            ("(Type = 'x'", 11, "ends early"),
            ("Type = 'x' AND", 14, "ends early"),
            ("Type 'x'", 5, "expected an operator"),
            ("CreatedDate = LAST_N_DAYS", 14, "needs a number"),
            ("Id IN (SELECT Id FROM Account)", 7, "subqueries"),
            ("Type = 'x' Name = 'y'", 11, "unexpected"),
            ("Amount > 1.2.3", 9, "not a number"),
            ("Type = 'x' ; DROP", 11, "unexpected character"),
        ];
        for (input, offset, words) in cases {
            let err = parse(input).unwrap_err();
            assert_eq!(err.offset, offset, "{input}: {err:?}");
            assert!(err.message.contains(words), "{input}: {}", err.message);
        }
    }
}
