//! The legacy parameters: Expected, ConditionalOperator, AttributeUpdates, AttributesToGet,
//! KeyConditions, QueryFilter, ScanFilter.

use dynoxide::{Database, ErrorCode};
use serde_json::{json, Value};

fn db() -> Database {
    let db = Database::memory().unwrap();
    db.execute(
        "CreateTable",
        json!({
            "TableName": "tbl",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}],
            "BillingMode": "PAY_PER_REQUEST"
        }),
    )
    .unwrap();
    for i in 1..=5 {
        db.execute(
            "PutItem",
            json!({"TableName": "tbl", "Item": {"pk": {"S": "p"}, "sk": {"N": i.to_string()},
                   "n": {"N": (i * 10).to_string()}, "tag": {"S": if i % 2 == 0 { "even" } else { "odd" }},
                   "tags": {"SS": ["x", format!("t{i}")]}}}),
        )
        .unwrap();
    }
    db
}

fn key(sk: i64) -> Value {
    json!({"pk": {"S": "p"}, "sk": {"N": sk.to_string()}})
}

fn msg(db: &Database, op: &str, req: Value) -> String {
    let e = db.execute(op, req).unwrap_err();
    assert_eq!(e.code(), ErrorCode::ValidationException, "{}", e.message());
    e.message().to_string()
}

fn sks(out: &Value) -> Vec<i64> {
    out["Items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["sk"]["N"].as_str().unwrap().parse().unwrap())
        .collect()
}

#[test]
fn expected_guards_writes() {
    let db = db();
    let e = db
        .execute(
            "PutItem",
            json!({"TableName": "tbl", "Item": key(1), "Expected": {"pk": {"Exists": false}}}),
        )
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::ConditionalCheckFailedException);
    db.execute(
        "PutItem",
        json!({"TableName": "tbl", "Item": key(9), "Expected": {"pk": {"Exists": false}}}),
    )
    .unwrap();
    // Value alone means equality; ConditionalOperator OR joins the entries.
    db.execute(
        "DeleteItem",
        json!({"TableName": "tbl", "Key": key(1), "ConditionalOperator": "OR",
               "Expected": {"n": {"Value": {"N": "99"}}, "tag": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "odd"}]}}}),
    )
    .unwrap();
    // NOT_CONTAINS on a missing attribute is false.
    let e = db
        .execute(
            "DeleteItem",
            json!({"TableName": "tbl", "Key": key(2),
                   "Expected": {"missing": {"ComparisonOperator": "NOT_CONTAINS", "AttributeValueList": [{"S": "x"}]}}}),
        )
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::ConditionalCheckFailedException);
    // NE on a missing attribute is true.
    db.execute(
        "UpdateItem",
        json!({"TableName": "tbl", "Key": key(2), "AttributeUpdates": {"z": {"Value": {"S": "set"}}},
               "Expected": {"missing": {"ComparisonOperator": "NE", "AttributeValueList": [{"S": "x"}]}}}),
    )
    .unwrap();
}

#[test]
fn expected_errors_in_dynamodb_words() {
    let db = db();
    let put = |expected: Value| json!({"TableName": "tbl", "Item": key(1), "Expected": expected});
    for (expected, want) in [
        (json!({"a": {}}), "One or more parameter values were invalid: Value must be provided when Exists is null for Attribute: a"),
        (json!({"a": {"Exists": true}}), "One or more parameter values were invalid: Value must be provided when Exists is true for Attribute: a"),
        (json!({"a": {"Exists": false, "Value": {"S": "x"}}}), "One or more parameter values were invalid: Value cannot be used when Exists is false for Attribute: a"),
        (json!({"a": {"Exists": true, "ComparisonOperator": "EQ"}}), "One or more parameter values were invalid: Exists and ComparisonOperator cannot be used together for Attribute: a"),
        (json!({"a": {"ComparisonOperator": "LT"}}), "One or more parameter values were invalid: Value or AttributeValueList must be used with ComparisonOperator: LT for Attribute: a"),
        (json!({"a": {"ComparisonOperator": "BETWEEN", "Value": {"N": "1"}}}), "One or more parameter values were invalid: Invalid number of argument(s) for the BETWEEN ComparisonOperator"),
        (json!({"a": {"ComparisonOperator": "DOG"}}), "1 validation error detected: Value 'DOG' at 'expected.a.member.comparisonOperator' failed to satisfy constraint: Member must satisfy enum value set: [IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]"),
    ] {
        assert_eq!(msg(&db, "PutItem", put(expected.clone())), want, "{expected}");
    }
    assert_eq!(
        msg(&db, "PutItem", json!({"TableName": "tbl", "Item": key(1), "Expected": {"a": {"Exists": false}},
                                   "ConditionExpression": "attribute_exists(a)", "ConditionalOperator": "AND"})),
        "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {Expected, ConditionalOperator} Expression parameters: {ConditionExpression}"
    );
    assert_eq!(
        msg(
            &db,
            "PutItem",
            json!({"TableName": "tbl", "Item": key(1), "Expected": {"a": {"Exists": false}}, "ConditionalOperator": "OR"})
        ),
        "ConditionalOperator can only be used when Filter or Expected has two or more elements"
    );
    assert_eq!(
        msg(
            &db,
            "DeleteItem",
            json!({"TableName": "tbl", "Key": key(1), "ConditionalOperator": "OR"})
        ),
        "ConditionalOperator cannot be used without Filter or Expected"
    );
}

#[test]
fn attribute_updates_apply() {
    let db = db();
    let out = db
        .execute(
            "UpdateItem",
            json!({"TableName": "tbl", "Key": key(1), "ReturnValues": "UPDATED_NEW",
                   "AttributeUpdates": {"n": {"Action": "ADD", "Value": {"N": "5"}},
                                        "tags": {"Action": "DELETE", "Value": {"SS": ["x"]}},
                                        "tag": {"Action": "DELETE"},
                                        "l": {"Action": "ADD", "Value": {"L": [{"S": "a"}]}}}}),
        )
        .unwrap();
    assert_eq!(
        out["Attributes"],
        json!({"n": {"N": "15"}, "tags": {"SS": ["t1"]}, "l": {"L": [{"S": "a"}]}})
    );
    // DELETE actions alone do not create a missing item; ADD does.
    db.execute(
        "UpdateItem",
        json!({"TableName": "tbl", "Key": key(77), "AttributeUpdates": {"a": {"Action": "DELETE"}}}),
    )
    .unwrap();
    let got = db
        .execute("GetItem", json!({"TableName": "tbl", "Key": key(77)}))
        .unwrap();
    assert_eq!(got, json!({}));
    db.execute(
        "UpdateItem",
        json!({"TableName": "tbl", "Key": key(77), "AttributeUpdates": {"c": {"Action": "ADD", "Value": {"N": "1"}}}}),
    )
    .unwrap();
    let got = db
        .execute("GetItem", json!({"TableName": "tbl", "Key": key(77)}))
        .unwrap();
    assert_eq!(got["Item"]["c"], json!({"N": "1"}));

    for (updates, want) in [
        (json!({"sk": {"Value": {"N": "1"}}}), "One or more parameter values were invalid: Cannot update attribute sk. This attribute is part of the key"),
        (json!({"a": {"Action": "PUT"}}), "One or more parameter values were invalid: Only DELETE action is allowed when no attribute value is specified"),
        (json!({"a": {"Action": "DELETE", "Value": {"S": "x"}}}), "One or more parameter values were invalid: DELETE action with value is not supported for the type S"),
        (json!({"a": {"Action": "ADD", "Value": {"S": "x"}}}), "One or more parameter values were invalid: ADD action is not supported for the type S"),
        (json!({"tag": {"Action": "ADD", "Value": {"N": "1"}}}), "Type mismatch for attribute to update"),
    ] {
        assert_eq!(
            msg(&db, "UpdateItem", json!({"TableName": "tbl", "Key": key(3), "AttributeUpdates": updates.clone()})),
            want,
            "{updates}"
        );
    }
    assert_eq!(
        msg(&db, "UpdateItem", json!({"TableName": "tbl", "Key": key(3), "AttributeUpdates": {"a": {"Value": {"S": "x"}}},
                                      "UpdateExpression": "SET b = :b", "ExpressionAttributeValues": {":b": {"S": "y"}}})),
        "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributeUpdates} Expression parameters: {UpdateExpression}"
    );
}

#[test]
fn attributes_to_get_projects_top_level_names() {
    let db = db();
    let got = db
        .execute(
            "GetItem",
            json!({"TableName": "tbl", "Key": key(1), "AttributesToGet": ["n", "nothing"]}),
        )
        .unwrap();
    assert_eq!(got, json!({"Item": {"n": {"N": "10"}}}));
    let got = db
        .execute(
            "GetItem",
            json!({"TableName": "tbl", "Key": key(1), "AttributesToGet": ["nothing"]}),
        )
        .unwrap();
    assert_eq!(got, json!({"Item": {}}));
    assert_eq!(
        msg(
            &db,
            "GetItem",
            json!({"TableName": "tbl", "Key": key(1), "AttributesToGet": ["a", "a"]})
        ),
        "One or more parameter values were invalid: Duplicate value in attribute name: a"
    );
    assert_eq!(
        msg(&db, "GetItem", json!({"TableName": "tbl", "Key": key(1), "AttributesToGet": []})),
        "1 validation error detected: Value '[]' at 'attributesToGet' failed to satisfy constraint: Member must have length greater than or equal to 1"
    );
    let out = db
        .execute(
            "Scan",
            json!({"TableName": "tbl", "AttributesToGet": ["sk"], "Limit": 2}),
        )
        .unwrap();
    assert_eq!(
        out["Items"],
        json!([{"sk": {"N": "1"}}, {"sk": {"N": "2"}}])
    );
    let out = db
        .execute(
            "BatchGetItem",
            json!({"RequestItems": {"tbl": {"Keys": [key(2)], "AttributesToGet": ["tag"]}}}),
        )
        .unwrap();
    assert_eq!(out["Responses"]["tbl"], json!([{"tag": {"S": "even"}}]));
    assert_eq!(
        msg(
            &db,
            "Scan",
            json!({"TableName": "tbl", "AttributesToGet": ["sk"], "Select": "COUNT"})
        ),
        "Cannot specify the AttributesToGet when choosing to get only the Count"
    );
    assert_eq!(
        msg(&db, "Query", json!({"TableName": "tbl", "AttributesToGet": ["sk"], "Select": "ALL_ATTRIBUTES",
                                 "KeyConditions": {"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "p"}]}}})),
        "1 validation error detected: Cannot specify the AttributesToGet when choosing to get ALL_ATTRIBUTES"
    );
    assert_eq!(
        msg(&db, "Scan", json!({"TableName": "tbl", "Select": "SPECIFIC_ATTRIBUTES"})),
        "Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES"
    );
}

#[test]
fn key_conditions_and_query_filter() {
    let db = db();
    let eq_p = json!({"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "p"}]});
    let out = db
        .execute(
            "Query",
            json!({"TableName": "tbl", "KeyConditions": {"pk": eq_p,
                   "sk": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "2"}, {"N": "4"}]}},
                   "QueryFilter": {"tag": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "even"}]}},
                   "ScanIndexForward": false}),
        )
        .unwrap();
    assert_eq!(sks(&out), [4, 2]);
    assert_eq!(out["ScannedCount"], json!(3));
    // KeyConditions works beside a FilterExpression.
    let out = db
        .execute(
            "Query",
            json!({"TableName": "tbl", "KeyConditions": {"pk": eq_p},
                   "FilterExpression": "n > :n", "ExpressionAttributeValues": {":n": {"N": "30"}}}),
        )
        .unwrap();
    assert_eq!(sks(&out), [4, 5]);
    let q = |kc: Value| {
        msg(
            &db,
            "Query",
            json!({"TableName": "tbl", "KeyConditions": kc}),
        )
    };
    assert_eq!(
        q(json!({"sk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"N": "1"}]}})),
        "Query condition missed key schema element: pk"
    );
    assert_eq!(
        q(json!({"pk": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [{"S": "p"}]}})),
        "Query key condition not supported"
    );
    assert_eq!(
        q(json!({"pk": {"ComparisonOperator": "NE", "AttributeValueList": [{"S": "p"}]}})),
        "Attempted conditional constraint is not an indexable operation"
    );
    assert_eq!(
        q(json!({"pk": eq_p, "sk": {"ComparisonOperator": "NOT_NULL"}})),
        "Attempted conditional constraint is not an indexable operation"
    );
    assert_eq!(
        q(json!({"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"N": "1"}]}})),
        "One or more parameter values were invalid: Condition parameter type does not match schema type"
    );
    assert_eq!(q(json!({})), "Conditions can be of length 1 or 2 only");
    // The value's type is checked before the sort key's operator.
    assert_eq!(
        q(json!({"pk": eq_p, "sk": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [{"S": "1"}]}})),
        "One or more parameter values were invalid: Condition parameter type does not match schema type"
    );
    assert_eq!(
        msg(
            &db,
            "Query",
            json!({"TableName": "tbl", "KeyConditions": {"pk": eq_p},
                                 "QueryFilter": {"sk": {"ComparisonOperator": "NOT_NULL"}}})
        ),
        "QueryFilter can only contain non-primary key attributes: Primary key attribute: sk"
    );
    assert_eq!(
        msg(&db, "Query", json!({"TableName": "tbl", "KeyConditionExpression": "pk = :p", "KeyConditions": {"pk": eq_p},
                                 "ExpressionAttributeValues": {":p": {"S": "p"}}})),
        "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {KeyConditions} Expression parameters: {KeyConditionExpression}"
    );
}

#[test]
fn scan_filter_matches_the_filter_expression() {
    let db = db();
    let legacy = db
        .execute(
            "Scan",
            json!({"TableName": "tbl", "ConditionalOperator": "OR", "ScanFilter": {
                "n": {"ComparisonOperator": "GE", "AttributeValueList": [{"N": "40"}]},
                "tags": {"ComparisonOperator": "CONTAINS", "AttributeValueList": [{"S": "t1"}]},
                "sk": {"ComparisonOperator": "IN", "AttributeValueList": [{"N": "3"}]}}}),
        )
        .unwrap();
    let expr = db
        .execute(
            "Scan",
            json!({"TableName": "tbl", "FilterExpression": "n >= :a OR contains(tags, :b) OR sk IN (:c)",
                   "ExpressionAttributeValues": {":a": {"N": "40"}, ":b": {"S": "t1"}, ":c": {"N": "3"}}}),
        )
        .unwrap();
    assert_eq!(sks(&legacy), [1, 3, 4, 5]);
    assert_eq!(legacy, expr);
    let explained = db
        .explain(
            "Scan",
            json!({"TableName": "tbl", "ScanFilter": {"tag": {"ComparisonOperator": "NULL"}}}),
        )
        .unwrap();
    assert_eq!(explained.ir, "ScanFilter: attribute_not_exists(tag)");
}
