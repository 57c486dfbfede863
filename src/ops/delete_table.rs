//! DeleteTable.

use super::describe_table::table_not_found;
use crate::engine::handle::Engine;
use crate::error::{Error, Result};
use crate::types::{DeleteTableInput, DeleteTableOutput};
use crate::validate::{require_table_name, Constraints};

pub(crate) fn run(db: &Engine, req: DeleteTableInput) -> Result<DeleteTableOutput> {
    let name = require_table_name(&req.table_name)?;
    let mut c = Constraints::default();
    c.name("tableName", name);
    c.finish()?;
    let mut state = db.lock();
    let t = state.table(name).ok_or_else(|| table_not_found(name))?;
    if t.desc.deletion_protection_enabled {
        return Err(Error::validation(
            "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.",
        ));
    }
    let t = state.delete_table(name)?;
    let mut desc = t.describe();
    desc.table_status = "DELETING".into();
    Ok(DeleteTableOutput {
        table_description: desc,
    })
}
