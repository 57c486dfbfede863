//! ProjectionExpression: parse, check (reserved words, placeholders, overlapping and
//! conflicting paths, in DynamoDB's order) and apply to an item.

use super::condition::path_for_message;
use super::eval::get;
use super::ir::{Path, PathElem};
use super::syntax::{parse_projection, RawElem};
use super::{is_reserved, ExprKind, Placeholders};
use crate::error::{Error, Result};
use crate::model::value::{AttributeValue, Item};
use std::collections::BTreeMap;

/// A read's projection: its ProjectionExpression (which may use only ExpressionAttributeNames,
/// all of which it must use), else its AttributesToGet.
pub fn read_projection(
    text: Option<&str>,
    names: Option<&crate::expr::Names>,
    attributes_to_get: Option<&[String]>,
) -> Result<Option<Vec<Path>>> {
    match text {
        Some(text) => {
            let mut ph = Placeholders::new(names, None)?;
            let paths = parse(text, &mut ph)?;
            ph.check_unused()?;
            Ok(Some(paths))
        }
        None => attributes_to_get
            .map(crate::expr::legacy::attributes_to_get)
            .transpose(),
    }
}

/// Parses and checks a ProjectionExpression into its paths.
pub fn parse(text: &str, ph: &mut Placeholders<'_>) -> Result<Vec<Path>> {
    let kind = ExprKind::Projection;
    super::check_text(kind, text)?;
    let err = |m: String| Error::validation(format!("Invalid {}: {m}", kind.name()));
    let raw = parse_projection(kind, text)?;
    if let Some(word) = raw.iter().flatten().find_map(|e| match e {
        RawElem::Name(n) if is_reserved(n) => Some(n),
        _ => None,
    }) {
        return Err(err(format!(
            "Attribute name is a reserved keyword; reserved keyword: {word}"
        )));
    }
    let mut paths = Vec::with_capacity(raw.len());
    for elems in &raw {
        let mut p = Vec::with_capacity(elems.len());
        for e in elems {
            p.push(match e {
                RawElem::Name(n) => PathElem::Attr(n.clone()),
                RawElem::Placeholder(x) => PathElem::Attr(ph.name(kind, x)?),
                RawElem::Index(i) => PathElem::Index(*i),
            });
        }
        paths.push(Path(p));
    }
    check_paths(kind, &paths)?;
    Ok(paths)
}

/// Rejects two paths where one contains the other (overlap) or where they disagree on
/// whether a step is a map key or a list index (conflict): earlier path first.
pub(crate) fn check_paths(kind: ExprKind, paths: &[Path]) -> Result<()> {
    for (i, a) in paths.iter().enumerate() {
        for b in &paths[i + 1..] {
            let common = a.0.iter().zip(&b.0).take_while(|(x, y)| x == y).count();
            let what = if common == a.0.len().min(b.0.len()) {
                "overlap"
            } else {
                match (&a.0[common], &b.0[common]) {
                    (PathElem::Attr(_), PathElem::Index(_))
                    | (PathElem::Index(_), PathElem::Attr(_)) => "conflict",
                    _ => continue,
                }
            };
            return Err(Error::validation(format!(
                "Invalid {}: Two document paths {what} with each other; must remove or rewrite one of these paths; path one: {}, path two: {}",
                kind.name(),
                path_for_message(a),
                path_for_message(b)
            )));
        }
    }
    Ok(())
}

/// A partial copy of an item under construction.
enum Tree {
    Leaf(AttributeValue),
    Map(BTreeMap<String, Tree>),
    List(BTreeMap<u32, Tree>),
}

impl Tree {
    fn into_value(self) -> AttributeValue {
        match self {
            Tree::Leaf(v) => v,
            Tree::Map(m) => {
                AttributeValue::M(m.into_iter().map(|(k, t)| (k, t.into_value())).collect())
            }
            // Selected list elements keep their order and close up, as DynamoDB returns them.
            Tree::List(l) => AttributeValue::L(l.into_values().map(Tree::into_value).collect()),
        }
    }
}

fn insert(slot: &mut Tree, path: &[PathElem], v: AttributeValue) {
    let Some((first, rest)) = path.split_first() else {
        *slot = Tree::Leaf(v);
        return;
    };
    // Placeholder leaves are replaced by the recursion below them.
    let empty = || Tree::Leaf(AttributeValue::Null(true));
    match first {
        PathElem::Attr(a) => {
            if !matches!(slot, Tree::Map(_)) {
                *slot = Tree::Map(BTreeMap::new());
            }
            if let Tree::Map(m) = slot {
                insert(m.entry(a.clone()).or_insert_with(empty), rest, v);
            }
        }
        PathElem::Index(i) => {
            if !matches!(slot, Tree::List(_)) {
                *slot = Tree::List(BTreeMap::new());
            }
            if let Tree::List(l) = slot {
                insert(l.entry(*i).or_insert_with(empty), rest, v);
            }
        }
    }
}

/// The projection of an item: only the attributes at the given paths.
pub fn apply(item: &Item, paths: &[Path]) -> Item {
    let mut root = Tree::Map(BTreeMap::new());
    for p in paths {
        if let Some(v) = get(item, p) {
            insert(&mut root, &p.0, v.clone());
        }
    }
    match root.into_value() {
        AttributeValue::M(m) => m,
        _ => Item::new(),
    }
}
