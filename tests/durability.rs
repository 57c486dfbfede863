//! An acknowledged write to a file database survives `kill -9` of the writing process.
//!
//! The test re-runs its own binary as the writer: the child acknowledges each PutItem on stdout
//! after it returns, the parent kills it mid-stream with SIGKILL, reopens the file and checks
//! that every acknowledged item is there.

use dynoxide::Database;
use serde_json::json;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const CHILD_ENV: &str = "DYNOXIDE_DURABILITY_CHILD_DB";

fn child(path: &str) {
    let db = Database::new(path).unwrap();
    db.execute(
        "CreateTable",
        json!({
            "TableName": "durable",
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "N"}],
            "BillingMode": "PAY_PER_REQUEST"
        }),
    )
    .unwrap();
    println!("ready");
    // Bounded: the parent kills us long before this ends.
    for i in 0..1_000_000u64 {
        db.execute(
            "PutItem",
            json!({"TableName": "durable", "Item": {"id": {"N": i.to_string()}, "v": {"S": "x".repeat(100)}}}),
        )
        .unwrap();
        println!("ack {i}");
    }
}

#[test]
fn acknowledged_writes_survive_kill_9() {
    if let Ok(path) = std::env::var(CHILD_ENV) {
        child(&path);
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("durable.db");
    let mut proc = Command::new(std::env::current_exe().unwrap())
        .args([
            "acknowledged_writes_survive_kill_9",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, &path)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(proc.stdout.take().unwrap()).lines();
    let mut last_ack = None;
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(n) = line.strip_prefix("ack ") {
            last_ack = Some(n.parse::<u64>().unwrap());
            if last_ack == Some(300) {
                break;
            }
        }
    }
    proc.kill().unwrap(); // SIGKILL on Unix
    proc.wait().unwrap();
    let last_ack = last_ack.expect("the child acknowledged writes");

    let db = Database::new(&path).unwrap();
    for i in 0..=last_ack {
        let got = db
            .execute(
                "GetItem",
                json!({"TableName": "durable", "Key": {"id": {"N": i.to_string()}}}),
            )
            .unwrap();
        assert!(got.get("Item").is_some(), "acknowledged item {i} was lost");
    }
    let count = db
        .execute("DescribeTable", json!({"TableName": "durable"}))
        .unwrap()["Table"]["ItemCount"]
        .as_u64()
        .unwrap();
    assert!(
        count > last_ack,
        "ItemCount {count} recomputed after the crash"
    );
}
