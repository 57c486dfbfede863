//! End to end over raw HTTP: DynamoDB's protocol details and hostile input.

mod common;

use common::{dynamo, raw_request, Server};
use serde_json::json;

const TABLE: &str = r#"{"TableName": "raw", "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}], "BillingMode": "PAY_PER_REQUEST"}"#;

fn assert_alive(server: &Server) {
    let r = dynamo(&server.endpoint, "ListTables", b"{}");
    assert_eq!(r.status, 200, "the server keeps serving");
}

#[test]
fn protocol_headers_and_health() {
    let server = Server::start();
    let r = raw_request(&server.endpoint, "GET", &[], b"");
    assert_eq!(r.status, 200);
    assert_eq!(r.body, b"healthy: dynamodb.us-east-1.amazonaws.com ");

    let r = dynamo(&server.endpoint, "ListTables", b"{}");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/x-amz-json-1.0"));
    assert_eq!(r.json(), json!({"TableNames": []}));
    let crc: u32 = r.header("x-amz-crc32").unwrap().parse().unwrap();
    assert_eq!(crc, crc32fast::hash(&r.body));
    let id = r.header("x-amzn-requestid").unwrap();
    assert_eq!(id.len(), 52);
    assert!(id
        .bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()));
    assert!(r.header("x-amzn-errortype").is_none());

    let r = raw_request(&server.endpoint, "PUT", &[], b"");
    assert_eq!(r.status, 404);
    assert_eq!(r.body, b"<UnknownOperationException/>\n");
}

#[test]
fn target_auth_and_content_type_errors() {
    let server = Server::start();
    let ep = &server.endpoint;
    let auth = ("Authorization", "AWS4-HMAC-SHA256 Credential=x");
    let ct = ("Content-Type", "application/x-amz-json-1.0");

    let r = raw_request(ep, "POST", &[ct, auth], b"{}");
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json(),
        json!({"__type": "com.amazon.coral.service#UnknownOperationException"})
    );
    let r = raw_request(
        ep,
        "POST",
        &[ct, auth, ("X-Amz-Target", "DynamoDB_20120810.Frobnicate")],
        b"{}",
    );
    assert_eq!(
        r.json(),
        json!({"__type": "com.amazon.coral.service#UnknownOperationException"})
    );

    let r = raw_request(
        ep,
        "POST",
        &[ct, ("X-Amz-Target", "DynamoDB_20120810.ListTables")],
        b"{}",
    );
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json(),
        json!({"__type": "com.amazon.coral.service#MissingAuthenticationTokenException", "message": "Request is missing Authentication Token"})
    );
    // Bad JSON wins over a bad target.
    let r = raw_request(ep, "POST", &[ct, auth], b"{nope");
    assert_eq!(
        r.json(),
        json!({"__type": "com.amazon.coral.service#SerializationException"})
    );

    let r = raw_request(
        ep,
        "POST",
        &[
            ("Content-Type", "text/plain"),
            auth,
            ("X-Amz-Target", "DynamoDB_20120810.ListTables"),
        ],
        b"{}",
    );
    assert_eq!(r.status, 404);

    let r = raw_request(
        ep,
        "POST",
        &[
            ("Content-Type", "application/json"),
            auth,
            ("X-Amz-Target", "DynamoDB_20120810.ListTables"),
        ],
        b"{}",
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/json"));
}

#[test]
fn garbage_in_gets_4xx_and_the_server_keeps_serving() {
    let server = Server::start();
    let ep = &server.endpoint;
    assert_eq!(dynamo(ep, "CreateTable", TABLE.as_bytes()).status, 200);

    // Random bytes, truncated JSON, empty body.
    let mut seed = 0x1234_5678_9abc_def0u64;
    for len in [1usize, 7, 100, 4096] {
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed as u8
            })
            .collect();
        let r = dynamo(ep, "PutItem", &bytes);
        assert_eq!(r.status, 400, "{len} random bytes");
        assert_eq!(
            r.json()["__type"],
            "com.amazon.coral.service#SerializationException"
        );
    }
    for body in [
        &b"{\"TableName\": \"raw\", \"Item\": {\"id\": {\"S\""[..],
        b"",
        b"[",
        b"\"x",
    ] {
        let r = dynamo(ep, "PutItem", body);
        assert_eq!(r.status, 400);
        assert_eq!(
            r.json()["__type"],
            "com.amazon.coral.service#SerializationException"
        );
    }

    // Wrong types.
    let r = dynamo(ep, "PutItem", br#"{"TableName": 5, "Item": {}}"#);
    assert_eq!(
        r.json(),
        json!({"__type": "com.amazon.coral.service#SerializationException", "Message": "NUMBER_VALUE cannot be converted to String"})
    );
    let r = dynamo(
        ep,
        "PutItem",
        br#"{"TableName": "raw", "Item": {"id": "x"}}"#,
    );
    assert_eq!(r.json()["Message"], "Unexpected value type in payload");

    // A 10 MB string: bigger than an item may be.
    let big = format!(
        r#"{{"TableName": "raw", "Item": {{"id": {{"S": "a"}}, "v": {{"S": "{}"}}}}}}"#,
        "x".repeat(10 << 20)
    );
    let r = dynamo(ep, "PutItem", big.as_bytes());
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json()["message"],
        "Item size has exceeded the maximum allowed size"
    );

    // Deeply nested maps.
    let mut v = String::from(r#"{"NULL": true}"#);
    for _ in 0..40 {
        v = format!(r#"{{"M": {{"k": {v}}}}}"#);
    }
    let body = format!(r#"{{"TableName": "raw", "Item": {{"id": {{"S": "a"}}, "deep": {v}}}}}"#);
    let r = dynamo(ep, "PutItem", body.as_bytes());
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json()["__type"],
        "com.amazon.coral.validate#ValidationException"
    );
    let mut v = String::from(r#"{"NULL": true}"#);
    for _ in 0..5000 {
        v = format!(r#"{{"L": [{v}]}}"#);
    }
    let r = dynamo(
        ep,
        "PutItem",
        format!(r#"{{"TableName": "raw", "Item": {{"deep": {v}}}}}"#).as_bytes(),
    );
    assert_eq!(r.status, 400);

    // Numbers with 1000 digits: too precise within range, overflow beyond it (range first).
    let body = format!(
        r#"{{"TableName": "raw", "Item": {{"id": {{"S": "a"}}, "n": {{"N": "{}"}}}}}}"#,
        "9".repeat(1000)
    );
    let r = dynamo(ep, "PutItem", body.as_bytes());
    assert_eq!(
        r.json()["message"],
        "Number overflow. Attempting to store a number with magnitude larger than supported range"
    );
    let body = format!(
        r#"{{"TableName": "raw", "Item": {{"id": {{"S": "a"}}, "n": {{"N": "0.{}"}}}}}}"#,
        "9".repeat(1000)
    );
    let r = dynamo(ep, "PutItem", body.as_bytes());
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json()["message"],
        "Attempting to store more than 38 significant digits in a Number"
    );

    // Over the request size limit: refused.
    let huge = vec![b' '; 17 << 20];
    let r = dynamo(ep, "PutItem", &huge);
    assert_eq!(r.status, 413);

    assert_alive(&server);
}

#[test]
fn concurrent_clients() {
    let server = Server::start();
    assert_eq!(
        dynamo(&server.endpoint, "CreateTable", TABLE.as_bytes()).status,
        200
    );
    let handles: Vec<_> = (0..8)
        .map(|t| {
            let ep = server.endpoint.clone();
            std::thread::spawn(move || {
                for i in 0..50 {
                    let body =
                        format!(r#"{{"TableName": "raw", "Item": {{"id": {{"S": "{t}-{i}"}}}}}}"#);
                    assert_eq!(dynamo(&ep, "PutItem", body.as_bytes()).status, 200);
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let r = dynamo(
        &server.endpoint,
        "DescribeTable",
        br#"{"TableName": "raw"}"#,
    );
    assert_eq!(r.json()["Table"]["ItemCount"], 400);
}
