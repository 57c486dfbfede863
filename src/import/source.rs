//! The DynamoDB Export layout as downloaded: `DIR/<Table>/data/*.json.gz` (gzip JSON Lines,
//! one `{"Item": {...}}` per line), also `.json`, `.jsonl` and `.jsonl.gz`, and the export's
//! `manifest-summary.json` (format, total item count) and `manifest-files.json` (the data
//! files and their item counts) when present.

use serde_json::Value;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// One table's data in the export.
#[derive(Debug)]
pub struct TableSource {
    /// The table's name (its folder's name).
    pub table: String,
    /// Its data files, in name order (or the manifest's order); none for an empty table.
    pub files: Vec<DataFile>,
    /// `itemCount` from `manifest-summary.json`: items over all the files.
    pub expected_items: Option<u64>,
    /// Why this table's export cannot be imported (its summary manifest names a format this
    /// import does not read, or is not JSON); checked only for the tables imported.
    pub refused: Option<String>,
}

/// One data file, and the items the manifest says it holds (when there is a manifest).
#[derive(Debug)]
pub struct DataFile {
    /// Where it is.
    pub path: PathBuf,
    /// `itemCount` from `manifest-files.json`.
    pub expected_items: Option<u64>,
}

const EXTENSIONS: &[&str] = &[".json.gz", ".jsonl.gz", ".json", ".jsonl"];

/// The tables of an export folder: each subfolder with a `data/` folder, a manifest, or data
/// files of its own is a table named after the subfolder (an empty table's export has a
/// `data/` folder and no files).
pub fn discover(dir: &Path) -> Result<Vec<TableSource>, String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read the source folder {}: {e}", dir.display()))?;
    let mut tables = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if !path.is_dir() {
            continue;
        }
        let Some(name) = path.file_name().and_then(|n| n.to_str()).map(String::from) else {
            continue;
        };
        let has_data_dir = path.join("data").is_dir();
        let data = if has_data_dir {
            path.join("data")
        } else {
            path.clone()
        };
        let (summary_present, expected_items, refused) = match read_summary(&path) {
            Ok(Some(count)) => (true, count, None),
            Ok(None) => (false, None, None),
            Err(why) => (true, None, Some(why)),
        };
        // A refused export's file manifest is not read either.
        let manifest = if refused.is_some() {
            None
        } else {
            read_manifest(&path, &data)?
        };
        let is_table = has_data_dir || manifest.is_some() || summary_present;
        let files = match manifest {
            Some(files) => files,
            None => data_files(&data)?,
        };
        if is_table || !files.is_empty() {
            tables.push(TableSource {
                table: name,
                files,
                expected_items,
                refused,
            });
        }
    }
    tables.sort_by(|a, b| a.table.cmp(&b.table));
    Ok(tables)
}

/// `manifest-summary.json`, when present: `Some(itemCount)`. Formats this import cannot
/// read (ION, incremental exports) are refused here, before anything is written.
fn read_summary(table_dir: &Path) -> Result<Option<Option<u64>>, String> {
    let path = table_dir.join("manifest-summary.json");
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let summary: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: not JSON: {e}", path.display()))?;
    if !summary.is_object() {
        return Err(format!("{}: not a JSON object", path.display()));
    }
    match summary["outputFormat"].as_str() {
        None | Some("DYNAMODB_JSON") => {}
        Some(other) => {
            return Err(format!(
                "{}: outputFormat {other:?} cannot be imported; export with DYNAMODB_JSON",
                path.display()
            ))
        }
    }
    match summary["exportType"].as_str() {
        None | Some("FULL_EXPORT") => {}
        Some(other) => {
            return Err(format!(
                "{}: exportType {other:?} cannot be imported; use a full export",
                path.display()
            ))
        }
    }
    Ok(Some(summary["itemCount"].as_u64()))
}

fn data_files(dir: &Path) -> Result<Vec<DataFile>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            // Not only regular files: a named pipe streams an export too.
            p.exists()
                && !p.is_dir()
                && p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                    EXTENSIONS.iter().any(|ext| n.ends_with(ext)) && !n.starts_with("manifest-")
                })
        })
        .collect();
    files.sort();
    Ok(files
        .into_iter()
        .map(|path| DataFile {
            path,
            expected_items: None,
        })
        .collect())
}

/// `manifest-files.json` (JSON Lines of `{"itemCount", "dataFileS3Key", ...}`), when present:
/// its data files, found by name in the data folder.
fn read_manifest(table_dir: &Path, data: &Path) -> Result<Option<Vec<DataFile>>, String> {
    let path = table_dir.join("manifest-files.json");
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let mut files = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let at = || format!("{}:{}", path.display(), n + 1);
        let entry: Value =
            serde_json::from_str(line).map_err(|e| format!("{}: not JSON: {e}", at()))?;
        let key = entry["dataFileS3Key"]
            .as_str()
            .ok_or_else(|| format!("{}: no dataFileS3Key", at()))?;
        let name = key.rsplit('/').next().unwrap_or(key);
        let file = data.join(name);
        if !file.exists() || file.is_dir() {
            return Err(format!(
                "{}: the data file {name} is not in {}",
                at(),
                data.display()
            ));
        }
        files.push(DataFile {
            path: file,
            expected_items: entry["itemCount"].as_u64(),
        });
    }
    Ok(Some(files))
}

/// One line of a data file: its length in bytes, and its text or why it is not text (a
/// skippable fault of that line alone, such as bytes that are not UTF-8).
pub type Line = (usize, Result<String, String>);

/// A data file's lines, decompressed when it is gzip. The iterator's errors are faults
/// that end the file (a corrupt gzip stream); errors name the file and line.
pub fn lines(file: &Path) -> Result<Box<dyn Iterator<Item = Result<Line, String>>>, String> {
    let f =
        std::fs::File::open(file).map_err(|e| format!("cannot open {}: {e}", file.display()))?;
    let gz = file
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with(".gz"));
    let reader: Box<dyn Read> = if gz {
        Box::new(flate2::read::MultiGzDecoder::new(f))
    } else {
        Box::new(f)
    };
    let shown = file.display().to_string();
    let mut n = 0usize;
    Ok(Box::new(
        BufReader::with_capacity(1 << 16, reader)
            .split(b'\n')
            .map(move |line| {
                n += 1;
                let mut bytes = line.map_err(|e| format!("{shown}:{n}: cannot read: {e}"))?;
                let len = bytes.len();
                if bytes.last() == Some(&b'\r') {
                    bytes.pop();
                }
                // The position only: the bytes themselves may be a value.
                let text = String::from_utf8(bytes).map_err(|e| {
                    format!(
                        "not UTF-8 text (invalid byte at offset {})",
                        e.utf8_error().valid_up_to()
                    )
                });
                Ok((len, text))
            }),
    ))
}

/// One export line.
#[derive(serde::Deserialize)]
struct ExportLine {
    #[serde(rename = "Item")]
    item: crate::model::Item,
}

/// The item of one export line (`{"Item": {...}}`), parsed straight into an item.
pub fn item_of_line(line: &str) -> Result<crate::model::Item, String> {
    match serde_json::from_str::<ExportLine>(line) {
        Ok(l) => Ok(l.item),
        // Say whether the line is not JSON at all, or JSON of another shape.
        // The syntax error alone (it never quotes the line's values).
        Err(e) => match serde_json::from_str::<serde::de::IgnoredAny>(line) {
            Err(syntax) => Err(format!("not JSON: {syntax}")),
            Ok(_) => Err(format!("not an export item ({{\"Item\": {{...}}}}): {e}")),
        },
    }
}
