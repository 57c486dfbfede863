//! TransactWriteItems: up to 100 Put, Update, Delete and ConditionCheck actions, all or
//! nothing. Every action is checked and every condition evaluated first (DynamoDB reports a
//! reason for each action); only if all pass are the writes made, in one SQLite transaction,
//! under the one lock, so no reader sees part of it.

use super::common::{
    check_index_keys, check_item_size, item_key_shape_error, key_of_item, key_of_key,
    key_shape_error, wants_collection_metrics, written, EmptyKeyWording, Split,
};
use super::transact::{canceled, same_item_twice, Reason, MAX_ACTIONS};
use crate::engine::handle::Engine;
use crate::engine::update::UpdateAction;
use crate::error::{Error, Result};
use crate::expr::ir::Cond;
use crate::expr::{
    check_placeholders_used_with_expressions, parse_condition, update, ExprKind, Placeholders,
};
use crate::model::codec::{check_value, encode_item, EncodedItem};
use crate::model::value::Item;
use crate::storage::schema::TableMeta;
use crate::storage::write::{Billing, WriteBatch};
use crate::storage::State;
use crate::types::{
    ReturnOnFailure, TransactAction, TransactWriteItemsInput, TransactWriteItemsOutput,
};
use crate::validate::{enums, Constraints};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;

/// DynamoDB's limit on the items of one transaction, in aggregate.
const MAX_AGGREGATE_BYTES: usize = 4 * 1024 * 1024;

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    ConditionCheck,
    Put,
    Delete,
    Update,
}

impl Kind {
    fn member(self) -> &'static str {
        match self {
            Kind::ConditionCheck => "conditionCheck",
            Kind::Put => "put",
            Kind::Delete => "delete",
            Kind::Update => "update",
        }
    }
}

/// One action, checked and parsed: its table, what it writes, its condition.
struct Action<'a> {
    table: &'a str,
    write: Write<'a>,
    condition: Option<Cond>,
    /// ReturnValuesOnConditionCheckFailure is ALL_OLD.
    return_old_on_failure: bool,
}

/// What an action does, with the members its kind requires.
enum Write<'a> {
    /// ConditionCheck: the key it reads.
    Check(&'a Item),
    /// Put: the item and its encoding.
    Put(&'a Item, EncodedItem),
    /// Delete: the key.
    Delete(&'a Item),
    /// Update: the key and the parsed UpdateExpression.
    Update(&'a Item, update::Update),
}

impl Write<'_> {
    /// The key or item the action names.
    fn keyed(&self) -> &Item {
        match self {
            Write::Check(k) | Write::Delete(k) | Write::Update(k, _) => k,
            Write::Put(item, _) => item,
        }
    }
}

fn entries(
    e: &crate::types::TransactWriteItem,
) -> impl Iterator<Item = (Kind, &TransactAction)> + '_ {
    [
        (Kind::ConditionCheck, &e.condition_check),
        (Kind::Put, &e.put),
        (Kind::Delete, &e.delete),
        (Kind::Update, &e.update),
    ]
    .into_iter()
    .filter_map(|(k, a)| a.as_ref().map(|a| (k, a)))
}

fn check_shape(req: &TransactWriteItemsInput) -> Result<()> {
    let mut c = Constraints::default();
    if let Some(items) = c.not_null("transactItems", &req.transact_items) {
        let shown = serde_json::to_string(items).unwrap_or_default();
        c.length("transactItems", &shown, items.len(), 1, MAX_ACTIONS);
        for (i, entry) in items.iter().enumerate() {
            for (kind, a) in entries(entry) {
                let path = format!("transactItems.{}.member.{}", i + 1, kind.member());
                match &a.table_name {
                    Some(name) => c.name(&format!("{path}.tableName"), name),
                    None => c.fail(
                        None,
                        &format!("{path}.tableName"),
                        "Member must not be null",
                    ),
                }
                if kind == Kind::Put {
                    c.not_null(&format!("{path}.item"), &a.item);
                } else {
                    c.not_null(&format!("{path}.key"), &a.key);
                }
                if kind == Kind::Update {
                    c.not_null(&format!("{path}.updateExpression"), &a.update_expression);
                }
                if kind == Kind::ConditionCheck {
                    c.not_null(
                        &format!("{path}.conditionExpression"),
                        &a.condition_expression,
                    );
                }
                c.one_of(
                    &format!("{path}.returnValuesOnConditionCheckFailure"),
                    a.return_values_on_condition_check_failure.as_deref(),
                    enums::RETURN_VALUES_ON_CONDITION_CHECK_FAILURE,
                );
            }
        }
    }
    if let Some(token) = &req.client_request_token {
        c.length("clientRequestToken", token, token.chars().count(), 1, 36);
    }
    c.return_consumed_capacity(req.return_consumed_capacity.as_deref());
    c.one_of(
        "returnItemCollectionMetrics",
        req.return_item_collection_metrics.as_deref(),
        enums::RETURN_ITEM_COLLECTION_METRICS,
    );
    c.finish()
}

/// A member that check_shape reported when missing.
fn required<'a, T>(v: &'a Option<T>, member: &str) -> Result<&'a T> {
    v.as_ref()
        .ok_or_else(|| Error::validation(format!("{member} is required")))
}

/// Expressions and values of one action: everything that needs no table.
fn parse_action(kind: Kind, a: &TransactAction) -> Result<Action<'_>> {
    let table = required(&a.table_name, "TableName")?;
    let (names, values) = (
        a.expression_attribute_names.as_ref(),
        a.expression_attribute_values.as_ref(),
    );
    let any = a.condition_expression.is_some() || a.update_expression.is_some();
    check_placeholders_used_with_expressions(names, values, any, any)?;
    let mut ph = Placeholders::new(names, values)?;
    // Update first, then condition, as UpdateItem parses them.
    let update = match kind {
        Kind::Update => Some(update::parse(
            required(&a.update_expression, "UpdateExpression")?,
            &mut ph,
        )?),
        _ => None,
    };
    let condition = a
        .condition_expression
        .as_deref()
        .map(|text| parse_condition(ExprKind::Condition, text, &mut ph))
        .transpose()?;
    ph.check_unused()?;
    let write = match (kind, update) {
        (Kind::Put, _) => {
            let item = required(&a.item, "Item")?;
            let enc = encode_item(item)?;
            check_item_size(enc.size)?;
            Write::Put(item, enc)
        }
        (kind, update) => {
            let key = required(&a.key, "Key")?;
            for v in key.values() {
                check_value(v)?;
            }
            match (kind, update) {
                (Kind::Update, Some(u)) => Write::Update(key, u),
                (Kind::Delete, _) => Write::Delete(key),
                _ => Write::Check(key),
            }
        }
    };
    Ok(Action {
        table,
        write,
        condition,
        return_old_on_failure: ReturnOnFailure::from_member(
            a.return_values_on_condition_check_failure.as_deref(),
        ) == Some(ReturnOnFailure::AllOld),
    })
}

/// What one passing action will write.
enum Planned {
    Check,
    Write {
        pk: Vec<u8>,
        sk: Vec<u8>,
        new: Option<(Item, EncodedItem)>,
    },
}

pub(crate) fn run(db: &Engine, req: TransactWriteItemsInput) -> Result<TransactWriteItemsOutput> {
    check_shape(&req)?;
    let actions = parse_actions(&req)?;

    let mut state = db.lock();
    let digest: Option<[u8; 32]> = match &req.client_request_token {
        Some(token) => {
            let d: [u8; 32] = Sha256::digest(serde_json::to_vec(&req).unwrap_or_default()).into();
            if let Some(out) = db.tokens().replay(token, &d)? {
                return Ok(out);
            }
            Some(d)
        }
        None => None,
    };
    // Every action is checked and evaluated before anything is written; failures become
    // one reason per action, in order.
    let mut reasons = vec![Reason::none(); actions.len()];
    let targets = targets(&state, &actions, &mut reasons)?;
    let mut planned = Vec::with_capacity(actions.len());
    for (i, (act, target)) in actions.iter().zip(targets).enumerate() {
        planned.push(match target {
            None => Planned::Check,
            Some((t, pk, sk)) => match evaluate(&state, act, t, pk, sk)? {
                Ok(p) => p,
                Err(reason) => {
                    reasons[i] = reason;
                    Planned::Check
                }
            },
        });
    }
    if reasons.iter().any(Reason::failed) {
        return Err(canceled(&reasons));
    }
    let out = write(&mut state, &req, &actions, planned)?;
    if let (Some(token), Some(d)) = (&req.client_request_token, digest) {
        db.tokens().remember(token, d, out.clone());
    }
    Ok(out)
}

/// Every action parsed, one kind each, and the aggregate size limit.
fn parse_actions(req: &TransactWriteItemsInput) -> Result<Vec<Action<'_>>> {
    let items = req.transact_items.as_deref().unwrap_or_default();
    let mut actions = Vec::with_capacity(items.len());
    for entry in items {
        let mut present = entries(entry);
        let Some((kind, a)) = present.next() else {
            return Err(Error::validation(
                "Invalid Request: TransactWriteRequest should contain Delete or Put or Update request",
            ));
        };
        if present.next().is_some() {
            return Err(Error::validation(
                "TransactItems can only contain one of Check, Put, Update or Delete",
            ));
        }
        actions.push(parse_action(kind, a)?);
    }
    let aggregate: usize = actions
        .iter()
        .filter_map(|a| match &a.write {
            Write::Put(_, e) => Some(e.size),
            _ => None,
        })
        .sum();
    if aggregate > MAX_AGGREGATE_BYTES {
        return Err(Error::validation(
            "Transaction request exceeds the maximum aggregate size of 4 MB",
        ));
    }
    Ok(actions)
}

/// An action's table and encoded key.
type Target<'s> = (&'s TableMeta, Vec<u8>, Vec<u8>);

/// Each action's table and encoded key. A key that does not fit the schema is the action's
/// reason (its target is None); a missing table, a bad key value, one item twice or an
/// update of a key attribute fail the request.
fn targets<'s>(
    state: &'s State,
    actions: &[Action<'_>],
    reasons: &mut [Reason],
) -> Result<Vec<Option<Target<'s>>>> {
    let mut targets = Vec::with_capacity(actions.len());
    let mut seen = BTreeSet::new();
    for (i, act) in actions.iter().enumerate() {
        let t = state
            .table(act.table)
            .ok_or_else(Error::resource_not_found)?;
        let keyed = act.write.keyed();
        let shape = match act.write {
            Write::Put(..) => item_key_shape_error(t, keyed),
            _ => key_shape_error(t, keyed),
        };
        if let Some(e) = shape {
            reasons[i] = Reason::validation(&e);
            targets.push(None);
            continue;
        }
        let (pk, sk) = match act.write {
            Write::Put(..) => key_of_item(t, keyed)?,
            _ => key_of_key(t, keyed, EmptyKeyWording::NotValid)?,
        };
        if !seen.insert((act.table, pk.clone(), sk.clone())) {
            return Err(same_item_twice());
        }
        if let Write::Update(_, u) = &act.write {
            UpdateAction::Expression(u).check_key_untouched(t)?;
        }
        targets.push(Some((t, pk, sk)));
    }
    Ok(targets)
}

/// One action against the current item: what it will write, or the reason it fails
/// (its condition, the update's runtime errors, the size limit, index key types).
fn evaluate(
    state: &State,
    act: &Action<'_>,
    t: &TableMeta,
    pk: Vec<u8>,
    sk: Vec<u8>,
) -> Result<std::result::Result<Planned, Reason>> {
    let old = state.get_item(t, &pk, &sk)?.map(|o| o.0);
    if let Some(cond) = &act.condition {
        if !crate::expr::eval::eval(cond, old.as_ref().unwrap_or(&Item::new())) {
            let item = old.filter(|_| act.return_old_on_failure);
            return Ok(Err(Reason::condition_failed(item)));
        }
    }
    let new = match &act.write {
        Write::Check(_) => return Ok(Ok(Planned::Check)),
        Write::Delete(_) => None,
        Write::Put(item, enc) => {
            if let Err(e) = check_index_keys(t, item) {
                return Ok(Err(Reason::validation(&e)));
            }
            Some(((*item).clone(), enc.clone()))
        }
        Write::Update(key, u) => {
            // A missing item starts as its key.
            let base = old.unwrap_or_else(|| (*key).clone());
            match UpdateAction::Expression(u).apply(t, base) {
                Ok(new) => Some((new.item, new.encoded)),
                Err(e) => return Ok(Err(Reason::validation(&e))),
            }
        }
    };
    Ok(Ok(Planned::Write { pk, sk, new }))
}

/// Writes every planned action in one batch, billed as a transaction.
fn write(
    state: &mut State,
    req: &TransactWriteItemsInput,
    actions: &[Action<'_>],
    planned: Vec<Planned>,
) -> Result<TransactWriteItemsOutput> {
    let mut batch = WriteBatch::new(
        state,
        Billing::Transactional,
        wants_collection_metrics(req.return_item_collection_metrics.as_deref()),
    );
    for (act, p) in actions.iter().zip(planned) {
        match p {
            // A ConditionCheck is charged like a one-unit write.
            Planned::Check => batch.charge(act.table, 1.0),
            Planned::Write {
                pk,
                sk,
                new: Some((item, enc)),
            } => batch.put(act.table, pk, sk, &item, enc)?,
            Planned::Write { pk, sk, new: None } => batch.delete(act.table, pk, sk)?,
        }
    }
    let mut done = batch.commit()?;
    // A transaction lists each table's collections in key order.
    done.collections
        .sort_by(|a, b| (a.table, &a.pk).cmp(&(b.table, &b.pk)));
    let (consumed_capacity, item_collection_metrics) = written(
        state,
        &done,
        req.return_consumed_capacity.as_deref(),
        Split::Write,
    )?;
    Ok(TransactWriteItemsOutput {
        consumed_capacity,
        item_collection_metrics,
    })
}
