//! Snapshots of whole databases: in memory and beside a file, restore replacing everything
//! (tables, items, counters, streams), automatic ones pruned to ten.

use dynoxide::{Database, ErrorCode};
use serde_json::{json, Value};

fn table(db: &Database, name: &str) {
    db.execute(
        "CreateTable",
        json!({"TableName": name, "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}),
    )
    .unwrap();
}

fn put(db: &Database, t: &str, pk: &str) {
    db.execute(
        "PutItem",
        json!({"TableName": t, "Item": {"pk": {"S": pk}}}),
    )
    .unwrap();
}

fn count(db: &Database, t: &str) -> Value {
    db.execute("DescribeTable", json!({"TableName": t}))
        .unwrap()["Table"]["ItemCount"]
        .clone()
}

fn round_trip(db: &Database) {
    table(db, "kept");
    put(db, "kept", "a");
    let info = db.create_snapshot("before").unwrap();
    assert_eq!(info.name, "before");
    assert!(info.size_bytes > 0);
    assert!(!info.automatic);
    put(db, "kept", "b");
    table(db, "later");
    db.execute("DeleteTable", json!({"TableName": "kept"}))
        .unwrap();
    db.restore_snapshot("before").unwrap();
    assert_eq!(count(db, "kept"), json!(1));
    let e = db
        .execute("DescribeTable", json!({"TableName": "later"}))
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::ResourceNotFoundException);
    // Writes go on after a restore, indexes and counters included.
    put(db, "kept", "c");
    assert_eq!(count(db, "kept"), json!(2));
    let names: Vec<String> = db
        .list_snapshots()
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(names, ["before"]);
    assert_eq!(
        db.create_snapshot("before").unwrap_err().code(),
        ErrorCode::ResourceInUseException
    );
    assert_eq!(
        db.create_snapshot("../escape").unwrap_err().code(),
        ErrorCode::ValidationException
    );
    assert_eq!(
        db.create_snapshot("auto-mine").unwrap_err().code(),
        ErrorCode::ValidationException
    );
    db.delete_snapshot("before").unwrap();
    assert_eq!(
        db.restore_snapshot("before").unwrap_err().code(),
        ErrorCode::ResourceNotFoundException
    );
    // Automatic snapshots: the last ten are kept.
    for _ in 0..12 {
        assert!(db.create_automatic_snapshot().unwrap().automatic);
    }
    let autos = db.list_snapshots().unwrap();
    assert_eq!(autos.len(), 10);
    assert!(autos
        .iter()
        .all(|s| s.automatic && s.name.starts_with("auto-")));
}

#[test]
fn memory_snapshots_round_trip() {
    round_trip(&Database::memory().unwrap());
}

#[test]
fn file_snapshots_round_trip_beside_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::new(dir.path().join("data.db")).unwrap();
    round_trip(&db);
    assert!(dir.path().join("snapshots").is_dir());
    // Readers (file databases read on their own connections) see the restored data.
    db.create_snapshot("one").unwrap();
    put(&db, "kept", "zz");
    db.restore_snapshot("one").unwrap();
    let got = db
        .execute(
            "GetItem",
            json!({"TableName": "kept", "Key": {"pk": {"S": "zz"}}}),
        )
        .unwrap();
    assert!(got.get("Item").is_none(), "{got}");
    drop(db);
    // The restored content is what the file holds.
    let db = Database::new(dir.path().join("data.db")).unwrap();
    assert_eq!(count(&db, "kept"), json!(2));
}
