//! Time to Live (settings, the sweep with the clock moved forward) and tags, through the
//! embedded API.

use dynoxide::{Database, ErrorCode};
use serde_json::{json, Value};
use std::time::Duration;

fn db() -> Database {
    let db = Database::memory().unwrap();
    db.execute(
        "CreateTable",
        json!({"TableName": "tbl", "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                     {"AttributeName": "g", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "GlobalSecondaryIndexes": [{"IndexName": "byg",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"}}],
            "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "OLD_IMAGE"},
            "Tags": [{"Key": "team", "Value": "core"}]}),
    )
    .unwrap();
    db
}

fn run(db: &Database, op: &str, req: Value) -> Value {
    db.execute(op, req)
        .unwrap_or_else(|e| panic!("{op}: {e:?}"))
}

fn error(db: &Database, op: &str, req: Value) -> (ErrorCode, String) {
    let e = db.execute(op, req).unwrap_err();
    (e.code(), e.message().to_string())
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn ttl(db: &Database, enabled: bool, attr: &str) -> Result<Value, (ErrorCode, String)> {
    db.execute(
        "UpdateTimeToLive",
        json!({"TableName": "tbl", "TimeToLiveSpecification": {"Enabled": enabled, "AttributeName": attr}}),
    )
    .map_err(|e| (e.code(), e.message().to_string()))
}

#[test]
fn ttl_settings_follow_dynamodbs_rules() {
    let db = db();
    let describe = |db: &Database| run(db, "DescribeTimeToLive", json!({"TableName": "tbl"}));
    assert_eq!(
        describe(&db),
        json!({"TimeToLiveDescription": {"TimeToLiveStatus": "DISABLED"}})
    );
    assert_eq!(
        ttl(&db, false, "exp").unwrap_err().1,
        "TimeToLive is already disabled"
    );
    assert_eq!(
        ttl(&db, true, "exp").unwrap(),
        json!({"TimeToLiveSpecification": {"Enabled": true, "AttributeName": "exp"}})
    );
    assert_eq!(
        describe(&db),
        json!({"TimeToLiveDescription": {"TimeToLiveStatus": "ENABLED", "AttributeName": "exp"}})
    );
    assert_eq!(
        ttl(&db, true, "exp").unwrap_err().1,
        "TimeToLive is already enabled"
    );
    for enabled in [true, false] {
        assert_eq!(
            ttl(&db, enabled, "other").unwrap_err().1,
            "TimeToLive is active on a different AttributeName: current AttributeName is exp"
        );
    }
    ttl(&db, false, "exp").unwrap();
    assert_eq!(
        describe(&db)["TimeToLiveDescription"]["TimeToLiveStatus"],
        json!("DISABLED")
    );
    assert_eq!(
        error(&db, "UpdateTimeToLive", json!({"TableName": "tbl", "TimeToLiveSpecification": {}})).1,
        "2 validation errors detected: Value null at 'timeToLiveSpecification.attributeName' failed to satisfy constraint: Member must not be null; Value null at 'timeToLiveSpecification.enabled' failed to satisfy constraint: Member must not be null"
    );
    assert_eq!(
        ttl(&db, true, "").unwrap_err().1,
        "1 validation error detected: Value '' at 'timeToLiveSpecification.attributeName' failed to satisfy constraint: Member must have length greater than or equal to 1"
    );
    assert_eq!(
        error(&db, "DescribeTimeToLive", json!({"TableName": "nope"})),
        (
            ErrorCode::ResourceNotFoundException,
            "Requested resource not found: Table: nope not found".into()
        )
    );
}

fn put(db: &Database, pk: &str, exp: Option<Value>) {
    let mut item = json!({"pk": {"S": pk}, "g": {"S": "x"}});
    if let Some(exp) = exp {
        item["exp"] = exp;
    }
    run(db, "PutItem", json!({"TableName": "tbl", "Item": item}));
}

fn keys(db: &Database) -> Vec<String> {
    let out = run(db, "Scan", json!({"TableName": "tbl"}));
    let mut k: Vec<String> = out["Items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["pk"]["S"].as_str().unwrap().to_string())
        .collect();
    k.sort();
    k
}

#[test]
fn the_sweep_deletes_expired_items_through_the_write_pipeline() {
    let db = db();
    let t = now();
    // Written before TTL is enabled: enabling finds them.
    put(&db, "past", Some(json!({"N": (t - 60).to_string()})));
    put(
        &db,
        "ancient",
        Some(json!({"N": (t - 6 * 365 * 86400).to_string()})),
    );
    ttl(&db, true, "exp").unwrap();
    put(&db, "soon", Some(json!({"N": format!("{}.5", t + 3600)})));
    put(&db, "never", None);
    put(&db, "text", Some(json!({"S": (t - 60).to_string()})));
    put(&db, "moved", Some(json!({"N": (t - 60).to_string()})));
    // Rewritten without the attribute: no longer expires.
    put(&db, "moved", None);
    assert_eq!(db.sweep_ttl().unwrap(), 1);
    assert_eq!(keys(&db), ["ancient", "moved", "never", "soon", "text"]);
    // An hour and a bit later, "soon" has expired.
    db.advance_clock(Duration::from_secs(3700));
    assert_eq!(db.sweep_ttl().unwrap(), 1);
    assert_eq!(db.sweep_ttl().unwrap(), 0);
    assert_eq!(keys(&db), ["ancient", "moved", "never", "text"]);
    // Indexes and counters follow.
    let q = run(
        &db,
        "Query",
        json!({"TableName": "tbl", "IndexName": "byg", "KeyConditionExpression": "g = :g",
            "ExpressionAttributeValues": {":g": {"S": "x"}}, "Select": "COUNT"}),
    );
    assert_eq!(q["Count"], json!(4));
    let d = run(&db, "DescribeTable", json!({"TableName": "tbl"}));
    assert_eq!(d["Table"]["ItemCount"], json!(4));
    // Each deletion wrote a REMOVE record naming DynamoDB's service.
    let recs = db.stream_records("tbl", None).unwrap();
    let removes: Vec<Value> = recs
        .iter()
        .filter(|r| r.event_name == "REMOVE")
        .map(|r| serde_json::to_value(r).unwrap())
        .collect();
    assert_eq!(removes.len(), 2);
    for r in &removes {
        assert_eq!(
            r["userIdentity"],
            json!({"PrincipalId": "dynamodb.amazonaws.com", "Type": "Service"})
        );
        assert!(r["dynamodb"]["OldImage"]["exp"].is_object());
    }
    // User writes carry no identity.
    assert!(recs
        .iter()
        .filter(|r| r.event_name != "REMOVE")
        .all(|r| r.user_identity.is_none()));
    // Disabling stops expiry.
    ttl(&db, false, "exp").unwrap();
    put(&db, "late", Some(json!({"N": (t - 60).to_string()})));
    db.advance_clock(Duration::from_secs(60));
    assert_eq!(db.sweep_ttl().unwrap(), 0);
}

#[test]
fn the_sweep_survives_a_reopen_and_large_batches() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ttl.db");
    let t = now();
    {
        let db = Database::new(&path).unwrap();
        db.execute(
            "CreateTable",
            json!({"TableName": "tbl", "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}),
        )
        .unwrap();
        ttl(&db, true, "exp").unwrap();
        for i in 0..250 {
            db.execute(
                "PutItem",
                json!({"TableName": "tbl", "Item": {"pk": {"S": i.to_string()}, "exp": {"N": (t - 10).to_string()}}}),
            )
            .unwrap();
        }
    }
    let db = Database::new(&path).unwrap();
    assert_eq!(
        run(&db, "DescribeTimeToLive", json!({"TableName": "tbl"}))["TimeToLiveDescription"]
            ["AttributeName"],
        json!("exp")
    );
    assert_eq!(db.sweep_ttl().unwrap(), 250);
    let d = run(&db, "DescribeTable", json!({"TableName": "tbl"}));
    assert_eq!(d["Table"]["ItemCount"], json!(0));

    // Stale expiry entries (no write path leaves one) never delete a live item, and a sweep
    // that finds only those ends.
    db.execute(
        "PutItem",
        json!({"TableName": "tbl", "Item": {"pk": {"S": "live"}, "exp": {"N": (t + 3600).to_string()}}}),
    )
    .unwrap();
    let raw = rusqlite::Connection::open(&path).unwrap();
    for i in 0..150 {
        raw.execute(
            "INSERT INTO t1_ttl (expires, pk, sk) VALUES (?1, ?2, x'')",
            rusqlite::params![t - 100, format!("gone{i}").into_bytes()],
        )
        .unwrap();
    }
    raw.execute(
        "INSERT INTO t1_ttl (expires, pk, sk) VALUES (?1, CAST('live' AS BLOB), x'')",
        [t - 50],
    )
    .unwrap();
    assert_eq!(db.sweep_ttl().unwrap(), 0);
    let got = run(
        &db,
        "GetItem",
        json!({"TableName": "tbl", "Key": {"pk": {"S": "live"}}}),
    );
    assert!(got.get("Item").is_some());
}

const ARN: &str = "arn:aws:dynamodb:us-east-1:000000000000:table/tbl";

fn tags(db: &Database) -> Value {
    run(db, "ListTagsOfResource", json!({"ResourceArn": ARN}))["Tags"].clone()
}

#[test]
fn tags_are_kept_and_checked() {
    let db = db();
    assert_eq!(tags(&db), json!([{"Key": "team", "Value": "core"}]));
    run(
        &db,
        "TagResource",
        json!({"ResourceArn": ARN, "Tags": [{"Key": "env", "Value": "dev"}, {"Key": "team", "Value": "data"}]}),
    );
    assert_eq!(
        tags(&db),
        json!([{"Key": "team", "Value": "data"}, {"Key": "env", "Value": "dev"}])
    );
    run(
        &db,
        "UntagResource",
        json!({"ResourceArn": ARN, "TagKeys": ["team", "absent"]}),
    );
    assert_eq!(tags(&db), json!([{"Key": "env", "Value": "dev"}]));
    run(
        &db,
        "UntagResource",
        json!({"ResourceArn": ARN, "TagKeys": ["env"]}),
    );
    assert_eq!(
        run(&db, "ListTagsOfResource", json!({"ResourceArn": ARN})),
        json!({"Tags": []})
    );

    let cases = [
        (
            json!({"ResourceArn": ARN, "Tags": []}),
            "TagResource",
            ErrorCode::ValidationException,
            "Atleast one Tag needs to be provided as Input.".to_string(),
        ),
        (
            json!({"ResourceArn": ARN, "TagKeys": []}),
            "UntagResource",
            ErrorCode::ValidationException,
            "Atleast one Tag Key needs to be provided as Input.".to_string(),
        ),
        (
            json!({"ResourceArn": ARN, "Tags": [{"Key": "aws:x", "Value": "1"}]}),
            "TagResource",
            ErrorCode::ValidationException,
            "Tag Key cannot be prefixed with aws:, Key: aws:x".to_string(),
        ),
        (
            json!({"ResourceArn": ARN, "Tags": [{"Key": "k"}]}),
            "TagResource",
            ErrorCode::ValidationException,
            "The Tag Value provided is invalid, Value: null".to_string(),
        ),
        (
            json!({"ResourceArn": "tbl", "Tags": [{"Key": "k", "Value": "v"}]}),
            "TagResource",
            ErrorCode::ValidationException,
            "One or more parameter values were invalid: ARNs must start with 'arn:': tbl"
                .to_string(),
        ),
        (
            json!({"ResourceArn": "arn:aws:dynamodb:us-east-1:000000000000:table/missing"}),
            "ListTagsOfResource",
            ErrorCode::ResourceNotFoundException,
            "Requested resource not found: ResourceArn: arn:aws:dynamodb:us-east-1:000000000000:table/missing not found".to_string(),
        ),
        (
            json!({"ResourceArn": "arn:aws:dynamodb:eu-west-1:000000000000:table/tbl"}),
            "ListTagsOfResource",
            ErrorCode::ValidationException,
            "Invalid TableArn: Invalid ResourceArn provided as input arn:aws:dynamodb:eu-west-1:000000000000:table/tbl".to_string(),
        ),
        (
            json!({"ResourceArn": format!("{ARN}/index/byg")}),
            "ListTagsOfResource",
            ErrorCode::ValidationException,
            format!("One or more parameter values were invalid: Invalid resource arn provided, only table or stream is accepted. Provided resource arn: {ARN}/index/byg"),
        ),
        (
            json!({"ResourceArn": ARN}),
            "TagResource",
            ErrorCode::ValidationException,
            "1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null".to_string(),
        ),
        // A missing member is reported before the shape of the ARN.
        (
            json!({"ResourceArn": "arn:aws:dynamodb:eu-west-1:000000000000:table/tbl"}),
            "UntagResource",
            ErrorCode::ValidationException,
            "1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null".to_string(),
        ),
        (
            json!({"ResourceArn": format!("{ARN}/backup/01700000000000-abcdef12")}),
            "ListTagsOfResource",
            ErrorCode::ValidationException,
            format!("One or more parameter values were invalid: Provided Arn is not a DynamoDB resource arn: {ARN}/backup/01700000000000-abcdef12"),
        ),
    ];
    for (req, op, code, message) in cases {
        assert_eq!(error(&db, op, req.clone()), (code, message), "{op} {req}");
    }
    // 50 tags at most, counted after merging.
    let fifty: Vec<Value> = (0..50)
        .map(|i| json!({"Key": format!("k{i}"), "Value": "v"}))
        .collect();
    run(
        &db,
        "TagResource",
        json!({"ResourceArn": ARN, "Tags": fifty}),
    );
    assert_eq!(tags(&db).as_array().unwrap().len(), 50);
    assert_eq!(
        error(
            &db,
            "TagResource",
            json!({"ResourceArn": ARN, "Tags": [{"Key": "one-more", "Value": "v"}]})
        )
        .1,
        "Number of Tags exceed the current limit for the provided ResourceArn"
    );
    // Tags go with the table: a new table of that name starts without them.
    run(&db, "DeleteTable", json!({"TableName": "tbl"}));
    run(
        &db,
        "CreateTable",
        json!({"TableName": "tbl", "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}),
    );
    assert_eq!(tags(&db), json!([]));
}

#[test]
fn tags_and_ttl_survive_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tags.db");
    {
        let db = Database::new(&path).unwrap();
        db.execute(
            "CreateTable",
            json!({"TableName": "tbl", "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                "Tags": [{"Key": "a", "Value": "1"}]}),
        )
        .unwrap();
        run(
            &db,
            "TagResource",
            json!({"ResourceArn": ARN, "Tags": [{"Key": "b", "Value": "2"}]}),
        );
    }
    let db = Database::new(&path).unwrap();
    assert_eq!(
        tags(&db),
        json!([{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    );
}
