//! Statements with their parameters: `?` bound in order, literals into AttributeValues
//! (numbers and sets checked as DynamoDB checks them).

use super::ast::{self, Statement};
use crate::error::{Error, Result};
use crate::model::codec::check_value;
use crate::model::value::{AttributeValue, Item};

pub(super) fn param_count_error() -> Error {
    Error::validation("Number of parameters in request and statement don't match.")
}

/// A statement with its parameters, parsed and checked against the parameter count.
pub(crate) struct Prepared<'a> {
    pub statement: Statement,
    pub params: &'a [AttributeValue],
}

impl<'a> Prepared<'a> {
    /// Parses `text` and checks that `params` covers its `?`s.
    pub fn new(text: &'a str, params: Option<&'a [AttributeValue]>) -> Result<Prepared<'a>> {
        let (statement, count) = ast::parse_counted(text)?;
        let params = params.unwrap_or_default();
        if params.len() < count {
            return Err(param_count_error());
        }
        for p in params {
            check_value(p)?;
        }
        Ok(Prepared { statement, params })
    }

    /// The table the statement names.
    pub fn table(&self) -> &str {
        match &self.statement {
            Statement::Select(s) | Statement::Exists(s) => {
                s.source.first().map_or("", String::as_str)
            }
            Statement::Insert(i) => &i.table,
            Statement::Update(u) => &u.table,
            Statement::Delete(d) => &d.table,
        }
    }
}

/// Binds a literal: parameters replaced, numbers and sets checked.
pub(crate) fn bind(v: &ast::Value, params: &[AttributeValue]) -> Result<AttributeValue> {
    bind_at(v, params, "root")
}

/// [`bind`] for the value at `at` (`root`, `root.x`, `root[1]`), which number errors name.
pub(super) fn bind_at(
    v: &ast::Value,
    params: &[AttributeValue],
    at: &str,
) -> Result<AttributeValue> {
    use ast::Value as V;
    let out = match v {
        V::Param(i) => params.get(*i).cloned().ok_or_else(param_count_error)?,
        V::S(s) => AttributeValue::S(s.clone()),
        V::N(n) => {
            crate::model::number::Number::parse(n)
                .map_err(|e| Error::validation(format!("{} under {at}", e.message())))?;
            AttributeValue::N(n.clone())
        }
        V::Bool(b) => AttributeValue::Bool(*b),
        V::Null => AttributeValue::Null(true),
        V::Tuple(pairs) => {
            let mut m = Item::new();
            for (k, x) in pairs {
                let v = bind_at(x, params, &format!("{at}.{k}"))?;
                if m.insert(k.clone(), v).is_some() {
                    return Err(Error::validation(format!(
                        "Duplicate keys in tuple. Key: {k} under {at}"
                    )));
                }
            }
            AttributeValue::M(m)
        }
        V::List(xs) => AttributeValue::L(
            xs.iter()
                .enumerate()
                .map(|(i, x)| bind_at(x, params, &format!("{at}[{i}]")))
                .collect::<Result<_>>()?,
        ),
        V::Set(xs) => {
            if xs.is_empty() {
                return Err(Error::validation("Empty bags are not supported"));
            }
            if xs.iter().any(|x| matches!(x, V::Param(_))) {
                return Err(Error::validation(
                    "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags",
                ));
            }
            let vals: Vec<AttributeValue> =
                xs.iter().map(|x| bind(x, params)).collect::<Result<_>>()?;
            let unsupported = || {
                Error::validation(
                    "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags",
                )
            };
            match &vals[0] {
                AttributeValue::S(_) => AttributeValue::Ss(
                    vals.into_iter()
                        .map(|v| match v {
                            AttributeValue::S(s) => Ok(s),
                            _ => Err(unsupported()),
                        })
                        .collect::<Result<_>>()?,
                ),
                AttributeValue::N(_) => AttributeValue::Ns(
                    vals.into_iter()
                        .map(|v| match v {
                            AttributeValue::N(n) => Ok(n),
                            _ => Err(unsupported()),
                        })
                        .collect::<Result<_>>()?,
                ),
                _ => return Err(unsupported()),
            }
        }
    };
    check_value(&out)?;
    Ok(out)
}
