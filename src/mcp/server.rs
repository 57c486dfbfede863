//! The protocol side of `dynoxide mcp` (rmcp): the tools as MCP tools, results and tool
//! errors, stdio with a guard for messages before `initialize`, and Streamable HTTP at `/mcp`
//! behind a bearer token and a Host/Origin allow-list.

use super::{Mcp, Outcome};
use axum::extract::Request;
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    JsonObject, ListToolsResult, PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
    ToolAnnotations,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler, ServiceExt};
use serde_json::{json, Value};
use std::sync::Arc;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt};

/// The MCP server handler over an [`Mcp`].
#[derive(Clone)]
pub struct Handler {
    mcp: Mcp,
    tools: Arc<Vec<Tool>>,
}

impl Handler {
    /// The handler; the tools listed follow the rails (read-only hides writes).
    pub fn new(mcp: Mcp) -> Handler {
        let tools = mcp
            .tools()
            .map(|t| {
                let read = t.effect == super::tools::Effect::Read;
                Tool::new(t.name, t.description, Arc::new(t.input_schema())).with_annotations(
                    ToolAnnotations::new()
                        .read_only(read)
                        .destructive(matches!(
                            t.effect,
                            super::tools::Effect::Destructive | super::tools::Effect::Statement
                        ))
                        .idempotent(read)
                        .open_world(false),
                )
            })
            .collect();
        Handler {
            mcp,
            tools: Arc::new(tools),
        }
    }
}

/// A tool's answer as MCP content: the JSON as structured content and text, the note as
/// a second text block; a failure as a tool error (`isError`) with DynamoDB's type.
fn result(outcome: Outcome) -> CallToolResult {
    match outcome {
        Outcome::Done { value, note } => {
            let value = match value {
                Value::Object(_) => value,
                other => json!({"Result": other}),
            };
            let mut r = CallToolResult::structured(value);
            if let Some(note) = note {
                r.content.push(ContentBlock::text(note));
            }
            r
        }
        Outcome::Failed { kind, message } => {
            let mut r =
                CallToolResult::error(vec![ContentBlock::text(format!("{kind}: {message}"))]);
            r.structured_content = Some(json!({"__type": kind, "message": message}));
            r
        }
    }
}

impl ServerHandler for Handler {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("dynoxide", env!("CARGO_PKG_VERSION")))
            .with_instructions(self.mcp.instructions())
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(self.tools.as_ref().clone()))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.tools.iter().find(|t| t.name == name).cloned()
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let name = request.name.to_string();
        let args: JsonObject = request.arguments.unwrap_or_default();
        let mcp = self.mcp.clone();
        // Engine calls are synchronous: off the async workers.
        let outcome = tokio::task::spawn_blocking(move || mcp.call(&name, &args))
            .await
            .map_err(|e| ErrorData::internal_error(format!("tool task failed: {e}"), None))?;
        match outcome {
            Some(o) => Ok(result(o).into()),
            None => Err(ErrorData::invalid_params(
                format!("unknown tool: {}", request.name),
                None,
            )),
        }
    }
}

/// Serves MCP on stdin/stdout until the client closes stdin.
///
/// Before `initialize`, a request for any other method is answered "method not found" and a
/// notification is dropped, so that a client probing first finds the session still there
/// (rmcp itself would end the session on an early notification).
pub async fn serve_stdio(handler: Handler) -> std::io::Result<()> {
    let (ours, theirs) = tokio::io::duplex(1 << 16);
    let (their_read, their_write) = tokio::io::split(theirs);
    let (mut our_read, mut our_write) = tokio::io::split(ours);
    let (out_tx, mut out_rx) = tokio::sync::mpsc::unbounded_channel::<Vec<u8>>();

    // One writer to stdout, so that lines never interleave.
    let writer = tokio::spawn(async move {
        let mut stdout = tokio::io::stdout();
        while let Some(line) = out_rx.recv().await {
            if stdout.write_all(&line).await.is_err() || stdout.flush().await.is_err() {
                break;
            }
        }
    });
    // Set once rmcp has answered initialize: the guard on early messages is lifted then.
    let ready = Arc::new(std::sync::atomic::AtomicBool::new(false));
    // rmcp's output -> stdout.
    let from_rmcp = {
        let (out_tx, ready) = (out_tx.clone(), Arc::clone(&ready));
        tokio::spawn(async move {
            let mut lines = tokio::io::BufReader::new(&mut our_read).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                if !ready.load(std::sync::atomic::Ordering::SeqCst) && is_initialize_result(&line) {
                    ready.store(true, std::sync::atomic::Ordering::SeqCst);
                }
                let _ = out_tx.send(format!("{line}\n").into_bytes());
            }
        })
    };
    // stdin -> rmcp, guarded until initialize succeeded.
    let to_rmcp = tokio::spawn(async move {
        let mut input = tokio::io::BufReader::new(tokio::io::stdin());
        let mut raw = Vec::new();
        loop {
            raw.clear();
            match input.read_until(b'\n', &mut raw).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
            let line = String::from_utf8_lossy(&raw);
            let line = line.trim_end_matches(['\n', '\r']);
            if line.trim().is_empty() {
                continue;
            }
            // rmcp ignores a line that is not JSON; JSON-RPC answers it with a parse error.
            if std::str::from_utf8(&raw).is_err()
                || serde_json::from_str::<serde::de::IgnoredAny>(line).is_err()
            {
                let _ = out_tx.send(format!("{}\n", parse_error()).into_bytes());
                continue;
            }
            if !ready.load(std::sync::atomic::Ordering::SeqCst) {
                match early_message(line) {
                    Early::Forward => {}
                    Early::Drop => continue,
                    Early::Answer(reply) => {
                        let _ = out_tx.send(format!("{reply}\n").into_bytes());
                        continue;
                    }
                }
            }
            if our_write
                .write_all(format!("{line}\n").as_bytes())
                .await
                .is_err()
            {
                break;
            }
        }
        // EOF: rmcp sees its input close and ends the session.
        let _ = our_write.shutdown().await;
    });
    match handler.serve((their_read, their_write)).await {
        Ok(served) => {
            let _ = served.waiting().await;
        }
        // Input closed (or the client gave up) before a session began: nothing to serve.
        Err(e) => tracing::debug!("no MCP session: {e}"),
    }
    to_rmcp.abort();
    let _ = from_rmcp.await;
    let _ = writer.await;
    Ok(())
}

/// True for rmcp's successful answer to `initialize`.
fn is_initialize_result(line: &str) -> bool {
    serde_json::from_str::<Value>(line).is_ok_and(|m| {
        m.get("result")
            .and_then(|r| r.get("protocolVersion"))
            .is_some()
    })
}

/// JSON-RPC's answer to a line that is not JSON.
fn parse_error() -> Value {
    json!({"jsonrpc": "2.0", "id": null, "error": {"code": -32700, "message": "Parse error"}})
}

/// What to do with a message that arrives before `initialize`.
enum Early {
    /// Pass it to rmcp (`initialize`, `ping`, or something rmcp answers itself).
    Forward,
    /// A notification or response before the session exists: ignored.
    Drop,
    /// A request for another method: answered here.
    Answer(Value),
}

fn early_message(line: &str) -> Early {
    let Ok(msg) = serde_json::from_str::<Value>(line) else {
        // Not JSON: rmcp answers (or ignores) malformed input itself.
        return Early::Forward;
    };
    let method = msg.get("method").and_then(Value::as_str);
    let id = msg.get("id").filter(|id| !id.is_null());
    match (method, id) {
        (Some("initialize" | "ping"), _) => Early::Forward,
        (Some(method), Some(id)) => Early::Answer(json!({
            "jsonrpc": "2.0",
            "id": id,
            "error": {"code": -32601, "message": format!("Method not found: {method} (the session has not been initialized)")},
        })),
        (Some(_), None) => Early::Drop,
        // No method: a response, or not JSON-RPC at all; rmcp answers malformed requests.
        (None, Some(_)) => Early::Drop,
        (None, None) => Early::Forward,
    }
}

/// Who may call the HTTP endpoint.
#[derive(Clone, Debug)]
pub struct HttpAccess {
    /// The bearer token every request must carry (None: `--no-auth`).
    pub token: Option<String>,
    /// Host names (without port) accepted in `Host` and `Origin`.
    pub allowed_hosts: Vec<String>,
}

impl HttpAccess {
    /// The loopback names, which a local server accepts by default.
    pub fn loopback() -> Vec<String> {
        ["localhost", "127.0.0.1", "::1", "[::1]"]
            .map(String::from)
            .to_vec()
    }

    fn host_allowed(&self, host: &str) -> bool {
        let name = strip_port(host);
        self.allowed_hosts
            .iter()
            .any(|h| strip_port(h).eq_ignore_ascii_case(name))
    }

    /// The answer for a request that may not proceed, or None.
    fn refuse(&self, headers: &HeaderMap) -> Option<Response> {
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
        if !host.is_some_and(|h| self.host_allowed(h)) {
            return Some((StatusCode::FORBIDDEN, "Forbidden: Host not allowed\n").into_response());
        }
        if let Some(origin) = headers.get(header::ORIGIN) {
            let ok = origin
                .to_str()
                .ok()
                .and_then(|o| o.split_once("://").map(|(_, rest)| rest))
                .is_some_and(|rest| self.host_allowed(rest.split('/').next().unwrap_or("")));
            if !ok {
                return Some(
                    (StatusCode::FORBIDDEN, "Forbidden: Origin not allowed\n").into_response(),
                );
            }
        }
        if let Some(token) = &self.token {
            let given = headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "));
            if !given.is_some_and(|g| constant_time_eq(g.as_bytes(), token.as_bytes())) {
                return Some(
                    (
                        StatusCode::UNAUTHORIZED,
                        [(header::WWW_AUTHENTICATE, "Bearer")],
                        "Unauthorized: send Authorization: Bearer TOKEN (printed by dynoxide mcp at start, or --token / DYNOXIDE_MCP_TOKEN)\n",
                    )
                        .into_response(),
                );
            }
        }
        None
    }
}

/// `host[:port]` or `[v6]:port` without the port.
fn strip_port(host: &str) -> &str {
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next().unwrap_or("");
    }
    match host.rsplit_once(':') {
        Some((name, port)) if !name.contains(':') && port.bytes().all(|b| b.is_ascii_digit()) => {
            name
        }
        _ => host,
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The Streamable HTTP endpoint at `/mcp`, behind the access checks. Cancel `stop` to end
/// the sessions (for a graceful shutdown).
pub fn http_router(
    handler: Handler,
    access: HttpAccess,
    stop: tokio_util::sync::CancellationToken,
) -> axum::Router {
    use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
    use rmcp::transport::{StreamableHttpServerConfig, StreamableHttpService};
    // Host and Origin are checked by our own layer (with the configured names).
    let config = StreamableHttpServerConfig::default()
        .disable_allowed_hosts()
        .with_sse_keep_alive(Some(std::time::Duration::from_secs(15)))
        .with_cancellation_token(stop);
    let service = StreamableHttpService::new(
        move || Ok(handler.clone()),
        Arc::new(LocalSessionManager::default()),
        config,
    );
    let access = Arc::new(access);
    axum::Router::new()
        .nest_service("/mcp", service)
        .layer(axum::middleware::from_fn(
            move |req: Request, next: Next| {
                let access = Arc::clone(&access);
                async move {
                    match access.refuse(req.headers()) {
                        Some(refusal) => refusal,
                        None => next.run(req).await,
                    }
                }
            },
        ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn early_messages_are_answered_or_dropped() {
        assert!(matches!(
            early_message(r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#),
            Early::Forward
        ));
        assert!(is_initialize_result(
            r#"{"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"2025-06-18"}}"#
        ));
        assert!(!is_initialize_result(
            r#"{"jsonrpc":"2.0","id":1,"error":{"code":-32600,"message":"Invalid request"}}"#
        ));
        let Early::Answer(reply) = early_message(r#"{"jsonrpc":"2.0","id":7,"method":"probe/x"}"#)
        else {
            panic!()
        };
        assert_eq!(reply["id"], json!(7));
        assert_eq!(reply["error"]["code"], json!(-32601));
        assert!(matches!(
            early_message(r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#),
            Early::Drop
        ));
    }

    #[test]
    fn hosts_and_origins_are_checked_without_ports() {
        assert_eq!(strip_port("127.0.0.1:19280"), "127.0.0.1");
        assert_eq!(strip_port("[::1]:80"), "::1");
        assert_eq!(strip_port("localhost"), "localhost");
        let access = HttpAccess {
            token: Some("t0k".into()),
            allowed_hosts: HttpAccess::loopback(),
        };
        let headers = |pairs: &[(&str, &str)]| {
            let mut h = HeaderMap::new();
            for (k, v) in pairs {
                h.insert(
                    axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                    v.parse().unwrap(),
                );
            }
            h
        };
        let status = |pairs: &[(&str, &str)]| access.refuse(&headers(pairs)).map(|r| r.status());
        assert_eq!(
            status(&[("host", "127.0.0.1:1"), ("authorization", "Bearer t0k")]),
            None
        );
        assert_eq!(
            status(&[("host", "evil.example:1"), ("authorization", "Bearer t0k")]),
            Some(StatusCode::FORBIDDEN)
        );
        assert_eq!(
            status(&[
                ("host", "localhost:1"),
                ("origin", "http://evil.example"),
                ("authorization", "Bearer t0k")
            ]),
            Some(StatusCode::FORBIDDEN)
        );
        assert_eq!(
            status(&[
                ("host", "localhost:1"),
                ("origin", "http://localhost:3000"),
                ("authorization", "Bearer t0k")
            ]),
            None
        );
        assert_eq!(
            status(&[("host", "localhost:1"), ("authorization", "Bearer wrong")]),
            Some(StatusCode::UNAUTHORIZED)
        );
    }
}
