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
