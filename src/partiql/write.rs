//! INSERT, UPDATE, DELETE and EXISTS: evaluated against the current item (conditions, the
//! one update evaluator, sizes, index keys) into a step, then written through the pipeline.

use super::ast::{self, Returning, Statement};
use super::bind::{bind, Prepared};
use super::condition::{condition, operand_count, split_key, unrecognized};
use crate::engine::handle::Engine;
use crate::engine::update::UpdateAction;
use crate::error::{Error, ErrorCode, Result};
use crate::expr::ir::{self, Path};
use crate::expr::update::{SetOperand, SetValue, Update};
use crate::model::codec::encode_item;
use crate::model::value::{AttributeValue, Item};
use crate::ops::common::EmptyKeyWording;
use crate::ops::common::{check_index_keys, check_item_size, key_of_item, key_of_key};
use crate::ops::single_write::{check_condition, execute, WriteMembers};
use crate::types::ReturnValues;

/// The request members a write statement honours.
#[derive(Clone, Copy, Default)]
pub(crate) struct WriteOptions<'a> {
    pub return_consumed_capacity: Option<&'a str>,
    pub return_values_on_condition_check_failure: Option<&'a str>,
}

/// What one write statement did.
pub(crate) struct WriteOut {
    /// The item RETURNING asked for, when there is one.
    pub item: Option<Item>,
    /// Consumed capacity, when asked for.
    pub consumed_capacity: Option<crate::types::ConsumedCapacity>,
}

pub(super) fn members<'a>(o: &WriteOptions<'a>) -> WriteMembers<'a> {
    WriteMembers {
        return_consumed_capacity: o.return_consumed_capacity,
        return_values: None,
        return_item_collection_metrics: None,
        return_values_on_condition_check_failure: o.return_values_on_condition_check_failure,
        condition_expression: None,
        names: None,
        values: None,
        expected: None,
        conditional_operator: None,
    }
}

pub(super) fn set_operand(o: &ast::Operand, params: &[AttributeValue]) -> Result<SetOperand> {
    Ok(match o {
        ast::Operand::Path(p) => SetOperand::Path(p.clone()),
        ast::Operand::Value(v) => SetOperand::Value(bind(v, params)?),
        ast::Operand::Call(f, args) if f == "list_append" => match args.as_slice() {
            [a, b] => SetOperand::ListAppend(
                Box::new(set_operand(a, params)?),
                Box::new(set_operand(b, params)?),
            ),
            _ => return Err(operand_count(f, args.len())),
        },
        ast::Operand::Call(f, _) => return Err(unrecognized(f)),
    })
}

/// UPDATE's SET and REMOVE as an update in the IR (set_add / set_delete become ADD / DELETE).
pub(super) fn update_of(
    set: &[(Path, ast::SetValue)],
    remove: &[Path],
    params: &[AttributeValue],
) -> Result<Update> {
    let mut u = Update {
        remove: remove.to_vec(),
        ..Default::default()
    };
    for (path, value) in set {
        match value {
            ast::SetValue::One(ast::Operand::Call(f, args))
                if f == "set_add" || f == "set_delete" =>
            {
                let upper = f.to_ascii_uppercase();
                let [first, second] = args.as_slice() else {
                    return Err(Error::validation(format!(
                        "{upper} must have exactly two arguments"
                    )));
                };
                if !matches!(first, ast::Operand::Path(p) if p == path) {
                    return Err(Error::validation(format!(
                        "The first argument to {upper} must equal the assignment value"
                    )));
                }
                let v = match second {
                    ast::Operand::Value(v) => bind(v, params)?,
                    _ => AttributeValue::Null(true),
                };
                if !matches!(v.type_name(), "SS" | "NS" | "BS") {
                    return Err(Error::validation(format!(
                        "The second argument to {upper} must be a value with type SET"
                    )));
                }
                if f == "set_add" {
                    u.add.push((path.clone(), v));
                } else {
                    u.delete.push((path.clone(), v));
                }
            }
            ast::SetValue::One(o) => u
                .set
                .push((path.clone(), SetValue::One(set_operand(o, params)?))),
            ast::SetValue::Arith(plus, a, b) => {
                let (a, b) = (set_operand(a, params)?, set_operand(b, params)?);
                u.set.push((
                    path.clone(),
                    if *plus {
                        SetValue::Plus(a, b)
                    } else {
                        SetValue::Minus(a, b)
                    },
                ));
            }
        }
    }
    crate::expr::projection::check_paths(crate::expr::ExprKind::Update, &u.paths())?;
    Ok(u)
}

pub(super) fn condition_failed() -> Error {
    Error::new(
        ErrorCode::ConditionalCheckFailedException,
        "The conditional request failed",
    )
}

/// EXISTS outside a transaction.
pub(crate) fn exists_outside_transaction() -> Error {
    Error::validation("EXISTS can only be used in ExecuteTransaction write requests.")
}

/// An EXISTS check's item: its table, key and the conditions besides the key.
pub(crate) fn exists_target<'a>(
    state: &crate::storage::State,
    s: &'a ast::Select,
    params: &[AttributeValue],
) -> Result<(&'a str, Item, ir::Cond)> {
    let invalid =
        || Error::validation("EXISTS() must contain a single item read with additional condition");
    let ast::Select {
        source,
        condition: Some(c),
        ..
    } = s
    else {
        return Err(invalid());
    };
    if source.len() != 1 {
        return Err(invalid());
    }
    let t = state
        .table(&source[0])
        .ok_or_else(Error::resource_not_found)?;
    let (key, rest) = split_key(t, condition(c, params)?).map_err(|_| invalid())?;
    Ok((&source[0], key, rest.ok_or_else(invalid)?))
}

/// A write statement checked and evaluated against the current item, not yet applied.
pub(crate) struct Step<'p> {
    /// The table written.
    pub table: &'p str,
    /// Encoded key.
    pub pk: Vec<u8>,
    /// Encoded sort key.
    pub sk: Vec<u8>,
    /// What the statement does to the item.
    pub write: StepWrite,
    /// The item RETURNING asked for.
    pub returning: Option<Item>,
}

/// What an evaluated statement does to its item.
pub(crate) enum StepWrite {
    /// INSERT or UPDATE: the new item and its encoding.
    Put(Item, crate::model::codec::EncodedItem),
    /// DELETE (of a missing item: a silent no-op, still charged).
    Delete,
    /// EXISTS: reads only, charged like a ConditionCheck.
    Check,
}

/// Checks and evaluates one INSERT, UPDATE or DELETE against the current state: conditions,
/// the update, sizes, index keys. A failed condition is a ConditionalCheckFailedException
/// (with the item when asked), an existing key on INSERT a DuplicateItemException.
pub(crate) fn evaluate<'p>(
    state: &crate::storage::State,
    p: &'p Prepared<'_>,
    o: &WriteOptions<'_>,
) -> Result<Step<'p>> {
    let m = members(o);
    match &p.statement {
        Statement::Insert(ast::Insert { table, item }) => {
            let item = match bind(item, p.params)? {
                AttributeValue::M(m) => m,
                _ => {
                    return Err(Error::validation(
                        "Unsupported format in item expression. Please use struct format {...} to express item values for insert statement.",
                    ))
                }
            };
            let enc = encode_item(&item)?;
            check_item_size(enc.size)?;
            let t = state.table(table).ok_or_else(Error::resource_not_found)?;
            let (pk, sk) = key_of_item(t, &item)?;
            check_index_keys(t, &item)?;
            if state.get_item(t, &pk, &sk)?.is_some() {
                return Err(Error::new(
                    ErrorCode::DuplicateItemException,
                    "Duplicate primary key exists in table",
                ));
            }
            Ok(Step {
                table,
                pk,
                sk,
                write: StepWrite::Put(item, enc),
                returning: None,
            })
        }
        Statement::Update(ast::Update {
            table,
            set,
            remove,
            condition: where_,
            returning,
        }) => {
            let Some(where_) = where_ else {
                return Err(Error::validation(
                    "Where clause does not contain a mandatory equality on all key attributes",
                ));
            };
            let cond = condition(where_, p.params)?;
            let update = update_of(set, remove, p.params)?;
            let t = state.table(table).ok_or_else(Error::resource_not_found)?;
            let (key, rest) = split_key(t, cond)?;
            let (pk, sk) = key_of_key(t, &key, EmptyKeyWording::NotValid)?;
            let action = UpdateAction::Expression(&update);
            action.check_key_untouched(t)?;
            // Unlike UpdateItem, an UPDATE statement never creates the item.
            let Some((old, _)) = state.get_item(t, &pk, &sk)? else {
                return Err(condition_failed());
            };
            if let Some(c) = &rest {
                check_condition(c, Some(old.clone()), &m)?;
            }
            let new = action.apply(t, old.clone())?;
            let which = match returning {
                None => ReturnValues::None,
                Some(Returning::AllOld) => ReturnValues::AllOld,
                Some(Returning::AllNew) => ReturnValues::AllNew,
                Some(Returning::ModifiedOld) => ReturnValues::UpdatedOld,
                Some(Returning::ModifiedNew) => ReturnValues::UpdatedNew,
            };
            let out = action.returned(which, Some(old), &new.item);
            Ok(Step {
                table,
                pk,
                sk,
                write: StepWrite::Put(new.item, new.encoded),
                returning: out,
            })
        }
        Statement::Delete(ast::Delete {
            table,
            condition: where_,
            returning,
        }) => {
            if let Some(r) = returning.filter(|r| *r != Returning::AllOld) {
                return Err(Error::validation(format!(
                    "Invalid returning clause: RETURNING {}. Only RETURNING ALL OLD * is allowed in DELETE statements.",
                    r.text()
                )));
            }
            let cond = condition(where_, p.params)?;
            let t = state.table(table).ok_or_else(Error::resource_not_found)?;
            let (key, rest) = split_key(t, cond)?;
            let (pk, sk) = key_of_key(t, &key, EmptyKeyWording::NotValid)?;
            let old = state.get_item(t, &pk, &sk)?.map(|(item, _)| item);
            if let (Some(c), Some(old)) = (&rest, &old) {
                check_condition(c, Some(old.clone()), &m)?;
            }
            Ok(Step {
                table,
                pk,
                sk,
                write: StepWrite::Delete,
                returning: old.filter(|_| returning.is_some()),
            })
        }
        Statement::Exists(s) => {
            let (table, key, rest) = exists_target(state, s, p.params)?;
            let t = state.table(table).ok_or_else(Error::resource_not_found)?;
            let (pk, sk) = key_of_key(t, &key, EmptyKeyWording::NotValid)?;
            let found = state.get_item(t, &pk, &sk)?.map(|(item, _)| item);
            match found {
                Some(item) => check_condition(&rest, Some(item), &m)?,
                None => return Err(condition_failed()),
            }
            Ok(Step {
                table,
                pk,
                sk,
                write: StepWrite::Check,
                returning: None,
            })
        }
        Statement::Select(_) => Err(Error::internal("a SELECT evaluated as a write")),
    }
}

/// The item a write statement targets (table and encoded key), when it names one.
pub(crate) fn target(
    state: &crate::storage::State,
    p: &Prepared<'_>,
) -> Option<(String, Vec<u8>, Vec<u8>)> {
    let (table, key) = match &p.statement {
        Statement::Insert(ast::Insert { table, item }) => {
            let t = state.table(table)?;
            let AttributeValue::M(item) = bind(item, p.params).ok()? else {
                return None;
            };
            return key_of_item(t, &item)
                .ok()
                .map(|(pk, sk)| (table.clone(), pk, sk));
        }
        Statement::Update(ast::Update {
            table,
            condition: Some(c),
            ..
        })
        | Statement::Delete(ast::Delete {
            table,
            condition: c,
            ..
        }) => (table, c),
        Statement::Exists(s) => {
            let (table, key, _) = exists_target(state, s, p.params).ok()?;
            let t = state.table(table)?;
            let (pk, sk) = key_of_key(t, &key, EmptyKeyWording::NotValid).ok()?;
            return Some((table.to_string(), pk, sk));
        }
        _ => return None,
    };
    let t = state.table(table)?;
    let (k, _) = split_key(t, condition(key, p.params).ok()?).ok()?;
    let (pk, sk) = key_of_key(t, &k, EmptyKeyWording::NotValid).ok()?;
    Some((table.clone(), pk, sk))
}

/// Runs one INSERT, UPDATE or DELETE.
pub(crate) fn write(db: &Engine, p: &Prepared<'_>, o: &WriteOptions<'_>) -> Result<WriteOut> {
    let mut state = db.lock();
    let step = evaluate(&state, p, o)?;
    let (item, enc) = match step.write {
        StepWrite::Put(item, enc) => (Some(item), Some(enc)),
        StepWrite::Delete => (None, None),
        StepWrite::Check => return Err(exists_outside_transaction()),
    };
    let out = execute(
        &mut state,
        step.table,
        step.pk,
        step.sk,
        item.as_ref().zip(enc),
        &members(o),
        None,
        false,
    )?;
    Ok(WriteOut {
        item: step.returning,
        consumed_capacity: out.consumed_capacity,
    })
}
