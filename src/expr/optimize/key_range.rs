//! Key range (the optimiser's step that leaves the IR): checks a KeyConditionExpression's shape against a
//! key schema and turns it into a key range (an equality on the partition key and an optional range on the sort key).

use crate::error::{Error, Result};
use crate::expr::ir::{CmpOp, Cond, Operand, Path, PathElem};
use crate::model::key::{encode_key_value, ScalarType};
use crate::model::value::AttributeValue;
use std::ops::Bound;

pub use crate::storage::sql::KeyRange;

/// The key a Query targets: name and type of the hash and optional range attribute.
pub struct KeyShape<'a> {
    /// Partition key.
    pub hash: (&'a str, ScalarType),
    /// Sort key.
    pub range: Option<(&'a str, ScalarType)>,
}

fn invalid(m: impl std::fmt::Display) -> Error {
    Error::validation(m.to_string())
}

fn key_name(p: &Path) -> Result<&str> {
    match p.0.as_slice() {
        [PathElem::Attr(a)] => Ok(a),
        _ => Err(invalid(
            "Invalid KeyConditionExpression: KeyConditionExpressions cannot have conditions on nested attributes",
        )),
    }
}

/// One simple condition: the key it constrains and how.
enum Part<'c> {
    Cmp(&'c str, CmpOp, &'c AttributeValue),
    Between(&'c str, &'c AttributeValue, &'c AttributeValue),
    BeginsWith(&'c str, &'c AttributeValue),
}

fn flip(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::Le => CmpOp::Ge,
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::Ge => CmpOp::Le,
        other => other,
    }
}

fn part(c: &Cond) -> Result<Part<'_>> {
    let operator = |name: &str| {
        invalid(format!(
            "Invalid operator used in KeyConditionExpression: {name}"
        ))
    };
    let nested = || invalid("KeyConditionExpressions cannot contain nested operations");
    let no_key =
        || invalid("Invalid condition in KeyConditionExpression: No key attribute specified");
    let multiple = || {
        invalid("Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition")
    };
    match c {
        Cond::Or(_) => Err(operator("OR")),
        Cond::Not(_) => Err(operator("NOT")),
        Cond::In(..) => Err(operator("IN")),
        Cond::Exists(_) => Err(operator("attribute_exists")),
        Cond::NotExists(_) => Err(operator("attribute_not_exists")),
        Cond::AttrType(..) => Err(operator("attribute_type")),
        Cond::Contains(..) => Err(operator("contains")),
        Cond::Const(_) | Cond::And(_) => Err(no_key()),
        Cond::Cmp(CmpOp::Ne, ..) => Err(operator("<>")),
        Cond::Cmp(op, a, b) => match (a, b) {
            (Operand::Size(_), _) | (_, Operand::Size(_)) => Err(nested()),
            (Operand::Path(p), Operand::Value(v)) => Ok(Part::Cmp(key_name(p)?, *op, v)),
            (Operand::Value(v), Operand::Path(p)) => Ok(Part::Cmp(key_name(p)?, flip(*op), v)),
            (Operand::Path(_), Operand::Path(_)) => Err(multiple()),
            _ => Err(no_key()),
        },
        Cond::Between(a, lo, hi) => match (a, lo, hi) {
            (Operand::Path(p), Operand::Value(l), Operand::Value(h)) => Ok(Part::Between(key_name(p)?, l, h)),
            (Operand::Size(_), ..) | (_, Operand::Size(_), _) | (.., Operand::Size(_)) => Err(nested()),
            (Operand::Value(_), ..) => Err(invalid(
                "Invalid condition in KeyConditionExpression: BETWEEN operator must have the key attribute as its first operand",
            )),
            _ => Err(multiple()),
        },
        Cond::BeginsWith(a, b) => match (a, b) {
            (Operand::Path(p), Operand::Value(v)) => Ok(Part::BeginsWith(key_name(p)?, v)),
            (Operand::Size(_), _) | (_, Operand::Size(_)) => Err(nested()),
            (Operand::Value(_), _) => Err(invalid(
                "Invalid condition in KeyConditionExpression: begins_with operator must have the key attribute as its first operand",
            )),
            _ => Err(multiple()),
        },
    }
}

fn encode(v: &AttributeValue, ty: ScalarType) -> Result<Vec<u8>> {
    if ScalarType::of(v) != Some(ty) {
        return Err(Error::invalid_param(
            "Condition parameter type does not match schema type",
        ));
    }
    encode_key_value(v)
}

/// The smallest byte string greater than every string starting with `prefix`, if any.
fn prefix_end(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < 0xFF {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

/// Checks a key condition against the key shape and returns the range it selects.
pub fn key_range(cond: &Cond, shape: &KeyShape<'_>) -> Result<KeyRange> {
    let parts: Vec<&Cond> = match cond {
        Cond::And(items) => items.iter().collect(),
        other => vec![other],
    };
    let mut parts = parts.into_iter().map(part).collect::<Result<Vec<_>>>()?;
    let name_of = |p: &Part<'_>| match p {
        Part::Cmp(n, ..) | Part::Between(n, ..) | Part::BeginsWith(n, ..) => n.to_string(),
    };
    if parts.len() > 2 || (parts.len() == 2 && name_of(&parts[0]) == name_of(&parts[1])) {
        return Err(invalid(
            "KeyConditionExpressions must only contain one condition per key",
        ));
    }
    let (hash_name, hash_ty) = shape.hash;
    let pos = parts
        .iter()
        .position(|p| name_of(p) == hash_name)
        .ok_or_else(|| {
            invalid(format!(
                "Query condition missed key schema element: {hash_name}"
            ))
        })?;
    let hash_part = parts.remove(pos);
    let hash = match hash_part {
        Part::Cmp(_, CmpOp::Eq, v) => encode(v, hash_ty)?,
        _ => return Err(invalid("Query key condition not supported")),
    };
    let (mut lower, mut upper) = (Bound::Unbounded, Bound::Unbounded);
    if let Some(p) = parts.pop() {
        let Some((_, range_ty)) = shape.range.filter(|(n, _)| *n == name_of(&p)) else {
            return Err(invalid(format!(
                "Query condition missed key schema element: {}",
                shape.range.map_or(name_of(&p), |(n, _)| n.to_string())
            )));
        };
        match p {
            Part::Cmp(_, op, v) => {
                let b = encode(v, range_ty)?;
                match op {
                    CmpOp::Eq => {
                        lower = Bound::Included(b.clone());
                        upper = Bound::Included(b);
                    }
                    CmpOp::Lt => upper = Bound::Excluded(b),
                    CmpOp::Le => upper = Bound::Included(b),
                    CmpOp::Gt => lower = Bound::Excluded(b),
                    CmpOp::Ge => lower = Bound::Included(b),
                    CmpOp::Ne => unreachable!("rejected above"),
                }
            }
            Part::Between(_, lo, hi) => {
                lower = Bound::Included(encode(lo, range_ty)?);
                upper = Bound::Included(encode(hi, range_ty)?);
            }
            Part::BeginsWith(_, v) => {
                if range_ty == ScalarType::N {
                    return Err(invalid(
                        "Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N",
                    ));
                }
                let prefix = encode(v, range_ty)?;
                upper = match prefix_end(&prefix) {
                    Some(end) => Bound::Excluded(end),
                    None => Bound::Unbounded,
                };
                lower = Bound::Included(prefix);
            }
        }
    }
    Ok(KeyRange {
        hash_name: hash_name.to_string(),
        sort_name: shape.range.map(|(n, _)| n.to_string()),
        hash,
        lower,
        upper,
    })
}
