//! End to end: `dynoxide mcp` driven by a real MCP client (rmcp's) over stdio and Streamable
//! HTTP: every tool at least once, tool errors, read-only refusals, caps with paging, the
//! token on HTTP, snapshots, and the data model.

use rmcp::model::{CallToolRequestParams, CallToolResult};
use rmcp::service::RunningService;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::transport::{ConfigureCommandExt, StreamableHttpClientTransport, TokioChildProcess};
use rmcp::{RoleClient, ServiceExt};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

type Client = RunningService<RoleClient, ()>;

async fn stdio(args: &[&str]) -> Client {
    let transport = TokioChildProcess::new(
        tokio::process::Command::new(env!("CARGO_BIN_EXE_dynoxide")).configure(|c| {
            c.arg("mcp").args(["--ttl-interval", "0"]).args(args);
        }),
    )
    .unwrap();
    ().serve(transport).await.unwrap()
}

/// Calls a tool; the result and whether it was a tool error.
async fn call(client: &Client, tool: &str, args: Value) -> (Value, bool) {
    let r: CallToolResult = client
        .call_tool(
            CallToolRequestParams::new(tool.to_string())
                .with_arguments(args.as_object().cloned().unwrap()),
        )
        .await
        .unwrap_or_else(|e| panic!("{tool}: {e}"));
    let text: Vec<String> = r
        .content
        .iter()
        .filter_map(|c| c.as_text().map(|t| t.text.clone()))
        .collect();
    let value = r
        .structured_content
        .clone()
        .unwrap_or_else(|| json!({"text": text}));
    let mut value = value;
    if text.len() > 1 {
        value["_notes"] = json!(text[1..].to_vec());
    }
    (value, r.is_error.unwrap_or(false))
}

async fn ok(client: &Client, called: &mut BTreeSet<String>, tool: &str, args: Value) -> Value {
    called.insert(tool.to_string());
    let (v, err) = call(client, tool, args).await;
    assert!(!err, "{tool} failed: {v}");
    v
}

#[tokio::test]
async fn every_tool_over_stdio() {
    let client = stdio(&[]).await;
    let listed: BTreeSet<String> = client
        .list_all_tools()
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.name.to_string())
        .collect();
    assert_eq!(listed.len(), 35, "{listed:?}");
    let info = client.peer_info().unwrap();
    assert!(info
        .instructions
        .as_deref()
        .unwrap_or("")
        .contains("DynamoDB JSON"));
    let mut called = BTreeSet::new();
    let c = &client;
    let seen = &mut called;

    let info = ok(c, seen, "get_database_info", json!({})).await;
    assert_eq!(info["Tables"], json!([]));
    ok(
        c,
        seen,
        "create_table",
        json!({"table_name": "users", "billing_mode": "PAY_PER_REQUEST",
            "attribute_definitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}],
            "key_schema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "stream_specification": {"StreamEnabled": true, "StreamViewType": "NEW_AND_OLD_IMAGES"}}),
    )
    .await;
    let tables = ok(c, seen, "list_tables", json!({})).await;
    assert_eq!(tables["TableNames"], json!(["users"]));
    let d = ok(c, seen, "describe_table", json!({"table_name": "users"})).await;
    let table_arn = d["Table"]["TableArn"].as_str().unwrap().to_string();
    let stream_arn = d["Table"]["LatestStreamArn"].as_str().unwrap().to_string();
    let key = json!({"pk": {"S": "u1"}, "sk": {"N": "1"}});
    ok(
        c,
        seen,
        "put_item",
        json!({"table_name": "users", "item": {"pk": {"S": "u1"}, "sk": {"N": "1"}, "name": {"S": "Ada"}}}),
    )
    .await;
    let got = ok(
        c,
        seen,
        "get_item",
        json!({"table_name": "users", "key": key}),
    )
    .await;
    assert_eq!(got["Item"]["name"], json!({"S": "Ada"}));
    ok(
        c,
        seen,
        "update_item",
        json!({"table_name": "users", "key": key, "update_expression": "SET visits = :one",
            "expression_attribute_values": {":one": {"N": "1"}}, "return_values": "ALL_NEW"}),
    )
    .await;
    ok(
        c,
        seen,
        "delete_item",
        json!({"table_name": "users", "key": key}),
    )
    .await;
    ok(
        c,
        seen,
        "batch_write_item",
        json!({"request_items": {"users": [{"PutRequest": {"Item": {"pk": {"S": "b"}, "sk": {"N": "1"}}}}]}}),
    )
    .await;
    let got = ok(
        c,
        seen,
        "batch_get_item",
        json!({"request_items": {"users": {"Keys": [{"pk": {"S": "b"}, "sk": {"N": "1"}}]}}}),
    )
    .await;
    assert_eq!(got["Responses"]["users"].as_array().unwrap().len(), 1);
    let items: Vec<Value> = (0..60)
        .map(|i| json!({"pk": {"S": "bulk"}, "sk": {"N": i.to_string()}}))
        .collect();
    let bulk = ok(
        c,
        seen,
        "bulk_put_items",
        json!({"table_name": "users", "items": items}),
    )
    .await;
    assert_eq!(bulk["Written"], json!(60));
    let q = ok(
        c,
        seen,
        "query",
        json!({"table_name": "users", "key_condition_expression": "pk = :p",
            "expression_attribute_values": {":p": {"S": "bulk"}}, "select": "COUNT"}),
    )
    .await;
    assert_eq!(q["Count"], json!(60));
    let s = ok(c, seen, "scan", json!({"table_name": "users", "limit": 5})).await;
    assert_eq!(s["Items"].as_array().unwrap().len(), 5);
    ok(
        c,
        seen,
        "transact_write_items",
        json!({"transact_items": [{"Put": {"TableName": "users", "Item": {"pk": {"S": "t"}, "sk": {"N": "1"}}}}]}),
    )
    .await;
    let t = ok(
        c,
        seen,
        "transact_get_items",
        json!({"transact_items": [{"Get": {"TableName": "users", "Key": {"pk": {"S": "t"}, "sk": {"N": "1"}}}}]}),
    )
    .await;
    assert!(t["Responses"][0]["Item"].is_object());
    ok(
        c,
        seen,
        "execute_partiql",
        json!({"statement": "INSERT INTO users VALUE {'pk': 'p', 'sk': 1}"}),
    )
    .await;
    ok(
        c,
        seen,
        "batch_execute_partiql",
        json!({"statements": [{"Statement": "SELECT * FROM users WHERE pk = 'p' AND sk = 1"}]}),
    )
    .await;
    ok(
        c,
        seen,
        "execute_transaction_partiql",
        json!({"transact_statements": [{"Statement": "UPDATE users SET x = 1 WHERE pk = 'p' AND sk = 1"}]}),
    )
    .await;
    ok(
        c,
        seen,
        "update_time_to_live",
        json!({"table_name": "users", "time_to_live_specification": {"Enabled": true, "AttributeName": "expires"}}),
    )
    .await;
    let ttl = ok(
        c,
        seen,
        "describe_time_to_live",
        json!({"table_name": "users"}),
    )
    .await;
    assert_eq!(
        ttl["TimeToLiveDescription"]["TimeToLiveStatus"],
        json!("ENABLED")
    );
    ok(
        c,
        seen,
        "put_item",
        json!({"table_name": "users", "item": {"pk": {"S": "old"}, "sk": {"N": "1"},
            "expires": {"N": (std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() - 60).to_string()}}}),
    )
    .await;
    let swept = ok(c, seen, "sweep_ttl", json!({})).await;
    assert_eq!(swept["Deleted"], json!(1));
    ok(
        c,
        seen,
        "tag_resource",
        json!({"resource_arn": table_arn, "tags": [{"Key": "env", "Value": "dev"}]}),
    )
    .await;
    let tags = ok(
        c,
        seen,
        "list_tags_of_resource",
        json!({"resource_arn": table_arn}),
    )
    .await;
    assert_eq!(tags["Tags"], json!([{"Key": "env", "Value": "dev"}]));
    ok(
        c,
        seen,
        "untag_resource",
        json!({"resource_arn": table_arn, "tag_keys": ["env"]}),
    )
    .await;
    let streams = ok(c, seen, "list_streams", json!({"table_name": "users"})).await;
    assert_eq!(streams["Streams"][0]["StreamArn"], json!(stream_arn));
    let ds = ok(
        c,
        seen,
        "describe_stream",
        json!({"stream_arn": stream_arn}),
    )
    .await;
    let shard = ds["StreamDescription"]["Shards"][0]["ShardId"].clone();
    let it = ok(
        c,
        seen,
        "get_shard_iterator",
        json!({"stream_arn": stream_arn, "shard_id": shard, "shard_iterator_type": "TRIM_HORIZON"}),
    )
    .await;
    let recs = ok(
        c,
        seen,
        "get_records",
        json!({"shard_iterator": it["ShardIterator"]}),
    )
    .await;
    assert_eq!(recs["Records"][0]["eventName"], json!("INSERT"));
    let e = ok(
        c,
        seen,
        "explain",
        json!({"operation": "Query", "request": {"TableName": "users", "KeyConditionExpression": "pk = :p",
            "ExpressionAttributeValues": {":p": {"S": "bulk"}}}}),
    )
    .await;
    assert!(e["sql"].as_str().unwrap().contains("SELECT"), "{e}");
    assert!(e["text"].as_str().unwrap().contains("SEARCH"), "{e}");
    ok(c, seen, "create_snapshot", json!({"name": "before"})).await;
    ok(
        c,
        seen,
        "update_table",
        json!({"table_name": "users", "deletion_protection_enabled": false}),
    )
    .await;
    let del = ok(c, seen, "delete_table", json!({"table_name": "users"})).await;
    assert!(del["_notes"][0]
        .as_str()
        .unwrap()
        .contains("automatic snapshot"));
    let snaps = ok(c, seen, "list_snapshots", json!({})).await;
    let snaps = snaps["Snapshots"].as_array().unwrap().clone();
    assert_eq!(snaps.len(), 2, "{snaps:?}");
    assert!(snaps.iter().any(|s| s["automatic"] == json!(true)));
    ok(c, seen, "restore_snapshot", json!({"name": "before"})).await;
    let q = ok(
        c,
        seen,
        "query",
        json!({"table_name": "users", "key_condition_expression": "pk = :p",
            "expression_attribute_values": {":p": {"S": "bulk"}}, "select": "COUNT"}),
    )
    .await;
    assert_eq!(q["Count"], json!(60));
    ok(c, seen, "delete_snapshot", json!({"name": "before"})).await;

    assert_eq!(called, listed, "every tool was called");

    // DynamoDB's errors are tool errors with its type and message.
    let (v, err) = call(c, "get_item", json!({"table_name": "nope", "key": key})).await;
    assert!(err);
    assert_eq!(v["__type"], json!("ResourceNotFoundException"));
    let (v, err) = call(c, "query", json!({"table_name": "users"})).await;
    assert!(err);
    assert_eq!(
        v["message"],
        json!("query: argument key_condition_expression is required")
    );
    // An unknown tool is a protocol error, and the session goes on.
    let e = client
        .call_tool(CallToolRequestParams::new("no_such_tool"))
        .await;
    assert!(e.is_err());
    assert!(client.list_tools(None).await.is_ok());
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn read_only_and_caps() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ro.db");
    {
        let db = dynoxide::Database::new(&path).unwrap();
        db.execute(
            "CreateTable",
            json!({"TableName": "things", "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}],
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]}),
        )
        .unwrap();
        for i in 0..23 {
            db.execute(
                "PutItem",
                json!({"TableName": "things", "Item": {"pk": {"S": "a"}, "sk": {"N": i.to_string()}}}),
            )
            .unwrap();
        }
    }
    let client = stdio(&[
        "--db-path",
        path.to_str().unwrap(),
        "--read-only",
        "--max-items",
        "10",
    ])
    .await;
    let names: Vec<String> = client
        .list_all_tools()
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.name.to_string())
        .collect();
    assert!(!names.contains(&"put_item".to_string()));
    assert!(names.contains(&"query".to_string()));
    let (v, err) = call(
        &client,
        "put_item",
        json!({"table_name": "things", "item": {"pk": {"S": "z"}, "sk": {"N": "1"}}}),
    )
    .await;
    assert!(err);
    assert_eq!(v["__type"], json!("ReadOnly"));
    let (v, err) = call(
        &client,
        "execute_partiql",
        json!({"statement": "DELETE FROM things WHERE pk = 'a' AND sk = 1"}),
    )
    .await;
    assert!(err, "{v}");
    // Pages of at most 10 items, which page on to every item.
    let mut total = 0;
    let mut start = Value::Null;
    loop {
        let mut args = json!({"table_name": "things", "key_condition_expression": "pk = :p",
            "expression_attribute_values": {":p": {"S": "a"}}});
        if !start.is_null() {
            args["exclusive_start_key"] = start.clone();
        }
        let (v, err) = call(&client, "query", args).await;
        assert!(!err, "{v}");
        let n = v["Items"].as_array().unwrap().len();
        assert!(n <= 10);
        total += n;
        start = v.get("LastEvaluatedKey").cloned().unwrap_or(Value::Null);
        if start.is_null() {
            break;
        }
        assert!(v["_notes"][0].as_str().unwrap().contains("--max-items"));
    }
    assert_eq!(total, 23);
    let (v, _) = call(
        &client,
        "execute_partiql",
        json!({"statement": "SELECT * FROM things WHERE pk = 'a'"}),
    )
    .await;
    assert_eq!(v["Items"].as_array().unwrap().len(), 10);
    assert!(v["NextToken"].is_string());
    client.cancel().await.unwrap();
}

/// `dynoxide mcp --http` on a free port; the endpoint it prints.
fn http_server(args: &[&str]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dynoxide"))
        .args(["mcp", "--http", "--port", "0", "--ttl-interval", "0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no endpoint in {line:?}"))
        .to_string();
    (child, url)
}

#[tokio::test]
async fn http_needs_the_token_and_serves_the_same_tools() {
    let model = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        model.path(),
        r#"{"indexes": {"primary": {"hash": "pk", "sort": "sk"}},
            "models": {"Order": {"pk": {"type": "string", "value": "order#${id}"},
                                  "sk": {"type": "string", "value": "order"},
                                  "id": {"type": "string"}}}}"#,
    )
    .unwrap();
    let (mut child, url) = http_server(&[
        "--token",
        "s3cret-token",
        "--data-model",
        model.path().to_str().unwrap(),
    ]);
    // Without the token, the session cannot start.
    let anonymous = ().serve(StreamableHttpClientTransport::from_config(
        StreamableHttpClientTransportConfig::with_uri(url.clone()),
    ));
    assert!(anonymous.await.is_err());
    let wrong = ().serve(StreamableHttpClientTransport::from_config(
        StreamableHttpClientTransportConfig::with_uri(url.clone()).auth_header("nope"),
    ));
    assert!(wrong.await.is_err());
    let client = ()
        .serve(StreamableHttpClientTransport::from_config(
            StreamableHttpClientTransportConfig::with_uri(url.clone()).auth_header("s3cret-token"),
        ))
        .await
        .unwrap();
    assert!(client
        .peer_info()
        .unwrap()
        .instructions
        .as_deref()
        .unwrap()
        .contains("Order: pk = order#${id}"));
    let (info, err) = call(&client, "get_database_info", json!({})).await;
    assert!(!err);
    assert_eq!(info["DataModel"]["models"][0]["name"], json!("Order"));
    let (_, err) = call(
        &client,
        "create_table",
        json!({"table_name": "orders", "billing_mode": "PAY_PER_REQUEST",
            "attribute_definitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "key_schema": [{"AttributeName": "pk", "KeyType": "HASH"}]}),
    )
    .await;
    assert!(!err);
    let (v, _) = call(&client, "list_tables", json!({})).await;
    assert_eq!(v["TableNames"], json!(["orders"]));
    client.cancel().await.unwrap();

    // A Host header outside the allow-list is refused before anything else.
    let addr = url
        .trim_start_matches("http://")
        .trim_end_matches("/mcp")
        .to_string();
    let status = |host: &str, auth: &str| {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(&addr).unwrap();
        write!(
            s,
            "POST /mcp HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {auth}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut reply = String::new();
        let _ = s.read_to_string(&mut reply);
        reply.split_whitespace().nth(1).unwrap_or("").to_string()
    };
    assert_eq!(status("evil.example", "s3cret-token"), "403");
    assert_eq!(status(&addr, "wrong"), "401");
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn a_malformed_data_model_is_refused_at_start() {
    let model = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        model.path(),
        r#"{"indexes": {"primary": {"hash": "pk"}}, "models": {"User": {"pk": {"type": "string", "value": "user#${uid}"}}}}"#,
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_dynoxide"))
        .args(["mcp", "--data-model", model.path().to_str().unwrap()])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("models.User.pk.value: ${uid} names no attribute of User"),
        "{err}"
    );
}

#[test]
fn protocol_hygiene_on_stdio() {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_dynoxide"))
        .args(["mcp", "--ttl-interval", "0", "--log", "error"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut replies = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut send = |line: &str| {
        writeln!(stdin, "{line}").unwrap();
        stdin.flush().unwrap();
    };
    let mut next = || -> Value { serde_json::from_str(&replies.next().unwrap().unwrap()).unwrap() };
    // A probe before initialize: method not found, and the session goes on.
    send(r#"{"jsonrpc":"2.0","id":"probe","method":"server/probe"}"#);
    let r = next();
    assert_eq!(
        (r["id"].clone(), r["error"]["code"].clone()),
        (json!("probe"), json!(-32601))
    );
    send(r#"{"jsonrpc":"2.0","method":"notifications/early"}"#);
    send("this is not json");
    let r = next();
    assert_eq!(r["error"]["code"], json!(-32700));
    // A malformed initialize is answered with an error, and the guard stays up.
    send(r#"{"jsonrpc":"2.0","id":"bad","method":"initialize","params":{"nonsense":true}}"#);
    let r = next();
    assert_eq!(r["id"], json!("bad"));
    assert!(r["error"].is_object(), "{r}");
    send(r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#);
    send(
        r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}"#,
    );
    let r = next();
    assert_eq!(r["id"], json!(1));
    assert_eq!(r["result"]["serverInfo"]["name"], json!("dynoxide"));
    send(r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#);
    send(r#"{"jsonrpc":"2.0","id":2,"method":"no/such"}"#);
    let r = next();
    assert_eq!(
        (r["id"].clone(), r["error"]["code"].clone()),
        (json!(2), json!(-32601))
    );
    send(
        r#"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"list_tables","arguments":{}}}"#,
    );
    let r = next();
    assert_eq!(r["result"]["structuredContent"]["TableNames"], json!([]));
    drop(stdin);
    assert!(child.wait().unwrap().success());
}

#[tokio::test]
async fn the_size_cap_pages_to_every_item() {
    let client = stdio(&["--max-size-bytes", "300"]).await;
    let (_, err) = call(
        &client,
        "create_table",
        json!({"table_name": "big", "billing_mode": "PAY_PER_REQUEST",
            "attribute_definitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "key_schema": [{"AttributeName": "pk", "KeyType": "HASH"}]}),
    )
    .await;
    assert!(!err);
    let items: Vec<Value> = (0..12)
        .map(|i| json!({"pk": {"S": format!("k{i:02}")}, "pad": {"S": "p".repeat(60)}}))
        .collect();
    call(
        &client,
        "bulk_put_items",
        json!({"table_name": "big", "items": items}),
    )
    .await;
    let mut seen = BTreeSet::new();
    let mut start = Value::Null;
    let mut pages = 0;
    loop {
        let mut args = json!({"table_name": "big"});
        if !start.is_null() {
            args["exclusive_start_key"] = start.clone();
        }
        let (v, err) = call(&client, "scan", args).await;
        assert!(!err, "{v}");
        let page = v["Items"].as_array().unwrap();
        assert!(!page.is_empty());
        assert!(serde_json::to_string(page).unwrap().len() <= 300 + 120);
        for it in page {
            seen.insert(it["pk"]["S"].as_str().unwrap().to_string());
        }
        pages += 1;
        start = v.get("LastEvaluatedKey").cloned().unwrap_or(Value::Null);
        if start.is_null() {
            break;
        }
        assert!(v["_notes"][0]
            .as_str()
            .unwrap()
            .contains("--max-size-bytes"));
    }
    assert_eq!(seen.len(), 12);
    assert!(pages >= 4, "{pages} pages");
    client.cancel().await.unwrap();
}

#[test]
fn no_auth_is_refused_off_loopback_and_short_tokens_are_refused() {
    for args in [
        vec!["--no-auth", "--host", "0.0.0.0"],
        vec!["--token", "short"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_dynoxide"))
            .args(["mcp", "--http", "--port", "0"])
            .args(&args)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("--no-auth is refused") || err.contains("at least 8"),
            "{err}"
        );
    }
}
