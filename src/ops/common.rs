//! Pieces several item operations share: key extraction, capacity, limits.

use crate::error::{Error, Result};
use crate::model::key::decode_key_value;
use crate::storage::write::{Charge, Collection, Committed};
use crate::storage::State;
use crate::types::{ConsumedCapacity, ItemCollectionMetrics, ReturnCollectionMetrics};
use std::collections::BTreeMap;

pub(crate) use crate::engine::capacity::{
    add_capacity, consumed, consumed_split, read_units, ReturnCapacity, Split,
};
pub(crate) use crate::engine::item::{
    check_index_keys, check_item_size, item_key_shape_error, key_of_item, key_of_key,
    key_shape_error, EmptyKeyWording,
};

/// ReturnItemCollectionMetrics is SIZE.
pub(crate) fn wants_collection_metrics(member: Option<&str>) -> bool {
    ReturnCollectionMetrics::from_member(member) == Some(ReturnCollectionMetrics::Size)
}

/// What a committed multi-item write returns: ConsumedCapacity per table (when asked for)
/// and ItemCollectionMetrics per table (when measured), each None when empty.
pub(crate) type Written = (
    Option<Vec<ConsumedCapacity>>,
    Option<BTreeMap<String, Vec<ItemCollectionMetrics>>>,
);

/// [`Written`] of a committed batch.
pub(crate) fn written(
    state: &State,
    done: &Committed,
    return_consumed_capacity: Option<&str>,
    split: Split,
) -> Result<Written> {
    let capacity = write_capacity(
        ReturnCapacity::parse(return_consumed_capacity),
        done.charges(),
        split,
    );
    let metrics = collection_metrics(state, &done.collections)?;
    Ok((
        (!capacity.is_empty()).then_some(capacity),
        (!metrics.is_empty()).then_some(metrics),
    ))
}

/// ConsumedCapacity of a committed write batch: one entry per table, in name order.
pub(crate) fn write_capacity<'a>(
    mode: ReturnCapacity,
    charges: impl Iterator<Item = Charge<'a>>,
    split: Split,
) -> Vec<ConsumedCapacity> {
    charges
        .filter_map(|c| consumed_split(mode, c.table, c.units, c.indexes, split))
        .collect()
}

/// ItemCollectionMetrics of the collections a write batch measured, per table: DynamoDB
/// reports them for tables with a local secondary index only.
pub(crate) fn collection_metrics(
    state: &State,
    measured: &[Collection],
) -> Result<BTreeMap<String, Vec<ItemCollectionMetrics>>> {
    let mut out: BTreeMap<String, Vec<ItemCollectionMetrics>> = BTreeMap::new();
    for c in measured {
        let t = state.table(c.table).ok_or_else(Error::resource_not_found)?;
        let value = decode_key_value(t.key.hash.ty, &c.pk)
            .ok_or_else(|| Error::internal("stored partition key does not decode"))?;
        let low = (c.bytes as f64 / f64::from(1u32 << 30)).floor();
        out.entry(c.table.to_string())
            .or_default()
            .push(ItemCollectionMetrics {
                item_collection_key: [(t.key.hash.name.clone(), value)].into(),
                size_estimate_range_gb: vec![low, low + 1.0],
            });
    }
    Ok(out)
}
