//! The one IR every expression language parses into: plain data whose `Display` prints it back.

use crate::model::value::AttributeValue;
use std::fmt;

/// One step of a document path.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PathElem {
    /// A map key or top-level attribute name (placeholders already resolved).
    Attr(String),
    /// A list index.
    Index(u32),
}

/// A document path such as `a.b[3].c`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Path(pub Vec<PathElem>);

impl Path {
    /// A single top-level attribute.
    pub fn attr(name: impl Into<String>) -> Path {
        Path(vec![PathElem::Attr(name.into())])
    }

    /// The top-level attribute name the path starts at.
    pub fn root(&self) -> &str {
        match self.0.first() {
            Some(PathElem::Attr(a)) => a,
            _ => "",
        }
    }
}

/// A value-producing operand.
#[derive(Clone, Debug, PartialEq)]
pub enum Operand {
    /// An attribute of the item.
    Path(Path),
    /// A literal (an `:value` placeholder, resolved).
    Value(AttributeValue),
    /// `size(path)`.
    Size(Path),
}

/// Comparison operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpOp {
    /// `=`
    Eq,
    /// `<>`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CmpOp {
    /// The operator a symbol names (`=`, `<>`, `<`, `<=`, `>`, `>=`).
    pub fn from_symbol(s: &str) -> Option<CmpOp> {
        Some(match s {
            "=" => CmpOp::Eq,
            "<>" => CmpOp::Ne,
            "<" => CmpOp::Lt,
            "<=" => CmpOp::Le,
            ">" => CmpOp::Gt,
            ">=" => CmpOp::Ge,
            _ => return None,
        })
    }

    /// The operator's symbol.
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "<>",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

/// A boolean condition (ConditionExpression, FilterExpression, KeyConditionExpression).
#[derive(Clone, Debug, PartialEq)]
pub enum Cond {
    /// `a <op> b`
    Cmp(CmpOp, Operand, Operand),
    /// `a BETWEEN lo AND hi`
    Between(Operand, Operand, Operand),
    /// `a IN (b, c, ...)`
    In(Operand, Vec<Operand>),
    /// Conjunction.
    And(Vec<Cond>),
    /// Disjunction.
    Or(Vec<Cond>),
    /// Negation.
    Not(Box<Cond>),
    /// `attribute_exists(path)`
    Exists(Path),
    /// `attribute_not_exists(path)`
    NotExists(Path),
    /// `attribute_type(path, :t)`
    AttrType(Path, Operand),
    /// `begins_with(a, b)`
    BeginsWith(Operand, Operand),
    /// `contains(a, b)`
    Contains(Operand, Operand),
    /// A constant, produced by the optimiser.
    Const(bool),
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            match e {
                PathElem::Attr(a) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    // Names are printed resolved; quote ones that would not re-parse bare.
                    let bare = !a.is_empty()
                        && a.chars()
                            .next()
                            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                        && a.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                    if bare {
                        f.write_str(a)?;
                    } else {
                        write!(f, "{a:?}")?;
                    }
                }
                PathElem::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

impl fmt::Display for Operand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Operand::Path(p) => write!(f, "{p}"),
            Operand::Value(v) => {
                let json = serde_json::to_string(v).map_err(|_| fmt::Error)?;
                f.write_str(&json)
            }
            Operand::Size(p) => write!(f, "size({p})"),
        }
    }
}

fn join(f: &mut fmt::Formatter<'_>, items: &[Cond], sep: &str) -> fmt::Result {
    f.write_str("(")?;
    for (i, c) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(sep)?;
        }
        write!(f, "{c}")?;
    }
    f.write_str(")")
}

impl fmt::Display for Cond {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cond::Cmp(op, a, b) => write!(f, "{a} {} {b}", op.symbol()),
            Cond::Between(a, lo, hi) => write!(f, "{a} BETWEEN {lo} AND {hi}"),
            Cond::In(a, list) => {
                write!(f, "{a} IN (")?;
                for (i, v) in list.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str(")")
            }
            Cond::And(items) => join(f, items, " AND "),
            Cond::Or(items) => join(f, items, " OR "),
            Cond::Not(c) => write!(f, "NOT ({c})"),
            Cond::Exists(p) => write!(f, "attribute_exists({p})"),
            Cond::NotExists(p) => write!(f, "attribute_not_exists({p})"),
            Cond::AttrType(p, t) => write!(f, "attribute_type({p}, {t})"),
            Cond::BeginsWith(a, b) => write!(f, "begins_with({a}, {b})"),
            Cond::Contains(a, b) => write!(f, "contains({a}, {b})"),
            Cond::Const(b) => write!(f, "{}", if *b { "TRUE" } else { "FALSE" }),
        }
    }
}
