//! `explain`: printed snapshots of representative requests (tests/snapshots/), plus the checks
//! a snapshot alone would not make obvious (an index query searches the index).

use dynoxide::Database;
use serde_json::{json, Value};

fn music() -> Database {
    let db = Database::memory().unwrap();
    db.execute(
        "CreateTable",
        json!({
            "TableName": "Music",
            "AttributeDefinitions": [
                {"AttributeName": "Artist", "AttributeType": "S"},
                {"AttributeName": "Song", "AttributeType": "S"},
                {"AttributeName": "Genre", "AttributeType": "S"},
                {"AttributeName": "Year", "AttributeType": "N"}
            ],
            "KeySchema": [
                {"AttributeName": "Artist", "KeyType": "HASH"},
                {"AttributeName": "Song", "KeyType": "RANGE"}
            ],
            "BillingMode": "PAY_PER_REQUEST",
            "GlobalSecondaryIndexes": [{
                "IndexName": "ByGenre",
                "KeySchema": [
                    {"AttributeName": "Genre", "KeyType": "HASH"},
                    {"AttributeName": "Year", "KeyType": "RANGE"}
                ],
                "Projection": {"ProjectionType": "ALL"}
            }]
        }),
    )
    .unwrap();
    db
}

fn explain(op: &str, req: Value) -> String {
    music().explain(op, req).unwrap().to_string()
}

#[test]
fn query_on_the_table_key() {
    insta::assert_snapshot!(explain(
        "Query",
        json!({
            "TableName": "Music",
            "KeyConditionExpression": "Artist = :a AND begins_with(Song, :p)",
            "ExpressionAttributeValues": {":a": {"S": "Queen"}, ":p": {"S": "Bo"}}
        })
    ));
}

#[test]
fn query_on_a_gsi_with_a_filter() {
    let e = music()
        .explain(
            "Query",
            json!({
                "TableName": "Music",
                "IndexName": "ByGenre",
                "KeyConditionExpression": "Genre = :g AND #y BETWEEN :lo AND :hi",
                "FilterExpression": "Price < :p AND (Artist IN (:a) OR :lo > :hi)",
                "ProjectionExpression": "Song, Price",
                "ScanIndexForward": false,
                "Limit": 10,
                "ExpressionAttributeNames": {"#y": "Year"},
                "ExpressionAttributeValues": {
                    ":g": {"S": "Rock"}, ":lo": {"N": "1990"}, ":hi": {"N": "1999"},
                    ":p": {"N": "10"}, ":a": {"S": "Queen"}
                }
            }),
        )
        .unwrap();
    // The index is searched on its key, never scanned.
    assert!(
        e.plan[0].starts_with("SEARCH x USING PRIMARY KEY (ipk=?"),
        "{:?}",
        e.plan
    );
    assert!(
        !e.plan.iter().any(|l| l.starts_with("SCAN")),
        "{:?}",
        e.plan
    );
    insta::assert_snapshot!(e.to_string());
}

#[test]
fn scan_with_a_filter_and_segment() {
    insta::assert_snapshot!(explain(
        "Scan",
        json!({
            "TableName": "Music",
            "FilterExpression": "attribute_exists(Awards) AND size(Tags) > :n",
            "Segment": 1,
            "TotalSegments": 4,
            "ExpressionAttributeValues": {":n": {"N": "2"}}
        })
    ));
}

#[test]
fn scan_whose_filter_is_always_true_has_no_filter_column() {
    let e = music()
        .explain(
            "Scan",
            json!({
                "TableName": "Music",
                "FilterExpression": ":a < :b",
                "ExpressionAttributeValues": {":a": {"N": "1"}, ":b": {"N": "2"}}
            }),
        )
        .unwrap();
    assert!(
        e.optimized_ir.contains("Filter: TRUE"),
        "{}",
        e.optimized_ir
    );
    assert!(e.sql.starts_with("SELECT item, size, 1 FROM"), "{}", e.sql);
}

#[test]
fn get_item_is_one_key_lookup() {
    insta::assert_snapshot!(explain(
        "GetItem",
        json!({
            "TableName": "Music",
            "Key": {"Artist": {"S": "Queen"}, "Song": {"S": "Bohemian Rhapsody"}},
            "ProjectionExpression": "#y, Awards[0]",
            "ExpressionAttributeNames": {"#y": "Year"}
        })
    ));
}

#[test]
fn explain_checks_the_request_like_the_operation() {
    let db = music();
    let err = db
        .explain(
            "Query",
            json!({"TableName": "Music", "KeyConditionExpression": "Song = :s",
                   "ExpressionAttributeValues": {":s": {"S": "x"}}}),
        )
        .unwrap_err();
    assert_eq!(
        err.message(),
        "Query condition missed key schema element: Artist"
    );
    let err = db
        .explain(
            "Query",
            json!({"TableName": "Nope", "KeyConditionExpression": "a = :a",
                                 "ExpressionAttributeValues": {":a": {"S": "x"}}}),
        )
        .unwrap_err();
    assert_eq!(err.code().as_str(), "ResourceNotFoundException");
    let err = db
        .explain("PutItem", json!({"TableName": "Music"}))
        .unwrap_err();
    assert_eq!(
        err.message(),
        "explain covers Query, Scan, GetItem and ExecuteStatement; PutItem has no read plan to show"
    );
    let err = db.explain("Frobnicate", json!({})).unwrap_err();
    assert_eq!(err.code().as_str(), "UnknownOperationException");
}

#[test]
fn the_cli_prints_json_with_the_documented_keys() {
    let table = r#"{"TableName":"T1x","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}"#;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dynoxide"))
        .args(["explain", "--format", "json", "--create-table", table, "Query"])
        .arg(r#"{"TableName":"T1x","KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"a"}}}"#)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    for key in ["ir", "optimized_ir", "sql", "params"] {
        assert!(v[key].is_string() || v[key].is_array(), "{key}: {v}");
    }
    assert_eq!(v["params"], json!(["x'61'"]));
    assert!(
        v["plan"].as_array().unwrap().iter().all(Value::is_string),
        "{v}"
    );

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dynoxide"))
        .args(["explain", "Query", "{}"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("ValidationException"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_cli_only_reads_a_database_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data.db");
    {
        let db = Database::new(&path).unwrap();
        db.execute(
            "CreateTable",
            json!({"TableName": "Kept", "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                   "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}], "BillingMode": "PAY_PER_REQUEST"}),
        )
        .unwrap();
        db.checkpoint().unwrap();
    }
    let table = r#"{"TableName":"Extra","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}"#;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dynoxide"))
        .arg("explain")
        .arg("--db-path")
        .arg(&path)
        .args(["--create-table", table, "GetItem"])
        .arg(r#"{"TableName":"Kept","Key":{"pk":{"S":"a"}}}"#)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("GetItem table=\"Kept\""));
    // The table created for the explanation lived in the in-memory copy only.
    let db = Database::new(&path).unwrap();
    let tables = db.execute("ListTables", json!({})).unwrap();
    assert_eq!(tables["TableNames"], json!(["Kept"]));
}

#[test]
fn legacy_key_conditions_show_in_the_ir() {
    let e = music()
        .explain(
            "Query",
            json!({"TableName": "Music", "KeyConditions": {"Artist": {"ComparisonOperator": "EQ",
                   "AttributeValueList": [{"S": "Queen"}]}}, "AttributesToGet": ["Song"]}),
        )
        .unwrap();
    assert_eq!(
        e.ir,
        "KeyConditions: Artist = {\"S\":\"Queen\"}\nAttributesToGet: Song"
    );
}

#[test]
fn partiql_select_explains_as_a_query_or_a_scan() {
    let db = music();
    let e = db
        .explain(
            "ExecuteStatement",
            json!({"Statement": "SELECT Song FROM \"Music\".\"ByGenre\" WHERE Genre = ? AND \"Year\" > 1990 AND Price < 10",
                   "Parameters": [{"S": "Rock"}]}),
        )
        .unwrap();
    assert!(
        e.plan[0].starts_with("SEARCH x USING PRIMARY KEY (ipk=? AND isk>?)"),
        "{:?}",
        e.plan
    );
    insta::assert_snapshot!(e.to_string());
    let e = db
        .explain(
            "ExecuteStatement",
            json!({"Statement": "SELECT * FROM Music WHERE Price < 10 OR Genre = 'Rock'"}),
        )
        .unwrap();
    assert!(
        e.optimized_ir.starts_with("Scan table=\"Music\""),
        "{}",
        e.optimized_ir
    );
    assert_eq!(e.plan, ["SCAN t1"]);
}
