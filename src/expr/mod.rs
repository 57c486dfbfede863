//! The expression compiler: grammar (`grammar/*.pest`) -> raw syntax -> checks -> one IR.
//!
//! Then `optimize` rewrites the IR with small rules and `lower` turns it into SQL for SQLite;
//! `eval` is the reference evaluator the SQL is tested against.

mod condition;
pub mod eval;
pub mod ir;
pub(crate) mod legacy;
pub mod lower;
pub mod optimize;
pub mod projection;
mod syntax;
pub mod update;

use crate::error::{Error, Result};
use crate::model::codec::check_value;
use crate::model::value::{AttributeValue, Item};
use std::collections::{BTreeSet, HashSet};
use std::sync::LazyLock;

/// Which request parameter an expression came from; it names the parameter in messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExprKind {
    /// ConditionExpression.
    Condition,
    /// FilterExpression.
    Filter,
    /// KeyConditionExpression.
    KeyCondition,
    /// ProjectionExpression.
    Projection,
    /// UpdateExpression.
    Update,
}

impl ExprKind {
    /// The parameter name.
    pub fn name(self) -> &'static str {
        match self {
            ExprKind::Condition => "ConditionExpression",
            ExprKind::Filter => "FilterExpression",
            ExprKind::KeyCondition => "KeyConditionExpression",
            ExprKind::Projection => "ProjectionExpression",
            ExprKind::Update => "UpdateExpression",
        }
    }
}

pub use crate::types::Names;

static RESERVED: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../../grammar/reserved_words.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect()
});

/// True for DynamoDB's reserved words, in any case.
pub fn is_reserved(word: &str) -> bool {
    RESERVED.contains(word.to_ascii_uppercase().as_str())
}

const MAX_EXPRESSION_BYTES: usize = 4096;

/// ExpressionAttributeNames / Values of one request, and which of them expressions used.
pub struct Placeholders<'a> {
    names: Option<&'a Names>,
    values: Option<&'a Item>,
    used_names: BTreeSet<String>,
    used_values: BTreeSet<String>,
}

fn valid_key(key: &str, sigil: char) -> bool {
    key.strip_prefix(sigil).is_some_and(|rest| {
        !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    })
}

impl<'a> Placeholders<'a> {
    /// Validates the maps (DynamoDB checks them before parsing any expression).
    pub fn new(names: Option<&'a Names>, values: Option<&'a Item>) -> Result<Placeholders<'a>> {
        if let Some(n) = names {
            if n.is_empty() {
                return Err(Error::validation(
                    "ExpressionAttributeNames must not be empty",
                ));
            }
            if let Some(k) = n.keys().find(|k| !valid_key(k, '#')) {
                return Err(Error::validation(format!(
                    "ExpressionAttributeNames contains invalid key: Syntax error; key: \"{k}\""
                )));
            }
        }
        if let Some(v) = values {
            if v.is_empty() {
                return Err(Error::validation(
                    "ExpressionAttributeValues must not be empty",
                ));
            }
            if let Some(k) = v.keys().find(|k| !valid_key(k, ':')) {
                return Err(Error::validation(format!(
                    "ExpressionAttributeValues contains invalid key: Syntax error; key: \"{k}\""
                )));
            }
            for (k, val) in v {
                check_value(val).map_err(|e| {
                    Error::validation(format!(
                        "ExpressionAttributeValues contains invalid value: {} for key {k}",
                        e.message()
                    ))
                })?;
            }
        }
        Ok(Placeholders {
            names,
            values,
            used_names: BTreeSet::new(),
            used_values: BTreeSet::new(),
        })
    }

    fn name(&mut self, kind: ExprKind, placeholder: &str) -> Result<String> {
        match self.names.and_then(|n| n.get(placeholder)) {
            Some(v) => {
                self.used_names.insert(placeholder.to_string());
                Ok(v.clone())
            }
            None => Err(Error::validation(format!(
                "Invalid {}: An expression attribute name used in the document path is not defined; attribute name: {placeholder}",
                kind.name()
            ))),
        }
    }

    fn value(&mut self, kind: ExprKind, placeholder: &str) -> Result<AttributeValue> {
        match self.values.and_then(|v| v.get(placeholder)) {
            Some(v) => {
                self.used_values.insert(placeholder.to_string());
                Ok(v.clone())
            }
            None => Err(Error::validation(format!(
                "Invalid {}: An expression attribute value used in expression is not defined; attribute value: {placeholder}",
                kind.name()
            ))),
        }
    }

    /// After every expression of the request parsed: names, then values, must all be used.
    pub fn check_unused(&self) -> Result<()> {
        let unused = |all: Option<Vec<&String>>, used: &BTreeSet<String>| -> Vec<String> {
            all.into_iter()
                .flatten()
                .filter(|k| !used.contains(*k))
                .cloned()
                .collect()
        };
        let names = unused(self.names.map(|n| n.keys().collect()), &self.used_names);
        if !names.is_empty() {
            return Err(Error::validation(format!(
                "Value provided in ExpressionAttributeNames unused in expressions: keys: {{{}}}",
                names.join(", ")
            )));
        }
        let values = unused(self.values.map(|v| v.keys().collect()), &self.used_values);
        if !values.is_empty() {
            return Err(Error::validation(format!(
                "Value provided in ExpressionAttributeValues unused in expressions: keys: {{{}}}",
                values.join(", ")
            )));
        }
        Ok(())
    }
}

pub(crate) fn check_text(kind: ExprKind, text: &str) -> Result<()> {
    if text.is_empty() {
        return Err(Error::validation(format!(
            "Invalid {}: The expression can not be empty;",
            kind.name()
        )));
    }
    if text.len() > MAX_EXPRESSION_BYTES {
        return Err(Error::validation(format!(
            "Invalid {}: Expression size has exceeded the maximum allowed size; expression size: {}",
            kind.name(),
            text.len()
        )));
    }
    Ok(())
}

/// Parses and checks a condition (Condition, Filter or KeyCondition syntax) into the IR.
pub fn parse_condition(kind: ExprKind, text: &str, ph: &mut Placeholders<'_>) -> Result<ir::Cond> {
    check_text(kind, text)?;
    check_paren_depth(kind, text)?;
    with_stack_for(text, || {
        let raw = syntax::parse_condition(kind, text)?;
        condition::build(kind, &raw, ph)
    })
}

/// Deepest parenthesis nesting parsed. The parser's cost grows with the square of the depth,
/// and 4 KB allows about 2000 levels; deeper text gets a syntax error at the first `(` past it.
const MAX_PAREN_DEPTH: usize = 256;

pub(crate) fn check_paren_depth(kind: ExprKind, text: &str) -> Result<()> {
    let mut depth = 0usize;
    for (i, b) in text.bytes().enumerate() {
        match b {
            b'(' => {
                depth += 1;
                if depth > MAX_PAREN_DEPTH {
                    return Err(syntax::syntax_error(kind, text, i));
                }
            }
            b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// Nesting past which parsing moves to a thread with a large stack: the parser recurses per
/// parenthesis and per NOT, and 4 KB of `(((...` must not overflow a small caller stack.
const DEEP_NESTING: usize = 32;
const DEEP_STACK_BYTES: usize = 256 << 20;

fn nesting_estimate(text: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    for b in text.bytes() {
        match b {
            b'(' => {
                depth += 1;
                max = max.max(depth);
            }
            b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    let nots = text
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .filter(|w| w.eq_ignore_ascii_case("not"))
        .count();
    max + nots
}

pub(crate) fn with_stack_for<T: Send>(
    text: &str,
    f: impl FnOnce() -> Result<T> + Send,
) -> Result<T> {
    if nesting_estimate(text) <= DEEP_NESTING {
        return f();
    }
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(DEEP_STACK_BYTES)
            .spawn_scoped(s, f)
            .map_err(|e| Error::internal(format!("cannot start parser thread: {e}")))?
            .join()
            .unwrap_or_else(|_| Err(Error::internal("expression parser panicked")))
    })
}

/// "ExpressionAttributeNames/Values can only be specified when using expressions".
pub fn check_placeholders_used_with_expressions(
    names: Option<&Names>,
    values: Option<&Item>,
    any_expression: bool,
    value_expression: bool,
) -> Result<()> {
    if names.is_some() && !any_expression {
        return Err(Error::validation(
            "ExpressionAttributeNames can only be specified when using expressions",
        ));
    }
    if values.is_some() && !value_expression {
        return Err(Error::validation(
            "ExpressionAttributeValues can only be specified when using expressions",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
