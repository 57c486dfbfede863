//! The public embedded API: `Database` and one method per DynamoDB operation.

use crate::engine::handle::Engine;
use crate::error::{Error, Result};
use crate::ops;
use crate::storage::cipher::EncryptionKey;
use crate::types::*;
use std::path::Path;

pub use crate::engine::bulk::Loaded;
pub use crate::engine::handle::DEFAULT_REGION;
pub use crate::storage::snapshots::SnapshotInfo;

/// A Dynoxide database: in memory or in a SQLite file. Cheap to clone; clones share state.
#[derive(Clone)]
pub struct Database {
    engine: Engine,
}

macro_rules! operations {
    ($($(#[$doc:meta])* $method:ident : $variant:ident => $input:ty, $output:ty;)*) => {
        /// A DynamoDB operation this database serves (new ones are added, so matches need a
        /// wildcard arm).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Operation {
            $($(#[$doc])* $variant,)*
        }

        impl Operation {
            /// Every operation, in the dispatcher's order.
            pub const ALL: &'static [Operation] = &[$(Operation::$variant),*];

            /// DynamoDB's name for it (the part of `X-Amz-Target` after the dot).
            pub fn name(self) -> &'static str {
                match self {
                    $(Operation::$variant => stringify!($variant),)*
                }
            }

            /// The operation DynamoDB calls `name`.
            pub fn from_name(name: &str) -> Option<Operation> {
                match name {
                    $(stringify!($variant) => Some(Operation::$variant),)*
                    _ => None,
                }
            }
        }

        impl Database {
            $(
                $(#[$doc])*
                pub fn $method(&self, request: $input) -> Result<$output> {
                    ops::$method::run(&self.engine, request)
                }
            )*

            /// Runs an operation by its DynamoDB name with a JSON request; returns JSON.
            pub fn execute(&self, operation: &str, request: serde_json::Value) -> Result<serde_json::Value> {
                match Operation::from_name(operation).ok_or_else(unknown_operation)? {
                    $(Operation::$variant => {
                        let input: $input = crate::wire::from_json(request)?;
                        crate::wire::to_json(&self.$method(input)?)
                    })*
                }
            }

            /// Runs an operation on a raw JSON body and returns the raw JSON response: the HTTP
            /// path, which parses straight into the typed request with no intermediate tree.
            /// GetItem, Query, Scan and BatchGetItem skip the typed outputs: they write whole
            /// items from their stored bytes (same answer, checked by the request cases).
            pub fn execute_bytes(&self, operation: &str, body: &[u8]) -> Result<Vec<u8>> {
                let op = Operation::from_name(operation).ok_or_else(unknown_operation)?;
                self.run_bytes(op, body)
            }

            /// [`Database::execute_bytes`] for an operation already named.
            pub fn run_bytes(&self, op: Operation, body: &[u8]) -> Result<Vec<u8>> {
                // Reads write items from their stored bytes; the rest goes through the types.
                match op {
                    Operation::GetItem => return ops::get_item::run_wire(&self.engine, body),
                    Operation::Query => return ops::query::run_wire(&self.engine, body),
                    Operation::Scan => return ops::scan::run_wire(&self.engine, body),
                    Operation::BatchGetItem => {
                        return ops::batch_get_item::run_wire(&self.engine, body)
                    }
                    _ => {}
                }
                match op {
                    $(Operation::$variant => {
                        let input: $input = crate::wire::from_slice(body)?;
                        crate::wire::to_vec(&self.$method(input)?)
                    })*
                }
            }

            /// Names of every operation [`Database::execute`] accepts.
            pub fn operations() -> &'static [&'static str] {
                &[$(stringify!($variant)),*]
            }
        }
    };
}

impl Operation {
    /// True for the DynamoDB Streams operations (`DynamoDBStreams_20120810.*` targets).
    pub fn is_streams(self) -> bool {
        matches!(
            self,
            Operation::ListStreams
                | Operation::DescribeStream
                | Operation::GetShardIterator
                | Operation::GetRecords
        )
    }

    /// True for the operations that only read through reader connections.
    pub fn is_parallel_read(self) -> bool {
        matches!(
            self,
            Operation::GetItem
                | Operation::Query
                | Operation::Scan
                | Operation::BatchGetItem
                | Operation::TransactGetItems
        )
    }
}

fn unknown_operation() -> Error {
    Error::new(crate::ErrorCode::UnknownOperationException, String::new())
}

operations! {
    /// CreateTable.
    create_table: CreateTable => CreateTableInput, CreateTableOutput;
    /// DescribeTable.
    describe_table: DescribeTable => DescribeTableInput, DescribeTableOutput;
    /// ListTables.
    list_tables: ListTables => ListTablesInput, ListTablesOutput;
    /// DeleteTable.
    delete_table: DeleteTable => DeleteTableInput, DeleteTableOutput;
    /// UpdateTable.
    update_table: UpdateTable => UpdateTableInput, UpdateTableOutput;
    /// PutItem.
    put_item: PutItem => PutItemInput, PutItemOutput;
    /// GetItem.
    get_item: GetItem => GetItemInput, GetItemOutput;
    /// DeleteItem.
    delete_item: DeleteItem => DeleteItemInput, DeleteItemOutput;
    /// UpdateItem.
    update_item: UpdateItem => UpdateItemInput, UpdateItemOutput;
    /// Query.
    query: Query => QueryInput, QueryOutput;
    /// Scan.
    scan: Scan => ScanInput, ScanOutput;
    /// BatchGetItem.
    batch_get_item: BatchGetItem => BatchGetItemInput, BatchGetItemOutput;
    /// BatchWriteItem.
    batch_write_item: BatchWriteItem => BatchWriteItemInput, BatchWriteItemOutput;
    /// TransactGetItems.
    transact_get_items: TransactGetItems => TransactGetItemsInput, TransactGetItemsOutput;
    /// TransactWriteItems.
    transact_write_items: TransactWriteItems => TransactWriteItemsInput, TransactWriteItemsOutput;
    /// ExecuteStatement (PartiQL).
    execute_statement: ExecuteStatement => ExecuteStatementInput, ExecuteStatementOutput;
    /// BatchExecuteStatement (PartiQL).
    batch_execute_statement: BatchExecuteStatement => BatchExecuteStatementInput, BatchExecuteStatementOutput;
    /// ExecuteTransaction (PartiQL).
    execute_transaction: ExecuteTransaction => ExecuteTransactionInput, ExecuteTransactionOutput;
    /// ListStreams (DynamoDB Streams).
    list_streams: ListStreams => ListStreamsInput, ListStreamsOutput;
    /// DescribeStream (DynamoDB Streams).
    describe_stream: DescribeStream => DescribeStreamInput, DescribeStreamOutput;
    /// GetShardIterator (DynamoDB Streams).
    get_shard_iterator: GetShardIterator => GetShardIteratorInput, GetShardIteratorOutput;
    /// GetRecords (DynamoDB Streams).
    get_records: GetRecords => GetRecordsInput, GetRecordsOutput;
    /// UpdateTimeToLive.
    update_time_to_live: UpdateTimeToLive => UpdateTimeToLiveInput, UpdateTimeToLiveOutput;
    /// DescribeTimeToLive.
    describe_time_to_live: DescribeTimeToLive => DescribeTimeToLiveInput, DescribeTimeToLiveOutput;
    /// TagResource.
    tag_resource: TagResource => TagResourceInput, TagResourceOutput;
    /// UntagResource.
    untag_resource: UntagResource => UntagResourceInput, UntagResourceOutput;
    /// ListTagsOfResource.
    list_tags_of_resource: ListTagsOfResource => ListTagsOfResourceInput, ListTagsOfResourceOutput;
    /// DescribeLimits: DynamoDB's default account and table capacity quotas.
    describe_limits: DescribeLimits => DescribeLimitsInput, DescribeLimitsOutput;
    /// DescribeEndpoints: the address to send requests to (the server's own).
    describe_endpoints: DescribeEndpoints => DescribeEndpointsInput, DescribeEndpointsOutput;
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
        use crate::wire::from_json;
        match Operation::from_name(operation).ok_or_else(unknown_operation)? {
            Operation::Query => ops::query::explain(&self.engine, from_json(request)?),
            Operation::Scan => ops::scan::explain(&self.engine, from_json(request)?),
            Operation::GetItem => ops::get_item::explain(&self.engine, from_json(request)?),
            Operation::ExecuteStatement => crate::partiql::explain(&self.engine, from_json(request)?),
            op => Err(Error::validation(format!(
                "explain covers Query, Scan, GetItem and ExecuteStatement; {} has no read plan to show",
                op.name()
            ))),
        }
    }

    /// A private in-memory database; two calls never share state.
    pub fn memory() -> Result<Database> {
        Ok(Database {
            engine: Engine::memory()?,
        })
    }

    /// Creates or opens a SQLite file database.
    pub fn new(path: impl AsRef<Path>) -> Result<Database> {
        Self::open(path, None)
    }

    /// Creates or opens an encrypted file database (SQLCipher); `key` is 64 hexadecimal
    /// characters (`openssl rand -hex 32`). A wrong key fails here, with one clear error.
    #[cfg(feature = "encryption")]
    pub fn new_encrypted(path: impl AsRef<Path>, key: &str) -> Result<Database> {
        Self::open(path, Some(&EncryptionKey::from_hex(key)?))
    }

    /// Creates or opens a file database, encrypted with `key` when one is given (a build
    /// without the `encryption` feature refuses a key).
    pub fn open(path: impl AsRef<Path>, key: Option<&EncryptionKey>) -> Result<Database> {
        Ok(Database {
            engine: Engine::open(path.as_ref(), key)?,
        })
    }

    /// A private in-memory copy of a file database: the file is only read, never changed.
    pub fn copy_of(path: impl AsRef<Path>) -> Result<Database> {
        Self::copy_of_with_key(path, None)
    }

    /// A private in-memory copy of a file database that may be encrypted (`key`).
    pub fn copy_of_with_key(
        path: impl AsRef<Path>,
        key: Option<&EncryptionKey>,
    ) -> Result<Database> {
        Ok(Database {
            engine: Engine::copy_of(path.as_ref(), key)?,
        })
    }

    /// Changes an encrypted database file's key, and its snapshots' (no other process may
    /// have it open).
    pub fn rekey(path: impl AsRef<Path>, old: &EncryptionKey, new: &EncryptionKey) -> Result<()> {
        Engine::rekey_file(path.as_ref(), old, new)
    }

    /// Checkpoints a file database's WAL into the main file (a no-op in memory). Fails when
    /// another connection kept the checkpoint from finishing (the WAL then still holds
    /// committed pages, which stay safe in it).
    pub fn checkpoint(&self) -> Result<()> {
        self.engine.checkpoint()
    }

    /// True when reads run on their own connections (file databases), so a caller may run
    /// writes on other threads without holding up reads.
    pub fn reads_in_parallel(&self) -> bool {
        self.engine.reads_in_parallel()
    }

    /// Operations that only read through reader connections (never waiting for the writer
    /// unless a schema change is in flight).
    pub fn is_parallel_read(operation: &str) -> bool {
        Operation::from_name(operation).is_some_and(Operation::is_parallel_read)
    }

    /// A handle on the same database whose DescribeEndpoints answers `address` (the server
    /// passes the Host a request was sent to; without one the answer is `localhost`).
    pub fn with_endpoint(&self, address: &str) -> Database {
        Database {
            engine: self.engine.with_endpoint(address),
        }
    }

    /// The region used in the ARNs this handle creates ([`DEFAULT_REGION`] unless the handle
    /// came from [`Database::with_region`]).
    pub fn region(&self) -> &str {
        self.engine.region()
    }

    /// A handle on the same database whose ARNs name `region` (the server passes the region
    /// of each request's credential scope). A name that is not a region's shape (lowercase
    /// letters, digits and dashes, 1 to 32 characters) keeps this handle's region.
    pub fn with_region(&self, region: &str) -> Database {
        Database {
            engine: self.engine.with_region(region),
        }
    }

    /// The records of a table's stream (the enabled one, else the last one disabled), oldest
    /// first: all of them, or those after the sequence number `after`. For tests that assert
    /// on what their writes produced.
    pub fn stream_records(&self, table: &str, after: Option<&str>) -> Result<Vec<Record>> {
        ops::streams::table_records(&self.engine, table, after)
    }

    /// Deletes the items whose TTL attribute (on tables with TTL enabled) is an expiry time
    /// in the past, but not more than five years past, as DynamoDB's TTL does: through the
    /// write pipeline, in small batches, each deletion with a REMOVE stream record naming
    /// DynamoDB's service. The server runs it every `--ttl-interval`; returns how many.
    pub fn sweep_ttl(&self) -> Result<usize> {
        crate::engine::ttl::sweep(&self.engine)
    }

    /// Deletes stream data past retention: records older than 24 hours, and streams disabled
    /// (or whose table was deleted) more than 24 hours ago. The server runs it in the
    /// background; returns the number of records deleted.
    pub fn trim_streams(&self) -> Result<usize> {
        self.engine.lock().trim_streams()
    }

    /// Loads items into a table (an import): each is checked as PutItem checks it, and those
    /// that pass are written in one transaction, indexes and counters maintained, without
    /// stream records. The refused ones are listed by position with DynamoDB's error.
    pub fn bulk_put(&self, table: &str, items: &[crate::model::Item]) -> Result<Loaded> {
        crate::engine::bulk::put_items(&self.engine, table, items)
    }

    /// Takes a snapshot of the whole database under `name` (1 to 64 letters, digits, `-`,
    /// `_`, `.`; `auto-` is reserved for automatic ones): a file database writes
    /// `snapshots/NAME.db` beside its file, an in-memory one keeps the copy in memory.
    pub fn create_snapshot(&self, name: &str) -> Result<SnapshotInfo> {
        if name.starts_with(crate::storage::snapshots::AUTO_PREFIX) {
            return Err(Error::validation(format!(
                "Invalid snapshot name: {name:?} (names starting with auto- are automatic snapshots)"
            )));
        }
        self.engine.lock().create_snapshot(name, false)
    }

    /// Takes a snapshot named `snapshot-` and the time (`snapshot-20261204-170102.345`).
    pub fn create_timestamped_snapshot(&self) -> Result<SnapshotInfo> {
        let mut state = self.engine.lock();
        let name = self.timestamped(&state, "snapshot-")?;
        state.create_snapshot(&name, false)
    }

    /// Takes an automatic snapshot (named `auto-` and the time), keeping the last ten.
    pub fn create_automatic_snapshot(&self) -> Result<SnapshotInfo> {
        let mut state = self.engine.lock();
        let name = self.timestamped(&state, crate::storage::snapshots::AUTO_PREFIX)?;
        let info = state.create_snapshot(&name, true)?;
        state.prune_automatic_snapshots()?;
        Ok(info)
    }

    /// A snapshot name from a prefix and the clock's time, free among the snapshots.
    fn timestamped(&self, state: &crate::storage::State, prefix: &str) -> Result<String> {
        let label = crate::ops::create_table::stream_label(self.engine.now())
            .replace([':', '-'], "")
            .replace('T', "-");
        let taken = state.list_snapshots()?;
        let mut name = format!("{prefix}{label}");
        let mut n = 1;
        while taken.iter().any(|s| s.name == name) {
            n += 1;
            name = format!("{prefix}{label}-{n}");
        }
        Ok(name)
    }

    /// Replaces the whole database with a snapshot, atomically: requests see the data before
    /// or after, never a mix. ClientRequestTokens seen before are forgotten.
    pub fn restore_snapshot(&self, name: &str) -> Result<()> {
        let mut state = self.engine.lock();
        state.restore_snapshot(name)?;
        self.engine.tokens().clear();
        Ok(())
    }

    /// Every snapshot, oldest first.
    pub fn list_snapshots(&self) -> Result<Vec<SnapshotInfo>> {
        self.engine.lock().list_snapshots()
    }

    /// Deletes a snapshot.
    pub fn delete_snapshot(&self, name: &str) -> Result<()> {
        self.engine.lock().delete_snapshot(name)
    }

    /// The database clock's time, in epoch seconds (wall time plus any `advance_clock`).
    pub fn now(&self) -> f64 {
        self.engine.now()
    }

    /// Moves this database's clock forward, for every handle on it: TTL expiry, stream
    /// retention (24 hours) and shard iterator expiry (15 minutes) follow it, so tests need
    /// not wait.
    pub fn advance_clock(&self, by: std::time::Duration) {
        self.engine.clock().advance(by);
    }

    /// The engine handle operations run on (tests reach the writer through it).
    #[cfg(test)]
    pub(crate) fn engine(&self) -> &Engine {
        &self.engine
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::handle::ReadGuard;

    fn table(db: &Database, name: &str) {
        db.execute(
            "CreateTable",
            serde_json::json!({"TableName": name, "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}),
        )
        .unwrap();
    }

    /// Runs `op` on another thread while this one holds the writer, as a long write would;
    /// the answer must come without waiting for the writer.
    fn while_writer_held(
        db: &Database,
        op: &'static str,
        req: serde_json::Value,
    ) -> serde_json::Value {
        let writer = db.engine().lock();
        let (tx, rx) = std::sync::mpsc::channel();
        let reader = db.clone();
        let handle = std::thread::spawn(move || tx.send(reader.execute(op, req)).unwrap());
        let got = rx
            .recv_timeout(std::time::Duration::from_secs(20))
            .unwrap_or_else(|_| panic!("{op} waited for the writer"));
        drop(writer);
        handle.join().unwrap();
        got.unwrap()
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
        let got = while_writer_held(
            &db,
            "GetItem",
            serde_json::json!({"TableName": "first", "Key": {"pk": {"S": "a"}}}),
        );
        assert_eq!(got["Item"]["n"], serde_json::json!({"N": "1"}));
    }

    #[test]
    fn a_partiql_select_over_several_partitions_does_not_wait_for_the_writer() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::new(dir.path().join("p.db")).unwrap();
        table(&db, "parts");
        for pk in ["a", "b", "c"] {
            db.execute(
                "PutItem",
                serde_json::json!({"TableName": "parts", "Item": {"pk": {"S": pk}}}),
            )
            .unwrap();
        }
        let got = while_writer_held(
            &db,
            "ExecuteStatement",
            serde_json::json!({"Statement": "SELECT pk FROM parts WHERE pk IN ['c', 'a']"}),
        );
        assert_eq!(
            got["Items"],
            serde_json::json!([{"pk": {"S": "c"}}, {"pk": {"S": "a"}}])
        );
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
            assert!(matches!(db.engine().read().unwrap(), ReadGuard::Reader(_)));
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
            Database::memory().unwrap().engine().read().unwrap(),
            ReadGuard::Writer(_)
        ));
    }

    #[test]
    fn database_is_send_sync_clone() {
        fn check<T: Send + Sync + Clone>() {}
        check::<Database>();
    }
}
