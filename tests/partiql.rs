//! PartiQL through ExecuteStatement: every statement kind, its errors, and SELECT against the
//! equivalent Query and Scan.

use dynoxide::{Database, ErrorCode};
use serde_json::{json, Value};

fn db() -> Database {
    let db = Database::memory().unwrap();
    db.execute(
        "CreateTable",
        json!({
            "TableName": "music",
            "KeySchema": [{"AttributeName": "artist", "KeyType": "HASH"}, {"AttributeName": "song", "KeyType": "RANGE"}],
            "AttributeDefinitions": [
                {"AttributeName": "artist", "AttributeType": "S"},
                {"AttributeName": "song", "AttributeType": "S"},
                {"AttributeName": "year", "AttributeType": "N"}
            ],
            "GlobalSecondaryIndexes": [{"IndexName": "by-year",
                "KeySchema": [{"AttributeName": "year", "KeyType": "HASH"}], "Projection": {"ProjectionType": "ALL"}}],
            "BillingMode": "PAY_PER_REQUEST"
        }),
    )
    .unwrap();
    for (artist, song, year, plays) in [
        ("acme", "a1", 1990, 5),
        ("acme", "a2", 1991, 50),
        ("acme", "a3", 1990, 500),
        ("band", "b1", 1991, 7),
    ] {
        run(
            &db,
            "INSERT INTO music VALUE {'artist': ?, 'song': ?, 'year': ?, 'plays': ?, 'tags': <<'x'>>}",
            json!([{"S": artist}, {"S": song}, {"N": year.to_string()}, {"N": plays.to_string()}]),
        )
        .unwrap();
    }
    db
}

fn run(db: &Database, statement: &str, params: Value) -> Result<Value, dynoxide::Error> {
    let mut req = json!({"Statement": statement});
    if params != json!(null) {
        req["Parameters"] = params;
    }
    db.execute("ExecuteStatement", req)
}

fn songs(v: &Value) -> Vec<String> {
    v["Items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["song"]["S"].as_str().unwrap().to_string())
        .collect()
}

fn err(db: &Database, statement: &str, params: Value) -> (ErrorCode, String) {
    let e = run(db, statement, params).unwrap_err();
    (e.code(), e.message().to_string())
}

#[test]
fn select_matches_query_and_scan() {
    let db = db();
    let q = db
        .execute(
            "Query",
            json!({"TableName": "music", "KeyConditionExpression": "artist = :a AND song > :s",
                   "FilterExpression": "plays >= :p", "ScanIndexForward": false,
                   "ExpressionAttributeValues": {":a": {"S": "acme"}, ":s": {"S": "a1"}, ":p": {"N": "10"}}}),
        )
        .unwrap();
    let p = run(
        &db,
        r#"SELECT * FROM "music" WHERE artist = 'acme' AND song > 'a1' AND plays >= 10 ORDER BY song DESC"#,
        json!(null),
    )
    .unwrap();
    assert_eq!(p["Items"], q["Items"]);
    assert_eq!(songs(&p), ["a3", "a2"]);
    let s = db
        .execute(
            "Scan",
            json!({"TableName": "music", "FilterExpression": "plays < :p OR attribute_not_exists(plays)",
                   "ExpressionAttributeValues": {":p": {"N": "60"}}}),
        )
        .unwrap();
    let p = run(
        &db,
        "SELECT * FROM music WHERE plays < ? OR plays IS MISSING",
        json!([{"N": "60"}]),
    )
    .unwrap();
    assert_eq!(p["Items"], s["Items"]);
    assert_eq!(songs(&p), ["a1", "a2", "b1"]);
    // On an index, by its key.
    let p = run(
        &db,
        r#"SELECT song FROM "music"."by-year" WHERE "year" = 1990"#,
        json!(null),
    )
    .unwrap();
    let mut got = songs(&p);
    got.sort();
    assert_eq!(got, ["a1", "a3"]);
}

#[test]
fn projection_names_results_by_their_last_component() {
    let db = db();
    run(
        &db,
        "UPDATE music SET info = {'label': 'x', 'charts': [3, 1]} WHERE artist = 'band' AND song = 'b1'",
        json!(null),
    )
    .unwrap();
    let p = run(
        &db,
        "SELECT info.label, info.charts[1], song, nothere FROM music WHERE artist = 'band'",
        json!(null),
    )
    .unwrap();
    assert_eq!(
        p["Items"],
        json!([{"label": {"S": "x"}, "charts[1]": {"N": "1"}, "song": {"S": "b1"}}])
    );
}

#[test]
fn limit_and_next_token_page_through() {
    let db = db();
    let mut token: Option<String> = None;
    let mut seen = Vec::new();
    for _ in 0..10 {
        let mut req = json!({"Statement": "SELECT song FROM music WHERE artist = ?", "Parameters": [{"S": "acme"}], "Limit": 2});
        if let Some(t) = &token {
            req["NextToken"] = json!(t);
        }
        let out = db.execute("ExecuteStatement", req).unwrap();
        seen.extend(songs(&out));
        match out.get("NextToken") {
            Some(t) => token = Some(t.as_str().unwrap().to_string()),
            None => break,
        }
    }
    assert_eq!(seen, ["a1", "a2", "a3"]);
    // A token belongs to its statement.
    let out = db
        .execute(
            "ExecuteStatement",
            json!({"Statement": "SELECT * FROM music", "Limit": 1}),
        )
        .unwrap();
    let e = db
        .execute(
            "ExecuteStatement",
            json!({"Statement": "SELECT song FROM music", "NextToken": out["NextToken"]}),
        )
        .unwrap_err();
    assert_eq!(e.message(), "NextToken does not match request");
    let e = db
        .execute(
            "ExecuteStatement",
            json!({"Statement": "SELECT song FROM music", "NextToken": "garbage!"}),
        )
        .unwrap_err();
    assert_eq!(e.message(), "Invalid NextToken");
}

#[test]
fn insert_update_delete() {
    let db = db();
    assert_eq!(
        err(
            &db,
            "INSERT INTO music VALUE {'artist': 'acme', 'song': 'a1'}",
            json!(null)
        ),
        (
            ErrorCode::DuplicateItemException,
            "Duplicate primary key exists in table".into()
        )
    );
    let out = run(
        &db,
        "UPDATE music SET plays = plays + 1 SET tags = set_add(tags, <<'y'>>) REMOVE year WHERE artist = 'acme' AND song = 'a1' RETURNING MODIFIED NEW *",
        json!(null),
    )
    .unwrap();
    assert_eq!(
        out,
        json!({"Items": [{"plays": {"N": "6"}, "tags": {"SS": ["x", "y"]}}]})
    );
    let out = run(
        &db,
        "UPDATE music SET plays = 0 WHERE artist = 'acme' AND song = 'a2' AND plays > 10 RETURNING ALL OLD *",
        json!(null),
    )
    .unwrap();
    assert_eq!(out["Items"][0]["plays"], json!({"N": "50"}));
    // A false condition, and a missing item, both fail: UPDATE never creates.
    for stmt in [
        "UPDATE music SET plays = 1 WHERE artist = 'acme' AND song = 'a2' AND plays > 10",
        "UPDATE music SET plays = 1 WHERE artist = 'nobody' AND song = 'x'",
    ] {
        assert_eq!(
            err(&db, stmt, json!(null)),
            (
                ErrorCode::ConditionalCheckFailedException,
                "The conditional request failed".into()
            )
        );
    }
    let out = run(
        &db,
        "DELETE FROM music WHERE artist = 'nobody' AND song = 'x'",
        json!(null),
    )
    .unwrap();
    assert_eq!(out, json!({"Items": []}));
    let out = run(
        &db,
        "DELETE FROM music WHERE artist = 'band' AND song = 'b1' RETURNING ALL OLD *",
        json!(null),
    )
    .unwrap();
    assert_eq!(out["Items"][0]["song"], json!({"S": "b1"}));
    let out = run(
        &db,
        "SELECT * FROM music WHERE artist = 'band'",
        json!(null),
    )
    .unwrap();
    assert_eq!(out["Items"], json!([]));
}

#[test]
fn errors_in_dynamodb_words() {
    let db = db();
    let v = |m: &str| (ErrorCode::ValidationException, m.to_string());
    for (stmt, want) in [
        ("SLECT * FROM music", v("Statement wasn't well formed, can't be processed: Expected data manipulation")),
        ("SELECT * FROM music WHERE artist = 'a' foo", v("Statement wasn't well formed, can't be processed: Unexpected token after expression")),
        ("SELECT * FROM music WHERE", v("Statement wasn't well formed, can't be processed: Unexpected term")),
        ("SELECT * FROM music WHERE artist = ?", v("Number of parameters in request and statement don't match.")),
        ("UPDATE music SET plays = 1 WHERE artist = 'acme'", v("Where clause does not contain a mandatory equality on all key attributes")),
        ("DELETE FROM music WHERE song = 'a1'", v("Where clause does not contain a mandatory equality on all key attributes")),
        ("DELETE FROM music WHERE artist = 'acme' AND song = 'a1' RETURNING ALL NEW *", v("Invalid returning clause: RETURNING ALL NEW *. Only RETURNING ALL OLD * is allowed in DELETE statements.")),
        ("SELECT * FROM music.nope", v("The table does not have the specified index")),
        ("SELECT * FROM a.b.c", v("A path may contain at most 2 components in the FROM clause")),
        ("SELECT * FROM music WHERE plays < true", v("Incorrect operand type for operator or function; operator or function: <, operand type: BOOL")),
        ("SELECT * FROM music WHERE exists(plays)", v("Unrecognized function: exists")),
        ("SELECT * FROM music WHERE attribute_exists('x')", v("Operator or function requires a document path; operator or function: attribute_exists")),
        ("SELECT * FROM music ORDER BY song", v("Must have WHERE clause in the statement when using ORDER BY clause.")),
        ("SELECT * FROM music WHERE plays > 1 ORDER BY song", v("Must have at least one non-optional hash key condition in WHERE clause when using ORDER BY clause.")),
        ("SELECT * FROM music WHERE artist = 'a' AND", v("Statement wasn't well formed, can't be processed: Missing right-hand side expression of infix operator")),
        ("-- comment\nSELECT * FROM music WHERE artist = 'a' x", v("Statement wasn't well formed, can't be processed: Unexpected token after expression")),
        ("SELECT * FROM music WHERE artist = 'a' ORDER = 1", v("Statement wasn't well formed, can't be processed: Unexpected token after expression")),
        ("UPDATE music SET a = 1, a.b = 2 WHERE artist = 'acme' AND song = 'a1'", v("Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]")),
        ("UPDATE music SET a = 1 WHERE artist = 'acme' AND artist = 'b' AND song = 'a1'", v("Multiple conditions on same key artist. Only single item Update/Insert/Delete are supported")),
        ("SELECT * FROM music WHERE attribute_type(plays, 'X')", v("Invalid attribute type name found; type: X, valid types: { B,BOOL,BS,L,M,N,NS,NULL,S,SS }")),
        ("INSERT INTO music VALUE {'artist': 'z', 'song': 'z', 's': <<>>}", v("Empty bags are not supported")),
        ("UPDATE music SET artist = 'z' WHERE artist = 'acme' AND song = 'a1'", v("One or more parameter values were invalid: Cannot update attribute artist. This attribute is part of the key")),
        ("SELECT * FROM nothere", (ErrorCode::ResourceNotFoundException, "Requested resource not found".into())),
    ] {
        assert_eq!(err(&db, stmt, json!(null)), want, "{stmt}");
    }
    let e = db
        .execute(
            "ExecuteStatement",
            json!({"Statement": "SELECT * FROM music", "Limit": 0}),
        )
        .unwrap_err();
    assert_eq!(e.message(), "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1");
    let e = db
        .execute(
            "ExecuteStatement",
            json!({"Statement": "SELECT * FROM \"music\".\"by-year\"", "ConsistentRead": true}),
        )
        .unwrap_err();
    assert_eq!(
        e.message(),
        "Strongly consistent read is not supported on Global Secondary Indexes"
    );
}

#[test]
fn batch_execute_statement() {
    let db = db();
    let out = db
        .execute(
            "BatchExecuteStatement",
            json!({"Statements": [
                {"Statement": "UPDATE music SET plays = 1 WHERE artist = 'acme' AND song = 'a1' RETURNING ALL NEW *"},
                {"Statement": "INSERT INTO music VALUE {'artist': 'acme', 'song': 'a2'}"},
                {"Statement": "SLECT nonsense"},
                {"Statement": "DELETE FROM music WHERE artist = 'band' AND song = 'b1'"}
            ], "ReturnConsumedCapacity": "TOTAL"}),
        )
        .unwrap();
    let r = &out["Responses"];
    assert_eq!(r[0]["TableName"], json!("music"));
    assert_eq!(r[0]["Item"]["plays"], json!({"N": "1"}));
    assert_eq!(
        r[1],
        json!({"TableName": "music", "Error": {"Code": "DuplicateItem", "Message": "Duplicate primary key exists in table"}})
    );
    assert_eq!(
        r[2],
        json!({"Error": {"Code": "ValidationError", "Message": "Statement wasn't well formed, can't be processed: Expected data manipulation"}})
    );
    assert_eq!(r[3], json!({"TableName": "music"}));
    assert_eq!(out["ConsumedCapacity"][0]["TableName"], json!("music"));

    let out = db
        .execute(
            "BatchExecuteStatement",
            json!({"Statements": [
                {"Statement": "SELECT song, plays FROM music WHERE artist = ? AND song = ?", "Parameters": [{"S": "acme"}, {"S": "a1"}]},
                {"Statement": "SELECT * FROM music WHERE artist = 'band' AND song = 'b1'"},
                {"Statement": "SELECT * FROM music WHERE artist = 'acme'"}
            ]}),
        )
        .unwrap();
    assert_eq!(
        out["Responses"],
        json!([
            {"TableName": "music", "Item": {"song": {"S": "a1"}, "plays": {"N": "1"}}},
            {"TableName": "music"},
            {"Error": {"Code": "ValidationError",
             "Message": "Select statements within BatchExecuteStatement must specify the primary key in the where clause."}}
        ])
    );
    for (statements, want) in [
        (json!([{"Statement": "SELECT * FROM music WHERE artist = 'a' AND song = 'b'"}, {"Statement": "DELETE FROM music WHERE artist = 'a' AND song = 'b'"}]),
         "Read and write requests together in the same batch is not supported."),
        (json!([]), "1 validation error detected: Value '[]' at 'statements' failed to satisfy constraint: Member must have length greater than or equal to 1"),
        (json!([{"Statement": "DELETE FROM music WHERE artist = 'a' AND song = 'b'"}, {"Statement": "UPDATE music SET x = 1 WHERE song = 'b' AND artist = 'a'"}]),
         "Provided list of item keys contains duplicates"),
    ] {
        let e = db
            .execute("BatchExecuteStatement", json!({"Statements": statements}))
            .unwrap_err();
        assert_eq!(e.message(), want);
    }
}

#[test]
fn execute_transaction_is_all_or_nothing() {
    let db = db();
    let e = db
        .execute(
            "ExecuteTransaction",
            json!({"TransactStatements": [
                {"Statement": "UPDATE music SET plays = 0 WHERE artist = 'acme' AND song = 'a1'"},
                {"Statement": "INSERT INTO music VALUE {'artist': 'band', 'song': 'b1'}"},
                {"Statement": "DELETE FROM music WHERE artist = 'acme' AND song = 'a2' AND plays > ?",
                 "Parameters": [{"N": "100"}], "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}
            ]}),
        )
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::TransactionCanceledException);
    let reasons = &e.extra().unwrap()["CancellationReasons"];
    assert_eq!(reasons[0], json!({"Code": "None"}));
    assert_eq!(
        reasons[1],
        json!({"Code": "DuplicateItem", "Message": "Duplicate primary key exists in table"})
    );
    assert_eq!(reasons[2]["Code"], json!("ConditionalCheckFailed"));
    assert_eq!(reasons[2]["Item"]["plays"], json!({"N": "50"}));
    // Nothing was written.
    let a1 = run(
        &db,
        "SELECT plays FROM music WHERE artist = 'acme' AND song = 'a1'",
        json!(null),
    )
    .unwrap();
    assert_eq!(a1["Items"], json!([{"plays": {"N": "5"}}]));

    let out = db
        .execute(
            "ExecuteTransaction",
            json!({"TransactStatements": [
                {"Statement": "UPDATE music SET plays = plays - 1 WHERE artist = 'acme' AND song = 'a1'"},
                {"Statement": "UPDATE music SET plays = plays + 1 WHERE artist = 'band' AND song = 'b1'"}
            ], "ClientRequestToken": "tok-1", "ReturnConsumedCapacity": "TOTAL"}),
        )
        .unwrap();
    assert_eq!(out["Responses"], json!([]));
    assert_eq!(
        out["ConsumedCapacity"],
        json!([{"TableName": "music", "CapacityUnits": 8.0, "WriteCapacityUnits": 8.0}])
    );
    let read = db
        .execute(
            "ExecuteTransaction",
            json!({"TransactStatements": [
                {"Statement": "SELECT plays FROM music WHERE artist = 'acme' AND song = 'a1'"},
                {"Statement": "SELECT plays FROM music WHERE artist = 'band' AND song = 'b1'"},
                {"Statement": "SELECT plays FROM music WHERE artist = 'nobody' AND song = 'x'"}
            ]}),
        )
        .unwrap();
    assert_eq!(
        read["Responses"],
        json!([{"Item": {"plays": {"N": "4"}}}, {"Item": {"plays": {"N": "8"}}}, {}])
    );
    for (statements, want) in [
        (json!([{"Statement": "SELECT * FROM music WHERE artist = 'a' AND song = 'b'"}, {"Statement": "DELETE FROM music WHERE artist = 'a' AND song = 'b'"}]),
         "ExecuteTransaction API does not support both read and write operations in the same request."),
        (json!([{"Statement": "DELETE FROM music WHERE artist = 'a' AND song = 'b' RETURNING ALL OLD *"}]),
         "Validation failed in TransactStatements[0]: RETURNING clause is not supported in ExecuteTransaction."),
        (json!([{"Statement": "DELETE FROM music WHERE artist = 'a' AND song = 'b'"}, {"Statement": "UPDATE music SET x = 1 WHERE artist = 'a' AND song = 'b'"}]),
         "Transaction request cannot include multiple operations on one item"),
    ] {
        let e = db
            .execute("ExecuteTransaction", json!({"TransactStatements": statements}))
            .unwrap_err();
        assert_eq!(e.message(), want);
    }
}

#[test]
fn where_shapes_and_nesting() {
    let db = db();
    // The sort-key condition may come first: still a Query, so ORDER BY works.
    let out = run(
        &db,
        "SELECT song FROM music WHERE song > 'a1' AND artist = 'acme' ORDER BY song DESC",
        json!(null),
    )
    .unwrap();
    assert_eq!(songs(&out), ["a3", "a2"]);
    let out = run(
        &db,
        "SELECT song FROM music WHERE artist = 'band' AND attribute_exists(plays) = true AND attribute_exists(nope) <> TRUE",
        json!(null),
    )
    .unwrap();
    assert_eq!(songs(&out), ["b1"]);
    // Keywords end at a word boundary: these are attribute names.
    run(&db, "UPDATE music SET orders = 1, insertion = 2, notes = 3 WHERE artist = 'band' AND song = 'b1'", json!(null)).unwrap();
    let out = run(
        &db,
        "SELECT orders, insertion, notes FROM music WHERE artist = 'band'",
        json!(null),
    )
    .unwrap();
    assert_eq!(out["Items"][0].as_object().unwrap().len(), 3);
    // Deep statements are refused or parsed without exhausting the stack.
    let deep = format!(
        "SELECT * FROM music WHERE {}artist = 'a'{}",
        "(".repeat(3000),
        ")".repeat(3000)
    );
    assert!(run(&db, &deep, json!(null)).is_err());
    let nots = format!(
        "SELECT song FROM music WHERE {}artist = 'band'",
        "NOT ".repeat(2000)
    );
    assert_eq!(songs(&run(&db, &nots, json!(null)).unwrap()), ["b1"]);
    let nested = format!(
        "INSERT INTO music VALUE {{'artist': 'z', 'song': 'z', 'l': {}1{}}}",
        "[".repeat(40),
        "]".repeat(40)
    );
    assert_eq!(
        run(&db, &nested, json!(null)).unwrap_err().message(),
        "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit"
    );
}

#[test]
fn exists_checks_an_item_inside_a_transaction() {
    let db = db();
    let tx = |statements: Value| {
        db.execute(
            "ExecuteTransaction",
            json!({"TransactStatements": statements}),
        )
    };
    // The check passes: the item exists and meets the condition.
    tx(json!([
        {"Statement": "EXISTS(SELECT * FROM music WHERE artist = 'acme' AND song = 'a3' AND plays > 100)"},
        {"Statement": "UPDATE music SET promoted = true WHERE artist = 'band' AND song = 'b1'"}
    ]))
    .unwrap();
    let out = run(
        &db,
        "SELECT promoted FROM music WHERE artist = 'band' AND song = 'b1'",
        json!(null),
    )
    .unwrap();
    assert_eq!(out["Items"], json!([{"promoted": {"BOOL": true}}]));
    // A false condition, or a missing item, cancels the transaction.
    for check in [
        "EXISTS(SELECT * FROM music WHERE artist = 'acme' AND song = 'a3' AND plays < 100)",
        "EXISTS(SELECT * FROM music WHERE artist = 'nobody' AND song = 'x' AND plays > 1)",
    ] {
        let e = tx(json!([
            {"Statement": check},
            {"Statement": "DELETE FROM music WHERE artist = 'band' AND song = 'b1'"}
        ]))
        .unwrap_err();
        assert_eq!(e.code(), ErrorCode::TransactionCanceledException);
        assert_eq!(
            e.message(),
            "Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None]"
        );
    }
    assert_eq!(
        run(
            &db,
            "SELECT * FROM music WHERE artist = 'band'",
            json!(null)
        )
        .unwrap()["Items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let e = tx(json!([
        {"Statement": "EXISTS(SELECT * FROM music WHERE artist = 'acme' AND song = 'a3')"},
        {"Statement": "DELETE FROM music WHERE artist = 'band' AND song = 'b1'"}
    ]))
    .unwrap_err();
    assert_eq!(
        e.message(),
        "Validation failed in TransactStatements[0]: EXISTS() must contain a single item read with additional condition"
    );
    let e = run(
        &db,
        "EXISTS(SELECT * FROM music WHERE artist = 'acme' AND song = 'a3' AND plays > 1)",
        json!(null),
    )
    .unwrap_err();
    assert_eq!(
        e.message(),
        "EXISTS can only be used in ExecuteTransaction write requests."
    );
    let e = tx(json!([{"Statement": "SELECT * FROM music WHERE artist = 'acme'"}])).unwrap_err();
    assert_eq!(
        e.message(),
        "Validation failed in TransactStatements[0]: Select statements within ExecuteTransaction must specify the primary key in the where clause."
    );
}

/// The songs of every page of a SELECT, following NextToken (at most 20 pages).
fn page_through(db: &Database, request: Value) -> Vec<String> {
    let mut got = Vec::new();
    let mut req = request;
    for _ in 0..20 {
        let page = db.execute("ExecuteStatement", req.clone()).unwrap();
        got.extend(songs(&page));
        match page.get("NextToken") {
            Some(t) => req["NextToken"] = t.clone(),
            None => return got,
        }
    }
    panic!("more than 20 pages");
}

#[test]
fn select_over_several_partitions_pages_with_limit_and_next_token() {
    let db = db();
    for (artist, song) in [("cast", "c1"), ("cast", "c2"), ("dune", "d1")] {
        run(
            &db,
            "INSERT INTO music VALUE {'artist': ?, 'song': ?}",
            json!([{"S": artist}, {"S": song}]),
        )
        .unwrap();
    }
    let statement = "SELECT * FROM music WHERE artist IN ['dune', 'acme', 'nobody', 'cast']";
    let all = songs(&run(&db, statement, json!(null)).unwrap());
    assert_eq!(all, ["d1", "a1", "a2", "a3", "c1", "c2"]);
    for limit in 1..=7 {
        let got = page_through(&db, json!({"Statement": statement, "Limit": limit}));
        assert_eq!(got, all, "Limit {limit}");
    }

    // Only the partitions named are read: the capacity of three small Queries, not a Scan.
    let out = db
        .execute(
            "ExecuteStatement",
            json!({"Statement": "SELECT * FROM music WHERE artist IN ['dune', 'band', 'dune']",
                "ReturnConsumedCapacity": "TOTAL"}),
        )
        .unwrap();
    assert_eq!(songs(&out), ["d1", "b1"]);
    assert_eq!(out["ConsumedCapacity"]["CapacityUnits"], 1.0);

    // Parameters, and an index: the token also carries the table's key.
    let by_year = "SELECT * FROM \"music\".\"by-year\" WHERE \"year\" IN [?, ?]";
    let mut got = page_through(
        &db,
        json!({"Statement": by_year, "Limit": 1, "Parameters": [{"N": "1991"}, {"N": "1990.0"}]}),
    );
    got[..2].sort();
    got[2..].sort();
    assert_eq!(got, ["a2", "b1", "a1", "a3"]);

    // A NextToken whose key is not a key value is refused, not trusted.
    use base64::Engine;
    let page = db
        .execute(
            "ExecuteStatement",
            json!({"Statement": statement, "Limit": 1}),
        )
        .unwrap();
    let token = page["NextToken"].as_str().unwrap();
    let raw = base64::engine::general_purpose::STANDARD
        .decode(token)
        .unwrap();
    let mut forged: Value = serde_json::from_slice(&raw).unwrap();
    forged["k"]["artist"] = json!({"L": []});
    let forged = base64::engine::general_purpose::STANDARD.encode(forged.to_string());
    let e = db
        .execute(
            "ExecuteStatement",
            json!({"Statement": statement, "Limit": 1, "NextToken": forged}),
        )
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::ValidationException);

    let e = db
        .explain(
            "ExecuteStatement",
            json!({"Statement": "SELECT * FROM music WHERE artist = 'dune' OR artist = 'band'"}),
        )
        .unwrap();
    assert!(
        e.optimized_ir
            .starts_with("2 partitions, one Query each in the order written"),
        "{}",
        e.optimized_ir
    );
    assert!(e.plan.iter().any(|l| l.contains("SEARCH")), "{:?}", e.plan);
}
