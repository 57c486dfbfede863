//! BatchExecuteStatement (up to 25 independent statements, all reads or all writes) and
//! ExecuteTransaction (up to 100 statements, all or nothing).

use super::ast::{Delete, Select, Statement, Update};
use super::{
    check_projection, evaluate, project, split_key, target, write, Prepared, StepWrite,
    WriteOptions,
};
use crate::engine::capacity::ReturnCapacity;
use crate::engine::handle::Engine;
use crate::engine::page::PageItem;
use crate::engine::plan::KeyRead;
use crate::error::{Error, ErrorCode, Result};
use crate::model::value::Item;
use crate::ops::common::{
    add_capacity, consumed_split, key_of_key, read_units, write_capacity, EmptyKeyWording, Split,
};
use crate::ops::transact::{canceled, same_item_twice, Reason, MAX_ACTIONS};
use crate::storage::read::View;
use crate::storage::write::{Billing, WriteBatch};
use crate::types::{
    BatchExecuteStatementInput, BatchExecuteStatementOutput, BatchStatementError,
    BatchStatementRequest, BatchStatementResponse, ConsumedCapacity, ExecuteTransactionInput,
    ExecuteTransactionOutput, ItemResponse, ParameterizedStatement,
};
use crate::validate::{enums, present, Constraints};
use std::collections::{BTreeMap, BTreeSet};

const MAX_BATCH: usize = 25;

/// The short error code a batch reports for an error.
fn short_code(e: &Error) -> &'static str {
    match e.code() {
        ErrorCode::ConditionalCheckFailedException => "ConditionalCheckFailed",
        ErrorCode::DuplicateItemException => "DuplicateItem",
        ErrorCode::ResourceNotFoundException => "ResourceNotFound",
        ErrorCode::InternalServerError => "InternalServerError",
        _ => "ValidationError",
    }
}

/// A SELECT that names one item by its full primary key: the item (projected), if the rest of
/// the WHERE holds, and the size read.
fn read_one(state: &View<'_>, p: &Prepared<'_>, in_transaction: bool) -> Result<Read> {
    let Statement::Select(Select {
        projection,
        source,
        condition,
        ..
    }) = &p.statement
    else {
        // Callers send reads only, once they have refused a mix of reads and writes.
        return Err(Error::internal("a write read as a SELECT"));
    };
    if let Some(paths) = projection {
        check_projection(paths)?;
    }
    if in_transaction && source.len() > 1 {
        return Err(Error::validation(
            "Reads on indices are not supported within transactions.",
        ));
    }
    let not_keyed = if in_transaction {
        "Select statements within ExecuteTransaction must specify the primary key in the where clause."
    } else {
        "Select statements within BatchExecuteStatement must specify the primary key in the where clause."
    };
    let table = source[0].clone();
    let t = state.table(&table).ok_or_else(Error::resource_not_found)?;
    let keyed = match condition {
        Some(c) if source.len() == 1 => split_key(t, super::condition(c, p.params)?).ok(),
        _ => None,
    };
    // A transaction reads by key alone; a batch may add conditions.
    let Some((key, rest)) = keyed.filter(|(_, rest)| !in_transaction || rest.is_none()) else {
        return Err(Error::validation(not_keyed));
    };
    let (pk, sk) = key_of_key(t, &key, EmptyKeyWording::NotValid)?;
    // PartiQL projects by its own naming rules, after the rest of the WHERE.
    let plan = KeyRead {
        t,
        pk: &pk,
        sk: &sk,
        projection: None,
    };
    let (found, size) = plan.execute(state, false)?;
    let item = found
        .map(PageItem::into_item)
        .transpose()?
        .filter(|item| {
            rest.as_ref()
                .is_none_or(|c| crate::expr::eval::eval(c, item))
        })
        .map(|item| match projection {
            Some(paths) => project(item, paths),
            None => item,
        });
    Ok(Read {
        target: (table, pk, sk),
        item,
        size,
    })
}

/// One item read by a batch or transaction: its table and encoded key, the item, the size.
struct Read {
    target: (String, Vec<u8>, Vec<u8>),
    item: Option<Item>,
    size: usize,
}

/// ConsumedCapacity per table from summed units.
fn capacity(
    mode: ReturnCapacity,
    units: BTreeMap<String, f64>,
    split: Split,
) -> Option<Vec<ConsumedCapacity>> {
    let list: Vec<ConsumedCapacity> = units
        .into_iter()
        .filter_map(|(t, u)| consumed_split(mode, &t, u, &[], split))
        .collect();
    (!list.is_empty()).then_some(list)
}

/// BatchExecuteStatement: up to 25 independent statements, all reads or all writes; each
/// statement's error is its own response.
pub(crate) fn batch_execute(
    db: &Engine,
    req: BatchExecuteStatementInput,
) -> Result<BatchExecuteStatementOutput> {
    check_batch(&req)?;
    let list = req.statements.as_deref().unwrap_or_default();
    let prepared: Vec<Result<Prepared<'_>>> = list
        .iter()
        .map(|s| {
            let p = Prepared::new(present(&s.statement, "statement")?, s.parameters.as_deref())?;
            match p.statement {
                Statement::Exists(_) => Err(super::exists_outside_transaction()),
                _ => Ok(p),
            }
        })
        .collect();
    let parsed = prepared.iter().filter_map(|p| p.as_ref().ok());
    let (reads, writes): (Vec<_>, Vec<_>) = parsed.partition(|p| p.statement.is_read());
    if !reads.is_empty() && !writes.is_empty() {
        return Err(Error::validation(
            "Read and write requests together in the same batch is not supported.",
        ));
    }
    let mode = ReturnCapacity::parse(req.return_consumed_capacity.as_deref());
    let (responses, consumed_capacity) = if reads.is_empty() {
        batch_writes(db, req.return_consumed_capacity.as_deref(), &prepared)?
    } else {
        batch_reads(db, mode, list, &prepared)?
    };
    Ok(BatchExecuteStatementOutput {
        responses,
        consumed_capacity,
    })
}

/// BatchExecuteStatement's own members.
fn check_batch(req: &BatchExecuteStatementInput) -> Result<()> {
    let mut c = Constraints::default();
    if let Some(list) = c.not_null("statements", &req.statements) {
        let shown = serde_json::to_string(list).unwrap_or_default();
        c.length("statements", &shown, list.len(), 1, MAX_BATCH);
        for (i, s) in list.iter().enumerate() {
            c.not_null(
                &format!("statements.{}.member.statement", i + 1),
                &s.statement,
            );
        }
    }
    c.return_consumed_capacity(req.return_consumed_capacity.as_deref());
    c.finish()
}

/// A statement's failure as its batch response; statements refused as invalid carry no
/// table.
fn error_response(e: &Error, table: Option<String>) -> BatchStatementResponse {
    BatchStatementResponse {
        error: Some(BatchStatementError {
            code: short_code(e).to_string(),
            message: e.message().to_string(),
            item: e
                .extra()
                .and_then(|x| x.get("Item"))
                .and_then(|i| serde_json::from_value(i.clone()).ok()),
        }),
        table_name: table.filter(|_| short_code(e) != "ValidationError"),
        item: None,
    }
}

/// A batch of keyed reads, in one read transaction; one item twice fails the batch.
fn batch_reads(
    db: &Engine,
    mode: ReturnCapacity,
    list: &[BatchStatementRequest],
    prepared: &[Result<Prepared<'_>>],
) -> Result<(Vec<BatchStatementResponse>, Option<Vec<ConsumedCapacity>>)> {
    let guard = db.read()?;
    let state = guard.view();
    let mut units: BTreeMap<String, f64> = BTreeMap::new();
    let mut responses = Vec::with_capacity(prepared.len());
    let mut seen = BTreeSet::new();
    for (s, p) in list.iter().zip(prepared) {
        let p = match p {
            Ok(p) => p,
            Err(e) => {
                responses.push(error_response(e, None));
                continue;
            }
        };
        match read_one(&state, p, false) {
            Ok(read) => {
                if !seen.insert(read.target.clone()) {
                    return Err(Error::validation(
                        "Provided list of item keys contains duplicates",
                    ));
                }
                let table = read.target.0;
                *units.entry(table.clone()).or_default() +=
                    read_units(read.size, s.consistent_read.unwrap_or(false));
                responses.push(BatchStatementResponse {
                    error: None,
                    table_name: Some(table),
                    item: read.item,
                });
            }
            Err(e) => responses.push(error_response(&e, Some(p.table().to_string()))),
        }
    }
    Ok((responses, capacity(mode, units, Split::No)))
}

/// A batch of writes, each its own write (the same item twice is refused before any).
fn batch_writes(
    db: &Engine,
    return_consumed_capacity: Option<&str>,
    prepared: &[Result<Prepared<'_>>],
) -> Result<(Vec<BatchStatementResponse>, Option<Vec<ConsumedCapacity>>)> {
    {
        let state = db.lock();
        let mut seen = BTreeSet::new();
        for p in prepared.iter().flatten() {
            if let Some(t) = target(&state, p) {
                if !seen.insert(t) {
                    return Err(Error::validation(
                        "Provided list of item keys contains duplicates",
                    ));
                }
            }
        }
    }
    // Each statement's capacity, summed per table.
    let mut written: BTreeMap<String, Option<ConsumedCapacity>> = BTreeMap::new();
    let mut responses = Vec::with_capacity(prepared.len());
    for p in prepared {
        let p = match p {
            Ok(p) => p,
            Err(e) => {
                responses.push(error_response(e, None));
                continue;
            }
        };
        // Return values on a failed condition are accepted and not applied in batches.
        let options = WriteOptions {
            return_consumed_capacity,
            return_values_on_condition_check_failure: None,
        };
        match write(db, p, &options) {
            Ok(out) => {
                if let Some(c) = out.consumed_capacity {
                    let sum = written.remove(&c.table_name).flatten();
                    written.insert(c.table_name.clone(), add_capacity(sum, Some(c)));
                }
                responses.push(BatchStatementResponse {
                    error: None,
                    table_name: Some(p.table().to_string()),
                    item: out.item,
                });
            }
            Err(e) => responses.push(error_response(&e, Some(p.table().to_string()))),
        }
    }
    let list: Vec<ConsumedCapacity> = written.into_values().flatten().collect();
    Ok((responses, (!list.is_empty()).then_some(list)))
}

/// A statement's validation error, as ExecuteTransaction names it.
fn member_error(i: usize, e: Error) -> Error {
    match e.code() {
        ErrorCode::ValidationException => Error::validation(format!(
            "Validation failed in TransactStatements[{i}]: {}",
            e.message()
        )),
        _ => e,
    }
}

/// ExecuteTransaction: all reads (one snapshot) or all writes (all or nothing).
pub(crate) fn execute_transaction(
    db: &Engine,
    req: ExecuteTransactionInput,
) -> Result<ExecuteTransactionOutput> {
    check_transaction(&req)?;
    let list = req.transact_statements.as_deref().unwrap_or_default();
    let prepared = list
        .iter()
        .enumerate()
        .map(|(i, s)| {
            Prepared::new(present(&s.statement, "statement")?, s.parameters.as_deref())
                .map_err(|e| member_error(i, e))
        })
        .collect::<Result<Vec<_>>>()?;
    let reads = prepared.iter().filter(|p| p.statement.is_read()).count();
    if reads != 0 && reads != prepared.len() {
        return Err(Error::validation(
            "ExecuteTransaction API does not support both read and write operations in the same request.",
        ));
    }
    for (i, p) in prepared.iter().enumerate() {
        let returning = match &p.statement {
            Statement::Update(Update { returning, .. })
            | Statement::Delete(Delete { returning, .. }) => returning.is_some(),
            _ => false,
        };
        if returning {
            return Err(Error::validation(format!(
                "Validation failed in TransactStatements[{i}]: RETURNING clause is not supported in ExecuteTransaction."
            )));
        }
    }
    let mode = ReturnCapacity::parse(req.return_consumed_capacity.as_deref());
    if reads > 0 {
        transaction_reads(db, mode, &prepared)
    } else {
        transaction_writes(db, &req, mode, list, &prepared)
    }
}

/// ExecuteTransaction's own members.
fn check_transaction(req: &ExecuteTransactionInput) -> Result<()> {
    let mut c = Constraints::default();
    if let Some(list) = c.not_null("transactStatements", &req.transact_statements) {
        let shown = serde_json::to_string(list).unwrap_or_default();
        c.length("transactStatements", &shown, list.len(), 1, MAX_ACTIONS);
        for (i, s) in list.iter().enumerate() {
            c.not_null(
                &format!("transactStatements.{}.member.statement", i + 1),
                &s.statement,
            );
            c.one_of(
                &format!(
                    "transactStatements.{}.member.returnValuesOnConditionCheckFailure",
                    i + 1
                ),
                s.return_values_on_condition_check_failure.as_deref(),
                enums::RETURN_VALUES_ON_CONDITION_CHECK_FAILURE,
            );
        }
    }
    if let Some(token) = &req.client_request_token {
        c.length("clientRequestToken", token, token.chars().count(), 1, 36);
    }
    c.return_consumed_capacity(req.return_consumed_capacity.as_deref());
    c.finish()
}

/// A read transaction: every keyed read in one snapshot, each item once.
fn transaction_reads(
    db: &Engine,
    mode: ReturnCapacity,
    prepared: &[Prepared<'_>],
) -> Result<ExecuteTransactionOutput> {
    let guard = db.read()?;
    let state = guard.view();
    let mut units: BTreeMap<String, f64> = BTreeMap::new();
    let mut responses = Vec::with_capacity(prepared.len());
    let mut seen = BTreeSet::new();
    for (i, p) in prepared.iter().enumerate() {
        let read = read_one(&state, p, true).map_err(|e| member_error(i, e))?;
        if !seen.insert(read.target.clone()) {
            return Err(same_item_twice());
        }
        // Transactional reads cost twice a consistent read.
        *units.entry(read.target.0).or_default() += 2.0 * read_units(read.size, true);
        responses.push(ItemResponse { item: read.item });
    }
    Ok(ExecuteTransactionOutput {
        responses: Some(responses),
        consumed_capacity: capacity(mode, units, Split::Read),
    })
}

/// A write transaction: every statement evaluated (failures become reasons, in order), then
/// all written in one batch, or none.
fn transaction_writes(
    db: &Engine,
    req: &ExecuteTransactionInput,
    mode: ReturnCapacity,
    list: &[ParameterizedStatement],
    prepared: &[Prepared<'_>],
) -> Result<ExecuteTransactionOutput> {
    let mut state = db.lock();
    let digest: Option<[u8; 32]> = match &req.client_request_token {
        Some(token) => {
            use sha2::Digest;
            let d: [u8; 32] =
                sha2::Sha256::digest(serde_json::to_vec(req).unwrap_or_default()).into();
            if let Some(out) = db.tokens().replay(token, &d)? {
                return Ok(ExecuteTransactionOutput {
                    responses: Some(Vec::new()),
                    consumed_capacity: out.consumed_capacity,
                });
            }
            Some(d)
        }
        None => None,
    };
    let mut targets = BTreeSet::new();
    for (i, p) in prepared.iter().enumerate() {
        if let Statement::Exists(s) = &p.statement {
            super::exists_target(&state, s, p.params).map_err(|e| member_error(i, e))?;
        }
        if let Some(t) = target(&state, p) {
            if !targets.insert(t) {
                return Err(same_item_twice());
            }
        }
    }
    let mut steps = Vec::with_capacity(prepared.len());
    let mut reasons = vec![Reason::none(); prepared.len()];
    for (i, (p, s)) in prepared.iter().zip(list).enumerate() {
        let options = WriteOptions {
            return_consumed_capacity: None,
            return_values_on_condition_check_failure: s
                .return_values_on_condition_check_failure
                .as_deref(),
        };
        match evaluate(&state, p, &options) {
            Ok(step) => steps.push(Some(step)),
            Err(e) => {
                reasons[i] = reason(e)?;
                steps.push(None);
            }
        }
    }
    if reasons.iter().any(Reason::failed) {
        return Err(canceled(&reasons));
    }

    let mut batch = WriteBatch::new(&mut state, Billing::Transactional, false);
    for step in steps.into_iter().flatten() {
        match step.write {
            // EXISTS is charged like a ConditionCheck.
            StepWrite::Check => batch.charge(step.table, 1.0),
            StepWrite::Delete => batch.delete(step.table, step.pk, step.sk)?,
            StepWrite::Put(item, enc) => batch.put(step.table, step.pk, step.sk, &item, enc)?,
        }
    }
    let done = batch.commit()?;
    let list = write_capacity(mode, done.charges(), Split::Write);
    let consumed_capacity = (!list.is_empty()).then_some(list);
    if let (Some(token), Some(d)) = (&req.client_request_token, digest) {
        db.tokens().remember(
            token,
            d,
            crate::types::TransactWriteItemsOutput {
                consumed_capacity: consumed_capacity.clone(),
                item_collection_metrics: None,
            },
        );
    }
    Ok(ExecuteTransactionOutput {
        responses: Some(Vec::new()),
        consumed_capacity,
    })
}

/// A statement's evaluation error as its cancellation reason; other errors fail the call.
fn reason(e: Error) -> Result<Reason> {
    Ok(match e.code() {
        ErrorCode::ConditionalCheckFailedException => Reason::condition_failed(
            e.extra()
                .and_then(|x| x.get("Item"))
                .and_then(|v| serde_json::from_value(v.clone()).ok()),
        ),
        ErrorCode::DuplicateItemException => Reason::with_code("DuplicateItem", &e),
        ErrorCode::ValidationException => Reason::validation(&e),
        _ => return Err(e),
    })
}
