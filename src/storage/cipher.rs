//! Encryption at rest: SQLCipher keys, and keying each connection a database opens. Built
//! with the `encryption` feature (SQLCipher in place of SQLite); without it a key is refused
//! with a message saying how to build one that takes it.

use crate::error::{Error, Result};
use rusqlite::Connection;
use std::path::Path;

/// A SQLCipher key: 32 bytes, written as 64 hexadecimal characters (`openssl rand -hex 32`).
/// Its bytes are zeroed when it is dropped, and never printed.
#[derive(Clone)]
pub struct EncryptionKey([u8; 32]);

impl std::fmt::Debug for EncryptionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EncryptionKey(..)")
    }
}

impl Drop for EncryptionKey {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

impl EncryptionKey {
    /// True when this build can open encrypted databases (the `encryption` feature).
    pub const AVAILABLE: bool = cfg!(feature = "encryption");

    /// Parses 64 hexadecimal characters (surrounding whitespace, such as a file's last
    /// newline, is ignored). Errors say what is wrong, never what the text was.
    pub fn from_hex(text: &str) -> Result<EncryptionKey> {
        let text = text.trim();
        let n = text.chars().count();
        if n != 64 {
            return Err(Error::validation(format!(
                "an encryption key is 64 hexadecimal characters (32 bytes, as `openssl rand -hex 32` prints); this one has {n}"
            )));
        }
        if let Some(at) = text.chars().position(|c| !c.is_ascii_hexdigit()) {
            return Err(Error::validation(format!(
                "an encryption key holds hexadecimal characters only (0-9, a-f, A-F); character {} is not one",
                at + 1
            )));
        }
        let mut key = [0u8; 32];
        for (i, pair) in text.as_bytes().chunks(2).enumerate() {
            let digit = |c: u8| (c as char).to_digit(16).unwrap_or(0) as u8;
            key[i] = digit(pair[0]) << 4 | digit(pair[1]);
        }
        Ok(EncryptionKey(key))
    }

    /// Reads a key file (64 hexadecimal characters). On Unix a file that its group or others
    /// may read is refused: the key would not be secret.
    pub fn from_file(path: &Path) -> Result<EncryptionKey> {
        // A key given where its file's path belongs must not be printed back.
        let looks_like_key = path.to_str().is_some_and(|p| Self::from_hex(p).is_ok());
        if looks_like_key {
            return Err(Error::validation(
                "the key file's path looks like a key itself: give the path of a file that holds the key",
            ));
        }
        let shown = path.display();
        let meta = std::fs::metadata(path)
            .map_err(|e| Error::validation(format!("cannot read the key file {shown}: {e}")))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                return Err(Error::validation(format!(
                    "the key file {shown} can be read by its group or others (mode {mode:03o}); make it private with `chmod 600 {shown}`"
                )));
            }
        }
        #[cfg(not(unix))]
        let _ = meta;
        let text = std::fs::read_to_string(path)
            .map(zeroize::Zeroizing::new)
            .map_err(|e| Error::validation(format!("cannot read the key file {shown}: {e}")))?;
        Self::from_hex(&text)
            .map_err(|e| Error::validation(format!("the key file {shown}: {}", e.message())))
    }

    /// The key in SQLCipher's raw-key form, `x'<hex>'`: only hex digits of our own making
    /// reach the pragma's text.
    #[cfg_attr(not(feature = "encryption"), allow(dead_code))]
    fn raw(&self) -> zeroize::Zeroizing<String> {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        let mut s = zeroize::Zeroizing::new(String::with_capacity(67));
        s.push_str("x'");
        for b in self.0 {
            s.push(HEX[usize::from(b >> 4)] as char);
            s.push(HEX[usize::from(b & 15)] as char);
        }
        s.push('\'');
        s
    }
}

/// Why a key cannot be used by this build.
fn unavailable() -> Error {
    Error::internal(
        "this build of dynoxide has no encryption: build it with `--no-default-features --features encrypted-full` (or encrypted-server)",
    )
}

/// Keys a newly opened connection to `path` and checks the key reads it; without a key,
/// checks that the file is not an encrypted one (whose pages would read as garbage).
pub(crate) fn key_connection(
    conn: &Connection,
    path: &Path,
    key: Option<&EncryptionKey>,
) -> Result<()> {
    let Some(key) = key else {
        return refuse_encrypted(path);
    };
    if !EncryptionKey::AVAILABLE {
        return Err(unavailable());
    }
    if try_key(conn, key)? {
        Ok(())
    } else {
        Err(wrong_key(path))
    }
}

/// Keys `conn` and reads its schema: false when the key does not decrypt the file.
fn try_key(conn: &Connection, key: &EncryptionKey) -> Result<bool> {
    // SQLCipher logs failed decryptions to stderr itself; our error says it once.
    conn.execute_batch("PRAGMA cipher_log_level = NONE")?;
    conn.pragma_update(None, "key", &*key.raw())?;
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    }) {
        Ok(_) => Ok(true),
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::NotADatabase =>
        {
            Ok(false)
        }
        Err(e) => Err(e.into()),
    }
}

/// True when the existing file at `path` opens with `key`.
fn opens_with(path: &Path, key: &EncryptionKey) -> Result<bool> {
    let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    try_key(&conn, key)
}

/// Moves one encrypted file (whose lock the caller holds) from `old` to `new`, its WAL
/// folded in. A file already under `new` is left as it is. SQLCipher's rekey reports
/// success even when it rolled back (a full disk, say), so the file is opened with the new
/// key afterwards to know.
pub(crate) fn rekey_path(path: &Path, old: &EncryptionKey, new: &EncryptionKey) -> Result<()> {
    if !EncryptionKey::AVAILABLE {
        return Err(unavailable());
    }
    if opens_with(path, new)? {
        return Ok(());
    }
    let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    key_connection(&conn, path, Some(old))?;
    conn.pragma_update(None, "rekey", &*new.raw())?;
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    drop(conn);
    if opens_with(path, new)? {
        Ok(())
    } else {
        Err(Error::internal(format!(
            "cannot re-encrypt {}: SQLCipher could not rewrite it (is the disk full?); it still opens with the old key",
            path.display()
        )))
    }
}

fn wrong_key(path: &Path) -> Error {
    Error::internal(format!(
        "cannot open {}: wrong key or not an encrypted database",
        path.display()
    ))
}

/// A file whose first bytes are not SQLite's header is refused (an encrypted file starts
/// with random salt): a clear error rather than "not a database" later.
fn refuse_encrypted(path: &Path) -> Result<()> {
    use std::io::Read;
    let mut header = [0u8; 16];
    let read = std::fs::File::open(path).and_then(|mut f| f.read(&mut header));
    match read {
        Ok(16) if &header != b"SQLite format 3\0" => Err(Error::internal(format!(
            "{} is encrypted (or not a SQLite database): give its key with --encryption-key-file or DYNOXIDE_ENCRYPTION_KEY",
            path.display()
        ))),
        _ => Ok(()),
    }
}

/// Attaches another database file, read-only, to `conn` under `schema` (`src`, `snap`),
/// keyed like the main one: both names and the key are bound parameters.
pub(crate) fn attach(
    conn: &Connection,
    path: &Path,
    schema: &'static str,
    key: Option<&EncryptionKey>,
) -> Result<()> {
    let text = read_only_uri(path)?;
    let attached = if EncryptionKey::AVAILABLE {
        // An empty key attaches a plain file (SQLCipher would otherwise use the main key).
        let raw = key.map(EncryptionKey::raw).unwrap_or_default();
        conn.execute(
            "ATTACH DATABASE ?1 AS ?2 KEY ?3",
            rusqlite::params![text, schema, raw.as_str()],
        )
    } else if key.is_some() {
        return Err(unavailable());
    } else {
        conn.execute("ATTACH DATABASE ?1 AS ?2", rusqlite::params![text, schema])
    };
    attached.map_err(|e| match &e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::NotADatabase => {
            wrong_key(path)
        }
        _ => e.into(),
    })?;
    Ok(())
}

/// `file:<path>?mode=ro`, the path percent-encoded: the attached file is only read, and
/// never checkpointed or changed when the connection closes.
fn read_only_uri(path: &Path) -> Result<String> {
    let text = path
        .to_str()
        .ok_or_else(|| Error::internal(format!("{} is not a UTF-8 path", path.display())))?;
    let mut uri = String::from("file:");
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'.' | b'_' | b'~') {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri.push_str("?mode=ro");
    Ok(uri)
}

/// Copies every table and index of the attached `schema` into `main` (SQLCipher's export:
/// the backup API refuses encrypted databases).
pub(crate) fn export_into_main(conn: &Connection, schema: &'static str) -> Result<()> {
    if !EncryptionKey::AVAILABLE {
        return Err(unavailable());
    }
    conn.query_row("SELECT sqlcipher_export('main', ?1)", [schema], |_| Ok(()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_parse_from_64_hex_characters_and_errors_never_show_them() {
        let good = "2dd29ca851e7b56e4697b0e1f08507293d761a05ce4d1b628663f411a8086d99";
        let k = EncryptionKey::from_hex(&format!("{good}\n")).unwrap();
        assert_eq!(*k.raw(), format!("x'{}'", good.to_uppercase()));
        assert_eq!(format!("{k:?}"), "EncryptionKey(..)");
        let e = EncryptionKey::from_hex(&good[..10]).unwrap_err();
        assert!(e.message().ends_with("this one has 10"), "{}", e.message());
        let e = EncryptionKey::from_hex(&good.replace('d', "z")).unwrap_err();
        assert!(
            e.message().ends_with("character 2 is not one"),
            "{}",
            e.message()
        );
        assert!(!e.message().contains("2zz"));
        // The key given in place of its file's path is not printed back.
        let e = EncryptionKey::from_file(Path::new(good)).unwrap_err();
        assert!(e.message().contains("looks like a key itself"));
        assert!(!e.message().contains(good));
    }

    #[cfg(unix)]
    #[test]
    fn a_key_file_others_can_read_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key");
        std::fs::write(&path, "ab".repeat(32)).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let e = EncryptionKey::from_file(&path).unwrap_err();
        assert!(
            e.message()
                .contains("can be read by its group or others (mode 644)"),
            "{}",
            e.message()
        );
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(EncryptionKey::from_file(&path).is_ok());
    }
}
