//! WHERE clauses into the shared IR, and what the key of a table or index makes of them:
//! conjuncts, partition-key values, sort-key conditions, and the key of a single-item write.

use super::ast;
use super::bind::bind;
use crate::error::{Error, Result};
use crate::expr::ir::{self, CmpOp, Path, PathElem};
use crate::model::key::{encode_key_value, ScalarType};
use crate::model::value::{AttributeValue, Item};
use crate::storage::schema::TableMeta;

pub(super) fn requires_path(f: &str) -> Error {
    Error::validation(format!(
        "Operator or function requires a document path; operator or function: {f}"
    ))
}

pub(super) fn operand_count(f: &str, n: usize) -> Error {
    Error::validation(format!(
        "Incorrect number of operands for operator or function; operator or function: {f}, number of operands: {n}"
    ))
}

pub(super) fn unrecognized(f: &str) -> Error {
    Error::validation(format!("Unrecognized function: {f}"))
}

pub(super) fn operand(o: &ast::Operand, params: &[AttributeValue]) -> Result<ir::Operand> {
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

pub(super) fn path_of(o: &ast::Operand, f: &str) -> Result<Path> {
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
pub(super) fn attribute_type_name(t: &ir::Operand) -> Result<()> {
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
pub(super) fn ordered(op: &str, operands: &[&ir::Operand]) -> Result<()> {
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

pub(super) fn conjuncts(c: ir::Cond) -> Vec<ir::Cond> {
    match c {
        ir::Cond::And(cs) => cs.into_iter().flat_map(conjuncts).collect(),
        other => vec![other],
    }
}

pub(super) fn and(mut cs: Vec<ir::Cond>) -> Option<ir::Cond> {
    match cs.len() {
        0 => None,
        1 => cs.pop(),
        _ => Some(ir::Cond::And(cs)),
    }
}

/// `name = value` (either way round) on a top-level attribute.
pub(super) fn equality(c: &ir::Cond) -> Option<(&str, &AttributeValue)> {
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
pub(super) fn hash_values(c: &ir::Cond, name: &str, ty: ScalarType) -> Option<Vec<AttributeValue>> {
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
pub(super) fn hash_equality(name: &str, value: AttributeValue) -> ir::Cond {
    ir::Cond::Cmp(
        CmpOp::Eq,
        ir::Operand::Path(Path(vec![PathElem::Attr(name.to_string())])),
        ir::Operand::Value(value),
    )
}

/// A condition on the sort key that a key range can express.
pub(super) fn sort_key_condition(c: &ir::Cond, name: &str, ty: ScalarType) -> bool {
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
pub(crate) fn split_key(t: &TableMeta, c: ir::Cond) -> Result<(Item, Option<ir::Cond>)> {
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
