//! DeleteItem.

use super::common::{key_of_key, EmptyKeyWording};
use super::single_write::{execute, write_members};
use crate::engine::handle::Engine;
use crate::error::{Error, Result};
use crate::model::codec::check_value;
use crate::types::{DeleteItemInput, DeleteItemOutput};
use crate::validate::{present, require_table_name, Constraints};

pub(crate) fn run(db: &Engine, req: DeleteItemInput) -> Result<DeleteItemOutput> {
    let name = require_table_name(&req.table_name)?;
    let members = write_members!(req);
    let mut c = Constraints::default();
    c.name("tableName", name);
    c.not_null("key", &req.key);
    members.constraints(&mut c);
    c.finish()?;
    members.check_members()?;
    let key = present(&req.key, "key")?;
    for v in key.values() {
        check_value(v)?;
    }
    let return_old = members.return_old()?;
    let condition = members.condition()?;

    let mut state = db.lock();
    let t = state.table(name).ok_or_else(Error::resource_not_found)?;
    let (pk, sk) = key_of_key(t, key, EmptyKeyWording::NotValid)?;
    let out = execute(
        &mut state,
        name,
        pk,
        sk,
        None,
        &members,
        condition.as_ref(),
        return_old,
    )?;
    Ok(DeleteItemOutput {
        attributes: out.attributes,
        consumed_capacity: out.consumed_capacity,
        item_collection_metrics: out.item_collection_metrics,
    })
}
