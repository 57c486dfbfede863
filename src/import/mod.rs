//! `dynoxide import`: a DynamoDB Export (as downloaded from S3) into a database file. The
//! tables are created from DescribeTable output, the items loaded through the write
//! pipeline's bulk path (`Database::bulk_put`: one transaction per chunk, indexes and counters
//! maintained, no stream records). The file is written beside the output under a temporary
//! name and renamed at the end, so a failed run leaves nothing at the output.

pub mod rules;
pub mod schema;
pub mod source;

use crate::db::Database;
use crate::model::Item;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Items checked and written per transaction.
const CHUNK: usize = 5_000;

/// What to import, from where, to where.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The export folder (`DIR/<Table>/data/*.json.gz`).
    pub source: PathBuf,
    /// DescribeTable output (one, or a JSON array).
    pub schema: PathBuf,
    /// The database file to write.
    pub output: PathBuf,
    /// Only these tables (each must be in the export).
    pub tables: Option<Vec<String>>,
    /// Replace an existing output file.
    pub force: bool,
    /// Skip a bad line or item (reported) instead of stopping.
    pub continue_on_error: bool,
    /// Write `OUTPUT.zst` (one zstd frame of the SQLite file) instead of the file itself.
    pub compress: bool,
    /// Anonymisation rules (TOML).
    pub rules: Option<PathBuf>,
    /// Write the output even when original values of ruled paths survive into it.
    pub accept_exposure: bool,
    /// Stops the import from another thread (a signal handler): it then fails, writing
    /// nothing.
    pub interrupt: Option<Arc<Interrupt>>,
    /// Encrypt the output with this key (an encryption build).
    pub key: Option<crate::EncryptionKey>,
}

/// A request to stop an import, from another thread. The import stops at its next line (or
/// before it moves its output into place) and writes nothing; [`Interrupt::abandon`] removes
/// its temporary files at once, unless the output is already being moved into place.
#[derive(Debug, Default)]
pub struct Interrupt {
    requested: AtomicBool,
    /// True once the import has begun to move its output into place (no stopping then).
    finishing: Mutex<bool>,
}

impl Interrupt {
    /// Asks the import to stop; true when it had been asked before.
    pub fn request(&self) -> bool {
        self.requested.swap(true, Ordering::Relaxed)
    }

    /// True once a stop was asked for.
    pub fn requested(&self) -> bool {
        self.requested.load(Ordering::Relaxed)
    }

    /// Removes the import's temporary files and returns a guard that keeps it from moving
    /// its output into place while held (exit the process holding it); `None`, and nothing
    /// removed, when the output is already being moved into place.
    pub fn abandon(&self, opts: &Options) -> Option<MutexGuard<'_, bool>> {
        let finishing = self.finishing.lock().unwrap_or_else(|p| p.into_inner());
        if *finishing {
            return None;
        }
        opts.remove_partial();
        Some(finishing)
    }

    /// Enters the last step, unless a stop was asked for.
    fn begin_finishing(&self) -> Result<(), String> {
        let mut finishing = self.finishing.lock().unwrap_or_else(|p| p.into_inner());
        if self.requested() {
            return Err(INTERRUPTED.to_string());
        }
        *finishing = true;
        Ok(())
    }
}

const INTERRUPTED: &str = "interrupted; nothing was written";

/// Why an import wrote nothing.
#[derive(Clone, Debug, PartialEq)]
pub enum Failure {
    /// Bad input, a bad schema or rules, or a storage fault.
    Error(String),
    /// Original values of ruled paths would survive into the output (exit code 3).
    Exposure(String),
}

impl Failure {
    /// The message.
    pub fn message(&self) -> &str {
        match self {
            Failure::Error(m) | Failure::Exposure(m) => m,
        }
    }

    /// The process exit code: 1, or 3 for exposure.
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Error(_) => 1,
            Failure::Exposure(_) => 3,
        }
    }
}

impl From<String> for Failure {
    fn from(m: String) -> Failure {
        Failure::Error(m)
    }
}

impl Options {
    /// The file the import produces: the output, or the output with `.zst` when compressed.
    pub fn destination(&self) -> PathBuf {
        if self.compress {
            with_suffix(&self.output, ".zst")
        } else {
            self.output.clone()
        }
    }

    /// The file this process writes before renaming it to the destination.
    pub fn temporary_path(&self) -> PathBuf {
        temporary_path(&self.destination())
    }

    /// Removes what this process's import has written so far (its temporary files). The
    /// destination and any files moved aside from it are left alone.
    pub fn remove_partial(&self) {
        let tmp = self.temporary_path();
        remove_database_files(&tmp);
        let _ = std::fs::remove_file(with_suffix(&tmp, ".zst-part"));
    }

    fn interrupted(&self) -> bool {
        self.interrupt.as_ref().is_some_and(|i| i.requested())
    }
}

/// What an import did.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    /// Items written, per table, in import order.
    pub tables: Vec<(String, usize)>,
    /// Lines skipped (with `continue_on_error`): `file:line: why`.
    pub skipped: Vec<String>,
    /// How long it took.
    pub elapsed: Duration,
    /// The file written.
    pub destination: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
    /// What each rule did.
    pub rules: Vec<rules::RuleReport>,
    /// Things worth knowing that did not stop the import (tables of the schema left out,
    /// temporary files of an interrupted import removed).
    pub notes: Vec<String>,
}

impl Summary {
    /// Every item written.
    pub fn items(&self) -> usize {
        self.tables.iter().map(|(_, n)| n).sum()
    }
}

/// How far an import is: items written and bytes of export lines read, over all tables.
#[derive(Clone, Copy, Debug, Default)]
pub struct Progress {
    /// Items written.
    pub items: usize,
    /// Bytes of lines read (decompressed).
    pub bytes: u64,
}

/// Items read and not yet written, with where each came from (`file:line`).
#[derive(Default)]
struct Chunk {
    items: Vec<Item>,
    at: Vec<String>,
}

/// Runs an import. Nothing is written at `output` unless it succeeds.
pub fn run(opts: &Options, mut progress: impl FnMut(Progress)) -> Result<Summary, Failure> {
    let started = Instant::now();
    // Rules (and their secrets) are checked before any data is read.
    let mut rules = match &opts.rules {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            Some(rules::Rules::parse(&path.display().to_string(), &text)?)
        }
        None => None,
    };
    let schema_text = std::fs::read_to_string(&opts.schema)
        .map_err(|e| format!("cannot read {}: {e}", opts.schema.display()))?;
    let creates = schema::create_requests(&opts.schema.display().to_string(), &schema_text)?;
    let sources = source::discover(&opts.source)?;
    // Which tables, checked before anything is written.
    let wanted: Vec<&source::TableSource> = match &opts.tables {
        Some(names) => {
            for n in names {
                if !sources.iter().any(|s| &s.table == n) {
                    return Err(format!(
                        "table {n} is not in the export at {}",
                        opts.source.display()
                    )
                    .into());
                }
            }
            sources
                .iter()
                .filter(|s| names.contains(&s.table))
                .collect()
        }
        None => sources.iter().collect(),
    };
    if wanted.is_empty() {
        return Err(format!("no table data found in {}", opts.source.display()).into());
    }
    let mut notes = Vec::new();
    if opts.tables.is_none() {
        for (name, _) in &creates {
            if !sources.iter().any(|s| &s.table == name) {
                notes.push(format!(
                    "table {name} is in the schema but not in the export: not created"
                ));
            }
        }
    }
    if let Some(rules) = &rules {
        let known: Vec<&str> = sources
            .iter()
            .map(|s| s.table.as_str())
            .chain(creates.iter().map(|(n, _)| n.as_str()))
            .collect();
        rules.check_tables(&known)?;
    }
    for s in &wanted {
        if let Some(why) = &s.refused {
            return Err(why.clone().into());
        }
        if !creates.iter().any(|(n, _)| n == &s.table) {
            return Err(format!(
                "table {} is in the export but not in the schema {}",
                s.table,
                opts.schema.display()
            )
            .into());
        }
    }
    let destination = opts.destination();
    if destination.exists() && !opts.force {
        return Err(format!(
            "{} exists; use --force to replace it",
            destination.display()
        )
        .into());
    }
    notes.extend(remove_stale(&destination));
    let tmp = temporary_path(&destination);
    let result = write_database(opts, &tmp, &creates, &wanted, rules.as_mut(), &mut progress)
        .map_err(Failure::Error)
        .and_then(|mut summary| {
            summary.rules = rules.as_ref().map(|r| r.reports().to_vec()).unwrap_or_default();
            summary.notes = notes;
            let exposed: Vec<String> = summary
                .rules
                .iter()
                .filter(|r| r.exposed > 0)
                .map(|r| format!("{}: {} original values kept", r.rule, r.exposed))
                .collect();
            if !exposed.is_empty() && !opts.accept_exposure {
                return Err(Failure::Exposure(format!(
                    "original values of ruled paths would survive into the output ({}); nothing was written (--accept-exposure writes it anyway)",
                    exposed.join("; ")
                )));
            }
            Ok(summary)
        });
    // The temporary file's lock is held to the end, so no other import takes it for stale.
    let held = result.is_ok().then(|| hold_lock(&tmp));
    let result = result.and_then(|summary| {
        if opts.interrupted() {
            return Err(Failure::Error(INTERRUPTED.to_string()));
        }
        if opts.compress {
            compress_in_place(&tmp)?;
        }
        if let Some(i) = &opts.interrupt {
            i.begin_finishing()?;
        }
        Ok(summary)
    });
    match result {
        Ok(mut summary) => {
            let finished = finish(&tmp, &destination);
            drop(held);
            finished?;
            summary.elapsed = started.elapsed();
            summary.bytes = std::fs::metadata(&destination).map_or(0, |m| m.len());
            summary.destination = destination;
            Ok(summary)
        }
        Err(e) => {
            drop(held);
            remove_database_files(&tmp);
            Err(e)
        }
    }
}

/// Locks a database file's `.lock` (as an open database holds it).
fn hold_lock(path: &Path) -> Option<std::fs::File> {
    crate::storage::lock_database(path).ok()
}

fn write_database(
    opts: &Options,
    tmp: &Path,
    creates: &[(String, serde_json::Value)],
    wanted: &[&source::TableSource],
    mut rules: Option<&mut rules::Rules>,
    progress: &mut impl FnMut(Progress),
) -> Result<Summary, String> {
    remove_database_files(tmp);
    create_private(tmp)?;
    let db = Database::open(tmp, opts.key.as_ref())
        .map_err(|e| format!("cannot create {}: {}", tmp.display(), e.message()))?;
    let mut summary = Summary::default();
    let mut done = Progress::default();
    for s in wanted {
        let (_, req) = creates
            .iter()
            .find(|(n, _)| n == &s.table)
            .ok_or_else(|| format!("no schema for {}", s.table))?;
        db.execute("CreateTable", req.clone()).map_err(|e| {
            format!(
                "{}: table {}: {}: {}",
                opts.schema.display(),
                s.table,
                e.code().as_str(),
                e.message()
            )
        })?;
        let mut written = 0usize;
        let mut chunk = Chunk::default();
        // A rule that changes a key attribute must keep keys unique: output key -> a digest
        // of the original key (never the original itself).
        let key_names: Vec<String> = req["KeySchema"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|k| k["AttributeName"].as_str().map(String::from))
            .collect();
        let keys_ruled = rules.as_ref().is_some_and(|r| {
            r.paths_on(&s.table)
                .iter()
                .any(|p| key_names.iter().any(|k| k == p.root()))
        });
        let mut seen_keys: std::collections::HashMap<String, [u8; 32]> = Default::default();
        let mut lines_read = 0u64;
        for file in &s.files {
            let shown = file.path.display().to_string();
            let mut count = 0u64;
            for (n, line) in source::lines(&file.path)?.enumerate() {
                if opts.interrupted() {
                    return Err(INTERRUPTED.to_string());
                }
                let at = format!("{shown}:{}", n + 1);
                // A corrupt file ends here: what follows cannot be read. A line that is not
                // text is that line's fault alone.
                let (len, line) = line?;
                done.bytes += len as u64 + 1;
                if line.as_ref().is_ok_and(|text| text.trim().is_empty()) {
                    continue;
                }
                count += 1;
                // With rules, a parse error's details could echo original values: withheld.
                let parsed = line.and_then(|text| {
                    source::item_of_line(&text).map_err(|why| {
                        if opts.rules.is_some() && !why.starts_with("not JSON") {
                            "not an export item ({\"Item\": {...}} of DynamoDB JSON; details withheld because --rules keeps values out of messages)".to_string()
                        } else {
                            why
                        }
                    })
                });
                let item = parsed.and_then(|mut item| {
                    let Some(rules) = rules.as_deref_mut() else {
                        return Ok(item);
                    };
                    let original_key = keys_ruled.then(|| key_text(&item, &key_names));
                    rules.apply(&s.table, &mut item)?;
                    if let Some(original) = original_key {
                        let digest: [u8; 32] = sha2::Digest::finalize(sha2::Digest::chain_update(
                            <sha2::Sha256 as sha2::Digest>::new(),
                            original.as_bytes(),
                        ))
                        .into();
                        let out = key_text(&item, &key_names);
                        if seen_keys.insert(out, digest).is_some_and(|d| d != digest) {
                            return Err(format!(
                                "the rules gave two different items of {} the same key",
                                s.table
                            ));
                        }
                    }
                    Ok(item)
                });
                match item {
                    Ok(item) => {
                        chunk.items.push(item);
                        chunk.at.push(at);
                    }
                    Err(why) => skip_or_fail(opts, &mut summary, format!("{at}: {why}"))?,
                }
                if chunk.items.len() >= CHUNK {
                    let n = load(&db, &s.table, &mut chunk, opts, &mut summary)?;
                    written += n;
                    done.items += n;
                    progress(done);
                }
            }
            if let Some(expected) = file.expected_items {
                if expected != count {
                    return Err(format!(
                        "{shown}: the manifest lists {expected} items, the file holds {count}"
                    ));
                }
            }
            lines_read += count;
        }
        if let Some(expected) = s.expected_items {
            if expected != lines_read {
                return Err(format!(
                    "table {}: manifest-summary.json counts {expected} items, the data files hold {lines_read}",
                    s.table
                ));
            }
        }
        let n = load(&db, &s.table, &mut chunk, opts, &mut summary)?;
        written += n;
        done.items += n;
        progress(done);
        // Items with a key seen before replaced the earlier one: the table's own count is
        // what it holds.
        let held = db
            .execute("DescribeTable", serde_json::json!({"TableName": s.table}))
            .ok()
            .and_then(|d| d["Table"]["ItemCount"].as_u64())
            .map_or(written, |n| n as usize);
        summary.tables.push((s.table.clone(), held));
    }
    db.checkpoint()
        .map_err(|e| format!("cannot finish {}: {e}", tmp.display()))?;
    drop(db);
    Ok(summary)
}

/// An item's key attributes as text (to compare keys before and after the rules).
fn key_text(item: &Item, names: &[String]) -> String {
    names
        .iter()
        .map(|n| {
            item.get(n)
                .map(|v| serde_json::to_string(v).unwrap_or_default())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join("\u{0}")
}

/// Writes a chunk; an item DynamoDB would refuse stops the import (or is skipped).
fn load(
    db: &Database,
    table: &str,
    chunk: &mut Chunk,
    opts: &Options,
    summary: &mut Summary,
) -> Result<usize, String> {
    if chunk.items.is_empty() {
        return Ok(0);
    }
    // Without continue_on_error a refused item fails the import, whose temporary file is
    // then removed: the chunk's other items written meanwhile never reach the output.
    let loaded = db
        .bulk_put(table, &chunk.items)
        .map_err(|e| format!("table {table}: {e}"))?;
    for (i, e) in &loaded.refused {
        // DynamoDB's messages can quote a value (a number that does not parse): with rules,
        // values stay out of messages.
        let why = if opts.rules.is_some() {
            format!(
                "{}: {} (message withheld because --rules keeps values out of messages)",
                chunk.at[*i],
                e.code().as_str()
            )
        } else {
            format!("{}: {}: {}", chunk.at[*i], e.code().as_str(), e.message())
        };
        skip_or_fail(opts, summary, why)?;
    }
    chunk.items.clear();
    chunk.at.clear();
    Ok(loaded.written)
}

fn skip_or_fail(opts: &Options, summary: &mut Summary, what: String) -> Result<(), String> {
    if opts.continue_on_error {
        summary.skipped.push(what);
        Ok(())
    } else {
        Err(what)
    }
}

/// Replaces a finished SQLite file with one zstd frame of it (same name, still temporary).
fn compress_in_place(tmp: &Path) -> Result<(), String> {
    let packed = with_suffix(tmp, ".zst-part");
    let run = || -> std::io::Result<()> {
        let mut input = std::fs::File::open(tmp)?;
        let mut o = std::fs::OpenOptions::new();
        o.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
        let out = o.open(&packed)?;
        let mut enc = zstd::stream::Encoder::new(out, 3)?;
        if let Ok(meta) = input.metadata() {
            let _ = enc.set_pledged_src_size(Some(meta.len()));
        }
        std::io::copy(&mut input, &mut enc)?;
        enc.finish()?.sync_all()?;
        std::fs::rename(&packed, tmp)
    };
    run().map_err(|e| {
        let _ = std::fs::remove_file(&packed);
        format!("cannot compress {}: {e}", tmp.display())
    })
}

/// `OUT.db` -> `OUT.db.importing-<pid>` beside it (same folder, so the rename is atomic).
fn temporary_path(output: &Path) -> PathBuf {
    let mut name = output.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".importing-{}", std::process::id()));
    output.with_file_name(name)
}

/// Removes the temporary files of imports to the same output (compressed or not) whose
/// process is gone (killed before it could clean up), and says which. Only where it can
/// tell: a process's liveness is read from `/proc`, and a file whose `.lock` is held is never
/// touched.
fn remove_stale(destination: &Path) -> Vec<String> {
    let Some(name) = destination.file_name().and_then(|n| n.to_str()) else {
        return Vec::new();
    };
    let dir = match destination.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !Path::new("/proc/self").exists() {
        return Vec::new();
    }
    let base = name.strip_suffix(".zst").unwrap_or(name);
    let prefixes = [
        format!("{base}.importing-"),
        format!("{base}.zst.importing-"),
    ];
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    // Each temporary file (or what is left beside it): `<prefix><pid>[suffix]`.
    let mut stale: Vec<PathBuf> = Vec::new();
    for entry in entries.flatten() {
        let file = entry.file_name();
        let Some(file) = file.to_str() else { continue };
        for prefix in &prefixes {
            let Some(rest) = file.strip_prefix(prefix.as_str()) else {
                continue;
            };
            let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            let Ok(pid) = rest[..digits].parse::<u32>() else {
                continue;
            };
            let path = dir.join(format!("{prefix}{pid}"));
            if pid != std::process::id()
                && !Path::new(&format!("/proc/{pid}")).exists()
                && !stale.contains(&path)
            {
                stale.push(path);
            }
        }
    }
    stale.sort();
    let mut removed = Vec::new();
    for path in stale {
        let lock_held = std::fs::OpenOptions::new()
            .write(true)
            .open(with_suffix(&path, ".lock"))
            .is_ok_and(|f| f.try_lock().is_err());
        if lock_held {
            continue;
        }
        // Killed while moving its output into place: the old output's WAL files, moved
        // aside, go back while the old output is still there (its rename did not happen).
        let output = path
            .to_str()
            .and_then(|p| p.rsplit_once(".importing-"))
            .map(|(o, _)| PathBuf::from(o));
        for suffix in ["-wal", "-shm", "-journal"] {
            let aside = with_suffix(&path, &format!("{suffix}-replaced"));
            if !aside.exists() {
                continue;
            }
            let back = output.as_ref().map(|o| with_suffix(o, suffix));
            match back {
                Some(back) if path.exists() && !back.exists() => {
                    let _ = std::fs::rename(&aside, &back);
                }
                _ => {
                    let _ = std::fs::remove_file(&aside);
                }
            }
        }
        remove_database_files(&path);
        let _ = std::fs::remove_file(with_suffix(&path, ".zst-part"));
        removed.push(format!(
            "removed {}, left by an import that did not finish",
            path.display()
        ));
    }
    removed
}

/// Creates an empty file readable by its owner only (SQLite then writes into it).
fn create_private(path: &Path) -> Result<(), String> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    o.open(path)
        .map(|_| ())
        .map_err(|e| format!("cannot create {}: {e}", path.display()))
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

/// A database file and what SQLite and Dynoxide keep beside it.
fn remove_database_files(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal", ".lock"] {
        let _ = std::fs::remove_file(with_suffix(path, suffix));
    }
}

/// Moves the finished file to the output. A replaced output's WAL files are moved aside
/// first (SQLite would apply them to the new file) and put back if the rename fails; a
/// Dynoxide that has the output open (its `.lock` held) is never replaced under it.
fn finish(tmp: &Path, output: &Path) -> Result<(), String> {
    let lock_path = with_suffix(output, ".lock");
    let lock_existed = lock_path.exists();
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| format!("cannot open {}: {e}", lock_path.display()))?;
    if crate::storage::try_lock_briefly(&lock).is_err() {
        remove_database_files(tmp);
        if !lock_existed {
            let _ = std::fs::remove_file(&lock_path);
        }
        return Err(format!(
            "{} is open in a running Dynoxide; stop it before replacing the file",
            output.display()
        ));
    }
    for suffix in ["-wal", "-shm", ".lock"] {
        let _ = std::fs::remove_file(with_suffix(tmp, suffix));
    }
    let mut aside = Vec::new();
    for suffix in ["-wal", "-shm", "-journal"] {
        let old = with_suffix(output, suffix);
        let moved = with_suffix(tmp, &format!("{suffix}-replaced"));
        if std::fs::rename(&old, &moved).is_ok() {
            aside.push((old, moved));
        }
    }
    let result = std::fs::rename(tmp, output);
    if !lock_existed {
        let _ = std::fs::remove_file(&lock_path);
    }
    drop(lock);
    match result {
        Ok(()) => {
            for (_, moved) in aside {
                let _ = std::fs::remove_file(moved);
            }
            Ok(())
        }
        Err(e) => {
            for (old, moved) in aside {
                let _ = std::fs::rename(moved, old);
            }
            remove_database_files(tmp);
            Err(format!(
                "cannot move the import to {}: {e}",
                output.display()
            ))
        }
    }
}
