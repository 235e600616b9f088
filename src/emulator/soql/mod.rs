//! The emulator's SOQL engine: the subset of the Salesforce Object Query Language that the sync
//! engine and third-party clients (simple-salesforce, jsforce, SFDMU) send.
//!
//! Pipeline: [`parse`] (text → [`Query`]) then [`execute`] (compile names against the org's
//! describe once, filter/sort/page, shape JSON records). Module map:
//!
//! | module | holds |
//! |---|---|
//! | `lexer` | tokens with byte offsets |
//! | `ast` | the parsed query |
//! | `parser` | grammar, Salesforce's AND/OR/NOT rules, ignored clauses |
//! | `dates` | date literals as day ranges |
//! | `value` | typed comparison of stored wire values, LIKE, sort keys |
//! | `resolve` | field paths → canonical names and lookup hops |
//! | `filter` | compiled `WHERE` and its evaluation |
//! | `plan` | the whole query compiled against the org |
//! | `exec` | candidate selection, sorting, paging |
//! | `shape` | result records as JSON |
//! | `aggregate` | `COUNT(f)`, `MIN`, `MAX`, `SUM`, `AVG`, `GROUP BY` |
//! | `flatten` | columns and rows for Bulk 2.0 CSV |
//! | `error` | Salesforce's error codes and messages |
//!
//! Deliberate limits (each answers `MALFORMED_QUERY`, never a wrong result): `HAVING`,
//! `TYPEOF`, date functions (`CALENDAR_YEAR(…)`), `toLabel()`/`FORMAT()`/`convertCurrency()`,
//! `ORDER BY` an aggregate, bind variables, fiscal and quarter date literals, `FROM` aliases,
//! nested semi-joins. `USING SCOPE`, `WITH SECURITY_ENFORCED|USER_MODE|SYSTEM_MODE` and
//! `FOR VIEW|REFERENCE|UPDATE` are accepted and ignored (one user, no locks). Dates are in UTC
//! and weeks start on Sunday (en_US). Data queries reject Tooling-only objects; Tooling queries
//! accept every queryable object.

mod aggregate;
pub mod ast;
mod dates;
mod error;
mod exec;
mod filter;
mod flatten;
mod lexer;
mod parser;
mod plan;
mod resolve;
mod shape;
mod value;

#[cfg(test)]
mod tests;

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

pub use ast::Query;
pub use error::SoqlError;
pub use flatten::flatten;

use crate::emulator::model::{Org, ids};
use error::INVALID_FIELD;
use plan::{Column, Env};

/// Parse SOQL text. Names are checked against the org only by [`execute`].
pub fn parse(text: &str) -> Result<Query, SoqlError> {
    parser::parse(text)
}

/// How to run a query.
#[derive(Debug, Clone)]
pub struct ExecOptions {
    /// `queryAll`: deleted records are visible (and `IsDeleted = true` selects them).
    pub include_deleted: bool,
    /// The current instant, for `TODAY` and the other date literals.
    pub now: DateTime<Utc>,
    /// The API version of the request (`59.0`), for `attributes.url`.
    pub api_version: String,
    /// `/tooling/query`: Tooling objects are queryable and URLs use `/tooling/sobjects/`.
    pub tooling: bool,
}

/// A query's complete answer; the HTTP layer pages `records` itself.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryOutput {
    /// Rows returned by the whole query (after LIMIT/OFFSET); for `COUNT()` the count.
    pub total_size: usize,
    /// Fully shaped records, each with `attributes`.
    pub records: Vec<Map<String, Value>>,
    /// The canonical object name (`None` for aggregate queries).
    pub entity_type: Option<String>,
}

/// Run a parsed query against `org`.
pub fn execute(org: &Org, query: &Query, opts: &ExecOptions) -> Result<QueryOutput, SoqlError> {
    let runner = |q: &Query| semi_join(org, q, opts);
    let env = Env {
        org,
        now: opts.now,
        tooling: opts.tooling,
        semi_join: &runner,
    };
    let plan = plan::compile(query, &env)?;
    if let Some((items, keys)) = &plan.aggregate {
        let mut unpaged = plan.clone();
        unpaged.offset = 0;
        unpaged.limit = None;
        unpaged.order.clear();
        let matched = exec::top_rows(org, &unpaged, opts.include_deleted);
        let records = aggregate::rows(org, &plan, items, keys, &matched);
        return Ok(QueryOutput {
            total_size: records.len(),
            records,
            entity_type: None,
        });
    }
    let rows = exec::top_rows(org, &plan, opts.include_deleted);
    if plan.count_only {
        return Ok(QueryOutput {
            total_size: rows.len(),
            records: Vec::new(),
            entity_type: Some(plan.obj.name.clone()),
        });
    }
    let shaper = shape::Shaper {
        org,
        url_prefix: format!(
            "/services/data/v{}/{}sobjects/",
            opts.api_version.trim_start_matches(['v', 'V']),
            if opts.tooling { "tooling/" } else { "" }
        ),
        include_deleted: opts.include_deleted,
    };
    let records = shaper.rows(&plan, &rows);
    Ok(QueryOutput {
        total_size: records.len(),
        records,
        entity_type: Some(plan.obj.name.clone()),
    })
}

/// Parse and execute.
pub fn run(org: &Org, text: &str, opts: &ExecOptions) -> Result<QueryOutput, SoqlError> {
    execute(org, &parse(text)?, opts)
}

/// Run the subquery of `field IN (SELECT x FROM Y …)`: it must select one ID or lookup field;
/// its values (18-character IDs) are the set. Semi-joins do not nest.
fn semi_join(org: &Org, q: &Query, opts: &ExecOptions) -> Result<HashSet<String>, SoqlError> {
    let no_nesting = |inner: &Query| -> Result<HashSet<String>, SoqlError> {
        Err(SoqlError::malformed(
            &inner.text,
            inner.from.pos,
            "Nesting of semi join sub-selects is not supported",
        ))
    };
    let env = Env {
        org,
        now: opts.now,
        tooling: opts.tooling,
        semi_join: &no_nesting,
    };
    let plan = plan::compile(q, &env)?;
    let field = match plan.columns.as_slice() {
        [Column::Field(f)] if f.kind == value::Kind::Id && plan.aggregate.is_none() => f.clone(),
        _ => {
            return Err(SoqlError::at(
                INVALID_FIELD,
                &q.text,
                q.from.pos,
                "The selected field in a semi join sub-select must be an id or reference field",
            ));
        }
    };
    let rows = exec::top_rows(org, &plan, opts.include_deleted);
    Ok(rows
        .into_iter()
        .filter_map(|r| field.value(org, r)?.as_str())
        .filter_map(ids::to18)
        .collect())
}
