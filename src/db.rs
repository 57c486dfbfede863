//! The public embedded API: `Database` and one method per DynamoDB operation.

use crate::error::{Error, Result};
use crate::ops;
use crate::storage::State;
use crate::types::*;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

/// A Dynoxide database: in memory or in a SQLite file. Cheap to clone; clones share state.
#[derive(Clone)]
pub struct Database {
    inner: Arc<Inner>,
}

struct Inner {
    state: Mutex<State>,
    /// ClientRequestToken results; locked only while `state` is held.
    tokens: Mutex<ops::transact::TokenCache>,
    region: String,
}

macro_rules! operations {
    ($($(#[$doc:meta])* $method:ident : $name:literal => $input:ty, $output:ty;)*) => {
        impl Database {
            $(
                $(#[$doc])*
                pub fn $method(&self, request: $input) -> Result<$output> {
                    ops::$method::run(self, request)
                }
            )*

            /// Runs an operation by its DynamoDB name with a JSON request; returns JSON.
            pub fn execute(&self, operation: &str, request: serde_json::Value) -> Result<serde_json::Value> {
                match operation {
                    $($name => {
                        let input: $input = crate::wire::from_json(request)?;
                        crate::wire::to_json(&self.$method(input)?)
                    })*
                    _ => Err(Error::new(
                        crate::ErrorCode::UnknownOperationException,
                        String::new(),
                    )),
                }
            }

            /// Runs an operation on a raw JSON body and returns the raw JSON response: the HTTP
            /// path, which parses straight into the typed request with no intermediate tree.
            pub fn execute_bytes(&self, operation: &str, body: &[u8]) -> Result<Vec<u8>> {
                match operation {
                    $($name => {
                        let input: $input = crate::wire::from_slice(body)?;
                        crate::wire::to_vec(&self.$method(input)?)
                    })*
                    _ => Err(Error::new(
                        crate::ErrorCode::UnknownOperationException,
                        String::new(),
                    )),
                }
            }

            /// Names of every operation [`Database::execute`] accepts.
            pub fn operations() -> &'static [&'static str] {
                &[$($name),*]
            }
        }
    };
}

operations! {
    /// CreateTable.
    create_table: "CreateTable" => CreateTableInput, CreateTableOutput;
    /// DescribeTable.
    describe_table: "DescribeTable" => DescribeTableInput, DescribeTableOutput;
    /// ListTables.
    list_tables: "ListTables" => ListTablesInput, ListTablesOutput;
    /// DeleteTable.
    delete_table: "DeleteTable" => DeleteTableInput, DeleteTableOutput;
    /// UpdateTable.
    update_table: "UpdateTable" => UpdateTableInput, UpdateTableOutput;
    /// PutItem.
    put_item: "PutItem" => PutItemInput, PutItemOutput;
    /// GetItem.
    get_item: "GetItem" => GetItemInput, GetItemOutput;
    /// DeleteItem.
    delete_item: "DeleteItem" => DeleteItemInput, DeleteItemOutput;
    /// UpdateItem.
    update_item: "UpdateItem" => UpdateItemInput, UpdateItemOutput;
    /// Query.
    query: "Query" => QueryInput, QueryOutput;
    /// Scan.
    scan: "Scan" => ScanInput, ScanOutput;
    /// BatchGetItem.
    batch_get_item: "BatchGetItem" => BatchGetItemInput, BatchGetItemOutput;
    /// BatchWriteItem.
    batch_write_item: "BatchWriteItem" => BatchWriteItemInput, BatchWriteItemOutput;
    /// TransactGetItems.
    transact_get_items: "TransactGetItems" => TransactGetItemsInput, TransactGetItemsOutput;
    /// TransactWriteItems.
    transact_write_items: "TransactWriteItems" => TransactWriteItemsInput, TransactWriteItemsOutput;
    /// ExecuteStatement (PartiQL).
    execute_statement: "ExecuteStatement" => ExecuteStatementInput, ExecuteStatementOutput;
    /// BatchExecuteStatement (PartiQL).
    batch_execute_statement: "BatchExecuteStatement" => BatchExecuteStatementInput, BatchExecuteStatementOutput;
    /// ExecuteTransaction (PartiQL).
    execute_transaction: "ExecuteTransaction" => ExecuteTransactionInput, ExecuteTransactionOutput;
}

impl Database {
    /// How a request would run: its IR, optimised plan, SQL, parameters and SQLite's query
    /// plan (Query, Scan, GetItem and PartiQL SELECT; the request is checked as if it ran,
    /// nothing runs).
    pub fn explain(
        &self,
        operation: &str,
        request: serde_json::Value,
    ) -> Result<crate::explain::Explain> {
        match operation {
            "Query" => ops::query::explain(self, crate::wire::from_json(request)?),
            "Scan" => ops::scan::explain(self, crate::wire::from_json(request)?),
            "GetItem" => ops::get_item::explain(self, crate::wire::from_json(request)?),
            "ExecuteStatement" => crate::partiql::explain(self, crate::wire::from_json(request)?),
            op if Self::operations().contains(&op) => Err(Error::validation(format!(
                "explain covers Query, Scan, GetItem and ExecuteStatement; {op} has no read plan to show"
            ))),
            _ => Err(Error::new(
                crate::ErrorCode::UnknownOperationException,
                String::new(),
            )),
        }
    }

    /// A private in-memory database; two calls never share state.
    pub fn memory() -> Result<Database> {
        Ok(Self::from_state(State::memory()?))
    }

    /// Creates or opens a SQLite file database.
    pub fn new(path: impl AsRef<Path>) -> Result<Database> {
        Ok(Self::from_state(State::open(path.as_ref())?))
    }

    /// A private in-memory copy of a file database: the file is only read, never changed.
    pub fn copy_of(path: impl AsRef<Path>) -> Result<Database> {
        Ok(Self::from_state(State::copy_of(path.as_ref())?))
    }

    fn from_state(state: State) -> Database {
        Database {
            inner: Arc::new(Inner {
                state: Mutex::new(state),
                tokens: Mutex::default(),
                region: "us-east-1".to_string(),
            }),
        }
    }

    /// Checkpoints a file database's WAL into the main file (a no-op in memory).
    pub fn checkpoint(&self) -> Result<()> {
        let state = self.lock();
        state
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// The region used in ARNs.
    pub fn region(&self) -> &str {
        &self.inner.region
    }

    /// A read view: the writer's state, locked (see `ReadGuard`).
    pub(crate) fn read(&self) -> Result<ReadGuard<'_>> {
        Ok(ReadGuard::Writer(self.lock()))
    }

    /// The ClientRequestToken cache; lock it only while holding [`Database::lock`].
    pub(crate) fn tokens(&self) -> MutexGuard<'_, ops::transact::TokenCache> {
        self.inner
            .tokens
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Locks the connection and catalog. A panic elsewhere never wedges the database: every
    /// mutation is one SQLite transaction, so the state behind a poisoned lock is consistent.
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.inner
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// What a read holds while it runs; [`ReadGuard::view`] is what it reads through.
pub(crate) enum ReadGuard<'a> {
    /// The writer's state, locked.
    Writer(MutexGuard<'a, State>),
}

impl ReadGuard<'_> {
    /// The connection and catalog to read with.
    pub fn view(&self) -> crate::storage::read::View<'_> {
        match self {
            ReadGuard::Writer(s) => s.view(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_is_send_sync_clone() {
        fn check<T: Send + Sync + Clone>() {}
        check::<Database>();
    }
}
