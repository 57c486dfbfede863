//! Constant folding: a comparison or function whose operands are all literal values is decided
//! once, by the reference evaluator; TRUE and FALSE then fold through AND, OR and NOT.

use super::Rule;
use crate::expr::eval::eval;
use crate::expr::ir::{Cond, Operand};
use crate::model::value::Item;

/// The constant-folding rule.
pub struct FoldConstants;

fn literal(o: &Operand) -> bool {
    matches!(o, Operand::Value(_))
}

fn constant(c: &Cond) -> bool {
    match c {
        Cond::Cmp(_, a, b) | Cond::BeginsWith(a, b) | Cond::Contains(a, b) => {
            literal(a) && literal(b)
        }
        Cond::Between(a, lo, hi) => literal(a) && literal(lo) && literal(hi),
        Cond::In(a, list) => literal(a) && list.iter().all(literal),
        _ => false,
    }
}

/// Folds the constants of an AND (`absorbing` false) or an OR (`absorbing` true): the
/// absorbing constant decides the whole, the other one drops out.
fn fold_list(cs: Vec<Cond>, absorbing: bool, rebuild: fn(Vec<Cond>) -> Cond) -> Cond {
    if cs.contains(&Cond::Const(absorbing)) {
        return Cond::Const(absorbing);
    }
    let rest: Vec<Cond> = cs
        .into_iter()
        .filter(|c| *c != Cond::Const(!absorbing))
        .collect();
    match rest.len() {
        0 => Cond::Const(!absorbing),
        _ => rebuild(rest),
    }
}

impl Rule for FoldConstants {
    fn name(&self) -> &'static str {
        "fold_constants"
    }

    fn rewrite(&self, c: Cond) -> Cond {
        match c {
            c if constant(&c) => Cond::Const(eval(&c, &Item::new())),
            Cond::Not(x) => match *x {
                Cond::Const(b) => Cond::Const(!b),
                other => Cond::Not(Box::new(other)),
            },
            Cond::And(cs) => fold_list(cs, false, Cond::And),
            Cond::Or(cs) => fold_list(cs, true, Cond::Or),
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::apply;
    use super::FoldConstants;

    #[test]
    fn literal_comparisons_are_decided() {
        assert_eq!(apply(&FoldConstants, ":n < :n2"), "TRUE");
        assert_eq!(apply(&FoldConstants, ":n = :s"), "FALSE");
        // Types differ: ordering is false and `<>` is true, as DynamoDB evaluates them.
        assert_eq!(apply(&FoldConstants, ":n <> :s"), "TRUE");
        assert_eq!(apply(&FoldConstants, "begins_with(:s, :s)"), "TRUE");
    }

    #[test]
    fn constants_fold_through_and_or_not() {
        assert_eq!(
            apply(&FoldConstants, "a = :n AND :n = :n"),
            r#"(a = {"N":"1"})"#
        );
        assert_eq!(apply(&FoldConstants, "a = :n AND :n = :s"), "FALSE");
        assert_eq!(apply(&FoldConstants, "a = :n OR :n = :n"), "TRUE");
        assert_eq!(
            apply(&FoldConstants, "a = :n OR NOT (:n < :n2)"),
            r#"(a = {"N":"1"})"#
        );
    }

    #[test]
    fn conditions_on_attributes_stay() {
        assert_eq!(
            apply(&FoldConstants, "a < :n OR size(b) > :n"),
            r#"(a < {"N":"1"} OR size(b) > {"N":"1"})"#
        );
    }
}
