//! Snapshots: point-in-time copies of the whole database. A file database writes them with
//! `VACUUM INTO` (the path a bound parameter) into a `snapshots/` folder beside the file; an
//! in-memory database keeps them in memory through SQLite's backup API. Restoring copies a
//! snapshot over the live database in one backup step under the writer lock, then reloads the
//! catalog: nothing half restored is ever seen.

use super::State;
use crate::error::{Error, Result};
use rusqlite::{Connection, OpenFlags};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Automatic snapshots are named with this prefix; names users give may not start with it.
pub(crate) const AUTO_PREFIX: &str = "auto-";
/// Automatic snapshots kept (older ones are deleted when a new one is taken).
pub(crate) const AUTO_KEEP: usize = 10;

/// One snapshot, as listed.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct SnapshotInfo {
    /// Its name.
    pub name: String,
    /// When it was taken (epoch seconds).
    pub created: f64,
    /// Its size in bytes.
    pub size_bytes: u64,
    /// True when taken automatically (before a table was deleted through MCP).
    pub automatic: bool,
}

/// Where a database keeps its snapshots.
pub(crate) enum Store {
    /// In memory: connections holding the copies.
    Memory(BTreeMap<String, (Connection, SnapshotInfo)>),
    /// A file database's `snapshots/` folder.
    Dir(PathBuf),
}

impl Default for Store {
    fn default() -> Store {
        Store::Memory(BTreeMap::new())
    }
}

/// A snapshot name: 1 to 64 letters, digits, `-`, `_` and `.`, not starting with `.`.
pub(crate) fn check_name(name: &str) -> Result<()> {
    let ok = (1..=64).contains(&name.len())
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if ok {
        Ok(())
    } else {
        Err(Error::validation(format!(
            "Invalid snapshot name: {name:?} (1 to 64 letters, digits, '-', '_' or '.', not starting with '.')"
        )))
    }
}

fn not_found(name: &str) -> Error {
    Error::new(
        crate::ErrorCode::ResourceNotFoundException,
        format!("Snapshot not found: {name}"),
    )
}

fn io(e: std::io::Error, what: &str) -> Error {
    Error::internal(format!("{what}: {e}"))
}

/// The snapshot files of a snapshots folder, by name (none when the folder does not exist):
/// `<name>.db` with a name [`check_name`] accepts.
fn files_in(dir: &Path) -> Result<Vec<(String, std::fs::DirEntry)>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io(e, "cannot read the snapshots folder")),
    };
    Ok(entries
        .flatten()
        .filter_map(|entry| {
            let file = entry.file_name();
            let name = file.to_str()?.strip_suffix(".db")?;
            check_name(name).ok()?;
            Some((name.to_string(), entry))
        })
        .collect())
}

/// Where a file database keeps its snapshots: `snapshots/<file name>/` beside it, so that
/// databases in one folder keep theirs apart.
pub(crate) fn dir_of(db_path: &Path) -> PathBuf {
    let dir = db_path.parent().unwrap_or(Path::new("."));
    let own = db_path
        .file_name()
        .map_or_else(|| "db".into(), |n| n.to_os_string());
    dir.join("snapshots").join(own)
}

impl Store {
    fn file(dir: &std::path::Path, name: &str) -> PathBuf {
        dir.join(format!("{name}.db"))
    }
}

impl State {
    /// Takes a snapshot named `name` of the whole database (a name already taken is an
    /// error).
    pub fn create_snapshot(&mut self, name: &str, automatic: bool) -> Result<SnapshotInfo> {
        check_name(name)?;
        if self.list_snapshots()?.iter().any(|s| s.name == name) {
            return Err(Error::new(
                crate::ErrorCode::ResourceInUseException,
                format!("Snapshot already exists: {name}"),
            ));
        }
        let created = self.clock.now();
        match &mut self.snapshots {
            Store::Memory(map) => {
                let mut copy = Connection::open_in_memory()?;
                copy_all(&self.conn, &mut copy)?;
                let size = db_size(&copy)?;
                let info = SnapshotInfo {
                    name: name.to_string(),
                    created,
                    size_bytes: size,
                    automatic,
                };
                map.insert(name.to_string(), (copy, info.clone()));
                Ok(info)
            }
            Store::Dir(dir) => {
                std::fs::create_dir_all(&*dir)
                    .map_err(|e| io(e, "cannot create the snapshots folder"))?;
                let path = Store::file(dir, name);
                let text = path
                    .to_str()
                    .ok_or_else(|| Error::internal("the snapshots folder's path is not UTF-8"))?
                    .to_string();
                self.conn.execute("VACUUM INTO ?1", [&text])?;
                let size = std::fs::metadata(&path).map_or(0, |m| m.len());
                Ok(SnapshotInfo {
                    name: name.to_string(),
                    created,
                    size_bytes: size,
                    automatic,
                })
            }
        }
    }

    /// Every snapshot, oldest first.
    pub fn list_snapshots(&self) -> Result<Vec<SnapshotInfo>> {
        let mut out: Vec<SnapshotInfo> = match &self.snapshots {
            Store::Memory(map) => map.values().map(|(_, info)| info.clone()).collect(),
            Store::Dir(dir) => {
                let mut out = Vec::new();
                for (name, entry) in files_in(dir)? {
                    let meta = entry
                        .metadata()
                        .map_err(|e| io(e, "cannot read a snapshot"))?;
                    let created = meta
                        .modified()
                        .ok()
                        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                        .map_or(0.0, |d| d.as_millis() as f64 / 1000.0);
                    out.push(SnapshotInfo {
                        name: name.clone(),
                        created,
                        size_bytes: meta.len(),
                        automatic: name.starts_with(AUTO_PREFIX),
                    });
                }
                out
            }
        };
        // Same-millisecond names end -2, -3, ... -10: shorter names first keeps that order.
        out.sort_by(|a, b| {
            a.created
                .total_cmp(&b.created)
                .then(a.name.len().cmp(&b.name.len()))
                .then(a.name.cmp(&b.name))
        });
        Ok(out)
    }

    /// Deletes a snapshot.
    pub fn delete_snapshot(&mut self, name: &str) -> Result<()> {
        check_name(name)?;
        match &mut self.snapshots {
            Store::Memory(map) => map.remove(name).map(|_| ()).ok_or_else(|| not_found(name)),
            Store::Dir(dir) => match std::fs::remove_file(Store::file(dir, name)) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(not_found(name)),
                Err(e) => Err(io(e, "cannot delete the snapshot")),
            },
        }
    }

    /// Replaces the whole database with a snapshot, in one backup step, and reloads the
    /// catalog from it.
    pub fn restore_snapshot(&mut self, name: &str) -> Result<()> {
        check_name(name)?;
        let opened;
        let src: &Connection = match &self.snapshots {
            Store::Memory(map) => &map.get(name).ok_or_else(|| not_found(name))?.0,
            Store::Dir(dir) => {
                let path = Store::file(dir, name);
                if !path.exists() {
                    return Err(not_found(name));
                }
                opened = Connection::open_with_flags(
                    &path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                super::cipher::key_connection(&opened, &path, self.key.as_ref())?;
                &opened
            }
        };
        // A snapshot this build cannot load is refused before anything is replaced.
        State::check_catalog(src).map_err(|e| {
            Error::validation(format!(
                "Snapshot {name} cannot be restored: {}",
                e.message()
            ))
        })?;
        if let (Some(_), Store::Dir(dir)) = (&self.key, &self.snapshots) {
            let path = Store::file(dir, name);
            self.restore_encrypted(&path)?;
            return self.reload();
        }
        // One step: the destination is locked for the whole copy, so readers see the data
        // before or after it, never between.
        copy_all(src, &mut self.conn)?;
        self.reload()
    }

    /// Restores an encrypted file's snapshot in one transaction (readers see the data
    /// before or after it, never between): drop every table, then copy the snapshot's in
    /// with SQLCipher's export, as the backup API refuses encrypted databases.
    fn restore_encrypted(&mut self, path: &Path) -> Result<()> {
        super::cipher::attach(&self.conn, path, "snap", self.key.as_ref())?;
        let result = (|| -> Result<()> {
            let tx = self.conn.transaction()?;
            let names: Vec<String> = tx
                .prepare("SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for name in names {
                // Only names of our own making (t<id>..., dynoxide_...) reach SQL text.
                if !name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
                {
                    return Err(Error::internal(format!(
                        "the database holds a table this build did not make ({name:?}); not restoring over it"
                    )));
                }
                tx.execute_batch(&format!("DROP TABLE main.{name}"))?;
            }
            super::cipher::export_into_main(&tx, "snap")?;
            tx.commit()?;
            Ok(())
        })();
        let detached = self.conn.execute_batch("DETACH DATABASE snap");
        result?;
        detached?;
        Ok(())
    }

    /// Deletes the oldest automatic snapshots beyond [`AUTO_KEEP`].
    pub fn prune_automatic_snapshots(&mut self) -> Result<()> {
        let autos: Vec<String> = self
            .list_snapshots()?
            .into_iter()
            .filter(|s| s.automatic)
            .map(|s| s.name)
            .collect();
        let excess = autos.len().saturating_sub(AUTO_KEEP);
        for name in &autos[..excess] {
            self.delete_snapshot(name)?;
        }
        Ok(())
    }
}

/// Moves every snapshot of the database at `db_path` from key `old` to `new`, keeping each
/// file's time (its place in the list). One already under `new` is left as it is, so an
/// interrupted rotation finishes when run again.
pub(crate) fn rekey_all(
    db_path: &Path,
    old: &super::cipher::EncryptionKey,
    new: &super::cipher::EncryptionKey,
) -> Result<()> {
    let mut files: Vec<PathBuf> = files_in(&dir_of(db_path))?
        .into_iter()
        .map(|(_, entry)| entry.path())
        .collect();
    files.sort();
    for path in files {
        let modified = std::fs::metadata(&path).and_then(|m| m.modified());
        super::cipher::rekey_path(&path, old, new)?;
        if let Ok(time) = modified {
            // Best effort: a lost time only moves the snapshot in the list.
            let _ = std::fs::File::options()
                .write(true)
                .open(&path)
                .and_then(|f| f.set_modified(time));
        }
    }
    Ok(())
}

/// Copies a whole database over another in one backup step (every page at once), so that
/// other connections see the destination before or after, never between.
fn copy_all(src: &Connection, dst: &mut Connection) -> Result<()> {
    use rusqlite::backup::{Backup, StepResult};
    let backup = Backup::new(src, dst)?;
    // Busy or locked: another connection holds a lock for a moment; try again shortly.
    for _ in 0..200 {
        match backup.step(-1)? {
            StepResult::Done => return Ok(()),
            StepResult::More | StepResult::Busy | StepResult::Locked => {
                std::thread::sleep(std::time::Duration::from_millis(5))
            }
            _ => {}
        }
    }
    Err(Error::internal(
        "the snapshot copy did not finish: the database stayed locked",
    ))
}

/// A database's size: pages times page size.
fn db_size(conn: &Connection) -> Result<u64> {
    let pages: i64 = conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
    let size: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
    Ok((pages * size).max(0) as u64)
}
