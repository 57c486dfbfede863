//! `dynoxide import` end to end: an export folder as downloaded (gzip JSON Lines, plain JSON
//! Lines, a manifest), a DescribeTable schema, and the database file it writes; bad input
//! stops with file and line and leaves nothing, or is skipped and reported.

mod common;

use dynoxide::Database;
use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

fn gz(path: &Path, lines: &[String]) {
    let f = std::fs::File::create(path).unwrap();
    let mut enc = flate2::write::GzEncoder::new(f, flate2::Compression::fast());
    for l in lines {
        writeln!(enc, "{l}").unwrap();
    }
    enc.finish().unwrap();
}

fn order(i: usize) -> String {
    json!({"Item": {"pk": {"S": format!("o{i}")}, "status": {"S": if i.is_multiple_of(2) { "paid" } else { "open" }},
        "total": {"N": i.to_string()}}})
    .to_string()
}

/// An export of two tables (Orders: two files, gzip and plain; Users: gzip with a manifest)
/// and its schema.
fn export(dir: &Path) -> (PathBuf, PathBuf) {
    let src = dir.join("export");
    std::fs::create_dir_all(src.join("Orders/data")).unwrap();
    std::fs::create_dir_all(src.join("Users/data")).unwrap();
    gz(
        &src.join("Orders/data/part-1.json.gz"),
        &(0..300).map(order).collect::<Vec<_>>(),
    );
    std::fs::write(
        src.join("Orders/data/part-2.jsonl"),
        (300..350).map(order).collect::<Vec<_>>().join("\n"),
    )
    .unwrap();
    let users: Vec<String> = (0..20)
        .map(|i| {
            json!({"Item": {"id": {"S": format!("u{i}")}, "tags": {"SS": ["a", "b"]}}}).to_string()
        })
        .collect();
    gz(&src.join("Users/data/abc123.json.gz"), &users);
    std::fs::write(
        src.join("Users/manifest-files.json"),
        json!({"itemCount": 20, "md5Checksum": "x", "etag": "y",
            "dataFileS3Key": "AWSDynamoDB/0170-abc/data/abc123.json.gz"})
        .to_string(),
    )
    .unwrap();
    let schema = dir.join("schema.json");
    std::fs::write(
        &schema,
        json!([
            {"Table": {"TableName": "Orders", "TableStatus": "ACTIVE", "ItemCount": 350,
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "status", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                "BillingModeSummary": {"BillingMode": "PAY_PER_REQUEST"},
                "ProvisionedThroughput": {"ReadCapacityUnits": 0, "WriteCapacityUnits": 0, "NumberOfDecreasesToday": 0},
                "GlobalSecondaryIndexes": [{"IndexName": "by-status", "IndexStatus": "ACTIVE",
                    "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"}}],
                "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "NEW_IMAGE"},
                "TableArn": "arn:aws:dynamodb:eu-west-1:123456789012:table/Orders"}},
            {"Table": {"TableName": "Users",
                "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 3}}}
        ])
        .to_string(),
    )
    .unwrap();
    (src, schema)
}

fn import(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_dynoxide"))
        .arg("import")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn args<'a>(src: &'a Path, schema: &'a Path, out: &'a Path) -> Vec<&'a str> {
    vec![
        "--source",
        src.to_str().unwrap(),
        "--schema",
        schema.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]
}

fn describe(db: &Database, t: &str) -> Value {
    db.execute("DescribeTable", json!({"TableName": t}))
        .unwrap()["Table"]
        .clone()
}

#[test]
fn an_export_becomes_a_database_file() {
    let dir = tempfile::tempdir().unwrap();
    let (src, schema) = export(dir.path());
    let out = dir.path().join("local.db");
    let (ok, stdout, stderr) = import(&args(&src, &schema, &out));
    assert!(ok, "{stderr}");
    assert!(stdout.contains("imported 370 items"), "{stdout}");
    assert!(stdout.contains("Orders: 350 items") && stdout.contains("Users: 20 items"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    // Nothing but the file is left beside it.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("local.db"))
        .collect();
    assert_eq!(names, ["local.db"]);

    let db = Database::new(&out).unwrap();
    let orders = describe(&db, "Orders");
    assert_eq!(orders["ItemCount"], json!(350));
    assert_eq!(
        orders["BillingModeSummary"]["BillingMode"],
        json!("PAY_PER_REQUEST")
    );
    assert_eq!(orders["GlobalSecondaryIndexes"][0]["ItemCount"], json!(350));
    let users = describe(&db, "Users");
    assert_eq!(users["ItemCount"], json!(20));
    assert_eq!(
        users["ProvisionedThroughput"]["WriteCapacityUnits"],
        json!(3)
    );
    let paid = db
        .execute(
            "Query",
            json!({"TableName": "Orders", "IndexName": "by-status", "KeyConditionExpression": "#s = :p",
                "ExpressionAttributeNames": {"#s": "status"}, "ExpressionAttributeValues": {":p": {"S": "paid"}},
                "Select": "COUNT"}),
        )
        .unwrap();
    assert_eq!(paid["Count"], json!(175));
    // Imported items are not changes: no stream records; a write afterwards has one.
    assert!(db.stream_records("Orders", None).unwrap().is_empty());
    db.execute(
        "PutItem",
        json!({"TableName": "Orders", "Item": {"pk": {"S": "new"}, "status": {"S": "open"}}}),
    )
    .unwrap();
    assert_eq!(db.stream_records("Orders", None).unwrap().len(), 1);
    drop(db);

    // An existing output is refused without --force, and left as it was.
    let before = std::fs::read(&out).unwrap();
    let (ok, _, stderr) = import(&args(&src, &schema, &out));
    assert!(!ok);
    assert!(stderr.contains("use --force"), "{stderr}");
    assert_eq!(std::fs::read(&out).unwrap(), before);
    // --tables: only those; one not in the export fails first.
    let mut a = args(&src, &schema, &out);
    a.extend(["--force", "--tables", "Users"]);
    let (ok, _, stderr) = import(&a);
    assert!(ok, "{stderr}");
    let db = Database::new(&out).unwrap();
    let listed = db.execute("ListTables", json!({})).unwrap();
    assert_eq!(listed["TableNames"], json!(["Users"]));
    drop(db);
    let mut a = args(&src, &schema, &out);
    a.extend(["--force", "--tables", "Users,Nope"]);
    let (ok, _, stderr) = import(&a);
    assert!(!ok);
    assert!(
        stderr.contains("table Nope is not in the export"),
        "{stderr}"
    );
}

#[test]
fn bad_input_stops_with_file_and_line_or_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let (src, schema) = export(dir.path());
    let bad = src.join("Orders/data/part-2.jsonl");
    let mut lines: Vec<String> = (300..310).map(order).collect();
    lines[3] = "{not json".into();
    lines[6] = json!({"Item": {"status": {"S": "no key"}}}).to_string();
    std::fs::write(&bad, lines.join("\n")).unwrap();
    let out = dir.path().join("bad.db");

    let (ok, _, stderr) = import(&args(&src, &schema, &out));
    assert!(!ok);
    assert!(
        stderr.contains(&format!("{}:4: not JSON", bad.display())),
        "{stderr}"
    );
    assert!(!out.exists(), "a failed import leaves nothing");
    assert!(std::fs::read_dir(dir.path()).unwrap().all(|e| !e
        .unwrap()
        .file_name()
        .to_string_lossy()
        .starts_with("bad.db")));

    let mut a = args(&src, &schema, &out);
    a.push("--continue-on-error");
    let (ok, stdout, stderr) = import(&a);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("skipped 2 lines"), "{stdout}");
    assert!(
        stdout.contains(&format!("{}:4: not JSON", bad.display())),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "{}:7: ValidationException: One or more parameter values were invalid: Missing the key pk in the item",
            bad.display()
        )),
        "{stdout}"
    );
    let db = Database::new(&out).unwrap();
    assert_eq!(describe(&db, "Orders")["ItemCount"], json!(308));
    drop(db);

    // A corrupt gzip file stops the import, naming the file.
    let gzfile = src.join("Users/data/abc123.json.gz");
    let mut bytes = std::fs::read(&gzfile).unwrap();
    let mid = bytes.len() / 2;
    bytes.truncate(mid);
    std::fs::write(&gzfile, bytes).unwrap();
    let out2 = dir.path().join("corrupt.db");
    let mut a = args(&src, &schema, &out2);
    a.push("--continue-on-error");
    let (ok, _, stderr) = import(&a);
    assert!(!ok);
    assert!(stderr.contains("abc123.json.gz"), "{stderr}");
    assert!(!out2.exists());
}

#[test]
fn a_manifest_that_disagrees_with_its_file_stops_the_import() {
    let dir = tempfile::tempdir().unwrap();
    let (src, schema) = export(dir.path());
    std::fs::write(
        src.join("Users/manifest-files.json"),
        json!({"itemCount": 21, "dataFileS3Key": "AWSDynamoDB/x/data/abc123.json.gz"}).to_string(),
    )
    .unwrap();
    let out = dir.path().join("m.db");
    let (ok, _, stderr) = import(&args(&src, &schema, &out));
    assert!(!ok);
    assert!(
        stderr.contains("the manifest lists 21 items, the file holds 20"),
        "{stderr}"
    );
    assert!(!out.exists());
}

#[test]
fn a_compressed_import_is_served_directly() {
    let dir = tempfile::tempdir().unwrap();
    let (src, schema) = export(dir.path());
    let out = dir.path().join("small.db");
    let mut a = args(&src, &schema, &out);
    a.push("--compress");
    let (ok, stdout, stderr) = import(&a);
    assert!(ok, "{stderr}");
    let zst = dir.path().join("small.db.zst");
    assert!(zst.is_file() && !out.exists(), "{stdout}");
    assert!(stdout.contains("small.db.zst"), "{stdout}");
    // Refused again without --force: the compressed file is the output.
    assert!(!import(&a).0);

    let opened = dynoxide::compressed::open(&zst, None).unwrap();
    assert!(opened.temp.is_none(), "a small database is held in memory");
    assert_eq!(describe(&opened.db, "Orders")["ItemCount"], json!(350));

    let server = common::Server::start_with(&["--db-path", zst.to_str().unwrap()]);
    let got = common::dynamo(
        &server.endpoint,
        "GetItem",
        br#"{"TableName": "Users", "Key": {"id": {"S": "u3"}}}"#,
    );
    assert_eq!(got.status, 200);
    assert_eq!(got.json()["Item"]["tags"], json!({"SS": ["a", "b"]}));

    // Not a zstd file: a clear error, not a crash.
    let fake = dir.path().join("fake.db.zst");
    std::fs::write(&fake, b"not zstd").unwrap();
    let e = dynoxide::compressed::open(&fake, None).err().unwrap();
    assert!(
        e.message().contains("is not a zstd-compressed database"),
        "{}",
        e.message()
    );
}

fn import_env(args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_dynoxide"))
        .arg("import")
        .args(args)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// People with secrets in two tables that join on email.
fn people(dir: &Path) -> (PathBuf, PathBuf) {
    let src = dir.join("people");
    for t in ["Users", "Orders"] {
        std::fs::create_dir_all(src.join(t).join("data")).unwrap();
    }
    let users: Vec<String> = (0..30)
        .map(|i| {
            json!({"Item": {"id": {"S": format!("user-{i}")}, "email": {"S": format!("person{i}@corp.example")},
                "card": {"S": format!("41111111111{i:05}")}, "notes": {"S": format!("private note {i}")},
                "kind": {"S": if i < 25 { "person" } else { "bot" }}}})
            .to_string()
        })
        .collect();
    gz(&src.join("Users/data/u.json.gz"), &users);
    let orders: Vec<String> = (0..30)
        .map(|i| {
            json!({"Item": {"pk": {"S": format!("order-{i}")}, "email": {"S": format!("person{}@corp.example", i % 10)}}})
                .to_string()
        })
        .collect();
    gz(&src.join("Orders/data/o.json.gz"), &orders);
    let schema = dir.join("people-schema.json");
    let table = |name: &str, key: &str| {
        json!({"Table": {"TableName": name, "AttributeDefinitions": [{"AttributeName": key, "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": key, "KeyType": "HASH"}], "BillingModeSummary": {"BillingMode": "PAY_PER_REQUEST"}}})
    };
    std::fs::write(
        &schema,
        json!([table("Users", "id"), table("Orders", "pk")]).to_string(),
    )
    .unwrap();
    (src, schema)
}

const RULES: &str = r##"
[[rules]]
path = "email"
action = "fake"
generator = "safe_email"
seed_env = "IMPORT_SEED"

[[rules]]
path = "card"
action = "mask"
keep_last = 4

[[rules]]
path = "id"
tables = ["Users"]
action = "hash"
salt_env = "IMPORT_SALT"

[[rules]]
match = "kind = :person"
path = "#n"
action = "redact"

[values]
":person" = { S = "person" }

[names]
"#n" = "notes"

[consistency]
fields = ["email"]
"##;

#[test]
fn rules_anonymise_consistently_and_refuse_exposure() {
    let dir = tempfile::tempdir().unwrap();
    let (src, schema) = people(dir.path());
    let rules = dir.path().join("rules.toml");
    std::fs::write(&rules, RULES).unwrap();
    let out = dir.path().join("anon.db");
    let mut a = args(&src, &schema, &out);
    a.extend(["--rules", rules.to_str().unwrap()]);
    let env = [
        ("IMPORT_SALT", "a-salt-that-is-long-enough"),
        ("IMPORT_SEED", "seed-1"),
    ];

    // Without the salt: refused before any data is read, nothing written.
    let (code, _, stderr) = import_env(&a, &[("IMPORT_SEED", "seed-1")]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("salt_env IMPORT_SALT is not set"),
        "{stderr}"
    );
    assert!(!out.exists());

    // The redact rule matches persons only: the bots' notes would survive -> exit code 3.
    let (code, _, stderr) = import_env(&a, &env);
    assert_eq!(code, Some(3), "{stderr}");
    assert!(stderr.contains("5 original values kept"), "{stderr}");
    assert!(
        !stderr.contains("private note"),
        "no original value in messages"
    );
    assert!(!out.exists());

    a.push("--accept-exposure");
    let (code, stdout, stderr) = import_env(&a, &env);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("rules[2] card: 30 values changed"),
        "{stdout}"
    );
    let bytes = std::fs::read(&out).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    assert!(!text.contains("corp.example"), "emails replaced");
    assert!(!text.contains("user-1"), "ids hashed");
    assert!(!text.contains("411111111110"), "cards masked");

    let db = Database::new(&out).unwrap();
    let users = db.execute("Scan", json!({"TableName": "Users"})).unwrap();
    let users = users["Items"].as_array().unwrap().clone();
    assert_eq!(users.len(), 30);
    let orders = db.execute("Scan", json!({"TableName": "Orders"})).unwrap();
    // Joins still join: each user's fake email is the one their orders carry.
    let user_emails: std::collections::BTreeSet<String> = users
        .iter()
        .map(|u| u["email"]["S"].as_str().unwrap().to_string())
        .collect();
    for o in orders["Items"].as_array().unwrap() {
        assert!(user_emails.contains(o["email"]["S"].as_str().unwrap()));
    }
    assert!(users
        .iter()
        .all(|u| u["card"]["S"].as_str().unwrap().starts_with("************")));
    drop(db);

    // A rule that makes keys collide is refused clearly.
    let collide = dir.path().join("collide.toml");
    std::fs::write(&collide, "[[rules]]\npath = \"id\"\naction = \"redact\"\n").unwrap();
    let out2 = dir.path().join("collide.db");
    let mut a = args(&src, &schema, &out2);
    a.extend(["--rules", collide.to_str().unwrap(), "--tables", "Users"]);
    let (code, _, stderr) = import_env(&a, &[]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("the rules gave two different items of Users the same key"),
        "{stderr}"
    );
    assert!(!out2.exists());
}

#[test]
fn with_rules_a_bad_item_is_reported_without_its_values() {
    let dir = tempfile::tempdir().unwrap();
    let (src, schema) = people(dir.path());
    gz(
        &src.join("Orders/data/o.json.gz"),
        &[
            json!({"Item": {"pk": {"S": "o1"}, "amount": {"N": "secret-not-a-number"}}})
                .to_string(),
        ],
    );
    let rules = dir.path().join("r.toml");
    std::fs::write(&rules, "[[rules]]\npath = \"email\"\naction = \"redact\"\n").unwrap();
    let out = dir.path().join("leak.db");
    let mut a = args(&src, &schema, &out);
    a.extend(["--rules", rules.to_str().unwrap(), "--tables", "Orders"]);
    let (code, _, stderr) = import_env(&a, &[]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("o.json.gz:1: ValidationException (message withheld"),
        "{stderr}"
    );
    assert!(!stderr.contains("secret"), "{stderr}");
}

#[test]
fn force_does_not_replace_a_database_a_server_has_open() {
    let dir = tempfile::tempdir().unwrap();
    let (src, schema) = export(dir.path());
    let out = dir.path().join("served.db");
    assert!(import(&args(&src, &schema, &out)).0);
    let server = common::Server::start_with(&["--db-path", out.to_str().unwrap()]);
    let mut a = args(&src, &schema, &out);
    a.push("--force");
    let (ok, _, stderr) = import(&a);
    assert!(!ok);
    assert!(stderr.contains("is open in a running Dynoxide"), "{stderr}");
    drop(server);
    assert!(import(&a).0, "replaced once the server stopped");
}

#[test]
fn the_summary_counts_what_each_table_holds() {
    let dir = tempfile::tempdir().unwrap();
    let (src, schema) = export(dir.path());
    // The plain file repeats ten keys of the gzip file: they replace, not add.
    std::fs::write(
        src.join("Orders/data/part-2.jsonl"),
        (290..350).map(order).collect::<Vec<_>>().join("\n"),
    )
    .unwrap();
    let out = dir.path().join("count.db");
    let (ok, stdout, stderr) = import(&args(&src, &schema, &out));
    assert!(ok, "{stderr}");
    assert!(stdout.contains("Orders: 350 items"), "{stdout}");
}

#[test]
fn a_line_that_is_not_utf8_is_that_lines_fault() {
    let dir = tempfile::tempdir().unwrap();
    let (src, schema) = export(dir.path());
    let bad = src.join("Orders/data/part-2.jsonl");
    let mut bytes = (300..305)
        .map(order)
        .collect::<Vec<_>>()
        .join("\n")
        .into_bytes();
    bytes.extend_from_slice(b"\n{\"Item\": {\"pk\": {\"S\": \"\xff\xfe\"}}}\n");
    bytes.extend_from_slice(
        (305..310)
            .map(order)
            .collect::<Vec<_>>()
            .join("\n")
            .as_bytes(),
    );
    std::fs::write(&bad, bytes).unwrap();
    let out = dir.path().join("utf8.db");
    let (ok, _, stderr) = import(&args(&src, &schema, &out));
    assert!(!ok);
    assert!(
        stderr.contains(&format!("{}:6: not UTF-8 text", bad.display())),
        "{stderr}"
    );
    assert!(!out.exists());
    let mut a = args(&src, &schema, &out);
    a.push("--continue-on-error");
    let (ok, stdout, stderr) = import(&a);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("skipped 1 lines"), "{stdout}");
    let db = Database::new(&out).unwrap();
    assert_eq!(describe(&db, "Orders")["ItemCount"], json!(310));
}

#[test]
fn empty_tables_are_created_and_schema_only_tables_reported() {
    let dir = tempfile::tempdir().unwrap();
    let (src, _) = export(dir.path());
    std::fs::create_dir_all(src.join("Empty/data")).unwrap();
    // Folders that are not tables (no data folder, manifest or data files) are ignored.
    std::fs::create_dir_all(src.join("notes")).unwrap();
    let key = |t: &str| {
        json!({"Table": {"TableName": t,
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "BillingModeSummary": {"BillingMode": "PAY_PER_REQUEST"}}})
    };
    let mut users = key("Users");
    users["Table"]["AttributeDefinitions"][0]["AttributeName"] = json!("id");
    users["Table"]["KeySchema"][0]["AttributeName"] = json!("id");
    let schema = dir.path().join("schema.json");
    std::fs::write(
        &schema,
        json!([key("Orders"), users, key("Empty"), key("Audit")]).to_string(),
    )
    .unwrap();
    let out = dir.path().join("e.db");
    let (ok, stdout, stderr) = import(&args(&src, &schema, &out));
    assert!(ok, "{stderr}");
    assert!(stdout.contains("Empty: 0 items"), "{stdout}");
    assert!(
        stdout.contains("note: table Audit is in the schema but not in the export: not created"),
        "{stdout}"
    );
    let db = Database::new(&out).unwrap();
    assert_eq!(describe(&db, "Empty")["ItemCount"], json!(0));
    let tables = db.execute("ListTables", json!({})).unwrap();
    assert_eq!(tables["TableNames"], json!(["Empty", "Orders", "Users"]));
}

#[test]
fn the_summary_manifest_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let (src, schema) = export(dir.path());
    let summary = src.join("Users/manifest-summary.json");
    let write = |v: Value| std::fs::write(&summary, v.to_string()).unwrap();
    write(
        json!({"version": "2020-06-30", "itemCount": 20, "outputFormat": "DYNAMODB_JSON",
        "exportType": "FULL_EXPORT", "manifestFilesS3Key": "AWSDynamoDB/x/manifest-files.json"}),
    );
    let out = dir.path().join("s.db");
    let (ok, _, stderr) = import(&args(&src, &schema, &out));
    assert!(ok, "{stderr}");

    write(json!({"itemCount": 25, "outputFormat": "DYNAMODB_JSON"}));
    let out = dir.path().join("s2.db");
    let (ok, _, stderr) = import(&args(&src, &schema, &out));
    assert!(!ok);
    assert!(
        stderr
            .contains("table Users: manifest-summary.json counts 25 items, the data files hold 20"),
        "{stderr}"
    );
    assert!(!out.exists());

    write(json!({"itemCount": 20, "outputFormat": "ION"}));
    let (ok, _, stderr) = import(&args(&src, &schema, &out));
    assert!(!ok);
    assert!(
        stderr.contains("outputFormat \"ION\" cannot be imported; export with DYNAMODB_JSON"),
        "{stderr}"
    );
    write(json!({"itemCount": 20, "exportType": "INCREMENTAL_EXPORT"}));
    let (ok, _, stderr) = import(&args(&src, &schema, &out));
    assert!(!ok);
    assert!(
        stderr.contains("exportType \"INCREMENTAL_EXPORT\" cannot be imported"),
        "{stderr}"
    );
}

/// Files in `dir` whose names start with `prefix`.
fn files_starting(dir: &Path, prefix: &str) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(prefix))
        .collect()
}

#[cfg(unix)]
#[test]
fn an_interrupted_import_leaves_nothing_and_stale_files_are_removed() {
    use std::process::Stdio;
    let dir = tempfile::tempdir().unwrap();
    let (src, schema) = export(dir.path());
    // A named pipe as a data file holds the import mid-read until the test writes to it.
    let fifo = src.join("Orders/data/part-3.jsonl");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let out = dir.path().join("int.db");
    for signals in [1, 2] {
        let child = Command::new(env!("CARGO_BIN_EXE_dynoxide"))
            .arg("import")
            .args(args(&src, &schema, &out))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Opening for write waits until the import opens the pipe to read it.
        let mut pipe = std::fs::OpenOptions::new().write(true).open(&fifo).unwrap();
        writeln!(pipe, "{}", order(400)).unwrap();
        pipe.flush().unwrap();
        let tmp = format!("int.db.importing-{}", child.id());
        assert!(dir.path().join(&tmp).exists(), "the import writes {tmp}");
        for _ in 0..signals {
            let sent = Command::new("kill")
                .args(["-INT", &child.id().to_string()])
                .status()
                .unwrap();
            assert!(sent.success());
            std::thread::sleep(std::time::Duration::from_millis(300));
        }
        // Once asked to stop, the import stops at its next line.
        let _ = writeln!(pipe, "{}", order(401));
        drop(pipe);
        let done = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&done.stderr);
        assert_eq!(done.status.code(), Some(130), "{stderr}");
        assert!(stderr.contains("nothing was written"), "{stderr}");
        assert_eq!(files_starting(dir.path(), "int.db"), Vec::<String>::new());
    }
    std::fs::remove_file(&fifo).unwrap();

    // A killed import's files (its process gone) are removed by the next import, whether
    // it compressed or not, and what is left beside a removed file too; a live process's
    // files are kept.
    let stale = dir.path().join("int.db.importing-4000000000");
    std::fs::write(&stale, b"partial").unwrap();
    std::fs::write(dir.path().join("int.db.importing-4000000000-wal"), b"").unwrap();
    std::fs::write(
        dir.path().join("int.db.zst.importing-4000000001.zst-part"),
        b"",
    )
    .unwrap();
    let live = format!("int.db.importing-{}", std::process::id());
    std::fs::write(dir.path().join(&live), b"in use").unwrap();
    let (ok, stdout, stderr) = import(&args(&src, &schema, &out));
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains(&format!(
            "note: removed {}, left by an import that did not finish",
            stale.display()
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains("int.db.zst.importing-4000000001, left by"),
        "{stdout}"
    );
    let mut left = files_starting(dir.path(), "int.db");
    left.sort();
    assert_eq!(left, vec!["int.db".to_string(), live]);
}

#[test]
fn tables_left_out_are_not_read_and_rules_must_name_real_tables() {
    let dir = tempfile::tempdir().unwrap();
    let (src, schema) = export(dir.path());
    std::fs::write(
        src.join("Users/manifest-summary.json"),
        json!({"itemCount": 20, "outputFormat": "ION"}).to_string(),
    )
    .unwrap();
    let out = dir.path().join("only.db");
    let mut a = args(&src, &schema, &out);
    a.extend(["--tables", "Orders"]);
    let (ok, stdout, stderr) = import(&a);
    assert!(
        ok,
        "an ION export of a table left out is not read: {stderr}"
    );
    assert!(stdout.contains("Orders: 350 items"), "{stdout}");

    let rules = dir.path().join("rules.toml");
    std::fs::write(
        &rules,
        "[[rules]]\npath = \"#s\"\ntables = [\"Order\"]\naction = \"redact\"\n[names]\n\"#s\" = \"status\"\n",
    )
    .unwrap();
    let out = dir.path().join("typo.db");
    let mut a = args(&src, &schema, &out);
    a.extend(["--tables", "Orders", "--rules", rules.to_str().unwrap()]);
    let (ok, _, stderr) = import(&a);
    assert!(!ok);
    assert!(
        stderr.contains("rules[1]: tables: Order is neither in the export nor in the schema"),
        "{stderr}"
    );
    assert!(!out.exists());
}
