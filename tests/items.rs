//! PutItem, GetItem and DeleteItem through the public API.

use dynoxide::{AttributeValue, Database, ErrorCode};
use serde_json::{json, Value};

fn db_with(table: Value) -> Database {
    let db = Database::memory().unwrap();
    db.execute("CreateTable", table).unwrap();
    db
}

fn hash_range_db() -> Database {
    db_with(json!({
        "TableName": "tbl",
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}],
        "BillingMode": "PAY_PER_REQUEST"
    }))
}

fn err(db: &Database, op: &str, req: Value) -> (ErrorCode, String) {
    let e = db.execute(op, req).unwrap_err();
    (e.code(), e.message().to_string())
}

fn validation(msg: &str) -> (ErrorCode, String) {
    (ErrorCode::ValidationException, msg.to_string())
}

#[test]
fn put_get_roundtrip_every_type_with_normalised_numbers() {
    let db = hash_range_db();
    let item = json!({
        "pk": {"S": "a"}, "sk": {"N": "001.50"},
        "s": {"S": "héllo"}, "n": {"N": "-0"}, "big": {"N": "1E125"}, "b": {"B": "AAEC"},
        "t": {"BOOL": true}, "z": {"NULL": true},
        "m": {"M": {"x": {"L": [{"N": "1.5E2"}, {"SS": ["q", "r"]}]}}},
        "ss": {"SS": ["b", "a"]}, "ns": {"NS": ["10", "2.50"]}, "bs": {"BS": ["AQ=="]},
        "es": {"S": ""}, "eb": {"B": ""}
    });
    db.execute("PutItem", json!({"TableName": "tbl", "Item": item}))
        .unwrap();
    let got = db
        .execute(
            "GetItem",
            json!({"TableName": "tbl", "Key": {"pk": {"S": "a"}, "sk": {"N": "1.5"}}}),
        )
        .unwrap();
    let got = &got["Item"];
    assert_eq!(got["sk"], json!({"N": "1.5"}));
    assert_eq!(got["n"], json!({"N": "0"}));
    assert_eq!(got["big"], json!({"N": format!("1{}", "0".repeat(125))}));
    assert_eq!(got["m"]["M"]["x"]["L"][0], json!({"N": "150"}));
    assert_eq!(got["ns"], json!({"NS": ["10", "2.5"]}));
    assert_eq!(got["s"], item["s"]);
    assert_eq!(got["b"], item["b"]);
    assert_eq!(got["es"], item["es"]);
    assert_eq!(got["eb"], item["eb"]);
    assert_eq!(
        got.as_object().unwrap().len(),
        item.as_object().unwrap().len()
    );
}

#[test]
fn typed_api_matches_json_api() {
    let db = hash_range_db();
    let mut item = dynoxide::Item::new();
    item.insert("pk".into(), AttributeValue::s("k"));
    item.insert("sk".into(), AttributeValue::n(7));
    item.insert("v".into(), AttributeValue::Bool(false));
    let out = db
        .put_item(dynoxide::types::PutItemInput {
            table_name: Some("tbl".into()),
            item: Some(item.clone()),
            return_values: Some("ALL_OLD".into()),
            ..Default::default()
        })
        .unwrap();
    assert!(out.attributes.is_none());
    let mut key = item.clone();
    key.remove("v");
    let got = db
        .get_item(dynoxide::types::GetItemInput {
            table_name: Some("tbl".into()),
            key: Some(key),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(got.item, Some(item));
    assert_eq!(
        serde_json::to_value(&got).unwrap()["Item"]["v"],
        json!({"BOOL": false})
    );
}

#[test]
fn return_values_all_old_and_missing_items() {
    let db = hash_range_db();
    let key = json!({"pk": {"S": "a"}, "sk": {"N": "1"}});
    let put = |v: &str| {
        db.execute(
            "PutItem",
            json!({"TableName": "tbl", "ReturnValues": "ALL_OLD",
            "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"S": v}}}),
        )
        .unwrap()
    };
    assert_eq!(put("one"), json!({}));
    assert_eq!(put("two")["Attributes"]["v"], json!({"S": "one"}));
    let del = db
        .execute(
            "DeleteItem",
            json!({"TableName": "tbl", "Key": key, "ReturnValues": "ALL_OLD"}),
        )
        .unwrap();
    assert_eq!(del["Attributes"]["v"], json!({"S": "two"}));
    assert_eq!(
        db.execute("GetItem", json!({"TableName": "tbl", "Key": key}))
            .unwrap(),
        json!({})
    );
    assert_eq!(
        db.execute(
            "DeleteItem",
            json!({"TableName": "tbl", "Key": key, "ReturnValues": "ALL_OLD"})
        )
        .unwrap(),
        json!({})
    );
}

#[test]
fn attribute_value_errors() {
    let db = hash_range_db();
    let cases = [
        (json!({}), "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"),
        (json!({"S": "a", "N": "1"}), "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"),
        (json!({"NULL": false}), "One or more parameter values were invalid: Null attribute value types must have the value of true"),
        (json!({"SS": []}), "One or more parameter values were invalid: An string set  may not be empty"),
        (json!({"NS": []}), "One or more parameter values were invalid: An number set  may not be empty"),
        (json!({"BS": []}), "One or more parameter values were invalid: Binary sets should not be empty"),
        (json!({"SS": ["a", "a"]}), "One or more parameter values were invalid: Input collection [a, a] contains duplicates."),
        (json!({"NS": ["1", "1.0"]}), "Input collection contains duplicates"),
        (json!({"N": "b"}), "The parameter cannot be converted to a numeric value: b"),
        (json!({"N": ""}), "The parameter cannot be converted to a numeric value"),
        (json!({"N": "1E126"}), "Number overflow. Attempting to store a number with magnitude larger than supported range"),
        (json!({"N": "1E-131"}), "Number underflow. Attempting to store a number with magnitude smaller than supported range"),
        (json!({"N": "1234567890123456789012345678901234567890"}), "Attempting to store more than 38 significant digits in a Number"),
        (json!({"M": {"x": {"L": [{"NULL": false}]}}}), "One or more parameter values were invalid: Null attribute value types must have the value of true"),
    ];
    for (v, msg) in cases {
        // Attribute values are checked before the table is looked up.
        let req =
            json!({"TableName": "missing", "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}, "v": v}});
        assert_eq!(err(&db, "PutItem", req), validation(msg), "value {v}");
    }
    let (code, msg) = err(
        &db,
        "PutItem",
        json!({"TableName": "tbl", "Item": {"pk": {"B": "abcde"}}}),
    );
    assert_eq!(code, ErrorCode::SerializationException);
    assert_eq!(
        msg,
        "Base64 encoded length is expected a multiple of 4 bytes but found: 5"
    );
}

#[test]
fn request_shape_errors() {
    let db = hash_range_db();
    assert_eq!(
        err(&db, "PutItem", json!({"Item": {}})),
        validation("The parameter 'TableName' is required but was not present in the request")
    );
    assert_eq!(
        err(&db, "PutItem", json!({"TableName": "tbl"})),
        validation("1 validation error detected: Value null at 'item' failed to satisfy constraint: Member must not be null")
    );
    assert_eq!(
        err(&db, "GetItem", json!({"TableName": "abc;", "Key": {}})),
        validation("1 validation error detected: Value 'abc;' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
    );
    assert_eq!(
        err(&db, "PutItem", json!({"TableName": "tbl", "Item": {}, "ReturnValues": "X", "ReturnConsumedCapacity": "Y"})),
        validation("2 validation errors detected: Value 'Y' at 'returnConsumedCapacity' failed to satisfy constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]; Value 'X' at 'returnValues' failed to satisfy constraint: Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]")
    );
    assert_eq!(
        err(
            &db,
            "PutItem",
            json!({"TableName": "missing", "Item": {}, "ReturnValues": "ALL_NEW"})
        ),
        validation("ReturnValues can only be ALL_OLD or NONE")
    );
    assert_eq!(
        err(
            &db,
            "DeleteItem",
            json!({"TableName": "missing", "Key": {}, "ReturnValues": "UPDATED_OLD"})
        ),
        validation("ReturnValues can only be ALL_OLD or NONE")
    );
    for op in ["PutItem", "GetItem", "DeleteItem"] {
        let req = json!({"TableName": "missing", "Item": {}, "Key": {}});
        let (code, msg) = err(&db, op, req);
        assert_eq!(code, ErrorCode::ResourceNotFoundException, "{op}");
        assert_eq!(msg, "Requested resource not found", "{op}");
    }
}

#[test]
fn key_errors() {
    let db = hash_range_db();
    let put = |item: Value| err(&db, "PutItem", json!({"TableName": "tbl", "Item": item}));
    assert_eq!(
        put(json!({"sk": {"N": "1"}})),
        validation("One or more parameter values were invalid: Missing the key pk in the item")
    );
    assert_eq!(
        put(json!({"pk": {"S": "a"}})),
        validation("One or more parameter values were invalid: Missing the key sk in the item")
    );
    assert_eq!(
        put(json!({"pk": {"N": "1"}, "sk": {"N": "1"}})),
        validation("One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N")
    );
    assert_eq!(
        put(json!({"pk": {"S": "a"}, "sk": {"SS": ["1"]}})),
        validation("One or more parameter values were invalid: Type mismatch for key sk expected: N actual: SS")
    );
    assert_eq!(
        put(json!({"pk": {"S": ""}, "sk": {"N": "1"}})),
        validation("One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk")
    );
    assert_eq!(
        put(json!({"pk": {"S": "x".repeat(2049)}, "sk": {"N": "1"}})),
        validation("One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes")
    );
    db.execute(
        "PutItem",
        json!({"TableName": "tbl", "Item": {"pk": {"S": "x".repeat(2048)}, "sk": {"N": "1"}}}),
    )
    .unwrap();

    let get = |key: Value| err(&db, "GetItem", json!({"TableName": "tbl", "Key": key}));
    let mismatch = validation("The provided key element does not match the schema");
    assert_eq!(get(json!({"pk": {"S": "a"}})), mismatch);
    assert_eq!(get(json!({"pk": {"S": "a"}, "sk": {"S": "1"}})), mismatch);
    assert_eq!(
        get(json!({"pk": {"S": "a"}, "sk": {"N": "1"}, "x": {"S": "1"}})),
        mismatch
    );
    assert_eq!(
        get(json!({"pk": {"S": ""}, "sk": {"N": "1"}})),
        validation("One or more parameter values were invalid: The AttributeValue for a key attribute cannot contain an empty string value. Key: pk")
    );
}

#[test]
fn range_key_size_limit() {
    let db = db_with(json!({
        "TableName": "tbl",
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "B"}],
        "BillingMode": "PAY_PER_REQUEST"
    }));
    use base64::Engine;
    let b = |n: usize| base64::engine::general_purpose::STANDARD.encode(vec![7u8; n]);
    db.execute(
        "PutItem",
        json!({"TableName": "tbl", "Item": {"pk": {"S": "a"}, "sk": {"B": b(1024)}}}),
    )
    .unwrap();
    assert_eq!(
        err(&db, "PutItem", json!({"TableName": "tbl", "Item": {"pk": {"S": "a"}, "sk": {"B": b(1025)}}})),
        validation("One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes")
    );
    assert_eq!(
        err(&db, "PutItem", json!({"TableName": "tbl", "Item": {"pk": {"S": "a"}, "sk": {"B": ""}}})),
        validation("One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty binary value. Key: sk")
    );
}

#[test]
fn item_size_limit_is_exact() {
    let db = hash_range_db();
    // pk(2+1) + sk(2+2) + "v"(1) = 8 bytes besides the string.
    let fits = "x".repeat(409_600 - 8);
    db.execute(
        "PutItem",
        json!({"TableName": "tbl", "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"S": fits}}}),
    )
    .unwrap();
    let over = "x".repeat(409_600 - 7);
    assert_eq!(
        err(
            &db,
            "PutItem",
            json!({"TableName": "missing", "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"S": over}}})
        ),
        validation("Item size has exceeded the maximum allowed size")
    );
}

#[test]
fn consumed_capacity_follows_dynamodb_rules() {
    let db = hash_range_db();
    let key = json!({"pk": {"S": "a"}, "sk": {"N": "1"}});
    let get = |consistent: bool| {
        db.execute("GetItem", json!({"TableName": "tbl", "Key": key, "ConsistentRead": consistent, "ReturnConsumedCapacity": "TOTAL"}))
            .unwrap()["ConsumedCapacity"]
            .clone()
    };
    assert_eq!(
        get(false),
        json!({"TableName": "tbl", "CapacityUnits": 0.5})
    );
    assert_eq!(get(true), json!({"TableName": "tbl", "CapacityUnits": 1.0}));
    // 4096 bytes exactly: one read unit; pk(3) + sk(4) + "v"(1) = 8.
    let put = |len: usize| {
        db.execute(
            "PutItem",
            json!({"TableName": "tbl", "ReturnConsumedCapacity": "INDEXES",
            "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"S": "x".repeat(len)}}}),
        )
        .unwrap()["ConsumedCapacity"]
            .clone()
    };
    assert_eq!(
        put(4096 - 8),
        json!({"TableName": "tbl", "CapacityUnits": 4.0, "Table": {"CapacityUnits": 4.0}})
    );
    assert_eq!(get(true)["CapacityUnits"], json!(1.0));
    // Overwriting a 4-unit item with a small one still charges the larger.
    assert_eq!(put(1)["CapacityUnits"], json!(4.0));
    assert_eq!(put(1)["CapacityUnits"], json!(1.0));
    put(4097 - 8);
    assert_eq!(get(true)["CapacityUnits"], json!(2.0));
    assert_eq!(get(false)["CapacityUnits"], json!(1.0));
    let del = db
        .execute(
            "DeleteItem",
            json!({"TableName": "tbl", "Key": key, "ReturnConsumedCapacity": "TOTAL"}),
        )
        .unwrap();
    assert_eq!(del["ConsumedCapacity"]["CapacityUnits"], json!(5.0));
    let del = db
        .execute(
            "DeleteItem",
            json!({"TableName": "tbl", "Key": key, "ReturnConsumedCapacity": "TOTAL"}),
        )
        .unwrap();
    assert_eq!(del["ConsumedCapacity"]["CapacityUnits"], json!(1.0));
}

fn indexed_db() -> Database {
    db_with(json!({
        "TableName": "tbl",
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        "AttributeDefinitions": [
            {"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"},
            {"AttributeName": "g", "AttributeType": "S"}, {"AttributeName": "l", "AttributeType": "N"}],
        "LocalSecondaryIndexes": [{"IndexName": "lsi", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "l", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "KEYS_ONLY"}}],
        "GlobalSecondaryIndexes": [{"IndexName": "gsi", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["x"]}}],
        "BillingMode": "PAY_PER_REQUEST"
    }))
}

fn index_counts(db: &Database) -> (i64, i64, i64) {
    let d = db
        .execute("DescribeTable", json!({"TableName": "tbl"}))
        .unwrap();
    (
        d["Table"]["ItemCount"].as_i64().unwrap(),
        d["Table"]["GlobalSecondaryIndexes"][0]["ItemCount"]
            .as_i64()
            .unwrap(),
        d["Table"]["LocalSecondaryIndexes"][0]["ItemCount"]
            .as_i64()
            .unwrap(),
    )
}

#[test]
fn secondary_indexes_are_sparse_and_kept_in_step() {
    let db = indexed_db();
    let put = |item: Value| {
        db.execute(
            "PutItem",
            json!({"TableName": "tbl", "Item": item, "ReturnConsumedCapacity": "INDEXES"}),
        )
        .unwrap()["ConsumedCapacity"]
            .clone()
    };
    let cc = put(
        json!({"pk": {"S": "a"}, "sk": {"S": "1"}, "g": {"S": "G"}, "l": {"N": "5"}, "x": {"S": "X"}}),
    );
    assert_eq!(cc["CapacityUnits"], json!(3.0));
    assert_eq!(
        cc["GlobalSecondaryIndexes"],
        json!({"gsi": {"CapacityUnits": 1.0}})
    );
    assert_eq!(
        cc["LocalSecondaryIndexes"],
        json!({"lsi": {"CapacityUnits": 1.0}})
    );
    // No index key: the item is in neither index and no index is charged.
    let cc = put(json!({"pk": {"S": "a"}, "sk": {"S": "2"}}));
    assert_eq!(
        cc,
        json!({"TableName": "tbl", "CapacityUnits": 1.0, "Table": {"CapacityUnits": 1.0}})
    );
    assert_eq!(index_counts(&db), (2, 1, 1));
    // An identical overwrite touches no index.
    let cc = put(
        json!({"pk": {"S": "a"}, "sk": {"S": "1"}, "g": {"S": "G"}, "l": {"N": "5"}, "x": {"S": "X"}}),
    );
    assert!(cc.get("GlobalSecondaryIndexes").is_none());
    // Changing a non-projected attribute leaves the KEYS_ONLY LSI alone but not a projected one.
    let cc = put(
        json!({"pk": {"S": "a"}, "sk": {"S": "1"}, "g": {"S": "G"}, "l": {"N": "5"}, "x": {"S": "Y"}}),
    );
    assert_eq!(
        cc["GlobalSecondaryIndexes"],
        json!({"gsi": {"CapacityUnits": 1.0}})
    );
    assert!(cc.get("LocalSecondaryIndexes").is_none());
    // Moving the GSI key is a delete plus an insert.
    let cc = put(json!({"pk": {"S": "a"}, "sk": {"S": "1"}, "g": {"S": "H"}, "l": {"N": "5"}}));
    assert_eq!(
        cc["GlobalSecondaryIndexes"],
        json!({"gsi": {"CapacityUnits": 2.0}})
    );
    assert_eq!(index_counts(&db), (2, 1, 1));
    let cc = db
        .execute("DeleteItem", json!({"TableName": "tbl", "Key": {"pk": {"S": "a"}, "sk": {"S": "1"}}, "ReturnConsumedCapacity": "INDEXES"}))
        .unwrap()["ConsumedCapacity"]
        .clone();
    assert_eq!(cc["CapacityUnits"], json!(3.0));
    assert_eq!(index_counts(&db), (1, 0, 0));
}

#[test]
fn index_key_errors() {
    let db = indexed_db();
    assert_eq!(
        err(&db, "PutItem", json!({"TableName": "tbl", "Item": {"pk": {"S": "a"}, "sk": {"S": "1"}, "g": {"N": "1"}}})),
        validation("One or more parameter values were invalid: Type mismatch for Index Key g Expected: S Actual: N IndexName: gsi")
    );
    assert_eq!(
        err(&db, "PutItem", json!({"TableName": "tbl", "Item": {"pk": {"S": "a"}, "sk": {"S": "1"}, "g": {"S": ""}}})),
        validation("One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty string value. IndexName: gsi, IndexKey: g")
    );
}

#[test]
fn hostile_names_are_stored_verbatim() {
    let db = Database::memory().unwrap();
    let names = [
        "a'b\"c",
        "x]y;z",
        "DROP TABLE t; --",
        "SELECT",
        "nul\u{0}byte",
        "t1",
        "[",
        "\\",
    ];
    db.execute("CreateTable", json!({
        "TableName": "Robert.-_Tables",
        "KeySchema": [{"AttributeName": "'); DROP TABLE t1; --", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "'); DROP TABLE t1; --", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST"
    })).unwrap();
    db.execute(
        "CreateTable",
        json!({
            "TableName": "other",
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST"
        }),
    )
    .unwrap();
    db.execute(
        "PutItem",
        json!({"TableName": "other", "Item": {"id": {"S": "keep"}}}),
    )
    .unwrap();
    for n in names {
        let mut item = serde_json::Map::new();
        item.insert("'); DROP TABLE t1; --".into(), json!({"S": n}));
        item.insert(n.into(), json!({"S": n}));
        db.execute(
            "PutItem",
            json!({"TableName": "Robert.-_Tables", "Item": item}),
        )
        .unwrap();
        let got = db
            .execute(
                "GetItem",
                json!({"TableName": "Robert.-_Tables", "Key": {"'); DROP TABLE t1; --": {"S": n}}}),
            )
            .unwrap();
        assert_eq!(got["Item"][n], json!({"S": n}));
    }
    let d = db
        .execute("DescribeTable", json!({"TableName": "Robert.-_Tables"}))
        .unwrap();
    assert_eq!(d["Table"]["ItemCount"], json!(names.len()));
    let other = db
        .execute(
            "GetItem",
            json!({"TableName": "other", "Key": {"id": {"S": "keep"}}}),
        )
        .unwrap();
    assert_eq!(other["Item"]["id"], json!({"S": "keep"}));
    assert_eq!(
        db.execute("ListTables", json!({})).unwrap()["TableNames"],
        json!(["Robert.-_Tables", "other"])
    );
}

#[test]
fn memory_databases_are_private() {
    let a = hash_range_db();
    let b = Database::memory().unwrap();
    assert_eq!(
        b.execute("ListTables", json!({})).unwrap()["TableNames"],
        json!([])
    );
    a.execute(
        "PutItem",
        json!({"TableName": "tbl", "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}}}),
    )
    .unwrap();
    assert_eq!(
        err(&b, "GetItem", json!({"TableName": "tbl", "Key": {}})).0,
        ErrorCode::ResourceNotFoundException
    );
}

#[test]
fn shared_across_threads() {
    let db = hash_range_db();
    let handles: Vec<_> = (0..4)
        .map(|t| {
            let db = db.clone();
            std::thread::spawn(move || {
                for i in 0..100 {
                    db.execute("PutItem", json!({"TableName": "tbl", "Item": {"pk": {"S": format!("p{t}")}, "sk": {"N": i.to_string()}}}))
                        .unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let d = db
        .execute("DescribeTable", json!({"TableName": "tbl"}))
        .unwrap();
    assert_eq!(d["Table"]["ItemCount"], json!(400));
}

#[test]
fn unknown_operation() {
    let db = Database::memory().unwrap();
    assert_eq!(
        db.execute("Frobnicate", json!({})).unwrap_err().code(),
        ErrorCode::UnknownOperationException
    );
}

#[test]
fn file_database_survives_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.db");
    {
        let db = Database::new(&path).unwrap();
        db.execute(
            "CreateTable",
            json!({
                "TableName": "tbl",
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "N"}],
                "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
            }),
        )
        .unwrap();
        for i in 0..10 {
            db.execute(
                "PutItem",
                json!({"TableName": "tbl", "Item": {"pk": {"N": i.to_string()}, "v": {"S": "x"}}}),
            )
            .unwrap();
        }
        db.execute(
            "DeleteItem",
            json!({"TableName": "tbl", "Key": {"pk": {"N": "3"}}}),
        )
        .unwrap();
    }
    let db = Database::new(&path).unwrap();
    let d = db
        .execute("DescribeTable", json!({"TableName": "tbl"}))
        .unwrap();
    assert_eq!(d["Table"]["ItemCount"], json!(9));
    assert_eq!(d["Table"]["TableSizeBytes"], json!(8 * 6 + 5));
    let got = db
        .execute(
            "GetItem",
            json!({"TableName": "tbl", "Key": {"pk": {"N": "7"}}}),
        )
        .unwrap();
    assert_eq!(got["Item"]["v"], json!({"S": "x"}));
}

#[test]
fn placeholders_without_expressions_are_refused() {
    let db = hash_range_db();
    let item = json!({"pk": {"S": "a"}, "sk": {"N": "1"}});
    assert_eq!(
        err(
            &db,
            "GetItem",
            json!({"TableName": "tbl", "Key": item, "ExpressionAttributeNames": {"#a": "a"}})
        ),
        validation("ExpressionAttributeNames can only be specified when using expressions")
    );
    // Nothing was written.
    assert_eq!(
        db.execute("GetItem", json!({"TableName": "tbl", "Key": item}))
            .unwrap(),
        json!({})
    );
}

#[test]
fn equal_overwrite_with_other_number_spelling_touches_no_index() {
    let db = indexed_db();
    let put = |n: &str| {
        db.execute("PutItem", json!({"TableName": "tbl", "ReturnConsumedCapacity": "INDEXES",
            "Item": {"pk": {"S": "a"}, "sk": {"S": "1"}, "g": {"S": "G"}, "l": {"N": "5"}, "x": {"N": n}}}))
            .unwrap()["ConsumedCapacity"]
            .clone()
    };
    put("1");
    let cc = put("1.0");
    assert!(cc.get("GlobalSecondaryIndexes").is_none(), "{cc}");
}

#[test]
fn get_item_projection() {
    let db = hash_range_db();
    db.execute(
        "PutItem",
        json!({"TableName": "tbl", "Item": {"pk": {"S": "a"}, "sk": {"N": "1"},
        "m": {"M": {"x": {"S": "1"}, "y": {"S": "2"}}}, "big": {"S": "x".repeat(5000)}}}),
    )
    .unwrap();
    let got = db
        .execute(
            "GetItem",
            json!({"TableName": "tbl", "Key": {"pk": {"S": "a"}, "sk": {"N": "1"}},
            "ProjectionExpression": "#m.x, pk", "ExpressionAttributeNames": {"#m": "m"},
            "ReturnConsumedCapacity": "TOTAL", "ConsistentRead": true}),
        )
        .unwrap();
    assert_eq!(
        got["Item"],
        json!({"pk": {"S": "a"}, "m": {"M": {"x": {"S": "1"}}}})
    );
    // Capacity is charged on the whole item.
    assert_eq!(got["ConsumedCapacity"]["CapacityUnits"], json!(2.0));
    assert_eq!(
        err(
            &db,
            "GetItem",
            json!({"TableName": "tbl", "Key": {"pk": {"S": "a"}, "sk": {"N": "1"}},
            "ProjectionExpression": "pk", "ExpressionAttributeNames": {"#m": "m"}})
        ),
        validation("Value provided in ExpressionAttributeNames unused in expressions: keys: {#m}")
    );
}
