//! Query: the key condition becomes a range read on the table's or index's clustered key,
//! executed by SQLite; Limit and the 1 MB page count evaluated items.

use crate::engine::capacity::ReturnCapacity;
use crate::engine::explain::Explain;
use crate::engine::handle::Engine;
use crate::engine::page::Spent;
use crate::engine::plan::{
    key_shape, resolve_index, ReadExpressions, ReadOptions, ReadPlan, Select,
};
use crate::error::{Error, Result};
use crate::expr::legacy;
use crate::storage::read::View;
use crate::types::{QueryInput, QueryOutput};
use crate::validate::{constrain_attributes_to_get, require_table_name, Constraints};

const SELECT: &[&str] = &[
    "SPECIFIC_ATTRIBUTES",
    "COUNT",
    "ALL_ATTRIBUTES",
    "ALL_PROJECTED_ATTRIBUTES",
];

/// Checks a Query request and parses its expressions: everything done before the lock.
fn check(req: &QueryInput) -> Result<ReadExpressions> {
    let name = require_table_name(&req.table_name)?;
    let mut c = Constraints::default();
    c.name("tableName", name);
    if let Some(ix) = &req.index_name {
        c.name("indexName", ix);
    }
    c.one_of("select", req.select.as_deref(), SELECT);
    if let Some(limit) = req.limit {
        c.range("limit", i64::from(limit), 1, None);
    }
    c.return_consumed_capacity(req.return_consumed_capacity.as_deref());
    legacy::constrain_conditions(&mut c, "keyConditions", req.key_conditions.as_ref());
    legacy::constrain_conditions(&mut c, "queryFilter", req.query_filter.as_ref());
    legacy::constrain_conditional_operator(&mut c, req.conditional_operator.as_deref());
    constrain_attributes_to_get(&mut c, "attributesToGet", req.attributes_to_get.as_deref());
    c.finish()?;
    let kce = req.key_condition_expression.is_some();
    legacy::check_mixing(
        &[
            ("AttributesToGet", req.attributes_to_get.is_some()),
            ("QueryFilter", req.query_filter.is_some()),
            ("ConditionalOperator", req.conditional_operator.is_some()),
            // KeyConditions mixes freely with the other expressions.
            ("KeyConditions", req.key_conditions.is_some() && kce),
        ],
        &[
            ("ProjectionExpression", req.projection_expression.is_some()),
            ("FilterExpression", req.filter_expression.is_some()),
            ("KeyConditionExpression", kce),
        ],
    )?;
    legacy::check_conditional_operator(
        req.conditional_operator.as_deref(),
        req.query_filter.as_ref().map(|f| f.len()),
    )?;
    if !kce && req.key_conditions.is_none() {
        return Err(Error::validation(
            "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.",
        ));
    }
    if let (Some(kc), false) = (&req.key_conditions, kce) {
        legacy::check_key_conditions(kc)?;
    }
    let legacy_filter = req
        .query_filter
        .as_ref()
        .map(|f| legacy::filter(f, req.conditional_operator.as_deref()))
        .transpose()?
        .flatten();
    check_select(
        Select::parse(req.select.as_deref()),
        req.attributes_to_get.is_some(),
        req.projection_expression.is_some(),
        "1 validation error detected: ",
    )?;
    let mut exprs = ReadExpressions::parse(
        req.expression_attribute_names.as_ref(),
        req.expression_attribute_values.as_ref(),
        req.key_condition_expression.as_deref(),
        req.filter_expression.as_deref(),
        req.projection_expression.as_deref(),
    )?;
    exprs.add_legacy(
        "QueryFilter",
        legacy_filter,
        req.attributes_to_get.as_deref(),
    )?;
    Ok(exprs)
}

/// Select against the projection parameters; Query's messages carry the aggregate prefix
/// (`prefix`), Scan's do not.
pub(crate) fn check_select(
    select: Select,
    attributes_to_get: bool,
    projection: bool,
    prefix: &str,
) -> Result<()> {
    let choice = match select {
        Select::Count => "only the Count",
        Select::AllAttributes => "ALL_ATTRIBUTES",
        Select::AllProjectedAttributes => "ALL_PROJECTED_ATTRIBUTES",
        Select::SpecificAttributes if !attributes_to_get && !projection => {
            return Err(Error::validation(format!(
                "{prefix}Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES"
            )))
        }
        Select::SpecificAttributes | Select::Default => return Ok(()),
    };
    let param = match (attributes_to_get, projection) {
        (true, _) => "AttributesToGet",
        (false, true) => "ProjectionExpression",
        (false, false) => return Ok(()),
    };
    Err(Error::validation(format!(
        "{prefix}Cannot specify the {param} when choosing to get {choice}"
    )))
}

fn options(req: &QueryInput) -> ReadOptions<'_> {
    ReadOptions {
        select: Select::parse(req.select.as_deref()),
        limit: req.limit,
        exclusive_start_key: req.exclusive_start_key.as_ref(),
        forward: req.scan_index_forward.unwrap_or(true),
        consistent: req.consistent_read.unwrap_or(false),
        capacity: ReturnCapacity::parse(req.return_consumed_capacity.as_deref()),
    }
}

/// The plan of a checked Query: the table and index, then the key condition (KeyConditions
/// compiled against the key read) and the rest in [`ReadPlan::partition`].
fn plan<'s>(view: &View<'s>, req: &QueryInput, exprs: ReadExpressions) -> Result<ReadPlan<'s>> {
    let name = require_table_name(&req.table_name)?;
    let t = view.table(name).ok_or_else(Error::resource_not_found)?;
    let o = options(req);
    let index = resolve_index(t, req.index_name.as_deref(), o.consistent, o.select)?;
    let legacy_key = match (&exprs.key, &req.key_conditions) {
        (None, Some(kc)) => {
            let key = index.map_or(&t.key, |ix| &ix.key);
            Some(legacy::key_conditions(kc, &key_shape(key))?)
        }
        _ => None,
    };
    ReadPlan::partition(t, index, exprs, legacy_key, o)
}

pub(crate) fn run(db: &Engine, req: QueryInput) -> Result<QueryOutput> {
    let exprs = check(&req)?;
    let guard = db.read()?;
    let view = guard.view();
    let mut out = plan(&view, &req, exprs)?.execute(&view, false, Spent::default())?;
    Ok(QueryOutput {
        items: out.items()?,
        count: out.count,
        scanned_count: out.scanned_count,
        last_evaluated_key: out.last_evaluated_key,
        consumed_capacity: out.consumed_capacity,
    })
}

/// Runs a Query on a raw JSON body into the raw JSON response (the HTTP path): whole items
/// (nothing projected away) go from their stored bytes to JSON without being decoded.
pub(crate) fn run_wire(db: &Engine, body: &[u8]) -> Result<Vec<u8>> {
    let req: QueryInput = crate::wire::from_slice(body)?;
    let exprs = check(&req)?;
    let guard = db.read()?;
    let view = guard.view();
    let out = plan(&view, &req, exprs)?.execute(&view, true, Spent::default())?;
    crate::wire::to_vec(&out)
}

/// The explanation of a Query.
pub(crate) fn explain(db: &Engine, req: QueryInput) -> Result<Explain> {
    let exprs = check(&req)?;
    let guard = db.read()?;
    let view = guard.view();
    plan(&view, &req, exprs)?.explain(&view)
}
