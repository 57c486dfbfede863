//! BatchGetItem and BatchWriteItem through the public API.

use dynoxide::{Database, ErrorCode};
use serde_json::{json, Value};

fn db() -> Database {
    let db = Database::memory().unwrap();
    for (name, extra) in [
        ("orders", json!({})),
        (
            "events",
            json!({
                "LocalSecondaryIndexes": [{
                    "IndexName": "by-ts",
                    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "ts", "KeyType": "RANGE"}],
                    "Projection": {"ProjectionType": "ALL"}
                }]
            }),
        ),
    ] {
        let mut t = json!({
            "TableName": name,
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "AttributeDefinitions": [
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "N"},
                {"AttributeName": "ts", "AttributeType": "S"}
            ],
            "BillingMode": "PAY_PER_REQUEST"
        });
        if name == "orders" {
            t["AttributeDefinitions"].as_array_mut().unwrap().pop();
        }
        t.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        db.execute("CreateTable", t).unwrap();
    }
    db
}

fn key(pk: &str, sk: i64) -> Value {
    json!({"pk": {"S": pk}, "sk": {"N": sk.to_string()}})
}

fn put(pk: &str, sk: i64, extra: Value) -> Value {
    let mut item = key(pk, sk);
    item.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    json!({"PutRequest": {"Item": item}})
}

fn err(db: &Database, op: &str, req: Value) -> (ErrorCode, String) {
    let e = db.execute(op, req).unwrap_err();
    (e.code(), e.message().to_string())
}

fn validation(m: &str) -> (ErrorCode, String) {
    (ErrorCode::ValidationException, m.to_string())
}

#[test]
fn write_then_get_across_tables() {
    let db = db();
    let out = db
        .execute(
            "BatchWriteItem",
            json!({"RequestItems": {
                "orders": [put("a", 1, json!({"v": {"S": "x"}})), put("a", 2, json!({}))],
                "events": [put("e", 1, json!({"ts": {"S": "t1"}}))]
            }, "ReturnConsumedCapacity": "TOTAL"}),
        )
        .unwrap();
    assert_eq!(out["UnprocessedItems"], json!({}));
    let cap = out["ConsumedCapacity"].as_array().unwrap();
    assert_eq!(cap.len(), 2);
    assert!(cap.contains(&json!({"TableName": "orders", "CapacityUnits": 2.0})));
    // One unit for the item, one for the LSI entry.
    assert!(cap.contains(&json!({"TableName": "events", "CapacityUnits": 2.0})));

    let got = db
        .execute(
            "BatchGetItem",
            json!({"RequestItems": {
                "orders": {"Keys": [key("a", 1), key("a", 3)], "ProjectionExpression": "v, #s",
                           "ExpressionAttributeNames": {"#s": "sk"}, "ConsistentRead": true},
                "events": {"Keys": [key("e", 1)]}
            }, "ReturnConsumedCapacity": "TOTAL"}),
        )
        .unwrap();
    assert_eq!(
        got["Responses"]["orders"],
        json!([{"v": {"S": "x"}, "sk": {"N": "1"}}])
    );
    assert_eq!(got["Responses"]["events"][0]["ts"], json!({"S": "t1"}));
    assert_eq!(got["UnprocessedKeys"], json!({}));
    // Every key is charged, found or not: 2 consistent reads, 1 eventually consistent.
    let cap = got["ConsumedCapacity"].as_array().unwrap();
    assert!(cap.contains(&json!({"TableName": "orders", "CapacityUnits": 2.0})));
    assert!(cap.contains(&json!({"TableName": "events", "CapacityUnits": 0.5})));

    db.execute(
        "BatchWriteItem",
        json!({"RequestItems": {"orders": [{"DeleteRequest": {"Key": key("a", 1)}}]}}),
    )
    .unwrap();
    let d = db
        .execute("DescribeTable", json!({"TableName": "orders"}))
        .unwrap();
    assert_eq!(d["Table"]["ItemCount"], json!(1));
}

#[test]
fn every_table_is_listed_even_without_hits() {
    let db = db();
    let got = db
        .execute(
            "BatchGetItem",
            json!({"RequestItems": {"orders": {"Keys": [key("none", 1)]}}}),
        )
        .unwrap();
    assert_eq!(
        got,
        json!({"Responses": {"orders": []}, "UnprocessedKeys": {}})
    );
}

#[test]
fn validation_failure_writes_nothing() {
    let db = db();
    // The second request's key has the wrong type: nothing of the batch is written.
    let e = err(
        &db,
        "BatchWriteItem",
        json!({"RequestItems": {"orders": [
            put("a", 1, json!({})),
            {"PutRequest": {"Item": {"pk": {"S": "b"}, "sk": {"S": "1"}}}}
        ]}}),
    );
    assert_eq!(
        e,
        validation("One or more parameter values were invalid: Type mismatch for key sk expected: N actual: S")
    );
    let got = db
        .execute(
            "GetItem",
            json!({"TableName": "orders", "Key": key("a", 1)}),
        )
        .unwrap();
    assert_eq!(got, json!({}));
}

#[test]
fn batch_write_errors_in_dynamodb_words() {
    let db = db();
    let cases = [
        (json!({}), "1 validation error detected: Value null at 'requestItems' failed to satisfy constraint: Member must not be null"),
        (json!({"RequestItems": {}}), "The requestItems parameter is required for BatchWriteItem"),
        (json!({"RequestItems": {"orders": []}}), "1 validation error detected: Value '{orders=[]}' at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]"),
        (json!({"RequestItems": {"orders": [{}]}}), "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"),
        (json!({"RequestItems": {"orders": [{"PutRequest": {}}]}}), "1 validation error detected: Value null at 'requestItems.orders.member.1.member.putRequest.item' failed to satisfy constraint: Member must not be null"),
        (json!({"RequestItems": {"orders": [put("a", 1, json!({})), put("a", 1, json!({}))]}}), "Provided list of item keys contains duplicates"),
        (json!({"RequestItems": {"orders": [put("a", 1, json!({})), {"DeleteRequest": {"Key": key("a", 1)}}]}}), "Provided list of item keys contains duplicates"),
        (json!({"RequestItems": {"orders": [{"DeleteRequest": {"Key": {"pk": {"S": "a"}}}}]}}), "The provided key element does not match the schema"),
        (json!({"RequestItems": {"orders": [put("", 1, json!({}))]}}), "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk"),
        (json!({"RequestItems": {"orders": [put("a", 1, json!({"big": {"S": "x".repeat(400 * 1024)}}))]}}), "Item size has exceeded the maximum allowed size"),
        (json!({"RequestItems": {"orders": [put("a", 1, json!({}))]}, "ReturnItemCollectionMetrics": "ALL"}), "1 validation error detected: Value 'ALL' at 'returnItemCollectionMetrics' failed to satisfy constraint: Member must satisfy enum value set: [SIZE, NONE]"),
    ];
    for (req, want) in cases {
        assert_eq!(
            err(&db, "BatchWriteItem", req.clone()),
            validation(want),
            "{req}"
        );
    }
    // 26 writes across two tables (each within 25).
    let many: Vec<Value> = (0..13).map(|i| put("m", i, json!({}))).collect();
    let e = err(
        &db,
        "BatchWriteItem",
        json!({"RequestItems": {"orders": many, "events": (0..13).map(|i| put("m", i, json!({}))).collect::<Vec<_>>()}}),
    );
    assert_eq!(
        e,
        validation("Too many items requested for the BatchWriteItem call")
    );
    let e = err(
        &db,
        "BatchWriteItem",
        json!({"RequestItems": {"nothere": [put("a", 1, json!({}))]}}),
    );
    assert_eq!(
        e,
        (
            ErrorCode::ResourceNotFoundException,
            "Requested resource not found".to_string()
        )
    );
}

#[test]
fn batch_get_errors_in_dynamodb_words() {
    let db = db();
    let cases = [
        (json!({"RequestItems": {}}), "1 validation error detected: Value '{}' at 'requestItems' failed to satisfy constraint: Member must have length greater than or equal to 1"),
        (json!({"RequestItems": {"orders": {}}}), "1 validation error detected: Value null at 'requestItems.orders.member.keys' failed to satisfy constraint: Member must not be null"),
        (json!({"RequestItems": {"orders": {"Keys": []}}}), "1 validation error detected: Value '[]' at 'requestItems.orders.member.keys' failed to satisfy constraint: Member must have length greater than or equal to 1"),
        (json!({"RequestItems": {"ab": {"Keys": [key("a", 1)]}}}), r#"1 validation error detected: Value '{"ab":{"Keys":[{"pk":{"S":"a"},"sk":{"N":"1"}}]}}' at 'requestItems' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 255, Member must have length greater than or equal to 3, Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+]"#),
        (json!({"RequestItems": {"orders": {"Keys": [key("a", 1), key("a", 1)]}}}), "Provided list of item keys contains duplicates"),
        (json!({"RequestItems": {"orders": {"Keys": [{"pk": {"S": "a"}}]}}}), "The provided key element does not match the schema"),
        (json!({"RequestItems": {"orders": {"Keys": [key("a", 1)], "ExpressionAttributeNames": {"#a": "a"}}}}), "ExpressionAttributeNames can only be specified when using expressions"),
        (json!({"RequestItems": {"orders": {"Keys": [key("a", 1)], "ProjectionExpression": "a, a.b"}}}), "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]"),
        (json!({"RequestItems": {"orders": {"Keys": [key("a", 1)], "ProjectionExpression": "a", "AttributesToGet": ["a"]}}}), "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}"),
    ];
    for (req, want) in cases {
        assert_eq!(
            err(&db, "BatchGetItem", req.clone()),
            validation(want),
            "{req}"
        );
    }
    let keys = |n: i64| (0..n).map(|i| key("k", i)).collect::<Vec<_>>();
    let e = err(
        &db,
        "BatchGetItem",
        json!({"RequestItems": {"orders": {"Keys": keys(60)}, "events": {"Keys": keys(41)}}}),
    );
    assert_eq!(
        e,
        validation("Too many items requested for the BatchGetItem call")
    );
    // Keys that differ only in how a number is spelled name the same item.
    let e = err(
        &db,
        "BatchGetItem",
        json!({"RequestItems": {"orders": {"Keys": [key("a", 1), {"pk": {"S": "a"}, "sk": {"N": "1.0"}}]}}}),
    );
    assert_eq!(
        e,
        validation("Provided list of item keys contains duplicates")
    );
    // Duplicates are found before the table is looked up.
    let e = err(
        &db,
        "BatchGetItem",
        json!({"RequestItems": {"nothere": {"Keys": [key("a", 1), key("a", 1)]}}}),
    );
    assert_eq!(
        e,
        validation("Provided list of item keys contains duplicates")
    );
}

#[test]
fn responses_past_16_mb_come_back_as_unprocessed_keys() {
    let db = db();
    let big = "x".repeat(390 * 1024);
    for chunk in 0..4 {
        let reqs: Vec<Value> = (0..25)
            .map(|i| put("big", chunk * 25 + i, json!({"blob": {"S": big}})))
            .collect();
        db.execute("BatchWriteItem", json!({"RequestItems": {"orders": reqs}}))
            .unwrap();
    }
    let keys: Vec<Value> = (0..100).map(|i| key("big", i)).collect();
    let got = db
        .execute(
            "BatchGetItem",
            json!({"RequestItems": {"orders": {"Keys": keys, "ConsistentRead": true,
                                               "ProjectionExpression": "sk"}}}),
        )
        .unwrap();
    let read = got["Responses"]["orders"].as_array().unwrap().len();
    let left = got["UnprocessedKeys"]["orders"]["Keys"].as_array().unwrap();
    assert!(read > 0 && read < 100, "{read}");
    assert_eq!(read + left.len(), 100);
    // The rest is in the request's shape, ready to send again.
    assert_eq!(
        got["UnprocessedKeys"]["orders"]["ConsistentRead"],
        json!(true)
    );
    assert_eq!(
        got["UnprocessedKeys"]["orders"]["ProjectionExpression"],
        json!("sk")
    );
    // Resending the rest until nothing is left reads every item exactly once.
    let mut total = read;
    let mut rest = got["UnprocessedKeys"].clone();
    while rest != json!({}) {
        let again = db
            .execute("BatchGetItem", json!({"RequestItems": rest}))
            .unwrap();
        total += again["Responses"]["orders"].as_array().unwrap().len();
        rest = again["UnprocessedKeys"].clone();
    }
    assert_eq!(total, 100);
}

#[test]
fn item_collection_metrics_for_tables_with_an_lsi() {
    let db = db();
    let out = db
        .execute(
            "BatchWriteItem",
            json!({"RequestItems": {
                "orders": [put("a", 1, json!({}))],
                "events": [put("e", 1, json!({"ts": {"S": "t"}})), put("e", 2, json!({}))]
            }, "ReturnItemCollectionMetrics": "SIZE"}),
        )
        .unwrap();
    assert_eq!(
        out["ItemCollectionMetrics"],
        json!({"events": [{"ItemCollectionKey": {"pk": {"S": "e"}}, "SizeEstimateRangeGB": [0.0, 1.0]}]})
    );
    let out = db
        .execute(
            "PutItem",
            json!({"TableName": "events", "Item": key("e", 3), "ReturnItemCollectionMetrics": "SIZE"}),
        )
        .unwrap();
    assert_eq!(
        out["ItemCollectionMetrics"]["ItemCollectionKey"],
        json!({"pk": {"S": "e"}})
    );
    let out = db
        .execute(
            "PutItem",
            json!({"TableName": "orders", "Item": key("a", 3), "ReturnItemCollectionMetrics": "SIZE"}),
        )
        .unwrap();
    assert_eq!(out, json!({}));
}
