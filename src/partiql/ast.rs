//! PartiQL statements as parsed (`grammar/partiql.pest`): plain data, before parameters are
//! bound and before the table is known.

use crate::error::{Error, Result};
use crate::expr::ir::{Path, PathElem};
use pest::iterators::Pair;
use pest::Parser;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/partiql.pest"]
struct PartiqlGrammar;

/// A literal or parameter, possibly nested.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `?`, numbered from 0 in statement order.
    Param(usize),
    /// `'text'`
    S(String),
    /// A number as written.
    N(String),
    /// TRUE / FALSE
    Bool(bool),
    /// NULL
    Null,
    /// `{'k': v, ...}`
    Tuple(Vec<(String, Value)>),
    /// `[v, ...]`
    List(Vec<Value>),
    /// `<<v, ...>>`
    Set(Vec<Value>),
}

/// An operand of a condition or SET value.
#[derive(Clone, Debug, PartialEq)]
pub enum Operand {
    /// A document path.
    Path(Path),
    /// A literal or parameter.
    Value(Value),
    /// `name(args)`, the function name lower-cased.
    Call(String, Vec<Operand>),
}

/// A WHERE condition.
#[derive(Clone, Debug, PartialEq)]
pub enum Cond {
    /// Disjunction.
    Or(Vec<Cond>),
    /// Conjunction.
    And(Vec<Cond>),
    /// Negation.
    Not(Box<Cond>),
    /// `a <op> b` with the operator as written (`!=` is `<>`).
    Cmp(String, Operand, Operand),
    /// `a BETWEEN lo AND hi`
    Between(Operand, Operand, Operand),
    /// `a IN [..]`
    In(Operand, Vec<Operand>),
    /// `a IS [NOT] MISSING|NULL`: (operand, negated, "MISSING" or "NULL").
    Is(Operand, bool, String),
    /// A function used as a condition.
    Call(String, Vec<Operand>),
}

/// What RETURNING asks for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Returning {
    /// `ALL OLD *`
    AllOld,
    /// `MODIFIED OLD *`
    ModifiedOld,
    /// `ALL NEW *`
    AllNew,
    /// `MODIFIED NEW *`
    ModifiedNew,
}

impl Returning {
    /// The clause as written.
    pub fn text(self) -> &'static str {
        match self {
            Returning::AllOld => "ALL OLD *",
            Returning::ModifiedOld => "MODIFIED OLD *",
            Returning::AllNew => "ALL NEW *",
            Returning::ModifiedNew => "MODIFIED NEW *",
        }
    }
}

/// The right-hand side of a SET.
#[derive(Clone, Debug, PartialEq)]
pub enum SetValue {
    /// One operand.
    One(Operand),
    /// `a + b` (true) or `a - b` (false).
    Arith(bool, Operand, Operand),
}

/// One parsed statement.
#[derive(Clone, Debug, PartialEq)]
pub enum Statement {
    /// SELECT
    Select(Select),
    /// INSERT INTO t VALUE {...}
    Insert(Insert),
    /// UPDATE t SET ... REMOVE ... WHERE ...
    Update(Update),
    /// DELETE FROM t WHERE ...
    Delete(Delete),
    /// EXISTS(SELECT ...): a condition check, in ExecuteTransaction only.
    Exists(Select),
}

/// SELECT projection FROM source WHERE condition ORDER BY order.
#[derive(Clone, Debug, PartialEq)]
pub struct Select {
    /// `None` for `*`.
    pub projection: Option<Vec<Path>>,
    /// FROM components: the table, then the index.
    pub source: Vec<String>,
    /// WHERE
    pub condition: Option<Cond>,
    /// ORDER BY name, ascending?
    pub order: Option<(String, bool)>,
}

/// INSERT INTO table VALUE item.
#[derive(Clone, Debug, PartialEq)]
pub struct Insert {
    /// Table name.
    pub table: String,
    /// The item.
    pub item: Value,
}

/// UPDATE table SET ... REMOVE ... WHERE condition RETURNING ...
#[derive(Clone, Debug, PartialEq)]
pub struct Update {
    /// Table name.
    pub table: String,
    /// SET assignments, in order.
    pub set: Vec<(Path, SetValue)>,
    /// REMOVE paths, in order.
    pub remove: Vec<Path>,
    /// WHERE
    pub condition: Option<Cond>,
    /// RETURNING
    pub returning: Option<Returning>,
}

/// DELETE FROM table WHERE condition RETURNING ...
#[derive(Clone, Debug, PartialEq)]
pub struct Delete {
    /// Table name.
    pub table: String,
    /// WHERE
    pub condition: Cond,
    /// RETURNING
    pub returning: Option<Returning>,
}

impl Statement {
    /// True for SELECT (a read); INSERT, UPDATE and DELETE are writes.
    pub fn is_read(&self) -> bool {
        matches!(self, Statement::Select(_))
    }
}

/// "Statement wasn't well formed, can't be processed: <detail>".
pub fn malformed(detail: &str) -> Error {
    Error::validation(format!(
        "Statement wasn't well formed, can't be processed: {detail}"
    ))
}

fn syntax_error(text: &str, e: &pest::error::Error<Rule>) -> Error {
    let first = strip_comments(text)
        .trim_start()
        .split(|c: char| !c.is_ascii_alphabetic())
        .next()
        .unwrap_or("")
        .to_ascii_uppercase();
    if !matches!(
        first.as_str(),
        "SELECT" | "INSERT" | "UPDATE" | "DELETE" | "FROM" | "EXISTS"
    ) {
        return malformed("Expected data manipulation");
    }
    let at = match e.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((p, _)) => p,
    };
    let rest = text[at.min(text.len())..].trim();
    if rest.is_empty() || rest == ";" {
        let last = text
            .trim_end_matches(|c: char| c.is_whitespace() || c == ';')
            .rsplit(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .next()
            .unwrap_or("");
        if last.eq_ignore_ascii_case("AND") || last.eq_ignore_ascii_case("OR") {
            return malformed("Missing right-hand side expression of infix operator");
        }
        return malformed("Unexpected term");
    }
    // A complete statement followed by more text is DynamoDB's leftover-token error.
    if PartiqlGrammar::parse(Rule::statement, &format!("{};", &text[..at])).is_ok() {
        return malformed("Unexpected token after expression");
    }
    malformed("Unexpected term")
}

/// Parses one statement; `?` parameters are numbered in order of appearance.
pub fn parse(text: &str) -> Result<Statement> {
    parse_counted(text).map(|(s, _)| s)
}

/// Leading `--` and `/* */` comments removed (they are whitespace to the parser).
fn strip_comments(text: &str) -> &str {
    let mut t = text.trim_start();
    loop {
        if let Some(rest) = t.strip_prefix("--") {
            t = rest.split_once('\n').map_or("", |(_, r)| r).trim_start();
        } else if let Some(rest) = t.strip_prefix("/*") {
            t = rest.split_once("*/").map_or("", |(_, r)| r).trim_start();
        } else {
            return t;
        }
    }
}

/// Deepest nesting of brackets outside quotes, and the count of NOTs: the parser recurses
/// once per level, so deep statements parse on a large stack and absurd ones are refused.
fn nesting(text: &str) -> (usize, usize) {
    let (mut depth, mut max, mut nots) = (0usize, 0usize, 0usize);
    let mut quote: Option<char> = None;
    let mut word = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        if c.is_ascii_alphanumeric() || c == '_' {
            word.push(c);
            continue;
        }
        if word.eq_ignore_ascii_case("NOT") {
            nots += 1;
        }
        word.clear();
        match c {
            '\'' | '"' => quote = Some(c),
            // `<<` opens a set; a lone `<` is a comparison.
            '<' | '>' if chars.peek() != Some(&c) => {}
            '(' | '[' | '{' | '<' => {
                chars.next_if_eq(&'<');
                depth += 1;
                max = max.max(depth);
            }
            ')' | ']' | '}' | '>' => {
                chars.next_if_eq(&'>');
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
    }
    (max, nots)
}

/// Bracket nesting past which a statement is refused: DynamoDB's documents nest 32 levels,
/// and its conditions far less than this.
const MAX_NESTING: usize = 256;

/// Parses one statement and counts its `?` parameters.
pub fn parse_counted(text: &str) -> Result<(Statement, usize)> {
    let (depth, nots) = nesting(text);
    if depth > MAX_NESTING {
        return Err(Error::validation(
            "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit",
        ));
    }
    if depth + nots > 32 {
        let owned = text.to_string();
        return crate::expr::with_stack_for(&"(".repeat(depth + nots), move || parse_inner(&owned));
    }
    parse_inner(text)
}

fn parse_inner(text: &str) -> Result<(Statement, usize)> {
    let mut pairs =
        PartiqlGrammar::parse(Rule::statement, text).map_err(|e| syntax_error(text, &e))?;
    let stmt = pairs
        .next()
        .and_then(|p| p.into_inner().next())
        .ok_or_else(|| malformed(""))?;
    let mut b = Builder { params: 0 };
    let s = b.statement(stmt)?;
    Ok((s, b.params))
}

struct Builder {
    params: usize,
}

fn unquote(s: &str, q: char) -> String {
    let inner = &s[1..s.len() - 1];
    let doubled: String = [q, q].iter().collect();
    inner.replace(&doubled, &q.to_string())
}

fn name(p: Pair<'_, Rule>) -> String {
    let inner = p.into_inner().next().expect("name has one part");
    match inner.as_rule() {
        Rule::quoted => unquote(inner.as_str(), '"'),
        _ => inner.as_str().to_string(),
    }
}

impl Builder {
    fn statement(&mut self, p: Pair<'_, Rule>) -> Result<Statement> {
        let rule = p.as_rule();
        let mut parts = p.into_inner().peekable();
        match rule {
            Rule::select => Ok(Statement::Select(self.select(parts)?)),
            Rule::exists_check => {
                let select = parts.next().expect("select").into_inner().peekable();
                Ok(Statement::Exists(self.select(select)?))
            }
            Rule::insert => {
                let table = name(parts.next().expect("table"));
                let item = self.value(parts.next().expect("value"))?;
                Ok(Statement::Insert(Insert { table, item }))
            }
            Rule::update | Rule::from_update => {
                let table = name(parts.next().expect("table"));
                let (mut set, mut remove) = (Vec::new(), Vec::new());
                let (mut condition, mut returning) = (None, None);
                for x in parts {
                    match x.as_rule() {
                        Rule::where_clause => condition = Some(self.where_clause(x)?),
                        Rule::returning => returning = Some(returning_of(x)),
                        Rule::action => {
                            let clause = x.into_inner().next().expect("clause");
                            match clause.as_rule() {
                                Rule::set_clause => {
                                    for a in clause.into_inner() {
                                        let mut it = a.into_inner();
                                        let path = self.path(it.next().expect("path"))?;
                                        let v = self.set_value(it.next().expect("value"))?;
                                        set.push((path, v));
                                    }
                                }
                                _ => {
                                    for x in clause.into_inner() {
                                        remove.push(self.path(x)?);
                                    }
                                }
                            }
                        }
                        _ => {}
                    }
                }
                Ok(Statement::Update(Update {
                    table,
                    set,
                    remove,
                    condition,
                    returning,
                }))
            }
            Rule::delete => {
                let table = name(parts.next().expect("table"));
                let condition = self.where_clause(parts.next().expect("where"))?;
                let returning = parts.next().map(returning_of);
                Ok(Statement::Delete(Delete {
                    table,
                    condition,
                    returning,
                }))
            }
            _ => Err(malformed("Expected data manipulation")),
        }
    }

    /// A SELECT's parts (projection, source, WHERE, ORDER BY).
    fn select(
        &mut self,
        mut parts: std::iter::Peekable<pest::iterators::Pairs<'_, Rule>>,
    ) -> Result<Select> {
        {
            let proj = parts.next().expect("projection");
            let projection = match proj.clone().into_inner().next() {
                Some(x) if x.as_rule() == Rule::star => None,
                _ => Some(
                    proj.into_inner()
                        .map(|x| self.path(x))
                        .collect::<Result<Vec<_>>>()?,
                ),
            };
            let source = parts
                .next()
                .expect("source")
                .into_inner()
                .map(name)
                .collect();
            let mut condition = None;
            let mut order = None;
            for x in parts {
                match x.as_rule() {
                    Rule::where_clause => condition = Some(self.where_clause(x)?),
                    Rule::order_by => {
                        let mut it = x.into_inner();
                        let key = name(it.next().expect("order key"));
                        let asc = it
                            .next()
                            .is_none_or(|d| d.as_str().eq_ignore_ascii_case("ASC"));
                        order = Some((key, asc));
                    }
                    _ => {}
                }
            }
            Ok(Select {
                projection,
                source,
                condition,
                order,
            })
        }
    }

    fn where_clause(&mut self, p: Pair<'_, Rule>) -> Result<Cond> {
        self.condition(p.into_inner().next().expect("condition"))
    }

    fn condition(&mut self, p: Pair<'_, Rule>) -> Result<Cond> {
        match p.as_rule() {
            Rule::condition | Rule::conjunction => {
                let or = p.as_rule() == Rule::condition;
                let mut items = p
                    .into_inner()
                    .filter(|x| !matches!(x.as_rule(), Rule::and_kw | Rule::or_kw))
                    .map(|x| self.condition(x))
                    .collect::<Result<Vec<_>>>()?;
                Ok(match items.len() {
                    1 => items.pop().expect("one"),
                    _ if or => Cond::Or(items),
                    _ => Cond::And(items),
                })
            }
            Rule::negation => {
                let mut it = p.into_inner();
                let first = it.next().expect("negation part");
                match first.as_rule() {
                    // NOT NOT x is x: folding keeps the tree shallow however long the chain.
                    Rule::not_kw => match self.condition(it.next().expect("negated"))? {
                        Cond::Not(inner) => Ok(*inner),
                        other => Ok(Cond::Not(Box::new(other))),
                    },
                    _ => self.condition(first),
                }
            }
            Rule::predicate => {
                let parts: Vec<Pair<'_, Rule>> = p
                    .into_inner()
                    .filter(|x| !matches!(x.as_rule(), Rule::and_kw | Rule::between_kw))
                    .collect();
                match parts[0].as_rule() {
                    Rule::condition => self.condition(parts[0].clone()),
                    Rule::call => match self.operand_inner(parts[0].clone())? {
                        Operand::Call(f, args) => Ok(Cond::Call(f, args)),
                        _ => unreachable!("a call"),
                    },
                    _ => {
                        let a = self.operand(parts[0].clone())?;
                        match parts[1].as_rule() {
                            Rule::operand => Ok(Cond::Between(
                                a,
                                self.operand(parts[1].clone())?,
                                self.operand(parts[2].clone())?,
                            )),
                            Rule::cmp_op => Ok(Cond::Cmp(
                                match parts[1].as_str() {
                                    "!=" => "<>".to_string(),
                                    op => op.to_string(),
                                },
                                a,
                                self.operand(parts[2].clone())?,
                            )),
                            Rule::in_list => Ok(Cond::In(
                                a,
                                parts[1]
                                    .clone()
                                    .into_inner()
                                    .map(|x| self.operand(x))
                                    .collect::<Result<_>>()?,
                            )),
                            _ => {
                                let mut negated = false;
                                let mut what = String::new();
                                for x in parts[1].clone().into_inner() {
                                    match x.as_rule() {
                                        Rule::is_not => negated = true,
                                        _ => what = x.as_str().to_ascii_uppercase(),
                                    }
                                }
                                Ok(Cond::Is(a, negated, what))
                            }
                        }
                    }
                }
            }
            _ => Err(malformed("Unexpected term")),
        }
    }

    fn operand(&mut self, p: Pair<'_, Rule>) -> Result<Operand> {
        match p.as_rule() {
            Rule::operand => self.operand_inner(p.into_inner().next().expect("operand")),
            _ => self.operand_inner(p),
        }
    }

    fn operand_inner(&mut self, p: Pair<'_, Rule>) -> Result<Operand> {
        match p.as_rule() {
            Rule::value => Ok(Operand::Value(self.value(p)?)),
            Rule::path => Ok(Operand::Path(self.path(p)?)),
            Rule::call => {
                let mut it = p.into_inner();
                let f = it.next().expect("function").as_str().to_ascii_lowercase();
                let args = it.map(|x| self.operand(x)).collect::<Result<_>>()?;
                Ok(Operand::Call(f, args))
            }
            _ => Err(malformed("Unexpected term")),
        }
    }

    fn set_value(&mut self, p: Pair<'_, Rule>) -> Result<SetValue> {
        let parts: Vec<Pair<'_, Rule>> = p.into_inner().collect();
        let a = self.operand(parts[0].clone())?;
        if parts.len() == 3 {
            let plus = parts[1].as_str() == "+";
            return Ok(SetValue::Arith(plus, a, self.operand(parts[2].clone())?));
        }
        Ok(SetValue::One(a))
    }

    fn path(&mut self, p: Pair<'_, Rule>) -> Result<Path> {
        let mut elems = Vec::new();
        for x in p.into_inner() {
            match x.as_rule() {
                Rule::name => elems.push(PathElem::Attr(name(x))),
                Rule::index => {
                    let digits = x.into_inner().next().expect("digits").as_str();
                    let n = digits
                        .parse::<u32>()
                        .map_err(|_| malformed("Invalid path index"))?;
                    elems.push(PathElem::Index(n));
                }
                _ => {}
            }
        }
        Ok(Path(elems))
    }

    fn value(&mut self, p: Pair<'_, Rule>) -> Result<Value> {
        let v = match p.as_rule() {
            Rule::value => p.into_inner().next().expect("value"),
            _ => p,
        };
        Ok(match v.as_rule() {
            Rule::param => {
                self.params += 1;
                Value::Param(self.params - 1)
            }
            Rule::string => Value::S(unquote(v.as_str(), '\'')),
            Rule::number => Value::N(v.as_str().to_string()),
            Rule::boolean => Value::Bool(v.as_str().eq_ignore_ascii_case("TRUE")),
            Rule::null => Value::Null,
            Rule::tuple => {
                let mut pairs = Vec::new();
                for pair in v.into_inner() {
                    let mut it = pair.into_inner();
                    let k = unquote(it.next().expect("key").as_str(), '\'');
                    pairs.push((k, self.value(it.next().expect("value"))?));
                }
                Value::Tuple(pairs)
            }
            Rule::list => Value::List(
                v.into_inner()
                    .map(|x| self.value(x))
                    .collect::<Result<_>>()?,
            ),
            Rule::set => Value::Set(
                v.into_inner()
                    .map(|x| self.value(x))
                    .collect::<Result<_>>()?,
            ),
            _ => return Err(malformed("Unexpected term")),
        })
    }
}

fn returning_of(p: Pair<'_, Rule>) -> Returning {
    let mut it = p.into_inner();
    let all = it
        .next()
        .is_some_and(|w| w.as_str().eq_ignore_ascii_case("ALL"));
    let old = it
        .next()
        .is_some_and(|w| w.as_str().eq_ignore_ascii_case("OLD"));
    match (all, old) {
        (true, true) => Returning::AllOld,
        (false, true) => Returning::ModifiedOld,
        (true, false) => Returning::AllNew,
        (false, false) => Returning::ModifiedNew,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_parse() {
        let s = parse(r#"SELECT a, "b c".d[2] FROM "T"."I" WHERE pk = ? AND NOT (x <> 'it''s' OR y IS NOT MISSING) ORDER BY sk DESC"#).unwrap();
        let Statement::Select(Select {
            projection,
            source,
            condition,
            order,
        }) = s
        else {
            panic!("{s:?}")
        };
        assert_eq!(projection.unwrap().len(), 2);
        assert_eq!(source, ["T", "I"]);
        assert_eq!(order, Some(("sk".to_string(), false)));
        let Some(Cond::And(parts)) = condition else {
            panic!()
        };
        assert_eq!(parts.len(), 2);
        let s =
            parse("insert into T value {'pk': ?, 'n': 1.5e2, 'l': [TRUE, NULL], 's': <<'a','b'>>}")
                .unwrap();
        assert!(matches!(s, Statement::Insert(_)));
        let s = parse("UPDATE T SET a = a + 1, b = list_append(b, [1]) REMOVE c WHERE pk = 'x' RETURNING ALL NEW *").unwrap();
        let Statement::Update(Update {
            set,
            remove,
            returning,
            ..
        }) = s
        else {
            panic!()
        };
        assert_eq!((set.len(), remove.len()), (2, 1));
        assert_eq!(returning, Some(Returning::AllNew));
        let s = parse("FROM T WHERE pk = 'x' SET c = 1").unwrap();
        assert!(matches!(s, Statement::Update(_)));
        let s = parse("DELETE FROM T WHERE pk = 'x' -- trailing comment").unwrap();
        assert!(matches!(s, Statement::Delete(_)));
    }

    #[test]
    fn syntax_errors_in_dynamodb_words() {
        let msg = |t: &str| parse(t).unwrap_err().message().to_string();
        assert_eq!(
            msg("SLECT * FROM T"),
            "Statement wasn't well formed, can't be processed: Expected data manipulation"
        );
        assert_eq!(
            msg("SELECT * FROM T WHERE pk = 1 foo"),
            "Statement wasn't well formed, can't be processed: Unexpected token after expression"
        );
        assert_eq!(
            msg("SELECT * FROM T WHERE"),
            "Statement wasn't well formed, can't be processed: Unexpected term"
        );
    }
}
