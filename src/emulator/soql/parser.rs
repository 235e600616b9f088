//! Recursive-descent parser from tokens to [`Query`].
//!
//! Salesforce's rule for logical operators, followed here: "Client applications must specify
//! parentheses when nesting operators. However, multiple operators of the same type do not need
//! to be nested" (SOQL reference, "Condition Expression Syntax"). So `a AND b OR c` is
//! `MALFORMED_QUERY … unexpected token: 'OR'`, and `NOT` may only open a condition expression
//! (the whole `WHERE` or a parenthesised group): `a AND NOT b` is rejected at `NOT`, as Salesforce
//! does (reported in jetstreamapp/soql-parser-js issue 201). `NOT a AND b` reads `(NOT a) AND b`.
//!
//! Clauses accepted and ignored, because the emulator has one user and no locking:
//! `USING SCOPE x`, `WITH SECURITY_ENFORCED`, `WITH USER_MODE`, `WITH SYSTEM_MODE`,
//! `FOR VIEW`, `FOR REFERENCE`, `FOR UPDATE`.

use super::ast::{
    AggFn, CmpOp, Cond, DateLiteral, FieldsSet, Literal, Name, OrderKey, Path, Query, SelectItem,
};
use super::error::SoqlError;
use super::lexer::{Tok, Token, lex};

/// Words that end a select item or a `FROM` clause and so can never be a name or alias there.
const RESERVED: &[&str] = &[
    "SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "IN", "LIKE", "INCLUDES", "EXCLUDES", "ORDER",
    "GROUP", "BY", "HAVING", "LIMIT", "OFFSET", "WITH", "USING", "FOR", "ASC", "DESC", "NULLS",
    "NULL", "TRUE", "FALSE",
];

/// Parse a whole SOQL statement.
pub fn parse(text: &str) -> Result<Query, SoqlError> {
    let toks = lex(text)?;
    let mut p = Parser {
        src: text,
        toks,
        i: 0,
    };
    let q = p.query(false)?;
    p.expect_eof()?;
    Ok(q)
}

struct Parser<'a> {
    src: &'a str,
    toks: Vec<Token>,
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> &Token {
        // The lexer always ends with Eof, and `bump` never moves past it.
        &self.toks[self.i.min(self.toks.len() - 1)]
    }

    fn peek2(&self) -> &Token {
        &self.toks[(self.i + 1).min(self.toks.len() - 1)]
    }

    fn bump(&mut self) -> Token {
        let t = self.peek().clone();
        if self.i < self.toks.len() - 1 {
            self.i += 1;
        }
        t
    }

    fn unexpected(&self) -> SoqlError {
        let t = self.peek();
        SoqlError::unexpected(self.src, t.pos, t.text(self.src))
    }

    fn eat_kw(&mut self, kw: &str) -> bool {
        if self.peek().is_kw(kw) {
            self.bump();
            true
        } else {
            false
        }
    }

    fn expect_kw(&mut self, kw: &str) -> Result<Token, SoqlError> {
        if self.peek().is_kw(kw) {
            Ok(self.bump())
        } else {
            Err(self.unexpected())
        }
    }

    fn expect(&mut self, tok: &Tok) -> Result<Token, SoqlError> {
        if &self.peek().tok == tok {
            Ok(self.bump())
        } else {
            Err(self.unexpected())
        }
    }

    fn expect_eof(&self) -> Result<(), SoqlError> {
        if self.peek().tok == Tok::Eof {
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    /// A non-reserved identifier (object, field or path).
    fn name(&mut self) -> Result<Name, SoqlError> {
        match &self.peek().tok {
            Tok::Ident(s) if !is_reserved(s) => {
                let name = s.clone();
                let pos = self.bump().pos;
                Ok(Name { name, pos })
            }
            _ => Err(self.unexpected()),
        }
    }

    fn path(&mut self) -> Result<Path, SoqlError> {
        let n = self.name()?;
        Ok(Path {
            parts: n.name.split('.').map(str::to_owned).collect(),
            pos: n.pos,
        })
    }

    fn query(&mut self, nested: bool) -> Result<Query, SoqlError> {
        let text = self.src.to_owned();
        self.expect_kw("SELECT")?;
        let select = self.select_list(nested)?;
        self.expect_kw("FROM")?;
        // Any word after FROM is the object, even a reserved one (`FROM Order`).
        let from = match &self.peek().tok {
            Tok::Ident(s) => {
                let name = s.clone();
                Name {
                    name,
                    pos: self.bump().pos,
                }
            }
            _ => return Err(self.unexpected()),
        };
        if from.name.contains('.') && !nested {
            return Err(SoqlError::unexpected(self.src, from.pos, &from.name));
        }
        if self.eat_kw("USING") {
            self.expect_kw("SCOPE")?;
            self.name()?;
        }
        let filter = if self.eat_kw("WHERE") {
            Some(self.cond_expr()?)
        } else {
            None
        };
        if self.eat_kw("WITH") {
            let t = self.peek();
            if ["SECURITY_ENFORCED", "USER_MODE", "SYSTEM_MODE"]
                .iter()
                .any(|k| t.is_kw(k))
            {
                self.bump();
            } else {
                return Err(self.unexpected());
            }
        }
        let mut group_by = Vec::new();
        if self.eat_kw("GROUP") {
            self.expect_kw("BY")?;
            loop {
                group_by.push(self.path()?);
                if self.peek().tok != Tok::Comma {
                    break;
                }
                self.bump();
            }
        }
        let mut order_by = Vec::new();
        if self.eat_kw("ORDER") {
            self.expect_kw("BY")?;
            loop {
                order_by.push(self.order_key()?);
                if self.peek().tok != Tok::Comma {
                    break;
                }
                self.bump();
            }
        }
        let limit = if self.eat_kw("LIMIT") {
            Some(self.integer()?)
        } else {
            None
        };
        let offset = if self.eat_kw("OFFSET") {
            Some(self.integer()?)
        } else {
            None
        };
        if self.eat_kw("FOR") {
            let t = self.peek();
            if ["VIEW", "REFERENCE", "UPDATE"].iter().any(|k| t.is_kw(k)) {
                self.bump();
            } else {
                return Err(self.unexpected());
            }
        }
        Ok(Query {
            text,
            select,
            from,
            filter,
            group_by,
            order_by,
            limit,
            offset,
        })
    }

    fn integer(&mut self) -> Result<u64, SoqlError> {
        match &self.peek().tok {
            Tok::Num(n) => match n.parse::<u64>() {
                Ok(v) => {
                    self.bump();
                    Ok(v)
                }
                Err(_) => Err(self.unexpected()),
            },
            _ => Err(self.unexpected()),
        }
    }

    fn select_list(&mut self, nested: bool) -> Result<Vec<SelectItem>, SoqlError> {
        let mut items = Vec::new();
        loop {
            items.push(self.select_item(nested)?);
            if self.peek().tok != Tok::Comma {
                return Ok(items);
            }
            self.bump();
        }
    }

    fn select_item(&mut self, nested: bool) -> Result<SelectItem, SoqlError> {
        if self.peek().tok == Tok::LParen {
            if nested {
                return Err(self.unexpected());
            }
            self.bump();
            let sub = self.query(true)?;
            self.expect(&Tok::RParen)?;
            return Ok(SelectItem::Subquery(Box::new(sub)));
        }
        if self.peek2().tok == Tok::LParen
            && let Tok::Ident(word) = &self.peek().tok
        {
            let word = word.to_ascii_uppercase();
            let pos = self.peek().pos;
            let func = match word.as_str() {
                "COUNT" => AggFn::Count,
                "COUNT_DISTINCT" => AggFn::CountDistinct,
                "MIN" => AggFn::Min,
                "MAX" => AggFn::Max,
                "SUM" => AggFn::Sum,
                "AVG" => AggFn::Avg,
                "FIELDS" => return self.fields_fn(pos),
                _ => return Err(self.unexpected()),
            };
            self.bump();
            self.bump();
            if func == AggFn::Count && self.peek().tok == Tok::RParen {
                self.bump();
                return Ok(SelectItem::CountAll { pos });
            }
            let path = self.path()?;
            self.expect(&Tok::RParen)?;
            let alias = match &self.peek().tok {
                Tok::Ident(s) if !is_reserved(s) && !s.contains('.') => {
                    let a = s.clone();
                    self.bump();
                    Some(a)
                }
                _ => None,
            };
            return Ok(SelectItem::Aggregate {
                func,
                path,
                alias,
                pos,
            });
        }
        Ok(SelectItem::Field(self.path()?))
    }

    fn fields_fn(&mut self, pos: usize) -> Result<SelectItem, SoqlError> {
        self.bump();
        self.bump();
        let set = if self.eat_kw("ALL") {
            FieldsSet::All
        } else if self.eat_kw("STANDARD") {
            FieldsSet::Standard
        } else if self.eat_kw("CUSTOM") {
            FieldsSet::Custom
        } else {
            return Err(self.unexpected());
        };
        self.expect(&Tok::RParen)?;
        Ok(SelectItem::Fields { set, pos })
    }

    fn order_key(&mut self) -> Result<OrderKey, SoqlError> {
        let path = self.path()?;
        let descending = if self.eat_kw("DESC") {
            true
        } else {
            self.eat_kw("ASC");
            false
        };
        let nulls_first = if self.eat_kw("NULLS") {
            if self.eat_kw("FIRST") {
                Some(true)
            } else {
                self.expect_kw("LAST")?;
                Some(false)
            }
        } else {
            None
        };
        Ok(OrderKey {
            path,
            descending,
            nulls_first,
        })
    }

    /// `[NOT] term ((AND term)* | (OR term)*)`.
    fn cond_expr(&mut self) -> Result<Cond, SoqlError> {
        let first = if self.eat_kw("NOT") {
            Cond::Not(Box::new(self.term()?))
        } else {
            self.term()?
        };
        let joiner = if self.peek().is_kw("AND") {
            "AND"
        } else if self.peek().is_kw("OR") {
            "OR"
        } else {
            return Ok(first);
        };
        let other = if joiner == "AND" { "OR" } else { "AND" };
        let mut terms = vec![first];
        while self.eat_kw(joiner) {
            terms.push(self.term()?);
        }
        if self.peek().is_kw(other) {
            return Err(self.unexpected());
        }
        Ok(if joiner == "AND" {
            Cond::And(terms)
        } else {
            Cond::Or(terms)
        })
    }

    fn term(&mut self) -> Result<Cond, SoqlError> {
        if self.peek().tok == Tok::LParen {
            self.bump();
            let c = self.cond_expr()?;
            self.expect(&Tok::RParen)?;
            return Ok(c);
        }
        let path = self.path()?;
        let t = self.peek().clone();
        let negated = t.is_kw("NOT");
        if negated {
            self.bump();
            if !self.peek().is_kw("IN") {
                return Err(self.unexpected());
            }
        }
        if self.eat_kw("IN") {
            return self.in_list(path, negated);
        }
        if self.peek().is_kw("INCLUDES") || self.peek().is_kw("EXCLUDES") {
            let excludes = self.bump().is_kw("EXCLUDES");
            self.expect(&Tok::LParen)?;
            let mut values = Vec::new();
            loop {
                match &self.peek().tok {
                    Tok::Str(s) => {
                        values.push(s.clone());
                        self.bump();
                    }
                    _ => return Err(self.unexpected()),
                }
                if self.peek().tok != Tok::Comma {
                    break;
                }
                self.bump();
            }
            self.expect(&Tok::RParen)?;
            return Ok(Cond::Includes {
                path,
                excludes,
                values,
            });
        }
        let op = match &t.tok {
            Tok::Op(o) => match *o {
                "=" => CmpOp::Eq,
                "!=" => CmpOp::Ne,
                "<" => CmpOp::Lt,
                "<=" => CmpOp::Le,
                ">" => CmpOp::Gt,
                _ => CmpOp::Ge,
            },
            Tok::Ident(s) if s.eq_ignore_ascii_case("LIKE") => CmpOp::Like,
            _ => return Err(self.unexpected()),
        };
        self.bump();
        let value_pos = self.peek().pos;
        let value = self.literal()?;
        if value == Literal::Null && !matches!(op, CmpOp::Eq | CmpOp::Ne | CmpOp::Like) {
            return Err(SoqlError::unexpected(self.src, value_pos, "null"));
        }
        if op == CmpOp::Like && !matches!(value, Literal::Str(_) | Literal::Null) {
            return Err(SoqlError::unexpected(self.src, value_pos, t.text(self.src)));
        }
        Ok(Cond::Cmp {
            path,
            op,
            value,
            value_pos,
        })
    }

    fn in_list(&mut self, path: Path, negated: bool) -> Result<Cond, SoqlError> {
        self.expect(&Tok::LParen)?;
        if self.peek().is_kw("SELECT") {
            let query = self.query(true)?;
            self.expect(&Tok::RParen)?;
            return Ok(Cond::SemiJoin {
                path,
                negated,
                query: Box::new(query),
            });
        }
        let value_pos = self.peek().pos;
        let mut values = Vec::new();
        loop {
            values.push(self.literal()?);
            if self.peek().tok != Tok::Comma {
                break;
            }
            self.bump();
        }
        self.expect(&Tok::RParen)?;
        Ok(Cond::In {
            path,
            negated,
            values,
            value_pos,
        })
    }

    fn literal(&mut self) -> Result<Literal, SoqlError> {
        let t = self.peek().clone();
        let lit = match &t.tok {
            Tok::Str(s) => Literal::Str(s.clone()),
            Tok::Num(n) => Literal::Number(n.clone()),
            Tok::Date(d) => Literal::Date(*d),
            Tok::DateTime(d) => Literal::DateTime(*d),
            Tok::Ident(w) => {
                let upper = w.to_ascii_uppercase();
                match upper.as_str() {
                    "NULL" => Literal::Null,
                    "TRUE" => Literal::Bool(true),
                    "FALSE" => Literal::Bool(false),
                    _ => {
                        self.bump();
                        return self.date_literal(&upper, &t);
                    }
                }
            }
            _ => return Err(self.unexpected()),
        };
        self.bump();
        Ok(lit)
    }

    fn date_literal(&mut self, upper: &str, t: &Token) -> Result<Literal, SoqlError> {
        let fixed = match upper {
            "YESTERDAY" => Some(DateLiteral::Yesterday),
            "TODAY" => Some(DateLiteral::Today),
            "TOMORROW" => Some(DateLiteral::Tomorrow),
            "LAST_WEEK" => Some(DateLiteral::LastWeek),
            "THIS_WEEK" => Some(DateLiteral::ThisWeek),
            "NEXT_WEEK" => Some(DateLiteral::NextWeek),
            "LAST_MONTH" => Some(DateLiteral::LastMonth),
            "THIS_MONTH" => Some(DateLiteral::ThisMonth),
            "NEXT_MONTH" => Some(DateLiteral::NextMonth),
            "LAST_YEAR" => Some(DateLiteral::LastYear),
            "THIS_YEAR" => Some(DateLiteral::ThisYear),
            "NEXT_YEAR" => Some(DateLiteral::NextYear),
            "LAST_90_DAYS" => Some(DateLiteral::LastNDays(90)),
            "NEXT_90_DAYS" => Some(DateLiteral::NextNDays(90)),
            _ => None,
        };
        if let Some(d) = fixed {
            return Ok(Literal::DateLit(d));
        }
        let ctor: fn(u32) -> DateLiteral = match upper {
            "LAST_N_DAYS" => DateLiteral::LastNDays,
            "NEXT_N_DAYS" => DateLiteral::NextNDays,
            "N_DAYS_AGO" => DateLiteral::NDaysAgo,
            _ => return Err(SoqlError::unexpected(self.src, t.pos, t.text(self.src))),
        };
        self.expect(&Tok::Colon)?;
        let n = self.integer()?;
        let n = u32::try_from(n)
            .map_err(|_| SoqlError::unexpected(self.src, t.pos, t.text(self.src)))?;
        Ok(Literal::DateLit(ctor(n)))
    }
}

fn is_reserved(word: &str) -> bool {
    RESERVED.iter().any(|r| r.eq_ignore_ascii_case(word))
}

#[cfg(test)]
mod tests;
