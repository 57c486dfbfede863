//! ExecuteTransaction: up to 100 PartiQL statements, all or nothing (see `src/partiql/batch.rs`).

use crate::engine::handle::Engine;
use crate::error::Result;
use crate::types::{ExecuteTransactionInput, ExecuteTransactionOutput};

pub(crate) fn run(db: &Engine, req: ExecuteTransactionInput) -> Result<ExecuteTransactionOutput> {
    crate::partiql::batch::execute_transaction(db, req)
}
