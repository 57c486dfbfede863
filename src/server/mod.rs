//! The HTTP front door: DynamoDB's JSON protocol (`X-Amz-Target`) over axum.
//!
//! One POST route; every request goes to [`Database::execute_bytes`], which parses the body
//! straight into the typed request. Errors get DynamoDB's status, `__type` and message.

use crate::db::Database;
use crate::error::{Error, ErrorCode};
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};

/// DynamoDB's largest request body (BatchWriteItem and TransactWriteItems stay below it).
pub const MAX_BODY: usize = 16 * 1024 * 1024;

const TARGET_PREFIX: &str = "DynamoDB_20120810.";

/// The router, ready to serve.
pub fn router(db: Database) -> Router {
    Router::new()
        .route("/", any(handle))
        .fallback(any(handle))
        // The body limit is enforced in `handle` with DynamoDB's answer.
        .layer(DefaultBodyLimit::disable())
        .with_state(db)
}

/// Serves on a bound listener until `shutdown` completes, then checkpoints the database.
pub async fn serve(
    listener: tokio::net::TcpListener,
    db: Database,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(db.clone()))
        .with_graceful_shutdown(shutdown)
        .await?;
    db.checkpoint().map_err(std::io::Error::other)
}

// Checks run in DynamoDB's order: size, CORS / health, method and content type, JSON syntax,
// target, authentication, empty body, then the operation's own validation.
async fn handle(State(db): State<Database>, req: Request) -> Response {
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
    let Ok(body) = axum::body::to_bytes(body, MAX_BODY).await else {
        return too_large();
    };
    let result = match check(headers, &body) {
        // A file database reads on its own connections: a write runs on a blocking thread so
        // that reads keep being served meanwhile.
        Ok(op) if db.reads_in_parallel() && !Database::is_parallel_read(op) => {
            let (db, body) = (db.clone(), body.clone());
            tokio::task::spawn_blocking(move || execute(&db, op, &body))
                .await
                .unwrap_or_else(|e| Err(Error::internal(format!("request task failed: {e}"))))
        }
        Ok(op) => execute(&db, op, &body),
        Err(e) => Err(e),
    };
    let mut response = match result {
        Ok(bytes) => respond(StatusCode::OK, json_type, bytes),
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

/// The protocol checks before an operation runs; the operation's name when they pass.
fn check(headers: &HeaderMap, body: &[u8]) -> Result<&'static str, Error> {
    let target = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let operation = target.strip_prefix(TARGET_PREFIX).and_then(|op| {
        Database::operations()
            .iter()
            .copied()
            .find(|known| *known == op)
    });
    let authenticated = headers.contains_key(header::AUTHORIZATION);
    if operation.is_none() || !authenticated {
        // Bad JSON is reported before a bad target or missing credentials.
        if !body.is_empty() && serde_json::from_slice::<serde::de::IgnoredAny>(body).is_err() {
            return Err(Error::new(ErrorCode::SerializationException, ""));
        }
    }
    // DynamoDBStreams_20120810.* is reserved for Streams, which is not served yet.
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

fn execute(db: &Database, operation: &str, body: &[u8]) -> Result<Vec<u8>, Error> {
    let started = std::time::Instant::now();
    let out = db.execute_bytes(operation, body);
    tracing::debug!(
        operation,
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

fn health() -> Response {
    plain(
        StatusCode::OK,
        "text/plain",
        "healthy: dynamodb.us-east-1.amazonaws.com ",
    )
}

fn not_found() -> Response {
    plain(
        StatusCode::NOT_FOUND,
        "text/xml",
        "<UnknownOperationException/>\n",
    )
}

fn too_large() -> Response {
    plain(StatusCode::PAYLOAD_TOO_LARGE, "text/plain", "")
}

fn plain(status: StatusCode, content_type: &'static str, body: &'static str) -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    add_common(&mut headers, body.as_bytes());
    (status, headers, body).into_response()
}

fn cors_preflight(req: &HeaderMap) -> Response {
    let mut headers = HeaderMap::new();
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
    add_common(&mut headers, b"");
    (StatusCode::OK, headers).into_response()
}

/// HTTP status DynamoDB uses for an error code.
pub fn status_of(code: ErrorCode) -> StatusCode {
    match code {
        ErrorCode::InternalServerError => StatusCode::INTERNAL_SERVER_ERROR,
        ErrorCode::RequestEntityTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        _ => StatusCode::BAD_REQUEST,
    }
}

fn error_response(e: &Error, json_type: &'static str) -> Response {
    let bytes = serde_json::to_vec(&e.to_json()).unwrap_or_default();
    respond(status_of(e.code()), json_type, bytes)
}

fn respond(status: StatusCode, json_type: &'static str, bytes: Vec<u8>) -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(json_type));
    add_common(&mut headers, &bytes);
    (status, headers, bytes).into_response()
}

fn add_common(headers: &mut HeaderMap, body: &[u8]) {
    let crc = crc32fast::hash(body);
    headers.insert("x-amz-crc32", HeaderValue::from(crc));
    if let Ok(id) = HeaderValue::from_str(&request_id()) {
        headers.insert("x-amzn-requestid", id);
    }
}

/// A request id shaped like DynamoDB's: 52 characters of [A-Z0-9].
fn request_id() -> String {
    static STATE: AtomicU64 = AtomicU64::new(0);
    let mut x = STATE.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed)
        ^ std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1);
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    (0..52)
        .map(|_| {
            // xorshift64*
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            let r = x.wrapping_mul(0x2545_F491_4F6C_DD1D);
            char::from(ALPHABET[(r >> 32) as usize % ALPHABET.len()])
        })
        .collect()
}
