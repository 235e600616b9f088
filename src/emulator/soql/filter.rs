//! `WHERE` conditions compiled once against the describe (canonical field keys, typed literals,
//! date ranges, LIKE patterns), then evaluated per record without allocating in the common cases.

use std::cmp::Ordering;
use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::ast::{CmpOp, Cond, Literal};
use super::dates;
use super::error::{INVALID_FIELD, INVALID_QUERY_FILTER_OPERATOR, SoqlError};
use super::resolve::{FieldRef, resolve_path};
use super::value::{self, Kind, LikePattern, Val};
use crate::emulator::model::{FieldType, ObjectDef, Org, Record, ids};

/// A compiled condition.
#[derive(Debug, Clone)]
pub enum Filter {
    And(Vec<Filter>),
    Or(Vec<Filter>),
    Not(Box<Filter>),
    Cmp {
        f: FieldRef,
        op: CmpOp,
        val: Val,
    },
    Like {
        f: FieldRef,
        pattern: LikePattern,
    },
    In {
        f: FieldRef,
        negated: bool,
        vals: Vec<Val>,
    },
    /// A semi-join, already run: the 18-character IDs the subquery selected.
    InSet {
        f: FieldRef,
        negated: bool,
        ids: HashSet<String>,
    },
    Includes {
        f: FieldRef,
        excludes: bool,
        sets: Vec<Vec<String>>,
    },
}

/// Runs a semi-join subquery and returns the IDs it selects (supplied by the executor).
pub type SemiJoinRunner<'a> = dyn Fn(&super::ast::Query) -> Result<HashSet<String>, SoqlError> + 'a;

/// What compiling a condition needs.
pub struct Ctx<'a> {
    pub org: &'a Org,
    pub obj: &'a ObjectDef,
    pub text: &'a str,
    pub now: DateTime<Utc>,
    pub semi_join: &'a SemiJoinRunner<'a>,
}

/// Compile a parsed condition.
pub fn compile(cond: &Cond, cx: &Ctx<'_>) -> Result<Filter, SoqlError> {
    Ok(match cond {
        Cond::And(v) => Filter::And(v.iter().map(|c| compile(c, cx)).collect::<Result<_, _>>()?),
        Cond::Or(v) => Filter::Or(v.iter().map(|c| compile(c, cx)).collect::<Result<_, _>>()?),
        Cond::Not(c) => Filter::Not(Box::new(compile(c, cx)?)),
        Cond::Cmp {
            path,
            op,
            value,
            value_pos,
        } => {
            let f = resolve_path(cx.org, cx.obj, path, cx.text)?;
            if *op == CmpOp::Like {
                if !(f.kind == Kind::Text || f.kind == Kind::Id) {
                    return Err(SoqlError::at(
                        INVALID_FIELD,
                        cx.text,
                        path.pos,
                        format!(
                            "invalid operator on {} field: {}",
                            f.ftype.as_str(),
                            f.field
                        ),
                    ));
                }
                return Ok(match value {
                    Literal::Str(s) => Filter::Like {
                        f,
                        pattern: LikePattern::new(s),
                    },
                    _ => Filter::Cmp {
                        f,
                        op: CmpOp::Eq,
                        val: Val::Null,
                    },
                });
            }
            let val = typed(&f, value, *value_pos, cx)?;
            Filter::Cmp { f, op: *op, val }
        }
        Cond::In {
            path,
            negated,
            values,
            value_pos,
        } => {
            let f = resolve_path(cx.org, cx.obj, path, cx.text)?;
            let vals = values
                .iter()
                .map(|v| typed(&f, v, *value_pos, cx))
                .collect::<Result<_, _>>()?;
            Filter::In {
                f,
                negated: *negated,
                vals,
            }
        }
        Cond::SemiJoin {
            path,
            negated,
            query,
        } => {
            let f = resolve_path(cx.org, cx.obj, path, cx.text)?;
            if f.kind != Kind::Id {
                return Err(SoqlError::at(
                    INVALID_FIELD,
                    cx.text,
                    path.pos,
                    format!(
                        "The left operand field in the where expression for outer query should be an id field, cannot use: '{}'",
                        f.field
                    ),
                ));
            }
            let ids = (cx.semi_join)(query)?;
            Filter::InSet {
                f,
                negated: *negated,
                ids,
            }
        }
        Cond::Includes {
            path,
            excludes,
            values,
        } => {
            let f = resolve_path(cx.org, cx.obj, path, cx.text)?;
            if f.ftype != FieldType::Multipicklist {
                return Err(SoqlError::at(
                    INVALID_FIELD,
                    cx.text,
                    path.pos,
                    format!(
                        "{} can only be used with multi-select picklist fields",
                        if *excludes { "EXCLUDES" } else { "INCLUDES" }
                    ),
                ));
            }
            let sets = values
                .iter()
                .map(|v| v.split(';').map(|s| s.trim().to_owned()).collect())
                .collect();
            Filter::Includes {
                f,
                excludes: *excludes,
                sets,
            }
        }
    })
}

/// The type name Salesforce uses in "must be of type …" messages.
fn type_word(t: FieldType) -> &'static str {
    match t {
        FieldType::Int => "integer",
        FieldType::Long => "long",
        FieldType::Double | FieldType::Currency | FieldType::Percent => "double",
        FieldType::Boolean => "boolean",
        FieldType::Date => "date",
        FieldType::Datetime => "dateTime",
        FieldType::Id | FieldType::Reference => "id",
        _ => "string",
    }
}

/// Convert a literal to the field's kind, or fail as Salesforce does.
fn typed(f: &FieldRef, lit: &Literal, pos: usize, cx: &Ctx<'_>) -> Result<Val, SoqlError> {
    let quoted = matches!(f.kind, Kind::Text | Kind::Id);
    let wrong = || {
        SoqlError::at(
            INVALID_FIELD,
            cx.text,
            pos,
            format!(
                "value of filter criterion for field '{}' must be of type {} and should {}be enclosed in quotes",
                f.field,
                type_word(f.ftype),
                if quoted { "" } else { "not " }
            ),
        )
    };
    Ok(match (f.kind, lit) {
        (_, Literal::Null) => Val::Null,
        (Kind::Text, Literal::Str(s)) => Val::Text(s.clone()),
        (Kind::Id, Literal::Str(s)) => match ids::to18(s) {
            Some(id) => Val::Id(id),
            None => {
                return Err(SoqlError::at(
                    INVALID_QUERY_FILTER_OPERATOR,
                    cx.text,
                    pos,
                    format!("invalid ID field: {s}"),
                ));
            }
        },
        (Kind::Number, Literal::Number(n)) => Val::Num(n.parse().map_err(|_| wrong())?),
        (Kind::Bool, Literal::Bool(b)) => Val::Bool(*b),
        (Kind::Date, Literal::Date(d)) => Val::Date(*d),
        (Kind::DateTime, Literal::DateTime(d)) => Val::DateTime(d.with_timezone(&Utc)),
        (Kind::Date | Kind::DateTime, Literal::DateLit(l)) => match dates::range(*l, cx.now) {
            Some(r) => Val::Range(r),
            None => return Err(wrong()),
        },
        _ => return Err(wrong()),
    })
}

impl Filter {
    /// Whether `rec` passes.
    pub fn matches(&self, org: &Org, rec: &Record) -> bool {
        match self {
            Filter::And(v) => v.iter().all(|c| c.matches(org, rec)),
            Filter::Or(v) => v.iter().any(|c| c.matches(org, rec)),
            Filter::Not(c) => !c.matches(org, rec),
            Filter::Cmp { f, op, val } => cmp_matches(f, *op, val, f.value(org, rec)),
            Filter::Like { f, pattern } => match f.value(org, rec) {
                Some(Value::String(s)) => pattern.matches(s),
                _ => false,
            },
            Filter::In { f, negated, vals } => {
                let v = f.value(org, rec);
                let hit = vals.iter().any(|x| cmp_matches(f, CmpOp::Eq, x, v));
                hit != *negated
            }
            Filter::InSet { f, negated, ids } => {
                let hit = match f.value(org, rec).and_then(Value::as_str) {
                    Some(s) if s.len() == 18 => ids.contains(s),
                    Some(s) => ids::to18(s).is_some_and(|s| ids.contains(&s)),
                    None => false,
                };
                hit != *negated
            }
            Filter::Includes { f, excludes, sets } => {
                let stored = f.value(org, rec).and_then(Value::as_str).unwrap_or("");
                let any = sets.iter().any(|set| value::includes_all(stored, set));
                if *excludes {
                    !any
                } else {
                    !stored.is_empty() && any
                }
            }
        }
    }
}

/// One comparison. SOQL's `!=` (and `NOT IN`) also selects rows whose value is null, unlike SQL.
fn cmp_matches(f: &FieldRef, op: CmpOp, val: &Val, stored: Option<&Value>) -> bool {
    let stored = stored.unwrap_or(&Value::Null);
    if let Val::Null = val {
        let is_null = stored.is_null() || stored.as_str() == Some("") && f.kind == Kind::Text;
        return (op == CmpOp::Eq) == is_null;
    }
    let ord = match val {
        Val::Range(r) => {
            let Some(pos) = value::position_in_range(f.kind, stored, r) else {
                return op == CmpOp::Ne;
            };
            // Against a range: `<` means before its start, `<=` before its end, and so on.
            return match op {
                CmpOp::Eq => pos == Ordering::Equal,
                CmpOp::Ne => pos != Ordering::Equal,
                CmpOp::Lt => pos == Ordering::Less,
                CmpOp::Le => pos != Ordering::Greater,
                CmpOp::Gt => pos == Ordering::Greater,
                CmpOp::Ge => pos != Ordering::Less,
                CmpOp::Like => false,
            };
        }
        _ => value::compare(f.kind, stored, val),
    };
    match ord {
        None => op == CmpOp::Ne,
        Some(o) => match op {
            CmpOp::Eq => o == Ordering::Equal,
            CmpOp::Ne => o != Ordering::Equal,
            CmpOp::Lt => o == Ordering::Less,
            CmpOp::Le => o != Ordering::Greater,
            CmpOp::Gt => o == Ordering::Greater,
            CmpOp::Ge => o != Ordering::Less,
            CmpOp::Like => false,
        },
    }
}

/// IDs the filter pins the result to (`Id = '…'`, `Id IN (…)`, or either inside a top-level AND),
/// so the executor can fetch them with `org.record(id)` instead of scanning.
pub fn pinned_ids(filter: &Filter) -> Option<Vec<&str>> {
    let local_id = |f: &FieldRef| f.hops.is_empty() && f.ftype == FieldType::Id;
    match filter {
        Filter::Cmp {
            f,
            op: CmpOp::Eq,
            val: Val::Id(id),
        } if local_id(f) => Some(vec![id.as_str()]),
        Filter::In {
            f,
            negated: false,
            vals,
        } if local_id(f) => Some(
            vals.iter()
                .filter_map(|v| match v {
                    Val::Id(id) => Some(id.as_str()),
                    _ => None,
                })
                .collect(),
        ),
        Filter::And(v) => v.iter().find_map(pinned_ids),
        _ => None,
    }
}
