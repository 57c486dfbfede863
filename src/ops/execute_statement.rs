//! ExecuteStatement: one PartiQL statement (see `src/partiql/`).

use crate::engine::handle::Engine;
use crate::error::Result;
use crate::types::{ExecuteStatementInput, ExecuteStatementOutput};

pub(crate) fn run(db: &Engine, req: ExecuteStatementInput) -> Result<ExecuteStatementOutput> {
    crate::partiql::execute_statement(db, req)
}
