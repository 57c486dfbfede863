//! Encryption at rest (built with `--no-default-features --features encrypted-full`): the
//! file on disk holds no plaintext, a wrong or missing key gives one clear error at open,
//! and every way in (embedded, server, MCP's snapshots, explain, import, rekey) takes a key.

mod common;

use dynoxide::{Database, EncryptionKey};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

const KEY: &str = "2dd29ca851e7b56e4697b0e1f08507293d761a05ce4d1b628663f411a8086d99";
const OTHER: &str = "11d29ca851e7b56e4697b0e1f08507293d761a05ce4d1b628663f411a8086d99";
/// A string that must never appear in an encrypted file's bytes.
const MARKER: &str = "plaintext-marker-7f3a";

fn setup(db: &Database) {
    db.execute(
        "CreateTable",
        json!({"TableName": "tbl",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST"}),
    )
    .unwrap();
}

fn put(db: &Database, pk: &str) {
    db.execute(
        "PutItem",
        json!({"TableName": "tbl", "Item": {"pk": {"S": pk}, "secret": {"S": MARKER}}}),
    )
    .unwrap();
}

fn get(db: &Database, pk: &str) -> Value {
    db.execute(
        "GetItem",
        json!({"TableName": "tbl", "Key": {"pk": {"S": pk}}}),
    )
    .unwrap()
}

/// The bytes of a database file and of its WAL, if any.
fn holds_plaintext(path: &Path) -> bool {
    assert!(path.is_file(), "{} does not exist", path.display());
    let mut found = false;
    for suffix in ["", "-wal"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        if let Ok(bytes) = std::fs::read(PathBuf::from(p)) {
            found |= bytes.windows(MARKER.len()).any(|w| w == MARKER.as_bytes());
        }
    }
    found
}

fn key_file(dir: &Path, name: &str, hex: &str, mode: u32) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, format!("{hex}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    path
}

#[test]
fn the_file_holds_no_plaintext_and_opens_only_with_its_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("enc.db");
    let db = Database::new_encrypted(&path, KEY).unwrap();
    setup(&db);
    for i in 0..50 {
        put(&db, &format!("k{i}"));
    }
    // Reads run on reader connections, which are keyed too.
    assert_eq!(get(&db, "k7")["Item"]["secret"], json!({"S": MARKER}));
    assert!(!holds_plaintext(&path), "before a checkpoint (the WAL)");
    db.checkpoint().unwrap();
    assert!(!holds_plaintext(&path), "after a checkpoint");
    drop(db);

    let wrong = Database::new_encrypted(&path, OTHER).err().unwrap();
    assert_eq!(
        wrong.message(),
        format!(
            "cannot open {}: wrong key or not an encrypted database",
            path.display()
        )
    );
    let keyless = Database::new(&path).err().unwrap();
    assert!(
        keyless
            .message()
            .contains("is encrypted (or not a SQLite database)"),
        "{}",
        keyless.message()
    );
    let short = Database::new_encrypted(&path, "abc").err().unwrap();
    assert!(
        short.message().contains("this one has 3"),
        "{}",
        short.message()
    );

    let db = Database::new_encrypted(&path, KEY).unwrap();
    assert_eq!(get(&db, "k49")["Item"]["pk"], json!({"S": "k49"}));
    drop(db);
    let key = EncryptionKey::from_hex(KEY).unwrap();
    let copy = Database::copy_of_with_key(&path, Some(&key)).unwrap();
    assert_eq!(get(&copy, "k3")["Item"]["secret"], json!({"S": MARKER}));

    // A plain file opened with a key is refused the same way. (It holds the marker in the
    // clear: the check above would have seen it.)
    let plain = dir.path().join("plain.db");
    let db = Database::new(&plain).unwrap();
    setup(&db);
    put(&db, "clear");
    drop(db);
    assert!(holds_plaintext(&plain));
    let e = Database::new_encrypted(&plain, KEY).err().unwrap();
    assert!(e
        .message()
        .ends_with("wrong key or not an encrypted database"));
}

#[test]
fn snapshots_and_rekey_keep_the_file_encrypted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("snap.db");
    let db = Database::new_encrypted(&path, KEY).unwrap();
    setup(&db);
    put(&db, "before");
    let info = db.create_snapshot("one").unwrap();
    put(&db, "after");
    let snapshot = dir.path().join("snapshots/snap.db/one.db");
    assert!(snapshot.is_file(), "{info:?}");
    assert!(!holds_plaintext(&snapshot));
    db.restore_snapshot("one").unwrap();
    assert_eq!(get(&db, "before")["Item"]["pk"], json!({"S": "before"}));
    assert_eq!(get(&db, "after"), json!({}));
    // Written after the restore, and read back through a reader connection.
    put(&db, "later");
    assert_eq!(get(&db, "later")["Item"]["pk"], json!({"S": "later"}));
    let listed = db.list_snapshots().unwrap();
    drop(db);

    let old = EncryptionKey::from_hex(KEY).unwrap();
    let new = EncryptionKey::from_hex(OTHER).unwrap();
    let snapshot_under_old_key = dir.path().join("kept-under-old-key.db");
    std::fs::copy(&snapshot, &snapshot_under_old_key).unwrap();
    Database::rekey(&path, &old, &new).unwrap();
    assert!(Database::new_encrypted(&path, KEY).is_err());
    let db = Database::new_encrypted(&path, OTHER).unwrap();
    assert_eq!(get(&db, "later")["Item"]["pk"], json!({"S": "later"}));
    assert!(!holds_plaintext(&path));
    // The snapshot moved to the new key with the file (and kept its time).
    assert_eq!(db.list_snapshots().unwrap(), listed);
    db.restore_snapshot("one").unwrap();
    assert_eq!(get(&db, "before")["Item"]["pk"], json!({"S": "before"}));
    assert!(!holds_plaintext(&snapshot));
    drop(db);

    // Run again, rekey finds everything under the new key and changes nothing.
    Database::rekey(&path, &old, &new).unwrap();
    // A rotation cut short (a snapshot still under the old key) finishes when run again.
    std::fs::copy(
        &snapshot_under_old_key,
        dir.path().join("snapshots/snap.db/two.db"),
    )
    .unwrap();
    Database::rekey(&path, &old, &new).unwrap();
    let db = Database::new_encrypted(&path, OTHER).unwrap();
    db.restore_snapshot("two").unwrap();
    assert_eq!(get(&db, "before")["Item"]["pk"], json!({"S": "before"}));
    drop(db);

    // A path that names nothing is an error, and creates nothing.
    let missing = dir.path().join("missing.db");
    let e = Database::rekey(&missing, &old, &new).unwrap_err();
    assert!(
        e.message().ends_with("missing.db: no such file"),
        "{}",
        e.message()
    );
    assert!(!missing.exists());
}

fn dynoxide(args: &[&str], env: &[(&str, &str)]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_dynoxide"))
        .args(args)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_binary_takes_a_key_file_or_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("served.db");
    let db_path = path.to_str().unwrap();
    let good = key_file(dir.path(), "key", KEY, 0o600);
    let open = key_file(dir.path(), "open-key", KEY, 0o644);
    let good_arg = good.to_str().unwrap();

    let server =
        common::Server::start_with(&["--db-path", db_path, "--encryption-key-file", good_arg]);
    let created = common::dynamo(
        &server.endpoint,
        "CreateTable",
        br#"{"TableName": "tbl", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST"}"#,
    );
    assert_eq!(created.status, 200);
    let body = format!(
        r#"{{"TableName": "tbl", "Item": {{"pk": {{"S": "a"}}, "s": {{"S": "{MARKER}"}}}}}}"#
    );
    assert_eq!(
        common::dynamo(&server.endpoint, "PutItem", body.as_bytes()).status,
        200
    );
    assert!(server.terminate().success());
    assert!(!holds_plaintext(&path));

    // A key file others can read is refused, naming the file and the fix.
    let (ok, _, stderr) = dynoxide(
        &[
            "--port",
            "0",
            "--db-path",
            db_path,
            "--encryption-key-file",
            open.to_str().unwrap(),
        ],
        &[],
    );
    assert!(!ok);
    assert!(
        stderr.contains("can be read by its group or others (mode 644)"),
        "{stderr}"
    );
    // No key: the file says it is encrypted.
    let (ok, _, stderr) = dynoxide(&["--port", "0", "--db-path", db_path], &[]);
    assert!(!ok);
    assert!(stderr.contains("is encrypted"), "{stderr}");
    // A wrong key from the environment: one clear error.
    let (ok, _, stderr) = dynoxide(
        &["--port", "0", "--db-path", db_path],
        &[("DYNOXIDE_ENCRYPTION_KEY", OTHER)],
    );
    assert!(!ok);
    assert!(
        stderr.contains("wrong key or not an encrypted database"),
        "{stderr}"
    );
    assert!(!stderr.contains(OTHER), "the key never appears: {stderr}");

    // explain reads the file with the key from the environment.
    let (ok, stdout, stderr) = dynoxide(
        &[
            "explain",
            "--db-path",
            db_path,
            "GetItem",
            r#"{"TableName": "tbl", "Key": {"pk": {"S": "a"}}}"#,
        ],
        &[("DYNOXIDE_ENCRYPTION_KEY", KEY)],
    );
    assert!(ok, "{stderr}");
    assert!(stdout.contains("SELECT"), "{stdout}");

    // dynoxide rekey, then the server opens it with the new key only.
    let next = key_file(dir.path(), "next", OTHER, 0o600);
    let (ok, stdout, stderr) = dynoxide(
        &[
            "rekey",
            "--db-path",
            db_path,
            "--encryption-key-file",
            good_arg,
            "--new-key-file",
            next.to_str().unwrap(),
        ],
        &[],
    );
    assert!(ok, "{stderr}");
    assert!(stdout.contains("now opens with the new key"), "{stdout}");
    let server = common::Server::start_with(&[
        "--db-path",
        db_path,
        "--encryption-key-file",
        next.to_str().unwrap(),
    ]);
    let got = common::dynamo(
        &server.endpoint,
        "GetItem",
        br#"{"TableName": "tbl", "Key": {"pk": {"S": "a"}}}"#,
    );
    assert_eq!(got.json()["Item"]["s"], json!({"S": MARKER}));
    assert!(server.terminate().success());

    // dynoxide mcp (stdio) reads it with the key file too.
    let replies = mcp_exchange(
        &[
            "mcp",
            "--db-path",
            db_path,
            "--encryption-key-file",
            next.to_str().unwrap(),
        ],
        &[
            r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}"#,
            r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
            r#"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_item","arguments":{"table_name":"tbl","key":{"pk":{"S":"a"}}}}}"#,
        ],
    );
    let item = &replies[1]["result"]["structuredContent"]["Item"];
    assert_eq!(item["s"], json!({"S": MARKER}), "{replies:?}");
}

/// Sends JSON-RPC lines to `dynoxide ARGS` on stdin and reads one reply per request.
fn mcp_exchange(args: &[&str], lines: &[&str]) -> Vec<Value> {
    use std::io::{BufRead, Write};
    let mut child = Command::new(env!("CARGO_BIN_EXE_dynoxide"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let mut replies = Vec::new();
    for line in lines {
        writeln!(stdin, "{line}").unwrap();
        stdin.flush().unwrap();
        if line.contains(r#""id":"#) {
            let reply = out.next().expect("a reply").unwrap();
            replies.push(serde_json::from_str(&reply).unwrap());
        }
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
    replies
}

#[test]
fn an_import_can_be_encrypted_and_compressed() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("export/tbl/data");
    std::fs::create_dir_all(&src).unwrap();
    let mut f = std::fs::File::create(src.join("part.jsonl")).unwrap();
    for i in 0..100 {
        writeln!(
            f,
            r#"{{"Item": {{"pk": {{"S": "k{i}"}}, "s": {{"S": "{MARKER}"}}}}}}"#
        )
        .unwrap();
    }
    drop(f);
    let schema = dir.path().join("schema.json");
    std::fs::write(
        &schema,
        json!({"Table": {"TableName": "tbl",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}})
        .to_string(),
    )
    .unwrap();
    let key = key_file(dir.path(), "key", KEY, 0o600);
    let out = dir.path().join("out.db");
    let export = dir.path().join("export");
    let base = [
        "import",
        "--source",
        export.to_str().unwrap(),
        "--schema",
        schema.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
        "--encryption-key-file",
        key.to_str().unwrap(),
    ];
    let (ok, _, stderr) = dynoxide(&base, &[]);
    assert!(ok, "{stderr}");
    assert!(!holds_plaintext(&out));
    let db = Database::new_encrypted(&out, KEY).unwrap();
    assert_eq!(get(&db, "k42")["Item"]["s"], json!({"S": MARKER}));
    drop(db);

    let mut compressed = base.to_vec();
    compressed.extend(["--compress", "--force"]);
    let (ok, _, stderr) = dynoxide(&compressed, &[]);
    assert!(ok, "{stderr}");
    let zst = dir.path().join("out.db.zst");
    let server = common::Server::start_with(&[
        "--db-path",
        zst.to_str().unwrap(),
        "--encryption-key-file",
        key.to_str().unwrap(),
    ]);
    let got = common::dynamo(
        &server.endpoint,
        "GetItem",
        br#"{"TableName": "tbl", "Key": {"pk": {"S": "k9"}}}"#,
    );
    assert_eq!(got.json()["Item"]["s"], json!({"S": MARKER}));
}
