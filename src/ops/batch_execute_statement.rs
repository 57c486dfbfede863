//! BatchExecuteStatement: up to 25 PartiQL statements (see `src/partiql/batch.rs`).

use crate::engine::handle::Engine;
use crate::error::Result;
use crate::types::{BatchExecuteStatementInput, BatchExecuteStatementOutput};

pub(crate) fn run(
    db: &Engine,
    req: BatchExecuteStatementInput,
) -> Result<BatchExecuteStatementOutput> {
    crate::partiql::batch::batch_execute(db, req)
}
