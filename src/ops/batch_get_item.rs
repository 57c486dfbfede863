//! BatchGetItem: up to 100 keys across tables, all read under one lock (one snapshot); the
//! rest of a response past 16 MB comes back in UnprocessedKeys, in the request's shape.

use super::common::{consumed, key_of_key, read_units, EmptyKeyWording};
use crate::engine::capacity::ReturnCapacity;
use crate::engine::handle::Engine;
use crate::engine::page::PageItem;
use crate::engine::plan::KeyRead;
use crate::error::{Error, Result};
use crate::expr::ir::Path;
use crate::expr::{check_placeholders_used_with_expressions, legacy, projection};
use crate::model::codec::check_value;
use crate::model::value::Item;
use crate::types::{BatchGetItemInput, BatchGetItemOutput, KeysAndAttributes};
use crate::validate::{constrain_attributes_to_get, present, Constraints};
use std::collections::BTreeMap;

const MAX_KEYS: usize = 100;
/// DynamoDB returns at most this much per call.
const MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

/// The message of the two ways one list of keys can repeat a key.
pub(crate) const DUPLICATE_KEYS: &str = "Provided list of item keys contains duplicates";

/// The request-shape checks: RequestItems present, non-empty, table-name keys, 1 to 100 keys
/// per table, AttributesToGet lengths, ReturnConsumedCapacity.
fn check_shape(req: &BatchGetItemInput) -> Result<&BTreeMap<String, KeysAndAttributes>> {
    let mut c = Constraints::default();
    if let Some(items) = c.not_null("requestItems", &req.request_items) {
        let shown = serde_json::to_string(items).unwrap_or_default();
        c.table_name_keys("requestItems", &shown, items.keys());
        if items.is_empty() {
            c.length("requestItems", &shown, 0, 1, usize::MAX);
        }
        for (table, ka) in items {
            let path = format!("requestItems.{table}.member.keys");
            if let Some(keys) = c.not_null(&path, &ka.keys) {
                let shown = serde_json::to_string(keys).unwrap_or_default();
                c.length(&path, &shown, keys.len(), 1, MAX_KEYS);
            }
            constrain_attributes_to_get(
                &mut c,
                &format!("requestItems.{table}.member.attributesToGet"),
                ka.attributes_to_get.as_deref(),
            );
        }
    }
    c.return_consumed_capacity(req.return_consumed_capacity.as_deref());
    c.finish()?;
    present(&req.request_items, "requestItems")
}

/// One table's part of the request, checked.
struct TableRead<'a> {
    name: &'a str,
    ka: &'a KeysAndAttributes,
    /// The keys to read, in request order.
    keys: &'a [Item],
    projection: Option<Vec<Path>>,
}

pub(crate) fn run(db: &Engine, req: BatchGetItemInput) -> Result<BatchGetItemOutput> {
    let out = read(db, &req, false)?;
    let mut responses = BTreeMap::new();
    for (name, items) in out.responses {
        let items = items
            .into_iter()
            .map(PageItem::into_item)
            .collect::<Result<_>>()?;
        responses.insert(name, items);
    }
    Ok(BatchGetItemOutput {
        responses,
        unprocessed_keys: out.unprocessed_keys,
        consumed_capacity: out.consumed_capacity,
    })
}

/// Runs a BatchGetItem on a raw JSON body into the raw JSON response (the HTTP path):
/// unprojected items go from their stored bytes to JSON without being decoded.
pub(crate) fn run_wire(db: &Engine, body: &[u8]) -> Result<Vec<u8>> {
    let req: BatchGetItemInput = crate::wire::from_slice(body)?;
    crate::wire::to_vec(&read(db, &req, true)?)
}

/// BatchGetItem's response, with items possibly still in the stored format.
#[derive(serde::Serialize)]
#[serde(rename_all = "PascalCase")]
struct Found {
    responses: BTreeMap<String, Vec<PageItem>>,
    unprocessed_keys: BTreeMap<String, KeysAndAttributes>,
    #[serde(skip_serializing_if = "Option::is_none")]
    consumed_capacity: Option<Vec<crate::types::ConsumedCapacity>>,
}

/// Reads every key; `stored` keeps unprojected items in the stored format.
fn read(db: &Engine, req: &BatchGetItemInput, stored: bool) -> Result<Found> {
    let items = check_shape(req)?;
    let mut reads = Vec::with_capacity(items.len());
    let mut total = 0;
    for (name, ka) in items {
        legacy::check_mixing(
            &[("AttributesToGet", ka.attributes_to_get.is_some())],
            &[("ProjectionExpression", ka.projection_expression.is_some())],
        )?;
        check_placeholders_used_with_expressions(
            ka.expression_attribute_names.as_ref(),
            None,
            ka.projection_expression.is_some(),
            false,
        )?;
        let projection = projection::read_projection(
            ka.projection_expression.as_deref(),
            ka.expression_attribute_names.as_ref(),
            ka.attributes_to_get.as_deref(),
        )?;
        let keys = ka.keys.as_deref().unwrap_or_default();
        for key in keys {
            for v in key.values() {
                check_value(v)?;
            }
        }
        // Compared as given, before the table (and its key schema) is looked up.
        for (i, key) in keys.iter().enumerate() {
            if keys[..i].contains(key) {
                return Err(Error::validation(DUPLICATE_KEYS));
            }
        }
        total += keys.len();
        reads.push(TableRead {
            name,
            ka,
            keys,
            projection,
        });
    }
    if total > MAX_KEYS {
        return Err(Error::validation(
            "Too many items requested for the BatchGetItem call",
        ));
    }

    let guard = db.read()?;
    let state = guard.view();
    let mut encoded = Vec::with_capacity(reads.len());
    for r in &reads {
        let t = state.table(r.name).ok_or_else(Error::resource_not_found)?;
        let enc = r
            .keys
            .iter()
            .map(|k| key_of_key(t, k, EmptyKeyWording::NotValid))
            .collect::<Result<Vec<_>>>()?;
        // Keys that differ only in spelling (`1` and `1.0`) are the same item.
        let mut seen = std::collections::BTreeSet::new();
        if !enc.iter().all(|k| seen.insert(k)) {
            return Err(Error::validation(DUPLICATE_KEYS));
        }
        encoded.push((t, enc));
    }

    let mut out = Found {
        responses: BTreeMap::new(),
        unprocessed_keys: BTreeMap::new(),
        consumed_capacity: None,
    };
    let mut capacity = Vec::new();
    let mut bytes = 0usize;
    for (r, (t, keys)) in reads.iter().zip(encoded) {
        let consistent = r.ka.consistent_read.unwrap_or(false);
        let mut found: Vec<PageItem> = Vec::new();
        let mut units = 0.0;
        let mut unprocessed: Vec<Item> = Vec::new();
        for (i, (pk, sk)) in keys.iter().enumerate() {
            if !unprocessed.is_empty() {
                unprocessed.push(r.keys[i].clone());
                continue;
            }
            let plan = KeyRead {
                t,
                pk,
                sk,
                projection: r.projection.as_deref(),
            };
            let (got, size) = plan.execute(&state, stored)?;
            if bytes + size > MAX_RESPONSE_BYTES {
                unprocessed.push(r.keys[i].clone());
                continue;
            }
            bytes += size;
            // Every key is charged, found or not.
            units += read_units(size, consistent);
            found.extend(got);
        }
        if !unprocessed.is_empty() {
            out.unprocessed_keys.insert(
                r.name.to_string(),
                KeysAndAttributes {
                    keys: Some(unprocessed),
                    ..r.ka.clone()
                },
            );
        }
        out.responses.insert(r.name.to_string(), found);
        capacity.extend(consumed(
            ReturnCapacity::parse(req.return_consumed_capacity.as_deref()),
            r.name,
            units,
            &[],
        ));
    }
    if req.return_consumed_capacity.is_some() && !capacity.is_empty() {
        out.consumed_capacity = Some(capacity);
    }
    Ok(out)
}
