//! PartiQL: a statement is parsed by `grammar/partiql.pest` into [`ast`], its parameters are
//! bound, and its WHERE becomes the same IR as the expression languages. A SELECT then runs
//! as a Query (when the WHERE fixes the partition key) or a Scan with the filter in SQL;
//! INSERT, UPDATE and DELETE go through the one write path with compiled conditions.

pub mod ast;
pub(crate) mod batch;

use crate::engine::capacity::ReturnCapacity;
use crate::engine::handle::Engine;
use crate::engine::page::Spent;
use crate::engine::plan::{filter_key_attribute, ReadExpressions, ReadOptions, ReadPlan, Select};
use crate::engine::update::{Returned, UpdateAction};
use crate::error::{Error, ErrorCode, Result};
use crate::expr::ir::{self, CmpOp, Path, PathElem};
use crate::expr::update::{SetOperand, SetValue, Update};
use crate::model::codec::{check_value, encode_item};
use crate::model::key::{encode_key_value, ScalarType};
use crate::model::value::{AttributeValue, Item};
use crate::ops::common::EmptyKeyWording;
use crate::ops::common::{check_index_keys, check_item_size, key_of_item, key_of_key};
use crate::ops::single_write::{check_condition, execute, WriteMembers};
use crate::storage::read::View;
use crate::storage::schema::TableMeta;
use crate::types::{ExecuteStatementInput, ExecuteStatementOutput};
use crate::validate::{enums, Constraints};
use ast::{Returning, Statement};
use base64::Engine as _;
use sha2::{Digest, Sha256};

/// The longest statement DynamoDB accepts.
const MAX_STATEMENT: usize = 8192;

fn param_count_error() -> Error {
    Error::validation("Number of parameters in request and statement don't match.")
}

/// A statement with its parameters, parsed and checked against the parameter count.
pub(crate) struct Prepared<'a> {
    pub statement: Statement,
    pub params: &'a [AttributeValue],
}

impl<'a> Prepared<'a> {
    /// Parses `text` and checks that `params` covers its `?`s.
    pub fn new(text: &'a str, params: Option<&'a [AttributeValue]>) -> Result<Prepared<'a>> {
        let (statement, count) = ast::parse_counted(text)?;
        let params = params.unwrap_or_default();
        if params.len() < count {
            return Err(param_count_error());
        }
        for p in params {
            check_value(p)?;
        }
        Ok(Prepared { statement, params })
    }

    /// The table the statement names.
    pub fn table(&self) -> &str {
        let statement = match &self.statement {
            Statement::Exists(inner) => inner,
            other => other,
        };
        match statement {
            Statement::Select { source, .. } => source.first().map_or("", String::as_str),
            Statement::Insert { table, .. }
            | Statement::Update { table, .. }
            | Statement::Delete { table, .. } => table,
            Statement::Exists(_) => "",
        }
    }
}

/// Binds a literal: parameters replaced, numbers and sets checked.
pub(crate) fn bind(v: &ast::Value, params: &[AttributeValue]) -> Result<AttributeValue> {
    bind_at(v, params, "root")
}

/// [`bind`] for the value at `at` (`root`, `root.x`, `root[1]`), which number errors name.
fn bind_at(v: &ast::Value, params: &[AttributeValue], at: &str) -> Result<AttributeValue> {
    use ast::Value as V;
    let out = match v {
        V::Param(i) => params.get(*i).cloned().ok_or_else(param_count_error)?,
        V::S(s) => AttributeValue::S(s.clone()),
        V::N(n) => {
            crate::model::number::Number::parse(n)
                .map_err(|e| Error::validation(format!("{} under {at}", e.message())))?;
            AttributeValue::N(n.clone())
        }
        V::Bool(b) => AttributeValue::Bool(*b),
        V::Null => AttributeValue::Null(true),
        V::Tuple(pairs) => {
            let mut m = Item::new();
            for (k, x) in pairs {
                let v = bind_at(x, params, &format!("{at}.{k}"))?;
                if m.insert(k.clone(), v).is_some() {
                    return Err(Error::validation(format!(
                        "Duplicate keys in tuple. Key: {k} under {at}"
                    )));
                }
            }
            AttributeValue::M(m)
        }
        V::List(xs) => AttributeValue::L(
            xs.iter()
                .enumerate()
                .map(|(i, x)| bind_at(x, params, &format!("{at}[{i}]")))
                .collect::<Result<_>>()?,
        ),
        V::Set(xs) => {
            if xs.is_empty() {
                return Err(Error::validation("Empty bags are not supported"));
            }
            if xs.iter().any(|x| matches!(x, V::Param(_))) {
                return Err(Error::validation(
                    "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags",
                ));
            }
            let vals: Vec<AttributeValue> =
                xs.iter().map(|x| bind(x, params)).collect::<Result<_>>()?;
            let unsupported = || {
                Error::validation(
                    "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags",
                )
            };
            match &vals[0] {
                AttributeValue::S(_) => AttributeValue::Ss(
                    vals.into_iter()
                        .map(|v| match v {
                            AttributeValue::S(s) => Ok(s),
                            _ => Err(unsupported()),
                        })
                        .collect::<Result<_>>()?,
                ),
                AttributeValue::N(_) => AttributeValue::Ns(
                    vals.into_iter()
                        .map(|v| match v {
                            AttributeValue::N(n) => Ok(n),
                            _ => Err(unsupported()),
                        })
                        .collect::<Result<_>>()?,
                ),
                _ => return Err(unsupported()),
            }
        }
    };
    check_value(&out)?;
    Ok(out)
}

fn requires_path(f: &str) -> Error {
    Error::validation(format!(
        "Operator or function requires a document path; operator or function: {f}"
    ))
}

fn operand_count(f: &str, n: usize) -> Error {
    Error::validation(format!(
        "Incorrect number of operands for operator or function; operator or function: {f}, number of operands: {n}"
    ))
}

fn unrecognized(f: &str) -> Error {
    Error::validation(format!("Unrecognized function: {f}"))
}

fn operand(o: &ast::Operand, params: &[AttributeValue]) -> Result<ir::Operand> {
    Ok(match o {
        ast::Operand::Path(p) => ir::Operand::Path(p.clone()),
        ast::Operand::Value(v) => ir::Operand::Value(bind(v, params)?),
        ast::Operand::Call(f, args) if f == "size" => match args.as_slice() {
            [ast::Operand::Path(p)] => ir::Operand::Size(p.clone()),
            [_] => return Err(requires_path(f)),
            _ => return Err(operand_count(f, args.len())),
        },
        ast::Operand::Call(f, _) => return Err(unrecognized(f)),
    })
}

fn path_of(o: &ast::Operand, f: &str) -> Result<Path> {
    match o {
        ast::Operand::Path(p) => Ok(p.clone()),
        _ => Err(requires_path(f)),
    }
}

/// A WHERE condition in the IR, parameters bound.
pub(crate) fn condition(c: &ast::Cond, params: &[AttributeValue]) -> Result<ir::Cond> {
    use ast::Cond as C;
    let list =
        |cs: &[C]| -> Result<Vec<ir::Cond>> { cs.iter().map(|c| condition(c, params)).collect() };
    Ok(match c {
        C::Or(cs) => ir::Cond::Or(list(cs)?),
        C::And(cs) => ir::Cond::And(list(cs)?),
        C::Not(x) => ir::Cond::Not(Box::new(condition(x, params)?)),
        // `attribute_exists(x) = true` and the like: a boolean function compared with a boolean.
        C::Cmp(op, ast::Operand::Call(f, args), ast::Operand::Value(ast::Value::Bool(b)))
        | C::Cmp(op, ast::Operand::Value(ast::Value::Bool(b)), ast::Operand::Call(f, args))
            if f != "size" && (op == "=" || op == "<>") =>
        {
            let c = condition(&C::Call(f.clone(), args.clone()), params)?;
            if (op == "=") == *b {
                c
            } else {
                ir::Cond::Not(Box::new(c))
            }
        }
        C::Cmp(op, a, b) => {
            let op = CmpOp::from_symbol(op).expect("the grammar admits these operators only");
            let (a, b) = (operand(a, params)?, operand(b, params)?);
            if !matches!(op, CmpOp::Eq | CmpOp::Ne) {
                ordered(op.symbol(), &[&a, &b])?;
            }
            ir::Cond::Cmp(op, a, b)
        }
        C::Between(a, lo, hi) => {
            let ops = [
                operand(a, params)?,
                operand(lo, params)?,
                operand(hi, params)?,
            ];
            ordered("BETWEEN", &ops.iter().collect::<Vec<_>>())?;
            let [a, lo, hi] = ops;
            ir::Cond::Between(a, lo, hi)
        }
        C::In(a, list) => ir::Cond::In(
            operand(a, params)?,
            list.iter()
                .map(|x| operand(x, params))
                .collect::<Result<_>>()?,
        ),
        C::Is(a, negated, what) => {
            let p = path_of(a, "IS")?;
            let missing = ir::Cond::NotExists(p.clone());
            let is = match what.as_str() {
                "MISSING" => missing,
                // PartiQL: a missing attribute IS NULL too.
                _ => ir::Cond::Or(vec![
                    missing,
                    ir::Cond::AttrType(p, ir::Operand::Value(AttributeValue::S("NULL".into()))),
                ]),
            };
            if *negated {
                ir::Cond::Not(Box::new(is))
            } else {
                is
            }
        }
        C::Call(f, args) => {
            let arity = |n: usize| {
                if args.len() == n {
                    Ok(())
                } else {
                    Err(operand_count(f, args.len()))
                }
            };
            match f.as_str() {
                "attribute_exists" | "attribute_not_exists" => {
                    arity(1)?;
                    let p = path_of(&args[0], f)?;
                    if f == "attribute_exists" {
                        ir::Cond::Exists(p)
                    } else {
                        ir::Cond::NotExists(p)
                    }
                }
                "attribute_type" => {
                    arity(2)?;
                    let t = operand(&args[1], params)?;
                    attribute_type_name(&t)?;
                    ir::Cond::AttrType(path_of(&args[0], f)?, t)
                }
                "begins_with" => {
                    arity(2)?;
                    ir::Cond::BeginsWith(operand(&args[0], params)?, operand(&args[1], params)?)
                }
                "contains" => {
                    arity(2)?;
                    ir::Cond::Contains(operand(&args[0], params)?, operand(&args[1], params)?)
                }
                _ => return Err(unrecognized(f)),
            }
        }
    })
}

/// attribute_type's second operand: a type name such as `'SS'`.
fn attribute_type_name(t: &ir::Operand) -> Result<()> {
    const TYPES: &[&str] = &["S", "SS", "N", "NS", "B", "BS", "BOOL", "NULL", "L", "M"];
    match t {
        ir::Operand::Value(AttributeValue::S(name)) if TYPES.contains(&name.as_str()) => Ok(()),
        ir::Operand::Value(AttributeValue::S(name)) => Err(Error::validation(format!(
            "Invalid attribute type name found; type: {name}, valid types: {{ B,BOOL,BS,L,M,N,NS,NULL,S,SS }}"
        ))),
        ir::Operand::Value(v) => Err(Error::validation(format!(
            "Incorrect operand type for operator or function; operator or function: attribute_type, operand type: {}",
            v.type_name()
        ))),
        _ => Err(Error::validation(
            "Incorrect operand type for operator or function; operator or function: attribute_type, operand type: PATH",
        )),
    }
}

/// Ordering operators take S, N or B literals only.
fn ordered(op: &str, operands: &[&ir::Operand]) -> Result<()> {
    for o in operands {
        if let ir::Operand::Value(v) = o {
            if !matches!(v.type_name(), "S" | "N" | "B") {
                return Err(Error::validation(format!(
                    "Incorrect operand type for operator or function; operator or function: {op}, operand type: {}",
                    v.type_name()
                )));
            }
        }
    }
    Ok(())
}

fn conjuncts(c: ir::Cond) -> Vec<ir::Cond> {
    match c {
        ir::Cond::And(cs) => cs.into_iter().flat_map(conjuncts).collect(),
        other => vec![other],
    }
}

fn and(mut cs: Vec<ir::Cond>) -> Option<ir::Cond> {
    match cs.len() {
        0 => None,
        1 => cs.pop(),
        _ => Some(ir::Cond::And(cs)),
    }
}

/// `name = value` (either way round) on a top-level attribute.
fn equality(c: &ir::Cond) -> Option<(&str, &AttributeValue)> {
    match c {
        ir::Cond::Cmp(CmpOp::Eq, ir::Operand::Path(p), ir::Operand::Value(v))
        | ir::Cond::Cmp(CmpOp::Eq, ir::Operand::Value(v), ir::Operand::Path(p)) => {
            match p.0.as_slice() {
                [PathElem::Attr(a)] => Some((a, v)),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The partition-key values one conjunct fixes, in the order written, each once:
/// `pk = v`, `pk IN [v, ...]` or an OR of `pk = v`.
fn hash_values(c: &ir::Cond, name: &str, ty: ScalarType) -> Option<Vec<AttributeValue>> {
    let typed = |v: &AttributeValue| ScalarType::of(v) == Some(ty);
    let single = |c: &ir::Cond| {
        equality(c)
            .filter(|(n, v)| *n == name && typed(v))
            .map(|(_, v)| v.clone())
    };
    let values: Vec<AttributeValue> = match c {
        ir::Cond::In(ir::Operand::Path(p), list)
            if p.0.as_slice() == [PathElem::Attr(name.to_string())] =>
        {
            list.iter()
                .map(|o| match o {
                    ir::Operand::Value(v) if typed(v) => Some(v.clone()),
                    _ => None,
                })
                .collect::<Option<_>>()?
        }
        ir::Cond::Or(cs) => cs.iter().map(single).collect::<Option<_>>()?,
        _ => vec![single(c)?],
    };
    // `1` and `1.0` name the same partition.
    let mut seen = std::collections::HashSet::new();
    let values: Vec<AttributeValue> = values
        .into_iter()
        .filter(|v| encode_key_value(v).map_or(true, |k| seen.insert(k)))
        .collect();
    (!values.is_empty()).then_some(values)
}

/// `name = value` as a key condition.
fn hash_equality(name: &str, value: AttributeValue) -> ir::Cond {
    ir::Cond::Cmp(
        CmpOp::Eq,
        ir::Operand::Path(Path(vec![PathElem::Attr(name.to_string())])),
        ir::Operand::Value(value),
    )
}

/// A condition on the sort key that a key range can express.
fn sort_key_condition(c: &ir::Cond, name: &str, ty: ScalarType) -> bool {
    let is_key = |o: &ir::Operand| matches!(o, ir::Operand::Path(p) if p.0 == [PathElem::Attr(name.to_string())]);
    let typed =
        |o: &ir::Operand| matches!(o, ir::Operand::Value(v) if ScalarType::of(v) == Some(ty));
    match c {
        ir::Cond::Cmp(CmpOp::Ne, ..) => false,
        ir::Cond::Cmp(_, a, b) => (is_key(a) && typed(b)) || (typed(a) && is_key(b)),
        ir::Cond::Between(a, lo, hi) => is_key(a) && typed(lo) && typed(hi),
        ir::Cond::BeginsWith(a, b) => ty != ScalarType::N && is_key(a) && typed(b),
        _ => false,
    }
}

/// A key plus the rest of a WHERE: UPDATE and DELETE need an equality on every key attribute.
fn split_key(t: &TableMeta, c: ir::Cond) -> Result<(Item, Option<ir::Cond>)> {
    let mut key = Item::new();
    let mut rest = Vec::new();
    for part in conjuncts(c) {
        match equality(&part) {
            Some((name, v)) if t.key.has(name) => {
                if key.insert(name.to_string(), v.clone()).is_some() {
                    return Err(Error::validation(format!(
                        "Multiple conditions on same key {name}. Only single item Update/Insert/Delete are supported"
                    )));
                }
            }
            _ => rest.push(part),
        }
    }
    if key.len() != t.key.attrs().count() {
        return Err(Error::validation(
            "Where clause does not contain a mandatory equality on all key attributes",
        ));
    }
    if t.key
        .attrs()
        .any(|a| ScalarType::of(&key[&a.name]) != Some(a.ty))
    {
        return Err(Error::validation(
            "Key attribute's data type should match its data type in table's schema",
        ));
    }
    Ok((key, and(rest)))
}

/// What a NextToken is bound to: the statement and its parameters.
fn digest(req: &ExecuteStatementInput) -> String {
    let mut h = Sha256::new();
    h.update(req.statement.as_deref().unwrap_or_default().as_bytes());
    h.update(serde_json::to_vec(&req.parameters).unwrap_or_default());
    h.finalize()[..12]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The NextToken of a SELECT: where it stopped, bound to the statement and its parameters.
fn next_token(req: &ExecuteStatementInput, lek: &Item) -> String {
    let body = serde_json::json!({"d": digest(req), "k": lek});
    base64::engine::general_purpose::STANDARD.encode(body.to_string())
}

fn start_key(req: &ExecuteStatementInput) -> Result<Option<Item>> {
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
fn projected_name(p: &Path) -> String {
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
fn check_projection(paths: &[Path]) -> Result<()> {
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

fn project(item: Item, paths: &[Path]) -> Item {
    let mut out = Item::new();
    for p in paths {
        if let Some(v) = crate::expr::eval::get(&item, p) {
            out.insert(projected_name(p), v.clone());
        }
    }
    out
}

fn check_request(req: &ExecuteStatementInput) -> Result<&str> {
    let mut c = Constraints::default();
    if let Some(s) = c.not_null("statement", &req.statement) {
        c.length("statement", s, s.len(), 1, MAX_STATEMENT);
    }
    if let Some(limit) = req.limit {
        c.range("limit", i64::from(limit), 1, None);
    }
    if let Some(t) = &req.next_token {
        c.length("nextToken", t, t.chars().count(), 1, 32768);
    }
    c.return_consumed_capacity(req.return_consumed_capacity.as_deref());
    c.one_of(
        "returnValuesOnConditionCheckFailure",
        req.return_values_on_condition_check_failure.as_deref(),
        enums::RETURN_VALUES_ON_CONDITION_CHECK_FAILURE,
    );
    c.finish()?;
    Ok(req.statement.as_deref().expect("checked not null"))
}

/// The explanation of a PartiQL SELECT: the Query or Scan it becomes.
pub(crate) fn explain(
    db: &Engine,
    req: ExecuteStatementInput,
) -> Result<crate::engine::explain::Explain> {
    let text = check_request(&req)?;
    let prepared = Prepared::new(text, req.parameters.as_deref())?;
    if !prepared.statement.is_read() {
        return Err(Error::validation(
            "explain covers SELECT statements; INSERT, UPDATE and DELETE write one item by key",
        ));
    }
    let guard = db.read()?;
    let view = guard.view();
    let plans = plan_select(&view, &req, &prepared)?;
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

/// ExecuteStatement.
pub(crate) fn execute_statement(
    db: &Engine,
    req: ExecuteStatementInput,
) -> Result<ExecuteStatementOutput> {
    let text = check_request(&req)?;
    let prepared = Prepared::new(text, req.parameters.as_deref())?;
    if matches!(prepared.statement, Statement::Exists(_)) {
        return Err(exists_outside_transaction());
    }
    if req.next_token.is_some() && !prepared.statement.is_read() {
        return Err(Error::validation(
            "NextToken is only valid on a SELECT statement",
        ));
    }
    let options = WriteOptions {
        return_consumed_capacity: req.return_consumed_capacity.as_deref(),
        return_values_on_condition_check_failure: req
            .return_values_on_condition_check_failure
            .as_deref(),
    };
    match &prepared.statement {
        Statement::Select { .. } => select(db, &req, &prepared),
        _ => {
            let out = write(db, &prepared, &options)?;
            Ok(ExecuteStatementOutput {
                items: out.item.into_iter().collect(),
                consumed_capacity: out.consumed_capacity,
                ..Default::default()
            })
        }
    }
}

/// Decides how a SELECT reads: one partition plan per partition its WHERE fixes (of the
/// table or index; the matching sort-key condition joins each key range), in the order
/// written, else one Scan plan. The plans form one page together.
fn plan_select<'s>(
    view: &View<'s>,
    req: &ExecuteStatementInput,
    p: &Prepared<'_>,
) -> Result<Vec<ReadPlan<'s>>> {
    let Statement::Select {
        projection,
        source,
        condition: where_,
        order,
    } = &p.statement
    else {
        unreachable!("called for SELECT")
    };
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
    if let Some(paths) = projection {
        check_projection(paths)?;
    }
    let cond = where_
        .as_ref()
        .map(|c| condition(c, p.params))
        .transpose()?;
    let (table, index) = (source[0].clone(), source.get(1).cloned());
    let consistent = req.consistent_read.unwrap_or(false);

    // The key being read decides between a Query and a Scan.
    let t = view.table(&table).ok_or_else(Error::resource_not_found)?;
    let ix = match &index {
        None => None,
        Some(name) => Some(
            t.indexes
                .iter()
                .find(|ix| &ix.name == name)
                .ok_or_else(|| Error::validation("The table does not have the specified index"))?,
        ),
    };
    let key = ix.map_or(&t.key, |ix| &ix.key);
    if consistent && ix.is_some_and(|ix| ix.global) {
        return Err(Error::validation(
            "Strongly consistent read is not supported on Global Secondary Indexes",
        ));
    }
    // The partition key first (`pk = v`, or several partitions from `pk IN [...]` or an OR of
    // `pk = ...`: one Query each), then the first sort-key condition that fits, wherever they
    // stand in the WHERE.
    let mut rest: Vec<ir::Cond> = cond.clone().map(conjuncts).unwrap_or_default();
    let mut key_parts = Vec::new();
    let mut partitions = Vec::new();
    let hash_at = rest
        .iter()
        .position(|part| hash_values(part, &key.hash.name, key.hash.ty).is_some());
    if let Some(i) = hash_at {
        let part = rest.remove(i);
        partitions = hash_values(&part, &key.hash.name, key.hash.ty).expect("found above");
        key_parts.push(hash_equality(&key.hash.name, partitions[0].clone()));
        if let Some(r) = &key.range {
            if let Some(j) = rest
                .iter()
                .position(|part| sort_key_condition(part, &r.name, r.ty))
            {
                key_parts.push(rest.remove(j));
            }
        }
    }
    let filter = and(rest);
    // A filter on a key attribute cannot go beside a key condition: scan with the whole WHERE.
    let query = !key_parts.is_empty()
        && filter
            .as_ref()
            .is_none_or(|f| filter_key_attribute(f, key).is_none());
    if let Some((name, _)) = order {
        if where_.is_none() {
            return Err(Error::validation(
                "Must have WHERE clause in the statement when using ORDER BY clause.",
            ));
        }
        // Several partitions have no one order to sort by: refused, as a Scan would be.
        if !query || partitions.len() > 1 {
            return Err(Error::validation(
                "Must have at least one non-optional hash key condition in WHERE clause when using ORDER BY clause.",
            ));
        }
        if !key.has(name) {
            return Err(Error::validation(format!(
                "Variable reference {name} in ORDER BY clause must be part of the primary key"
            )));
        }
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
    if !query {
        let exprs = ReadExpressions::from_ir(None, cond);
        let plan = ReadPlan::scan(t, ix, exprs, None, options(exclusive_start_key.as_ref()))?;
        return Ok(vec![plan]);
    }
    // A NextToken resumes in the partition its key names; earlier ones are done.
    // A single partition leaves the key's checks to the plan, as a Query's.
    let resume_at = match &exclusive_start_key {
        Some(esk) if partitions.len() > 1 => {
            let at = esk
                .get(&key.hash.name)
                .filter(|v| ScalarType::of(v) == Some(key.hash.ty))
                .and_then(|v| {
                    let k = encode_key_value(v).ok()?;
                    partitions
                        .iter()
                        .position(|p| encode_key_value(p).ok().as_ref() == Some(&k))
                });
            at.ok_or_else(|| {
                Error::validation("The provided starting key is invalid: The provided key element does not match the schema")
            })?
        }
        _ => 0,
    };
    let mut plans = Vec::with_capacity(partitions.len() - resume_at);
    for (i, value) in partitions.into_iter().enumerate().skip(resume_at) {
        let mut parts = key_parts.clone();
        parts[0] = hash_equality(&key.hash.name, value);
        let exprs = ReadExpressions::from_ir(and(parts), filter.clone());
        let esk = exclusive_start_key.as_ref().filter(|_| i == resume_at);
        plans.push(ReadPlan::partition(t, ix, exprs, None, options(esk))?);
    }
    Ok(plans)
}

fn select(
    db: &Engine,
    req: &ExecuteStatementInput,
    p: &Prepared<'_>,
) -> Result<ExecuteStatementOutput> {
    let Statement::Select { projection, .. } = &p.statement else {
        unreachable!("called for SELECT")
    };
    // Every partition is read in one read transaction: one snapshot, no writer lock (files).
    let guard = db.read()?;
    let view = guard.view();
    // One page across the partitions: Limit and 1 MB count everything evaluated.
    let (mut items, mut lek, mut capacity) = (Vec::new(), None, None);
    let mut spent = Spent::default();
    for plan in plan_select(&view, req, p)? {
        let mut out = plan.execute(&view, false, spent)?;
        spent.add(&out);
        items.extend(out.items()?.into_iter().flatten());
        capacity = crate::ops::common::add_capacity(capacity, out.consumed_capacity);
        lek = out.last_evaluated_key;
        if lek.is_some() {
            break;
        }
    }
    let items = match projection {
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

/// The request members a write statement honours.
#[derive(Clone, Copy, Default)]
pub(crate) struct WriteOptions<'a> {
    pub return_consumed_capacity: Option<&'a str>,
    pub return_values_on_condition_check_failure: Option<&'a str>,
}

/// What one write statement did.
pub(crate) struct WriteOut {
    /// The item RETURNING asked for, when there is one.
    pub item: Option<Item>,
    /// Consumed capacity, when asked for.
    pub consumed_capacity: Option<crate::types::ConsumedCapacity>,
}

fn members<'a>(o: &WriteOptions<'a>) -> WriteMembers<'a> {
    WriteMembers {
        return_consumed_capacity: o.return_consumed_capacity,
        return_values: None,
        return_item_collection_metrics: None,
        return_values_on_condition_check_failure: o.return_values_on_condition_check_failure,
        condition_expression: None,
        names: None,
        values: None,
        expected: None,
        conditional_operator: None,
    }
}

fn set_operand(o: &ast::Operand, params: &[AttributeValue]) -> Result<SetOperand> {
    Ok(match o {
        ast::Operand::Path(p) => SetOperand::Path(p.clone()),
        ast::Operand::Value(v) => SetOperand::Value(bind(v, params)?),
        ast::Operand::Call(f, args) if f == "list_append" => match args.as_slice() {
            [a, b] => SetOperand::ListAppend(
                Box::new(set_operand(a, params)?),
                Box::new(set_operand(b, params)?),
            ),
            _ => return Err(operand_count(f, args.len())),
        },
        ast::Operand::Call(f, _) => return Err(unrecognized(f)),
    })
}

/// UPDATE's SET and REMOVE as an update in the IR (set_add / set_delete become ADD / DELETE).
fn update_of(
    set: &[(Path, ast::SetValue)],
    remove: &[Path],
    params: &[AttributeValue],
) -> Result<Update> {
    let mut u = Update {
        remove: remove.to_vec(),
        ..Default::default()
    };
    for (path, value) in set {
        match value {
            ast::SetValue::One(ast::Operand::Call(f, args))
                if f == "set_add" || f == "set_delete" =>
            {
                let upper = f.to_ascii_uppercase();
                let [first, second] = args.as_slice() else {
                    return Err(Error::validation(format!(
                        "{upper} must have exactly two arguments"
                    )));
                };
                if !matches!(first, ast::Operand::Path(p) if p == path) {
                    return Err(Error::validation(format!(
                        "The first argument to {upper} must equal the assignment value"
                    )));
                }
                let v = match second {
                    ast::Operand::Value(v) => bind(v, params)?,
                    _ => AttributeValue::Null(true),
                };
                if !matches!(v.type_name(), "SS" | "NS" | "BS") {
                    return Err(Error::validation(format!(
                        "The second argument to {upper} must be a value with type SET"
                    )));
                }
                if f == "set_add" {
                    u.add.push((path.clone(), v));
                } else {
                    u.delete.push((path.clone(), v));
                }
            }
            ast::SetValue::One(o) => u
                .set
                .push((path.clone(), SetValue::One(set_operand(o, params)?))),
            ast::SetValue::Arith(plus, a, b) => {
                let (a, b) = (set_operand(a, params)?, set_operand(b, params)?);
                u.set.push((
                    path.clone(),
                    if *plus {
                        SetValue::Plus(a, b)
                    } else {
                        SetValue::Minus(a, b)
                    },
                ));
            }
        }
    }
    crate::expr::projection::check_paths(crate::expr::ExprKind::Update, &u.paths())?;
    Ok(u)
}

fn condition_failed() -> Error {
    Error::new(
        ErrorCode::ConditionalCheckFailedException,
        "The conditional request failed",
    )
}

/// EXISTS outside a transaction.
pub(crate) fn exists_outside_transaction() -> Error {
    Error::validation("EXISTS can only be used in ExecuteTransaction write requests.")
}

/// An EXISTS check's item: its table, key and the conditions besides the key.
fn exists_target(
    state: &crate::storage::State,
    p: &Prepared<'_>,
) -> Result<(String, Item, ir::Cond)> {
    let invalid =
        || Error::validation("EXISTS() must contain a single item read with additional condition");
    let Statement::Exists(inner) = &p.statement else {
        unreachable!("called for EXISTS")
    };
    let Statement::Select {
        source,
        condition: Some(c),
        ..
    } = inner.as_ref()
    else {
        return Err(invalid());
    };
    if source.len() != 1 {
        return Err(invalid());
    }
    let t = state
        .table(&source[0])
        .ok_or_else(Error::resource_not_found)?;
    let (key, rest) = split_key(t, condition(c, p.params)?).map_err(|_| invalid())?;
    Ok((source[0].clone(), key, rest.ok_or_else(invalid)?))
}

/// A write statement checked and evaluated against the current item, not yet applied.
pub(crate) struct Step {
    /// The table written.
    pub table: String,
    /// Encoded key.
    pub pk: Vec<u8>,
    /// Encoded sort key.
    pub sk: Vec<u8>,
    /// What the statement does to the item.
    pub write: StepWrite,
    /// The item RETURNING asked for.
    pub returning: Option<Item>,
}

/// What an evaluated statement does to its item.
pub(crate) enum StepWrite {
    /// INSERT or UPDATE: the new item and its encoding.
    Put(Item, crate::model::codec::EncodedItem),
    /// DELETE (of a missing item: a silent no-op, still charged).
    Delete,
    /// EXISTS: reads only, charged like a ConditionCheck.
    Check,
}

/// Checks and evaluates one INSERT, UPDATE or DELETE against the current state: conditions,
/// the update, sizes, index keys. A failed condition is a ConditionalCheckFailedException
/// (with the item when asked), an existing key on INSERT a DuplicateItemException.
pub(crate) fn evaluate(
    state: &crate::storage::State,
    p: &Prepared<'_>,
    o: &WriteOptions<'_>,
) -> Result<Step> {
    let m = members(o);
    match &p.statement {
        Statement::Insert { table, item } => {
            let item = match bind(item, p.params)? {
                AttributeValue::M(m) => m,
                _ => {
                    return Err(Error::validation(
                        "Unsupported format in item expression. Please use struct format {...} to express item values for insert statement.",
                    ))
                }
            };
            let enc = encode_item(&item)?;
            check_item_size(enc.size)?;
            let t = state.table(table).ok_or_else(Error::resource_not_found)?;
            let (pk, sk) = key_of_item(t, &item)?;
            check_index_keys(t, &item)?;
            if state.get_item(t, &pk, &sk)?.is_some() {
                return Err(Error::new(
                    ErrorCode::DuplicateItemException,
                    "Duplicate primary key exists in table",
                ));
            }
            Ok(Step {
                table: table.clone(),
                pk,
                sk,
                write: StepWrite::Put(item, enc),
                returning: None,
            })
        }
        Statement::Update {
            table,
            set,
            remove,
            condition: where_,
            returning,
        } => {
            let Some(where_) = where_ else {
                return Err(Error::validation(
                    "Where clause does not contain a mandatory equality on all key attributes",
                ));
            };
            let cond = condition(where_, p.params)?;
            let update = update_of(set, remove, p.params)?;
            let t = state.table(table).ok_or_else(Error::resource_not_found)?;
            let (key, rest) = split_key(t, cond)?;
            let (pk, sk) = key_of_key(t, &key, EmptyKeyWording::NotValid)?;
            let action = UpdateAction::Expression(&update);
            action.check_key_untouched(t)?;
            // Unlike UpdateItem, an UPDATE statement never creates the item.
            let Some((old, _)) = state.get_item(t, &pk, &sk)? else {
                return Err(condition_failed());
            };
            if let Some(c) = &rest {
                check_condition(c, Some(old.clone()), &m)?;
            }
            let new = action.apply(t, old.clone())?;
            let which = returning.map(|r| match r {
                Returning::AllOld => Returned::AllOld,
                Returning::AllNew => Returned::AllNew,
                Returning::ModifiedOld => Returned::UpdatedOld,
                Returning::ModifiedNew => Returned::UpdatedNew,
            });
            let out = which.and_then(|w| action.returned(w, Some(old), &new.item));
            Ok(Step {
                table: table.clone(),
                pk,
                sk,
                write: StepWrite::Put(new.item, new.encoded),
                returning: out,
            })
        }
        Statement::Delete {
            table,
            condition: where_,
            returning,
        } => {
            if let Some(r) = returning.filter(|r| *r != Returning::AllOld) {
                return Err(Error::validation(format!(
                    "Invalid returning clause: RETURNING {}. Only RETURNING ALL OLD * is allowed in DELETE statements.",
                    r.text()
                )));
            }
            let cond = condition(where_, p.params)?;
            let t = state.table(table).ok_or_else(Error::resource_not_found)?;
            let (key, rest) = split_key(t, cond)?;
            let (pk, sk) = key_of_key(t, &key, EmptyKeyWording::NotValid)?;
            let old = state.get_item(t, &pk, &sk)?.map(|(item, _)| item);
            if let (Some(c), Some(old)) = (&rest, &old) {
                check_condition(c, Some(old.clone()), &m)?;
            }
            Ok(Step {
                table: table.clone(),
                pk,
                sk,
                write: StepWrite::Delete,
                returning: old.filter(|_| returning.is_some()),
            })
        }
        Statement::Exists(_) => {
            let (table, key, rest) = exists_target(state, p)?;
            let t = state.table(&table).ok_or_else(Error::resource_not_found)?;
            let (pk, sk) = key_of_key(t, &key, EmptyKeyWording::NotValid)?;
            let found = state.get_item(t, &pk, &sk)?.map(|(item, _)| item);
            match found {
                Some(item) => check_condition(&rest, Some(item), &m)?,
                None => return Err(condition_failed()),
            }
            Ok(Step {
                table,
                pk,
                sk,
                write: StepWrite::Check,
                returning: None,
            })
        }
        Statement::Select { .. } => unreachable!("reads are not evaluated as writes"),
    }
}

/// The item a write statement targets (table and encoded key), when it names one.
pub(crate) fn target(
    state: &crate::storage::State,
    p: &Prepared<'_>,
) -> Option<(String, Vec<u8>, Vec<u8>)> {
    let (table, key) = match &p.statement {
        Statement::Insert { table, item } => {
            let t = state.table(table)?;
            let AttributeValue::M(item) = bind(item, p.params).ok()? else {
                return None;
            };
            return key_of_item(t, &item)
                .ok()
                .map(|(pk, sk)| (table.clone(), pk, sk));
        }
        Statement::Update {
            table,
            condition: Some(c),
            ..
        }
        | Statement::Delete {
            table,
            condition: c,
            ..
        } => (table, c),
        Statement::Exists(_) => {
            let (table, key, _) = exists_target(state, p).ok()?;
            let t = state.table(&table)?;
            let (pk, sk) = key_of_key(t, &key, EmptyKeyWording::NotValid).ok()?;
            return Some((table, pk, sk));
        }
        _ => return None,
    };
    let t = state.table(table)?;
    let (k, _) = split_key(t, condition(key, p.params).ok()?).ok()?;
    let (pk, sk) = key_of_key(t, &k, EmptyKeyWording::NotValid).ok()?;
    Some((table.clone(), pk, sk))
}

/// Runs one INSERT, UPDATE or DELETE.
pub(crate) fn write(db: &Engine, p: &Prepared<'_>, o: &WriteOptions<'_>) -> Result<WriteOut> {
    let mut state = db.lock();
    let step = evaluate(&state, p, o)?;
    let (item, enc) = match step.write {
        StepWrite::Put(item, enc) => (Some(item), Some(enc)),
        StepWrite::Delete => (None, None),
        StepWrite::Check => return Err(exists_outside_transaction()),
    };
    let out = execute(
        &mut state,
        &step.table,
        step.pk,
        step.sk,
        item.as_ref().zip(enc),
        &members(o),
        None,
        false,
    )?;
    Ok(WriteOut {
        item: step.returning,
        consumed_capacity: out.consumed_capacity,
    })
}
