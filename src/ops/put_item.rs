//! PutItem.

use super::common::{check_index_keys, check_item_size, key_of_item};
use super::single_write::{execute, write_members};
use crate::engine::handle::Engine;
use crate::error::{Error, Result};
use crate::model::codec::encode_item;
use crate::types::{PutItemInput, PutItemOutput};
use crate::validate::{present, require_table_name, Constraints};

pub(crate) fn run(db: &Engine, req: PutItemInput) -> Result<PutItemOutput> {
    let name = require_table_name(&req.table_name)?;
    let members = write_members!(req);
    let mut c = Constraints::default();
    c.name("tableName", name);
    c.not_null("item", &req.item);
    members.constraints(&mut c);
    c.finish()?;
    members.check_members()?;
    let item = present(&req.item, "item")?;
    let enc = encode_item(item)?;
    let return_old = members.return_old()?;
    check_item_size(enc.size)?;
    let condition = members.condition()?;

    let mut state = db.lock();
    let t = state.table(name).ok_or_else(Error::resource_not_found)?;
    let (pk, sk) = key_of_item(t, item)?;
    check_index_keys(t, item)?;
    let out = execute(
        &mut state,
        name,
        pk,
        sk,
        Some((item, enc)),
        &members,
        condition.as_ref(),
        return_old,
    )?;
    Ok(PutItemOutput {
        attributes: out.attributes,
        consumed_capacity: out.consumed_capacity,
        item_collection_metrics: out.item_collection_metrics,
    })
}
