//! ConditionExpression on PutItem and DeleteItem through the public API.

use dynoxide::{Database, ErrorCode};
use serde_json::{json, Value};

fn db() -> Database {
    let db = Database::memory().unwrap();
    db.execute(
        "CreateTable",
        json!({
            "TableName": "cond",
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST"
        }),
    )
    .unwrap();
    db
}

fn put(db: &Database, extra: Value) -> Result<Value, dynoxide::Error> {
    let mut req = json!({"TableName": "cond", "Item": {"id": {"S": "a"}, "n": {"N": "1"}}});
    req.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    db.execute("PutItem", req)
}

#[test]
fn attribute_not_exists_guards_creation() {
    let db = db();
    let guard = json!({"ConditionExpression": "attribute_not_exists(id)"});
    put(&db, guard.clone()).unwrap();
    let e = put(&db, guard).unwrap_err();
    assert_eq!(e.code(), ErrorCode::ConditionalCheckFailedException);
    assert_eq!(e.message(), "The conditional request failed");
    assert!(e.extra().is_none());
}

#[test]
fn failed_condition_returns_the_old_item_when_asked() {
    let db = db();
    put(&db, json!({})).unwrap();
    let e = put(
        &db,
        json!({
            "ConditionExpression": "#n > :v",
            "ExpressionAttributeNames": {"#n": "n"},
            "ExpressionAttributeValues": {":v": {"N": "5"}},
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD"
        }),
    )
    .unwrap_err();
    assert_eq!(
        e.to_json()["Item"],
        json!({"id": {"S": "a"}, "n": {"N": "1"}})
    );
    // The item is unchanged.
    let got = db
        .execute(
            "GetItem",
            json!({"TableName": "cond", "Key": {"id": {"S": "a"}}}),
        )
        .unwrap();
    assert_eq!(got["Item"]["n"], json!({"N": "1"}));
}

#[test]
fn passing_condition_writes() {
    let db = db();
    put(&db, json!({})).unwrap();
    put(
        &db,
        json!({
            "Item": {"id": {"S": "a"}, "n": {"N": "2"}},
            "ConditionExpression": "n = :one AND attribute_type(n, :N)",
            "ExpressionAttributeValues": {":one": {"N": "1.0"}, ":N": {"S": "N"}}
        }),
    )
    .unwrap();
    let e = db
        .execute(
            "DeleteItem",
            json!({"TableName": "cond", "Key": {"id": {"S": "a"}}, "ConditionExpression": "n = :one",
                "ExpressionAttributeValues": {":one": {"N": "1"}}, "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}),
        )
        .unwrap_err();
    assert_eq!(e.to_json()["Item"]["n"], json!({"N": "2"}));
    db.execute(
        "DeleteItem",
        json!({"TableName": "cond", "Key": {"id": {"S": "a"}}, "ConditionExpression": "n = :two",
            "ExpressionAttributeValues": {":two": {"N": "2"}}}),
    )
    .unwrap();
    // Deleting a missing item under attribute_exists fails without an Item.
    let e = db
        .execute(
            "DeleteItem",
            json!({"TableName": "cond", "Key": {"id": {"S": "a"}}, "ConditionExpression": "attribute_exists(id)",
                "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}),
        )
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::ConditionalCheckFailedException);
    assert!(e.extra().is_none());
}

#[test]
fn expression_errors_come_in_dynamodb_order() {
    let db = db();
    let msg = |extra: Value| put(&db, extra).unwrap_err().message().to_string();
    assert_eq!(
        msg(json!({"ExpressionAttributeValues": {":v": {"S": "x"}}})),
        "ExpressionAttributeValues can only be specified when using expressions"
    );
    assert_eq!(
        msg(json!({"ExpressionAttributeNames": {"#a": "a"}})),
        "ExpressionAttributeNames can only be specified when using expressions"
    );
    assert_eq!(
        msg(json!({"ConditionExpression": ""})),
        "Invalid ConditionExpression: The expression can not be empty;"
    );
    assert_eq!(
        msg(
            json!({"ConditionExpression": "a = :v", "ExpressionAttributeValues": {":v": {"S": "x"}, ":w": {"S": "y"}}})
        ),
        "Value provided in ExpressionAttributeValues unused in expressions: keys: {:w}"
    );
    assert_eq!(
        msg(json!({"ConditionExpression": "a = :v", "ExpressionAttributeValues": {}})),
        "ExpressionAttributeValues must not be empty"
    );
    assert_eq!(
        msg(json!({"ReturnValuesOnConditionCheckFailure": "ALL_NEW"})),
        "1 validation error detected: Value 'ALL_NEW' at 'returnValuesOnConditionCheckFailure' failed to satisfy constraint: Member must satisfy enum value set: [ALL_OLD, NONE]"
    );
    // Expressions are checked before the table is looked up.
    let e = db
        .execute("PutItem", json!({"TableName": "missing", "Item": {"id": {"S": "a"}}, "ConditionExpression": "a-b"}))
        .unwrap_err();
    assert_eq!(
        e.message(),
        "Invalid ConditionExpression: Syntax error; token: \"-\", near: \"a-b\""
    );
}
