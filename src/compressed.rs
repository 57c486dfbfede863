//! Opening a compressed database (`X.db.zst`, one zstd frame of a SQLite file, as
//! `dynoxide import --compress` writes it): decompressed into memory when small, into a
//! temporary file when large. Changes are not written back to the `.zst`.

use crate::db::Database;
use crate::error::{Error, Result};
use std::io::Read;
use std::path::Path;

/// Decompressed databases up to this size are held in memory; larger ones in a temporary
/// file.
pub const IN_MEMORY_LIMIT: u64 = 256 * 1024 * 1024;

/// True for a path naming a compressed database (`.zst`).
pub fn is_compressed(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "zst")
}

/// An opened compressed database, and the temporary file that holds it when it is large
/// (removed when this is dropped).
pub struct Opened {
    /// The database.
    pub db: Database,
    /// The temporary file of a large one.
    pub temp: Option<tempfile::TempPath>,
}

/// Opens `X.db.zst` (of an encrypted file when `key` is given): decompressed into a
/// temporary file, then copied into memory when small enough (the file is removed then),
/// else served from the file. Errors name the `.zst`, not the temporary file.
pub fn open(path: &Path, key: Option<&crate::EncryptionKey>) -> Result<Opened> {
    let fail = |e: std::io::Error| Error::internal(format!("cannot open {}: {e}", path.display()));
    let input = std::fs::File::open(path).map_err(fail)?;
    let mut dec = zstd::stream::Decoder::new(input).map_err(fail)?;
    let temp = tempfile::Builder::new()
        .prefix("dynoxide-")
        .suffix(".db")
        .tempfile()
        .map_err(fail)?;
    let (file, temp_path) = temp.into_parts();
    let mut file = file;
    let size = std::io::copy(&mut (&mut dec).take(u64::MAX), &mut file).map_err(|e| {
        Error::internal(format!(
            "{} is not a zstd-compressed database: {e}",
            path.display()
        ))
    })?;
    drop(file);
    let named = |e: Error| {
        let temp = temp_path.display().to_string();
        let shown = format!("{} (decompressed)", path.display());
        Error::new(e.code(), e.message().replace(&temp, &shown))
    };
    if size <= IN_MEMORY_LIMIT {
        let db = Database::copy_of_with_key(&temp_path, key).map_err(named)?;
        drop(temp_path);
        Ok(Opened { db, temp: None })
    } else {
        let db = Database::open(&temp_path, key).map_err(named)?;
        Ok(Opened {
            db,
            temp: Some(temp_path),
        })
    }
}
