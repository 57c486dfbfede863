//! TransactWriteItems and TransactGetItems through the public API, including concurrency.

use dynoxide::{Database, ErrorCode};
use serde_json::{json, Value};

fn db() -> Database {
    let db = Database::memory().unwrap();
    db.execute(
        "CreateTable",
        json!({
            "TableName": "accounts",
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST"
        }),
    )
    .unwrap();
    db
}

fn key(id: &str) -> Value {
    json!({"id": {"S": id}})
}

fn get(db: &Database, id: &str) -> Value {
    db.execute("GetItem", json!({"TableName": "accounts", "Key": key(id)}))
        .unwrap()["Item"]
        .clone()
}

fn put(id: &str, n: i64) -> Value {
    json!({"Put": {"TableName": "accounts", "Item": {"id": {"S": id}, "n": {"N": n.to_string()}}}})
}

fn err(db: &Database, op: &str, req: Value) -> dynoxide::Error {
    db.execute(op, req).unwrap_err()
}

#[test]
fn all_four_actions_commit_together() {
    let db = db();
    db.execute(
        "TransactWriteItems",
        json!({"TransactItems": [put("a", 10), put("gone", 1)]}),
    )
    .unwrap();
    let out = db
        .execute(
            "TransactWriteItems",
            json!({"TransactItems": [
                {"ConditionCheck": {"TableName": "accounts", "Key": key("a"),
                    "ConditionExpression": "n = :ten", "ExpressionAttributeValues": {":ten": {"N": "10"}}}},
                put("b", 5),
                {"Update": {"TableName": "accounts", "Key": key("c"), "UpdateExpression": "ADD n :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}}}},
                {"Delete": {"TableName": "accounts", "Key": key("gone")}}
            ], "ReturnConsumedCapacity": "TOTAL"}),
        )
        .unwrap();
    // Twice the units of plain writes: 2 (check) + 2 + 2 + 2.
    assert_eq!(
        out["ConsumedCapacity"],
        json!([{"TableName": "accounts", "CapacityUnits": 8.0, "WriteCapacityUnits": 8.0}])
    );
    assert_eq!(get(&db, "b")["n"], json!({"N": "5"}));
    assert_eq!(get(&db, "c")["n"], json!({"N": "1"}));
    assert_eq!(get(&db, "gone"), Value::Null);
    let d = db
        .execute("DescribeTable", json!({"TableName": "accounts"}))
        .unwrap();
    assert_eq!(d["Table"]["ItemCount"], json!(3));
}

#[test]
fn a_failed_condition_cancels_everything_with_reasons_in_order() {
    let db = db();
    db.execute(
        "PutItem",
        json!({"TableName": "accounts", "Item": {"id": {"S": "a"}, "n": {"N": "1"}}}),
    )
    .unwrap();
    let e = err(
        &db,
        "TransactWriteItems",
        json!({"TransactItems": [
            put("new", 1),
            {"Update": {"TableName": "accounts", "Key": key("a"), "UpdateExpression": "SET n = :two",
                "ConditionExpression": "n > :five", "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                "ExpressionAttributeValues": {":two": {"N": "2"}, ":five": {"N": "5"}}}},
            {"ConditionCheck": {"TableName": "accounts", "Key": key("missing"),
                "ConditionExpression": "attribute_exists(id)"}}
        ]}),
    );
    assert_eq!(e.code(), ErrorCode::TransactionCanceledException);
    assert_eq!(
        e.message(),
        "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed, ConditionalCheckFailed]"
    );
    assert_eq!(
        e.extra().unwrap()["CancellationReasons"],
        json!([
            {"Code": "None"},
            {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed",
             "Item": {"id": {"S": "a"}, "n": {"N": "1"}}},
            {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"}
        ])
    );
    // The body says Message with a capital M, as DynamoDB does for this error.
    assert!(e.to_json().get("Message").is_some());
    assert_eq!(get(&db, "new"), Value::Null);
    assert_eq!(get(&db, "a")["n"], json!({"N": "1"}));
}

#[test]
fn per_item_errors_are_cancellation_reasons() {
    let db = db();
    db.execute(
        "PutItem",
        json!({"TableName": "accounts", "Item": {"id": {"S": "s"}, "v": {"S": "x"}}}),
    )
    .unwrap();
    let e = err(
        &db,
        "TransactWriteItems",
        json!({"TransactItems": [
            {"Put": {"TableName": "accounts", "Item": {"id": {"N": "1"}}}},
            {"Delete": {"TableName": "accounts", "Key": {"id": {"S": "d"}, "x": {"S": "y"}}}},
            {"Update": {"TableName": "accounts", "Key": key("s"), "UpdateExpression": "SET v = v + :one",
                "ExpressionAttributeValues": {":one": {"N": "1"}}}},
            put("fine", 1)
        ]}),
    );
    assert_eq!(
        e.extra().unwrap()["CancellationReasons"],
        json!([
            {"Code": "ValidationError", "Message": "One or more parameter values were invalid: Type mismatch for key id expected: S actual: N"},
            {"Code": "ValidationError", "Message": "The provided key element does not match the schema"},
            {"Code": "ValidationError", "Message": "An operand in the update expression has an incorrect data type"},
            {"Code": "None"}
        ])
    );
    assert_eq!(get(&db, "fine"), Value::Null);
}

#[test]
fn request_errors_in_dynamodb_words() {
    let db = db();
    let cases = [
        (json!({"TransactItems": []}), "1 validation error detected: Value '[]' at 'transactItems' failed to satisfy constraint: Member must have length greater than or equal to 1"),
        (json!({}), "1 validation error detected: Value null at 'transactItems' failed to satisfy constraint: Member must not be null"),
        (json!({"TransactItems": [{}]}), "Invalid Request: TransactWriteRequest should contain Delete or Put or Update request"),
        (json!({"TransactItems": [{"Put": put("a", 1)["Put"], "Delete": {"TableName": "accounts", "Key": key("a")}}]}), "TransactItems can only contain one of Check, Put, Update or Delete"),
        (json!({"TransactItems": [put("a", 1), {"Delete": {"TableName": "accounts", "Key": key("a")}}]}), "Transaction request cannot include multiple operations on one item"),
        (json!({"TransactItems": [{"ConditionCheck": {"TableName": "accounts", "Key": key("a")}}]}), "1 validation error detected: Value null at 'transactItems.1.member.conditionCheck.conditionExpression' failed to satisfy constraint: Member must not be null"),
        (json!({"TransactItems": [put("a", 1)], "ClientRequestToken": "x".repeat(37)}), &format!("1 validation error detected: Value '{}' at 'clientRequestToken' failed to satisfy constraint: Member must have length less than or equal to 36", "x".repeat(37))),
        (json!({"TransactItems": [{"Put": {"TableName": "accounts", "Item": {"id": {"S": ""}}}}]}), "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: id"),
        (json!({"TransactItems": [{"Put": {"TableName": "accounts", "Item": key("a"), "ConditionExpression": "a = :v",
            "ExpressionAttributeValues": {":v": {"S": "x"}, ":unused": {"S": "y"}}}}]}), "Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}"),
        (json!({"TransactItems": [{"Update": {"TableName": "accounts", "Key": key("a"), "UpdateExpression": "SET id = :v",
            "ExpressionAttributeValues": {":v": {"S": "x"}}}}]}), "One or more parameter values were invalid: Cannot update attribute id. This attribute is part of the key"),
    ];
    for (req, want) in cases {
        let e = err(&db, "TransactWriteItems", req.clone());
        assert_eq!(
            (e.code(), e.message()),
            (ErrorCode::ValidationException, want),
            "{req}"
        );
    }
    // A syntax error in a later action wins over a missing table in an earlier one.
    let e = err(
        &db,
        "TransactWriteItems",
        json!({"TransactItems": [
            {"Put": {"TableName": "nothere", "Item": key("a")}},
            {"Delete": {"TableName": "accounts", "Key": key("a"), "ConditionExpression": "a ="}}
        ]}),
    );
    assert_eq!(
        e.message(),
        "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"=\""
    );
    let e = err(
        &db,
        "TransactWriteItems",
        json!({"TransactItems": [{"Put": {"TableName": "nothere", "Item": key("a")}}]}),
    );
    assert_eq!(e.code(), ErrorCode::ResourceNotFoundException);
}

#[test]
fn client_request_token_makes_retries_idempotent() {
    let db = db();
    let req = json!({"TransactItems": [{"Update": {"TableName": "accounts", "Key": key("c"),
        "UpdateExpression": "ADD n :one", "ExpressionAttributeValues": {":one": {"N": "1"}}}}],
        "ClientRequestToken": "token-1"});
    db.execute("TransactWriteItems", req.clone()).unwrap();
    db.execute("TransactWriteItems", req.clone()).unwrap();
    assert_eq!(get(&db, "c")["n"], json!({"N": "1"}));
    let mut other = req.clone();
    other["TransactItems"][0]["Update"]["ExpressionAttributeValues"][":one"] = json!({"N": "2"});
    let e = err(&db, "TransactWriteItems", other);
    assert_eq!(e.code(), ErrorCode::IdempotentParameterMismatchException);
    // A new token applies again.
    let mut fresh = req;
    fresh["ClientRequestToken"] = json!("token-2");
    db.execute("TransactWriteItems", fresh).unwrap();
    assert_eq!(get(&db, "c")["n"], json!({"N": "2"}));
}

#[test]
fn transact_get_items_reads_positionally() {
    let db = db();
    db.execute(
        "TransactWriteItems",
        json!({"TransactItems": [put("a", 1), put("b", 2)]}),
    )
    .unwrap();
    let out = db
        .execute(
            "TransactGetItems",
            json!({"TransactItems": [
                {"Get": {"TableName": "accounts", "Key": key("b"), "ProjectionExpression": "n"}},
                {"Get": {"TableName": "accounts", "Key": key("missing")}},
                {"Get": {"TableName": "accounts", "Key": key("a"), "ProjectionExpression": "nothing"}}
            ], "ReturnConsumedCapacity": "TOTAL"}),
        )
        .unwrap();
    assert_eq!(
        out["Responses"],
        json!([{"Item": {"n": {"N": "2"}}}, {}, {}])
    );
    // Two read units per item, missing ones included.
    assert_eq!(
        out["ConsumedCapacity"],
        json!([{"TableName": "accounts", "CapacityUnits": 6.0, "ReadCapacityUnits": 6.0}])
    );
    let e = err(
        &db,
        "TransactGetItems",
        json!({"TransactItems": [{"Get": {"TableName": "accounts", "Key": key("a")}},
                                  {"Get": {"TableName": "accounts", "Key": key("a")}}]}),
    );
    assert_eq!(
        e.message(),
        "Transaction request cannot include multiple operations on one item"
    );
    let e = err(
        &db,
        "TransactGetItems",
        json!({"TransactItems": [{"Get": {"TableName": "accounts", "Key": key("a")}},
                                  {"Get": {"TableName": "accounts", "Key": {"id": {"N": "1"}}}}]}),
    );
    assert_eq!(e.code(), ErrorCode::TransactionCanceledException);
    assert_eq!(
        e.extra().unwrap()["CancellationReasons"],
        json!([{"Code": "None"}, {"Code": "ValidationError", "Message": "The provided key element does not match the schema"}])
    );
    let e = err(&db, "TransactGetItems", json!({"TransactItems": []}));
    assert_eq!(e.message(), "1 validation error detected: Value '[]' at 'transactItems' failed to satisfy constraint: Member must have length greater than or equal to 1");
}

#[test]
fn concurrent_transfers_keep_the_sum_and_readers_never_see_half() {
    let db = db();
    db.execute(
        "TransactWriteItems",
        json!({"TransactItems": [put("x", 1000), put("y", 1000)]}),
    )
    .unwrap();
    let transfer = |from: &str, to: &str| {
        json!({"TransactItems": [
            {"Update": {"TableName": "accounts", "Key": key(from), "UpdateExpression": "SET n = n - :one",
                "ConditionExpression": "n >= :one", "ExpressionAttributeValues": {":one": {"N": "1"}}}},
            {"Update": {"TableName": "accounts", "Key": key(to), "UpdateExpression": "SET n = n + :one",
                "ExpressionAttributeValues": {":one": {"N": "1"}}}}
        ]})
    };
    let stop = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|s| {
        let reader = s.spawn(|| {
            let mut reads = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let out = db
                    .execute(
                        "TransactGetItems",
                        json!({"TransactItems": [{"Get": {"TableName": "accounts", "Key": key("x")}},
                                                  {"Get": {"TableName": "accounts", "Key": key("y")}}]}),
                    )
                    .unwrap();
                let n = |i: usize| -> i64 {
                    out["Responses"][i]["Item"]["n"]["N"].as_str().unwrap().parse().unwrap()
                };
                assert_eq!(n(0) + n(1), 2000, "a reader saw half a transaction");
                reads += 1;
            }
            reads
        });
        let writers: Vec<_> = (0..8)
            .map(|t| {
                let db = db.clone();
                s.spawn(move || {
                    for i in 0..200 {
                        let (from, to) = if (t + i) % 2 == 0 {
                            ("x", "y")
                        } else {
                            ("y", "x")
                        };
                        db.execute("TransactWriteItems", transfer(from, to))
                            .unwrap();
                    }
                })
            })
            .collect();
        for w in writers {
            w.join().unwrap();
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        assert!(reader.join().unwrap() > 0);
    });
    let n = |id: &str| -> i64 { get(&db, id)["n"]["N"].as_str().unwrap().parse().unwrap() };
    assert_eq!(n("x") + n("y"), 2000);
}

#[test]
fn racing_conditional_puts_have_exactly_one_winner() {
    for _ in 0..5 {
        let db = db();
        let wins = std::sync::atomic::AtomicUsize::new(0);
        std::thread::scope(|s| {
            for t in 0..8 {
                let (db, wins) = (db.clone(), &wins);
                s.spawn(move || {
                    let r = db.execute(
                        "PutItem",
                        json!({"TableName": "accounts", "Item": {"id": {"S": "k"}, "owner": {"N": t.to_string()}},
                               "ConditionExpression": "attribute_not_exists(id)"}),
                    );
                    match r {
                        Ok(_) => {
                            wins.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        }
                        Err(e) => assert_eq!(e.code(), ErrorCode::ConditionalCheckFailedException),
                    }
                });
            }
        });
        assert_eq!(wins.into_inner(), 1);
    }
}
