//! Scan: every item of a table or index in key order, or one parallel-scan segment of it
//! (partitions are assigned to segments by a stable hash in SQLite, so every item is returned
//! by exactly one segment).

use super::common::{consumed, refuse_unsupported};
use super::query::{resolve_index, start_key, Page, ReadExpressions};
use crate::db::Database;
use crate::error::{Error, Result};
use crate::types::{ScanInput, ScanOutput};
use crate::validate::{enums, require_table_name, Constraints};

const SELECT: &[&str] = &[
    "SPECIFIC_ATTRIBUTES",
    "COUNT",
    "ALL_ATTRIBUTES",
    "ALL_PROJECTED_ATTRIBUTES",
];

pub(crate) fn run(db: &Database, req: ScanInput) -> Result<ScanOutput> {
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
    c.one_of(
        "returnConsumedCapacity",
        req.return_consumed_capacity.as_deref(),
        enums::RETURN_CONSUMED_CAPACITY,
    );
    c.finish()?;
    refuse_unsupported(&[
        ("ScanFilter", req.scan_filter.is_some()),
        ("ConditionalOperator", req.conditional_operator.is_some()),
        ("AttributesToGet", req.attributes_to_get.is_some()),
    ])?;
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
    let exprs = ReadExpressions::parse(
        req.expression_attribute_names.as_ref(),
        req.expression_attribute_values.as_ref(),
        None,
        req.filter_expression.as_deref(),
        req.projection_expression.as_deref(),
    )?;
    let (filter, paths) = (exprs.filter, exprs.projection);

    let state = db.lock();
    let t = state.table(name).ok_or_else(Error::resource_not_found)?;
    let consistent = req.consistent_read.unwrap_or(false);
    let index = resolve_index(
        t,
        req.index_name.as_deref(),
        consistent,
        req.select.as_deref(),
    )?;
    let start_after = match &req.exclusive_start_key {
        Some(esk) => Some(start_key(t, index, esk, true)?),
        None => None,
    };
    let mut page = Page::new(t, index, req.limit, req.select.as_deref(), paths);
    let filter = filter.as_ref().map(crate::expr::lower::lower).transpose()?;
    state.scan_all(
        t,
        index,
        segment,
        start_after.as_deref(),
        filter.as_ref(),
        |raw, size, passed| page.visit(raw, size, passed),
    )?;
    let out = page.finish(consistent);
    Ok(ScanOutput {
        items: out.items,
        count: out.count,
        scanned_count: out.scanned_count,
        last_evaluated_key: out.last_evaluated_key,
        consumed_capacity: consumed(
            req.return_consumed_capacity.as_deref(),
            name,
            out.units,
            &[],
        ),
    })
}
