//! BatchExecuteStatement: up to 25 PartiQL statements (see `src/partiql/batch.rs`).

use crate::db::Database;
use crate::error::Result;
use crate::types::{BatchExecuteStatementInput, BatchExecuteStatementOutput};

pub(crate) fn run(
    db: &Database,
    req: BatchExecuteStatementInput,
) -> Result<BatchExecuteStatementOutput> {
    crate::partiql::batch::batch_execute(db, req)
}
