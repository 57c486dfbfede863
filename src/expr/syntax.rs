//! Parsing: pest grammar -> raw syntax tree (placeholders unresolved), and DynamoDB's
//! `Syntax error; token: "...", near: "..."` message.

use super::ExprKind;
use crate::error::Error;
use pest::iterators::Pair;
use pest::Parser;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/common.pest"]
#[grammar = "../grammar/condition.pest"]
#[grammar = "../grammar/projection.pest"]
#[grammar = "../grammar/update.pest"]
struct ExpressionGrammar;

/// One element of a path as written.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum RawElem {
    /// A bare name (subject to the reserved-word check).
    Name(String),
    /// `#placeholder`
    Placeholder(String),
    /// `[n]`
    Index(u32),
}

/// An operand as written.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum RawOperand {
    Path(Vec<RawElem>),
    Value(String),
    Call(String, Vec<RawOperand>),
    Paren(Box<RawOperand>),
}

/// A condition as written.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum RawCond {
    Cmp(String, RawOperand, RawOperand),
    Between(RawOperand, RawOperand, RawOperand),
    In(RawOperand, Vec<RawOperand>),
    And(Vec<RawCond>),
    Or(Vec<RawCond>),
    Not(Box<RawCond>),
    Call(String, Vec<RawOperand>),
    Paren(Box<RawCond>),
}

/// Parses condition syntax (ConditionExpression, FilterExpression, KeyConditionExpression).
pub(crate) fn parse_condition(kind: ExprKind, text: &str) -> Result<RawCond, Error> {
    let mut pairs = ExpressionGrammar::parse(Rule::condition, text).map_err(|e| {
        let pos = match e.location {
            pest::error::InputLocation::Pos(p) => p,
            pest::error::InputLocation::Span((p, _)) => p,
        };
        syntax_error(kind, text, pos)
    })?;
    let top = pairs.next().expect("condition rule");
    let or = top.into_inner().next().expect("or_expr");
    Ok(cond(or))
}

/// A SET value as written: an operand, or two joined by `+` or `-`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum RawSetValue {
    One(RawOperand),
    Arith(char, RawOperand, RawOperand),
}

/// One UpdateExpression clause as written.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum RawClause {
    Set(Vec<(Vec<RawElem>, RawSetValue)>),
    Remove(Vec<Vec<RawElem>>),
    Add(Vec<(Vec<RawElem>, String)>),
    Delete(Vec<(Vec<RawElem>, String)>),
}

fn parse_error(kind: ExprKind, text: &str, e: pest::error::Error<Rule>) -> Error {
    let pos = match e.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((p, _)) => p,
    };
    syntax_error(kind, text, pos)
}

/// Parses an UpdateExpression into its clauses as written.
pub(crate) fn parse_update(kind: ExprKind, text: &str) -> Result<Vec<RawClause>, Error> {
    let mut pairs =
        ExpressionGrammar::parse(Rule::update, text).map_err(|e| parse_error(kind, text, e))?;
    let top = pairs.next().expect("update rule");
    let path_of = |p: Pair<'_, Rule>| -> Vec<RawElem> { p.into_inner().map(elem).collect() };
    let path_value = |p: Pair<'_, Rule>| {
        let mut it = p.into_inner();
        let path = path_of(it.next().expect("path"));
        (path, it.next().expect("value").as_str().to_string())
    };
    let mut out = Vec::new();
    for clause in top.into_inner() {
        let rule = clause.as_rule();
        let items = clause.into_inner().skip(1);
        out.push(match rule {
            Rule::set_clause => RawClause::Set(
                items
                    .filter(|p| p.as_rule() == Rule::set_action)
                    .map(|a| {
                        let mut it = a.into_inner();
                        let path = path_of(it.next().expect("path"));
                        let value = set_value(
                            it.find(|x| x.as_rule() == Rule::plain_value)
                                .expect("value"),
                        );
                        (path, value)
                    })
                    .collect(),
            ),
            Rule::remove_clause => RawClause::Remove(
                items
                    .filter(|p| p.as_rule() == Rule::path)
                    .map(path_of)
                    .collect(),
            ),
            Rule::add_clause => RawClause::Add(
                items
                    .filter(|p| p.as_rule() == Rule::path_value)
                    .map(path_value)
                    .collect(),
            ),
            Rule::delete_clause => RawClause::Delete(
                items
                    .filter(|p| p.as_rule() == Rule::path_value)
                    .map(path_value)
                    .collect(),
            ),
            _ => continue,
        });
    }
    Ok(out)
}

fn set_value(p: Pair<'_, Rule>) -> RawSetValue {
    let mut it = p.into_inner();
    let a = update_operand(it.next().expect("operand"));
    match it.next() {
        Some(op) => {
            let b = update_operand(it.next().expect("second operand"));
            RawSetValue::Arith(op.as_str().chars().next().unwrap_or('+'), a, b)
        }
        None => RawSetValue::One(a),
    }
}

fn update_operand(p: Pair<'_, Rule>) -> RawOperand {
    match p.as_rule() {
        Rule::update_call => {
            let mut it = p.into_inner();
            let name = it.next().expect("function name").as_str().to_string();
            let args = it
                .filter(|x| !matches!(x.as_rule(), Rule::lparen | Rule::rparen | Rule::comma))
                .map(update_operand)
                .collect();
            RawOperand::Call(name, args)
        }
        _ => operand(p),
    }
}

/// Parses a ProjectionExpression into its paths as written.
pub(crate) fn parse_projection(kind: ExprKind, text: &str) -> Result<Vec<Vec<RawElem>>, Error> {
    let mut pairs = ExpressionGrammar::parse(Rule::projection, text).map_err(|e| {
        let pos = match e.location {
            pest::error::InputLocation::Pos(p) => p,
            pest::error::InputLocation::Span((p, _)) => p,
        };
        syntax_error(kind, text, pos)
    })?;
    let top = pairs.next().expect("projection rule");
    Ok(top
        .into_inner()
        .filter(|p| p.as_rule() == Rule::path)
        .map(|p| p.into_inner().map(elem).collect())
        .collect())
}

fn cond(p: Pair<'_, Rule>) -> RawCond {
    match p.as_rule() {
        Rule::or_expr | Rule::and_expr => {
            let is_or = p.as_rule() == Rule::or_expr;
            let items: Vec<RawCond> = p
                .into_inner()
                .filter(|x| !matches!(x.as_rule(), Rule::kw_or | Rule::kw_and))
                .map(cond)
                .collect();
            match (items.len(), is_or) {
                (1, _) => items.into_iter().next().expect("one item"),
                (_, true) => RawCond::Or(items),
                (_, false) => RawCond::And(items),
            }
        }
        Rule::not_expr => cond(p.into_inner().next().expect("not_expr child")),
        Rule::negation => {
            let inner = p.into_inner().nth(1).expect("negated condition");
            RawCond::Not(Box::new(cond(inner)))
        }
        Rule::paren_cond => RawCond::Paren(Box::new(cond(p.into_inner().nth(1).expect("inner")))),
        Rule::operand_pred => {
            let mut it = p.into_inner();
            let lhs = operand(it.next().expect("left operand"));
            let tail = it.next().expect("operator");
            match tail.as_rule() {
                Rule::comparison => {
                    let mut t = tail.into_inner();
                    let op = t.next().expect("comparator").as_str().to_string();
                    RawCond::Cmp(op, lhs, operand(t.next().expect("right operand")))
                }
                Rule::between => {
                    let mut ops = tail.into_inner().filter(is_operand).map(operand);
                    let lo = ops.next().expect("low");
                    RawCond::Between(lhs, lo, ops.next().expect("high"))
                }
                _ => RawCond::In(
                    lhs,
                    tail.into_inner().filter(is_operand).map(operand).collect(),
                ),
            }
        }
        Rule::call => {
            let (name, args) = call(p);
            RawCond::Call(name, args)
        }
        r => unreachable!("unexpected rule {r:?} in a condition"),
    }
}

fn is_operand(p: &Pair<'_, Rule>) -> bool {
    matches!(
        p.as_rule(),
        Rule::call | Rule::value | Rule::paren_operand | Rule::path
    )
}

fn call(p: Pair<'_, Rule>) -> (String, Vec<RawOperand>) {
    let mut it = p.into_inner();
    let name = it.next().expect("function name").as_str().to_string();
    (name, it.filter(is_operand).map(operand).collect())
}

fn operand(p: Pair<'_, Rule>) -> RawOperand {
    match p.as_rule() {
        Rule::call => {
            let (name, args) = call(p);
            RawOperand::Call(name, args)
        }
        Rule::value => RawOperand::Value(p.as_str().to_string()),
        Rule::paren_operand => RawOperand::Paren(Box::new(operand(
            p.into_inner().find(is_operand).expect("inner"),
        ))),
        Rule::path => RawOperand::Path(p.into_inner().map(elem).collect()),
        r => unreachable!("unexpected rule {r:?} in an operand"),
    }
}

fn elem(p: Pair<'_, Rule>) -> RawElem {
    match p.as_rule() {
        Rule::identifier => RawElem::Name(p.as_str().to_string()),
        Rule::placeholder => RawElem::Placeholder(p.as_str().to_string()),
        Rule::dot_name => elem(p.into_inner().next().expect("name")),
        Rule::index => {
            let digits = p.into_inner().next().expect("digits").as_str();
            // An index too large for u32 is far past any list DynamoDB can hold.
            RawElem::Index(digits.parse().unwrap_or(u32::MAX))
        }
        r => unreachable!("unexpected rule {r:?} in a path"),
    }
}

/// A lexical token of the original text, for error messages.
fn tokens(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        if word(c) || ((c == b'#' || c == b':') && b.get(i + 1).is_some_and(|&n| word(n))) {
            i += 1;
            while i < b.len() && word(b[i]) {
                i += 1;
            }
        } else if (c == b'<' && matches!(b.get(i + 1), Some(b'>' | b'=')))
            || (c == b'>' && b.get(i + 1) == Some(&b'='))
        {
            i += 2;
        } else {
            // One character (a whole UTF-8 sequence) that starts no longer token.
            i += text[i..].chars().next().map_or(1, char::len_utf8);
        }
        out.push((start, i));
    }
    out
}

/// `Invalid <Kind>: Syntax error; token: "<tok>", near: "<prev tok next>"`.
pub(crate) fn syntax_error(kind: ExprKind, text: &str, pos: usize) -> Error {
    let toks = tokens(text);
    let at = toks
        .iter()
        .position(|&(s, e)| pos < e && pos >= s || s >= pos);
    let (token, near) = match at {
        None => {
            let near = toks.last().map_or("", |&(s, e)| &text[s..e]);
            ("<EOF>".to_string(), near.to_string())
        }
        Some(i) => {
            let (s, e) = toks[i];
            let from = if i > 0 { toks[i - 1].0 } else { s };
            let to = toks.get(i + 1).map_or(e, |t| t.1);
            (text[s..e].to_string(), text[from..to].to_string())
        }
    };
    Error::validation(format!(
        "Invalid {}: Syntax error; token: \"{token}\", near: \"{near}\"",
        kind.name()
    ))
}
