//! The public embedded API: `Database` and one method per DynamoDB operation.

use crate::error::{Error, Result};
use crate::ops;
use crate::storage::readers::{Reader, Readers};
use crate::storage::State;
use crate::types::*;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

/// A Dynoxide database: in memory or in a SQLite file. Cheap to clone; clones share state.
#[derive(Clone)]
pub struct Database {
    inner: Arc<Inner>,
    /// The region named in ARNs this handle creates (tables, indexes).
    region: Arc<str>,
}

struct Inner {
    state: Mutex<State>,
    /// File databases: read-only connections, so reads don't wait behind a write.
    readers: Option<Readers>,
    /// ClientRequestToken results; locked only while `state` is held.
    tokens: Mutex<ops::transact::TokenCache>,
}

/// The region of ARNs when none is given.
pub const DEFAULT_REGION: &str = "us-east-1";

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
            /// GetItem, Query, Scan and BatchGetItem skip the typed outputs: they write whole
            /// items from their stored bytes (same answer, checked by the request cases).
            pub fn execute_bytes(&self, operation: &str, body: &[u8]) -> Result<Vec<u8>> {
                // Reads write items from their stored bytes; the rest goes through the types.
                match operation {
                    "GetItem" => return ops::get_item::run_wire(self, body),
                    "Query" => return ops::query::run_wire(self, body),
                    "Scan" => return ops::scan::run_wire(self, body),
                    "BatchGetItem" => return ops::batch_get_item::run_wire(self, body),
                    _ => {}
                }
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
        let state = State::open(path.as_ref())?;
        let readers = Readers::new(path.as_ref(), &state)?;
        Ok(Self::with_readers(state, Some(readers)))
    }

    /// A private in-memory copy of a file database: the file is only read, never changed.
    pub fn copy_of(path: impl AsRef<Path>) -> Result<Database> {
        Ok(Self::from_state(State::copy_of(path.as_ref())?))
    }

    fn from_state(state: State) -> Database {
        Self::with_readers(state, None)
    }

    fn with_readers(state: State, readers: Option<Readers>) -> Database {
        Database {
            inner: Arc::new(Inner {
                state: Mutex::new(state),
                readers,
                tokens: Mutex::default(),
            }),
            region: Arc::from(DEFAULT_REGION),
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

    /// True when reads run on their own connections (file databases), so a caller may run
    /// writes on other threads without holding up reads.
    pub fn reads_in_parallel(&self) -> bool {
        self.inner.readers.is_some()
    }

    /// Operations that only read through reader connections (never waiting for the writer
    /// unless a schema change is in flight).
    pub fn is_parallel_read(operation: &str) -> bool {
        matches!(
            operation,
            "GetItem" | "Query" | "Scan" | "BatchGetItem" | "TransactGetItems"
        )
    }

    /// The region used in the ARNs this handle creates.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// A handle on the same database whose ARNs name `region` (the server passes the region
    /// of each request's credential scope). A name that is not a region's shape (lowercase
    /// letters, digits and dashes, 1 to 32 characters) keeps this handle's region.
    pub fn with_region(&self, region: &str) -> Database {
        let shaped = !region.is_empty()
            && region.len() <= 32
            && region
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        Database {
            inner: Arc::clone(&self.inner),
            region: if shaped {
                Arc::from(region)
            } else {
                Arc::clone(&self.region)
            },
        }
    }

    /// What a read reads through: for a file database a reader connection (no wait behind
    /// a write), unless a schema change is in flight; otherwise the writer's state, locked.
    pub(crate) fn read(&self) -> Result<ReadGuard<'_>> {
        if let Some(readers) = &self.inner.readers {
            if let Some(r) = readers.begin()? {
                return Ok(ReadGuard::Reader(r));
            }
        }
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
    pub(crate) fn lock(&self) -> Writer<'_> {
        Writer {
            guard: self
                .inner
                .state
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
            readers: self.inner.readers.as_ref(),
        }
    }
}

/// The writer's state, locked. When it is released after a schema change, the readers get
/// the new catalog.
pub(crate) struct Writer<'a> {
    guard: MutexGuard<'a, State>,
    readers: Option<&'a Readers>,
}

impl std::ops::Deref for Writer<'_> {
    type Target = State;
    fn deref(&self) -> &State {
        &self.guard
    }
}

impl std::ops::DerefMut for Writer<'_> {
    fn deref_mut(&mut self) -> &mut State {
        &mut self.guard
    }
}

impl Drop for Writer<'_> {
    fn drop(&mut self) {
        if self.guard.schema_changed {
            self.guard.schema_changed = false;
            if let Some(r) = self.readers {
                r.publish(&self.guard);
            }
        }
    }
}

/// What a read holds while it runs; [`ReadGuard::view`] is what it reads through.
pub(crate) enum ReadGuard<'a> {
    /// The writer's state, locked.
    Writer(Writer<'a>),
    /// A reader connection of a file database.
    Reader(Reader<'a>),
}

impl ReadGuard<'_> {
    /// The connection and catalog to read with.
    pub fn view(&self) -> crate::storage::read::View<'_> {
        match self {
            ReadGuard::Writer(s) => s.view(),
            ReadGuard::Reader(r) => r.view(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(db: &Database, name: &str) {
        db.execute(
            "CreateTable",
            serde_json::json!({"TableName": name, "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}),
        )
        .unwrap();
    }

    #[test]
    fn file_database_reads_do_not_wait_for_the_writer() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::new(dir.path().join("r.db")).unwrap();
        table(&db, "first");
        db.execute(
            "PutItem",
            serde_json::json!({"TableName": "first", "Item": {"pk": {"S": "a"}, "n": {"N": "1"}}}),
        )
        .unwrap();
        // Hold the writer, as a long write would, and read from another thread.
        let writer = db.lock();
        let (tx, rx) = std::sync::mpsc::channel();
        let reader = db.clone();
        let handle = std::thread::spawn(move || {
            let got = reader.execute(
                "GetItem",
                serde_json::json!({"TableName": "first", "Key": {"pk": {"S": "a"}}}),
            );
            tx.send(got.map(|v| v["Item"]["n"].clone())).unwrap();
        });
        let got = rx
            .recv_timeout(std::time::Duration::from_secs(20))
            .expect("the read waited for the writer");
        assert_eq!(got.unwrap(), serde_json::json!({"N": "1"}));
        drop(writer);
        handle.join().unwrap();
    }

    #[test]
    fn a_newer_catalog_format_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fmt.db");
        {
            let db = Database::new(&path).unwrap();
            table(&db, "old");
        }
        {
            let conn = rusqlite::Connection::open(&path).unwrap();
            conn.execute(
                "UPDATE dynoxide_catalog SET meta = json_set(meta, '$.format', 99)",
                [],
            )
            .unwrap();
        }
        let e = Database::new(&path).err().expect("refused");
        assert!(e.message().contains("catalog format 99"), "{}", e.message());
    }

    #[test]
    fn a_file_database_has_one_writer() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("one.db");
        let db = Database::new(&path).unwrap();
        let e = Database::new(&path)
            .err()
            .expect("a second writer is refused");
        assert!(e.message().contains("is already open"), "{}", e.message());
        drop(db);
        Database::new(&path).unwrap();
    }

    #[test]
    fn file_database_readers_see_schema_changes() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::new(dir.path().join("s.db")).unwrap();
        for name in ["one", "two"] {
            table(&db, name);
            db.execute(
                "PutItem",
                serde_json::json!({"TableName": name, "Item": {"pk": {"S": "k"}}}),
            )
            .unwrap();
            assert!(matches!(db.read().unwrap(), ReadGuard::Reader(_)));
            let got = db
                .execute(
                    "GetItem",
                    serde_json::json!({"TableName": name, "Key": {"pk": {"S": "k"}}}),
                )
                .unwrap();
            assert_eq!(got["Item"]["pk"], serde_json::json!({"S": "k"}));
        }
        db.execute("DeleteTable", serde_json::json!({"TableName": "one"}))
            .unwrap();
        let e = db
            .execute(
                "GetItem",
                serde_json::json!({"TableName": "one", "Key": {"pk": {"S": "k"}}}),
            )
            .unwrap_err();
        assert_eq!(e.code(), crate::ErrorCode::ResourceNotFoundException);
        // Memory databases read through the writer.
        assert!(matches!(
            Database::memory().unwrap().read().unwrap(),
            ReadGuard::Writer(_)
        ));
    }

    #[test]
    fn database_is_send_sync_clone() {
        fn check<T: Send + Sync + Clone>() {}
        check::<Database>();
    }
}
