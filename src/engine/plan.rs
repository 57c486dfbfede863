//! Reads as plans. A [`ReadPlan`] is what a Query or Scan reads, built by any front end
//! (Query, Scan, PartiQL SELECT) from its own request: the table or index, one partition's key
//! range or the whole key space (or one parallel-scan segment of it), the filter in the IR and
//! lowered to SQL, the projection, Select, Limit, the start key, direction, consistency and
//! capacity mode. [`ReadPlan::execute`] runs it (one statement, one page) and
//! [`ReadPlan::explain`] prints it; both use the same SQL.

use super::capacity::ReturnCapacity;
use super::explain::Explain;
use super::page::{Page, PageItem, PageOut, Spent};
use crate::error::{Error, Result};
use crate::expr::ir::{Cond, Path};
use crate::expr::lower::{lower, Lowered};
use crate::expr::optimize::key_range::{key_range, KeyRange, KeyShape};
use crate::expr::optimize::optimize_traced;
use crate::expr::{
    check_placeholders_used_with_expressions, parse_condition, projection, ExprKind, Placeholders,
};
use crate::model::key::{encode_key_value, ScalarType};
use crate::model::value::Item;
use crate::storage::read::{partition_sql, scan_sql, ReadSql, View};
use crate::storage::schema::{IndexMeta, KeyDef, ProjectionKind, TableMeta};

/// Select, parsed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Select {
    /// Not given: the table's attributes, or the index's projected ones.
    Default,
    AllAttributes,
    AllProjectedAttributes,
    SpecificAttributes,
    Count,
}

impl Select {
    /// The member's value (already checked against the enum).
    pub fn parse(v: Option<&str>) -> Select {
        match v {
            Some("ALL_ATTRIBUTES") => Select::AllAttributes,
            Some("ALL_PROJECTED_ATTRIBUTES") => Select::AllProjectedAttributes,
            Some("SPECIFIC_ATTRIBUTES") => Select::SpecificAttributes,
            Some("COUNT") => Select::Count,
            _ => Select::Default,
        }
    }
}

/// A read of one item by its encoded key: the plan of GetItem, BatchGetItem,
/// TransactGetItems and PartiQL's keyed reads in batches and transactions.
pub(crate) struct KeyRead<'s, 'p> {
    pub t: &'s TableMeta,
    pub pk: &'p [u8],
    pub sk: &'p [u8],
    /// ProjectionExpression or AttributesToGet, applied to the item found.
    pub projection: Option<&'p [Path]>,
}

impl KeyRead<'_, '_> {
    /// The item (projected; kept in the stored format when `stored` and nothing is projected
    /// away) and the size of the whole stored item, which capacity is charged on (0 when
    /// there is none).
    pub fn execute(&self, view: &View<'_>, stored: bool) -> Result<(Option<PageItem>, usize)> {
        let found = PageItem::get(view, self.t, (self.pk, self.sk), stored)?;
        Ok(match (found, self.projection) {
            (None, _) => (None, 0),
            (Some((item, size)), None) => (Some(item), size),
            (Some((item, size)), Some(paths)) => (
                Some(PageItem::Decoded(projection::apply(
                    &item.into_item()?,
                    paths,
                ))),
                size,
            ),
        })
    }

    /// What `explain` prints: `ir` (the request's key and expressions), the lookup on the
    /// clustered key, and its statement.
    pub fn explain(&self, view: &View<'_>, head: &str, mut ir: Vec<String>) -> Result<Explain> {
        let mut optimized = vec![
            format!("{head} table={:?}", self.t.desc.table_name),
            format!(
                "  KeyLookup: pk = {}, sk = {}",
                crate::model::key::hex(self.pk),
                crate::model::key::hex(self.sk)
            ),
        ];
        if let Some(paths) = self.projection {
            let paths: Vec<String> = paths.iter().map(ToString::to_string).collect();
            ir.push(format!("ProjectionExpression: {}", paths.join(", ")));
            optimized.push(format!("  Projection: {}", paths.join(", ")));
        }
        let read = ReadSql {
            sql: self.t.sql.select.clone(),
            params: vec![
                rusqlite::types::Value::Blob(self.pk.to_vec()),
                rusqlite::types::Value::Blob(self.sk.to_vec()),
            ],
        };
        explained(view, ir.join("\n"), optimized, read)
    }
}

/// The shape of a table's or index's key, as the key-condition compiler takes it.
pub(crate) fn key_shape(key: &KeyDef) -> KeyShape<'_> {
    KeyShape {
        hash: (key.hash.name.as_str(), key.hash.ty),
        range: key.range.as_ref().map(|r| (r.name.as_str(), r.ty)),
    }
}

/// Where a plan reads.
#[derive(Clone, Debug)]
pub(crate) enum Access {
    /// One partition within sort-key bounds, in key order or backward (Query).
    Partition { range: KeyRange, forward: bool },
    /// The whole table or index in key order, or one parallel-scan segment `(segment, total)`
    /// of it (Scan).
    Scan { segment: Option<(i64, i64)> },
}

/// The options of a read besides its expressions.
#[derive(Clone, Copy)]
pub(crate) struct ReadOptions<'r> {
    pub select: Select,
    pub limit: Option<i32>,
    pub exclusive_start_key: Option<&'r Item>,
    /// ScanIndexForward (Query only).
    pub forward: bool,
    pub consistent: bool,
    pub capacity: ReturnCapacity,
}

/// A planned Query or Scan: everything it reads and how, and the SQL that reads it.
pub(crate) struct ReadPlan<'s> {
    pub t: &'s TableMeta,
    pub index: Option<&'s IndexMeta>,
    pub access: Access,
    /// The expressions as parsed, for the page's projection and for `explain`.
    pub exprs: ReadExpressions,
    /// KeyConditions compiled into the IR (a KeyConditionExpression is in `exprs`).
    pub legacy_key: Option<Cond>,
    pub filter: Option<Optimized>,
    pub select: Select,
    pub limit: Option<i32>,
    pub consistent: bool,
    pub capacity: ReturnCapacity,
    /// The statement, built once: what runs is what `explain` shows.
    pub read: ReadSql,
}

impl<'s> ReadPlan<'s> {
    /// Plans a read of one partition of `t` (or of `index`): the key condition (in `exprs`,
    /// or KeyConditions in `legacy_key`) becomes the key range, the filter is optimised and
    /// lowered. Checks in DynamoDB's order: key condition, filter on a key attribute, start key.
    pub fn partition(
        t: &'s TableMeta,
        index: Option<&'s IndexMeta>,
        exprs: ReadExpressions,
        legacy_key: Option<Cond>,
        o: ReadOptions<'_>,
    ) -> Result<ReadPlan<'s>> {
        let key = index.map_or(&t.key, |ix| &ix.key);
        let shape = key_shape(key);
        let key_cond = exprs.key.as_ref().or(legacy_key.as_ref()).ok_or_else(|| {
            Error::validation(
                "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.",
            )
        })?;
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
        let start_after = match o.exclusive_start_key {
            Some(esk) => Some(start_key(t, index, esk, false)?),
            None => None,
        };
        let read = partition_sql(
            t,
            index,
            &range,
            start_after.as_deref(),
            o.forward,
            filter.as_ref().and_then(|f| f.lowered.as_ref()),
        );
        Ok(Self::new(
            t,
            index,
            Access::Partition {
                range,
                forward: o.forward,
            },
            exprs,
            legacy_key,
            filter,
            o,
            read,
        ))
    }

    /// Plans a read of the whole of `t` (or of `index`), or of one parallel-scan segment.
    pub fn scan(
        t: &'s TableMeta,
        index: Option<&'s IndexMeta>,
        exprs: ReadExpressions,
        segment: Option<(i64, i64)>,
        o: ReadOptions<'_>,
    ) -> Result<ReadPlan<'s>> {
        let start_after = match o.exclusive_start_key {
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
        Ok(Self::new(
            t,
            index,
            Access::Scan { segment },
            exprs,
            None,
            filter,
            o,
            read,
        ))
    }

    #[allow(clippy::too_many_arguments)]
    fn new(
        t: &'s TableMeta,
        index: Option<&'s IndexMeta>,
        access: Access,
        exprs: ReadExpressions,
        legacy_key: Option<Cond>,
        filter: Option<Optimized>,
        o: ReadOptions<'_>,
        read: ReadSql,
    ) -> ReadPlan<'s> {
        ReadPlan {
            t,
            index,
            access,
            exprs,
            legacy_key,
            filter,
            select: o.select,
            limit: o.limit,
            consistent: o.consistent,
            capacity: o.capacity,
            read,
        }
    }

    /// Runs the plan into one page, after what earlier pages of the same read evaluated
    /// (`spent`); `stored` keeps whole items in the stored format (the wire path).
    pub fn execute(self, view: &View<'_>, stored: bool, spent: Spent) -> Result<PageOut> {
        let mut page = Page::new(
            self.t,
            self.index,
            self.limit,
            self.select,
            self.exprs.projection,
        )
        .after(spent);
        if stored {
            page = page.stored();
        }
        page.read(view, &self.read, self.consistent, self.capacity)
    }

    /// What `explain` prints: the expressions as parsed, the plan, the SQL and SQLite's
    /// query plan for it.
    pub fn explain(&self, view: &View<'_>) -> Result<Explain> {
        let (kind, extra) = match &self.access {
            Access::Partition { forward, .. } => ("Query", (!forward).then(|| " backward".into())),
            Access::Scan { segment } => (
                "Scan",
                segment.map(|(seg, total)| format!(" segment={seg}/{total}")),
            ),
        };
        let mut head = format!("{kind} table={:?}", self.t.desc.table_name);
        if let Some(ix) = self.index {
            head.push_str(&format!(" index={:?}", ix.name));
        }
        head.push_str(&extra.unwrap_or_default());
        if let Some(l) = self.limit {
            head.push_str(&format!(" limit={l}"));
        }
        let mut optimized = vec![head];
        if let Access::Partition { range, .. } = &self.access {
            optimized.push(format!("  KeyRange: {range}"));
        }
        describe_read(&self.exprs, self.filter.as_ref(), &mut optimized);
        let mut ir = self.exprs.describe();
        if let Some(k) = &self.legacy_key {
            ir = format!("KeyConditions: {k}\n{ir}");
        }
        explained(view, ir, optimized, self.read.clone())
    }
}

/// The optimised filter's and projection's lines of an explained Query or Scan.
fn describe_read(exprs: &ReadExpressions, filter: Option<&Optimized>, out: &mut Vec<String>) {
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
fn explained(
    state: &View<'_>,
    ir: String,
    optimized: Vec<String>,
    read: ReadSql,
) -> Result<Explain> {
    Ok(Explain {
        ir,
        optimized_ir: optimized.join("\n"),
        plan: state.query_plan(&read.sql, &read.params)?,
        params: read.params.iter().map(super::explain::literal).collect(),
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
    pub projection: Option<Vec<Path>>,
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
pub(crate) fn filter_key_attribute(c: &Cond, key: &KeyDef) -> Option<String> {
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
    select: Select,
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
    if select == Select::AllAttributes && ix.global && ix.projection != ProjectionKind::All {
        return Err(Error::invalid_param(format!(
            "Select type ALL_ATTRIBUTES is not supported for global secondary index {} because its projection type is not ALL",
            ix.name
        )));
    }
    Ok(Some(ix))
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
