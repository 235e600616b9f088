//! The parsed form of a SOQL query, before names are resolved against an org.

use chrono::{DateTime, FixedOffset, NaiveDate};

/// A parsed SOQL query (top level or a child subquery). Names are as written; the executor
/// resolves them against the org's describe.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// The full query text (for error positions).
    pub text: String,
    /// The selected items in order.
    pub select: Vec<SelectItem>,
    /// The `FROM` object (or child relationship, in a subquery) as written.
    pub from: Name,
    /// The `WHERE` condition.
    pub filter: Option<Cond>,
    /// `GROUP BY` paths.
    pub group_by: Vec<Path>,
    /// `ORDER BY` keys.
    pub order_by: Vec<OrderKey>,
    /// `LIMIT n`.
    pub limit: Option<u64>,
    /// `OFFSET n`.
    pub offset: Option<u64>,
}

/// A name and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Name {
    pub name: String,
    pub pos: usize,
}

/// A dotted field path (`Name`, `Account.Owner.Username`) and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    /// The segments as written.
    pub parts: Vec<String>,
    pub pos: usize,
}

impl Path {
    /// The path as written, dotted.
    pub fn dotted(&self) -> String {
        self.parts.join(".")
    }
}

/// Which `FIELDS(…)` set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldsSet {
    All,
    Standard,
    Custom,
}

/// An aggregate function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggFn {
    Count,
    CountDistinct,
    Min,
    Max,
    Sum,
    Avg,
}

/// One item of the `SELECT` list.
#[derive(Debug, Clone, PartialEq)]
pub enum SelectItem {
    /// A field or parent path.
    Field(Path),
    /// A child relationship subquery `(SELECT … FROM Contacts)`.
    Subquery(Box<Query>),
    /// `COUNT()` — the whole query answers with a count only.
    CountAll { pos: usize },
    /// `COUNT(Id)`, `MAX(Amount) total`, …
    Aggregate {
        func: AggFn,
        path: Path,
        alias: Option<String>,
        pos: usize,
    },
    /// `FIELDS(ALL)`, `FIELDS(STANDARD)`, `FIELDS(CUSTOM)`.
    Fields { set: FieldsSet, pos: usize },
}

/// `ORDER BY` key.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderKey {
    pub path: Path,
    pub descending: bool,
    /// `Some(true)` for `NULLS FIRST`, `Some(false)` for `NULLS LAST`, `None` for the default
    /// (first when ascending, last when descending).
    pub nulls_first: Option<bool>,
}

impl OrderKey {
    /// Whether nulls sort before values for this key.
    pub fn nulls_go_first(&self) -> bool {
        self.nulls_first.unwrap_or(!self.descending)
    }
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Like,
}

/// A date literal such as `TODAY` or `LAST_N_DAYS:7`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateLiteral {
    Yesterday,
    Today,
    Tomorrow,
    LastWeek,
    ThisWeek,
    NextWeek,
    LastMonth,
    ThisMonth,
    NextMonth,
    LastYear,
    ThisYear,
    NextYear,
    LastNDays(u32),
    NextNDays(u32),
    NDaysAgo(u32),
}

/// A literal value in a condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Null,
    Bool(bool),
    /// A number as written.
    Number(String),
    Str(String),
    Date(NaiveDate),
    DateTime(DateTime<FixedOffset>),
    DateLit(DateLiteral),
}

/// A `WHERE` condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    And(Vec<Cond>),
    Or(Vec<Cond>),
    Not(Box<Cond>),
    /// `path op value`.
    Cmp {
        path: Path,
        op: CmpOp,
        value: Literal,
        /// Where the value was written (for type errors).
        value_pos: usize,
    },
    /// `path [NOT] IN (v, …)`.
    In {
        path: Path,
        negated: bool,
        values: Vec<Literal>,
        value_pos: usize,
    },
    /// `path [NOT] IN (SELECT field FROM Object …)` — a semi-join (or anti-join).
    SemiJoin {
        path: Path,
        negated: bool,
        query: Box<Query>,
    },
    /// `path INCLUDES ('a;b', 'c')` / `EXCLUDES (…)` on a multi-select picklist.
    Includes {
        path: Path,
        excludes: bool,
        values: Vec<String>,
    },
}
