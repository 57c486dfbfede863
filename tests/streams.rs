//! DynamoDB Streams through the embedded API: which writes append which records, view
//! types, shard iterators, disabling, retention and iterator expiry (with the clock moved
//! forward).

use dynoxide::{Database, ErrorCode};
use serde_json::{json, Value};
use std::time::Duration;

fn db_with_stream(view: &str) -> Database {
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
            "StreamSpecification": {"StreamEnabled": true, "StreamViewType": view}}),
    )
    .unwrap();
    db
}

fn run(db: &Database, op: &str, req: Value) -> Value {
    db.execute(op, req)
        .unwrap_or_else(|e| panic!("{op}: {e:?}"))
}

fn put(db: &Database, item: Value) {
    run(db, "PutItem", json!({"TableName": "tbl", "Item": item}));
}

/// (eventName, Keys, NewImage, OldImage) of every record so far.
fn events(db: &Database) -> Vec<(String, Value, Value, Value)> {
    db.stream_records("tbl", None)
        .unwrap()
        .into_iter()
        .map(|r| {
            let v = serde_json::to_value(&r).unwrap();
            let d = &v["dynamodb"];
            (
                r.event_name.clone(),
                d["Keys"].clone(),
                d["NewImage"].clone(),
                d["OldImage"].clone(),
            )
        })
        .collect()
}

fn names(db: &Database) -> Vec<String> {
    events(db).into_iter().map(|e| e.0).collect()
}

#[test]
fn every_writer_appends_its_record() {
    let db = db_with_stream("NEW_AND_OLD_IMAGES");
    put(&db, json!({"pk": {"S": "a"}, "n": {"N": "1"}}));
    run(
        &db,
        "UpdateItem",
        json!({"TableName": "tbl", "Key": {"pk": {"S": "a"}},
            "UpdateExpression": "SET n = n + :one", "ExpressionAttributeValues": {":one": {"N": "1"}}}),
    );
    run(
        &db,
        "UpdateItem",
        json!({"TableName": "tbl", "Key": {"pk": {"S": "u"}},
            "UpdateExpression": "SET n = :one", "ExpressionAttributeValues": {":one": {"N": "1"}}}),
    );
    run(
        &db,
        "DeleteItem",
        json!({"TableName": "tbl", "Key": {"pk": {"S": "a"}}}),
    );
    run(
        &db,
        "BatchWriteItem",
        json!({"RequestItems": {"tbl": [
            {"PutRequest": {"Item": {"pk": {"S": "b1"}}}},
            {"PutRequest": {"Item": {"pk": {"S": "b2"}}}},
            {"DeleteRequest": {"Key": {"pk": {"S": "u"}}}}]}}),
    );
    run(
        &db,
        "TransactWriteItems",
        json!({"TransactItems": [
            {"Put": {"TableName": "tbl", "Item": {"pk": {"S": "x1"}}}},
            {"Delete": {"TableName": "tbl", "Key": {"pk": {"S": "b1"}}}},
            {"ConditionCheck": {"TableName": "tbl", "Key": {"pk": {"S": "b2"}},
                "ConditionExpression": "attribute_exists(pk)"}}]}),
    );
    run(
        &db,
        "ExecuteStatement",
        json!({"Statement": "INSERT INTO tbl VALUE {'pk': 'p1', 'v': 1}"}),
    );
    run(
        &db,
        "ExecuteStatement",
        json!({"Statement": "UPDATE tbl SET v = 2 WHERE pk = 'p1'"}),
    );
    run(
        &db,
        "ExecuteStatement",
        json!({"Statement": "DELETE FROM tbl WHERE pk = 'p1'"}),
    );
    run(
        &db,
        "BatchExecuteStatement",
        json!({"Statements": [{"Statement": "INSERT INTO tbl VALUE {'pk': 'q1'}"}]}),
    );
    run(
        &db,
        "ExecuteTransaction",
        json!({"TransactStatements": [{"Statement": "UPDATE tbl SET w = 1 WHERE pk = 'q1'"}]}),
    );
    assert_eq!(
        names(&db),
        [
            "INSERT", "MODIFY", "INSERT", "REMOVE", // single-item writes
            "INSERT", "INSERT", "REMOVE", // batch
            "INSERT", "REMOVE", // transaction (the check writes nothing)
            "INSERT", "MODIFY", "REMOVE", // PartiQL
            "INSERT", "MODIFY", // PartiQL batch and transaction
        ]
    );
    let e = events(&db);
    assert_eq!(e[1].1, json!({"pk": {"S": "a"}}));
    assert_eq!(e[1].2, json!({"pk": {"S": "a"}, "n": {"N": "2"}}));
    assert_eq!(e[1].3, json!({"pk": {"S": "a"}, "n": {"N": "1"}}));
    assert_eq!(e[3].2, Value::Null, "REMOVE has no new image");
    assert_eq!(e[0].3, Value::Null, "INSERT has no old image");
}

#[test]
fn writes_that_change_nothing_or_fail_append_no_record() {
    let db = db_with_stream("KEYS_ONLY");
    put(&db, json!({"pk": {"S": "a"}, "ns": {"NS": ["1", "2"]}}));
    // The same item again (set members in another order), an update to the same value, the
    // delete of a missing item.
    put(&db, json!({"pk": {"S": "a"}, "ns": {"NS": ["2", "1.0"]}}));
    run(
        &db,
        "UpdateItem",
        json!({"TableName": "tbl", "Key": {"pk": {"S": "a"}},
            "UpdateExpression": "SET ns = :v", "ExpressionAttributeValues": {":v": {"NS": ["1", "2"]}}}),
    );
    run(
        &db,
        "DeleteItem",
        json!({"TableName": "tbl", "Key": {"pk": {"S": "missing"}}}),
    );
    // A failed condition and a cancelled transaction.
    let e = db
        .execute(
            "PutItem",
            json!({"TableName": "tbl", "Item": {"pk": {"S": "a"}, "x": {"S": "y"}},
                "ConditionExpression": "attribute_not_exists(pk)"}),
        )
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::ConditionalCheckFailedException);
    let e = db
        .execute(
            "TransactWriteItems",
            json!({"TransactItems": [
                {"Put": {"TableName": "tbl", "Item": {"pk": {"S": "new"}}}},
                {"ConditionCheck": {"TableName": "tbl", "Key": {"pk": {"S": "nope"}},
                    "ConditionExpression": "attribute_exists(pk)"}}]}),
        )
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::TransactionCanceledException);
    assert_eq!(names(&db), ["INSERT"]);
    // KEYS_ONLY: keys and nothing else; SizeBytes is the keys' size.
    let r = &db.stream_records("tbl", None).unwrap()[0];
    let v = serde_json::to_value(r).unwrap();
    assert_eq!(v["dynamodb"]["Keys"], json!({"pk": {"S": "a"}}));
    assert!(v["dynamodb"].get("NewImage").is_none());
    assert_eq!(v["dynamodb"]["SizeBytes"], json!(3));
    assert_eq!(v["dynamodb"]["StreamViewType"], json!("KEYS_ONLY"));
    assert_eq!(v["eventVersion"], json!("1.1"));
    assert_eq!(v["eventSource"], json!("aws:dynamodb"));
    assert_eq!(v["awsRegion"], json!("us-east-1"));
    assert!(v.get("userIdentity").is_none());
    assert_eq!(r.event_id.len(), 32);
}

#[test]
fn view_types_choose_the_images() {
    for (view, new, old) in [
        ("KEYS_ONLY", false, false),
        ("NEW_IMAGE", true, false),
        ("OLD_IMAGE", false, true),
        ("NEW_AND_OLD_IMAGES", true, true),
    ] {
        let db = db_with_stream(view);
        put(&db, json!({"pk": {"S": "a"}, "v": {"S": "1"}}));
        put(&db, json!({"pk": {"S": "a"}, "v": {"S": "2"}}));
        let e = events(&db);
        assert_eq!(e[1].0, "MODIFY");
        assert_eq!(e[1].2.is_object(), new, "{view} new image");
        assert_eq!(e[1].3.is_object(), old, "{view} old image");
        // Keys `pk: a` (3 bytes) plus each image `pk: a, v: 2` (5 bytes).
        let size = 3 + 5 * (usize::from(new) + usize::from(old));
        let r = serde_json::to_value(&db.stream_records("tbl", None).unwrap()[1]).unwrap();
        assert_eq!(r["dynamodb"]["SizeBytes"], json!(size), "{view}");
    }
}

fn stream_arn(db: &Database) -> String {
    let d = run(db, "DescribeTable", json!({"TableName": "tbl"}));
    d["Table"]["LatestStreamArn"].as_str().unwrap().to_string()
}

fn shard_id(db: &Database, arn: &str) -> String {
    let d = run(db, "DescribeStream", json!({"StreamArn": arn}));
    let shards = d["StreamDescription"]["Shards"].as_array().unwrap().clone();
    shards.last().unwrap()["ShardId"]
        .as_str()
        .unwrap()
        .to_string()
}

fn iterator(db: &Database, arn: &str, shard: &str, kind: &str, seq: Option<&str>) -> String {
    let mut req = json!({"StreamArn": arn, "ShardId": shard, "ShardIteratorType": kind});
    if let Some(seq) = seq {
        req["SequenceNumber"] = json!(seq);
    }
    run(db, "GetShardIterator", req)["ShardIterator"]
        .as_str()
        .unwrap()
        .to_string()
}

fn records(db: &Database, it: &str) -> (Vec<Value>, Option<String>) {
    let out = run(db, "GetRecords", json!({"ShardIterator": it}));
    (
        out["Records"].as_array().unwrap().clone(),
        out["NextShardIterator"].as_str().map(String::from),
    )
}

fn pks(records: &[Value]) -> Vec<String> {
    records
        .iter()
        .map(|r| {
            r["dynamodb"]["Keys"]["pk"]["S"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn shard_iterators_start_where_asked() {
    let db = db_with_stream("NEW_IMAGE");
    let arn = stream_arn(&db);
    let shard = shard_id(&db, &arn);
    assert!(
        shard.starts_with("shardId-") && shard.len() == 37,
        "{shard}"
    );
    let latest = iterator(&db, &arn, &shard, "LATEST", None);
    for pk in ["a", "b", "c"] {
        put(&db, json!({"pk": {"S": pk}}));
    }
    let (all, next) = records(&db, &iterator(&db, &arn, &shard, "TRIM_HORIZON", None));
    assert_eq!(pks(&all), ["a", "b", "c"]);
    let seqs: Vec<&str> = all
        .iter()
        .map(|r| r["dynamodb"]["SequenceNumber"].as_str().unwrap())
        .collect();
    assert!(seqs
        .iter()
        .all(|s| s.len() >= 21 && s.bytes().all(|b| b.is_ascii_digit())));
    assert!(seqs
        .windows(2)
        .all(|w| w[0].parse::<u128>().unwrap() < w[1].parse::<u128>().unwrap()));
    // An open shard always gives a next iterator; it sees later records only.
    let next = next.expect("open shard");
    assert!(records(&db, &next).0.is_empty());
    put(&db, json!({"pk": {"S": "d"}}));
    assert_eq!(pks(&records(&db, &next).0), ["d"]);
    assert_eq!(pks(&records(&db, &latest).0), ["a", "b", "c", "d"]);
    let at = iterator(&db, &arn, &shard, "AT_SEQUENCE_NUMBER", Some(seqs[1]));
    assert_eq!(pks(&records(&db, &at).0), ["b", "c", "d"]);
    let after = iterator(&db, &arn, &shard, "AFTER_SEQUENCE_NUMBER", Some(seqs[1]));
    assert_eq!(pks(&records(&db, &after).0), ["c", "d"]);
    // Limit.
    let out = run(
        &db,
        "GetRecords",
        json!({"ShardIterator": iterator(&db, &arn, &shard, "TRIM_HORIZON", None), "Limit": 2}),
    );
    assert_eq!(pks(out["Records"].as_array().unwrap()), ["a", "b"]);
    let rest = records(&db, out["NextShardIterator"].as_str().unwrap()).0;
    assert_eq!(pks(&rest), ["c", "d"]);
}

fn error(db: &Database, op: &str, req: Value) -> (ErrorCode, String) {
    let e = db.execute(op, req).unwrap_err();
    (e.code(), e.message().to_string())
}

#[test]
fn streams_errors_have_dynamodbs_types_and_texts() {
    let db = db_with_stream("KEYS_ONLY");
    let arn = stream_arn(&db);
    let shard = shard_id(&db, &arn);
    let missing = arn.replace("/stream/", "/stream/1");
    assert_eq!(
        error(&db, "DescribeStream", json!({"StreamArn": missing})),
        (
            ErrorCode::ResourceNotFoundException,
            format!("Requested resource not found: Stream: {missing} not found")
        )
    );
    assert_eq!(
        error(&db, "DescribeStream", json!({"StreamArn": "x".repeat(40)})),
        (ErrorCode::ValidationException, "Invalid StreamArn".into())
    );
    assert_eq!(
        error(&db, "DescribeStream", json!({})).1,
        "1 validation error detected: Value null at 'streamArn' failed to satisfy constraint: Member must not be null"
    );
    assert_eq!(
        error(
            &db,
            "GetShardIterator",
            json!({"StreamArn": arn, "ShardId": "shardId-00000000000000000000-00000000", "ShardIteratorType": "LATEST"})
        ),
        (
            ErrorCode::ResourceNotFoundException,
            "Requested resource not found: Shard does not exist".into()
        )
    );
    assert_eq!(
        error(&db, "GetShardIterator", json!({"StreamArn": arn, "ShardId": shard, "ShardIteratorType": "SOMEWHERE"})).1,
        "1 validation error detected: Value 'SOMEWHERE' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set: [TRIM_HORIZON, LATEST, AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER]"
    );
    assert_eq!(
        error(&db, "GetRecords", json!({"ShardIterator": "nonsense"})),
        (
            ErrorCode::ValidationException,
            "Invalid ShardIterator".into()
        )
    );
    assert_eq!(
        error(&db, "GetRecords", json!({"ShardIterator": "x", "Limit": 0})).1,
        "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1"
    );
    // Iterators expire after 15 minutes.
    let it = iterator(&db, &arn, &shard, "TRIM_HORIZON", None);
    db.advance_clock(Duration::from_secs(16 * 60));
    assert_eq!(
        error(&db, "GetRecords", json!({"ShardIterator": it})),
        (
            ErrorCode::ExpiredIteratorException,
            "Shard iterator has expired".into()
        )
    );
}

#[test]
fn disabling_keeps_the_old_stream_readable_and_enabling_makes_a_new_one() {
    let db = db_with_stream("KEYS_ONLY");
    let first = stream_arn(&db);
    put(&db, json!({"pk": {"S": "a"}}));
    let e = error(
        &db,
        "UpdateTable",
        json!({"TableName": "tbl", "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "NEW_IMAGE"}}),
    );
    assert_eq!(e.1, "Table already has an enabled stream: TableName: tbl");
    let out = run(
        &db,
        "UpdateTable",
        json!({"TableName": "tbl", "StreamSpecification": {"StreamEnabled": false}}),
    );
    assert!(out["TableDescription"].get("StreamSpecification").is_none());
    assert_eq!(out["TableDescription"]["LatestStreamArn"], json!(first));
    let e = error(
        &db,
        "UpdateTable",
        json!({"TableName": "tbl", "StreamSpecification": {"StreamEnabled": false}}),
    );
    assert_eq!(e.1, "Table has no stream to disable: TableName: tbl");
    // Writes while disabled go nowhere.
    put(&db, json!({"pk": {"S": "b"}}));
    let d = run(&db, "DescribeStream", json!({"StreamArn": first}));
    let sd = &d["StreamDescription"];
    assert_eq!(sd["StreamStatus"], json!("DISABLED"));
    let shard = &sd["Shards"][0];
    let range = &shard["SequenceNumberRange"];
    assert!(range.get("EndingSequenceNumber").is_some(), "{sd}");
    let shard = shard["ShardId"].as_str().unwrap();
    let (recs, next) = records(&db, &iterator(&db, &first, shard, "TRIM_HORIZON", None));
    assert_eq!(pks(&recs), ["a"]);
    assert_eq!(
        next, None,
        "a closed shard read to its end has no next iterator"
    );

    run(
        &db,
        "UpdateTable",
        json!({"TableName": "tbl", "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "NEW_IMAGE"}}),
    );
    let second = stream_arn(&db);
    assert_ne!(first, second);
    put(&db, json!({"pk": {"S": "c"}}));
    assert_eq!(
        names(&db),
        ["INSERT"],
        "the new stream has only the new write"
    );
    let listed = run(&db, "ListStreams", json!({"TableName": "tbl"}));
    let arns: Vec<&str> = listed["Streams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["StreamArn"].as_str().unwrap())
        .collect();
    assert_eq!(arns, [first.as_str(), second.as_str()]);
    // Paging.
    let page = run(&db, "ListStreams", json!({"Limit": 1}));
    assert_eq!(page["LastEvaluatedStreamArn"], json!(first));
    let page = run(
        &db,
        "ListStreams",
        json!({"Limit": 1, "ExclusiveStartStreamArn": first}),
    );
    assert_eq!(page["Streams"][0]["StreamArn"], json!(second));
    assert!(page.get("LastEvaluatedStreamArn").is_none());

    // DeleteTable leaves the stream readable (disabled) for 24 hours, then it is gone.
    run(&db, "DeleteTable", json!({"TableName": "tbl"}));
    let d = run(&db, "DescribeStream", json!({"StreamArn": second}));
    assert_eq!(d["StreamDescription"]["StreamStatus"], json!("DISABLED"));
    db.advance_clock(Duration::from_secs(25 * 3600));
    assert_eq!(
        error(&db, "DescribeStream", json!({"StreamArn": second})).0,
        ErrorCode::ResourceNotFoundException
    );
    assert_eq!(run(&db, "ListStreams", json!({}))["Streams"], json!([]));
}

#[test]
fn records_older_than_a_day_are_trimmed() {
    let db = db_with_stream("KEYS_ONLY");
    let arn = stream_arn(&db);
    let shard = shard_id(&db, &arn);
    put(&db, json!({"pk": {"S": "old"}}));
    let old_seq = db.stream_records("tbl", None).unwrap()[0]
        .dynamodb
        .sequence_number
        .clone();
    let stale = iterator(&db, &arn, &shard, "TRIM_HORIZON", None);
    db.advance_clock(Duration::from_secs(10 * 60));
    db.advance_clock(Duration::from_secs(24 * 3600));
    // The shard is older than four hours and has a record: the next write rolls it over.
    put(&db, json!({"pk": {"S": "new"}}));
    let d = run(&db, "DescribeStream", json!({"StreamArn": arn}));
    let shards = d["StreamDescription"]["Shards"].as_array().unwrap().clone();
    assert_eq!(shards.len(), 2, "{shards:?}");
    assert_eq!(shards[1]["ParentShardId"], shards[0]["ShardId"]);
    assert!(shards[0]["SequenceNumberRange"]
        .get("EndingSequenceNumber")
        .is_some());
    assert!(shards[1]["SequenceNumberRange"]
        .get("EndingSequenceNumber")
        .is_none());
    // The old record is past retention: reading at it is refused, TRIM_HORIZON skips it.
    assert_eq!(
        error(
            &db,
            "GetShardIterator",
            json!({"StreamArn": arn, "ShardId": shard, "ShardIteratorType": "AT_SEQUENCE_NUMBER", "SequenceNumber": old_seq})
        ),
        (
            ErrorCode::TrimmedDataAccessException,
            "The data you are trying to access has been trimmed".into()
        )
    );
    assert_eq!(
        error(&db, "GetRecords", json!({"ShardIterator": stale})).0,
        ErrorCode::ExpiredIteratorException
    );
    let (recs, next) = records(&db, &iterator(&db, &arn, &shard, "TRIM_HORIZON", None));
    assert!(recs.is_empty());
    assert_eq!(next, None);
    let child = shards[1]["ShardId"].as_str().unwrap();
    let (recs, _) = records(&db, &iterator(&db, &arn, child, "TRIM_HORIZON", None));
    assert_eq!(pks(&recs), ["new"]);
    // Trimming deletes the old record; sequence numbers keep growing after it.
    assert_eq!(db.trim_streams().unwrap(), 1);
    assert_eq!(
        error(
            &db,
            "GetShardIterator",
            json!({"StreamArn": arn, "ShardId": shard, "ShardIteratorType": "AT_SEQUENCE_NUMBER", "SequenceNumber": old_seq})
        )
        .0,
        ErrorCode::TrimmedDataAccessException
    );
    put(&db, json!({"pk": {"S": "newer"}}));
    let seqs: Vec<u128> = db
        .stream_records("tbl", None)
        .unwrap()
        .iter()
        .map(|r| r.dynamodb.sequence_number.parse().unwrap())
        .collect();
    assert_eq!(seqs.len(), 2);
    assert!(seqs[0] > old_seq.parse::<u128>().unwrap() && seqs[1] > seqs[0]);
}

#[test]
fn an_open_shard_whose_records_were_all_trimmed_reads_on() {
    let db = db_with_stream("KEYS_ONLY");
    let arn = stream_arn(&db);
    let shard = shard_id(&db, &arn);
    put(&db, json!({"pk": {"S": "old"}}));
    db.advance_clock(Duration::from_secs(25 * 3600));
    assert_eq!(db.trim_streams().unwrap(), 1);
    let nexts: Vec<String> = ["TRIM_HORIZON", "LATEST"]
        .into_iter()
        .map(|kind| {
            let (recs, next) = records(&db, &iterator(&db, &arn, &shard, kind, None));
            assert!(recs.is_empty(), "{kind}");
            next.expect("an open shard has a next iterator")
        })
        .collect();
    // The shard is older than four hours but has no record left: no rollover, the write
    // lands in it, and both iterators see it.
    put(&db, json!({"pk": {"S": "new"}}));
    for next in &nexts {
        assert_eq!(pks(&records(&db, next).0), ["new"]);
    }
    // Trimming again deletes nothing more and refuses no live position.
    assert_eq!(db.trim_streams().unwrap(), 0);
    let (recs, _) = records(&db, &iterator(&db, &arn, &shard, "TRIM_HORIZON", None));
    assert_eq!(pks(&recs), ["new"]);
}

#[test]
fn a_shard_closed_after_its_records_were_trimmed_ends_at_its_last_record() {
    let db = db_with_stream("KEYS_ONLY");
    let arn = stream_arn(&db);
    let shard = shard_id(&db, &arn);
    put(&db, json!({"pk": {"S": "a"}}));
    let seq = db.stream_records("tbl", None).unwrap()[0]
        .dynamodb
        .sequence_number
        .clone();
    // A number past the last record of an open shard is not in it.
    let beyond = format!("{:021}", seq.parse::<u128>().unwrap() + 1);
    assert_eq!(
        error(
            &db,
            "GetShardIterator",
            json!({"StreamArn": arn, "ShardId": shard, "ShardIteratorType": "AT_SEQUENCE_NUMBER", "SequenceNumber": beyond})
        ),
        (
            ErrorCode::ValidationException,
            "Invalid SequenceNumber for the shard".into()
        )
    );
    db.advance_clock(Duration::from_secs(25 * 3600));
    assert_eq!(db.trim_streams().unwrap(), 1);
    run(
        &db,
        "UpdateTable",
        json!({"TableName": "tbl", "StreamSpecification": {"StreamEnabled": false}}),
    );
    let d = run(&db, "DescribeStream", json!({"StreamArn": arn}));
    let range = &d["StreamDescription"]["Shards"][0]["SequenceNumberRange"];
    assert_eq!(range["EndingSequenceNumber"], json!(seq));
    let (recs, next) = records(&db, &iterator(&db, &arn, &shard, "TRIM_HORIZON", None));
    assert!(recs.is_empty());
    assert_eq!(next, None, "the closed shard is read to its end");
}

#[test]
fn a_database_from_before_streams_gets_its_enabled_streams_at_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let arn;
    {
        let db = Database::new(&path).unwrap();
        db.execute(
            "CreateTable",
            json!({"TableName": "tbl", "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "NEW_IMAGE"}}),
        )
        .unwrap();
        arn = stream_arn(&db);
    }
    // What an earlier build left: the description says enabled, no stream is kept.
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch("DELETE FROM dynoxide_streams")
        .unwrap();
    let db = Database::new(&path).unwrap();
    let d = run(&db, "DescribeStream", json!({"StreamArn": arn}));
    assert_eq!(d["StreamDescription"]["StreamStatus"], json!("ENABLED"));
    put(&db, json!({"pk": {"S": "a"}}));
    assert_eq!(names(&db), ["INSERT"]);
}

#[test]
fn a_file_database_keeps_its_streams_and_sequence_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let first_seq;
    {
        let db = Database::new(&path).unwrap();
        db.execute(
            "CreateTable",
            json!({"TableName": "tbl", "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "NEW_IMAGE"}}),
        )
        .unwrap();
        put(&db, json!({"pk": {"S": "a"}}));
        first_seq = db.stream_records("tbl", None).unwrap()[0]
            .dynamodb
            .sequence_number
            .clone();
    }
    let db = Database::new(&path).unwrap();
    put(&db, json!({"pk": {"S": "b"}}));
    let recs = db.stream_records("tbl", None).unwrap();
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0].dynamodb.sequence_number, first_seq);
    let after = db.stream_records("tbl", Some(&first_seq)).unwrap();
    assert_eq!(after.len(), 1);
    assert!(
        after[0].dynamodb.sequence_number.parse::<u128>().unwrap()
            > first_seq.parse::<u128>().unwrap()
    );
}
