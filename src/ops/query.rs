//! Query: the key condition becomes a range read on the table's or index's clustered key,
//! executed by SQLite; Limit and the 1 MB page count evaluated items.

use super::common::read_capacity;
use crate::engine::explain::Explain;
use crate::engine::handle::Engine;
use crate::error::{Error, Result};
use crate::expr::ir::Cond;
use crate::expr::legacy;
use crate::expr::lower::{lower, Lowered};
use crate::expr::optimize::key_range::{key_range, KeyRange, KeyShape};
use crate::expr::optimize::optimize_traced;
use crate::expr::{
    check_placeholders_used_with_expressions, parse_condition, projection, ExprKind, Placeholders,
};
use crate::model::codec::decode_item;
use crate::model::key::{encode_key_value, ScalarType};
use crate::model::value::Item;
use crate::storage::read::View;
use crate::storage::read::{partition_sql, ReadSql};
use crate::storage::schema::{IndexMeta, KeyDef, ProjectionKind, TableMeta};
use crate::types::{QueryInput, QueryOutput};
use crate::validate::{constrain_attributes_to_get, require_table_name, Constraints};

/// DynamoDB stops a page after reading this many bytes.
const PAGE_BYTES: usize = 1024 * 1024;
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
        req.select.as_deref(),
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
    select: Option<&str>,
    attributes_to_get: bool,
    projection: bool,
    prefix: &str,
) -> Result<()> {
    let choice = match select {
        Some("COUNT") => "only the Count",
        Some(s @ ("ALL_ATTRIBUTES" | "ALL_PROJECTED_ATTRIBUTES")) => s,
        Some("SPECIFIC_ATTRIBUTES") if !attributes_to_get && !projection => {
            return Err(Error::validation(format!(
                "{prefix}Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES"
            )))
        }
        _ => return Ok(()),
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

/// A planned Query: what it reads and the SQL that reads it.
struct Planned<'s> {
    t: &'s TableMeta,
    index: Option<&'s IndexMeta>,
    /// KeyConditions, compiled (a KeyConditionExpression is in the ReadExpressions).
    legacy_key: Option<Cond>,
    range: KeyRange,
    filter: Option<Optimized>,
    read: ReadSql,
}

fn plan<'s>(state: &View<'s>, req: &QueryInput, exprs: &ReadExpressions) -> Result<Planned<'s>> {
    let name = req.table_name.as_deref().unwrap_or_default();
    let t = state.table(name).ok_or_else(Error::resource_not_found)?;
    let index = resolve_index(
        t,
        req.index_name.as_deref(),
        req.consistent_read.unwrap_or(false),
        req.select.as_deref(),
    )?;
    let key = index.map_or(&t.key, |ix| &ix.key);
    let shape = KeyShape {
        hash: (key.hash.name.as_str(), key.hash.ty),
        range: key.range.as_ref().map(|r| (r.name.as_str(), r.ty)),
    };
    let legacy_key = match (&exprs.key, &req.key_conditions) {
        (None, Some(kc)) => Some(legacy::key_conditions(kc, &shape)?),
        _ => None,
    };
    let key_cond = exprs
        .key
        .as_ref()
        .or(legacy_key.as_ref())
        .expect("checked: KeyConditionExpression or KeyConditions is given");
    let range = key_range(key_cond, &shape)?;
    if let Some(k) = exprs
        .filter
        .as_ref()
        .and_then(|f| filter_key_attribute(f, key))
    {
        let param = match exprs.filter_label {
            "QueryFilter" => "QueryFilter",
            _ => "Filter Expression",
        };
        return Err(Error::validation(format!(
            "{param} can only contain non-primary key attributes: Primary key attribute: {k}"
        )));
    }
    let filter = exprs.filter.as_ref().map(Optimized::new).transpose()?;
    let start_after = match &req.exclusive_start_key {
        Some(esk) => Some(start_key(t, index, esk, false)?),
        None => None,
    };
    let read = partition_sql(
        t,
        index,
        &range,
        start_after.as_deref(),
        req.scan_index_forward.unwrap_or(true),
        filter.as_ref().and_then(|f| f.lowered.as_ref()),
    );
    Ok(Planned {
        t,
        index,
        legacy_key,
        range,
        filter,
        read,
    })
}

pub(crate) fn run(db: &Engine, req: QueryInput) -> Result<QueryOutput> {
    let exprs = check(&req)?;
    run_parsed(db, &req, exprs)
}

/// Runs a Query on a raw JSON body into the raw JSON response (the HTTP path): whole items
/// (nothing projected away) go from their stored bytes to JSON without being decoded.
pub(crate) fn run_wire(db: &Engine, body: &[u8]) -> Result<Vec<u8>> {
    let req: QueryInput = crate::wire::from_slice(body)?;
    let exprs = check(&req)?;
    crate::wire::to_vec(&page(db, &req, exprs, true, Spent::default())?)
}

/// Runs a Query whose expressions are already in the IR (Query itself, and PartiQL SELECT).
pub(crate) fn run_parsed(
    db: &Engine,
    req: &QueryInput,
    exprs: ReadExpressions,
) -> Result<QueryOutput> {
    let mut out = page(db, req, exprs, false, Spent::default())?;
    Ok(QueryOutput {
        items: out.items()?,
        count: out.count,
        scanned_count: out.scanned_count,
        last_evaluated_key: out.last_evaluated_key,
        consumed_capacity: out.consumed_capacity,
    })
}

/// Reads one page of a Query that continues a read which already evaluated `spent` (PartiQL
/// over several partitions); items decoded.
pub(crate) fn run_page(
    db: &Engine,
    req: &QueryInput,
    exprs: ReadExpressions,
    spent: Spent,
) -> Result<PageOut> {
    page(db, req, exprs, false, spent)
}

/// Reads one page of a Query; `stored` keeps whole items in the stored format.
fn page(
    db: &Engine,
    req: &QueryInput,
    exprs: ReadExpressions,
    stored: bool,
    spent: Spent,
) -> Result<PageOut> {
    let guard = db.read()?;
    let state = guard.view();
    let p = plan(&state, req, &exprs)?;
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
    page.spent = spent;
    page.read(
        &state,
        &p.read,
        req.consistent_read.unwrap_or(false),
        req.return_consumed_capacity.as_deref(),
    )
}

/// The explanation of a Query.
pub(crate) fn explain(db: &Engine, req: QueryInput) -> Result<Explain> {
    let exprs = check(&req)?;
    explain_parsed(db, &req, &exprs)
}

/// The explanation of a Query whose expressions are already in the IR.
pub(crate) fn explain_parsed(
    db: &Engine,
    req: &QueryInput,
    exprs: &ReadExpressions,
) -> Result<Explain> {
    let guard = db.read()?;
    let state = guard.view();
    let p = plan(&state, req, exprs)?;
    let mut head = format!("Query table={:?}", p.t.desc.table_name);
    if let Some(ix) = p.index {
        head.push_str(&format!(" index={:?}", ix.name));
    }
    if !req.scan_index_forward.unwrap_or(true) {
        head.push_str(" backward");
    }
    if let Some(l) = req.limit {
        head.push_str(&format!(" limit={l}"));
    }
    let mut optimized = vec![head, format!("  KeyRange: {}", p.range)];
    describe_read(exprs, p.filter.as_ref(), &mut optimized);
    let mut ir = exprs.describe();
    if let Some(k) = &p.legacy_key {
        ir = format!("KeyConditions: {k}\n{ir}");
    }
    explained(&state, ir, optimized, p.read)
}

/// The optimised filter's and projection's lines of an explained Query or Scan.
pub(crate) fn describe_read(
    exprs: &ReadExpressions,
    filter: Option<&Optimized>,
    out: &mut Vec<String>,
) {
    if let Some(f) = filter {
        let rules = if f.rules.is_empty() {
            String::new()
        } else {
            format!("  [rules: {}]", f.rules.join(", "))
        };
        out.push(format!("  Filter: {}{rules}", f.cond));
    }
    if let Some(paths) = &exprs.projection {
        let paths: Vec<String> = paths.iter().map(ToString::to_string).collect();
        out.push(format!("  Projection: {}", paths.join(", ")));
    }
}

/// Fills in an explanation's SQL part from the statement that would run.
pub(crate) fn explained(
    state: &View<'_>,
    ir: String,
    optimized: Vec<String>,
    read: ReadSql,
) -> Result<Explain> {
    Ok(Explain {
        ir,
        optimized_ir: optimized.join("\n"),
        plan: state.query_plan(&read.sql, &read.params)?,
        params: read
            .params
            .iter()
            .map(crate::engine::explain::literal)
            .collect(),
        sql: read.sql,
    })
}

/// A filter after the optimiser, and lowered to SQL unless it is always true.
pub(crate) struct Optimized {
    pub cond: Cond,
    pub rules: Vec<&'static str>,
    pub lowered: Option<Lowered>,
}

impl Optimized {
    pub fn new(c: &Cond) -> Result<Optimized> {
        let (cond, rules) = optimize_traced(c.clone());
        // An always-true filter costs nothing per row: the statement passes every row.
        let lowered = match cond {
            Cond::Const(true) => None,
            ref c => Some(lower(c)?),
        };
        Ok(Optimized {
            cond,
            rules,
            lowered,
        })
    }
}

/// The expressions of a Query or Scan, parsed in DynamoDB's order (key condition, filter,
/// projection) with one set of placeholders, unused placeholders checked last.
pub(crate) struct ReadExpressions {
    pub key: Option<Cond>,
    pub filter: Option<Cond>,
    pub projection: Option<Vec<crate::expr::ir::Path>>,
    /// The parameter the key condition came from.
    pub key_label: &'static str,
    /// The parameter the filter came from: FilterExpression, QueryFilter or ScanFilter.
    pub filter_label: &'static str,
    /// The parameter the projection came from: ProjectionExpression or AttributesToGet.
    pub projection_label: &'static str,
}

impl ReadExpressions {
    pub fn parse(
        names: Option<&crate::expr::Names>,
        values: Option<&Item>,
        key: Option<&str>,
        filter: Option<&str>,
        projection: Option<&str>,
    ) -> Result<ReadExpressions> {
        let value_exprs = key.is_some() || filter.is_some();
        check_placeholders_used_with_expressions(
            names,
            values,
            value_exprs || projection.is_some(),
            value_exprs,
        )?;
        let mut ph = Placeholders::new(names, values)?;
        let mut cond =
            |kind, text: Option<&str>| text.map(|t| parse_condition(kind, t, &mut ph)).transpose();
        let key = cond(ExprKind::KeyCondition, key)?;
        let filter = cond(ExprKind::Filter, filter)?;
        let projection = projection
            .map(|t| projection::parse(t, &mut ph))
            .transpose()?;
        ph.check_unused()?;
        Ok(ReadExpressions {
            key,
            filter,
            projection,
            key_label: "KeyConditionExpression",
            filter_label: "FilterExpression",
            projection_label: "ProjectionExpression",
        })
    }

    /// Expressions already in the IR (PartiQL's WHERE, split into key and filter).
    pub fn from_ir(key: Option<Cond>, filter: Option<Cond>) -> ReadExpressions {
        ReadExpressions {
            key,
            filter,
            projection: None,
            key_label: "WHERE (key)",
            filter_label: "WHERE (filter)",
            projection_label: "SELECT",
        }
    }

    /// Takes the legacy filter and AttributesToGet (never given beside their expressions).
    pub fn add_legacy(
        &mut self,
        filter_label: &'static str,
        filter: Option<Cond>,
        attributes_to_get: Option<&[String]>,
    ) -> Result<()> {
        if filter.is_some() {
            self.filter = filter;
            self.filter_label = filter_label;
        }
        if let Some(names) = attributes_to_get {
            self.projection = Some(crate::expr::legacy::attributes_to_get(names)?);
            self.projection_label = "AttributesToGet";
        }
        Ok(())
    }
    /// The parsed expressions, one line each, as `explain` shows them.
    pub fn describe(&self) -> String {
        let mut lines = Vec::new();
        if let Some(k) = &self.key {
            lines.push(format!("{}: {k}", self.key_label));
        }
        if let Some(f) = &self.filter {
            lines.push(format!("{}: {f}", self.filter_label));
        }
        if let Some(p) = &self.projection {
            let paths: Vec<String> = p.iter().map(ToString::to_string).collect();
            lines.push(format!("{}: {}", self.projection_label, paths.join(", ")));
        }
        if lines.is_empty() {
            lines.push("(no expressions)".to_string());
        }
        lines.join("\n")
    }
}

/// A key attribute of the queried key that a Query filter mentions, if any.
pub(crate) fn filter_key_attribute(c: &crate::expr::ir::Cond, key: &KeyDef) -> Option<String> {
    use crate::expr::ir::{Cond, Operand};
    let op_root = |o: &Operand| match o {
        Operand::Path(p) | Operand::Size(p) => Some(p.root().to_string()),
        Operand::Value(_) => None,
    };
    let roots: Vec<String> = match c {
        Cond::And(cs) | Cond::Or(cs) => {
            return cs.iter().find_map(|x| filter_key_attribute(x, key))
        }
        Cond::Not(x) => return filter_key_attribute(x, key),
        Cond::Const(_) => vec![],
        Cond::Cmp(_, a, b) | Cond::BeginsWith(a, b) | Cond::Contains(a, b) => {
            [a, b].into_iter().filter_map(op_root).collect()
        }
        Cond::Between(a, b, d) => [a, b, d].into_iter().filter_map(op_root).collect(),
        Cond::In(a, l) => std::iter::once(a).chain(l).filter_map(op_root).collect(),
        Cond::Exists(p) | Cond::NotExists(p) | Cond::AttrType(p, _) => vec![p.root().to_string()],
    };
    roots.into_iter().find(|r| key.has(r))
}

/// The index a Query or Scan names, with DynamoDB's checks on reading it.
pub(crate) fn resolve_index<'t>(
    t: &'t TableMeta,
    name: Option<&str>,
    consistent: bool,
    select: Option<&str>,
) -> Result<Option<&'t IndexMeta>> {
    let Some(name) = name else { return Ok(None) };
    let ix = t.indexes.iter().find(|i| i.name == name).ok_or_else(|| {
        Error::validation(format!(
            "The table does not have the specified index: {name}"
        ))
    })?;
    if ix.global && consistent {
        return Err(Error::validation(
            "Consistent reads are not supported on global secondary indexes",
        ));
    }
    if select == Some("ALL_ATTRIBUTES") && ix.global && ix.projection != ProjectionKind::All {
        return Err(Error::invalid_param(format!(
            "Select type ALL_ATTRIBUTES is not supported for global secondary index {} because its projection type is not ALL",
            ix.name
        )));
    }
    Ok(Some(ix))
}

/// Collects one page of a Query or Scan: Limit and the 1 MB page count evaluated items.
pub(crate) struct Page<'a> {
    t: &'a TableMeta,
    index: Option<&'a IndexMeta>,
    limit: usize,
    /// What earlier pages of the same read already evaluated (PartiQL over several partitions).
    spent: Spent,
    count_only: bool,
    all_attributes: bool,
    paths: Option<Vec<crate::expr::ir::Path>>,
    /// Keep passing items in the stored format: the wire path, with nothing projected away.
    stored: bool,
    items: Vec<PageItem>,
    scanned: usize,
    passed: usize,
    bytes: usize,
    last: Option<Item>,
}

/// An item of a page: still in the stored format (the wire path writes it as JSON straight
/// from its bytes), or decoded.
pub(crate) enum PageItem {
    Stored(Vec<u8>),
    Decoded(Item),
}

impl PageItem {
    /// Looks up one item by its encoded key, kept stored or decoded; with its size.
    pub fn get(
        state: &View<'_>,
        t: &TableMeta,
        (pk, sk): (&[u8], &[u8]),
        stored: bool,
    ) -> Result<Option<(PageItem, usize)>> {
        Ok(if stored {
            state
                .get_stored_item(t, pk, sk)?
                .map(|(raw, size)| (PageItem::Stored(raw), size))
        } else {
            state
                .get_item(t, pk, sk)?
                .map(|(item, size)| (PageItem::Decoded(item), size))
        })
    }

    /// The item decoded.
    pub fn into_item(self) -> Result<Item> {
        match self {
            PageItem::Stored(raw) => decode_item(&raw),
            PageItem::Decoded(item) => Ok(item),
        }
    }
}

impl serde::Serialize for PageItem {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            PageItem::Stored(raw) => crate::model::codec::StoredItem(raw).serialize(ser),
            PageItem::Decoded(item) => item.serialize(ser),
        }
    }
}

/// A finished page; serialises as the Query and Scan response.
#[derive(serde::Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PageOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<PageItem>>,
    pub count: i64,
    pub scanned_count: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_evaluated_key: Option<Item>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consumed_capacity: Option<crate::types::ConsumedCapacity>,
    /// Bytes evaluated (what the 1 MB page limit counts).
    #[serde(skip)]
    pub bytes: usize,
}

/// What a read of several pages in one (PartiQL SELECT over several partitions) has evaluated.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Spent {
    scanned: usize,
    bytes: usize,
}

impl Spent {
    /// Counts a finished page.
    pub fn add(&mut self, page: &PageOut) {
        self.scanned += page.scanned_count as usize;
        self.bytes += page.bytes;
    }
}

impl PageOut {
    /// The items decoded, for the typed API.
    pub fn items(&mut self) -> Result<Option<Vec<Item>>> {
        self.items
            .take()
            .map(|v| v.into_iter().map(PageItem::into_item).collect())
            .transpose()
    }
}

impl<'a> Page<'a> {
    pub fn new(
        t: &'a TableMeta,
        index: Option<&'a IndexMeta>,
        limit: Option<i32>,
        select: Option<&str>,
        paths: Option<Vec<crate::expr::ir::Path>>,
    ) -> Page<'a> {
        Page {
            t,
            index,
            limit: limit.map_or(usize::MAX, |l| l as usize),
            spent: Spent::default(),
            count_only: select == Some("COUNT"),
            all_attributes: select == Some("ALL_ATTRIBUTES"),
            paths,
            stored: false,
            items: Vec::new(),
            scanned: 0,
            passed: 0,
            bytes: 0,
            last: None,
        }
    }

    /// Keeps passing items in the stored format when nothing is projected away, for a
    /// response written straight from the stored bytes.
    pub fn stored(mut self) -> Self {
        self.stored = self.paths.is_none()
            && self
                .index
                .is_none_or(|ix| ix.projection == ProjectionKind::All || self.all_attributes);
        self
    }

    /// Takes one stored item; false once the page is full.
    pub fn visit(&mut self, raw: &[u8], size: usize, passed: bool) -> Result<bool> {
        self.scanned += 1;
        self.bytes += size;
        let stop = self.spent.scanned + self.scanned >= self.limit
            || self.spent.bytes + self.bytes >= PAGE_BYTES;
        if !passed || self.count_only || self.stored {
            // Nothing to decode but the key, and only if it ends the page.
            if stop {
                let keys = crate::model::codec::decode_attributes(raw, |n| {
                    self.t.key.has(n) || self.index.is_some_and(|ix| ix.key.has(n))
                })?;
                self.last = Some(evaluated_key(self.t, self.index, &keys));
            }
            if passed {
                self.passed += 1;
                if !self.count_only {
                    self.items.push(PageItem::Stored(raw.to_vec()));
                }
            }
            return Ok(!stop);
        }
        self.passed += 1;
        let item = decode_item(raw)?;
        if stop {
            self.last = Some(evaluated_key(self.t, self.index, &item));
        }
        let item = match self.index {
            // A KEYS_ONLY or INCLUDE index holds only its projected attributes.
            Some(ix) if ix.projection != ProjectionKind::All && !self.all_attributes => item
                .into_iter()
                .filter(|(n, _)| ix.projects(&self.t.key, n))
                .collect(),
            _ => item,
        };
        self.items.push(PageItem::Decoded(match &self.paths {
            Some(p) => projection::apply(&item, p),
            None => item,
        }));
        Ok(!stop)
    }

    /// Runs a planned Query or Scan statement into this page; capacity is charged on the
    /// bytes evaluated, to the index when one is read (ReturnConsumedCapacity `mode`).
    pub fn read(
        mut self,
        state: &View<'_>,
        read: &ReadSql,
        consistent: bool,
        mode: Option<&str>,
    ) -> Result<PageOut> {
        state.run_read(read, |raw, size, passed| self.visit(raw, size, passed))?;
        let units = self.bytes.div_ceil(4096).max(1) as f64 * if consistent { 1.0 } else { 0.5 };
        Ok(PageOut {
            consumed_capacity: read_capacity(mode, self.t, self.index, units),
            items: (!self.count_only).then_some(self.items),
            count: self.passed as i64,
            scanned_count: self.scanned as i64,
            last_evaluated_key: self.last,
            bytes: self.bytes,
        })
    }
}

/// The key attributes that identify an evaluated item on the table or index.
pub(crate) fn evaluated_key(t: &TableMeta, index: Option<&IndexMeta>, item: &Item) -> Item {
    let keys = t
        .key
        .attrs()
        .chain(index.into_iter().flat_map(|ix| ix.key.attrs()));
    keys.filter_map(|a| item.get(&a.name).map(|v| (a.name.clone(), v.clone())))
        .collect()
}

/// Encodes an ExclusiveStartKey into the position to continue after.
/// Encodes an ExclusiveStartKey into the position to continue after: within a partition for
/// a Query, over the whole table or index for a Scan (`whole`).
pub(crate) fn start_key(
    t: &TableMeta,
    index: Option<&IndexMeta>,
    esk: &Item,
    whole: bool,
) -> Result<Vec<Vec<u8>>> {
    let invalid = || {
        Error::validation("The provided starting key is invalid: The provided key element does not match the schema")
    };
    let enc = |def: &KeyDef, hash: bool| -> Result<Vec<u8>> {
        let attr = if hash {
            Some(&def.hash)
        } else {
            def.range.as_ref()
        };
        match attr {
            None => Ok(Vec::new()),
            Some(a) => {
                let v = esk.get(&a.name).ok_or_else(invalid)?;
                if ScalarType::of(v) != Some(a.ty) {
                    return Err(invalid());
                }
                encode_key_value(v).map_err(|_| invalid())
            }
        }
    };
    let expected = t.key.attrs().count()
        + index.map_or(0, |ix| {
            ix.key.attrs().filter(|a| !t.key.has(&a.name)).count()
        });
    if esk.len() != expected {
        return Err(invalid());
    }
    let (pk, sk) = (enc(&t.key, true)?, enc(&t.key, false)?);
    Ok(match (index, whole) {
        (None, false) => vec![sk],
        (None, true) => vec![pk, sk],
        (Some(ix), false) => vec![enc(&ix.key, false)?, pk, sk],
        (Some(ix), true) => vec![enc(&ix.key, true)?, enc(&ix.key, false)?, pk, sk],
    })
}
