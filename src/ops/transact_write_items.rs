//! TransactWriteItems: up to 100 Put, Update, Delete and ConditionCheck actions, all or
//! nothing. Every action is checked and every condition evaluated first (DynamoDB reports a
//! reason for each action); only if all pass are the writes made, in one SQLite transaction,
//! under the one lock, so no reader sees part of it.

use super::common::{
    check_index_keys, check_item_size, consumed_split, item_key_shape_error, key_of_item,
    key_of_key, key_shape_error, written_collections, EmptyKeyWording, Split, MAX_ITEM_SIZE,
};
use super::transact::{canceled, same_item_twice, Reason, MAX_ACTIONS};
use crate::db::Database;
use crate::error::{Error, Result};
use crate::expr::ir::Cond;
use crate::expr::{
    check_placeholders_used_with_expressions, parse_condition, update, ExprKind, Placeholders,
};
use crate::model::codec::{check_value, encode_item, EncodedItem};
use crate::model::value::Item;
use crate::storage::schema::TableMeta;
use crate::storage::write::{write_item, write_units, Delta, IndexUnits};
use crate::storage::Txn;
use crate::types::{TransactAction, TransactWriteItemsInput, TransactWriteItemsOutput};
use crate::validate::{enums, Constraints};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};

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

/// One action, checked and parsed.
struct Action<'a> {
    kind: Kind,
    a: &'a TransactAction,
    condition: Option<Cond>,
    update: Option<update::Update>,
    /// A Put's item, encoded.
    encoded: Option<EncodedItem>,
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

/// Expressions and values of one action: everything that needs no table.
fn parse_action(kind: Kind, a: &TransactAction) -> Result<Action<'_>> {
    let (names, values) = (
        a.expression_attribute_names.as_ref(),
        a.expression_attribute_values.as_ref(),
    );
    let any = a.condition_expression.is_some() || a.update_expression.is_some();
    check_placeholders_used_with_expressions(names, values, any, any)?;
    let mut ph = Placeholders::new(names, values)?;
    // Update first, then condition, as UpdateItem parses them.
    let update = match (kind, &a.update_expression) {
        (Kind::Update, Some(text)) => Some(update::parse(text, &mut ph)?),
        _ => None,
    };
    let condition = a
        .condition_expression
        .as_deref()
        .map(|text| parse_condition(ExprKind::Condition, text, &mut ph))
        .transpose()?;
    ph.check_unused()?;
    let encoded = match kind {
        Kind::Put => {
            let enc = encode_item(a.item.as_ref().expect("checked not null"))?;
            check_item_size(enc.size)?;
            Some(enc)
        }
        _ => {
            for v in a.key.as_ref().expect("checked not null").values() {
                check_value(v)?;
            }
            None
        }
    };
    Ok(Action {
        kind,
        a,
        condition,
        update,
        encoded,
    })
}

/// What the transaction wrote to one table: counters, units, index writes, partitions.
#[derive(Default)]
struct TableWrites {
    delta: Delta,
    units: f64,
    index_writes: Vec<IndexUnits>,
    pks: BTreeSet<Vec<u8>>,
}

/// What one passing action will write.
enum Planned<'t> {
    Check,
    Write {
        t: &'t TableMeta,
        pk: Vec<u8>,
        sk: Vec<u8>,
        new: Option<(Item, EncodedItem)>,
        old_size: usize,
    },
}

pub(crate) fn run(db: &Database, req: TransactWriteItemsInput) -> Result<TransactWriteItemsOutput> {
    check_shape(&req)?;
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
        .filter_map(|a| a.encoded.as_ref().map(|e| e.size))
        .sum();
    if aggregate > MAX_AGGREGATE_BYTES {
        return Err(Error::validation(
            "Transaction request exceeds the maximum aggregate size of 4 MB",
        ));
    }

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

    // Tables, keys and targets: schema errors become reasons, the rest fail the request.
    let mut reasons = vec![Reason::none(); actions.len()];
    let mut keys = Vec::with_capacity(actions.len());
    let mut seen = BTreeSet::new();
    for (i, act) in actions.iter().enumerate() {
        let name = act.a.table_name.as_deref().expect("checked not null");
        let t = state.table(name).ok_or_else(Error::resource_not_found)?;
        let shape = match act.kind {
            Kind::Put => item_key_shape_error(t, act.a.item.as_ref().expect("checked")),
            _ => key_shape_error(t, act.a.key.as_ref().expect("checked")),
        };
        if let Some(e) = shape {
            reasons[i] = Reason::validation(&e);
            keys.push(None);
            continue;
        }
        let (pk, sk) = match act.kind {
            Kind::Put => key_of_item(t, act.a.item.as_ref().expect("checked"))?,
            _ => key_of_key(
                t,
                act.a.key.as_ref().expect("checked"),
                EmptyKeyWording::NotValid,
            )?,
        };
        if !seen.insert((name, pk.clone(), sk.clone())) {
            return Err(same_item_twice());
        }
        if let Some(u) = &act.update {
            let names: Vec<&str> = t.key.attrs().map(|a| a.name.as_str()).collect();
            if let Some(k) = update::key_attribute_touched(u, &names) {
                return Err(Error::invalid_param(format!(
                    "Cannot update attribute {k}. This attribute is part of the key"
                )));
            }
        }
        keys.push(Some((t, pk, sk)));
    }

    // Evaluate every action against the current items; nothing is written yet.
    let mut planned = Vec::with_capacity(actions.len());
    for (i, (act, key)) in actions.iter().zip(keys).enumerate() {
        let Some((t, pk, sk)) = key else {
            planned.push(Planned::Check);
            continue;
        };
        let old = state.get_item(t, &pk, &sk)?;
        let old_size = old.as_ref().map_or(0, |o| o.1);
        let old = old.map(|o| o.0);
        if let Some(cond) = &act.condition {
            if !crate::expr::eval::eval(cond, old.as_ref().unwrap_or(&Item::new())) {
                let all_old =
                    act.a.return_values_on_condition_check_failure.as_deref() == Some("ALL_OLD");
                reasons[i] = Reason::condition_failed(old.filter(|_| all_old));
                planned.push(Planned::Check);
                continue;
            }
        }
        let new = match act.kind {
            Kind::ConditionCheck => {
                planned.push(Planned::Check);
                continue;
            }
            Kind::Delete => None,
            Kind::Put => {
                let item = act.a.item.as_ref().expect("checked").clone();
                Some((item, act.encoded.clone().expect("encoded for puts")))
            }
            Kind::Update => {
                let base = old
                    .clone()
                    .unwrap_or_else(|| act.a.key.clone().expect("checked"));
                let u = act.update.as_ref().expect("parsed for every Update");
                let updated = update::apply(u, &base);
                let checked = updated.and_then(|item| {
                    let enc = encode_item(&item)?;
                    if enc.size > MAX_ITEM_SIZE {
                        return Err(Error::validation(
                            "Item size to update has exceeded the maximum allowed size",
                        ));
                    }
                    Ok((item, enc))
                });
                match checked {
                    Ok(new) => Some(new),
                    Err(e) => {
                        reasons[i] = Reason::validation(&e);
                        planned.push(Planned::Check);
                        continue;
                    }
                }
            }
        };
        if let Some((item, _)) = &new {
            if let Err(e) = check_index_keys(t, item) {
                reasons[i] = Reason::validation(&e);
                planned.push(Planned::Check);
                continue;
            }
        }
        planned.push(Planned::Write {
            t,
            pk,
            sk,
            new,
            old_size,
        });
    }
    if reasons.iter().any(Reason::failed) {
        return Err(canceled(&reasons));
    }

    // All passed: write everything in one transaction. Units are twice a plain write's.
    let tx = Txn::begin(&state.conn)?;
    let mut per_table: BTreeMap<String, TableWrites> = BTreeMap::new();
    for (act, p) in actions.iter().zip(&planned) {
        let name = act.a.table_name.clone().expect("checked");
        let entry = per_table.entry(name).or_default();
        match p {
            Planned::Check => {
                // A ConditionCheck is charged two write units, as DynamoDB bills it.
                entry.units += 2.0;
            }
            Planned::Write {
                t,
                pk,
                sk,
                new,
                old_size,
            } => {
                let out = write_item(
                    &tx,
                    t,
                    pk,
                    sk,
                    new.as_ref().map(|(i, e)| (i, e)),
                    &mut entry.delta,
                )?;
                let new_size = new.as_ref().map_or(0, |(_, e)| e.size);
                entry.units += 2.0 * write_units((*old_size).max(new_size));
                entry
                    .index_writes
                    .extend(out.index_writes.into_iter().map(|mut w| {
                        w.units *= 2.0;
                        w
                    }));
                entry.pks.insert(pk.clone());
            }
        }
    }
    // All that can fail happens before the commit; after it only the counters change.
    let metrics = match req.return_item_collection_metrics.as_deref() {
        Some("SIZE") => written_collections(
            &state,
            per_table
                .iter()
                .flat_map(|(name, w)| w.pks.iter().map(move |pk| (name.as_str(), pk.as_slice()))),
        )?,
        _ => BTreeMap::new(),
    };
    tx.commit()?;
    drop(planned);

    let mut capacity = Vec::new();
    for (name, w) in per_table {
        w.delta
            .apply(state.tables.get_mut(&name).expect("looked up above"));
        capacity.extend(consumed_split(
            req.return_consumed_capacity.as_deref(),
            &name,
            w.units,
            &w.index_writes,
            Split::Write,
        ));
    }
    let out = TransactWriteItemsOutput {
        consumed_capacity: (!capacity.is_empty()).then_some(capacity),
        item_collection_metrics: (!metrics.is_empty()).then_some(metrics),
    };
    if let (Some(token), Some(d)) = (&req.client_request_token, digest) {
        db.tokens().remember(token, d, out.clone());
    }
    Ok(out)
}
