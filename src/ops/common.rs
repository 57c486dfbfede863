//! Pieces several item operations share: key extraction, capacity, limits.

use crate::error::{Error, Result};
use crate::model::key::{encode_key_value, ScalarType};
use crate::model::value::{AttributeValue, Item};
use crate::storage::schema::{KeyAttr, TableMeta};
use crate::storage::write::IndexWrite;
use crate::types::{Capacity, ConsumedCapacity};
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

/// Encoded (pk, sk) of a full item (PutItem): each key attribute present with its type.
pub(crate) fn key_of_item(t: &TableMeta, item: &Item) -> Result<(Vec<u8>, Vec<u8>)> {
    let mut out = (Vec::new(), Vec::new());
    for (i, a) in t.key.attrs().enumerate() {
        let v = item.get(&a.name).ok_or_else(|| {
            Error::invalid_param(format!("Missing the key {} in the item", a.name))
        })?;
        if ScalarType::of(v) != Some(a.ty) {
            return Err(Error::invalid_param(format!(
                "Type mismatch for key {} expected: {} actual: {}",
                a.name,
                a.ty.as_str(),
                v.type_name()
            )));
        }
        let enc = check_key_value(a, v, EmptyKeyWording::NotValid, i == 0)?;
        if i == 0 {
            out.0 = enc;
        } else {
            out.1 = enc;
        }
    }
    Ok(out)
}

/// Encoded (pk, sk) of a `Key` (GetItem, DeleteItem): exactly the key attributes.
pub(crate) fn key_of_key(
    t: &TableMeta,
    key: &Item,
    wording: EmptyKeyWording,
) -> Result<(Vec<u8>, Vec<u8>)> {
    let mismatch = || Error::validation("The provided key element does not match the schema");
    if key.len() != t.key.attrs().count() {
        return Err(mismatch());
    }
    for a in t.key.attrs() {
        match key.get(&a.name) {
            Some(v) if ScalarType::of(v) == Some(a.ty) => {}
            _ => return Err(mismatch()),
        }
    }
    let mut out = (Vec::new(), Vec::new());
    for (i, a) in t.key.attrs().enumerate() {
        let enc = check_key_value(a, &key[&a.name], wording, i == 0)?;
        if i == 0 {
            out.0 = enc;
        } else {
            out.1 = enc;
        }
    }
    Ok(out)
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

/// Builds ConsumedCapacity for NONE / TOTAL / INDEXES.
pub(crate) fn consumed(
    mode: Option<&str>,
    table: &str,
    table_units: f64,
    index_units: &[IndexWrite],
) -> Option<ConsumedCapacity> {
    let total = table_units + index_units.iter().map(|i| i.units).sum::<f64>();
    match mode {
        Some("TOTAL") => Some(ConsumedCapacity {
            table_name: table.to_string(),
            capacity_units: total,
            ..Default::default()
        }),
        Some("INDEXES") => {
            let pick = |global: bool| {
                let m: BTreeMap<String, Capacity> = index_units
                    .iter()
                    .filter(|i| i.global == global)
                    .map(|i| {
                        (
                            i.index.clone(),
                            Capacity {
                                capacity_units: i.units,
                            },
                        )
                    })
                    .collect();
                (!m.is_empty()).then_some(m)
            };
            Some(ConsumedCapacity {
                table_name: table.to_string(),
                capacity_units: total,
                table: Some(Capacity {
                    capacity_units: table_units,
                }),
                global_secondary_indexes: pick(true),
                local_secondary_indexes: pick(false),
            })
        }
        _ => None,
    }
}

/// Refuses a request member Dynoxide does not implement yet, rather than ignore it: ignoring
/// `Expected` would turn a conditional write into an unconditional one.
pub(crate) fn refuse_unsupported(members: &[(&str, bool)]) -> Result<()> {
    match members.iter().find(|(_, present)| *present) {
        Some((name, _)) => Err(Error::validation(format!(
            "Dynoxide does not support the {name} parameter yet"
        ))),
        None => Ok(()),
    }
}
