//! PutItem and GetItem on `Database::memory()`, each beside its raw-SQLite floor: a prepared
//! INSERT / SELECT of the same bytes into a table of the same shape. `put_item_stream` puts
//! with and without a NEW_AND_OLD_IMAGES stream, beside the floor of a row plus a record row
//! in one transaction.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use dynoxide::types::{CreateTableInput, GetItemInput, PutItemInput};
use dynoxide::{AttributeValue, Database, Item};
use rusqlite::{params, Connection};
use serde_json::json;

const N: usize = 10_000;

fn item(i: usize) -> Item {
    let mut it = Item::new();
    it.insert("pk".into(), AttributeValue::s(format!("user#{}", i % 1000)));
    it.insert("sk".into(), AttributeValue::n(i));
    it.insert("name".into(), AttributeValue::s(format!("name {i}")));
    it.insert("age".into(), AttributeValue::n(20 + i % 50));
    it.insert("active".into(), AttributeValue::Bool(i.is_multiple_of(2)));
    it.insert(
        "tags".into(),
        AttributeValue::Ss(vec!["a".into(), "b".into(), format!("t{i}")]),
    );
    it
}

fn key(i: usize) -> Item {
    let mut k = Item::new();
    k.insert("pk".into(), AttributeValue::s(format!("user#{}", i % 1000)));
    k.insert("sk".into(), AttributeValue::n(i));
    k
}

fn database() -> Database {
    database_with(None)
}

/// The bench table, with a stream of the given view type.
fn database_with(stream: Option<&str>) -> Database {
    let db = Database::memory().unwrap();
    let mut req = json!({
        "TableName": "bench",
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}],
        "BillingMode": "PAY_PER_REQUEST"
    });
    if let Some(view) = stream {
        req["StreamSpecification"] = json!({"StreamEnabled": true, "StreamViewType": view});
    }
    let req: CreateTableInput = serde_json::from_value(req).unwrap();
    db.create_table(req).unwrap();
    db
}

/// The floor: the same stored bytes through one prepared statement.
fn raw_sqlite() -> Connection {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch(
        "CREATE TABLE t (pk BLOB NOT NULL, sk BLOB NOT NULL, size INTEGER NOT NULL, \
         item BLOB NOT NULL, PRIMARY KEY (pk, sk)) WITHOUT ROWID",
    )
    .unwrap();
    conn
}

fn encoded(i: usize) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let it = item(i);
    let enc = dynoxide::model::codec::encode_item(&it).unwrap();
    let pk = dynoxide::model::key::encode_key_value(&it["pk"]).unwrap();
    let sk = dynoxide::model::key::encode_key_value(&it["sk"]).unwrap();
    (pk, sk, enc.bytes)
}

fn put(c: &mut Criterion) {
    let mut g = c.benchmark_group("put_item");
    let rows: Vec<_> = (0..N).map(encoded).collect();
    g.bench_function("raw_sqlite_floor", |b| {
        let conn = raw_sqlite();
        let mut stmt = conn
            .prepare("INSERT OR REPLACE INTO t (pk, sk, size, item) VALUES (?1, ?2, ?3, ?4)")
            .unwrap();
        let mut i = 0;
        b.iter(|| {
            let (pk, sk, bytes) = &rows[i % N];
            stmt.execute(params![pk, sk, bytes.len() as i64, bytes])
                .unwrap();
            i += 1;
        })
    });
    g.bench_function("dynoxide", |b| {
        let db = database();
        let mut i = 0;
        b.iter_batched(
            || {
                i += 1;
                PutItemInput {
                    table_name: Some("bench".into()),
                    item: Some(item(i % N)),
                    ..Default::default()
                }
            },
            |req| db.put_item(req).unwrap(),
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

/// PutItem with a stream costs at most 1.3x PutItem without one (issue goal). Every put
/// changes its item (a counter attribute), so every put with a stream appends a record.
fn put_with_stream(c: &mut Criterion) {
    let mut g = c.benchmark_group("put_item_stream");
    let changed = |i: usize| {
        let mut it = item(i % N);
        it.insert("version".into(), AttributeValue::n(i));
        it
    };
    g.bench_function("raw_sqlite_floor_row_and_record", |b| {
        let conn = raw_sqlite();
        conn.execute_batch(
            "CREATE TABLE r (stream INTEGER, shard INTEGER, seq INTEGER, created INTEGER, \
             event INTEGER, size INTEGER, keys BLOB, new_image BLOB, old_image BLOB, \
             PRIMARY KEY (stream, shard, seq)) WITHOUT ROWID",
        )
        .unwrap();
        let mut i = 0;
        b.iter_batched(
            || {
                i += 1;
                let it = changed(i);
                let enc = dynoxide::model::codec::encode_item(&it).unwrap();
                let pk = dynoxide::model::key::encode_key_value(&it["pk"]).unwrap();
                let sk = dynoxide::model::key::encode_key_value(&it["sk"]).unwrap();
                (i, pk, sk, enc.bytes)
            },
            |(i, pk, sk, bytes)| {
                conn.prepare_cached("BEGIN").unwrap().execute([]).unwrap();
                let old: Option<Vec<u8>> = conn
                    .prepare_cached("SELECT item FROM t WHERE pk = ?1 AND sk = ?2")
                    .unwrap()
                    .query_row(params![pk, sk], |r| r.get(0))
                    .ok();
                conn.prepare_cached(
                    "INSERT OR REPLACE INTO t (pk, sk, size, item) VALUES (?1, ?2, ?3, ?4)",
                )
                .unwrap()
                .execute(params![pk, sk, bytes.len() as i64, bytes])
                .unwrap();
                conn.prepare_cached("INSERT INTO r VALUES (1, 1, ?1, 0, 1, ?2, ?3, ?4, ?5)")
                    .unwrap()
                    .execute(params![i as i64, bytes.len() as i64, pk, bytes, old])
                    .unwrap();
                conn.prepare_cached("COMMIT").unwrap().execute([]).unwrap();
            },
            BatchSize::SmallInput,
        )
    });
    for (name, stream) in [
        ("dynoxide_no_stream", None),
        (
            "dynoxide_stream_new_and_old_images",
            Some("NEW_AND_OLD_IMAGES"),
        ),
    ] {
        g.bench_function(name, |b| {
            let db = database_with(stream);
            let mut i = 0;
            b.iter_batched(
                || {
                    i += 1;
                    PutItemInput {
                        table_name: Some("bench".into()),
                        item: Some(changed(i)),
                        ..Default::default()
                    }
                },
                |req| db.put_item(req).unwrap(),
                BatchSize::SmallInput,
            )
        });
    }
    g.finish();
}

fn get(c: &mut Criterion) {
    let mut g = c.benchmark_group("get_item");
    g.bench_function("raw_sqlite_floor", |b| {
        let conn = raw_sqlite();
        let rows: Vec<_> = (0..N).map(encoded).collect();
        for (pk, sk, bytes) in &rows {
            conn.execute(
                "INSERT INTO t (pk, sk, size, item) VALUES (?1, ?2, ?3, ?4)",
                params![pk, sk, bytes.len() as i64, bytes],
            )
            .unwrap();
        }
        let mut stmt = conn
            .prepare("SELECT item FROM t WHERE pk = ?1 AND sk = ?2")
            .unwrap();
        let mut i = 0;
        b.iter(|| {
            let (pk, sk, _) = &rows[i % N];
            let v: Vec<u8> = stmt.query_row(params![pk, sk], |r| r.get(0)).unwrap();
            i += 1;
            v
        })
    });
    g.bench_function("dynoxide", |b| {
        let db = database();
        for i in 0..N {
            db.put_item(PutItemInput {
                table_name: Some("bench".into()),
                item: Some(item(i)),
                ..Default::default()
            })
            .unwrap();
        }
        let mut i = 0;
        b.iter_batched(
            || {
                i += 1;
                GetItemInput {
                    table_name: Some("bench".into()),
                    key: Some(key(i % N)),
                    ..Default::default()
                }
            },
            |req| {
                let out = db.get_item(req).unwrap();
                assert!(out.item.is_some());
                out
            },
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

criterion_group!(benches, put, put_with_stream, get);
criterion_main!(benches);
