//! Read-only connections of a file database, so reads don't wait behind the writer: SQLite's
//! WAL gives each reader a consistent snapshot while a write is in progress.
//!
//! A reader reads with a snapshot of the catalog taken after the last schema change. It pins
//! its WAL snapshot first and checks SQLite's `schema_version` against the catalog snapshot's:
//! if a schema change committed in between, the caller reads through the writer instead.

use super::read::View;
use super::schema::TableMeta;
use super::State;
use crate::error::Result;
use rusqlite::{Connection, OpenFlags};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

/// Idle reader connections kept for reuse.
const MAX_IDLE: usize = 8;

/// The catalog as of one schema version.
pub(crate) struct Snapshot {
    schema_version: i64,
    tables: BTreeMap<String, TableMeta>,
}

/// The reader connections of one file database and the catalog snapshot they read with.
pub(crate) struct Readers {
    path: PathBuf,
    /// The file's key, when it is encrypted.
    key: Option<super::cipher::EncryptionKey>,
    idle: Mutex<Vec<Connection>>,
    snapshot: RwLock<Arc<Snapshot>>,
}

fn schema_version(conn: &Connection) -> Result<i64> {
    Ok(conn
        .prepare_cached("PRAGMA schema_version")?
        .query_row([], |r| r.get(0))?)
}

impl Readers {
    /// Readers for the file the writer `state` has open.
    pub fn new(path: &Path, state: &State) -> Result<Readers> {
        Ok(Readers {
            path: path.to_path_buf(),
            key: state.key.clone(),
            idle: Mutex::new(Vec::new()),
            snapshot: RwLock::new(Arc::new(Snapshot {
                schema_version: schema_version(&state.conn)?,
                tables: state.tables.clone(),
            })),
        })
    }

    /// Publishes the writer's catalog after a committed schema change. If the version cannot
    /// be read, the old snapshot stays and readers fall back to the writer.
    pub fn publish(&self, state: &State) {
        if let Ok(v) = schema_version(&state.conn) {
            let snap = Arc::new(Snapshot {
                schema_version: v,
                tables: state.tables.clone(),
            });
            *self.snapshot.write().unwrap_or_else(|p| p.into_inner()) = snap;
        }
    }

    fn open(&self) -> Result<Connection> {
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        super::cipher::key_connection(&conn, &self.path, self.key.as_ref())?;
        conn.set_prepared_statement_cache_capacity(512);
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        crate::sqlfuncs::register(&conn)?;
        Ok(conn)
    }

    /// A reader pinned to one WAL snapshot whose schema matches the catalog snapshot, or
    /// `None` when a schema change is between them (read through the writer then).
    pub fn begin(&self) -> Result<Option<Reader<'_>>> {
        let snap = self
            .snapshot
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let pooled = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let conn = match pooled {
            Some(c) => c,
            None => self.open()?,
        };
        conn.prepare_cached("BEGIN")?.execute([])?;
        let reader = Reader {
            conn: Some(conn),
            snap,
            pool: self,
        };
        // The first read of the transaction pins the snapshot; it must match the catalog's.
        let v = schema_version(reader.conn.as_ref().expect("just set"))?;
        Ok((v == reader.snap.schema_version).then_some(reader))
    }
}

/// A reader connection in a read transaction, returned to the pool when dropped.
pub(crate) struct Reader<'a> {
    conn: Option<Connection>,
    snap: Arc<Snapshot>,
    pool: &'a Readers,
}

impl Reader<'_> {
    /// The connection and catalog to read with.
    pub fn view(&self) -> View<'_> {
        View {
            conn: self.conn.as_ref().expect("held until drop"),
            tables: &self.snap.tables,
        }
    }
}

impl Drop for Reader<'_> {
    fn drop(&mut self) {
        let Some(conn) = self.conn.take() else { return };
        // A connection that cannot end its read transaction is dropped, not reused.
        let ended = conn
            .prepare_cached("COMMIT")
            .and_then(|mut s| s.execute([]))
            .is_ok();
        let mut idle = self.pool.idle.lock().unwrap_or_else(|p| p.into_inner());
        if ended && idle.len() < MAX_IDLE {
            idle.push(conn);
        }
    }
}
