//! Simplify NOT: double negation cancels, and a NOT over a condition that has an exact
//! opposite becomes that opposite. DynamoDB's logic has two values (`<>` is true where `=` is
//! false, missing attributes included), so `NOT a = b` is exactly `a <> b`; ordering
//! comparisons have no such opposite (both `a < b` and `a >= b` are false on a missing `a`).

use super::Rule;
use crate::expr::ir::{CmpOp, Cond};

/// The simplify-NOT rule.
pub struct SimplifyNot;

impl Rule for SimplifyNot {
    fn name(&self) -> &'static str {
        "simplify_not"
    }

    fn rewrite(&self, c: Cond) -> Cond {
        let Cond::Not(inner) = c else { return c };
        match *inner {
            Cond::Not(x) => *x,
            Cond::Exists(p) => Cond::NotExists(p),
            Cond::NotExists(p) => Cond::Exists(p),
            Cond::Cmp(CmpOp::Eq, a, b) => Cond::Cmp(CmpOp::Ne, a, b),
            Cond::Cmp(CmpOp::Ne, a, b) => Cond::Cmp(CmpOp::Eq, a, b),
            Cond::Const(b) => Cond::Const(!b),
            other => Cond::Not(Box::new(other)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{apply, transform_up};
    use super::SimplifyNot;
    use crate::expr::ir::{Cond, Path};

    #[test]
    fn negations_cancel_and_invert() {
        // The parser already folds NOT chains; IR built by other front ends may not.
        let leaf = Cond::Exists(Path::attr("a"));
        let twice = Cond::Not(Box::new(Cond::Not(Box::new(leaf.clone()))));
        assert_eq!(transform_up(twice, &SimplifyNot), leaf);
        assert_eq!(
            apply(&SimplifyNot, "NOT NOT NOT a = :n"),
            r#"a <> {"N":"1"}"#
        );
        assert_eq!(apply(&SimplifyNot, "NOT a <> :n"), r#"a = {"N":"1"}"#);
        assert_eq!(
            apply(&SimplifyNot, "NOT attribute_exists(a)"),
            "attribute_not_exists(a)"
        );
        assert_eq!(
            apply(&SimplifyNot, "NOT attribute_not_exists(a.b)"),
            "attribute_exists(a.b)"
        );
    }

    #[test]
    fn ordering_comparisons_keep_their_not() {
        assert_eq!(apply(&SimplifyNot, "NOT a < :n"), r#"NOT (a < {"N":"1"})"#);
        assert_eq!(
            apply(&SimplifyNot, "NOT begins_with(a, :s)"),
            r#"NOT (begins_with(a, {"S":"x"}))"#
        );
    }
}
