//! Scan: every item of a table or index in key order, or one parallel-scan segment of it
//! (partitions are assigned to segments by a stable hash in SQLite, so every item is returned
//! by exactly one segment).

use super::query::{
    check_select, describe_read, explained, resolve_index, start_key, Optimized, Page, PageOut,
    ReadExpressions,
};
use crate::engine::explain::Explain;
use crate::engine::handle::Engine;
use crate::error::{Error, Result};
use crate::expr::legacy;
use crate::storage::read::View;
use crate::storage::read::{scan_sql, ReadSql};
use crate::storage::schema::{IndexMeta, TableMeta};
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
        req.select.as_deref(),
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

/// A planned Scan: what it reads and the SQL that reads it.
struct Planned<'s> {
    t: &'s TableMeta,
    index: Option<&'s IndexMeta>,
    filter: Option<Optimized>,
    read: ReadSql,
}

fn plan<'s>(
    state: &View<'s>,
    req: &ScanInput,
    segment: Option<(i64, i64)>,
    exprs: &ReadExpressions,
) -> Result<Planned<'s>> {
    let name = req.table_name.as_deref().unwrap_or_default();
    let t = state.table(name).ok_or_else(Error::resource_not_found)?;
    let index = resolve_index(
        t,
        req.index_name.as_deref(),
        req.consistent_read.unwrap_or(false),
        req.select.as_deref(),
    )?;
    let start_after = match &req.exclusive_start_key {
        Some(esk) => Some(start_key(t, index, esk, true)?),
        None => None,
    };
    let filter = exprs.filter.as_ref().map(Optimized::new).transpose()?;
    let read = scan_sql(
        t,
        index,
        segment,
        start_after.as_deref(),
        filter.as_ref().and_then(|f| f.lowered.as_ref()),
    );
    Ok(Planned {
        t,
        index,
        filter,
        read,
    })
}

pub(crate) fn run(db: &Engine, req: ScanInput) -> Result<ScanOutput> {
    let (segment, exprs) = check(&req)?;
    run_parsed(db, &req, segment, exprs)
}

/// Runs a Scan on a raw JSON body into the raw JSON response (the HTTP path): whole items
/// (nothing projected away) go from their stored bytes to JSON without being decoded.
pub(crate) fn run_wire(db: &Engine, body: &[u8]) -> Result<Vec<u8>> {
    let req: ScanInput = crate::wire::from_slice(body)?;
    let (segment, exprs) = check(&req)?;
    crate::wire::to_vec(&page(db, &req, segment, exprs, true)?)
}

/// Runs a Scan whose expressions are already in the IR (Scan itself, and PartiQL SELECT).
pub(crate) fn run_parsed(
    db: &Engine,
    req: &ScanInput,
    segment: Option<(i64, i64)>,
    exprs: ReadExpressions,
) -> Result<ScanOutput> {
    let mut out = page(db, req, segment, exprs, false)?;
    Ok(ScanOutput {
        items: out.items()?,
        count: out.count,
        scanned_count: out.scanned_count,
        last_evaluated_key: out.last_evaluated_key,
        consumed_capacity: out.consumed_capacity,
    })
}

/// Reads one page of a Scan; `stored` keeps whole items in the stored format.
fn page(
    db: &Engine,
    req: &ScanInput,
    segment: Option<(i64, i64)>,
    exprs: ReadExpressions,
    stored: bool,
) -> Result<PageOut> {
    let guard = db.read()?;
    let state = guard.view();
    let p = plan(&state, req, segment, &exprs)?;
    let mut page = Page::new(
        p.t,
        p.index,
        req.limit,
        req.select.as_deref(),
        exprs.projection,
    );
    if stored {
        page = page.stored();
    }
    page.read(
        &state,
        &p.read,
        req.consistent_read.unwrap_or(false),
        req.return_consumed_capacity.as_deref(),
    )
}

/// The explanation of a Scan.
pub(crate) fn explain(db: &Engine, req: ScanInput) -> Result<Explain> {
    let (segment, exprs) = check(&req)?;
    explain_parsed(db, &req, segment, &exprs)
}

/// The explanation of a Scan whose expressions are already in the IR.
pub(crate) fn explain_parsed(
    db: &Engine,
    req: &ScanInput,
    segment: Option<(i64, i64)>,
    exprs: &ReadExpressions,
) -> Result<Explain> {
    let guard = db.read()?;
    let state = guard.view();
    let p = plan(&state, req, segment, exprs)?;
    let mut head = format!("Scan table={:?}", p.t.desc.table_name);
    if let Some(ix) = p.index {
        head.push_str(&format!(" index={:?}", ix.name));
    }
    if let Some((seg, total)) = segment {
        head.push_str(&format!(" segment={seg}/{total}"));
    }
    if let Some(l) = req.limit {
        head.push_str(&format!(" limit={l}"));
    }
    let mut optimized = vec![head];
    describe_read(exprs, p.filter.as_ref(), &mut optimized);
    explained(&state, exprs.describe(), optimized, p.read)
}
