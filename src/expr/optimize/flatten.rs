//! Flatten: `a AND (b AND c)` becomes one AND of three, likewise for OR; an AND or OR of one
//! condition becomes that condition.

use super::Rule;
use crate::expr::ir::Cond;

/// The flatten rule.
pub struct Flatten;

fn splice(cs: Vec<Cond>, same: fn(&Cond) -> bool) -> Vec<Cond> {
    let mut out = Vec::with_capacity(cs.len());
    for c in cs {
        if same(&c) {
            match c {
                Cond::And(inner) | Cond::Or(inner) => out.extend(inner),
                _ => unreachable!("checked by same"),
            }
        } else {
            out.push(c);
        }
    }
    out
}

impl Rule for Flatten {
    fn name(&self) -> &'static str {
        "flatten"
    }

    fn rewrite(&self, c: Cond) -> Cond {
        let mut c = match c {
            Cond::And(cs) => Cond::And(splice(cs, |c| matches!(c, Cond::And(_)))),
            Cond::Or(cs) => Cond::Or(splice(cs, |c| matches!(c, Cond::Or(_)))),
            other => return other,
        };
        if let Cond::And(cs) | Cond::Or(cs) = &mut c {
            if cs.len() == 1 {
                return cs.pop().expect("one");
            }
        }
        c
    }
}

#[cfg(test)]
mod tests {
    use super::super::apply;
    use super::Flatten;

    #[test]
    fn nested_ands_and_ors_flatten() {
        assert_eq!(
            apply(&Flatten, "a = :n AND (b = :n AND (c = :n AND d = :n))"),
            r#"(a = {"N":"1"} AND b = {"N":"1"} AND c = {"N":"1"} AND d = {"N":"1"})"#
        );
        assert_eq!(
            apply(&Flatten, "(a = :n OR b = :n) OR c = :n"),
            r#"(a = {"N":"1"} OR b = {"N":"1"} OR c = {"N":"1"})"#
        );
    }

    #[test]
    fn mixed_operators_keep_their_grouping() {
        assert_eq!(
            apply(&Flatten, "a = :n AND (b = :n OR c = :n)"),
            r#"(a = {"N":"1"} AND (b = {"N":"1"} OR c = {"N":"1"}))"#
        );
        assert_eq!(
            apply(&Flatten, "NOT (a = :n AND (b = :n AND c = :n))"),
            r#"NOT ((a = {"N":"1"} AND b = {"N":"1"} AND c = {"N":"1"}))"#
        );
    }
}
