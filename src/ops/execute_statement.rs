//! ExecuteStatement: one PartiQL statement (see `src/partiql/`).

use crate::db::Database;
use crate::error::Result;
use crate::types::{ExecuteStatementInput, ExecuteStatementOutput};

pub(crate) fn run(db: &Database, req: ExecuteStatementInput) -> Result<ExecuteStatementOutput> {
    crate::partiql::execute_statement(db, req)
}
