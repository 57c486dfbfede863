//! Scan through the public API: paging, parallel segments, indexes, errors.

use dynoxide::Database;
use serde_json::{json, Value};
use std::collections::BTreeSet;

fn db() -> Database {
    let db = Database::memory().unwrap();
    db.execute(
        "CreateTable",
        json!({
            "TableName": "scn",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"},
                {"AttributeName": "g", "AttributeType": "N"}],
            "GlobalSecondaryIndexes": [{"IndexName": "by-g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"}}],
            "BillingMode": "PAY_PER_REQUEST"
        }),
    )
    .unwrap();
    for i in 0..60 {
        let mut item = json!({"pk": {"S": format!("p{}", i % 13)}, "sk": {"N": i.to_string()}});
        if i % 3 == 0 {
            item["g"] = json!({"N": (i % 4).to_string()});
        }
        db.execute("PutItem", json!({"TableName": "scn", "Item": item}))
            .unwrap();
    }
    db
}

fn scan_all(db: &Database, base: Value) -> (Vec<(String, i64)>, usize) {
    let mut out = Vec::new();
    let mut req = base.clone();
    req["TableName"] = json!("scn");
    let mut pages = 0;
    loop {
        let page = db.execute("Scan", req.clone()).unwrap();
        pages += 1;
        for i in page["Items"].as_array().unwrap() {
            out.push((
                i["pk"]["S"].as_str().unwrap().to_string(),
                i["sk"]["N"].as_str().unwrap().parse().unwrap(),
            ));
        }
        match page.get("LastEvaluatedKey") {
            Some(k) => req["ExclusiveStartKey"] = k.clone(),
            None => break,
        }
    }
    (out, pages)
}

#[test]
fn paging_returns_every_item_once() {
    let db = db();
    let (all, pages) = scan_all(&db, json!({"Limit": 7}));
    assert_eq!(all.len(), 60);
    assert_eq!(pages, 9);
    let unique: BTreeSet<_> = all.iter().collect();
    assert_eq!(unique.len(), 60);
}

#[test]
fn parallel_segments_partition_the_table() {
    let db = db();
    let mut seen = Vec::new();
    for seg in 0..4 {
        let (items, _) = scan_all(&db, json!({"Segment": seg, "TotalSegments": 4, "Limit": 5}));
        seen.extend(items);
    }
    assert_eq!(seen.len(), 60);
    assert_eq!(seen.iter().collect::<BTreeSet<_>>().len(), 60);
}

#[test]
fn index_scan_and_count() {
    let db = db();
    let (items, _) = scan_all(&db, json!({"IndexName": "by-g", "Limit": 3}));
    assert_eq!(items.len(), 20);
    let count = db
        .execute("Scan", json!({"TableName": "scn", "Select": "COUNT"}))
        .unwrap();
    assert_eq!(count, json!({"Count": 60, "ScannedCount": 60}));
    let proj = db
        .execute(
            "Scan",
            json!({"TableName": "scn", "Limit": 1, "ProjectionExpression": "sk"}),
        )
        .unwrap();
    assert_eq!(
        proj["Items"].as_array().unwrap()[0]
            .as_object()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn scan_errors() {
    let db = db();
    let msg = |req: Value| {
        let mut r = req;
        r["TableName"] = json!("scn");
        db.execute("Scan", r).unwrap_err().message().to_string()
    };
    assert_eq!(msg(json!({"Segment": 1})), "The TotalSegments parameter is required but was not present in the request when Segment parameter is present");
    assert_eq!(msg(json!({"Segment": 4, "TotalSegments": 4})), "The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 4 is not less than TotalSegments: 4");
    assert_eq!(msg(json!({"TotalSegments": 0, "Segment": 0})), "1 validation error detected: Value '0' at 'totalSegments' failed to satisfy constraint: Member must have value greater than or equal to 1");
    assert_eq!(msg(json!({"Limit": 0})), "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1");
    assert_eq!(
        msg(json!({"ExclusiveStartKey": {"pk": {"S": "x"}}})),
        "The provided starting key is invalid: The provided key element does not match the schema"
    );
}

#[test]
fn scan_filters() {
    let db = db();
    let r = db
        .execute(
            "Scan",
            json!({"TableName": "scn", "FilterExpression": "g = :z OR sk BETWEEN :a AND :b",
        "ExpressionAttributeValues": {":z": {"N": "0"}, ":a": {"N": "1"}, ":b": {"N": "2"}}}),
        )
        .unwrap();
    // g = 0 when i % 3 == 0 and i % 4 == 0 (0, 12, 24, 36, 48), plus sk 1 and 2.
    assert_eq!(r["Count"], json!(7));
    assert_eq!(r["ScannedCount"], json!(60));
    let (all, _) = scan_all(
        &db,
        json!({"FilterExpression": "attribute_not_exists(g)", "Limit": 9}),
    );
    assert_eq!(all.len(), 40);
}
