//! The engine's handle on one database: the writer state behind its mutex, the reader
//! connections of a file database, the ClientRequestToken cache, and the region ARNs name.
//! Operations take an [`Engine`]; the public `Database` wraps one.

use super::tokens::TokenCache;
use crate::error::{Error, Result};
use crate::storage::cipher::EncryptionKey;
use crate::storage::readers::{Reader, Readers};
use crate::storage::State;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

/// The region of ARNs when none is given.
pub const DEFAULT_REGION: &str = "us-east-1";

/// A handle on one database's shared state. Cheap to clone; clones share the state.
#[derive(Clone)]
pub(crate) struct Engine {
    inner: Arc<Inner>,
    /// The region named in ARNs this handle creates (tables, indexes).
    region: Arc<str>,
    /// The address DescribeEndpoints answers (the server's, as a client reached it).
    endpoint: Option<Arc<str>>,
}

struct Inner {
    state: Mutex<State>,
    /// File databases: read-only connections, so reads don't wait behind a write.
    readers: Option<Readers>,
    /// ClientRequestToken results; locked only while `state` is held.
    tokens: Mutex<TokenCache>,
    /// The database's clock (shared with the writer state).
    clock: crate::model::clock::Clock,
}

impl Engine {
    /// A private in-memory database.
    pub fn memory() -> Result<Engine> {
        Ok(Self::with_readers(State::memory()?, None))
    }

    /// Creates or opens a SQLite file database (encrypted with `key` when given), with
    /// reader connections.
    pub fn open(path: &Path, key: Option<&EncryptionKey>) -> Result<Engine> {
        let state = State::open(path, key)?;
        let readers = Readers::new(path, &state)?;
        Ok(Self::with_readers(state, Some(readers)))
    }

    /// A private in-memory copy of a file database; the file is only read.
    pub fn copy_of(path: &Path, key: Option<&EncryptionKey>) -> Result<Engine> {
        Ok(Self::with_readers(State::copy_of(path, key)?, None))
    }

    /// Changes an encrypted file's key, and its snapshots' keys, holding the file's lock (no
    /// server may have it open). Each file is checked to open with the new key afterwards;
    /// one already under the new key is left alone, so a rotation that was interrupted or
    /// failed part way finishes when run again.
    pub fn rekey_file(path: &Path, old: &EncryptionKey, new: &EncryptionKey) -> Result<()> {
        if !path.is_file() {
            return Err(Error::validation(format!(
                "cannot change the key of {}: no such file",
                path.display()
            )));
        }
        let _lock = crate::storage::lock_database(path)?;
        let again = |e: Error| {
            Error::internal(format!(
                "{}; files already under the new key stay so: run the same command again to finish",
                e.message()
            ))
        };
        crate::storage::snapshots::rekey_all(path, old, new).map_err(again)?;
        crate::storage::cipher::rekey_path(path, old, new).map_err(again)
    }

    fn with_readers(state: State, readers: Option<Readers>) -> Engine {
        let clock = state.clock.clone();
        Engine {
            inner: Arc::new(Inner {
                clock,
                state: Mutex::new(state),
                readers,
                tokens: Mutex::default(),
            }),
            region: Arc::from(DEFAULT_REGION),
            endpoint: None,
        }
    }

    /// Checkpoints a file database's WAL into the main file (a no-op in memory).
    pub fn checkpoint(&self) -> Result<()> {
        let state = self.lock();
        // The first column is 1 when a reader or writer kept the checkpoint from finishing:
        // the WAL then still holds committed pages the main file lacks.
        let busy: i64 = state
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
        if busy != 0 {
            return Err(crate::error::Error::internal(
                "the WAL checkpoint could not finish: the database is busy",
            ));
        }
        Ok(())
    }

    /// True when reads run on their own connections (file databases).
    pub fn reads_in_parallel(&self) -> bool {
        self.inner.readers.is_some()
    }

    /// The database's clock.
    pub fn clock(&self) -> &crate::model::clock::Clock {
        &self.inner.clock
    }

    /// Now, in epoch seconds, by the database's clock.
    pub fn now(&self) -> f64 {
        self.inner.clock.now()
    }

    /// The region used in the ARNs this handle creates.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// A handle on the same state whose ARNs name `region`; a name that is not a region's
    /// shape (lowercase letters, digits and dashes, 1 to 32 characters) keeps this one's.
    pub fn with_region(&self, region: &str) -> Engine {
        let shaped = !region.is_empty()
            && region.len() <= 32
            && region
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        Engine {
            inner: Arc::clone(&self.inner),
            region: if shaped {
                Arc::from(region)
            } else {
                Arc::clone(&self.region)
            },
            endpoint: self.endpoint.clone(),
        }
    }

    /// The address DescribeEndpoints answers, when a server set one.
    pub fn endpoint(&self) -> Option<&str> {
        self.endpoint.as_deref()
    }

    /// A handle on the same state whose DescribeEndpoints answers `address`.
    pub fn with_endpoint(&self, address: &str) -> Engine {
        Engine {
            inner: Arc::clone(&self.inner),
            region: Arc::clone(&self.region),
            endpoint: Some(Arc::from(address)),
        }
    }

    /// What a read reads through: for a file database a reader connection (no wait behind
    /// a write), unless a schema change is in flight; otherwise the writer's state, locked.
    pub fn read(&self) -> Result<ReadGuard<'_>> {
        if let Some(readers) = &self.inner.readers {
            if let Some(r) = readers.begin()? {
                return Ok(ReadGuard::Reader(r));
            }
        }
        Ok(ReadGuard::Writer(self.lock()))
    }

    /// The ClientRequestToken cache; lock it only while holding [`Engine::lock`].
    pub fn tokens(&self) -> MutexGuard<'_, TokenCache> {
        self.inner
            .tokens
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Locks the connection and catalog. A panic elsewhere never wedges the database: every
    /// mutation is one SQLite transaction, so the state behind a poisoned lock is consistent.
    pub fn lock(&self) -> Writer<'_> {
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
