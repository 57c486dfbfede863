//! UpdateItem through the public API: every clause, ReturnValues, conditions and errors.

use dynoxide::{Database, ErrorCode};
use serde_json::{json, Value};

fn db() -> Database {
    let db = Database::memory().unwrap();
    db.execute(
        "CreateTable",
        json!({
            "TableName": "upd",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST"
        }),
    )
    .unwrap();
    db
}

fn update(db: &Database, expr: &str, values: Value, ret: &str) -> Result<Value, dynoxide::Error> {
    let mut req = json!({"TableName": "upd", "Key": {"pk": {"S": "a"}}, "UpdateExpression": expr,
        "ReturnValues": ret});
    if !values.as_object().unwrap().is_empty() {
        req["ExpressionAttributeValues"] = values;
    }
    db.execute("UpdateItem", req)
}

fn item(db: &Database) -> Value {
    db.execute(
        "GetItem",
        json!({"TableName": "upd", "Key": {"pk": {"S": "a"}}}),
    )
    .unwrap()["Item"]
        .clone()
}

#[test]
fn creates_missing_items_and_applies_every_clause() {
    let db = db();
    let out = update(
        &db,
        "SET n = :one, l = :l, m = :m, s = :s ADD c :one, tags :ss",
        json!({":one": {"N": "1"}, ":l": {"L": [{"S": "x"}, {"S": "y"}, {"S": "z"}]},
            ":m": {"M": {"k": {"S": "v"}}}, ":s": {"S": "str"}, ":ss": {"SS": ["a", "b"]}}),
        "ALL_NEW",
    )
    .unwrap();
    assert_eq!(out["Attributes"]["pk"], json!({"S": "a"}));
    assert_eq!(out["Attributes"]["c"], json!({"N": "1"}));

    update(
        &db,
        "SET n = n + :two, m.k2 = :s, l[1] = :s, l[10] = :s, s = if_not_exists(s, :s2), fresh = if_not_exists(nope, :s2) \
         REMOVE l[0], l[2] ADD c :two, tags :ss2",
        json!({":two": {"N": "2.5"}, ":s": {"S": "new"}, ":s2": {"S": "dflt"}, ":ss2": {"SS": ["c"]}}),
        "NONE",
    )
    .unwrap();
    update(
        &db,
        "DELETE tags :ssa",
        json!({":ssa": {"SS": ["a"]}}),
        "NONE",
    )
    .unwrap();
    let it = item(&db);
    assert_eq!(it["n"], json!({"N": "3.5"}));
    assert_eq!(it["m"], json!({"M": {"k": {"S": "v"}, "k2": {"S": "new"}}}));
    // l was [x, y, z]; SET l[1] and append, then REMOVE original positions 0 and 2.
    assert_eq!(it["l"], json!({"L": [{"S": "new"}, {"S": "new"}]}));
    assert_eq!(it["s"], json!({"S": "str"}));
    assert_eq!(it["fresh"], json!({"S": "dflt"}));
    assert_eq!(it["c"], json!({"N": "3.5"}));
    let mut tags: Vec<String> = serde_json::from_value(it["tags"]["SS"].clone()).unwrap();
    tags.sort();
    assert_eq!(tags, ["b", "c"]);

    let out = update(
        &db,
        "SET l = list_append(l, :more)",
        json!({":more": {"L": [{"N": "1"}]}}),
        "UPDATED_NEW",
    )
    .unwrap();
    assert_eq!(
        out["Attributes"],
        json!({"l": {"L": [{"S": "new"}, {"S": "new"}, {"N": "1"}]}})
    );
    let out = update(&db, "REMOVE fresh, m.k", json!({}), "UPDATED_OLD").unwrap();
    assert_eq!(
        out["Attributes"],
        json!({"fresh": {"S": "dflt"}, "m": {"M": {"k": {"S": "v"}}}})
    );
    let out = update(
        &db,
        "DELETE tags :all",
        json!({":all": {"SS": ["b", "c"]}}),
        "ALL_OLD",
    )
    .unwrap();
    assert_eq!(out["Attributes"]["pk"], json!({"S": "a"}));
    assert!(item(&db).get("tags").is_none(), "an emptied set is removed");
}

#[test]
fn without_an_update_expression_the_key_is_written() {
    let db = db();
    let out = db
        .execute(
            "UpdateItem",
            json!({"TableName": "upd", "Key": {"pk": {"S": "a"}}, "ReturnValues": "ALL_NEW"}),
        )
        .unwrap();
    assert_eq!(out["Attributes"], json!({"pk": {"S": "a"}}));
}

#[test]
fn conditions_guard_updates() {
    let db = db();
    let guarded = |expr: &str| {
        db.execute("UpdateItem", json!({"TableName": "upd", "Key": {"pk": {"S": "a"}},
            "UpdateExpression": "SET v = :v", "ConditionExpression": expr,
            "ExpressionAttributeValues": {":v": {"N": "1"}}, "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}))
    };
    guarded("attribute_not_exists(pk)").unwrap();
    let e = guarded("attribute_not_exists(pk)").unwrap_err();
    assert_eq!(e.code(), ErrorCode::ConditionalCheckFailedException);
    assert_eq!(
        e.to_json()["Item"],
        json!({"pk": {"S": "a"}, "v": {"N": "1"}})
    );
    guarded("v = :v").unwrap();
}

#[test]
fn update_errors() {
    let db = db();
    update(&db, "SET s = :s, n = :n, m = :m", json!({":s": {"S": "x"}, ":n": {"N": "9.9999999999999999999999999999999999999E+125"}, ":m": {"M": {}}}), "NONE").unwrap();
    let msg = |expr: &str, values: Value| {
        update(&db, expr, values, "NONE")
            .unwrap_err()
            .message()
            .to_string()
    };
    for (expr, values, want) in [
        ("SET pk = :s", json!({":s": {"S": "x"}}), "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key"),
        ("SET a = :s SET b = :s", json!({":s": {"S": "x"}}), "Invalid UpdateExpression: The \"SET\" section can only be used once in an update expression;"),
        ("SET a = :s, a = :s", json!({":s": {"S": "x"}}), "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]"),
        ("REMOVE a.#c SET a[1] = :s", json!({":s": {"S": "x"}}), "Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #c"),
        ("REMOVE a.b SET a[1] = :s", json!({":s": {"S": "x"}}), "Invalid UpdateExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a, [1]]"),
        ("ADD a :s", json!({":s": {"S": "x"}}), "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING"),
        ("DELETE a :n", json!({":n": {"N": "1"}}), "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER"),
        ("SET a = b + :s", json!({":s": {"S": "x"}}), "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, operand type: S"),
        ("SET a = list_append(b, :s)", json!({":s": {"S": "x"}}), "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: list_append, operand type: S"),
        ("SET a = if_not_exists(:s, b)", json!({":s": {"S": "x"}}), "Invalid UpdateExpression: Operator or function requires a document path; operator or function: if_not_exists"),
        ("SET a = if_not_exist(b, :s)", json!({":s": {"S": "x"}}), "Invalid UpdateExpression: Invalid function name; function: if_not_exist"),
        ("SET a = size(b)", json!({}), "Invalid UpdateExpression: The function is not allowed in an update expression; function: size"),
        ("SET a = :missing", json!({":s": {"S": "x"}}), "Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :missing"),
        ("set abOrt = :s", json!({":s": {"S": "x"}}), "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: abOrt"),
        ("INVALID SYNTAX HERE", json!({}), "Invalid UpdateExpression: Syntax error; token: \"INVALID\", near: \"INVALID SYNTAX\""),
        ("ADD hits : incr", json!({}), "Invalid UpdateExpression: Syntax error; token: \":\", near: \"hits : incr\""),
        ("set a = b + c + d", json!({}), "Invalid UpdateExpression: Syntax error; token: \"+\", near: \"c + d\""),
        ("SET x = s + :n", json!({":n": {"N": "1"}}), "An operand in the update expression has an incorrect data type"),
        ("SET x = nope", json!({}), "The provided expression refers to an attribute that does not exist in the item"),
        ("SET s.a = :n", json!({":n": {"N": "1"}}), "The document path provided in the update expression is invalid for update"),
        ("SET nope.a = :n", json!({":n": {"N": "1"}}), "The document path provided in the update expression is invalid for update"),
        ("ADD s :n", json!({":n": {"N": "1"}}), "An operand in the update expression has an incorrect data type"),
        ("SET n = n + :n", json!({":n": {"N": "9E+125"}}), "Number overflow. Attempting to store a number with magnitude larger than supported range"),
        ("SET v = :v", json!({":v": {"S": "x"}, ":w": {"S": "y"}}), "Value provided in ExpressionAttributeValues unused in expressions: keys: {:w}"),
        ("ADD t :ss DELETE t :ss", json!({":ss": {"SS": ["x"]}}), "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [t], path two: [t]"),
    ] {
        assert_eq!(msg(expr, values), want, "{expr}");
    }
    // Nothing above changed the item.
    assert_eq!(item(&db)["s"], json!({"S": "x"}));
}
