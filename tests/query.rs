//! Query through the public API: key ranges on tables and indexes, paging, order, Select.

use dynoxide::{Database, ErrorCode};
use serde_json::{json, Value};

fn db() -> Database {
    let db = Database::memory().unwrap();
    db.execute(
        "CreateTable",
        json!({
            "TableName": "qqq",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "AttributeDefinitions": [
                {"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"},
                {"AttributeName": "g", "AttributeType": "S"}, {"AttributeName": "name", "AttributeType": "S"}],
            "GlobalSecondaryIndexes": [{"IndexName": "by-g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"}}],
            "LocalSecondaryIndexes": [{"IndexName": "by-name", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "name", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "ALL"}}],
            "BillingMode": "PAY_PER_REQUEST"
        }),
    )
    .unwrap();
    for i in 0..20 {
        let mut item = json!({"pk": {"S": if i < 15 { "a" } else { "b" }}, "sk": {"N": (i - 5).to_string()},
            "name": {"S": format!("n{:02}", 19 - i)}, "v": {"S": "x"}});
        if i % 2 == 0 {
            item["g"] = json!({"S": "even"});
        }
        db.execute("PutItem", json!({"TableName": "qqq", "Item": item}))
            .unwrap();
    }
    db
}

fn query(db: &Database, extra: Value) -> Result<Value, dynoxide::Error> {
    let mut req = json!({"TableName": "qqq"});
    req.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    db.execute("Query", req)
}

fn sks(v: &Value) -> Vec<i64> {
    v["Items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["sk"]["N"].as_str().unwrap().parse().unwrap())
        .collect()
}

#[test]
fn key_ranges_on_the_table() {
    let db = db();
    let q = |cond: &str, vals: Value| {
        let mut v = json!({":p": {"S": "a"}});
        v.as_object_mut()
            .unwrap()
            .extend(vals.as_object().unwrap().clone());
        sks(&query(
            &db,
            json!({"KeyConditionExpression": cond, "ExpressionAttributeValues": v}),
        )
        .unwrap())
    };
    assert_eq!(q("pk = :p", json!({})), (-5..10).collect::<Vec<_>>());
    assert_eq!(
        q("pk = :p AND sk < :z", json!({":z": {"N": "0"}})),
        vec![-5, -4, -3, -2, -1]
    );
    assert_eq!(
        q("pk = :p AND sk >= :z", json!({":z": {"N": "7"}})),
        vec![7, 8, 9]
    );
    assert_eq!(
        q(
            "pk = :p AND sk BETWEEN :lo AND :hi",
            json!({":lo": {"N": "-1.5"}, ":hi": {"N": "1"}})
        ),
        vec![-1, 0, 1]
    );
    assert_eq!(
        q(":z > sk AND pk = :p", json!({":z": {"N": "-3"}})),
        vec![-5, -4]
    );
    assert_eq!(
        q("pk = :p AND sk = :z", json!({":z": {"N": "3.0"}})),
        vec![3]
    );
    let r = query(&db, json!({"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "zzz"}}})).unwrap();
    assert_eq!(r, json!({"Items": [], "Count": 0, "ScannedCount": 0}));
}

#[test]
fn paging_order_and_select() {
    let db = db();
    let base = json!({"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "a"}},
        "Limit": 4, "ScanIndexForward": false});
    let mut seen = Vec::new();
    let mut req = base.clone();
    loop {
        let page = query(&db, req.clone()).unwrap();
        seen.extend(sks(&page));
        match page.get("LastEvaluatedKey") {
            Some(k) => req["ExclusiveStartKey"] = k.clone(),
            None => break,
        }
    }
    assert_eq!(seen, (-5..10).rev().collect::<Vec<_>>());
    let count = query(
        &db,
        json!({"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "a"}},
        "Select": "COUNT"}),
    )
    .unwrap();
    assert_eq!(count, json!({"Count": 15, "ScannedCount": 15}));
    let proj = query(&db, json!({"KeyConditionExpression": "pk = :p AND sk = :s", "ProjectionExpression": "#n",
        "ExpressionAttributeNames": {"#n": "name"}, "ExpressionAttributeValues": {":p": {"S": "b"}, ":s": {"N": "10"}}})).unwrap();
    assert_eq!(proj["Items"], json!([{"name": {"S": "n04"}}]));
}

#[test]
fn index_queries() {
    let db = db();
    let r = query(
        &db,
        json!({"IndexName": "by-g", "KeyConditionExpression": "g = :g AND sk > :z",
        "ExpressionAttributeValues": {":g": {"S": "even"}, ":z": {"N": "8"}}}),
    )
    .unwrap();
    // KEYS_ONLY: table and index keys only; both partitions.
    assert_eq!(
        r["Items"],
        json!([
            {"pk": {"S": "a"}, "sk": {"N": "9"}, "g": {"S": "even"}},
            {"pk": {"S": "b"}, "sk": {"N": "11"}, "g": {"S": "even"}},
            {"pk": {"S": "b"}, "sk": {"N": "13"}, "g": {"S": "even"}}
        ])
    );
    let page = query(
        &db,
        json!({"IndexName": "by-g", "KeyConditionExpression": "g = :g",
        "ExpressionAttributeValues": {":g": {"S": "even"}}, "Limit": 3}),
    )
    .unwrap();
    assert_eq!(
        page["LastEvaluatedKey"],
        json!({"pk": {"S": "a"}, "sk": {"N": "-1"}, "g": {"S": "even"}})
    );
    let next = query(&db, json!({"IndexName": "by-g", "KeyConditionExpression": "g = :g",
        "ExpressionAttributeValues": {":g": {"S": "even"}}, "Limit": 3, "ExclusiveStartKey": page["LastEvaluatedKey"]})).unwrap();
    assert_eq!(sks(&next), vec![1, 3, 5]);
    let lsi = query(&db, json!({"IndexName": "by-name", "KeyConditionExpression": "pk = :p AND begins_with(#n, :pre)",
        "ExpressionAttributeNames": {"#n": "name"}, "ExpressionAttributeValues": {":p": {"S": "a"}, ":pre": {"S": "n1"}}})).unwrap();
    assert_eq!(sks(&lsi), vec![4, 3, 2, 1, 0, -1, -2, -3, -4, -5]);
    assert_eq!(lsi["Items"][0]["v"], json!({"S": "x"}));
    // INDEXES: a read of an index is charged to the index, the table shows zero.
    let cap = query(&db, json!({"IndexName": "by-name", "KeyConditionExpression": "pk = :p",
        "ExpressionAttributeValues": {":p": {"S": "a"}}, "ReturnConsumedCapacity": "INDEXES", "Limit": 1}))
    .unwrap()["ConsumedCapacity"]
        .clone();
    assert_eq!(
        cap,
        json!({"TableName": "qqq", "CapacityUnits": 0.5, "Table": {"CapacityUnits": 0.0},
               "LocalSecondaryIndexes": {"by-name": {"CapacityUnits": 0.5}}})
    );
    let cap = query(&db, json!({"IndexName": "by-g", "KeyConditionExpression": "g = :g",
        "ExpressionAttributeValues": {":g": {"S": "even"}}, "ReturnConsumedCapacity": "TOTAL", "Limit": 1}))
    .unwrap()["ConsumedCapacity"]
        .clone();
    assert_eq!(cap, json!({"TableName": "qqq", "CapacityUnits": 0.5}));
}

#[test]
fn query_errors() {
    let db = db();
    let msg = |extra: Value| query(&db, extra).unwrap_err().message().to_string();
    let vals = json!({":p": {"S": "a"}, ":n": {"N": "1"}});
    for (cond, want) in [
        ("sk = :n", "Query condition missed key schema element: pk"),
        ("pk < :p", "Query key condition not supported"),
        ("pk = :p OR sk = :n", "Invalid operator used in KeyConditionExpression: OR"),
        ("pk = :p AND sk <> :n", "Invalid operator used in KeyConditionExpression: <>"),
        ("pk = :p AND sk > :n AND sk < :n", "KeyConditionExpressions must only contain one condition per key"),
        ("pk = :p AND sk.x > :n", "Invalid KeyConditionExpression: KeyConditionExpressions cannot have conditions on nested attributes"),
        ("pk = :p AND size(sk) > :n", "KeyConditionExpressions cannot contain nested operations"),
        ("pk = :p AND begins_with(sk, :n)", "Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"),
        ("pk = :n", "One or more parameter values were invalid: Condition parameter type does not match schema type"),
        ("pk = :p AND oth = :n", "Query condition missed key schema element: sk"),
    ] {
        // Only the placeholders the condition uses.
        let used: serde_json::Map<String, Value> = vals
            .as_object()
            .unwrap()
            .iter()
            .filter(|(k, _)| cond.contains(k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        assert_eq!(msg(json!({"KeyConditionExpression": cond, "ExpressionAttributeValues": used})), want, "{cond}");
    }
    assert_eq!(msg(json!({})), "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.");
    assert_eq!(
        msg(
            json!({"IndexName": "nope", "KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "a"}}})
        ),
        "The table does not have the specified index: nope"
    );
    assert_eq!(
        msg(
            json!({"IndexName": "by-g", "ConsistentRead": true, "KeyConditionExpression": "g = :p", "ExpressionAttributeValues": {":p": {"S": "a"}}})
        ),
        "Consistent reads are not supported on global secondary indexes"
    );
    assert_eq!(
        msg(
            json!({"KeyConditionExpression": "pk = :p", "FilterExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "a"}}})
        ),
        "Filter Expression can only contain non-primary key attributes: Primary key attribute: pk"
    );
    let e = db
        .execute(
            "Query",
            json!({"TableName": "missing", "KeyConditionExpression": "pk = :p",
        "ExpressionAttributeValues": {":p": {"S": "a"}}}),
        )
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::ResourceNotFoundException);
}

#[test]
fn filters_run_after_the_key_range_and_limit_counts_evaluated_items() {
    let db = db();
    let r = query(&db, json!({"KeyConditionExpression": "pk = :p", "FilterExpression": "attribute_exists(g) AND #n > :n",
        "ExpressionAttributeNames": {"#n": "name"}, "ExpressionAttributeValues": {":p": {"S": "a"}, ":n": {"S": "n10"}}})).unwrap();
    // Items i = 0..15 in partition a; g on even i; name n{19-i} > "n10" for i < 9.
    assert_eq!(sks(&r), vec![-5, -3, -1, 1, 3]);
    assert_eq!(r["Count"], json!(5));
    assert_eq!(r["ScannedCount"], json!(15));
    // Limit counts evaluated items: a page can be empty and still carry a LastEvaluatedKey.
    let page = query(
        &db,
        json!({"KeyConditionExpression": "pk = :p", "FilterExpression": "v = :none",
        "ExpressionAttributeValues": {":p": {"S": "a"}, ":none": {"S": "nope"}}, "Limit": 2}),
    )
    .unwrap();
    assert_eq!(page["Items"], json!([]));
    assert_eq!(page["ScannedCount"], json!(2));
    assert_eq!(
        page["LastEvaluatedKey"],
        json!({"pk": {"S": "a"}, "sk": {"N": "-4"}})
    );
}
