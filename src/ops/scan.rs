//! Scan: every item of a table or index in key order, or one parallel-scan segment of it
//! (partitions are assigned to segments by a stable hash in SQLite, so every item is returned
//! by exactly one segment).

use super::query::check_select;
use crate::engine::capacity::ReturnCapacity;
use crate::engine::explain::Explain;
use crate::engine::handle::Engine;
use crate::engine::page::Spent;
use crate::engine::plan::{resolve_index, ReadExpressions, ReadOptions, ReadPlan, Select};
use crate::error::{Error, Result};
use crate::expr::legacy;
use crate::storage::read::View;
use crate::types::{ScanInput, ScanOutput};
use crate::validate::{constrain_attributes_to_get, require_table_name, Constraints};

const SELECT: &[&str] = &[
    "SPECIFIC_ATTRIBUTES",
    "COUNT",
    "ALL_ATTRIBUTES",
    "ALL_PROJECTED_ATTRIBUTES",
];

/// Checks a Scan request and parses its expressions: everything done before the lock.
fn check(req: &ScanInput) -> Result<(Option<(i64, i64)>, ReadExpressions)> {
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
    if let Some(s) = req.segment {
        c.range("segment", i64::from(s), 0, Some(999_999));
    }
    if let Some(t) = req.total_segments {
        c.range("totalSegments", i64::from(t), 1, Some(1_000_000));
    }
    c.return_consumed_capacity(req.return_consumed_capacity.as_deref());
    legacy::constrain_conditions(&mut c, "scanFilter", req.scan_filter.as_ref());
    legacy::constrain_conditional_operator(&mut c, req.conditional_operator.as_deref());
    constrain_attributes_to_get(&mut c, "attributesToGet", req.attributes_to_get.as_deref());
    c.finish()?;
    legacy::check_mixing(
        &[
            ("AttributesToGet", req.attributes_to_get.is_some()),
            ("ScanFilter", req.scan_filter.is_some()),
            ("ConditionalOperator", req.conditional_operator.is_some()),
        ],
        &[
            ("ProjectionExpression", req.projection_expression.is_some()),
            ("FilterExpression", req.filter_expression.is_some()),
        ],
    )?;
    legacy::check_conditional_operator(
        req.conditional_operator.as_deref(),
        req.scan_filter.as_ref().map(|f| f.len()),
    )?;
    let segment = match (req.segment, req.total_segments) {
        (None, None) => None,
        (Some(_), None) => {
            return Err(Error::validation(
                "The TotalSegments parameter is required but was not present in the request when Segment parameter is present",
            ))
        }
        (None, Some(_)) => {
            return Err(Error::validation(
                "The Segment parameter is required but was not present in the request when parameter TotalSegments is present",
            ))
        }
        (Some(s), Some(t)) if s >= t => {
            return Err(Error::validation(format!(
                "The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: {s} is not less than TotalSegments: {t}"
            )))
        }
        (Some(s), Some(t)) => Some((i64::from(s), i64::from(t))),
    };
    let legacy_filter = req
        .scan_filter
        .as_ref()
        .map(|f| legacy::filter(f, req.conditional_operator.as_deref()))
        .transpose()?
        .flatten();
    check_select(
        Select::parse(req.select.as_deref()),
        req.attributes_to_get.is_some(),
        req.projection_expression.is_some(),
        "",
    )?;
    let mut exprs = ReadExpressions::parse(
        req.expression_attribute_names.as_ref(),
        req.expression_attribute_values.as_ref(),
        None,
        req.filter_expression.as_deref(),
        req.projection_expression.as_deref(),
    )?;
    exprs.add_legacy(
        "ScanFilter",
        legacy_filter,
        req.attributes_to_get.as_deref(),
    )?;
    Ok((segment, exprs))
}

/// The plan of a checked Scan.
fn plan<'s>(
    view: &View<'s>,
    req: &ScanInput,
    segment: Option<(i64, i64)>,
    exprs: ReadExpressions,
) -> Result<ReadPlan<'s>> {
    let name = require_table_name(&req.table_name)?;
    let t = view.table(name).ok_or_else(Error::resource_not_found)?;
    let o = ReadOptions {
        select: Select::parse(req.select.as_deref()),
        limit: req.limit,
        exclusive_start_key: req.exclusive_start_key.as_ref(),
        forward: true,
        consistent: req.consistent_read.unwrap_or(false),
        capacity: ReturnCapacity::parse(req.return_consumed_capacity.as_deref()),
    };
    let index = resolve_index(t, req.index_name.as_deref(), o.consistent, o.select)?;
    ReadPlan::scan(t, index, exprs, segment, o)
}

pub(crate) fn run(db: &Engine, req: ScanInput) -> Result<ScanOutput> {
    let (segment, exprs) = check(&req)?;
    let guard = db.read()?;
    let view = guard.view();
    let mut out = plan(&view, &req, segment, exprs)?.execute(&view, false, Spent::default())?;
    Ok(ScanOutput {
        items: out.items()?,
        count: out.count,
        scanned_count: out.scanned_count,
        last_evaluated_key: out.last_evaluated_key,
        consumed_capacity: out.consumed_capacity,
    })
}

/// Runs a Scan on a raw JSON body into the raw JSON response (the HTTP path): whole items
/// (nothing projected away) go from their stored bytes to JSON without being decoded.
pub(crate) fn run_wire(db: &Engine, body: &[u8]) -> Result<Vec<u8>> {
    let req: ScanInput = crate::wire::from_slice(body)?;
    let (segment, exprs) = check(&req)?;
    let guard = db.read()?;
    let view = guard.view();
    let out = plan(&view, &req, segment, exprs)?.execute(&view, true, Spent::default())?;
    crate::wire::to_vec(&out)
}

/// The explanation of a Scan.
pub(crate) fn explain(db: &Engine, req: ScanInput) -> Result<Explain> {
    let (segment, exprs) = check(&req)?;
    let guard = db.read()?;
    let view = guard.view();
    plan(&view, &req, segment, exprs)?.explain(&view)
}
