//! Storage: the SQLite connection, the catalog of tables, and the one write path.
//!
//! Each DynamoDB table is one `WITHOUT ROWID` SQLite table `t<id>(pk, sk, size, item)` keyed
//! by the encoded key values; each secondary index is a table `t<id>_x<n>(ipk, isk, pk, sk,
//! size)` maintained by [`write::WriteBatch`]. Internal names are built from integers only.

pub(crate) mod cipher;
pub(crate) mod read;
pub(crate) mod readers;
pub(crate) mod schema;
pub(crate) mod snapshots;
pub(crate) mod sql;
pub(crate) mod streams;
pub(crate) mod ttl;
pub(crate) mod write;

use crate::error::{Error, Result};
use crate::model::Item;
use crate::types::TableDescription;
use rusqlite::{params, Connection};
use schema::{IndexMeta, IndexSql, KeyDef, ProjectionKind, TableMeta, TableSql};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The catalog format this build writes and reads. A later build that changes what a row
/// stores bumps it and migrates older rows when it loads them. 2 added the TTL attribute and
/// tags (format 1 rows have neither, which is what their defaults say).
const CATALOG_FORMAT: u32 = 2;

fn first_format() -> u32 {
    1
}

/// What the catalog row stores for one table.
#[derive(Serialize, Deserialize)]
struct StoredTable {
    /// The catalog format the row was written in (rows from before formats existed are 1).
    #[serde(default = "first_format")]
    format: u32,
    id: i64,
    next_index_id: i64,
    /// Index name -> internal index number.
    index_ids: BTreeMap<String, i64>,
    description: TableDescription,
    /// The TTL attribute, while TTL is enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ttl_attribute: Option<String>,
    /// Tags, in the order first added.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    tags: Vec<(String, String)>,
}

/// The connection plus the catalog, guarded together by the database mutex.
pub(crate) struct State {
    pub conn: Connection,
    pub tables: BTreeMap<String, TableMeta>,
    next_table_id: i64,
    /// Set when the catalog changed: `Database` republishes readers' snapshot of it.
    pub schema_changed: bool,
    /// Streams, enabled and recently disabled, by internal id.
    pub streams: BTreeMap<i64, streams::Stream>,
    next_stream_id: i64,
    /// The last stream sequence number issued.
    last_seq: i64,
    /// The database's clock (tests move it forward).
    pub clock: crate::model::clock::Clock,
    /// Where snapshots are kept.
    snapshots: snapshots::Store,
    /// A file database's exclusive lock file, held while open.
    _file_lock: Option<std::fs::File>,
    /// An encrypted file's key (its reader connections and snapshots use it too).
    pub(crate) key: Option<cipher::EncryptionKey>,
}

const CATALOG_SQL: &str = "CREATE TABLE IF NOT EXISTS dynoxide_catalog (
    name TEXT PRIMARY KEY,
    id INTEGER NOT NULL UNIQUE,
    meta TEXT NOT NULL
) WITHOUT ROWID";

/// Takes the file's lock, trying again for up to half a second: a process forked by this one
/// (any `Command::spawn`) holds a copy of a just-closed lock until it execs, so a database
/// closed and reopened while another thread starts a program may find its lock held for a
/// moment. A lock another Dynoxide holds is still refused, half a second later.
pub(crate) fn try_lock_briefly(
    lock: &std::fs::File,
) -> std::result::Result<(), std::fs::TryLockError> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_millis(500);
    loop {
        match lock.try_lock() {
            Err(std::fs::TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            other => return other,
        }
    }
}

/// Takes a database file's `.lock`, held for as long as the returned file is open: one
/// writer per file, as a second process would keep its own catalog and counters.
pub(crate) fn lock_database(path: &Path) -> Result<std::fs::File> {
    let lock_path = {
        let mut p = path.as_os_str().to_owned();
        p.push(".lock");
        std::path::PathBuf::from(p)
    };
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| Error::internal(format!("cannot open {}: {e}", lock_path.display())))?;
    try_lock_briefly(&lock).map_err(|_| {
        Error::internal(format!(
            "{} is already open in another Dynoxide (locked by {})",
            path.display(),
            lock_path.display()
        ))
    })?;
    Ok(lock)
}

impl State {
    /// Opens a private in-memory database.
    pub fn memory() -> Result<State> {
        Self::init(Connection::open_in_memory()?)
    }

    /// Opens or creates a file database in WAL mode, encrypted with `key` when given.
    pub fn open(path: &Path, key: Option<&cipher::EncryptionKey>) -> Result<State> {
        let lock = lock_database(path)?;
        let conn = Connection::open(path)?;
        cipher::key_connection(&conn, path, key)?;
        // NORMAL in WAL mode survives a process kill; only power loss can drop the last commits.
        conn.execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")?;
        let mut state = Self::init(conn)?;
        state._file_lock = Some(lock);
        state.key = key.cloned();
        state.snapshots = snapshots::Store::Dir(snapshots::dir_of(path));
        Ok(state)
    }

    /// Opens a private in-memory copy of a file database (encrypted with `key` when given);
    /// the file is only read.
    pub fn copy_of(path: &Path, key: Option<&cipher::EncryptionKey>) -> Result<State> {
        let mut conn = Connection::open_in_memory()?;
        if key.is_some() {
            // The backup API refuses encrypted databases: SQLCipher's export copies instead.
            cipher::attach(&conn, path, "src", key)?;
            cipher::export_into_main(&conn, "src")?;
            conn.execute_batch("DETACH DATABASE src")?;
            return Self::init(conn);
        }
        let src = Connection::open_with_flags(
            path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        cipher::key_connection(&src, path, None)?;
        rusqlite::backup::Backup::new(&src, &mut conn)?.run_to_completion(
            1024,
            std::time::Duration::ZERO,
            None,
        )?;
        Self::init(conn)
    }

    fn init(conn: Connection) -> Result<State> {
        conn.set_prepared_statement_cache_capacity(512);
        crate::sqlfuncs::register(&conn)?;
        conn.execute_batch(CATALOG_SQL)?;
        conn.execute_batch(streams::STREAMS_SQL)?;
        let mut state = State {
            conn,
            tables: BTreeMap::new(),
            next_table_id: 1,
            schema_changed: false,
            streams: BTreeMap::new(),
            next_stream_id: 1,
            last_seq: 0,
            clock: Default::default(),
            snapshots: Default::default(),
            _file_lock: None,
            key: None,
        };
        state.load()?;
        state.load_streams()?;
        state.bind_missing_streams()?;
        Ok(state)
    }

    /// Checks that a database's catalog can be loaded by this build (every row readable, in
    /// a format this build reads, its tables present), without changing anything.
    fn check_catalog(conn: &Connection) -> Result<()> {
        read_catalog(conn).map(|_| ())
    }

    fn load(&mut self) -> Result<()> {
        for t in read_catalog(&self.conn)? {
            self.next_table_id = self.next_table_id.max(t.id + 1);
            self.tables.insert(t.desc.table_name.clone(), t);
        }
        Ok(())
    }

    /// Runs `f` in one transaction that write batches made with `WriteBatch::joining` join
    /// (their reads then share one snapshot instead of taking a lock each): a bulk load. On an error everything
    /// is rolled back and the catalog and counters are read again.
    pub fn in_transaction<T>(&mut self, f: impl FnOnce(&mut State) -> Result<T>) -> Result<T> {
        self.conn.prepare_cached("BEGIN")?.execute([])?;
        let out = f(self).and_then(|v| {
            self.conn.prepare_cached("COMMIT")?.execute([])?;
            Ok(v)
        });
        if out.is_err() {
            if !self.conn.is_autocommit() {
                let _ = self
                    .conn
                    .prepare_cached("ROLLBACK")
                    .and_then(|mut s| s.execute([]));
            }
            self.reload()?;
        }
        out
    }

    /// Reads the catalog again after the database's content was replaced (a restore):
    /// tables, counters, streams; cached statements are dropped.
    fn reload(&mut self) -> Result<()> {
        // Whatever happens next, readers must not keep the catalog of the replaced data.
        self.schema_changed = true;
        self.conn.flush_prepared_statement_cache();
        self.tables.clear();
        self.streams.clear();
        self.next_table_id = 1;
        self.next_stream_id = 1;
        self.conn.execute_batch(CATALOG_SQL)?;
        self.conn.execute_batch(streams::STREAMS_SQL)?;
        self.load()?;
        self.load_streams()?;
        self.bind_missing_streams()?;
        self.schema_changed = true;
        Ok(())
    }

    /// Looks up a table by name.
    pub fn table(&self, name: &str) -> Option<&TableMeta> {
        self.tables.get(name)
    }

    /// Creates the SQLite objects and catalog entry for a new table.
    pub fn create_table(
        &mut self,
        desc: TableDescription,
        tags: Vec<(String, String)>,
    ) -> Result<&TableMeta> {
        let id = self.next_table_id;
        let mut index_ids = BTreeMap::new();
        let mut next_index_id = 1;
        for ix in all_indexes(&desc) {
            index_ids.insert(ix.to_string(), next_index_id);
            next_index_id += 1;
        }
        let stored = StoredTable {
            format: CATALOG_FORMAT,
            id,
            next_index_id,
            index_ids,
            description: desc,
            ttl_attribute: None,
            tags,
        };
        let t = table_meta(stored)?;
        let tx = Txn::begin(&self.conn)?;
        tx.execute_batch(&format!(
            "CREATE TABLE {} (pk BLOB NOT NULL, sk BLOB NOT NULL, size INTEGER NOT NULL, \
             item BLOB NOT NULL, PRIMARY KEY (pk, sk)) WITHOUT ROWID",
            t.sql.name
        ))?;
        for ix in &t.indexes {
            create_index_table(&tx, &ix.sql.name)?;
        }
        tx.execute(
            "INSERT INTO dynoxide_catalog (name, id, meta) VALUES (?1, ?2, ?3)",
            params![t.desc.table_name, id, stored_json(&t)],
        )?;
        let stream = self.stream_for(&tx, &t, 0)?;
        tx.commit()?;
        self.next_table_id += 1;
        let name = t.desc.table_name.clone();
        self.schema_changed = true;
        let previous = self.tables.insert(name.clone(), t);
        debug_assert!(previous.is_none(), "callers check the name is free");
        if let Some(s) = stream {
            self.stream_created(s);
        }
        Ok(&self.tables[&name])
    }

    /// Drops a table and its indexes.
    pub fn delete_table(&mut self, name: &str) -> Result<TableMeta> {
        let t = self
            .tables
            .get(name)
            .ok_or_else(Error::resource_not_found)?;
        let tx = Txn::begin(&self.conn)?;
        tx.execute_batch(&format!("DROP TABLE {}", t.sql.name))?;
        for ix in &t.indexes {
            tx.execute_batch(&format!("DROP TABLE {}", ix.sql.name))?;
        }
        if let Some(ttl) = &t.ttl {
            tx.execute_batch(&format!("DROP TABLE {}", ttl.name))?;
        }
        tx.execute(
            "DELETE FROM dynoxide_catalog WHERE name = ?1",
            params![name],
        )?;
        // Its stream stays readable (disabled) for 24 hours.
        let stream = match t.stream {
            Some(id) => self.disabled_stream(&tx, id)?,
            None => None,
        };
        tx.commit()?;
        if let Some(s) = stream {
            self.streams.insert(s.id, s);
        }
        // Statements cached for the dropped tables must not be reused by a later table id.
        self.conn.flush_prepared_statement_cache();
        self.schema_changed = true;
        self.tables
            .remove(name)
            .ok_or_else(Error::resource_not_found)
    }

    /// Persists a changed description (and new or removed indexes) of an existing table.
    /// A stream enabled or disabled in the description is created or disabled in the same
    /// transaction.
    pub fn save_table(&mut self, mut t: TableMeta) -> Result<()> {
        let tx = Txn::begin(&self.conn)?;
        let current = self.tables.get(&t.desc.table_name).and_then(|c| c.stream);
        let enabled = stream_setting(&t.desc).is_some();
        let disabled = match current {
            Some(id)
                if !enabled
                    || self.streams.get(&id).map(|s| &s.arn)
                        != t.desc.latest_stream_arn.as_ref() =>
            {
                self.disabled_stream(&tx, id)?
            }
            _ => None,
        };
        let created = if disabled.is_some() || current.is_none() {
            self.stream_for(&tx, &t, 0)?
        } else {
            None
        };
        t.stream = match (&created, &disabled) {
            (Some(s), _) => Some(s.id),
            (None, Some(_)) => None,
            (None, None) => current,
        };
        update_catalog(&tx, &t)?;
        tx.commit()?;
        self.installed(t, false);
        if let Some(s) = disabled {
            self.streams.insert(s.id, s);
        }
        if let Some(s) = created {
            self.stream_created(s);
        }
        Ok(())
    }

    /// A new stream for a table whose description has one enabled (inside the caller's
    /// transaction), or None.
    /// `later` counts streams created earlier in the same transaction (each takes an id).
    fn stream_for(
        &self,
        conn: &Connection,
        t: &TableMeta,
        later: i64,
    ) -> Result<Option<streams::Stream>> {
        let Some((view, arn, label)) = stream_setting(&t.desc) else {
            return Ok(None);
        };
        Ok(Some(self.new_stream(conn, t, view, arn, label, later)?))
    }

    /// Adds a GSI to a table, backfilling it from the table's items in one transaction.
    pub fn add_index(
        &mut self,
        table: &str,
        mut desc: TableDescription,
        index_name: &str,
    ) -> Result<()> {
        let mut t = self
            .tables
            .get(table)
            .ok_or_else(Error::resource_not_found)?
            .clone();
        let n = t.next_index_id;
        t.next_index_id += 1;
        let gsi = desc
            .global_secondary_indexes
            .iter()
            .flatten()
            .find(|g| g.index_name == index_name)
            .ok_or_else(|| Error::internal("the new index has no description"))?;
        let ix = IndexMeta {
            name: index_name.to_string(),
            global: true,
            key: KeyDef::from_schema(&gsi.key_schema, &desc)?,
            projection: ProjectionKind::from_projection(&gsi.projection),
            number: n,
            sql: IndexSql::new(t.id, n),
            item_count: 0,
            size_bytes: 0,
        };
        std::mem::swap(&mut t.desc, &mut desc);
        let tx = self.conn.transaction()?;
        create_index_table(&tx, &ix.sql.name)?;
        let (count, bytes) = write::backfill(&tx, &t, &ix)?;
        t.indexes.push(IndexMeta {
            item_count: count,
            size_bytes: bytes,
            ..ix
        });
        update_catalog(&tx, &t)?;
        tx.commit()?;
        self.installed(t, false);
        Ok(())
    }

    /// Removes a GSI and its data.
    pub fn drop_index(
        &mut self,
        table: &str,
        desc: TableDescription,
        index_name: &str,
    ) -> Result<()> {
        let mut t = self
            .tables
            .get(table)
            .ok_or_else(Error::resource_not_found)?
            .clone();
        let pos = t
            .indexes
            .iter()
            .position(|i| i.name == index_name)
            .ok_or_else(Error::resource_not_found)?;
        let ix = t.indexes.remove(pos);
        t.desc = desc;
        let tx = self.conn.transaction()?;
        tx.execute_batch(&format!("DROP TABLE {}", ix.sql.name))?;
        update_catalog(&tx, &t)?;
        tx.commit()?;
        self.installed(t, true);
        Ok(())
    }

    /// Installs a table's metadata after the transaction that changed it committed; `dropped`
    /// when SQLite tables were dropped (their cached statements must not be reused by a later
    /// table of the same internal name).
    fn installed(&mut self, t: TableMeta, dropped: bool) {
        if dropped {
            self.conn.flush_prepared_statement_cache();
        }
        self.schema_changed = true;
        self.tables.insert(t.desc.table_name.clone(), t);
    }

    /// Reads and decodes one item by encoded key (see [`read::View::get_item`]).
    pub fn get_item(&self, t: &TableMeta, pk: &[u8], sk: &[u8]) -> Result<Option<(Item, usize)>> {
        self.view().get_item(t, pk, sk)
    }
}

/// A write transaction whose BEGIN and COMMIT are cached statements: parsing them afresh costs
/// about as much as the write itself. Rolls back when dropped uncommitted.
pub(crate) struct Txn<'c> {
    conn: &'c Connection,
    done: bool,
}

impl<'c> Txn<'c> {
    /// Begins a transaction on the connection.
    pub fn begin(conn: &'c Connection) -> Result<Txn<'c>> {
        conn.prepare_cached("BEGIN")?.execute([])?;
        Ok(Txn { conn, done: false })
    }

    /// The transaction [`State::in_transaction`] has open: statements join it, and it
    /// commits or rolls back there (an error if none is open).
    pub fn joined(conn: &'c Connection) -> Result<Txn<'c>> {
        if conn.is_autocommit() {
            return Err(Error::internal(
                "a joined write batch outside a transaction",
            ));
        }
        Ok(Txn { conn, done: true })
    }

    /// A transaction for a write of `statements` statements: a single statement is atomic on
    /// its own (and the database mutex keeps the read before it current), so it needs none.
    pub fn for_write(conn: &'c Connection, statements: usize) -> Result<Txn<'c>> {
        if statements <= 1 {
            Ok(Txn { conn, done: true })
        } else {
            Self::begin(conn)
        }
    }

    /// Commits (nothing to do when no transaction was begun).
    pub fn commit(mut self) -> Result<()> {
        if !self.done {
            self.conn.prepare_cached("COMMIT")?.execute([])?;
            self.done = true;
        }
        Ok(())
    }
}

impl std::ops::Deref for Txn<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.conn
    }
}

impl Drop for Txn<'_> {
    fn drop(&mut self) {
        if !self.done {
            // Nothing more can be done if even ROLLBACK fails; the connection reports it next use.
            let _ = self
                .conn
                .prepare_cached("ROLLBACK")
                .and_then(|mut s| s.execute([]));
        }
    }
}

fn create_index_table(conn: &Connection, name: &str) -> Result<()> {
    conn.execute_batch(&format!(
        "CREATE TABLE {name} (ipk BLOB NOT NULL, isk BLOB NOT NULL, pk BLOB NOT NULL, \
         sk BLOB NOT NULL, size INTEGER NOT NULL, PRIMARY KEY (ipk, isk, pk, sk)) WITHOUT ROWID"
    ))?;
    Ok(())
}

fn count(conn: &Connection, table: &str) -> Result<(i64, i64)> {
    Ok(conn.query_row(
        &format!("SELECT count(*), coalesce(sum(size), 0) FROM {table}"),
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

fn all_indexes(desc: &TableDescription) -> impl Iterator<Item = &str> {
    desc.local_secondary_indexes
        .iter()
        .flatten()
        .chain(desc.global_secondary_indexes.iter().flatten())
        .map(|i| i.index_name.as_str())
}

fn table_meta(stored: StoredTable) -> Result<TableMeta> {
    let desc = stored.description;
    let key = KeyDef::from_schema(&desc.key_schema, &desc)?;
    let mut indexes = Vec::new();
    for (list, global) in [
        (&desc.local_secondary_indexes, false),
        (&desc.global_secondary_indexes, true),
    ] {
        for ix in list.iter().flatten() {
            let n = stored.index_ids.get(&ix.index_name).copied().unwrap_or(0);
            indexes.push(IndexMeta {
                name: ix.index_name.clone(),
                global,
                key: KeyDef::from_schema(&ix.key_schema, &desc)?,
                projection: ProjectionKind::from_projection(&ix.projection),
                number: n,
                sql: IndexSql::new(stored.id, n),
                item_count: 0,
                size_bytes: 0,
            });
        }
    }
    Ok(TableMeta {
        ttl: stored
            .ttl_attribute
            .map(|a| ttl::TtlMeta::new(stored.id, a)),
        tags: stored.tags,
        id: stored.id,
        key,
        indexes,
        next_index_id: stored.next_index_id,
        sql: TableSql::new(stored.id),
        item_count: 0,
        size_bytes: 0,
        stream: None,
        desc,
    })
}

/// Every table of a database's catalog, its counters computed from its SQLite tables (they
/// are not persisted, so they are exact after any stop).
fn read_catalog(conn: &Connection) -> Result<Vec<TableMeta>> {
    let rows: Vec<String> = {
        let mut stmt = conn.prepare("SELECT meta FROM dynoxide_catalog")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut out = Vec::with_capacity(rows.len());
    for meta in rows {
        let stored: StoredTable = serde_json::from_str(&meta)
            .map_err(|e| Error::internal(format!("catalog entry is corrupt: {e}")))?;
        if stored.format > CATALOG_FORMAT {
            return Err(Error::internal(format!(
                "the database was written by a newer Dynoxide (catalog format {}, this build reads {CATALOG_FORMAT})",
                stored.format
            )));
        }
        let mut t = table_meta(stored)?;
        (t.item_count, t.size_bytes) = count(conn, &t.sql.name)?;
        for ix in &mut t.indexes {
            (ix.item_count, ix.size_bytes) = count(conn, &ix.sql.name)?;
        }
        out.push(t);
    }
    Ok(out)
}

/// Rewrites a table's catalog row (inside the caller's transaction).
fn update_catalog(conn: &Connection, t: &TableMeta) -> Result<()> {
    conn.execute(
        "UPDATE dynoxide_catalog SET meta = ?2 WHERE name = ?1",
        params![t.desc.table_name, stored_json(t)],
    )?;
    Ok(())
}

/// A description's enabled stream: view type, ARN and label.
fn stream_setting(desc: &TableDescription) -> Option<(crate::types::StreamViewType, &str, &str)> {
    let spec = desc.stream_specification.as_ref()?;
    if spec.stream_enabled != Some(true) {
        return None;
    }
    let view = crate::types::StreamViewType::from_member(spec.stream_view_type.as_deref())?;
    Some((
        view,
        desc.latest_stream_arn.as_deref()?,
        desc.latest_stream_label.as_deref()?,
    ))
}

fn stored_json(t: &TableMeta) -> String {
    let index_ids = t
        .indexes
        .iter()
        .map(|ix| (ix.name.clone(), ix.number))
        .collect();
    let stored = StoredTable {
        format: CATALOG_FORMAT,
        id: t.id,
        next_index_id: t.next_index_id,
        index_ids,
        description: t.desc.clone(),
        ttl_attribute: t.ttl.as_ref().map(|x| x.attribute.clone()),
        tags: t.tags.clone(),
    };
    serde_json::to_string(&stored).expect("descriptions always serialise")
}
