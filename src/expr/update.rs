//! UpdateExpression: parse, check in DynamoDB's order, and apply to an item.
//!
//! Check order: reserved words, function names, repeated sections, undefined names, undefined
//! values, overlapping and conflicting paths, ADD/DELETE operand types, function operands.

use super::condition::CONDITION_FUNCTIONS;
use super::eval::get;
use super::ir::{Path, PathElem};
use super::projection::check_paths;
use super::syntax::{parse_update, RawClause, RawElem, RawOperand, RawSetValue};
use super::{is_reserved, ExprKind, Placeholders};
use crate::error::{Error, Result};
use crate::model::number::Number;
use crate::model::value::{AttributeValue, Item};

/// A SET operand, resolved.
#[derive(Clone, Debug, PartialEq)]
pub enum SetOperand {
    /// An attribute of the item as it was before the update.
    Path(Path),
    /// A literal.
    Value(AttributeValue),
    /// `if_not_exists(path, operand)`
    IfNotExists(Path, Box<SetOperand>),
    /// `list_append(a, b)`
    ListAppend(Box<SetOperand>, Box<SetOperand>),
}

/// A SET value.
#[derive(Clone, Debug, PartialEq)]
pub enum SetValue {
    /// One operand.
    One(SetOperand),
    /// `a + b`
    Plus(SetOperand, SetOperand),
    /// `a - b`
    Minus(SetOperand, SetOperand),
}

/// An UpdateExpression in the IR.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Update {
    /// `SET path = value`
    pub set: Vec<(Path, SetValue)>,
    /// `REMOVE path`
    pub remove: Vec<Path>,
    /// `ADD path :value`
    pub add: Vec<(Path, AttributeValue)>,
    /// `DELETE path :value`
    pub delete: Vec<(Path, AttributeValue)>,
}

impl Update {
    /// Every path the update writes, in text order of their clauses.
    pub fn paths(&self) -> Vec<Path> {
        let set = self.set.iter().map(|(p, _)| p.clone());
        let add = self.add.iter().map(|(p, _)| p.clone());
        let del = self.delete.iter().map(|(p, _)| p.clone());
        set.chain(self.remove.iter().cloned())
            .chain(add)
            .chain(del)
            .collect()
    }
}

const UPDATE_FUNCTIONS: &[&str] = &["if_not_exists", "list_append"];

fn err(m: impl std::fmt::Display) -> Error {
    Error::validation(format!("Invalid UpdateExpression: {m}"))
}

fn raw_operands(v: &RawSetValue) -> Vec<&RawOperand> {
    match v {
        RawSetValue::One(a) => vec![a],
        RawSetValue::Arith(_, a, b) => vec![a, b],
    }
}

fn visit_operand<'r>(o: &'r RawOperand, f: &mut impl FnMut(&'r RawOperand)) {
    f(o);
    match o {
        RawOperand::Call(_, args) => args.iter().for_each(|a| visit_operand(a, f)),
        RawOperand::Paren(inner) => visit_operand(inner, f),
        _ => {}
    }
}

/// Parses and checks an UpdateExpression into the IR.
pub fn parse(text: &str, ph: &mut Placeholders<'_>) -> Result<Update> {
    let kind = ExprKind::Update;
    super::check_text(kind, text)?;
    super::check_paren_depth(kind, text)?;
    // Nested function calls recurse in the parser: deep ones get a large stack.
    super::with_stack_for(text, || build(text, ph))
}

/// One action of an update as written, in text order; its target path is kept apart.
enum RawAction<'a> {
    Set(&'a RawSetValue),
    Remove,
    Add(&'a str),
    Delete(&'a str),
}

fn build(text: &str, ph: &mut Placeholders<'_>) -> Result<Update> {
    let kind = ExprKind::Update;
    let clauses = parse_update(kind, text)?;

    // Every action with its target path, and every operand, in text order.
    let mut actions: Vec<(&Vec<RawElem>, RawAction<'_>)> = Vec::new();
    let mut operands: Vec<&RawOperand> = Vec::new();
    for c in &clauses {
        match c {
            RawClause::Set(set) => {
                for (p, v) in set {
                    actions.push((p, RawAction::Set(v)));
                    for o in raw_operands(v) {
                        visit_operand(o, &mut |x| operands.push(x));
                    }
                }
            }
            RawClause::Remove(ps) => actions.extend(ps.iter().map(|p| (p, RawAction::Remove))),
            RawClause::Add(a) => actions.extend(a.iter().map(|(p, v)| (p, RawAction::Add(v)))),
            RawClause::Delete(a) => {
                actions.extend(a.iter().map(|(p, v)| (p, RawAction::Delete(v))))
            }
        }
    }
    let operand_paths = operands.iter().filter_map(|o| match o {
        RawOperand::Path(p) => Some(p),
        _ => None,
    });
    let all_elems: Vec<&RawElem> = actions
        .iter()
        .map(|(p, _)| *p)
        .chain(operand_paths)
        .flatten()
        .collect();
    check_words(&clauses, &all_elems, &operands)?;
    // Names, then values, each in text order.
    for e in &all_elems {
        if let RawElem::Placeholder(p) = e {
            ph.name(kind, p)?;
        }
    }
    for o in &operands {
        if let RawOperand::Value(v) = o {
            ph.value(kind, v)?;
        }
    }
    for (_, action) in &actions {
        if let RawAction::Add(v) | RawAction::Delete(v) = action {
            ph.value(kind, v)?;
        }
    }
    let targets: Vec<Path> = actions
        .iter()
        .map(|(p, _)| resolve_path(p, ph))
        .collect::<Result<_>>()?;
    check_paths(kind, &targets)?;

    let mut update = Update::default();
    for ((_, action), path) in actions.iter().zip(targets) {
        match action {
            RawAction::Set(v) => update.set.push((path, set_value(v, ph)?)),
            RawAction::Remove => update.remove.push(path),
            RawAction::Add(v) | RawAction::Delete(v) => {
                let is_add = matches!(action, RawAction::Add(_));
                let value = ph.value(kind, v)?;
                let ok = match &value {
                    AttributeValue::Ss(_) | AttributeValue::Ns(_) | AttributeValue::Bs(_) => true,
                    AttributeValue::N(_) => is_add,
                    _ => false,
                };
                if !ok {
                    return Err(err(format!(
                        "Incorrect operand type for operator or function; operator: {}, operand type: {}",
                        if is_add { "ADD" } else { "DELETE" },
                        type_word(&value)
                    )));
                }
                if is_add {
                    update.add.push((path, value));
                } else {
                    update.delete.push((path, value));
                }
            }
        }
    }
    Ok(update)
}

/// Reserved words in paths, functions that are not update functions, and a clause given
/// twice, in that order.
fn check_words(clauses: &[RawClause], elems: &[&RawElem], operands: &[&RawOperand]) -> Result<()> {
    if let Some(word) = elems.iter().find_map(|e| match e {
        RawElem::Name(n) if is_reserved(n) => Some(n),
        _ => None,
    }) {
        return Err(err(format!(
            "Attribute name is a reserved keyword; reserved keyword: {word}"
        )));
    }
    for o in operands {
        if let RawOperand::Call(name, _) = o {
            if CONDITION_FUNCTIONS.contains(&name.as_str()) {
                return Err(err(format!(
                    "The function is not allowed in an update expression; function: {name}"
                )));
            }
            if !UPDATE_FUNCTIONS.contains(&name.as_str()) {
                return Err(err(format!("Invalid function name; function: {name}")));
            }
        }
    }
    let mut seen = Vec::new();
    for c in clauses {
        let name = match c {
            RawClause::Set(_) => "SET",
            RawClause::Remove(_) => "REMOVE",
            RawClause::Add(_) => "ADD",
            RawClause::Delete(_) => "DELETE",
        };
        if seen.contains(&name) {
            return Err(err(format!(
                "The \"{name}\" section can only be used once in an update expression;"
            )));
        }
        seen.push(name);
    }
    Ok(())
}

/// A path with its placeholders resolved.
fn resolve_path(elems: &[RawElem], ph: &mut Placeholders<'_>) -> Result<Path> {
    elems
        .iter()
        .map(|e| {
            Ok(match e {
                RawElem::Name(n) => PathElem::Attr(n.clone()),
                RawElem::Placeholder(p) => PathElem::Attr(ph.name(ExprKind::Update, p)?),
                RawElem::Index(i) => PathElem::Index(*i),
            })
        })
        .collect::<Result<Vec<_>>>()
        .map(Path)
}

/// A SET action's value; `+` and `-` take numbers.
fn set_value(v: &RawSetValue, ph: &mut Placeholders<'_>) -> Result<SetValue> {
    Ok(match v {
        RawSetValue::One(a) => SetValue::One(set_operand(a, ph, &mut resolve_path)?),
        RawSetValue::Arith(op, a, b) => {
            let (a, b) = (
                set_operand(a, ph, &mut resolve_path)?,
                set_operand(b, ph, &mut resolve_path)?,
            );
            for x in [&a, &b] {
                if let SetOperand::Value(v) = x {
                    if !matches!(v, AttributeValue::N(_)) {
                        return Err(operand_type(&op.to_string(), v.type_name()));
                    }
                }
            }
            if *op == '+' {
                SetValue::Plus(a, b)
            } else {
                SetValue::Minus(a, b)
            }
        }
    })
}

fn operand_type(f: &str, t: &str) -> Error {
    err(format!(
        "Incorrect operand type for operator or function; operator or function: {f}, operand type: {t}"
    ))
}

/// The type as a word, as DynamoDB names it in ADD/DELETE errors.
fn type_word(v: &AttributeValue) -> &'static str {
    match v {
        AttributeValue::S(_) => "STRING",
        AttributeValue::N(_) => "NUMBER",
        AttributeValue::B(_) => "BINARY",
        AttributeValue::Bool(_) => "BOOLEAN",
        AttributeValue::Null(_) => "NULL",
        AttributeValue::L(_) => "LIST",
        AttributeValue::M(_) => "MAP",
        AttributeValue::Ss(_) => "STRING SET",
        AttributeValue::Ns(_) => "NUMBER SET",
        AttributeValue::Bs(_) => "BINARY SET",
    }
}

fn set_operand(
    o: &RawOperand,
    ph: &mut Placeholders<'_>,
    resolve_path: &mut impl FnMut(&[RawElem], &mut Placeholders<'_>) -> Result<Path>,
) -> Result<SetOperand> {
    Ok(match o {
        RawOperand::Path(p) => SetOperand::Path(resolve_path(p, ph)?),
        RawOperand::Value(v) => SetOperand::Value(ph.value(ExprKind::Update, v)?),
        RawOperand::Paren(inner) => set_operand(inner, ph, resolve_path)?,
        RawOperand::Call(name, args) => {
            if args.len() != 2 {
                return Err(err(format!(
                    "Incorrect number of operands for operator or function; operator or function: {name}, number of operands: {}",
                    args.len()
                )));
            }
            let a = set_operand(&args[0], ph, resolve_path)?;
            let b = set_operand(&args[1], ph, resolve_path)?;
            if name == "if_not_exists" {
                let SetOperand::Path(p) = a else {
                    return Err(err(
                        "Operator or function requires a document path; operator or function: if_not_exists",
                    ));
                };
                SetOperand::IfNotExists(p, Box::new(b))
            } else {
                for x in [&a, &b] {
                    if let SetOperand::Value(v) = x {
                        if !matches!(v, AttributeValue::L(_)) {
                            return Err(operand_type(name, v.type_name()));
                        }
                    }
                }
                SetOperand::ListAppend(Box::new(a), Box::new(b))
            }
        }
    })
}

fn incorrect_type() -> Error {
    Error::validation("An operand in the update expression has an incorrect data type")
}

fn invalid_path() -> Error {
    Error::validation("The document path provided in the update expression is invalid for update")
}

fn value_of(o: &SetOperand, item: &Item) -> Result<AttributeValue> {
    match o {
        SetOperand::Value(v) => Ok(v.clone()),
        SetOperand::Path(p) => get(item, p).cloned().ok_or_else(|| {
            Error::validation(
                "The provided expression refers to an attribute that does not exist in the item",
            )
        }),
        SetOperand::IfNotExists(p, default) => match get(item, p) {
            Some(v) => Ok(v.clone()),
            None => value_of(default, item),
        },
        SetOperand::ListAppend(a, b) => match (value_of(a, item)?, value_of(b, item)?) {
            (AttributeValue::L(mut a), AttributeValue::L(b)) => {
                a.extend(b);
                Ok(AttributeValue::L(a))
            }
            _ => Err(incorrect_type()),
        },
    }
}

fn number(v: &AttributeValue) -> Result<Number> {
    match v {
        AttributeValue::N(n) => Number::parse(n),
        _ => Err(incorrect_type()),
    }
}

/// The parent container of a path's last step, created only where DynamoDB allows.
fn parent_mut<'a>(item: &'a mut Item, path: &Path) -> Result<Option<&'a mut AttributeValue>> {
    let init = &path.0[..path.0.len() - 1];
    if init.is_empty() {
        return Ok(None);
    }
    let mut cur = match &init[0] {
        PathElem::Attr(a) => item.get_mut(a).ok_or_else(invalid_path)?,
        PathElem::Index(_) => return Err(invalid_path()),
    };
    for e in &init[1..] {
        cur = match (e, cur) {
            (PathElem::Attr(a), AttributeValue::M(m)) => m.get_mut(a).ok_or_else(invalid_path)?,
            (PathElem::Index(i), AttributeValue::L(l)) => {
                l.get_mut(*i as usize).ok_or_else(invalid_path)?
            }
            _ => return Err(invalid_path()),
        };
    }
    Ok(Some(cur))
}

fn set_at(item: &mut Item, path: &Path, v: AttributeValue) -> Result<()> {
    let last = path.0.last().expect("paths are never empty");
    match parent_mut(item, path)? {
        None => {
            item.insert(path.root().to_string(), v);
        }
        Some(parent) => match (last, parent) {
            (PathElem::Attr(a), AttributeValue::M(m)) => {
                m.insert(a.clone(), v);
            }
            (PathElem::Index(i), AttributeValue::L(l)) => {
                // Past the end appends.
                match l.get_mut(*i as usize) {
                    Some(slot) => *slot = v,
                    None => l.push(v),
                }
            }
            _ => return Err(invalid_path()),
        },
    }
    Ok(())
}

fn remove_at(item: &mut Item, path: &Path) -> Result<()> {
    let last = path.0.last().expect("paths are never empty");
    match parent_mut(item, path)? {
        None => {
            item.remove(path.root());
        }
        Some(parent) => match (last, parent) {
            (PathElem::Attr(a), AttributeValue::M(m)) => {
                m.remove(a);
            }
            (PathElem::Index(i), AttributeValue::L(l)) => {
                if (*i as usize) < l.len() {
                    l.remove(*i as usize);
                }
            }
            _ => return Err(invalid_path()),
        },
    }
    Ok(())
}

fn set_union(old: AttributeValue, add: &AttributeValue) -> Result<AttributeValue> {
    Ok(match (old, add) {
        (AttributeValue::Ss(mut a), AttributeValue::Ss(b)) => {
            b.iter().for_each(|x| {
                if !a.contains(x) {
                    a.push(x.clone())
                }
            });
            AttributeValue::Ss(a)
        }
        (AttributeValue::Bs(mut a), AttributeValue::Bs(b)) => {
            b.iter().for_each(|x| {
                if !a.contains(x) {
                    a.push(x.clone())
                }
            });
            AttributeValue::Bs(a)
        }
        (AttributeValue::Ns(mut a), AttributeValue::Ns(b)) => {
            for x in b {
                let n = Number::parse(x)?;
                if !a.iter().any(|y| Number::parse(y).ok() == Some(n)) {
                    a.push(x.clone());
                }
            }
            AttributeValue::Ns(a)
        }
        (AttributeValue::N(a), AttributeValue::N(b)) => AttributeValue::N(
            Number::parse(&a)?
                .checked_add(&Number::parse(b)?)?
                .to_string(),
        ),
        _ => return Err(incorrect_type()),
    })
}

fn set_difference(old: AttributeValue, del: &AttributeValue) -> Result<Option<AttributeValue>> {
    let out = match (old, del) {
        (AttributeValue::Ss(mut a), AttributeValue::Ss(b)) => {
            a.retain(|x| !b.contains(x));
            (!a.is_empty()).then_some(AttributeValue::Ss(a))
        }
        (AttributeValue::Bs(mut a), AttributeValue::Bs(b)) => {
            a.retain(|x| !b.contains(x));
            (!a.is_empty()).then_some(AttributeValue::Bs(a))
        }
        (AttributeValue::Ns(mut a), AttributeValue::Ns(b)) => {
            let del: Vec<Number> = b.iter().map(|x| Number::parse(x)).collect::<Result<_>>()?;
            a.retain(|x| Number::parse(x).map_or(true, |n| !del.contains(&n)));
            (!a.is_empty()).then_some(AttributeValue::Ns(a))
        }
        _ => return Err(incorrect_type()),
    };
    Ok(out)
}

/// Applies an update to an item (the existing item, or just the key when there is none).
/// Right-hand sides read the item as it was before the update.
pub fn apply(update: &Update, old: &Item) -> Result<Item> {
    let mut new = old.clone();
    for (path, value) in &update.set {
        let v = match value {
            SetValue::One(o) => value_of(o, old)?,
            SetValue::Plus(a, b) => AttributeValue::N(
                number(&value_of(a, old)?)?
                    .checked_add(&number(&value_of(b, old)?)?)?
                    .to_string(),
            ),
            SetValue::Minus(a, b) => AttributeValue::N(
                number(&value_of(a, old)?)?
                    .checked_sub(&number(&value_of(b, old)?)?)?
                    .to_string(),
            ),
        };
        set_at(&mut new, path, v)?;
    }
    // List elements are removed at their original positions: highest index first.
    let mut removes: Vec<&Path> = update.remove.iter().collect();
    removes.sort_by(|a, b| b.cmp(a));
    for path in removes {
        remove_at(&mut new, path)?;
    }
    for (path, v) in &update.add {
        let merged = match get(&new, path) {
            None => v.clone(),
            Some(cur) => set_union(cur.clone(), v)?,
        };
        set_at(&mut new, path, merged)?;
    }
    for (path, v) in &update.delete {
        if let Some(cur) = get(&new, path) {
            match set_difference(cur.clone(), v)? {
                Some(rest) => set_at(&mut new, path, rest)?,
                None => remove_at(&mut new, path)?,
            }
        }
    }
    Ok(new)
}

/// The first update path that touches one of the key attributes, for DynamoDB's error.
pub fn key_attribute_touched(update: &Update, keys: &[&str]) -> Option<String> {
    update
        .paths()
        .iter()
        .map(|p| p.root().to_string())
        .find(|root| keys.contains(&root.as_str()))
}
