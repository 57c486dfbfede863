//! The legacy (pre-expression) parameters, compiled into the same IR as the expressions:
//! Expected + ConditionalOperator, QueryFilter / ScanFilter, KeyConditions, AttributesToGet,
//! and AttributeUpdates (applied here: its ADD appends to lists, which no UpdateExpression
//! can say). Messages and check order are DynamoDB's (docs/research/research-legacy.md).

use super::eval::{equal, order};
use super::ir::{CmpOp, Cond, Operand, Path};
use super::optimize::key_range::KeyShape;
use crate::error::{Error, Result};
use crate::model::codec::check_value;
use crate::model::key::ScalarType;
use crate::model::number::Number;
use crate::model::value::{AttributeValue, Item};
use crate::types::{
    AttributeAction, AttributeValueUpdate, ComparisonOperator, Condition, ConditionalOperator,
    Conditions, ExpectedAttributeValue,
};
use crate::validate::Constraints;
use std::cmp::Ordering;

/// ComparisonOperator values, in the order DynamoDB lists them in its enum message.
const OPERATORS: &[&str] = &[
    "IN",
    "NULL",
    "BETWEEN",
    "LT",
    "NOT_CONTAINS",
    "EQ",
    "GT",
    "NOT_NULL",
    "NE",
    "LE",
    "BEGINS_WITH",
    "GE",
    "CONTAINS",
];

/// Member constraints of a QueryFilter, ScanFilter or KeyConditions map (`param` in
/// camelCase): every entry needs a known ComparisonOperator.
pub fn constrain_conditions(c: &mut Constraints, param: &str, map: Option<&Conditions<Condition>>) {
    for (name, cond) in map.into_iter().flatten() {
        let path = format!("{param}.{name}.member.comparisonOperator");
        if let Some(op) = c.not_null(&path, &cond.comparison_operator) {
            c.one_of(&path, Some(op), OPERATORS);
        }
    }
}

/// Member constraints of an Expected map.
pub fn constrain_expected(c: &mut Constraints, map: Option<&Conditions<ExpectedAttributeValue>>) {
    for (name, e) in map.into_iter().flatten() {
        c.one_of(
            &format!("expected.{name}.member.comparisonOperator"),
            e.comparison_operator.as_deref(),
            OPERATORS,
        );
    }
}

/// Member constraints of ConditionalOperator.
pub fn constrain_conditional_operator(c: &mut Constraints, op: Option<&str>) {
    c.one_of("conditionalOperator", op, &["OR", "AND"]);
}

/// "Can not use both expression and non-expression parameters": each list holds the present
/// parameters in DynamoDB's fixed order.
pub fn check_mixing(non_expression: &[(&str, bool)], expression: &[(&str, bool)]) -> Result<()> {
    let present = |l: &[(&str, bool)]| -> Vec<String> {
        l.iter()
            .filter(|(_, p)| *p)
            .map(|(n, _)| n.to_string())
            .collect()
    };
    let (non, expr) = (present(non_expression), present(expression));
    if non.is_empty() || expr.is_empty() {
        return Ok(());
    }
    Err(Error::validation(format!(
        "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {{{}}} Expression parameters: {{{}}}",
        non.join(", "),
        expr.join(", ")
    )))
}

/// ConditionalOperator needs two or more conditions to join.
pub fn check_conditional_operator(op: Option<&str>, conditions: Option<usize>) -> Result<()> {
    if op.is_none() {
        return Ok(());
    }
    match conditions {
        None | Some(0) => Err(Error::validation(
            "ConditionalOperator cannot be used without Filter or Expected",
        )),
        Some(1) => Err(Error::validation(
            "ConditionalOperator can only be used when Filter or Expected has two or more elements",
        )),
        _ => Ok(()),
    }
}

fn count_error(op: ComparisonOperator) -> Error {
    Error::invalid_param(format!(
        "Invalid number of argument(s) for the {} ComparisonOperator",
        op.as_str()
    ))
}

/// A ComparisonOperator its constraint has checked.
fn operator(text: Option<&str>) -> Result<ComparisonOperator> {
    ComparisonOperator::from_member(text)
        .ok_or_else(|| Error::internal("a ComparisonOperator passed its constraint unparsed"))
}

/// ConditionalOperator is OR.
fn any_of(op: Option<&str>) -> bool {
    ConditionalOperator::from_member(op) == Some(ConditionalOperator::Or)
}

/// An AttributeUpdates entry's Action (PUT when absent).
fn action(u: &AttributeValueUpdate) -> AttributeAction {
    AttributeAction::from_member(u.action.as_deref()).unwrap_or(AttributeAction::Put)
}

/// The static checks on one condition's arguments: count, types, one type, BETWEEN order.
fn check_args(op: ComparisonOperator, args: &[AttributeValue]) -> Result<()> {
    use ComparisonOperator as O;
    for v in args {
        check_value(v)?;
    }
    let count_ok = match op {
        O::Null | O::NotNull => args.is_empty(),
        O::In => !args.is_empty(),
        O::Between => args.len() == 2,
        _ => args.len() == 1,
    };
    if !count_ok {
        return Err(count_error(op));
    }
    if args
        .windows(2)
        .any(|w| w[0].type_name() != w[1].type_name())
    {
        return Err(Error::invalid_param(
            "AttributeValues inside AttributeValueList must be of same type",
        ));
    }
    let allowed: &[&str] = match op {
        O::Eq | O::Ne => return check_between(op, args),
        O::BeginsWith => &["S", "B"],
        O::Contains | O::NotContains => &["S", "N", "B", "BOOL", "NULL"],
        _ => &["S", "N", "B"],
    };
    if let Some(bad) = args.iter().find(|v| !allowed.contains(&v.type_name())) {
        return Err(Error::invalid_param(format!(
            "ComparisonOperator {} is not valid for {} AttributeValue type",
            op.as_str(),
            bad.type_name()
        )));
    }
    check_between(op, args)
}

fn check_between(op: ComparisonOperator, args: &[AttributeValue]) -> Result<()> {
    if op == ComparisonOperator::Between && order(&args[0], &args[1]) == Some(Ordering::Greater) {
        return Err(Error::validation(
            "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound",
        ));
    }
    Ok(())
}

/// One checked condition in the IR: the attribute is a top-level name (a dot is literal).
fn to_cond(attr: &str, op: ComparisonOperator, args: &[AttributeValue]) -> Cond {
    use ComparisonOperator as O;
    let path = || Operand::Path(Path::attr(attr));
    let arg = |i: usize| Operand::Value(args[i].clone());
    let cmp = |o| Cond::Cmp(o, path(), arg(0));
    match op {
        O::Eq => cmp(CmpOp::Eq),
        O::Ne => cmp(CmpOp::Ne),
        O::Lt => cmp(CmpOp::Lt),
        O::Le => cmp(CmpOp::Le),
        O::Gt => cmp(CmpOp::Gt),
        O::Ge => cmp(CmpOp::Ge),
        O::Between => Cond::Between(path(), arg(0), arg(1)),
        O::In => Cond::In(path(), args.iter().cloned().map(Operand::Value).collect()),
        O::BeginsWith => Cond::BeginsWith(path(), arg(0)),
        O::Contains => Cond::Contains(path(), arg(0)),
        // Unlike NOT contains(), false when the attribute is missing.
        O::NotContains => Cond::And(vec![
            Cond::Exists(Path::attr(attr)),
            Cond::Not(Box::new(Cond::Contains(path(), arg(0)))),
        ]),
        O::Null => Cond::NotExists(Path::attr(attr)),
        O::NotNull => Cond::Exists(Path::attr(attr)),
    }
}

fn join(mut conds: Vec<Cond>, any: bool) -> Option<Cond> {
    match conds.len() {
        0 => None,
        1 => conds.pop(),
        _ if any => Some(Cond::Or(conds)),
        _ => Some(Cond::And(conds)),
    }
}

/// A QueryFilter or ScanFilter as one condition (its entries joined by ConditionalOperator).
pub fn filter(map: &Conditions<Condition>, op: Option<&str>) -> Result<Option<Cond>> {
    let mut conds = Vec::with_capacity(map.len());
    for (attr, c) in map {
        let operator = operator(c.comparison_operator.as_deref())?;
        let args = c.attribute_value_list.as_deref().unwrap_or_default();
        check_args(operator, args)?;
        conds.push(to_cond(attr, operator, args));
    }
    Ok(join(conds, any_of(op)))
}

/// Expected as one condition, with DynamoDB's checks on each entry's combination of fields.
pub fn expected(
    map: &Conditions<ExpectedAttributeValue>,
    op: Option<&str>,
) -> Result<Option<Cond>> {
    let mut conds = Vec::with_capacity(map.len());
    for (attr, e) in map {
        let invalid = |m: &str| Err(Error::invalid_param(format!("{m} for Attribute: {attr}")));
        let operator = e
            .comparison_operator
            .as_deref()
            .map(|o| operator(Some(o)))
            .transpose()?;
        if e.exists.is_some() && operator.is_some() {
            return invalid("Exists and ComparisonOperator cannot be used together");
        }
        if e.value.is_some() && e.attribute_value_list.is_some() {
            return invalid("Value and AttributeValueList cannot be used together");
        }
        if e.attribute_value_list.is_some() && operator.is_none() {
            return invalid("AttributeValueList can only be used with a ComparisonOperator");
        }
        if e.exists == Some(false) && e.value.is_some() {
            return invalid("Value cannot be used when Exists is false");
        }
        if let Some(v) = &e.value {
            check_value(v)?;
        }
        conds.push(match (operator, &e.value, e.exists) {
            (Some(o), value, _) => {
                let args: Vec<AttributeValue> = match (value, &e.attribute_value_list) {
                    (Some(v), _) => vec![v.clone()],
                    (None, Some(list)) => list.clone(),
                    (None, None)
                        if matches!(o, ComparisonOperator::Null | ComparisonOperator::NotNull) =>
                    {
                        Vec::new()
                    }
                    (None, None) => {
                        return Err(Error::invalid_param(format!(
                            "Value or AttributeValueList must be used with ComparisonOperator: {} for Attribute: {attr}",
                            o.as_str()
                        )))
                    }
                };
                check_args(o, &args)?;
                to_cond(attr, o, &args)
            }
            (None, Some(v), _) => Cond::Cmp(
                CmpOp::Eq,
                Operand::Path(Path::attr(attr)),
                Operand::Value(v.clone()),
            ),
            (None, None, Some(false)) => Cond::NotExists(Path::attr(attr)),
            (None, None, Some(true)) => {
                return invalid("Value must be provided when Exists is true")
            }
            (None, None, None) => return invalid("Value must be provided when Exists is null"),
        });
    }
    Ok(join(conds, any_of(op)))
}

/// The checks on KeyConditions that need no table: one or two conditions, valid arguments.
pub fn check_key_conditions(map: &Conditions<Condition>) -> Result<()> {
    for c in map.values() {
        check_args(
            operator(c.comparison_operator.as_deref())?,
            c.attribute_value_list.as_deref().unwrap_or_default(),
        )?;
    }
    if map.is_empty() || map.len() > 2 {
        return Err(Error::validation("Conditions can be of length 1 or 2 only"));
    }
    Ok(())
}

/// KeyConditions checked against the key being queried, as the condition the key range is
/// built from.
pub fn key_conditions(map: &Conditions<Condition>, shape: &KeyShape<'_>) -> Result<Cond> {
    let not_supported = || Error::validation("Query key condition not supported");
    let not_indexable =
        || Error::validation("Attempted conditional constraint is not an indexable operation");
    let key_len = 1 + usize::from(shape.range.is_some());
    if map.len() > key_len {
        return Err(not_supported());
    }
    let (hash, _) = shape.hash;
    let Some(h) = map.get(hash) else {
        return Err(Error::validation(format!(
            "Query condition missed key schema element: {hash}"
        )));
    };
    use ComparisonOperator as O;
    let op = |c: &Condition| operator(c.comparison_operator.as_deref());
    match op(h)? {
        O::Eq => {}
        O::Le | O::Lt | O::Ge | O::Gt | O::BeginsWith | O::Between => return Err(not_supported()),
        _ => return Err(not_indexable()),
    }
    let args = |c: &Condition| c.attribute_value_list.clone().unwrap_or_default();
    // Values against the schema's types come before the sort key's name and operator.
    let mistyped = |c: &Condition, ty| args(c).iter().any(|v| ScalarType::of(v) != Some(ty));
    let other = map.iter().find(|(n, _)| *n != hash);
    let sort_mistyped = match (other, shape.range) {
        (Some((name, c)), Some((range, ty))) => name == range && mistyped(c, ty),
        _ => false,
    };
    if mistyped(h, shape.hash.1) || sort_mistyped {
        return Err(Error::invalid_param(
            "Condition parameter type does not match schema type",
        ));
    }
    let mut conds = vec![to_cond(hash, O::Eq, &args(h))];
    if let Some((name, c)) = other {
        let range = shape.range.map(|(r, _)| r).filter(|r| r == name);
        let Some(range) = range else {
            return Err(Error::validation(format!(
                "Query condition missed key schema element: {}",
                shape.range.map_or(name.as_str(), |(r, _)| r)
            )));
        };
        let o = op(c)?;
        if !matches!(
            o,
            O::Eq | O::Le | O::Lt | O::Ge | O::Gt | O::BeginsWith | O::Between
        ) {
            return Err(not_indexable());
        }
        conds.push(to_cond(range, o, &args(c)));
    }
    Ok(match conds.len() {
        1 => conds.remove(0),
        _ => Cond::And(conds),
    })
}

/// AttributesToGet as projection paths (top-level names; a dot is part of the name).
pub fn attributes_to_get(names: &[String]) -> Result<Vec<Path>> {
    for (i, n) in names.iter().enumerate() {
        if names[..i].contains(n) {
            return Err(Error::invalid_param(format!(
                "Duplicate value in attribute name: {n}"
            )));
        }
    }
    Ok(names.iter().map(|n| Path::attr(n.clone())).collect())
}

/// Member constraints of AttributeUpdates: a known Action.
pub fn constrain_attribute_updates(
    c: &mut Constraints,
    map: Option<&Conditions<AttributeValueUpdate>>,
) {
    for (name, u) in map.into_iter().flatten() {
        c.one_of(
            &format!("attributeUpdates.{name}.member.action"),
            u.action.as_deref(),
            &["ADD", "PUT", "DELETE"],
        );
    }
}

/// The checks on AttributeUpdates that need no table.
pub fn check_attribute_updates(map: &Conditions<AttributeValueUpdate>) -> Result<()> {
    for u in map.values() {
        let action = action(u);
        let Some(v) = &u.value else {
            if action != AttributeAction::Delete {
                return Err(Error::invalid_param(
                    "Only DELETE action is allowed when no attribute value is specified",
                ));
            }
            continue;
        };
        check_value(v)?;
        let t = v.type_name();
        match action {
            AttributeAction::Delete if !matches!(t, "SS" | "NS" | "BS") => {
                return Err(Error::invalid_param(format!(
                    "DELETE action with value is not supported for the type {t}"
                )))
            }
            AttributeAction::Add if !matches!(t, "N" | "SS" | "NS" | "BS" | "L") => {
                return Err(Error::invalid_param(format!(
                    "ADD action is not supported for the type {t}"
                )))
            }
            _ => {}
        }
    }
    Ok(())
}

/// The key attribute AttributeUpdates would change, if any.
pub fn attribute_updates_touch_key<'a>(
    map: &'a Conditions<AttributeValueUpdate>,
    keys: &[&str],
) -> Option<&'a str> {
    map.keys().map(String::as_str).find(|n| keys.contains(n))
}

/// True when applying the updates to a missing item leaves it missing (DELETE actions only).
pub fn only_deletes(map: &Conditions<AttributeValueUpdate>) -> bool {
    !map.is_empty() && map.values().all(|u| action(u) == AttributeAction::Delete)
}

fn mismatch() -> Error {
    Error::validation("Type mismatch for attribute to update")
}

/// Applies AttributeUpdates to an item.
pub fn apply_attribute_updates(
    map: &Conditions<AttributeValueUpdate>,
    item: &Item,
) -> Result<Item> {
    let mut out = item.clone();
    for (name, u) in map {
        match (action(u), &u.value) {
            (AttributeAction::Put, Some(v)) => {
                out.insert(name.clone(), v.clone());
            }
            (AttributeAction::Delete, None) => {
                out.remove(name);
            }
            (AttributeAction::Delete, Some(v)) => {
                let Some(old) = out.get(name) else { continue };
                match subtract(old, v)? {
                    Some(left) => out.insert(name.clone(), left),
                    None => out.remove(name),
                };
            }
            (AttributeAction::Add, Some(v)) => {
                let new = match out.get(name) {
                    None => v.clone(),
                    Some(old) => add(old, v)?,
                };
                out.insert(name.clone(), new);
            }
            (_, None) => {
                return Err(Error::invalid_param(
                    "Only DELETE action is allowed when no attribute value is specified",
                ))
            }
        }
    }
    Ok(out)
}

fn union<T: Clone + PartialEq>(a: &[T], b: &[T]) -> Vec<T> {
    let mut out = a.to_vec();
    out.extend(b.iter().filter(|x| !a.contains(x)).cloned());
    out
}

fn add(old: &AttributeValue, v: &AttributeValue) -> Result<AttributeValue> {
    use AttributeValue as V;
    Ok(match (old, v) {
        (V::N(a), V::N(b)) => {
            let (a, b) = (Number::parse(a)?, Number::parse(b)?);
            V::N(a.checked_add(&b)?.to_string())
        }
        (V::Ss(a), V::Ss(b)) => V::Ss(union(a, b)),
        (V::Bs(a), V::Bs(b)) => V::Bs(union(a, b)),
        (V::Ns(a), V::Ns(b)) => {
            let mut out = a.clone();
            for n in b {
                if !a.iter().any(|x| equal(&V::N(x.clone()), &V::N(n.clone()))) {
                    out.push(n.clone());
                }
            }
            V::Ns(out)
        }
        (V::L(a), V::L(b)) => V::L(a.iter().chain(b).cloned().collect()),
        _ => return Err(mismatch()),
    })
}

/// The set left after removing `v`'s elements; `None` when nothing is left.
fn subtract(old: &AttributeValue, v: &AttributeValue) -> Result<Option<AttributeValue>> {
    use AttributeValue as V;
    let left = match (old, v) {
        (V::Ss(a), V::Ss(b)) => V::Ss(a.iter().filter(|x| !b.contains(x)).cloned().collect()),
        (V::Bs(a), V::Bs(b)) => V::Bs(a.iter().filter(|x| !b.contains(x)).cloned().collect()),
        (V::Ns(a), V::Ns(b)) => V::Ns(
            a.iter()
                .filter(|x| {
                    !b.iter()
                        .any(|y| equal(&V::N((*x).clone()), &V::N(y.clone())))
                })
                .cloned()
                .collect(),
        ),
        _ => return Err(mismatch()),
    };
    let empty = match &left {
        V::Ss(s) => s.is_empty(),
        V::Bs(s) => s.is_empty(),
        V::Ns(s) => s.is_empty(),
        _ => false,
    };
    Ok((!empty).then_some(left))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn conds(v: serde_json::Value) -> Conditions<Condition> {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn the_printed_operator_set_is_the_parsed_enum() {
        let parsed: Vec<ComparisonOperator> = OPERATORS
            .iter()
            .map(|o| ComparisonOperator::parse(o).unwrap())
            .collect();
        assert_eq!(parsed.len(), 13);
        for (o, p) in OPERATORS.iter().zip(&parsed) {
            assert_eq!(p.as_str(), *o);
        }
        assert!(!parsed[1..].contains(&parsed[0]));
    }

    #[test]
    fn filters_become_the_ir() {
        let f = filter(
            &conds(json!({
                "a": {"ComparisonOperator": "NOT_CONTAINS", "AttributeValueList": [{"S": "x"}]},
                "b": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "1"}, {"N": "2"}]},
                "c": {"ComparisonOperator": "NULL"}
            })),
            Some("OR"),
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            f.to_string(),
            r#"((attribute_exists(a) AND NOT (contains(a, {"S":"x"}))) OR b BETWEEN {"N":"1"} AND {"N":"2"} OR attribute_not_exists(c))"#
        );
    }

    #[test]
    fn argument_errors_in_dynamodb_words() {
        let err = |v: serde_json::Value| filter(&conds(v), None).unwrap_err().message().to_string();
        assert_eq!(
            err(json!({"a": {"ComparisonOperator": "EQ"}})),
            "One or more parameter values were invalid: Invalid number of argument(s) for the EQ ComparisonOperator"
        );
        assert_eq!(
            err(json!({"a": {"ComparisonOperator": "LT", "AttributeValueList": [{"BOOL": true}]}})),
            "One or more parameter values were invalid: ComparisonOperator LT is not valid for BOOL AttributeValue type"
        );
        assert_eq!(
            err(json!({"a": {"ComparisonOperator": "IN", "AttributeValueList": [{"S": "x"}, {"N": "1"}]}})),
            "One or more parameter values were invalid: AttributeValues inside AttributeValueList must be of same type"
        );
        assert_eq!(
            err(json!({"a": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "2"}, {"N": "1"}]}})),
            "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound"
        );
        assert_eq!(
            err(json!({"a": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [{"N": "1"}]}})),
            "One or more parameter values were invalid: ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type"
        );
    }

    #[test]
    fn attribute_updates_add_and_delete() {
        let updates: Conditions<AttributeValueUpdate> = serde_json::from_value(json!({
            "n": {"Action": "ADD", "Value": {"N": "2"}},
            "l": {"Action": "ADD", "Value": {"L": [{"S": "b"}]}},
            "ss": {"Action": "DELETE", "Value": {"SS": ["a"]}},
            "gone": {"Action": "DELETE"},
            "p": {"Value": {"S": "put"}}
        }))
        .unwrap();
        let item: Item = serde_json::from_value(json!({
            "n": {"N": "1"}, "l": {"L": [{"S": "a"}]}, "ss": {"SS": ["a"]}, "gone": {"S": "x"}
        }))
        .unwrap();
        let out = apply_attribute_updates(&updates, &item).unwrap();
        assert_eq!(
            serde_json::to_value(out).unwrap(),
            json!({"n": {"N": "3"}, "l": {"L": [{"S": "a"}, {"S": "b"}]}, "p": {"S": "put"}})
        );
        let bad: Conditions<AttributeValueUpdate> =
            serde_json::from_value(json!({"n": {"Action": "ADD", "Value": {"NS": ["1"]}}}))
                .unwrap();
        assert_eq!(
            apply_attribute_updates(&bad, &item).unwrap_err().message(),
            "Type mismatch for attribute to update"
        );
    }
}
