//! DescribeTable.

use crate::engine::handle::Engine;
use crate::error::{Error, ErrorCode, Result};
use crate::types::{DescribeTableInput, DescribeTableOutput};
use crate::validate::{require_table_name, Constraints};

/// ResourceNotFoundException as the table operations word it.
pub(crate) fn table_not_found(name: &str) -> Error {
    Error::new(
        ErrorCode::ResourceNotFoundException,
        format!("Requested resource not found: Table: {name} not found"),
    )
}

pub(crate) fn run(db: &Engine, req: DescribeTableInput) -> Result<DescribeTableOutput> {
    let name = require_table_name(&req.table_name)?;
    let mut c = Constraints::default();
    c.name("tableName", name);
    c.finish()?;
    let state = db.lock();
    let t = state.table(name).ok_or_else(|| table_not_found(name))?;
    Ok(DescribeTableOutput {
        table: t.describe(),
    })
}
