//! The HTTP front door: DynamoDB's JSON protocol (`X-Amz-Target`) over hyper's HTTP/1.
//!
//! [`serve`] runs one hyper HTTP/1 connection task per client; every request goes to [`handle`],
//! which checks the protocol and hands the body to [`Database::execute_bytes`]. Errors get
//! DynamoDB's status, `__type` and message. [`router`] wraps the same handler for an axum app.

mod sweeper;

pub use sweeper::Sweeper;

use crate::db::{Database, Operation};
use crate::error::{Error, ErrorCode};
use axum::http::{header, HeaderMap, HeaderValue, Method, Request, Response, StatusCode};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};

/// DynamoDB's largest request body (BatchWriteItem and TransactWriteItems stay below it).
pub const MAX_BODY: usize = 16 * 1024 * 1024;

const TARGET_PREFIX: &str = "DynamoDB_20120810.";
const STREAMS_TARGET_PREFIX: &str = "DynamoDBStreams_20120810.";

/// The handler as an axum router, for mounting Dynoxide inside another axum application.
pub fn router(db: Database) -> axum::Router {
    let route = axum::routing::any(
        |axum::extract::State(db): axum::extract::State<Database>, req: axum::extract::Request| async move {
            // The host application's runtime threads never wait on SQLite.
            handle_in(&db, req, Offload::Always).await
        },
    );
    axum::Router::new()
        .route("/", route.clone())
        .fallback(route)
        // The body limit is enforced in `handle` with DynamoDB's answer.
        .layer(axum::extract::DefaultBodyLimit::disable())
        .with_state(db)
}

/// How long shutdown waits for busy connections (e.g. a client that stopped mid-body).
pub const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(5);

/// Serves on a bound listener until `shutdown` completes, then checkpoints the database.
///
/// Connections are plain hyper HTTP/1 (no protocol sniffing, no router, no timers): measured,
/// that is the cheapest path per request. On shutdown, idle connections close at once and busy
/// ones get [`SHUTDOWN_GRACE`] to finish their request. A file database's write already running
/// on a blocking thread may commit after this returns (durably, to the WAL); checkpoint again
/// once the runtime is shut down, as the `dynoxide` binary does.
pub async fn serve(
    listener: tokio::net::TcpListener,
    db: Database,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let (stop, stopped) = tokio::sync::watch::channel(());
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let (db, mut stopped) = (db.clone(), stopped.clone());
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| {
                let db = db.clone();
                async move { Ok::<_, std::convert::Infallible>(handle(&db, req).await) }
            });
            let conn = hyper::server::conn::http1::Builder::new()
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
            let mut conn = std::pin::pin!(conn);
            let result = tokio::select! {
                r = conn.as_mut() => r,
                _ = stopped.changed() => {
                    conn.as_mut().graceful_shutdown();
                    conn.await
                }
            };
            if let Err(e) = result {
                tracing::debug!("connection ended: {e}");
            }
            // `stopped` drops here: `serve` waits for every connection's receiver.
        });
    }
    drop(listener);
    let _ = stop.send(());
    drop(stopped);
    if tokio::time::timeout(SHUTDOWN_GRACE, stop.closed())
        .await
        .is_err()
    {
        tracing::warn!(
            "{} connection(s) still busy after {:?}; closing them",
            stop.receiver_count(),
            SHUTDOWN_GRACE
        );
    }
    // A write already handed to a blocking thread still commits (to the WAL, durably); the
    // caller checkpoints again once the runtime has finished those threads. A checkpoint a
    // reader kept from finishing loses nothing (the WAL is durable): a warning, not a failure.
    if let Err(e) = db.checkpoint() {
        tracing::warn!("checkpoint at shutdown: {}", e.message());
    }
    Ok(())
}

/// Which engine calls leave the async worker for a blocking thread.
#[derive(Clone, Copy, PartialEq)]
enum Offload {
    /// Writes of a file database, so that reads keep being served meanwhile ([`serve`]: its
    /// in-memory calls take microseconds, less than a thread hop).
    FileWrites,
    /// Every call ([`router`]: the host application's runtime must not block).
    Always,
}

/// Answers one request.
///
/// Checks run in DynamoDB's order: size, CORS / health, method and content type, JSON syntax,
/// target, authentication, empty body, then the operation's own validation.
pub async fn handle<B>(db: &Database, req: Request<B>) -> Response<Full<Bytes>>
where
    B: http_body::Body<Data = Bytes>,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    handle_in(db, req, Offload::FileWrites).await
}

async fn handle_in<B>(db: &Database, req: Request<B>, offload: Offload) -> Response<Full<Bytes>>
where
    B: http_body::Body<Data = Bytes>,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let (parts, body) = req.into_parts();
    let headers = &parts.headers;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY as u64) {
        return too_large();
    }
    if parts.method == Method::OPTIONS && headers.contains_key(header::ORIGIN) {
        return cors_preflight(headers);
    }
    if parts.method == Method::GET {
        return health();
    }
    let Some(json_type) = content_type(headers) else {
        return not_found();
    };
    if parts.method != Method::POST {
        return not_found();
    }
    let body = match read_body(body).await {
        Ok(body) => body,
        Err(BodyError::TooLarge) => return too_large(),
        Err(BodyError::Unreadable(e)) => {
            // Malformed chunked framing, or a client that went away mid-body.
            tracing::debug!("request body unreadable: {e}");
            let e = Error::new(ErrorCode::SerializationException, "");
            return error_response(&e, json_type);
        }
    };
    // ARNs name the region the request was signed for.
    let scoped;
    let db = match credential_region(headers) {
        Some(region) if region != db.region() => {
            scoped = db.with_region(region);
            &scoped
        }
        _ => db,
    };
    // DescribeEndpoints names this server as the client reached it: the request's authority
    // (HTTP/2 through `router`), else its Host header; neither leaves `localhost`.
    let reached;
    let checked = check(headers, &body);
    let authority = parts.uri.authority().map(|a| a.as_str()).or_else(|| {
        headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .map(str::trim)
    });
    let db = match (&checked, authority) {
        (Ok(Operation::DescribeEndpoints), Some(host)) if !host.is_empty() => {
            reached = db.with_endpoint(host);
            &reached
        }
        _ => db,
    };
    let result = match checked {
        // A file database reads on its own connections: a write runs on a blocking thread so
        // that reads keep being served meanwhile.
        Ok(op)
            if offload == Offload::Always || (db.reads_in_parallel() && !op.is_parallel_read()) =>
        {
            let (db, body) = (db.clone(), body.clone());
            tokio::task::spawn_blocking(move || execute(&db, op, &body))
                .await
                .unwrap_or_else(|e| Err(Error::internal(format!("request task failed: {e}"))))
        }
        Ok(op) => execute(db, op, &body),
        Err(e) => Err(e),
    };
    let mut response = match result {
        Ok(bytes) => respond(StatusCode::OK, json_type, bytes.into()),
        Err(e) => {
            tracing::debug!(
                code = e.code().as_str(),
                message = e.message(),
                "request failed"
            );
            error_response(&e, json_type)
        }
    };
    if headers.contains_key(header::ORIGIN) {
        // Browsers need these to read the answer.
        let h = response.headers_mut();
        h.insert("access-control-allow-origin", HeaderValue::from_static("*"));
        h.insert(
            "access-control-expose-headers",
            HeaderValue::from_static("x-amzn-RequestId,x-amzn-ErrorType,x-amz-crc32,Date"),
        );
    }
    response
}

enum BodyError {
    TooLarge,
    Unreadable(Box<dyn std::error::Error + Send + Sync>),
}

/// Reads a request body of at most [`MAX_BODY`] bytes into one buffer.
///
/// A body over the limit is refused as soon as it crosses it, and chunks are copied into one
/// buffer as they come (keeping each chunk would let 1-byte chunks cost far more than 16 MiB).
async fn read_body<B>(body: B) -> Result<Bytes, BodyError>
where
    B: http_body::Body<Data = Bytes>,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let mut body = std::pin::pin!(body);
    let mut first: Option<Bytes> = None;
    let mut joined: Vec<u8> = Vec::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| BodyError::Unreadable(e.into()))?;
        let Ok(data) = frame.into_data() else {
            continue; // trailers
        };
        let so_far = first.as_ref().map_or(0, Bytes::len) + joined.len();
        if so_far + data.len() > MAX_BODY {
            return Err(BodyError::TooLarge);
        }
        // The usual single chunk is kept as it is, without a copy.
        match first.take() {
            None if joined.is_empty() => first = Some(data),
            None => joined.extend_from_slice(&data),
            Some(f) => {
                joined.reserve(f.len() + data.len());
                joined.extend_from_slice(&f);
                joined.extend_from_slice(&data);
            }
        }
    }
    Ok(first.unwrap_or_else(|| joined.into()))
}

/// The region of a SigV4 Authorization header's credential scope
/// (`Credential=KEY/DATE/REGION/SERVICE/aws4_request`).
fn credential_region(headers: &HeaderMap) -> Option<&str> {
    let auth = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (_, rest) = auth.split_once("Credential=")?;
    let credential = rest.split([',', ' ']).next()?;
    credential.split('/').nth(2)
}

/// The protocol checks before an operation runs; the operation's name when they pass.
fn check(headers: &HeaderMap, body: &[u8]) -> Result<Operation, Error> {
    let target = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    // One port serves both services; each prefix names its own service's operations only.
    let operation = match target.strip_prefix(TARGET_PREFIX) {
        Some(name) => Operation::from_name(name).filter(|op| !op.is_streams()),
        None => target
            .strip_prefix(STREAMS_TARGET_PREFIX)
            .and_then(Operation::from_name)
            .filter(|op| op.is_streams()),
    };
    let authenticated = headers.contains_key(header::AUTHORIZATION);
    if operation.is_none() || !authenticated {
        // Bad JSON is reported before a bad target or missing credentials.
        if !body.is_empty() && serde_json::from_slice::<serde::de::IgnoredAny>(body).is_err() {
            return Err(Error::new(ErrorCode::SerializationException, ""));
        }
    }
    let operation =
        operation.ok_or_else(|| Error::new(ErrorCode::UnknownOperationException, ""))?;
    if !authenticated {
        return Err(Error::new(
            ErrorCode::MissingAuthenticationTokenException,
            "Request is missing Authentication Token",
        ));
    }
    if body.is_empty() {
        return Err(Error::new(ErrorCode::SerializationException, ""));
    }
    Ok(operation)
}

fn execute(db: &Database, operation: Operation, body: &[u8]) -> Result<Vec<u8>, Error> {
    let started = std::time::Instant::now();
    let out = db.run_bytes(operation, body);
    tracing::debug!(
        operation = operation.name(),
        micros = started.elapsed().as_micros() as u64,
        ok = out.is_ok(),
        "request"
    );
    out
}

/// The JSON content type to answer with, or None for a type DynamoDB refuses.
fn content_type(headers: &HeaderMap) -> Option<&'static str> {
    let t = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let t = t.split(';').next().unwrap_or("").trim();
    match t {
        "application/x-amz-json-1.0" => Some("application/x-amz-json-1.0"),
        "application/x-amz-json-1.1" => Some("application/x-amz-json-1.1"),
        "application/json" => Some("application/json"),
        _ => None,
    }
}

fn health() -> Response<Full<Bytes>> {
    plain(
        StatusCode::OK,
        "text/plain",
        "healthy: dynamodb.us-east-1.amazonaws.com ",
    )
}

fn not_found() -> Response<Full<Bytes>> {
    plain(
        StatusCode::NOT_FOUND,
        "text/xml",
        "<UnknownOperationException/>\n",
    )
}

fn too_large() -> Response<Full<Bytes>> {
    plain(StatusCode::PAYLOAD_TOO_LARGE, "text/plain", "")
}

fn plain(
    status: StatusCode,
    content_type: &'static str,
    body: &'static str,
) -> Response<Full<Bytes>> {
    respond(status, content_type, Bytes::from_static(body.as_bytes()))
}

fn cors_preflight(req: &HeaderMap) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::new()));
    let headers = response.headers_mut();
    headers.insert("access-control-allow-origin", HeaderValue::from_static("*"));
    headers.insert("access-control-max-age", HeaderValue::from_static("172800"));
    for (from, to) in [
        (
            "access-control-request-headers",
            "access-control-allow-headers",
        ),
        (
            "access-control-request-method",
            "access-control-allow-methods",
        ),
    ] {
        if let Some(v) = req.get(from) {
            headers.insert(to, v.clone());
        }
    }
    add_common(headers, b"");
    response
}

/// HTTP status DynamoDB uses for an error code.
pub fn status_of(code: ErrorCode) -> StatusCode {
    match code {
        ErrorCode::InternalServerError => StatusCode::INTERNAL_SERVER_ERROR,
        ErrorCode::RequestEntityTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        _ => StatusCode::BAD_REQUEST,
    }
}

fn error_response(e: &Error, json_type: &'static str) -> Response<Full<Bytes>> {
    let bytes = serde_json::to_vec(&e.to_json()).unwrap_or_default();
    respond(status_of(e.code()), json_type, bytes.into())
}

fn respond(status: StatusCode, content_type: &'static str, body: Bytes) -> Response<Full<Bytes>> {
    let mut headers = HeaderMap::with_capacity(4);
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    add_common(&mut headers, &body);
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    response
}

fn add_common(headers: &mut HeaderMap, body: &[u8]) {
    let crc = crc32fast::hash(body);
    headers.insert("x-amz-crc32", HeaderValue::from(crc));
    if let Ok(id) = HeaderValue::from_bytes(&request_id()) {
        headers.insert("x-amzn-requestid", id);
    }
}

/// A request id shaped like DynamoDB's: 52 characters of [A-Z0-9].
fn request_id() -> [u8; 52] {
    static STATE: AtomicU64 = AtomicU64::new(0);
    let mut x = STATE.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed)
        ^ std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1);
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    std::array::from_fn(|_| {
        // xorshift64*
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        let r = x.wrapping_mul(0x2545_F491_4F6C_DD1D);
        ALPHABET[(r >> 32) as usize % ALPHABET.len()]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(target: &str, body: &'static str) -> Request<Full<Bytes>> {
        Request::post("/")
            .header("content-type", "application/x-amz-json-1.0")
            .header("x-amz-target", target)
            .header("authorization", "AWS4-HMAC-SHA256 Credential=AKID/x")
            .body(Full::new(Bytes::from_static(body.as_bytes())))
            .unwrap()
    }

    async fn body_of(r: Response<Full<Bytes>>) -> serde_json::Value {
        let bytes = r.into_body().collect().await.unwrap().to_bytes();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[tokio::test]
    async fn handle_answers_operations_and_protocol_errors() {
        let db = Database::memory().unwrap();
        let r = handle(&db, post("DynamoDB_20120810.ListTables", "{}")).await;
        assert_eq!(r.status(), StatusCode::OK);
        let crc: u32 = r.headers()["x-amz-crc32"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(r.headers()["x-amzn-requestid"].len(), 52);
        let bytes = r.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(crc, crc32fast::hash(&bytes));
        assert_eq!(&bytes[..], br#"{"TableNames":[]}"#);

        // Bad JSON is reported before an unknown target.
        let r = handle(&db, post("DynamoDB_20120810.Nope", "{")).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            body_of(r).await["__type"],
            "com.amazon.coral.service#SerializationException"
        );
        let r = handle(&db, post("DynamoDB_20120810.Nope", "{}")).await;
        assert_eq!(
            body_of(r).await["__type"],
            "com.amazon.coral.service#UnknownOperationException"
        );
    }

    #[tokio::test]
    async fn each_target_prefix_names_its_own_services_operations() {
        let db = Database::memory().unwrap();
        let r = handle(&db, post("DynamoDBStreams_20120810.ListStreams", "{}")).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(body_of(r).await, serde_json::json!({"Streams": []}));
        for target in [
            "DynamoDB_20120810.ListStreams",
            "DynamoDBStreams_20120810.ListTables",
        ] {
            let r = handle(&db, post(target, "{}")).await;
            assert_eq!(
                body_of(r).await["__type"],
                "com.amazon.coral.service#UnknownOperationException",
                "{target}"
            );
        }
    }

    /// A streamed body: `left` copies of `chunk`, then `tail`, then an error if `fail`.
    struct Chunks {
        chunk: Bytes,
        left: usize,
        tail: Vec<&'static str>,
        fail: bool,
    }

    impl http_body::Body for Chunks {
        type Data = Bytes;
        type Error = std::io::Error;
        fn poll_frame(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, std::io::Error>>> {
            let data = |b: Bytes| Some(Ok(http_body::Frame::data(b)));
            std::task::Poll::Ready(if self.left > 0 {
                self.left -= 1;
                data(self.chunk.clone())
            } else if !self.tail.is_empty() {
                data(Bytes::from_static(self.tail.remove(0).as_bytes()))
            } else if self.fail {
                self.fail = false;
                Some(Err(std::io::Error::other("connection reset")))
            } else {
                None
            })
        }
    }

    fn streamed(
        chunk: &'static str,
        left: usize,
        tail: &[&'static str],
        fail: bool,
    ) -> Request<Chunks> {
        let body = Chunks {
            chunk: Bytes::from_static(chunk.as_bytes()),
            left,
            tail: tail.to_vec(),
            fail,
        };
        let (parts, _) = post("DynamoDB_20120810.ListTables", "").into_parts();
        Request::from_parts(parts, body)
    }

    #[tokio::test]
    async fn streamed_bodies_are_joined_limited_and_errors_reported() {
        let db = Database::memory().unwrap();
        // 1-byte chunks of JSON whitespace, then `{` and `}`: read as one body.
        let r = handle(&db, streamed(" ", 1000, &["{", "}"], false)).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(body_of(r).await, serde_json::json!({"TableNames": []}));

        // Over 16 MiB without a Content-Length: refused once the limit is crossed.
        let r = handle(&db, streamed("          ", MAX_BODY / 10 + 1, &[], false)).await;
        assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
        // Exactly at the limit is read (and is then whitespace, not JSON).
        let r = handle(&db, streamed("                ", MAX_BODY / 16, &[], false)).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            body_of(r).await["__type"],
            "com.amazon.coral.service#SerializationException"
        );

        // A body that breaks off mid-stream.
        let r = handle(&db, streamed("          ", 100, &[], true)).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            body_of(r).await["__type"],
            "com.amazon.coral.service#SerializationException"
        );
    }

    /// ListTables sent over a fresh TCP connection (blocking); the whole HTTP answer.
    fn list_tables_over_tcp(addr: std::net::SocketAddr) -> String {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        s.write_all(
            b"POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\
              Content-Type: application/x-amz-json-1.0\r\n\
              X-Amz-Target: DynamoDB_20120810.ListTables\r\n\
              Authorization: AWS4 x\r\nContent-Length: 2\r\n\r\n{}",
        )
        .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        out
    }

    #[tokio::test]
    async fn router_serves_the_same_handler_in_an_axum_app() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = router(Database::memory().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        let response = tokio::task::spawn_blocking(move || list_tables_over_tcp(addr))
            .await
            .unwrap();
        assert!(response.starts_with("HTTP/1.1 200 OK"), "{response}");
        assert!(response.ends_with(r#"{"TableNames":[]}"#), "{response}");
    }

    #[tokio::test]
    async fn arns_carry_the_region_of_the_credential_scope() {
        let db = Database::memory().unwrap();
        let create = |name: &str, region: &str| {
            let body = format!(
                r#"{{"TableName": "{name}", "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{{"AttributeName": "pk", "AttributeType": "S"}}],
                "KeySchema": [{{"AttributeName": "pk", "KeyType": "HASH"}}]}}"#
            );
            Request::post("/")
                .header("content-type", "application/x-amz-json-1.0")
                .header("x-amz-target", "DynamoDB_20120810.CreateTable")
                .header(
                    "authorization",
                    format!(
                        "AWS4-HMAC-SHA256 Credential=AKID/20261204/{region}/dynamodb/aws4_request, \
                         SignedHeaders=host, Signature=0"
                    ),
                )
                .body(Full::new(Bytes::from(body)))
                .unwrap()
        };
        let r = handle(&db, create("west", "eu-west-2")).await;
        assert_eq!(
            body_of(r).await["TableDescription"]["TableArn"],
            "arn:aws:dynamodb:eu-west-2:000000000000:table/west"
        );
        // No credential scope, or one that is not a region's shape: the default region.
        let r = handle(
            &db,
            post(
                "DynamoDB_20120810.DescribeTable",
                r#"{"TableName": "west"}"#,
            ),
        );
        assert_eq!(
            body_of(r.await).await["Table"]["TableArn"],
            "arn:aws:dynamodb:eu-west-2:000000000000:table/west"
        );
        let r = handle(&db, create("odd", "Not/A Region")).await;
        assert_eq!(
            body_of(r).await["TableDescription"]["TableArn"],
            "arn:aws:dynamodb:us-east-1:000000000000:table/odd"
        );
    }

    #[tokio::test]
    async fn router_keeps_engine_calls_off_the_async_worker() {
        // One runtime thread: if a handler blocked it on SQLite, nothing else would run.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let db = Database::memory().unwrap();
        let app = router(db.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        // The writer is held for 2 s, as a long write would hold it.
        let (held_tx, held_rx) = std::sync::mpsc::channel();
        let holder = std::thread::spawn(move || {
            let writer = db.engine().lock();
            held_tx.send(()).unwrap();
            std::thread::sleep(std::time::Duration::from_secs(2));
            drop(writer);
        });
        held_rx.recv().unwrap();
        let client = std::thread::spawn(move || list_tables_over_tcp(addr));
        let started = std::time::Instant::now();
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let waited = started.elapsed();
        assert!(
            waited < std::time::Duration::from_millis(1500),
            "the runtime thread was blocked for {waited:?}"
        );
        let response = tokio::task::spawn_blocking(move || client.join().unwrap())
            .await
            .unwrap();
        holder.join().unwrap();
        assert!(response.ends_with(r#"{"TableNames":[]}"#), "{response}");
    }
}
