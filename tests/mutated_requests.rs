//! Mutated requests: every request of the case files (and a few more operations), changed at
//! random many times over, must get an answer or DynamoDB's client error, never a panic or an
//! internal error. Seeded, so a failure repeats; `DYNOXIDE_MUTANTS=N` sets mutants per request
//! and `DYNOXIDE_MUTANT_SEED=S` another seed.

use dynoxide::{Database, ErrorCode};
use serde_json::{json, Value};

/// xorshift64*: deterministic and dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Requests for operations the case files do not cover.
const EXTRA: &[&str] = &[
    r##"DescribeTable {"TableName":"items"}"##,
    r##"ListTables {"Limit":2,"ExclusiveStartTableName":"a"}"##,
    r##"DeleteItem {"TableName":"items","Key":{"pk":{"S":"a"}},"ConditionExpression":"attribute_exists(pk)","ReturnValues":"ALL_OLD"}"##,
    r##"BatchWriteItem {"RequestItems":{"items":[{"PutRequest":{"Item":{"pk":{"S":"w"},"n":{"N":"1"}}}},{"DeleteRequest":{"Key":{"pk":{"S":"a"}}}}]},"ReturnConsumedCapacity":"INDEXES"}"##,
    r##"TransactWriteItems {"TransactItems":[{"Put":{"TableName":"items","Item":{"pk":{"S":"t"}},"ConditionExpression":"attribute_not_exists(pk)"}},{"Update":{"TableName":"items","Key":{"pk":{"S":"u"}},"UpdateExpression":"SET #a = :v","ExpressionAttributeNames":{"#a":"a"},"ExpressionAttributeValues":{":v":{"L":[{"N":"1"}]}}}},{"ConditionCheck":{"TableName":"items","Key":{"pk":{"S":"c"}},"ConditionExpression":"attribute_not_exists(pk)"}},{"Delete":{"TableName":"items","Key":{"pk":{"S":"d"}}}}],"ClientRequestToken":"tok"}"##,
    r##"TransactGetItems {"TransactItems":[{"Get":{"TableName":"items","Key":{"pk":{"S":"t"}},"ProjectionExpression":"pk, #a","ExpressionAttributeNames":{"#a":"a"}}}]}"##,
    r##"BatchExecuteStatement {"Statements":[{"Statement":"SELECT * FROM items WHERE pk = ?","Parameters":[{"S":"t"}]},{"Statement":"UPDATE items SET a = 1 WHERE pk = 'u'"}]}"##,
    r##"ExecuteTransaction {"TransactStatements":[{"Statement":"INSERT INTO items VALUE {'pk': 'x9'}"},{"Statement":"EXISTS(SELECT * FROM items WHERE pk = 'u' AND a = 1)"}]}"##,
    r##"UpdateTable {"TableName":"items","BillingMode":"PROVISIONED","ProvisionedThroughput":{"ReadCapacityUnits":5,"WriteCapacityUnits":5}}"##,
    r##"CreateTable {"TableName":"made","KeySchema":[{"AttributeName":"h","KeyType":"HASH"},{"AttributeName":"r","KeyType":"RANGE"}],"AttributeDefinitions":[{"AttributeName":"h","AttributeType":"B"},{"AttributeName":"r","AttributeType":"N"},{"AttributeName":"l","AttributeType":"S"}],"LocalSecondaryIndexes":[{"IndexName":"l","KeySchema":[{"AttributeName":"h","KeyType":"HASH"},{"AttributeName":"l","KeyType":"RANGE"}],"Projection":{"ProjectionType":"INCLUDE","NonKeyAttributes":["x"]}}],"BillingMode":"PAY_PER_REQUEST"}"##,
];

/// Values that probe types, limits and parsers.
fn odd_value(rng: &mut Rng) -> Value {
    let deep = |depth: usize, leaf: Value| {
        (0..depth).fold(leaf, |v, i| {
            if i % 2 == 0 {
                json!([v])
            } else {
                json!({"M": {"k": v}})
            }
        })
    };
    match rng.below(24) {
        0 => Value::Null,
        1 => json!(true),
        2 => json!(0),
        3 => json!(-1),
        4 => json!(1e300),
        5 => json!(""),
        6 => json!("x".repeat(rng.below(70_000))),
        7 => json!("é\u{0}\u{1F600}\\\""),
        8 => json!([]),
        9 => json!({}),
        10 => deep(rng.below(400), json!({"S": "x"})),
        11 => json!({"S": ""}),
        12 => {
            let long = "1".repeat(50);
            let n = ["1e400", "-0", "NaN", long.as_str(), " 1", "0x10", ""][rng.below(7)];
            json!({ "N": n })
        }
        13 => {
            let b = ["!!", "AQ=", "", "AQ=="][rng.below(4)];
            json!({ "B": b })
        }
        14 => {
            let members = [["a", "a"], ["a", "b"]][rng.below(2)];
            json!({ "SS": members })
        }
        15 => json!({"NS": []}),
        16 => json!({"L": [{"N": "1"}, {"NULL": false}]}),
        17 => json!({"BOOL": "yes"}),
        18 => json!({"S": "a", "N": "1"}),
        19 => json!("#a"),
        20 => json!(":v"),
        21 => json!(
            [
                "a = :v",
                "SET a = a + :v",
                "attribute_exists(#a)",
                "size(a) > :v AND (b",
                "REMOVE a[99999999999]",
                "a.b[1].c, #a",
                "SELECT * FROM items WHERE pk = ?",
                "begins_with(pk, :v)",
                "ADD s :v DELETE s :v",
                "NOT NOT NOT a IN (:v, :v)"
            ][rng.below(10)]
        ),
        22 => json!(i64::MAX),
        _ => json!(
            [
                "ALL_NEW",
                "UPDATED_OLD",
                "TOTAL",
                "INDEXES",
                "COUNT",
                "ALL_OLD",
                "SIZE",
                "NONE"
            ][rng.below(8)]
        ),
    }
}

/// Changes one random node of a request: replaces it, drops a member, or adds one.
fn mutate(v: &mut Value, rng: &mut Rng) {
    let mut node = v;
    loop {
        let children = match node {
            Value::Object(m) => m.len(),
            Value::Array(a) => a.len(),
            _ => 0,
        };
        if children == 0 || rng.below(3) == 0 {
            break;
        }
        let pick = rng.below(children);
        node = match node {
            Value::Object(m) => m.values_mut().nth(pick).unwrap(),
            Value::Array(a) => &mut a[pick],
            _ => unreachable!(),
        };
    }
    // Strings are mostly expressions, names and numbers: edit them token-wise half the time.
    if let Value::String(text) = node {
        if rng.below(2) == 0 {
            edit_text(text, rng);
            return;
        }
    }
    match (rng.below(4), &mut *node) {
        (0, Value::Object(m)) if !m.is_empty() => {
            let key = m.keys().nth(rng.below(m.len())).unwrap().clone();
            m.remove(&key);
        }
        (1, Value::Object(m)) => {
            let key = ["Junk", "S", "N", "M", "L", "Limit", "Select", "#a", ":v"][rng.below(9)];
            m.insert(key.to_string(), odd_value(rng));
        }
        (2, Value::Array(a)) => {
            let copies = a.first().cloned().into_iter().cycle().take(rng.below(120));
            a.extend(copies);
        }
        _ => *node = odd_value(rng),
    }
}

/// Inserts, deletes or replaces a piece of an expression-like string.
fn edit_text(text: &mut String, rng: &mut Rng) {
    const TOKENS: &[&str] = &[
        "(",
        ")",
        " AND ",
        " OR ",
        "NOT ",
        "#a",
        ":v",
        "[0]",
        "[",
        "]",
        ".",
        ",",
        "=",
        "<>",
        "<",
        " BETWEEN ",
        " IN ",
        "size(",
        "attribute_type(",
        "if_not_exists(",
        "list_append(",
        "+",
        "-",
        " SET ",
        " REMOVE ",
        " ADD ",
        " DELETE ",
        "\u{0}",
        "é",
        "\"",
        "'",
        "?",
        "*",
        "1e9",
        "99999999999999999999999999999999999999999",
        "SELECT",
        "WHERE",
        "{",
        "}",
        "<<",
        ">>",
    ];
    let chars: Vec<char> = text.chars().collect();
    let at = rng.below(chars.len() + 1);
    let token = TOKENS[rng.below(TOKENS.len())];
    let (head, tail) = chars.split_at(at);
    let mut out: String = head.iter().collect();
    match rng.below(3) {
        0 => {
            out.push_str(token);
            out.extend(tail);
        }
        1 => out.extend(tail.iter().skip(1 + rng.below(4))),
        _ => {
            out.push_str(token);
            out.extend(tail.iter().skip(1));
        }
    }
    *text = out;
}

/// Runs one request as bytes (the server's path) and, when it is JSON, as a `Value`; a panic
/// fails the test by itself.
fn check(db: &Database, op: &str, body: &[u8], what: &str) {
    let as_value = serde_json::from_slice::<Value>(body)
        .ok()
        .map(|v| db.execute(op, v).err());
    for e in [db.execute_bytes(op, body).err(), as_value.flatten()]
        .into_iter()
        .flatten()
    {
        assert_ne!(
            e.code(),
            ErrorCode::InternalServerError,
            "{what}: {op} {}\n  -> {}",
            String::from_utf8_lossy(&body[..body.len().min(600)]),
            e.message()
        );
    }
}

#[test]
fn mutated_requests_get_answers_or_client_errors() {
    let per_request: usize = std::env::var("DYNOXIDE_MUTANTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(12);
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cases/requests");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let seed = std::env::var("DYNOXIDE_MUTANT_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5EED_D1A0_0001);
    let mut rng = Rng(seed | 1);
    let mut ran = 0;
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let db = Database::memory().unwrap();
        let requests: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with(|c: char| c.is_ascii_uppercase()))
            .chain(EXTRA.iter().copied())
            .collect();
        for line in requests {
            let (op, body) = line.split_once(' ').unwrap();
            // The request itself first, so that later requests see the tables and items.
            check(&db, op, body.as_bytes(), "original");
            let Ok(original) = serde_json::from_str::<Value>(body) else {
                continue;
            };
            for _ in 0..per_request {
                let mut v = original.clone();
                for _ in 0..=rng.below(3) {
                    mutate(&mut v, &mut rng);
                }
                let mut bytes = serde_json::to_vec(&v).unwrap();
                match rng.below(8) {
                    // Cut short, or one byte changed: the JSON parser's turn.
                    0 => bytes.truncate(rng.below(bytes.len())),
                    1 => {
                        let i = rng.below(bytes.len());
                        let pool = b"{}[]\":,\\0aZ \xff";
                        bytes[i] = pool[rng.below(pool.len())];
                    }
                    _ => {}
                }
                check(&db, op, &bytes, "mutant");
                ran += 1;
            }
        }
    }
    assert!(ran > 1000, "only {ran} mutants ran");
}
