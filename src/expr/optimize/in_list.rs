//! IN lists: repeated values are dropped (DynamoDB accepts them; they change nothing), and an
//! IN of one value becomes an equality, which lowers to the fused `path = value` call.

use super::Rule;
use crate::expr::ir::{CmpOp, Cond};

/// The IN-list rule.
pub struct InList;

impl Rule for InList {
    fn name(&self) -> &'static str {
        "in_list"
    }

    fn rewrite(&self, c: Cond) -> Cond {
        let Cond::In(a, list) = c else { return c };
        let mut kept = Vec::with_capacity(list.len());
        for v in list {
            if !kept.contains(&v) {
                kept.push(v);
            }
        }
        if kept.len() == 1 {
            return Cond::Cmp(CmpOp::Eq, a, kept.pop().expect("one"));
        }
        Cond::In(a, kept)
    }
}

#[cfg(test)]
mod tests {
    use super::super::apply;
    use super::InList;

    #[test]
    fn one_value_becomes_equality() {
        assert_eq!(apply(&InList, "a IN (:n)"), r#"a = {"N":"1"}"#);
        assert_eq!(apply(&InList, "a IN (:n, :n)"), r#"a = {"N":"1"}"#);
    }

    #[test]
    fn repeated_values_are_dropped() {
        assert_eq!(
            apply(&InList, "a IN (:n, :s, :n, b)"),
            r#"a IN ({"N":"1"}, {"S":"x"}, b)"#
        );
    }
}
