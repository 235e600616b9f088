//! Compiles a parsed [`Query`] against the org into a [`Plan`]: resolved columns, the shape of
//! result records, the compiled filter, sort keys and paging. All name lookups and literal
//! conversions happen here, once per query.

use std::collections::HashSet;

use chrono::{DateTime, Utc};

use super::ast::{AggFn, FieldsSet, Query, SelectItem};
use super::error::{INVALID_TYPE, SoqlError};
use super::filter::{self, Ctx, Filter, SemiJoinRunner};
use super::resolve::{FieldRef, resolve_path};
use super::value::Kind;
use crate::emulator::model::{ObjectDef, Org};

/// Salesforce's largest `OFFSET`.
pub const MAX_OFFSET: u64 = 2000;
/// The largest `LIMIT` allowed with `FIELDS(ALL)` / `FIELDS(CUSTOM)`.
pub const FIELDS_LIMIT: u64 = 200;

/// One `ORDER BY` key, resolved.
#[derive(Debug, Clone)]
pub struct SortKey {
    pub f: FieldRef,
    pub descending: bool,
    pub nulls_first: bool,
}

/// One aggregate column.
#[derive(Debug, Clone)]
pub struct AggCol {
    pub func: AggFn,
    pub f: FieldRef,
    /// The output key: the alias, or `expr0`, `expr1`, … for unaliased aggregates.
    pub key: String,
}

/// One output column of an aggregate query.
#[derive(Debug, Clone)]
pub enum AggItem {
    /// A grouped field; the output key is the field's own name.
    Group(FieldRef),
    Agg(AggCol),
}

/// A child relationship subquery.
#[derive(Debug, Clone)]
pub struct ChildPlan<'a> {
    /// Canonical relationship name (`Contacts`), the key in the parent record.
    pub rel: String,
    /// The lookup on the child pointing at the parent (`AccountId`).
    pub field: String,
    pub plan: Plan<'a>,
}

/// One selected column of a non-aggregate query.
#[derive(Debug, Clone)]
pub enum Column {
    Field(FieldRef),
    /// Index into [`Plan::children`].
    Child(usize),
}

/// A compiled query.
#[derive(Debug, Clone)]
pub struct Plan<'a> {
    pub obj: &'a ObjectDef,
    pub columns: Vec<Column>,
    pub children: Vec<ChildPlan<'a>>,
    pub filter: Option<Filter>,
    pub order: Vec<SortKey>,
    pub limit: Option<u64>,
    pub offset: u64,
    /// `SELECT COUNT() …`.
    pub count_only: bool,
    /// Aggregate columns and `GROUP BY` keys, when the query aggregates.
    pub aggregate: Option<(Vec<AggItem>, Vec<FieldRef>)>,
}

/// What compiling needs besides the query.
pub struct Env<'a> {
    pub org: &'a Org,
    pub now: DateTime<Utc>,
    pub tooling: bool,
    pub semi_join: &'a SemiJoinRunner<'a>,
}

/// Compile a top-level query.
pub fn compile<'a>(q: &Query, env: &Env<'a>) -> Result<Plan<'a>, SoqlError> {
    let obj = match env.org.object(&q.from.name) {
        Some(o) if o.queryable && (env.tooling || !o.tooling) => o,
        _ => {
            return Err(SoqlError::unsupported_type(
                &q.text,
                q.from.pos,
                &q.from.name,
            ));
        }
    };
    compile_on(q, obj, env, false)
}

fn compile_on<'a>(
    q: &Query,
    obj: &'a ObjectDef,
    env: &Env<'a>,
    nested: bool,
) -> Result<Plan<'a>, SoqlError> {
    let text = q.text.as_str();
    let org = env.org;
    let mut columns = Vec::new();
    let mut children = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut agg_items = Vec::new();
    let mut count_only = false;
    let mut unaliased = 0usize;
    let aggregating = !q.group_by.is_empty()
        || q.select
            .iter()
            .any(|s| matches!(s, SelectItem::Aggregate { .. }));
    for item in &q.select {
        match item {
            SelectItem::Field(path) => {
                let f = resolve_path(org, obj, path, text)?;
                if !seen.insert(f.dotted().to_ascii_lowercase()) {
                    return Err(SoqlError::malformed(
                        text,
                        path.pos,
                        format!("duplicate field selected: {}", path.dotted()),
                    ));
                }
                if aggregating {
                    agg_items.push(AggItem::Group(f));
                } else {
                    columns.push(Column::Field(f));
                }
            }
            SelectItem::Fields { set, pos } => {
                if aggregating {
                    return Err(SoqlError::unexpected(text, *pos, "FIELDS"));
                }
                if *set != FieldsSet::Standard && q.limit.is_none_or(|l| l > FIELDS_LIMIT) {
                    return Err(SoqlError::malformed(
                        text,
                        *pos,
                        "The SOQL FIELDS function must have a LIMIT of at most 200",
                    ));
                }
                for def in &obj.fields {
                    let wanted = match set {
                        FieldsSet::All => true,
                        FieldsSet::Standard => !def.custom,
                        FieldsSet::Custom => def.custom,
                    };
                    if wanted && seen.insert(def.name.to_ascii_lowercase()) {
                        columns.push(Column::Field(FieldRef::local(def)));
                    }
                }
            }
            SelectItem::CountAll { pos } => {
                if q.select.len() != 1 || aggregating {
                    return Err(SoqlError::malformed(
                        text,
                        *pos,
                        "COUNT() must be the only element in the SELECT list.",
                    ));
                }
                count_only = true;
            }
            SelectItem::Aggregate {
                func,
                path,
                alias,
                pos,
            } => {
                let f = resolve_path(org, obj, path, text)?;
                let numeric_only = matches!(func, AggFn::Sum | AggFn::Avg);
                if numeric_only && f.kind != Kind::Number {
                    let op = if *func == AggFn::Sum { "SUM" } else { "AVG" };
                    return Err(SoqlError::malformed(
                        text,
                        *pos,
                        format!("field {} does not support aggregate operator {op}", f.field),
                    ));
                }
                let key = match alias {
                    Some(a) => a.clone(),
                    None => {
                        unaliased += 1;
                        format!("expr{}", unaliased - 1)
                    }
                };
                agg_items.push(AggItem::Agg(AggCol {
                    func: *func,
                    f,
                    key,
                }));
            }
            SelectItem::Subquery(sub) => {
                if nested || aggregating {
                    return Err(SoqlError::unexpected(text, sub.from.pos, "SELECT"));
                }
                let Some(rel) = obj.child_relationship(&sub.from.name) else {
                    return Err(SoqlError::at(
                        INVALID_TYPE,
                        text,
                        sub.from.pos,
                        format!(
                            "Didn't understand relationship '{}' in FROM part of query call. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.",
                            sub.from.name
                        ),
                    ));
                };
                let Some(child_obj) = org.object(&rel.child_sobject) else {
                    return Err(SoqlError::unsupported_type(
                        text,
                        sub.from.pos,
                        &rel.child_sobject,
                    ));
                };
                let plan = compile_on(sub, child_obj, env, true)?;
                children.push(ChildPlan {
                    rel: rel
                        .relationship_name
                        .clone()
                        .unwrap_or_else(|| sub.from.name.clone()),
                    field: rel.field.clone(),
                    plan,
                });
                columns.push(Column::Child(children.len() - 1));
            }
        }
    }
    let mut group_keys = Vec::new();
    for path in &q.group_by {
        group_keys.push(resolve_path(org, obj, path, text)?);
    }
    if aggregating {
        for item in &agg_items {
            if let AggItem::Group(f) = item
                && !group_keys.iter().any(|g| g.dotted() == f.dotted())
            {
                return Err(SoqlError::malformed(
                    text,
                    q.from.pos,
                    format!("Field must be grouped or aggregated: {}", f.field),
                ));
            }
        }
    }
    let cx = Ctx {
        org,
        obj,
        text,
        now: env.now,
        semi_join: env.semi_join,
    };
    let filter = q
        .filter
        .as_ref()
        .map(|c| filter::compile(c, &cx))
        .transpose()?;
    let mut order = Vec::new();
    for k in &q.order_by {
        order.push(SortKey {
            f: resolve_path(org, obj, &k.path, text)?,
            descending: k.descending,
            nulls_first: k.nulls_go_first(),
        });
    }
    let offset = q.offset.unwrap_or(0);
    if offset > MAX_OFFSET {
        return Err(SoqlError::new(
            "NUMBER_OUTSIDE_VALID_RANGE",
            format!("Maximum SOQL offset allowed is {MAX_OFFSET}"),
        ));
    }
    Ok(Plan {
        obj,
        columns,
        children,
        filter,
        order,
        limit: q.limit,
        offset,
        count_only,
        aggregate: aggregating.then_some((agg_items, group_keys)),
    })
}
