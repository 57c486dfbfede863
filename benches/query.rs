//! Query, filtered Scan and GSI Query, each beside a raw-SQLite floor; the filtered Scan also
//! beside the naive way (fetch every row, decode, filter in Rust).

use criterion::{criterion_group, criterion_main, Criterion};
use dynoxide::expr::{eval, parse_condition, ExprKind, Placeholders};
use dynoxide::model::codec::{decode_item, encode_item};
use dynoxide::{Database, Item};
use rusqlite::{params, Connection};
use serde_json::json;

const SCAN_ITEMS: usize = 100_000;

fn item(i: usize) -> Item {
    serde_json::from_value(json!({
        "pk": {"S": format!("p{}", i / 100)}, "sk": {"N": (i % 100).to_string()},
        "g": {"S": format!("g{}", i % 1000)}, "kind": {"S": if i % 100 == 7 { "rare" } else { "common" }},
        "n": {"N": i.to_string()}, "name": {"S": format!("name {i}")}
    }))
    .unwrap()
}

fn setup() -> (Database, Connection) {
    let db = Database::memory().unwrap();
    db.execute("CreateTable", json!({
        "TableName": "bench",
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"},
            {"AttributeName": "g", "AttributeType": "S"}],
        "GlobalSecondaryIndexes": [{"IndexName": "by-g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "ALL"}}],
        "BillingMode": "PAY_PER_REQUEST"
    })).unwrap();
    let raw = Connection::open_in_memory().unwrap();
    raw.execute_batch("CREATE TABLE t (pk BLOB, sk BLOB, size INTEGER, item BLOB, PRIMARY KEY (pk, sk)) WITHOUT ROWID").unwrap();
    for i in 0..SCAN_ITEMS {
        let it = item(i);
        db.put_item(dynoxide::types::PutItemInput {
            table_name: Some("bench".into()),
            item: Some(it.clone()),
            ..Default::default()
        })
        .unwrap();
        let enc = encode_item(&it).unwrap();
        let pk = dynoxide::model::key::encode_key_value(&it["pk"]).unwrap();
        let sk = dynoxide::model::key::encode_key_value(&it["sk"]).unwrap();
        raw.execute(
            "INSERT INTO t VALUES (?1, ?2, ?3, ?4)",
            params![pk, sk, enc.size as i64, enc.bytes],
        )
        .unwrap();
    }
    (db, raw)
}

fn benches(c: &mut Criterion) {
    let (db, raw) = setup();
    let mut g = c.benchmark_group("query_100_item_partition");
    g.bench_function("raw_sqlite_floor", |b| {
        let pk =
            dynoxide::model::key::encode_key_value(&dynoxide::AttributeValue::s("p42")).unwrap();
        let mut stmt = raw
            .prepare("SELECT item FROM t WHERE pk = ?1 ORDER BY sk")
            .unwrap();
        b.iter(|| {
            let rows: Vec<Vec<u8>> = stmt
                .query_map(params![pk], |r| r.get(0))
                .unwrap()
                .map(Result::unwrap)
                .collect();
            assert_eq!(rows.len(), 100);
            rows
        })
    });
    g.bench_function("dynoxide", |b| {
        b.iter(|| {
            let r = db
                .execute(
                    "Query",
                    json!({"TableName": "bench", "KeyConditionExpression": "pk = :p",
                "ExpressionAttributeValues": {":p": {"S": "p42"}}}),
                )
                .unwrap();
            assert_eq!(r["Count"], 100);
            r
        })
    });
    // What the HTTP server runs: request bytes in, response bytes out.
    g.bench_function("dynoxide_wire_bytes", |b| {
        let req = br#"{"TableName": "bench", "KeyConditionExpression": "pk = :p",
            "ExpressionAttributeValues": {":p": {"S": "p42"}}}"#;
        b.iter(|| {
            let out = db.execute_bytes("Query", req).unwrap();
            assert!(out.windows(11).any(|w| w == br#""Count":100"#));
            out
        })
    });
    g.finish();

    let mut g = c.benchmark_group("scan_100k_filter_1pct");
    g.sample_size(10);
    g.bench_function("raw_sqlite_floor", |b| {
        let mut stmt = raw.prepare("SELECT count(*) FROM t").unwrap();
        b.iter(|| stmt.query_row([], |r| r.get::<_, i64>(0)).unwrap())
    });
    g.bench_function("dynoxide_pushed_down", |b| {
        b.iter(|| {
            // Pages of 1 MB, as a client reads them.
            let mut req = json!({"TableName": "bench", "FilterExpression": "kind = :k",
                "ExpressionAttributeValues": {":k": {"S": "rare"}}});
            let mut count = 0;
            loop {
                let r = db.execute("Scan", req.clone()).unwrap();
                count += r["Count"].as_i64().unwrap();
                match r.get("LastEvaluatedKey") {
                    Some(k) => req["ExclusiveStartKey"] = k.clone(),
                    None => break,
                }
            }
            assert_eq!(count, 1000);
        })
    });
    g.bench_function("naive_decode_and_filter_in_rust", |b| {
        let vals: Item = serde_json::from_value(json!({":k": {"S": "rare"}})).unwrap();
        let mut ph = Placeholders::new(None, Some(&vals)).unwrap();
        let cond = parse_condition(ExprKind::Filter, "kind = :k", &mut ph).unwrap();
        let mut stmt = raw.prepare("SELECT item FROM t ORDER BY pk, sk").unwrap();
        b.iter(|| {
            let mut hits = Vec::new();
            let mut rows = stmt.query([]).unwrap();
            while let Some(row) = rows.next().unwrap() {
                let item = decode_item(row.get_ref(0).unwrap().as_blob().unwrap()).unwrap();
                if eval::eval(&cond, &item) {
                    hits.push(item);
                }
            }
            assert_eq!(hits.len(), 1000);
            hits
        })
    });
    g.finish();

    let mut g = c.benchmark_group("gsi_query");
    g.bench_function("dynoxide", |b| {
        b.iter(|| {
            let r = db.execute("Query", json!({"TableName": "bench", "IndexName": "by-g", "KeyConditionExpression": "g = :g",
                "ExpressionAttributeValues": {":g": {"S": "g42"}}})).unwrap();
            assert_eq!(r["Count"], 100);
            r
        })
    });
    g.finish();
}

criterion_group!(group, benches);
criterion_main!(group);
