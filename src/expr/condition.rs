//! Condition syntax -> IR: DynamoDB's static checks in its order, then placeholder resolution.
//!
//! Order within one expression: redundant parentheses, unknown functions, misplaced functions,
//! reserved words, then per condition (in text order): undefined placeholders, operand
//! counts, distinct operands, operand types and BETWEEN bounds.

use super::eval::order;
use super::ir::{CmpOp, Cond, Operand, Path, PathElem};
use super::syntax::{RawCond, RawElem, RawOperand};
use super::{is_reserved, ExprKind, Placeholders};
use crate::error::{Error, Result};
use crate::model::value::AttributeValue;

/// The functions of condition syntax (also refused by name inside an UpdateExpression).
pub(crate) const CONDITION_FUNCTIONS: &[&str] = &[
    "attribute_exists",
    "attribute_not_exists",
    "attribute_type",
    "begins_with",
    "contains",
    "size",
];
const MAX_IN_OPERANDS: usize = 100;
const TYPE_NAMES: &[&str] = &["S", "SS", "N", "NS", "B", "BS", "BOOL", "NULL", "L", "M"];

struct Checker<'p, 'a> {
    kind: ExprKind,
    ph: &'p mut Placeholders<'a>,
}

impl Checker<'_, '_> {
    fn err(&self, msg: impl std::fmt::Display) -> Error {
        Error::validation(format!("Invalid {}: {msg}", self.kind.name()))
    }
}

/// Checks a parsed condition and resolves it into the IR.
pub(crate) fn build(kind: ExprKind, raw: &RawCond, ph: &mut Placeholders<'_>) -> Result<Cond> {
    let mut c = Checker { kind, ph };
    redundant_parens(&c, raw)?;
    functions(&c, raw)?;
    placement(&c, raw)?;
    reserved(&c, raw)?;
    c.cond(raw)
}

fn redundant_parens(c: &Checker, raw: &RawCond) -> Result<()> {
    let bad = || c.err("The expression has redundant parentheses;");
    fn op_parens(o: &RawOperand) -> bool {
        match o {
            RawOperand::Paren(inner) => matches!(**inner, RawOperand::Paren(_)) || op_parens(inner),
            RawOperand::Call(_, args) => args.iter().any(op_parens),
            _ => false,
        }
    }
    let found = walk_conds(raw, &mut |n| match n {
        RawCond::Paren(inner) => matches!(**inner, RawCond::Paren(_)),
        other => operands_of(other).into_iter().any(op_parens),
    });
    if found {
        Err(bad())
    } else {
        Ok(())
    }
}

/// Visits every condition node in text order; stops at the first `true`.
fn walk_conds(n: &RawCond, f: &mut impl FnMut(&RawCond) -> bool) -> bool {
    if f(n) {
        return true;
    }
    match n {
        RawCond::And(cs) | RawCond::Or(cs) => cs.iter().any(|c| walk_conds(c, f)),
        RawCond::Not(c) | RawCond::Paren(c) => walk_conds(c, f),
        _ => false,
    }
}

/// The operands a node holds directly, in text order.
fn operands_of(n: &RawCond) -> Vec<&RawOperand> {
    match n {
        RawCond::Cmp(_, a, b) => vec![a, b],
        RawCond::Between(a, b, c) => vec![a, b, c],
        RawCond::In(a, list) => std::iter::once(a).chain(list).collect(),
        RawCond::Call(_, args) => args.iter().collect(),
        _ => vec![],
    }
}

/// Every function name in text order, with whether it sits in operand position.
fn calls<'r>(n: &'r RawCond, out: &mut Vec<(&'r str, bool)>) {
    fn in_operand<'r>(o: &'r RawOperand, out: &mut Vec<(&'r str, bool)>) {
        match o {
            RawOperand::Call(name, args) => {
                out.push((name, true));
                args.iter().for_each(|a| in_operand(a, out));
            }
            RawOperand::Paren(inner) => in_operand(inner, out),
            _ => {}
        }
    }
    match n {
        RawCond::And(cs) | RawCond::Or(cs) => cs.iter().for_each(|c| calls(c, out)),
        RawCond::Not(c) | RawCond::Paren(c) => calls(c, out),
        RawCond::Call(name, args) => {
            out.push((name, false));
            args.iter().for_each(|a| in_operand(a, out));
        }
        other => operands_of(other)
            .into_iter()
            .for_each(|o| in_operand(o, out)),
    }
}

fn functions(c: &Checker, raw: &RawCond) -> Result<()> {
    let mut all = Vec::new();
    calls(raw, &mut all);
    match all
        .iter()
        .find(|(name, _)| !CONDITION_FUNCTIONS.contains(name))
    {
        Some((name, _)) => Err(c.err(format!("Invalid function name; function: {name}"))),
        None => Ok(()),
    }
}

fn placement(c: &Checker, raw: &RawCond) -> Result<()> {
    let mut all = Vec::new();
    calls(raw, &mut all);
    // Only size() yields a value; every other function is a condition.
    match all
        .iter()
        .find(|(name, operand_pos)| (*name == "size") != *operand_pos)
    {
        Some((name, _)) => Err(c.err(format!(
            "The function is not allowed to be used this way in an expression; function: {name}"
        ))),
        None => Ok(()),
    }
}

fn reserved(c: &Checker, raw: &RawCond) -> Result<()> {
    fn names<'r>(o: &'r RawOperand, out: &mut Vec<&'r str>) {
        match o {
            RawOperand::Path(elems) => out.extend(elems.iter().filter_map(|e| match e {
                RawElem::Name(n) => Some(n.as_str()),
                _ => None,
            })),
            RawOperand::Call(_, args) => args.iter().for_each(|a| names(a, out)),
            RawOperand::Paren(inner) => names(inner, out),
            RawOperand::Value(_) => {}
        }
    }
    let mut found = None;
    walk_conds(raw, &mut |n| {
        let mut all = Vec::new();
        operands_of(n).into_iter().for_each(|o| names(o, &mut all));
        found = all.into_iter().find(|w| is_reserved(w)).map(str::to_string);
        found.is_some()
    });
    match found {
        Some(w) => Err(c.err(format!(
            "Attribute name is a reserved keyword; reserved keyword: {w}"
        ))),
        None => Ok(()),
    }
}

/// Prints a path as DynamoDB does in messages: `[a, b, [1]]`.
pub(crate) fn path_for_message(p: &Path) -> String {
    let parts: Vec<String> =
        p.0.iter()
            .map(|e| match e {
                PathElem::Attr(a) => a.clone(),
                PathElem::Index(i) => format!("[{i}]"),
            })
            .collect();
    format!("[{}]", parts.join(", "))
}

/// `{T:raw}` as DynamoDB prints a value in BETWEEN messages.
fn value_for_message(v: &AttributeValue) -> String {
    let raw = match v {
        AttributeValue::S(s) | AttributeValue::N(s) => s.clone(),
        AttributeValue::B(b) => {
            base64::Engine::encode(&base64::engine::general_purpose::STANDARD, b)
        }
        other => serde_json::to_string(other).unwrap_or_default(),
    };
    format!("AttributeValue: {{{}:{raw}}}", v.type_name())
}

impl Checker<'_, '_> {
    fn cond(&mut self, raw: &RawCond) -> Result<Cond> {
        Ok(match raw {
            RawCond::And(cs) => Cond::And(cs.iter().map(|c| self.cond(c)).collect::<Result<_>>()?),
            RawCond::Or(cs) => Cond::Or(cs.iter().map(|c| self.cond(c)).collect::<Result<_>>()?),
            // NOT NOT x is x: folding here keeps the IR shallow however long the chain.
            RawCond::Not(c) => match self.cond(c)? {
                Cond::Not(inner) => *inner,
                other => Cond::Not(Box::new(other)),
            },
            RawCond::Paren(c) => self.cond(c)?,
            RawCond::Cmp(op, a, b) => {
                let (a, b) = (self.operand(a)?, self.operand(b)?);
                let op = CmpOp::from_symbol(op).expect("the grammar admits these operators only");
                self.distinct(op.symbol(), &a, [&b])?;
                Cond::Cmp(op, a, b)
            }
            RawCond::Between(a, lo, hi) => {
                let (a, lo, hi) = (self.operand(a)?, self.operand(lo)?, self.operand(hi)?);
                self.distinct("BETWEEN", &a, [&lo, &hi])?;
                if let (Operand::Value(l), Operand::Value(h)) = (&lo, &hi) {
                    match order(l, h) {
                        None => {
                            return Err(self.err(format!(
                                "The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: {}, upper bound operand: {}",
                                value_for_message(l),
                                value_for_message(h)
                            )))
                        }
                        Some(std::cmp::Ordering::Greater) => {
                            return Err(self.err(format!(
                                "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: {}, upper bound operand: {}",
                                value_for_message(l),
                                value_for_message(h)
                            )))
                        }
                        _ => {}
                    }
                }
                Cond::Between(a, lo, hi)
            }
            RawCond::In(a, list) => {
                let a = self.operand(a)?;
                let list: Vec<Operand> = list
                    .iter()
                    .map(|o| self.operand(o))
                    .collect::<Result<_>>()?;
                if list.len() > MAX_IN_OPERANDS {
                    return Err(self.err(format!(
                        "The IN operator is provided with too many operands; number of operands: {}",
                        list.len()
                    )));
                }
                self.distinct("IN", &a, list.iter())?;
                Cond::In(a, list)
            }
            RawCond::Call(name, args) => self.function(name, args)?,
        })
    }

    fn function(&mut self, name: &str, args: &[RawOperand]) -> Result<Cond> {
        let args: Vec<Operand> = args
            .iter()
            .map(|a| self.operand(a))
            .collect::<Result<_>>()?;
        let want = match name {
            "attribute_exists" | "attribute_not_exists" => 1,
            _ => 2,
        };
        if args.len() != want {
            return Err(self.arity(name, args.len()));
        }
        let mut it = args.into_iter();
        let (Some(first), second) = (it.next(), it.next()) else {
            return Err(self.arity(name, 0));
        };
        let path = |op: &Operand| match op {
            Operand::Path(p) => Some(p.clone()),
            _ => None,
        };
        Ok(match name {
            "attribute_exists" | "attribute_not_exists" => {
                let p = path(&first).ok_or_else(|| self.requires_path(name))?;
                if name == "attribute_exists" {
                    Cond::Exists(p)
                } else {
                    Cond::NotExists(p)
                }
            }
            "attribute_type" => {
                let Some(t) = second else {
                    return Err(self.arity(name, 1));
                };
                self.distinct(name, &first, [&t])?;
                let p = path(&first).ok_or_else(|| self.requires_path(name))?;
                match &t {
                    Operand::Value(AttributeValue::S(s)) if TYPE_NAMES.contains(&s.as_str()) => {}
                    Operand::Value(AttributeValue::S(s)) => {
                        return Err(self.err(format!(
                            "Invalid attribute type name found; type: {s}, valid types: {{B,NULL,SS,BOOL,L,BS,N,NS,S,M}}"
                        )))
                    }
                    Operand::Value(v) => return Err(self.operand_type(name, v.type_name())),
                    Operand::Size(_) => return Err(self.operand_type(name, "N")),
                    Operand::Path(_) => {
                        return Err(self.operand_type(name, "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}"))
                    }
                }
                Cond::AttrType(p, t)
            }
            "begins_with" | "contains" => {
                let Some(b) = second else {
                    return Err(self.arity(name, 1));
                };
                self.distinct(name, &first, [&b])?;
                if name == "begins_with" {
                    for op in [&first, &b] {
                        match op {
                            Operand::Value(AttributeValue::S(_) | AttributeValue::B(_))
                            | Operand::Path(_) => {}
                            Operand::Value(v) => return Err(self.operand_type(name, v.type_name())),
                            Operand::Size(_) => return Err(self.operand_type(name, "N")),
                        }
                    }
                    Cond::BeginsWith(first, b)
                } else {
                    Cond::Contains(first, b)
                }
            }
            // Names are checked before (with this message); size() is an operand.
            _ => return Err(self.err(format!("Invalid function name; function: {name}"))),
        })
    }

    fn arity(&self, name: &str, n: usize) -> Error {
        self.err(format!(
            "Incorrect number of operands for operator or function; operator or function: {name}, number of operands: {n}"
        ))
    }

    fn requires_path(&self, name: &str) -> Error {
        self.err(format!(
            "Operator or function requires a document path; operator or function: {name}"
        ))
    }

    fn operand_type(&self, name: &str, t: &str) -> Error {
        self.err(format!(
            "Incorrect operand type for operator or function; operator or function: {name}, operand type: {t}"
        ))
    }

    fn distinct<'o>(
        &self,
        op: &str,
        first: &Operand,
        rest: impl IntoIterator<Item = &'o Operand>,
    ) -> Result<()> {
        if let Operand::Path(p) = first {
            if rest
                .into_iter()
                .any(|o| matches!(o, Operand::Path(q) if q == p))
            {
                return Err(self.err(format!(
                    "The first operand must be distinct from the remaining operands for this operator or function; operator: {op}, first operand: {}",
                    path_for_message(p)
                )));
            }
        }
        Ok(())
    }

    fn operand(&mut self, raw: &RawOperand) -> Result<Operand> {
        Ok(match raw {
            RawOperand::Paren(inner) => self.operand(inner)?,
            RawOperand::Path(elems) => Operand::Path(self.path(elems)?),
            RawOperand::Value(name) => Operand::Value(self.ph.value(self.kind, name)?),
            RawOperand::Call(name, args) => {
                // Only size() reaches here (placement was checked).
                let args: Vec<Operand> = args
                    .iter()
                    .map(|a| self.operand(a))
                    .collect::<Result<_>>()?;
                if args.len() != 1 {
                    return Err(self.arity(name, args.len()));
                }
                match args.into_iter().next().expect("one operand") {
                    Operand::Path(p) => Operand::Size(p),
                    Operand::Size(_) => return Err(self.operand_type(name, "N")),
                    Operand::Value(v) => match super::eval::size_of(&v) {
                        Some(n) => Operand::Value(AttributeValue::N(n.to_string())),
                        None => return Err(self.operand_type(name, v.type_name())),
                    },
                }
            }
        })
    }

    fn path(&mut self, elems: &[RawElem]) -> Result<Path> {
        elems
            .iter()
            .map(|e| {
                Ok(match e {
                    RawElem::Name(n) => PathElem::Attr(n.clone()),
                    RawElem::Placeholder(p) => PathElem::Attr(self.ph.name(self.kind, p)?),
                    RawElem::Index(i) => PathElem::Index(*i),
                })
            })
            .collect::<Result<Vec<_>>>()
            .map(Path)
    }
}
