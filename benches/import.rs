//! `dynoxide import` of 200k small items from gzip JSON Lines, with and without rules (fake +
//! hash + consistency), beside the raw-SQLite floor: the same lines read, parsed, encoded and
//! inserted with one prepared statement in one transaction.

use criterion::{criterion_group, criterion_main, Criterion};
use dynoxide::import::{self, Options};
use rusqlite::{params, Connection};
use std::io::{BufRead, Write};
use std::path::Path;

const ITEMS: usize = 200_000;

fn write_export(dir: &Path) {
    let data = dir.join("export/Big/data");
    std::fs::create_dir_all(&data).unwrap();
    let f = std::fs::File::create(data.join("part-0.json.gz")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(f, flate2::Compression::fast());
    for i in 0..ITEMS {
        writeln!(
            gz,
            r#"{{"Item":{{"pk":{{"S":"user#{i}"}},"sk":{{"N":"{}"}},"email":{{"S":"user{i}@example.com"}},"name":{{"S":"Name {i}"}},"age":{{"N":"{}"}}}}}}"#,
            i % 100,
            20 + i % 50
        )
        .unwrap();
    }
    gz.finish().unwrap();
    std::fs::write(
        dir.join("schema.json"),
        r#"{"Table":{"TableName":"Big","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],"BillingModeSummary":{"BillingMode":"PAY_PER_REQUEST"}}}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("rules.toml"),
        "[[rules]]\npath = \"email\"\naction = \"fake\"\ngenerator = \"safe_email\"\n\n[[rules]]\npath = \"#n\"\naction = \"hash\"\nsalt_env = \"DYNOXIDE_BENCH_SALT\"\n\n[names]\n\"#n\" = \"name\"\n\n[consistency]\nfields = [\"email\"]\n",
    )
    .unwrap();
}

fn bench(c: &mut Criterion) {
    std::env::set_var("DYNOXIDE_BENCH_SALT", "a-bench-salt-of-enough-bytes");
    let dir = tempfile::tempdir().unwrap();
    write_export(dir.path());
    let mut g = c.benchmark_group("import_200k");
    g.sample_size(10);
    g.throughput(criterion::Throughput::Elements(ITEMS as u64));
    g.bench_function("raw_sqlite_floor", |b| {
        b.iter(|| {
            let out = dir.path().join("floor.db");
            let _ = std::fs::remove_file(&out);
            let conn = Connection::open(&out).unwrap();
            conn.execute_batch(
                "PRAGMA journal_mode=WAL; CREATE TABLE t (pk BLOB, sk BLOB, size INTEGER, item BLOB, PRIMARY KEY (pk, sk)) WITHOUT ROWID; BEGIN",
            )
            .unwrap();
            let mut stmt = conn.prepare("INSERT INTO t VALUES (?1, ?2, ?3, ?4)").unwrap();
            let f = std::fs::File::open(dir.path().join("export/Big/data/part-0.json.gz")).unwrap();
            let lines = std::io::BufReader::new(flate2::read::MultiGzDecoder::new(f)).lines();
            for line in lines {
                let v: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
                let item: dynoxide::Item = serde_json::from_value(v["Item"].clone()).unwrap();
                let enc = dynoxide::model::codec::encode_item(&item).unwrap();
                let pk = dynoxide::model::key::encode_key_value(&item["pk"]).unwrap();
                let sk = dynoxide::model::key::encode_key_value(&item["sk"]).unwrap();
                stmt.execute(params![pk, sk, enc.size as i64, enc.bytes]).unwrap();
            }
            conn.execute_batch("COMMIT").unwrap();
        })
    });
    for (name, rules) in [("dynoxide", false), ("dynoxide_with_rules", true)] {
        g.bench_function(name, |b| {
            b.iter(|| {
                let opts = Options {
                    source: dir.path().join("export"),
                    schema: dir.path().join("schema.json"),
                    output: dir.path().join("out.db"),
                    force: true,
                    rules: rules.then(|| dir.path().join("rules.toml")),
                    ..Default::default()
                };
                let summary = import::run(&opts, |_| {}).unwrap();
                assert_eq!(summary.items(), ITEMS);
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
