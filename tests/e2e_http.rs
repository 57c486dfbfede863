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
        // JSON that does not parse gets the bare type, whatever the operation.
        assert_eq!(
            r.json(),
            json!({"__type": "com.amazon.coral.service#SerializationException"})
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

/// Reads one HTTP/1.1 response (Content-Length framed) from a keep-alive connection.
fn read_response(r: &mut impl std::io::BufRead) -> (u16, Vec<u8>) {
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    let status = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    let mut len = 0;
    loop {
        line.clear();
        r.read_line(&mut line).unwrap();
        if line.trim_end().is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                len = v.trim().parse().unwrap();
            }
        }
    }
    let mut body = vec![0; len];
    r.read_exact(&mut body).unwrap();
    (status, body)
}

const HEAD: &str = "Host: x\r\nContent-Type: application/x-amz-json-1.0\r\nAuthorization: AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0\r\n";

#[test]
fn chunked_bodies_on_one_keep_alive_connection() {
    use std::io::Write;
    let server = Server::start();
    let (mut w, mut r) = connect(&server);
    let mut send_chunked = |target: &str, chunks: &[&[u8]]| {
        let mut req = format!(
            "POST / HTTP/1.1\r\n{HEAD}X-Amz-Target: DynamoDB_20120810.{target}\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        .into_bytes();
        for c in chunks {
            req.extend_from_slice(format!("{:x}\r\n", c.len()).as_bytes());
            req.extend_from_slice(c);
            req.extend_from_slice(b"\r\n");
        }
        req.extend_from_slice(b"0\r\n\r\n");
        w.write_all(&req).unwrap();
    };
    send_chunked(
        "CreateTable",
        &[&TABLE.as_bytes()[..20], &TABLE.as_bytes()[20..]],
    );
    assert_eq!(read_response(&mut r).0, 200);
    send_chunked(
        "PutItem",
        &[
            br#"{"TableName": "raw", "#,
            br#""Item": {"id": {"S": "c"}}}"#,
        ],
    );
    assert_eq!(read_response(&mut r).0, 200);
    send_chunked(
        "GetItem",
        &[br#"{"TableName": "raw", "Key": {"id": {"S": "c"}}}"#],
    );
    let (status, body) = read_response(&mut r);
    assert_eq!(status, 200);
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v, json!({"Item": {"id": {"S": "c"}}}));

    // Over the limit without a Content-Length: cut off at 16 MiB, not buffered whole.
    let (mut w, mut r) = connect(&server);
    let head = format!(
        "POST / HTTP/1.1\r\n{HEAD}X-Amz-Target: DynamoDB_20120810.PutItem\r\nTransfer-Encoding: chunked\r\n\r\n"
    );
    w.write_all(head.as_bytes()).unwrap();
    let chunk = [b' '; 1 << 20];
    for _ in 0..17 {
        if w.write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
            .is_err()
            || w.write_all(&chunk).is_err()
            || w.write_all(b"\r\n").is_err()
        {
            break;
        }
    }
    assert_eq!(read_response(&mut r).0, 413);
    assert_alive(&server);
}

/// A connection to the server with a read timeout, so a missing answer fails the test.
fn connect(server: &Server) -> (std::net::TcpStream, std::io::BufReader<std::net::TcpStream>) {
    let addr = server.endpoint.trim_start_matches("http://");
    let stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(20)))
        .unwrap();
    (stream.try_clone().unwrap(), std::io::BufReader::new(stream))
}

const EXIT_LIMIT: std::time::Duration = std::time::Duration::from_secs(20);

#[test]
fn shutdown_closes_idle_keep_alive_connections() {
    use std::io::Write;
    let mut server = Server::start();
    let (mut w, mut r) = connect(&server);
    let req = format!(
        "POST / HTTP/1.1\r\n{HEAD}X-Amz-Target: DynamoDB_20120810.ListTables\r\nContent-Length: 2\r\n\r\n{{}}"
    );
    w.write_all(req.as_bytes()).unwrap();
    assert_eq!(read_response(&mut r).0, 200);
    // The connection stays open and idle: SIGTERM must still end the server at once.
    let started = std::time::Instant::now();
    server.signal("TERM");
    let status = server.exit_within(EXIT_LIMIT).expect("the server exits");
    assert!(status.success());
    assert!(started.elapsed() < std::time::Duration::from_secs(3));
    let mut rest = Vec::new();
    let _ = std::io::Read::read_to_end(&mut r, &mut rest);
    assert!(
        rest.is_empty(),
        "the idle connection is closed without a response"
    );
}

#[test]
fn shutdown_finishes_a_request_in_flight_and_keeps_it() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inflight.db");
    let path = path.to_str().unwrap();
    let mut server = Server::start_with(&["--db-path", path]);
    assert_eq!(
        dynamo(&server.endpoint, "CreateTable", TABLE.as_bytes()).status,
        200
    );
    let body = br#"{"TableName": "raw", "Item": {"id": {"S": "late"}}}"#;
    let (mut w, mut r) = connect(&server);
    let head = format!(
        "POST / HTTP/1.1\r\n{HEAD}X-Amz-Target: DynamoDB_20120810.PutItem\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    w.write_all(head.as_bytes()).unwrap();
    w.write_all(&body[..10]).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(200));
    server.signal("TERM");
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(
        server.exit_within(std::time::Duration::ZERO).is_none(),
        "waits for the request"
    );
    w.write_all(&body[10..]).unwrap();
    assert_eq!(read_response(&mut r).0, 200);
    assert!(server.exit_within(EXIT_LIMIT).expect("exits").success());

    let server = Server::start_with(&["--db-path", path]);
    let r = dynamo(
        &server.endpoint,
        "GetItem",
        br#"{"TableName": "raw", "Key": {"id": {"S": "late"}}}"#,
    );
    assert_eq!(r.json(), json!({"Item": {"id": {"S": "late"}}}));
}

#[test]
fn shutdown_gives_up_on_a_stalled_client() {
    use std::io::Write;
    let mut server = Server::start();
    let (mut w, _r) = connect(&server);
    let head = format!(
        "POST / HTTP/1.1\r\n{HEAD}X-Amz-Target: DynamoDB_20120810.ListTables\r\nContent-Length: 100\r\n\r\n{{"
    );
    w.write_all(head.as_bytes()).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(200));
    let started = std::time::Instant::now();
    server.signal("TERM");
    // The body never completes: the server waits its grace period, then exits anyway.
    let status = server.exit_within(EXIT_LIMIT).expect("the server exits");
    assert!(status.success());
    assert!(started.elapsed() >= std::time::Duration::from_secs(4));
}

/// A build without the `encryption` feature refuses a key with the way to get one, before
/// it opens anything.
#[cfg(not(feature = "encryption"))]
#[test]
fn a_key_needs_an_encryption_build() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.db");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dynoxide"))
        .args(["--port", "0", "--db-path", db.to_str().unwrap()])
        .env(
            "DYNOXIDE_ENCRYPTION_KEY",
            "2dd29ca851e7b56e4697b0e1f08507293d761a05ce4d1b628663f411a8086d99",
        )
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("has no encryption: build one with `cargo install --path . --no-default-features --features encrypted-full` (or --git with the same features)"),
        "{stderr}"
    );
    assert!(!db.exists(), "nothing was created");
}
