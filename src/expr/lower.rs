//! Lowering: a condition in the IR becomes one SQL expression over the stored item plus its
//! bound parameters, evaluated by SQLite per row with the functions in `sqlfuncs/`.
//!
//! Paths and values are always parameters; the SQL text is built only from fixed fragments,
//! so its shape depends on the expression's structure, never on user input.

use super::ir::{CmpOp, Cond, Operand, Path, PathElem};
use crate::error::Result;
use crate::model::codec::lookup::{comparable_value, encode_path, Step};
use crate::sqlfuncs::names;
use rusqlite::types::Value;

pub use crate::storage::sql::Lowered;

impl Lowered {
    fn path(&mut self, p: &Path) {
        let steps = p.0.iter().map(|e| match e {
            PathElem::Attr(a) => Step::Key(a.as_bytes()),
            PathElem::Index(i) => Step::Index(u64::from(*i)),
        });
        self.text(names::PATH);
        self.text("(item, ");
        self.param(Value::Blob(encode_path(steps)));
        self.text(")");
    }

    fn operand(&mut self, o: &Operand) -> Result<()> {
        match o {
            Operand::Path(p) => self.path(p),
            Operand::Value(v) => self.param(Value::Blob(comparable_value(v)?)),
            Operand::Size(p) => {
                self.text(names::SIZE);
                self.text("(");
                self.path(p);
                self.text(")");
            }
        }
        Ok(())
    }

    fn call2(&mut self, f: &'static str, a: &Operand, b: &Operand) -> Result<()> {
        self.text(f);
        self.text("(");
        self.operand(a)?;
        self.text(", ");
        self.operand(b)?;
        self.text(")");
        Ok(())
    }

    /// `path <op> value` in one fused call: `ddb_path_eq` or `ddb_path_order`.
    fn path_value(
        &mut self,
        f: &'static str,
        p: &Path,
        v: &crate::model::value::AttributeValue,
    ) -> Result<()> {
        self.text(f);
        self.text("(item, ");
        let steps = p.0.iter().map(|e| match e {
            PathElem::Attr(a) => Step::Key(a.as_bytes()),
            PathElem::Index(i) => Step::Index(u64::from(*i)),
        });
        self.param(Value::Blob(encode_path(steps)));
        self.text(", ");
        self.param(Value::Blob(comparable_value(v)?));
        self.text(")");
        Ok(())
    }

    fn cond(&mut self, c: &Cond) -> Result<()> {
        // The common shapes, `path <op> :value`, take one fused call that compares in place.
        match c {
            Cond::Cmp(op, Operand::Path(p), Operand::Value(v))
            | Cond::Cmp(op, Operand::Value(v), Operand::Path(p)) => {
                let flipped = matches!(c, Cond::Cmp(_, Operand::Value(_), _));
                return match op {
                    CmpOp::Eq => self.path_value(names::PATH_EQ, p, v),
                    CmpOp::Ne => {
                        self.text("(NOT ");
                        self.path_value(names::PATH_EQ, p, v)?;
                        self.text(")");
                        Ok(())
                    }
                    _ => {
                        let op = if flipped {
                            match op {
                                CmpOp::Lt => CmpOp::Gt,
                                CmpOp::Le => CmpOp::Ge,
                                CmpOp::Gt => CmpOp::Lt,
                                _ => CmpOp::Le,
                            }
                        } else {
                            *op
                        };
                        self.text("coalesce(");
                        self.path_value(names::PATH_ORDER, p, v)?;
                        self.text(match op {
                            CmpOp::Lt => " < 0, 0)",
                            CmpOp::Le => " <= 0, 0)",
                            CmpOp::Gt => " > 0, 0)",
                            _ => " >= 0, 0)",
                        });
                        Ok(())
                    }
                };
            }
            _ => {}
        }
        match c {
            Cond::Const(b) => self.text(if *b { "1" } else { "0" }),
            Cond::And(cs) | Cond::Or(cs) => {
                let sep = if matches!(c, Cond::And(_)) {
                    " AND "
                } else {
                    " OR "
                };
                self.text("(");
                for (i, x) in cs.iter().enumerate() {
                    if i > 0 {
                        self.text(sep);
                    }
                    self.cond(x)?;
                }
                self.text(")");
            }
            Cond::Not(x) => {
                self.text("(NOT ");
                self.cond(x)?;
                self.text(")");
            }
            Cond::Cmp(CmpOp::Eq, a, b) => self.call2(names::EQ, a, b)?,
            Cond::Cmp(CmpOp::Ne, a, b) => {
                self.text("(NOT ");
                self.call2(names::EQ, a, b)?;
                self.text(")");
            }
            Cond::Cmp(op, a, b) => {
                self.text("coalesce(");
                self.call2(names::ORDER, a, b)?;
                self.text(match op {
                    CmpOp::Lt => " < 0, 0)",
                    CmpOp::Le => " <= 0, 0)",
                    CmpOp::Gt => " > 0, 0)",
                    _ => " >= 0, 0)",
                });
            }
            Cond::Between(a, lo, hi) => {
                self.text("coalesce(");
                self.call2(names::ORDER, a, lo)?;
                self.text(" >= 0 AND ");
                self.call2(names::ORDER, a, hi)?;
                self.text(" <= 0, 0)");
            }
            Cond::In(a, list) => {
                self.text("(");
                for (i, v) in list.iter().enumerate() {
                    if i > 0 {
                        self.text(" OR ");
                    }
                    self.call2(names::EQ, a, v)?;
                }
                self.text(")");
            }
            Cond::Exists(p) | Cond::NotExists(p) => {
                self.text("(");
                self.path(p);
                self.text(if matches!(c, Cond::Exists(_)) {
                    " IS NOT NULL)"
                } else {
                    " IS NULL)"
                });
            }
            Cond::AttrType(p, t) => {
                self.text("coalesce(");
                self.text(names::TYPE);
                self.text("(");
                self.path(p);
                self.text(") = ");
                let name = match t {
                    Operand::Value(crate::model::value::AttributeValue::S(s)) => s.clone(),
                    _ => String::new(),
                };
                self.param(Value::Text(name));
                self.text(", 0)");
            }
            Cond::BeginsWith(a, b) => self.call2(names::BEGINS_WITH, a, b)?,
            Cond::Contains(a, b) => self.call2(names::CONTAINS, a, b)?,
        }
        Ok(())
    }
}

/// Lowers a condition to a SQL expression over the column `item` that is 0 or 1 per row.
pub fn lower(cond: &Cond) -> Result<Lowered> {
    let mut l = Lowered::default();
    l.cond(cond)?;
    Ok(l)
}
