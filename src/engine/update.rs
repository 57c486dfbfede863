//! The one update evaluator: UpdateItem, TransactWriteItems' Update and PartiQL UPDATE turn
//! an item (or its key) into the updated item here, with DynamoDB's errors for updating a key,
//! the update's own runtime errors, the size limit and the index key types.

use super::item::{check_index_keys, MAX_ITEM_SIZE};
use crate::error::{Error, Result};
use crate::expr::ir::Path;
use crate::expr::{legacy, projection, update::Update};
use crate::model::codec::{encode_item, EncodedItem};
use crate::model::value::Item;
use crate::storage::schema::TableMeta;
use crate::types::{AttributeValueUpdate, Conditions, ReturnValues};

/// What an update does to an item.
#[derive(Clone, Copy)]
pub(crate) enum UpdateAction<'a> {
    /// An UpdateExpression (PartiQL's SET and REMOVE become one too).
    Expression(&'a Update),
    /// The legacy AttributeUpdates.
    Legacy(&'a Conditions<AttributeValueUpdate>),
    /// Neither: UpdateItem with only a key writes the item (or the key) as it is.
    Nothing,
}

/// An update applied: the new item, encoded and checked like a put.
pub(crate) struct Updated {
    /// The item after the update.
    pub item: Item,
    /// Its stored form.
    pub encoded: EncodedItem,
}

impl UpdateAction<'_> {
    /// Refuses an update that changes one of the table's key attributes.
    pub fn check_key_untouched(&self, t: &TableMeta) -> Result<()> {
        let keys: Vec<&str> = t.key.attrs().map(|a| a.name.as_str()).collect();
        let touched = match self {
            UpdateAction::Expression(u) => crate::expr::update::key_attribute_touched(u, &keys),
            UpdateAction::Legacy(u) => {
                legacy::attribute_updates_touch_key(u, &keys).map(str::to_string)
            }
            UpdateAction::Nothing => None,
        };
        match touched {
            Some(k) => Err(Error::invalid_param(format!(
                "Cannot update attribute {k}. This attribute is part of the key"
            ))),
            None => Ok(()),
        }
    }

    /// True when applying the update to a missing item leaves it missing (legacy DELETE
    /// actions alone never create an item).
    pub fn leaves_missing_item_missing(&self) -> bool {
        matches!(self, UpdateAction::Legacy(u) if legacy::only_deletes(u))
    }

    /// The paths the update writes, for UPDATED_OLD and UPDATED_NEW.
    pub fn paths(&self) -> Vec<Path> {
        match self {
            UpdateAction::Expression(u) => u.paths(),
            UpdateAction::Legacy(u) => u.keys().map(|n| Path::attr(n.clone())).collect(),
            UpdateAction::Nothing => Vec::new(),
        }
    }

    /// Applies the update to `base` (the current item, or the key when there is none) and
    /// checks the result as a put would be: its encoding, the size limit, index key types.
    pub fn apply(&self, t: &TableMeta, base: Item) -> Result<Updated> {
        let item = match self {
            UpdateAction::Expression(u) => crate::expr::update::apply(u, &base)?,
            UpdateAction::Legacy(u) => legacy::apply_attribute_updates(u, &base)?,
            UpdateAction::Nothing => base,
        };
        let encoded = encode_item(&item)?;
        if encoded.size > MAX_ITEM_SIZE {
            return Err(Error::validation(
                "Item size to update has exceeded the maximum allowed size",
            ));
        }
        check_index_keys(t, &item)?;
        Ok(Updated { item, encoded })
    }

    /// The attributes an update returns (ReturnValues, PartiQL's RETURNING): the whole old
    /// or new item, or only the updated paths of either; None when that is empty.
    pub fn returned(&self, which: ReturnValues, old: Option<Item>, new: &Item) -> Option<Item> {
        match which {
            ReturnValues::None => None,
            ReturnValues::AllOld => old,
            ReturnValues::AllNew => Some(new.clone()),
            ReturnValues::UpdatedOld => old.map(|o| projection::apply(&o, &self.paths())),
            ReturnValues::UpdatedNew => Some(projection::apply(new, &self.paths())),
        }
        .filter(|a| !a.is_empty())
    }
}
