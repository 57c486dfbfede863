//! The optimiser: small rewrite rules over the IR, one file each and each tested alone, run in
//! a fixed order until none of them changes the condition. Every rule keeps DynamoDB's
//! two-valued semantics (a missing attribute makes `<` false and `<>` true, never NULL).
//!
//! `key_range` is the step after the rules, and leaves the IR: it turns a key condition into
//! the key range SQLite reads on the clustered key of a table or index.

mod flatten;
mod fold_constants;
mod in_list;
pub mod key_range;
mod simplify_not;

use super::ir::Cond;

/// One rewrite rule over a single node; [`optimize`] applies it bottom-up to every node.
pub trait Rule: Sync {
    /// The rule's name, as `explain` lists it.
    fn name(&self) -> &'static str;
    /// Rewrites one node whose children are already rewritten.
    fn rewrite(&self, c: Cond) -> Cond;
}

/// The rules, in the order they run.
pub static RULES: &[&dyn Rule] = &[
    &flatten::Flatten,
    &simplify_not::SimplifyNot,
    &in_list::InList,
    &fold_constants::FoldConstants,
];

/// Applies `rule` to every node, children first.
pub fn transform_up(c: Cond, rule: &dyn Rule) -> Cond {
    let c = match c {
        Cond::And(cs) => Cond::And(cs.into_iter().map(|x| transform_up(x, rule)).collect()),
        Cond::Or(cs) => Cond::Or(cs.into_iter().map(|x| transform_up(x, rule)).collect()),
        Cond::Not(x) => Cond::Not(Box::new(transform_up(*x, rule))),
        leaf => leaf,
    };
    rule.rewrite(c)
}

/// The optimised condition and the names of the rules that changed it, in order.
pub fn optimize_traced(mut c: Cond) -> (Cond, Vec<&'static str>) {
    let mut fired = Vec::new();
    // Each pass only shrinks the tree, so this settles fast; the bound is a guard.
    for _ in 0..8 {
        let mut changed = false;
        for rule in RULES {
            let next = transform_up(c.clone(), *rule);
            if next != c {
                fired.push(rule.name());
                changed = true;
                c = next;
            }
        }
        if !changed {
            break;
        }
    }
    (c, fired)
}

/// The optimised condition.
pub fn optimize(c: Cond) -> Cond {
    optimize_traced(c).0
}

/// Test helper: parses `text` with the placeholders `:s`, `:n`, `:n2`, `:t` and applies one rule.
#[cfg(test)]
pub(crate) fn apply(rule: &dyn Rule, text: &str) -> String {
    use crate::expr::{parse_condition, ExprKind, Placeholders};
    let values: crate::model::value::Item = serde_json::from_value(serde_json::json!({
        ":s": {"S": "x"}, ":s2": {"S": "y"}, ":n": {"N": "1"}, ":n2": {"N": "5"}, ":t": {"S": "S"}
    }))
    .unwrap();
    let mut ph = Placeholders::new(None, Some(&values)).unwrap();
    let c = parse_condition(ExprKind::Condition, text, &mut ph).unwrap();
    transform_up(c, rule).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::{parse_condition, ExprKind, Placeholders};

    #[test]
    fn rules_run_to_a_fixed_point() {
        let values: crate::model::value::Item =
            serde_json::from_value(serde_json::json!({":n": {"N": "1"}, ":m": {"N": "2"}}))
                .unwrap();
        let mut ph = Placeholders::new(None, Some(&values)).unwrap();
        let text = "a = :n AND (:n < :m OR b IN (:m))";
        let c = parse_condition(ExprKind::Condition, text, &mut ph).unwrap();
        let (out, fired) = optimize_traced(c);
        // The second pass flattens the AND of one that constant folding left.
        assert_eq!(out.to_string(), r#"a = {"N":"1"}"#);
        assert_eq!(fired, ["in_list", "fold_constants", "flatten"]);
    }
}
