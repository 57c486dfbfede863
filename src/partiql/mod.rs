//! PartiQL: a statement is parsed by `grammar/partiql.pest` into [`ast`], its parameters are
//! bound (`bind`), and its WHERE becomes the same IR as the expression languages
//! (`condition`). A SELECT then becomes read plans, one per partition the WHERE fixes or one
//! Scan (`select`); INSERT, UPDATE and DELETE are evaluated and written through the write
//! pipeline (`write`); `batch` holds BatchExecuteStatement and ExecuteTransaction.

pub mod ast;
pub(crate) mod batch;
mod bind;
mod condition;
mod select;
mod write;

pub(crate) use bind::Prepared;
pub(crate) use condition::{condition, split_key};
use select::select;
pub(crate) use select::{check_projection, explain, project};
pub(crate) use write::{
    evaluate, exists_outside_transaction, exists_target, target, write, StepWrite, WriteOptions,
};

use crate::engine::handle::Engine;
use crate::error::{Error, Result};
use crate::types::{ExecuteStatementInput, ExecuteStatementOutput};
use crate::validate::{enums, present, Constraints};
use ast::Statement;

/// The longest statement DynamoDB accepts.
const MAX_STATEMENT: usize = 8192;

/// ExecuteStatement's own members, checked; the statement text.
fn check_request(req: &ExecuteStatementInput) -> Result<&str> {
    let mut c = Constraints::default();
    if let Some(s) = c.not_null("statement", &req.statement) {
        c.length("statement", s, s.len(), 1, MAX_STATEMENT);
    }
    if let Some(limit) = req.limit {
        c.range("limit", i64::from(limit), 1, None);
    }
    if let Some(t) = &req.next_token {
        c.length("nextToken", t, t.chars().count(), 1, 32768);
    }
    c.return_consumed_capacity(req.return_consumed_capacity.as_deref());
    c.one_of(
        "returnValuesOnConditionCheckFailure",
        req.return_values_on_condition_check_failure.as_deref(),
        enums::RETURN_VALUES_ON_CONDITION_CHECK_FAILURE,
    );
    c.finish()?;
    present(&req.statement, "statement").map(String::as_str)
}

/// ExecuteStatement.
pub(crate) fn execute_statement(
    db: &Engine,
    req: ExecuteStatementInput,
) -> Result<ExecuteStatementOutput> {
    let text = check_request(&req)?;
    let prepared = Prepared::new(text, req.parameters.as_deref())?;
    if matches!(prepared.statement, Statement::Exists(_)) {
        return Err(exists_outside_transaction());
    }
    if req.next_token.is_some() && !prepared.statement.is_read() {
        return Err(Error::validation(
            "NextToken is only valid on a SELECT statement",
        ));
    }
    let options = WriteOptions {
        return_consumed_capacity: req.return_consumed_capacity.as_deref(),
        return_values_on_condition_check_failure: req
            .return_values_on_condition_check_failure
            .as_deref(),
    };
    match &prepared.statement {
        Statement::Select(s) => select(db, &req, s, prepared.params),
        _ => {
            let out = write(db, &prepared, &options)?;
            Ok(ExecuteStatementOutput {
                items: out.item.into_iter().collect(),
                consumed_capacity: out.consumed_capacity,
                ..Default::default()
            })
        }
    }
}
