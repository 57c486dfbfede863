//! Pieces several item operations share: key extraction, capacity, limits.

use crate::error::{Error, Result};
use crate::model::key::{decode_key_value, encode_key_value, ScalarType};
use crate::model::value::{AttributeValue, Item};
use crate::storage::schema::{KeyAttr, TableMeta};
use crate::storage::write::IndexUnits;
use crate::storage::State;
use crate::types::{Capacity, ConsumedCapacity, ItemCollectionMetrics};
use std::collections::BTreeMap;

/// DynamoDB's item size limit (400 KB); an item of exactly this size is accepted.
pub(crate) const MAX_ITEM_SIZE: usize = 409_600;
const MAX_HASH_KEY: usize = 2048;
const MAX_RANGE_KEY: usize = 1024;

/// Rejects an item over 400 KB.
pub(crate) fn check_item_size(size: usize) -> Result<()> {
    if size > MAX_ITEM_SIZE {
        return Err(Error::validation(
            "Item size has exceeded the maximum allowed size",
        ));
    }
    Ok(())
}

/// Epoch seconds with a fraction, as DynamoDB's timestamps.
pub(crate) fn now() -> f64 {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    (d.as_millis() as f64) / 1000.0
}

/// Which wording a key error uses: PutItem/DeleteItem say "are not valid.", GetItem "were invalid:".
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum EmptyKeyWording {
    NotValid,
    WereInvalid,
}

fn check_key_value(
    a: &KeyAttr,
    v: &AttributeValue,
    wording: EmptyKeyWording,
    is_hash: bool,
) -> Result<Vec<u8>> {
    let empty = match v {
        AttributeValue::S(s) if s.is_empty() => Some("string"),
        AttributeValue::B(b) if b.is_empty() => Some("binary"),
        _ => None,
    };
    if let Some(kind) = empty {
        let prefix = match wording {
            EmptyKeyWording::NotValid => "One or more parameter values are not valid.",
            EmptyKeyWording::WereInvalid => "One or more parameter values were invalid:",
        };
        return Err(Error::validation(format!(
            "{prefix} The AttributeValue for a key attribute cannot contain an empty {kind} value. Key: {}",
            a.name
        )));
    }
    let size = match v {
        AttributeValue::S(s) => s.len(),
        AttributeValue::B(b) => b.len(),
        _ => 0,
    };
    if is_hash && size > MAX_HASH_KEY {
        return Err(Error::invalid_param(
            "Size of hashkey has exceeded the maximum size limit of2048 bytes",
        ));
    }
    if !is_hash && size > MAX_RANGE_KEY {
        return Err(Error::invalid_param(
            "Aggregated size of all range keys has exceeded the size limit of 1024 bytes",
        ));
    }
    encode_key_value(v)
}

/// The error for an item whose key attributes are missing or mistyped, if any. Transactions
/// report it as a cancellation reason, apart from value errors (empty, too long).
pub(crate) fn item_key_shape_error(t: &TableMeta, item: &Item) -> Option<Error> {
    for a in t.key.attrs() {
        let Some(v) = item.get(&a.name) else {
            return Some(Error::invalid_param(format!(
                "Missing the key {} in the item",
                a.name
            )));
        };
        if ScalarType::of(v) != Some(a.ty) {
            return Some(Error::invalid_param(format!(
                "Type mismatch for key {} expected: {} actual: {}",
                a.name,
                a.ty.as_str(),
                v.type_name()
            )));
        }
    }
    None
}

/// The error for a `Key` that does not match the table's key schema, if any.
pub(crate) fn key_shape_error(t: &TableMeta, key: &Item) -> Option<Error> {
    let matches = key.len() == t.key.attrs().count()
        && t.key
            .attrs()
            .all(|a| key.get(&a.name).and_then(ScalarType::of) == Some(a.ty));
    (!matches).then(|| Error::validation("The provided key element does not match the schema"))
}

/// Encodes the key values of an item or key whose shape is checked.
fn encode_key(
    t: &TableMeta,
    values: &Item,
    wording: EmptyKeyWording,
) -> Result<(Vec<u8>, Vec<u8>)> {
    let mut out = (Vec::new(), Vec::new());
    for (i, a) in t.key.attrs().enumerate() {
        let enc = check_key_value(a, &values[&a.name], wording, i == 0)?;
        if i == 0 {
            out.0 = enc;
        } else {
            out.1 = enc;
        }
    }
    Ok(out)
}

/// Encoded (pk, sk) of a full item (PutItem): each key attribute present with its type.
pub(crate) fn key_of_item(t: &TableMeta, item: &Item) -> Result<(Vec<u8>, Vec<u8>)> {
    if let Some(e) = item_key_shape_error(t, item) {
        return Err(e);
    }
    encode_key(t, item, EmptyKeyWording::NotValid)
}

/// Encoded (pk, sk) of a `Key` (GetItem, DeleteItem): exactly the key attributes.
pub(crate) fn key_of_key(
    t: &TableMeta,
    key: &Item,
    wording: EmptyKeyWording,
) -> Result<(Vec<u8>, Vec<u8>)> {
    if let Some(e) = key_shape_error(t, key) {
        return Err(e);
    }
    encode_key(t, key, wording)
}

/// Checks an item's secondary-index key attributes: right type and non-empty where present.
pub(crate) fn check_index_keys(t: &TableMeta, item: &Item) -> Result<()> {
    for ix in &t.indexes {
        for a in ix.key.attrs() {
            let Some(v) = item.get(&a.name) else { continue };
            if ScalarType::of(v) != Some(a.ty) {
                return Err(Error::invalid_param(format!(
                    "Type mismatch for Index Key {} Expected: {} Actual: {} IndexName: {}",
                    a.name,
                    a.ty.as_str(),
                    v.type_name(),
                    ix.name
                )));
            }
            let empty = match v {
                AttributeValue::S(s) if s.is_empty() => Some("string"),
                AttributeValue::B(b) if b.is_empty() => Some("binary"),
                _ => None,
            };
            if let Some(kind) = empty {
                return Err(Error::validation(format!(
                    "One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty {kind} value. IndexName: {}, IndexKey: {}",
                    ix.name, a.name
                )));
            }
        }
    }
    Ok(())
}

/// Read units for an item size: 4 KB units, halved for eventually consistent reads.
pub(crate) fn read_units(size: usize, consistent: bool) -> f64 {
    let units = size.div_ceil(4096).max(1) as f64;
    if consistent {
        units
    } else {
        units / 2.0
    }
}

/// How ConsumedCapacity labels its units: transactions also report them as reads or writes.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Split {
    No,
    Read,
    Write,
}

fn capacity(units: f64, split: Split) -> Capacity {
    Capacity {
        capacity_units: units,
        read_capacity_units: (split == Split::Read).then_some(units),
        write_capacity_units: (split == Split::Write).then_some(units),
    }
}

/// Builds ConsumedCapacity for NONE / TOTAL / INDEXES.
pub(crate) fn consumed(
    mode: Option<&str>,
    table: &str,
    table_units: f64,
    index_units: &[IndexUnits],
) -> Option<ConsumedCapacity> {
    consumed_split(mode, table, table_units, index_units, Split::No)
}

/// [`consumed`], with units labelled as reads or writes.
pub(crate) fn consumed_split(
    mode: Option<&str>,
    table: &str,
    table_units: f64,
    index_units: &[IndexUnits],
    split: Split,
) -> Option<ConsumedCapacity> {
    let total = table_units + index_units.iter().map(|i| i.units).sum::<f64>();
    let whole = capacity(total, split);
    let base = ConsumedCapacity {
        table_name: table.to_string(),
        capacity_units: total,
        read_capacity_units: whole.read_capacity_units,
        write_capacity_units: whole.write_capacity_units,
        ..Default::default()
    };
    match mode {
        Some("TOTAL") => Some(base),
        Some("INDEXES") => {
            let pick = |global: bool| {
                let mut m: BTreeMap<String, Capacity> = BTreeMap::new();
                for i in index_units.iter().filter(|i| i.global == global) {
                    let c = m
                        .entry(i.index.clone())
                        .or_insert_with(|| capacity(0.0, split));
                    *c = capacity(c.capacity_units + i.units, split);
                }
                (!m.is_empty()).then_some(m)
            };
            Some(ConsumedCapacity {
                table: Some(capacity(table_units, split)),
                global_secondary_indexes: pick(true),
                local_secondary_indexes: pick(false),
                ..base
            })
        }
        _ => None,
    }
}

/// The sum of two reports of consumed capacity on the same table.
pub(crate) fn add_capacity(
    a: Option<ConsumedCapacity>,
    b: Option<ConsumedCapacity>,
) -> Option<ConsumedCapacity> {
    let (mut a, b) = match (a, b) {
        (Some(a), Some(b)) => (a, b),
        (a, b) => return a.or(b),
    };
    let sum = |x: &mut Option<f64>, y: Option<f64>| {
        if let Some(y) = y {
            *x = Some(x.unwrap_or(0.0) + y);
        }
    };
    let add = |x: &mut Capacity, y: &Capacity| {
        x.capacity_units += y.capacity_units;
        sum(&mut x.read_capacity_units, y.read_capacity_units);
        sum(&mut x.write_capacity_units, y.write_capacity_units);
    };
    a.capacity_units += b.capacity_units;
    sum(&mut a.read_capacity_units, b.read_capacity_units);
    sum(&mut a.write_capacity_units, b.write_capacity_units);
    if let Some(t) = &b.table {
        add(a.table.get_or_insert_with(Capacity::default), t);
    }
    for (mine, theirs) in [
        (&mut a.global_secondary_indexes, &b.global_secondary_indexes),
        (&mut a.local_secondary_indexes, &b.local_secondary_indexes),
    ] {
        for (name, c) in theirs.iter().flatten() {
            add(
                mine.get_or_insert_with(Default::default)
                    .entry(name.clone())
                    .or_default(),
                c,
            );
        }
    }
    Some(a)
}

/// ConsumedCapacity of a Query or Scan: reading an index charges the index, not the table.
pub(crate) fn read_capacity(
    mode: Option<&str>,
    t: &TableMeta,
    index: Option<&crate::storage::schema::IndexMeta>,
    units: f64,
) -> Option<ConsumedCapacity> {
    match index {
        None => consumed(mode, &t.desc.table_name, units, &[]),
        Some(ix) => consumed(
            mode,
            &t.desc.table_name,
            0.0,
            &[IndexUnits {
                index: ix.name.clone(),
                global: ix.global,
                units,
            }],
        ),
    }
}

/// ItemCollectionMetrics of every collection a multi-item write touched, per table; only
/// tables with an LSI appear. Called before the commit, so that nothing fails after it.
pub(crate) fn written_collections<'a>(
    state: &State,
    written: impl IntoIterator<Item = (&'a str, &'a [u8])>,
) -> Result<BTreeMap<String, Vec<ItemCollectionMetrics>>> {
    let mut seen = std::collections::BTreeSet::new();
    let mut out: BTreeMap<String, Vec<ItemCollectionMetrics>> = BTreeMap::new();
    for (table, pk) in written {
        if !seen.insert((table, pk)) {
            continue;
        }
        let t = state.table(table).ok_or_else(Error::resource_not_found)?;
        if let Some(m) = collection_metrics(state, t, pk)? {
            out.entry(table.to_string()).or_default().push(m);
        }
    }
    Ok(out)
}

/// ItemCollectionMetrics for the collection at `pk`: DynamoDB reports them for tables with a
/// local secondary index only.
pub(crate) fn collection_metrics(
    state: &State,
    t: &TableMeta,
    pk: &[u8],
) -> Result<Option<ItemCollectionMetrics>> {
    if !t.indexes.iter().any(|ix| !ix.global) {
        return Ok(None);
    }
    let value = decode_key_value(t.key.hash.ty, pk)
        .ok_or_else(|| Error::internal("stored partition key does not decode"))?;
    let gb = state.collection_bytes(t, pk)? as f64 / f64::from(1u32 << 30);
    let low = gb.floor();
    Ok(Some(ItemCollectionMetrics {
        item_collection_key: [(t.key.hash.name.clone(), value)].into(),
        size_estimate_range_gb: vec![low, low + 1.0],
    }))
}
