//! The reference evaluator: DynamoDB's condition semantics on a decoded item, in plain Rust.
//!
//! Single-item writes use it to check a ConditionExpression against the item they replace,
//! and the property tests use it as the oracle for the SQL lowering.

use super::ir::{CmpOp, Cond, Operand, Path, PathElem};
use crate::model::number::Number;
use crate::model::value::{AttributeValue, Item};
use std::borrow::Cow;
use std::cmp::Ordering;

/// Evaluates a condition on an item (an empty item when there is none).
pub fn eval(cond: &Cond, item: &Item) -> bool {
    match cond {
        Cond::Const(b) => *b,
        Cond::And(cs) => cs.iter().all(|c| eval(c, item)),
        Cond::Or(cs) => cs.iter().any(|c| eval(c, item)),
        Cond::Not(c) => !eval(c, item),
        Cond::Exists(p) => get(item, p).is_some(),
        Cond::NotExists(p) => get(item, p).is_none(),
        Cond::Cmp(op, a, b) => {
            let (a, b) = (resolve(a, item), resolve(b, item));
            match op {
                CmpOp::Eq => matches!((a, b), (Some(a), Some(b)) if equal(&a, &b)),
                // A missing operand or another type is "not equal".
                CmpOp::Ne => !matches!((a, b), (Some(a), Some(b)) if equal(&a, &b)),
                _ => match (a, b) {
                    (Some(a), Some(b)) => match order(&a, &b) {
                        Some(o) => match op {
                            CmpOp::Lt => o == Ordering::Less,
                            CmpOp::Le => o != Ordering::Greater,
                            CmpOp::Gt => o == Ordering::Greater,
                            CmpOp::Ge => o != Ordering::Less,
                            CmpOp::Eq | CmpOp::Ne => unreachable!("handled above"),
                        },
                        None => false,
                    },
                    _ => false,
                },
            }
        }
        Cond::Between(a, lo, hi) => {
            let (Some(a), Some(lo), Some(hi)) =
                (resolve(a, item), resolve(lo, item), resolve(hi, item))
            else {
                return false;
            };
            matches!(order(&a, &lo), Some(Ordering::Greater | Ordering::Equal))
                && matches!(order(&a, &hi), Some(Ordering::Less | Ordering::Equal))
        }
        Cond::In(a, list) => {
            let Some(a) = resolve(a, item) else {
                return false;
            };
            list.iter()
                .any(|v| resolve(v, item).is_some_and(|v| equal(&a, &v)))
        }
        Cond::AttrType(p, t) => {
            let (Some(v), Some(t)) = (get(item, p), resolve(t, item)) else {
                return false;
            };
            matches!(&*t, AttributeValue::S(name) if name == v.type_name())
        }
        Cond::BeginsWith(a, b) => {
            match (resolve(a, item).as_deref(), resolve(b, item).as_deref()) {
                (Some(AttributeValue::S(a)), Some(AttributeValue::S(b))) => {
                    a.starts_with(b.as_str())
                }
                (Some(AttributeValue::B(a)), Some(AttributeValue::B(b))) => a.starts_with(b),
                _ => false,
            }
        }
        Cond::Contains(a, b) => {
            let (Some(a), Some(b)) = (resolve(a, item), resolve(b, item)) else {
                return false;
            };
            contains(&a, &b)
        }
    }
}

/// Looks a document path up in an item.
pub fn get<'a>(item: &'a Item, path: &Path) -> Option<&'a AttributeValue> {
    let mut elems = path.0.iter();
    let mut cur = match elems.next()? {
        PathElem::Attr(a) => item.get(a)?,
        PathElem::Index(_) => return None,
    };
    for e in elems {
        cur = match (e, cur) {
            (PathElem::Attr(a), AttributeValue::M(m)) => m.get(a)?,
            (PathElem::Index(i), AttributeValue::L(l)) => l.get(*i as usize)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// The value of an operand, if it has one.
pub fn resolve<'a>(op: &'a Operand, item: &'a Item) -> Option<Cow<'a, AttributeValue>> {
    match op {
        Operand::Value(v) => Some(Cow::Borrowed(v)),
        Operand::Path(p) => get(item, p).map(Cow::Borrowed),
        Operand::Size(p) => {
            size_of(get(item, p)?).map(|n| Cow::Owned(AttributeValue::N(n.to_string())))
        }
    }
}

fn num(s: &str) -> Option<Number> {
    Number::parse(s).ok()
}

/// Ordering of two scalars of the same ordered type (S, N, B); None otherwise.
pub fn order(a: &AttributeValue, b: &AttributeValue) -> Option<Ordering> {
    match (a, b) {
        (AttributeValue::S(a), AttributeValue::S(b)) => Some(a.as_bytes().cmp(b.as_bytes())),
        (AttributeValue::B(a), AttributeValue::B(b)) => Some(a.cmp(b)),
        (AttributeValue::N(a), AttributeValue::N(b)) => Some(num(a)?.cmp(&num(b)?)),
        _ => None,
    }
}

pub use crate::model::value::{contains, same_value as equal, size_of};
