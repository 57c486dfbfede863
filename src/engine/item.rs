//! An item against its table's schema: key extraction and encoding, key and index-key
//! checks, and the item size limit, with DynamoDB's messages.

use crate::error::{Error, Result};
use crate::model::key::{encode_key_value, ScalarType};
use crate::model::value::{AttributeValue, Item};
use crate::storage::schema::{KeyAttr, TableMeta};

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

/// The key attributes of an item or key and their values, hash first.
type KeyValues<'t, 'i> = [Option<(&'t KeyAttr, &'i AttributeValue)>; 2];

/// An item's key attributes with their values, or the error for one that is missing or
/// mistyped. Transactions report that error as a cancellation reason, apart from value
/// errors (empty, too long).
fn item_key_values<'t, 'i>(t: &'t TableMeta, item: &'i Item) -> Result<KeyValues<'t, 'i>> {
    let mut out = [None, None];
    for (slot, a) in out.iter_mut().zip(t.key.attrs()) {
        let Some(v) = item.get(&a.name) else {
            return Err(Error::invalid_param(format!(
                "Missing the key {} in the item",
                a.name
            )));
        };
        if ScalarType::of(v) != Some(a.ty) {
            return Err(Error::invalid_param(format!(
                "Type mismatch for key {} expected: {} actual: {}",
                a.name,
                a.ty.as_str(),
                v.type_name()
            )));
        }
        *slot = Some((a, v));
    }
    Ok(out)
}

/// The error for an item whose key attributes are missing or mistyped, if any.
pub(crate) fn item_key_shape_error(t: &TableMeta, item: &Item) -> Option<Error> {
    item_key_values(t, item).err()
}

/// A `Key`'s values: exactly the key attributes, each of its type; None otherwise.
fn key_values<'t, 'i>(t: &'t TableMeta, key: &'i Item) -> Option<KeyValues<'t, 'i>> {
    if key.len() != t.key.attrs().count() {
        return None;
    }
    let mut out = [None, None];
    for (slot, a) in out.iter_mut().zip(t.key.attrs()) {
        let v = key.get(&a.name)?;
        if ScalarType::of(v) != Some(a.ty) {
            return None;
        }
        *slot = Some((a, v));
    }
    Some(out)
}

/// The error for a `Key` that does not match the table's key schema, if any.
pub(crate) fn key_shape_error(t: &TableMeta, key: &Item) -> Option<Error> {
    key_values(t, key).is_none().then(key_mismatch)
}

fn key_mismatch() -> Error {
    Error::validation("The provided key element does not match the schema")
}

/// Encodes key values whose shape is checked: (pk, sk), sk empty for a hash-only key.
fn encode_key(values: KeyValues<'_, '_>, wording: EmptyKeyWording) -> Result<(Vec<u8>, Vec<u8>)> {
    let [hash, range] = values;
    let pk = match hash {
        Some((a, v)) => check_key_value(a, v, wording, true)?,
        None => Vec::new(),
    };
    let sk = match range {
        Some((a, v)) => check_key_value(a, v, wording, false)?,
        None => Vec::new(),
    };
    Ok((pk, sk))
}

/// Encoded (pk, sk) of a full item (PutItem): each key attribute present with its type.
pub(crate) fn key_of_item(t: &TableMeta, item: &Item) -> Result<(Vec<u8>, Vec<u8>)> {
    encode_key(item_key_values(t, item)?, EmptyKeyWording::NotValid)
}

/// Encoded (pk, sk) of a `Key` (GetItem, DeleteItem): exactly the key attributes.
pub(crate) fn key_of_key(
    t: &TableMeta,
    key: &Item,
    wording: EmptyKeyWording,
) -> Result<(Vec<u8>, Vec<u8>)> {
    encode_key(key_values(t, key).ok_or_else(key_mismatch)?, wording)
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
