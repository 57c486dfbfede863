//! Layers point down (docs/architecture.md, invariant 5): no module of `src/` names a module
//! of a layer above its own. Read from the source text, so a new upward `crate::` path fails
//! here before it lands.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Each top-level module and its layer: a module may name modules of its own layer or lower.
const LAYERS: &[(&str, u8)] = &[
    // model: values, numbers, the item codec, errors, and the SQLite functions over them
    ("model", 0),
    ("error", 0),
    ("sqlfuncs", 0),
    // request and response data, their JSON, the constraint collector
    ("types", 1),
    ("wire", 1),
    ("validate", 1),
    // storage: catalog, connections, the write pipeline, SQL execution
    ("storage", 2),
    // engine: the expression compiler, the update evaluator, the handle operations run on
    ("expr", 3),
    ("engine", 3),
    // operations: one file per operation, and PartiQL, which plans the same way
    ("ops", 4),
    ("partiql", 4),
    // front doors
    ("db", 5),
    ("server", 5),
    ("mcp", 5),
    ("import", 5),
    ("compressed", 5),
    ("explain", 5),
    ("lib", 5),
    ("main", 5),
];

/// What `crate::Name` re-exported at the root stands for.
const ROOT_REEXPORTS: &[(&str, &str)] = &[
    ("Database", "db"),
    ("SnapshotInfo", "db"),
    ("Loaded", "db"),
    ("EncryptionKey", "storage"),
    ("Error", "error"),
    ("ErrorCode", "error"),
    ("Result", "error"),
    ("AttributeValue", "model"),
    ("Item", "model"),
    ("Number", "model"),
];

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to.
fn module_of(root: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(root).unwrap();
    let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy());
    let first = parts.next().unwrap().to_string();
    if first == "src" {
        let second = parts.next().unwrap().to_string();
        second.trim_end_matches(".rs").to_string()
    } else {
        first // sqlfuncs/
    }
}

/// Every `crate::name` a source text uses outside comments.
fn crate_paths(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = line.trim_start();
        if code.starts_with("//") {
            continue;
        }
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            // `$crate::` in macros names this crate too.
            rest = &rest[at + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.push((n + 1, name));
            }
        }
    }
    out
}

#[test]
fn no_module_names_a_layer_above_its_own() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let layer: BTreeMap<&str, u8> = LAYERS.iter().copied().collect();
    let mut all = Vec::new();
    files(&root.join("src"), &mut all);
    files(&root.join("sqlfuncs"), &mut all);
    let mut upward = Vec::new();
    let mut seen = 0;
    for file in &all {
        let from = module_of(root, file);
        let Some(&from_layer) = layer.get(from.as_str()) else {
            panic!(
                "{}: module `{from}` has no layer in tests/layers.rs",
                file.display()
            );
        };
        let text = std::fs::read_to_string(file).unwrap();
        for (line, name) in crate_paths(&text) {
            seen += 1;
            let to = ROOT_REEXPORTS
                .iter()
                .find(|(n, _)| *n == name)
                .map_or(name.as_str(), |(_, m)| m);
            let Some(&to_layer) = layer.get(to) else {
                panic!(
                    "{}:{line}: `crate::{name}` is not a known module or root re-export",
                    file.display()
                );
            };
            if to_layer > from_layer {
                upward.push(format!(
                    "{}:{line}: {from} (layer {from_layer}) uses crate::{name} (layer {to_layer})",
                    file.strip_prefix(root).unwrap().display()
                ));
            }
        }
    }
    assert!(
        all.len() > 50 && seen > 300,
        "read {} files, {seen} paths",
        all.len()
    );
    assert!(upward.is_empty(), "upward uses:\n{}", upward.join("\n"));
}

#[test]
fn the_checker_sees_upward_uses() {
    let found = crate_paths(
        "use crate::db::Database;\n// crate::server in a comment\nlet x = crate::Error::x();",
    );
    assert_eq!(found, vec![(1, "db".to_string()), (3, "Error".to_string())]);
}
