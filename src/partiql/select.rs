//! SELECT: plans (one per partition the WHERE fixes, or one Scan), run in one read
//! transaction as one page; NextToken; PartiQL's projection naming.

use super::ast::{self, Statement};
use super::bind::Prepared;
use super::check_request;
use super::condition::{and, condition, conjuncts, hash_equality, hash_values, sort_key_condition};
use crate::engine::capacity::ReturnCapacity;
use crate::engine::handle::Engine;
use crate::engine::page::Spent;
use crate::engine::plan::{filter_key_attribute, ReadExpressions, ReadOptions, ReadPlan, Select};
use crate::error::{Error, Result};
use crate::expr::ir::{self, Path, PathElem};
use crate::model::key::{encode_key_value, ScalarType};
use crate::model::value::{AttributeValue, Item};
use crate::storage::read::View;
use crate::storage::schema::{IndexMeta, KeyDef, TableMeta};
use crate::types::{ExecuteStatementInput, ExecuteStatementOutput};
use base64::Engine as _;
use sha2::{Digest, Sha256};

/// What a NextToken is bound to: the statement and its parameters.
pub(super) fn digest(req: &ExecuteStatementInput) -> String {
    let mut h = Sha256::new();
    h.update(req.statement.as_deref().unwrap_or_default().as_bytes());
    h.update(serde_json::to_vec(&req.parameters).unwrap_or_default());
    h.finalize()[..12]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The NextToken of a SELECT: where it stopped, bound to the statement and its parameters.
pub(super) fn next_token(req: &ExecuteStatementInput, lek: &Item) -> String {
    let body = serde_json::json!({"d": digest(req), "k": lek});
    base64::engine::general_purpose::STANDARD.encode(body.to_string())
}

pub(super) fn start_key(req: &ExecuteStatementInput) -> Result<Option<Item>> {
    let Some(token) = &req.next_token else {
        return Ok(None);
    };
    let invalid = || Error::validation("Invalid NextToken");
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(token)
        .map_err(|_| invalid())?;
    let v: serde_json::Value = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
    if v["d"].as_str() != Some(digest(req).as_str()) {
        return Err(Error::validation("NextToken does not match request"));
    }
    serde_json::from_value(v["k"].clone())
        .map(Some)
        .map_err(|_| invalid())
}

/// What SELECT a.b[1] calls its result: the last name and any indexes after it.
pub(super) fn projected_name(p: &Path) -> String {
    let last =
        p.0.iter()
            .rposition(|e| matches!(e, PathElem::Attr(_)))
            .unwrap_or(0);
    let mut out = String::new();
    for e in &p.0[last..] {
        match e {
            PathElem::Attr(a) => out.push_str(a),
            PathElem::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// A SELECT list may not name two results alike.
pub(crate) fn check_projection(paths: &[Path]) -> Result<()> {
    for (i, path) in paths.iter().enumerate() {
        let name = projected_name(path);
        if paths[..i].iter().any(|q| projected_name(q) == name) {
            return Err(Error::validation(format!(
                "Duplicate identifiers in select clause: {name}"
            )));
        }
    }
    Ok(())
}

pub(crate) fn project(item: Item, paths: &[Path]) -> Item {
    let mut out = Item::new();
    for p in paths {
        if let Some(v) = crate::expr::eval::get(&item, p) {
            out.insert(projected_name(p), v.clone());
        }
    }
    out
}

/// The explanation of a PartiQL SELECT: the Query or Scan it becomes.
pub(crate) fn explain(
    db: &Engine,
    req: ExecuteStatementInput,
) -> Result<crate::engine::explain::Explain> {
    let text = check_request(&req)?;
    let prepared = Prepared::new(text, req.parameters.as_deref())?;
    let Statement::Select(s) = &prepared.statement else {
        return Err(Error::validation(
            "explain covers SELECT statements; INSERT, UPDATE and DELETE write one item by key",
        ));
    };
    let guard = db.read()?;
    let view = guard.view();
    let plans = plan_select(&view, &req, s, prepared.params)?;
    let first = plans
        .first()
        .ok_or_else(|| Error::internal("no plan to read"))?;
    let mut e = first.explain(&view)?;
    if plans.len() > 1 {
        e.optimized_ir = format!(
            "{} partitions, one Query each in the order written; the first:\n{}",
            plans.len(),
            e.optimized_ir
        );
    }
    e.ir = format!("Statement: {text}\n{}", e.ir);
    Ok(e)
}

/// Decides how a SELECT reads: one partition plan per partition its WHERE fixes (of the
/// table or index; the matching sort-key condition joins each key range), in the order
/// written, else one Scan plan. The plans form one page together.
pub(super) fn plan_select<'s>(
    view: &View<'s>,
    req: &ExecuteStatementInput,
    s: &ast::Select,
    params: &[AttributeValue],
) -> Result<Vec<ReadPlan<'s>>> {
    let ast::Select {
        projection,
        condition: where_,
        order,
        ..
    } = s;
    check_source(&s.source)?;
    if let Some(paths) = projection {
        check_projection(paths)?;
    }
    let cond = where_.as_ref().map(|c| condition(c, params)).transpose()?;
    let consistent = req.consistent_read.unwrap_or(false);
    let (t, ix) = source(view, &s.source, consistent)?;
    let key = ix.map_or(&t.key, |ix| &ix.key);
    let keyed = cond.clone().and_then(|c| keyed_where(c, key));
    if let Some((name, _)) = order {
        check_order(name, where_.is_some(), keyed.as_ref(), key)?;
    }
    let exclusive_start_key = start_key(req)?;
    let options = |esk| ReadOptions {
        select: Select::Default,
        limit: req.limit,
        exclusive_start_key: esk,
        forward: order.as_ref().is_none_or(|(_, asc)| *asc),
        consistent,
        capacity: ReturnCapacity::parse(req.return_consumed_capacity.as_deref()),
    };
    let Some(keyed) = keyed else {
        let exprs = ReadExpressions::from_ir(None, cond);
        let plan = ReadPlan::scan(t, ix, exprs, None, options(exclusive_start_key.as_ref()))?;
        return Ok(vec![plan]);
    };
    let resume_at = resume_at(exclusive_start_key.as_ref(), &keyed.partitions, key)?;
    let mut plans = Vec::with_capacity(keyed.partitions.len() - resume_at);
    for (i, value) in keyed.partitions.into_iter().enumerate().skip(resume_at) {
        let parts = std::iter::once(hash_equality(&key.hash.name, value))
            .chain(keyed.sort.clone())
            .collect();
        let exprs = ReadExpressions::from_ir(and(parts), keyed.filter.clone());
        let esk = exclusive_start_key.as_ref().filter(|_| i == resume_at);
        plans.push(ReadPlan::partition(t, ix, exprs, None, options(esk))?);
    }
    Ok(plans)
}

/// FROM: a table, or a table and an index, named by non-empty components.
fn check_source(source: &[String]) -> Result<()> {
    if source.len() > 2 {
        return Err(Error::validation(
            "A path may contain at most 2 components in the FROM clause",
        ));
    }
    if source.iter().any(String::is_empty) {
        return Err(Error::validation(
            "Path component cannot be an empty string",
        ));
    }
    Ok(())
}

/// The table and index FROM names, with PartiQL's wording for a missing index and a
/// consistent read of a GSI.
fn source<'s>(
    view: &View<'s>,
    source: &[String],
    consistent: bool,
) -> Result<(&'s TableMeta, Option<&'s IndexMeta>)> {
    let t = view
        .table(&source[0])
        .ok_or_else(Error::resource_not_found)?;
    let ix = match source.get(1) {
        None => None,
        Some(name) => Some(
            t.indexes
                .iter()
                .find(|ix| &ix.name == name)
                .ok_or_else(|| Error::validation("The table does not have the specified index"))?,
        ),
    };
    if consistent && ix.is_some_and(|ix| ix.global) {
        return Err(Error::validation(
            "Strongly consistent read is not supported on Global Secondary Indexes",
        ));
    }
    Ok((t, ix))
}

/// A WHERE that reads by key: the partitions it fixes (in the order written, each once), the
/// sort-key condition joining each key range, and the rest as the filter.
struct KeyedWhere {
    partitions: Vec<AttributeValue>,
    sort: Option<ir::Cond>,
    filter: Option<ir::Cond>,
}

/// The partition key first (`pk = v`, or several partitions from `pk IN [...]` or an OR of
/// `pk = ...`), then the first sort-key condition that fits, wherever they stand in the
/// WHERE; None when the WHERE does not fix the partition key, or filters on a key attribute
/// (which cannot go beside a key condition: then the whole WHERE scans).
fn keyed_where(cond: ir::Cond, key: &KeyDef) -> Option<KeyedWhere> {
    let mut rest: Vec<ir::Cond> = conjuncts(cond);
    let (i, partitions) = rest.iter().enumerate().find_map(|(i, part)| {
        hash_values(part, &key.hash.name, key.hash.ty).map(|values| (i, values))
    })?;
    rest.remove(i);
    let sort = key.range.as_ref().and_then(|r| {
        let j = rest
            .iter()
            .position(|part| sort_key_condition(part, &r.name, r.ty))?;
        Some(rest.remove(j))
    });
    let filter = and(rest);
    if filter
        .as_ref()
        .is_some_and(|f| filter_key_attribute(f, key).is_some())
    {
        return None;
    }
    Some(KeyedWhere {
        partitions,
        sort,
        filter,
    })
}

/// ORDER BY needs a WHERE that reads one partition, and orders by a key attribute.
fn check_order(
    name: &str,
    has_where: bool,
    keyed: Option<&KeyedWhere>,
    key: &KeyDef,
) -> Result<()> {
    if !has_where {
        return Err(Error::validation(
            "Must have WHERE clause in the statement when using ORDER BY clause.",
        ));
    }
    // Several partitions have no one order to sort by: refused, as a Scan would be.
    if keyed.is_none_or(|k| k.partitions.len() > 1) {
        return Err(Error::validation(
            "Must have at least one non-optional hash key condition in WHERE clause when using ORDER BY clause.",
        ));
    }
    if !key.has(name) {
        return Err(Error::validation(format!(
            "Variable reference {name} in ORDER BY clause must be part of the primary key"
        )));
    }
    Ok(())
}

/// The partition a NextToken resumes in (earlier ones are done). A single partition leaves
/// the key's checks to the plan, as a Query's.
fn resume_at(esk: Option<&Item>, partitions: &[AttributeValue], key: &KeyDef) -> Result<usize> {
    let Some(esk) = esk.filter(|_| partitions.len() > 1) else {
        return Ok(0);
    };
    esk.get(&key.hash.name)
        .filter(|v| ScalarType::of(v) == Some(key.hash.ty))
        .and_then(|v| {
            let k = encode_key_value(v).ok()?;
            partitions
                .iter()
                .position(|p| encode_key_value(p).ok().as_ref() == Some(&k))
        })
        .ok_or_else(|| {
            Error::validation("The provided starting key is invalid: The provided key element does not match the schema")
        })
}

pub(super) fn select(
    db: &Engine,
    req: &ExecuteStatementInput,
    s: &ast::Select,
    params: &[AttributeValue],
) -> Result<ExecuteStatementOutput> {
    // Every partition is read in one read transaction: one snapshot, no writer lock (files).
    let guard = db.read()?;
    let view = guard.view();
    // One page across the partitions: Limit and 1 MB count everything evaluated.
    let (mut items, mut lek, mut capacity) = (Vec::new(), None, None);
    let mut spent = Spent::default();
    for plan in plan_select(&view, req, s, params)? {
        let mut out = plan.execute(&view, false, spent)?;
        spent.add(&out);
        items.extend(out.items()?.into_iter().flatten());
        capacity = crate::ops::common::add_capacity(capacity, out.consumed_capacity);
        lek = out.last_evaluated_key;
        if lek.is_some() {
            break;
        }
    }
    let items = match &s.projection {
        Some(paths) => items.into_iter().map(|i| project(i, paths)).collect(),
        None => items,
    };
    Ok(ExecuteStatementOutput {
        items,
        next_token: lek.as_ref().map(|k| next_token(req, k)),
        consumed_capacity: capacity,
        last_evaluated_key: None,
    })
}
