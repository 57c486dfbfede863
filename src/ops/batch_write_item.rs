//! BatchWriteItem: up to 25 puts and deletes across tables. Every request is validated
//! before anything is written, then all of them are written in one SQLite transaction.

use super::batch_get_item::DUPLICATE_KEYS;
use super::common::{
    check_index_keys, check_item_size, key_of_item, key_of_key, wants_collection_metrics, written,
    EmptyKeyWording, Split,
};
use crate::engine::handle::Engine;
use crate::error::{Error, Result};
use crate::model::codec::{check_value, encode_item, EncodedItem};
use crate::model::value::Item;
use crate::storage::write::{Billing, WriteBatch};
use crate::types::{BatchWriteItemInput, BatchWriteItemOutput, WriteRequest};
use crate::validate::{enums, present, Constraints};
use std::collections::{BTreeMap, BTreeSet};

const MAX_WRITES: usize = 25;

/// How DynamoDB echoes the RequestItems map in a constraint message (a Java map's text; the
/// lists are shown as JSON here).
fn shown(items: &BTreeMap<String, Vec<WriteRequest>>) -> String {
    let parts: Vec<String> = items
        .iter()
        .map(|(t, reqs)| format!("{t}={}", serde_json::to_string(reqs).unwrap_or_default()))
        .collect();
    format!("{{{}}}", parts.join(", "))
}

fn check_shape(req: &BatchWriteItemInput) -> Result<&BTreeMap<String, Vec<WriteRequest>>> {
    let mut c = Constraints::default();
    if let Some(items) = c.not_null("requestItems", &req.request_items) {
        let shown = shown(items);
        c.table_name_keys("requestItems", &shown, items.keys());
        if items.values().any(|r| r.is_empty() || r.len() > MAX_WRITES) {
            c.fail(
                Some(&shown),
                "requestItems",
                "Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]",
            );
        }
        for (table, reqs) in items {
            for (i, r) in reqs.iter().enumerate() {
                let path = format!("requestItems.{table}.member.{}.member", i + 1);
                if let Some(p) = &r.put_request {
                    c.not_null(&format!("{path}.putRequest.item"), &p.item);
                }
                if let Some(d) = &r.delete_request {
                    c.not_null(&format!("{path}.deleteRequest.key"), &d.key);
                }
            }
        }
    }
    c.return_consumed_capacity(req.return_consumed_capacity.as_deref());
    c.one_of(
        "returnItemCollectionMetrics",
        req.return_item_collection_metrics.as_deref(),
        enums::RETURN_ITEM_COLLECTION_METRICS,
    );
    c.finish()?;
    let items = present(&req.request_items, "requestItems")?;
    if items.is_empty() {
        return Err(Error::validation(
            "The requestItems parameter is required for BatchWriteItem",
        ));
    }
    Ok(items)
}

/// One write, checked: a put's item with its encoding, or a delete's key.
enum Write<'a> {
    Put(&'a Item, EncodedItem),
    Delete(&'a Item),
}

pub(crate) fn run(db: &Engine, req: BatchWriteItemInput) -> Result<BatchWriteItemOutput> {
    let items = check_shape(&req)?;
    let mut tables: Vec<(&str, Vec<Write<'_>>)> = Vec::with_capacity(items.len());
    let mut total = 0;
    for (name, reqs) in items {
        let mut writes = Vec::with_capacity(reqs.len());
        for r in reqs {
            writes.push(match (&r.put_request, &r.delete_request) {
                (Some(p), None) => {
                    let item = present(&p.item, "putRequest.item")?;
                    let enc = encode_item(item)?;
                    check_item_size(enc.size)?;
                    Write::Put(item, enc)
                }
                (None, Some(d)) => {
                    let key = present(&d.key, "deleteRequest.key")?;
                    for v in key.values() {
                        check_value(v)?;
                    }
                    Write::Delete(key)
                }
                // DynamoDB words this case like an AttributeValue with two types.
                _ => {
                    return Err(Error::validation(
                        "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes",
                    ))
                }
            });
        }
        total += writes.len();
        tables.push((name, writes));
    }
    if total > MAX_WRITES {
        return Err(Error::validation(
            "Too many items requested for the BatchWriteItem call",
        ));
    }

    let mut state = db.lock();
    // Keys against each table's schema, and no key twice within a table.
    let mut keyed = Vec::with_capacity(tables.len());
    for (name, writes) in &tables {
        let t = state.table(name).ok_or_else(Error::resource_not_found)?;
        let mut seen = BTreeSet::new();
        let mut keys = Vec::with_capacity(writes.len());
        for w in writes {
            let key = match w {
                Write::Put(item, _) => {
                    let k = key_of_item(t, item)?;
                    check_index_keys(t, item)?;
                    k
                }
                Write::Delete(key) => key_of_key(t, key, EmptyKeyWording::NotValid)?,
            };
            if !seen.insert(key.clone()) {
                return Err(Error::validation(DUPLICATE_KEYS));
            }
            keys.push(key);
        }
        keyed.push(keys);
    }

    let mut batch = WriteBatch::new(
        &mut state,
        Billing::Standard,
        wants_collection_metrics(req.return_item_collection_metrics.as_deref()),
    );
    for ((name, writes), keys) in tables.into_iter().zip(keyed) {
        for (w, (pk, sk)) in writes.into_iter().zip(keys) {
            match w {
                Write::Put(item, enc) => batch.put(name, pk, sk, item, enc)?,
                Write::Delete(_) => batch.delete(name, pk, sk)?,
            }
        }
    }
    let done = batch.commit()?;
    let (consumed_capacity, item_collection_metrics) = written(
        &state,
        &done,
        req.return_consumed_capacity.as_deref(),
        Split::No,
    )?;
    Ok(BatchWriteItemOutput {
        consumed_capacity,
        item_collection_metrics,
        ..Default::default()
    })
}
