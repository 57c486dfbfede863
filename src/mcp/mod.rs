//! The MCP front door: DynamoDB as tools for coding agents (`dynoxide mcp`). The tools are a
//! table (`tools.rs`); [`Mcp::call`] runs one through the same `Database::execute` the other
//! front doors use, with the server's rails: read-only, item and size caps on reads, and an
//! automatic snapshot before `delete_table`. `server.rs` speaks the protocol (rmcp) over stdio
//! or Streamable HTTP.

pub mod model;
pub mod server;
pub(crate) mod tools;

use crate::db::{Database, Operation};
use crate::error::Error;
use model::DataModel;
use serde_json::{json, Map, Value};
use tools::{Action, Effect, ToolDef};

/// The rails `dynoxide mcp` runs with.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Refuse every tool that writes.
    pub read_only: bool,
    /// Most items a query, scan or PartiQL SELECT returns per call.
    pub max_items: Option<usize>,
    /// Most bytes of items (as JSON) a query, scan or PartiQL SELECT returns per call.
    pub max_size_bytes: Option<usize>,
    /// Where the data lives, for `get_database_info` (a file path, or `memory`).
    pub storage: String,
}

/// What a tool call answered.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// The result (DynamoDB's response for DynamoDB operations), and a note for the agent
    /// when the server capped or changed something.
    Done {
        /// The result as JSON.
        value: Value,
        /// A remark, e.g. that a page was capped.
        note: Option<String>,
    },
    /// A tool error: DynamoDB's error type and message, or the server's refusal.
    Failed {
        /// DynamoDB's error code (`ValidationException`, ...) or `ReadOnly` / `InvalidArguments`.
        kind: String,
        /// The message.
        message: String,
    },
}

impl Outcome {
    fn error(e: Error) -> Outcome {
        Outcome::Failed {
            kind: e.code().as_str().to_string(),
            message: e.message().to_string(),
        }
    }

    fn done(value: Value) -> Outcome {
        Outcome::Done { value, note: None }
    }
}

/// The MCP service over one database.
#[derive(Clone)]
pub struct Mcp {
    db: Database,
    options: Options,
    model: Option<DataModel>,
}

/// Items written per BatchWriteItem by `bulk_put_items`.
const BULK_CHUNK: usize = 25;

impl Mcp {
    /// The service over `db` with these rails and an optional data model.
    pub fn new(db: Database, options: Options, model: Option<DataModel>) -> Mcp {
        Mcp { db, options, model }
    }

    /// The tools a client may call: every tool, or only those that read when read-only
    /// (PartiQL stays: its SELECTs read).
    pub(crate) fn tools(&self) -> impl Iterator<Item = &'static ToolDef> + '_ {
        tools::TOOLS.iter().filter(|t| {
            !self.options.read_only || matches!(t.effect, Effect::Read | Effect::Statement)
        })
    }

    /// The server's instructions: what it is, its rails, and the data model.
    pub fn instructions(&self) -> String {
        let mut s = String::from(
            "Dynoxide: a local DynamoDB (SQLite-backed). Tools take snake_case top-level \
             arguments; nested DynamoDB shapes (items, keys, KeySchema, batch and transaction \
             members) are DynamoDB JSON with PascalCase names, e.g. {\"pk\": {\"S\": \"a\"}}. \
             DynamoDB errors come back as tool errors with DynamoDB's type and message. Use \
             explain to see how a query or scan runs in SQL, get_database_info for an \
             overview, and snapshots before risky changes.\n",
        );
        if self.options.read_only {
            s.push_str("This server is read-only: tools that write are refused.\n");
        }
        if let Some(n) = self.options.max_items {
            s.push_str(&format!(
                "query, scan and PartiQL SELECT return at most {n} items per call; page on with LastEvaluatedKey / NextToken.\n"
            ));
        }
        if let Some(n) = self.options.max_size_bytes {
            s.push_str(&format!(
                "query, scan and PartiQL SELECT return at most about {n} bytes of items per call; page on with LastEvaluatedKey / NextToken.\n"
            ));
        }
        if let Some(m) = &self.model {
            s.push_str(&m.summary());
        }
        s
    }

    /// Runs a tool. None when no tool has that name.
    pub fn call(&self, name: &str, args: &Map<String, Value>) -> Option<Outcome> {
        let tool = tools::find(name)?;
        let request = match tool.request(args) {
            Ok(r) => r,
            Err(message) => {
                return Some(Outcome::Failed {
                    kind: "InvalidArguments".into(),
                    message,
                })
            }
        };
        if let Err(message) = self.allowed(tool, &request) {
            return Some(Outcome::Failed {
                kind: "ReadOnly".into(),
                message,
            });
        }
        Some(self.run(tool, request).unwrap_or_else(Outcome::error))
    }

    /// The read-only rail: writes are refused, PartiQL only when every statement is a SELECT.
    fn allowed(&self, tool: &ToolDef, request: &Map<String, Value>) -> Result<(), String> {
        if !self.options.read_only {
            return Ok(());
        }
        let refused = || {
            format!(
                "{} is refused: this server is read-only (dynoxide mcp --read-only)",
                tool.name
            )
        };
        match tool.effect {
            Effect::Read => Ok(()),
            Effect::Write | Effect::Destructive => Err(refused()),
            Effect::Statement => {
                let statements: Vec<&str> = match request.get("Statement") {
                    Some(s) => vec![s.as_str().unwrap_or_default()],
                    None => request
                        .get("Statements")
                        .or_else(|| request.get("TransactStatements"))
                        .and_then(Value::as_array)
                        .map(|list| {
                            list.iter()
                                .map(|s| s["Statement"].as_str().unwrap_or_default())
                                .collect()
                        })
                        .unwrap_or_default(),
                };
                if statements.iter().all(|s| is_select(s)) {
                    Ok(())
                } else {
                    Err(format!(
                        "{} is refused for statements other than SELECT: this server is read-only (dynoxide mcp --read-only)",
                        tool.name
                    ))
                }
            }
        }
    }

    fn run(&self, tool: &ToolDef, request: Map<String, Value>) -> crate::Result<Outcome> {
        let db = &self.db;
        Ok(match tool.action {
            Action::Operation(op @ (Operation::Query | Operation::Scan)) => {
                self.capped_read(op, request)?
            }
            Action::Operation(Operation::ExecuteStatement)
                if request
                    .get("Statement")
                    .and_then(Value::as_str)
                    .is_some_and(is_select) =>
            {
                self.capped_read(Operation::ExecuteStatement, request)?
            }
            Action::Operation(Operation::DeleteTable) => {
                // Only a delete that can succeed is worth a snapshot (and a pruned older one).
                let table =
                    db.execute("DescribeTable", json!({"TableName": request["TableName"]}))?;
                if table["Table"]["DeletionProtectionEnabled"] == json!(true) {
                    // DynamoDB's refusal, without a snapshot.
                    return Ok(Outcome::done(
                        db.execute("DeleteTable", Value::Object(request))?,
                    ));
                }
                let snap = db.create_automatic_snapshot()?;
                let out = match db.execute("DeleteTable", Value::Object(request)) {
                    Ok(out) => out,
                    Err(e) => {
                        let _ = db.delete_snapshot(&snap.name);
                        return Err(e);
                    }
                };
                Outcome::Done {
                    value: out,
                    note: Some(format!(
                        "An automatic snapshot of the whole database was taken first: restore_snapshot {{\"name\": \"{}\"}} puts every table back as it was then (later writes to other tables included).",
                        snap.name
                    )),
                }
            }
            Action::Operation(op) => Outcome::done(db.execute(op.name(), Value::Object(request))?),
            Action::BulkPut => self.bulk_put(request)?,
            Action::SweepTtl => Outcome::done(json!({"Deleted": db.sweep_ttl()?})),
            Action::Explain => {
                let op = request["Operation"].as_str().unwrap_or_default();
                let e = db.explain(op, request["Request"].clone())?;
                let mut value = serde_json::to_value(&e)
                    .map_err(|e| Error::internal(format!("explain output: {e}")))?;
                value["text"] = json!(e.to_string());
                Outcome::done(value)
            }
            Action::DatabaseInfo => Outcome::done(self.database_info()?),
            Action::CreateSnapshot => {
                let info = match request.get("Name").and_then(Value::as_str) {
                    Some(name) => db.create_snapshot(name)?,
                    None => db.create_timestamped_snapshot()?,
                };
                Outcome::done(json!(info))
            }
            Action::RestoreSnapshot => {
                let name = request["Name"].as_str().unwrap_or_default();
                db.restore_snapshot(name)?;
                Outcome::done(json!({"Restored": name}))
            }
            Action::ListSnapshots => Outcome::done(json!({"Snapshots": db.list_snapshots()?})),
            Action::DeleteSnapshot => {
                let name = request["Name"].as_str().unwrap_or_default();
                db.delete_snapshot(name)?;
                Outcome::done(json!({"Deleted": name}))
            }
        })
    }

    /// A Query, Scan or PartiQL SELECT under the caps: Limit at most `max_items`, and when
    /// the items exceed `max_size_bytes` the read runs again with a Limit that fits, so the
    /// page ends with the engine's own LastEvaluatedKey / NextToken.
    fn capped_read(
        &self,
        op: Operation,
        mut request: Map<String, Value>,
    ) -> crate::Result<Outcome> {
        let mut notes = Vec::new();
        if let Some(max) = self.options.max_items {
            // A negative or zero Limit is left for DynamoDB's own error.
            let asked = request.get("Limit").and_then(Value::as_i64);
            if asked.is_none_or(|l| l > max as i64) {
                request.insert("Limit".into(), json!(max));
            }
        }
        let mut out = self.db.execute(op.name(), Value::Object(request.clone()))?;
        if let Some(max_bytes) = self.options.max_size_bytes {
            let items = out["Items"].as_array().cloned().unwrap_or_default();
            let mut total = 0usize;
            let mut fit = 0usize;
            for it in &items {
                total += it.to_string().len();
                if total > max_bytes {
                    break;
                }
                fit += 1;
            }
            if fit < items.len() {
                // At least one item, so that paging always moves on.
                request.insert("Limit".into(), json!(fit.max(1)));
                out = self.db.execute(op.name(), Value::Object(request))?;
                notes.push(format!(
                    "capped at {max_bytes} bytes of items (dynoxide mcp --max-size-bytes)"
                ));
            }
        }
        let more = out.get("LastEvaluatedKey").is_some() || out.get("NextToken").is_some();
        if let (Some(max), true) = (self.options.max_items, more) {
            if out["Items"].as_array().is_some_and(|i| i.len() >= max) {
                notes.push(format!("capped at {max} items (dynoxide mcp --max-items)"));
            }
        }
        let note = (!notes.is_empty()).then(|| {
            format!(
                "This page was {}; call again with {} to read on.",
                notes.join(" and "),
                if op == Operation::ExecuteStatement {
                    "next_token = NextToken"
                } else {
                    "exclusive_start_key = LastEvaluatedKey"
                }
            )
        });
        Ok(Outcome::Done { value: out, note })
    }

    /// Writes any number of items to one table, 25 per BatchWriteItem.
    fn bulk_put(&self, request: Map<String, Value>) -> crate::Result<Outcome> {
        let table = request["TableName"].clone();
        let mut items = request["Items"].as_array().cloned().unwrap_or_default();
        // Two items with one key: the last wins, as consecutive puts would (BatchWriteItem
        // refuses duplicates within one call, so they are merged before chunking).
        let described = self
            .db
            .execute("DescribeTable", json!({"TableName": table}))?;
        let key_names: Vec<String> = described["Table"]["KeySchema"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|k| k["AttributeName"].as_str().map(String::from))
            .collect();
        let key_of = |item: &Value| -> String {
            key_names
                .iter()
                .map(|k| item[k.as_str()].to_string())
                .collect::<Vec<_>>()
                .join("\u{0}")
        };
        let mut last = std::collections::HashMap::new();
        for (i, item) in items.iter().enumerate() {
            last.insert(key_of(item), i);
        }
        let total = items.len();
        let mut i = 0;
        items.retain(|item| {
            let keep = last.get(&key_of(item)) == Some(&i);
            i += 1;
            keep
        });
        let mut written = 0usize;
        for chunk in items.chunks(BULK_CHUNK) {
            let puts: Vec<Value> = chunk
                .iter()
                .map(|item| json!({"PutRequest": {"Item": item}}))
                .collect();
            let name = table.as_str().unwrap_or_default().to_string();
            let req = json!({"RequestItems": {name: puts}});
            self.db.execute("BatchWriteItem", req).map_err(|e| {
                Error::new(
                    e.code(),
                    format!(
                        "{} (after {written} of {} items were written)",
                        e.message(),
                        items.len()
                    ),
                )
            })?;
            written += chunk.len();
        }
        Ok(Outcome::done(
            json!({"Written": written, "DuplicateKeysMerged": total - items.len()}),
        ))
    }

    /// Tables (keys, indexes, counts, sizes, stream, TTL), the server's rails, the model.
    fn database_info(&self) -> crate::Result<Value> {
        let db = &self.db;
        let mut tables = Vec::new();
        let mut start: Option<String> = None;
        loop {
            let mut req = json!({});
            if let Some(s) = &start {
                req["ExclusiveStartTableName"] = json!(s);
            }
            let page = db.execute("ListTables", req)?;
            for name in page["TableNames"].as_array().into_iter().flatten() {
                let t = db.execute("DescribeTable", json!({"TableName": name}))?["Table"].clone();
                let ttl = db.execute("DescribeTimeToLive", json!({"TableName": name}))?;
                let index = |ix: &Value, kind: &str| {
                    json!({"IndexName": ix["IndexName"], "Kind": kind, "KeySchema": ix["KeySchema"],
                        "Projection": ix["Projection"], "ItemCount": ix["ItemCount"]})
                };
                let mut indexes: Vec<Value> = Vec::new();
                for (list, kind) in [
                    ("GlobalSecondaryIndexes", "GSI"),
                    ("LocalSecondaryIndexes", "LSI"),
                ] {
                    for ix in t[list].as_array().into_iter().flatten() {
                        indexes.push(index(ix, kind));
                    }
                }
                tables.push(json!({
                    "TableName": name,
                    "KeySchema": t["KeySchema"],
                    "AttributeDefinitions": t["AttributeDefinitions"],
                    "ItemCount": t["ItemCount"],
                    "TableSizeBytes": t["TableSizeBytes"],
                    "BillingMode": t["BillingModeSummary"]["BillingMode"],
                    "Indexes": indexes,
                    "Stream": t.get("StreamSpecification"),
                    "LatestStreamArn": t.get("LatestStreamArn"),
                    "TimeToLive": ttl["TimeToLiveDescription"],
                }));
            }
            match page.get("LastEvaluatedTableName").and_then(Value::as_str) {
                Some(last) => start = Some(last.to_string()),
                None => break,
            }
        }
        Ok(json!({
            "Tables": tables,
            "Server": {
                "Storage": self.options.storage,
                "ReadOnly": self.options.read_only,
                "MaxItems": self.options.max_items,
                "MaxSizeBytes": self.options.max_size_bytes,
            },
            "DataModel": self.model.as_ref().map(DataModel::to_json),
        }))
    }
}

/// True when a PartiQL statement only reads: its first word (after comments, which PartiQL
/// allows before it) is SELECT, or EXISTS (a transaction's check).
fn is_select(statement: &str) -> bool {
    let mut rest = statement;
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix("--") {
            rest = after.split_once('\n').map_or("", |(_, r)| r);
        } else if let Some(after) = rest.strip_prefix("/*") {
            rest = after.split_once("*/").map_or("", |(_, r)| r);
        } else {
            break;
        }
    }
    let word: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    word.eq_ignore_ascii_case("select") || word.eq_ignore_ascii_case("exists")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mcp(options: Options) -> Mcp {
        Mcp::new(Database::memory().unwrap(), options, None)
    }

    fn args(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    fn create(m: &Mcp) {
        let out = m
            .call(
                "create_table",
                &args(json!({"table_name": "users", "billing_mode": "PAY_PER_REQUEST",
                "attribute_definitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}],
                "key_schema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]})),
            )
            .unwrap();
        assert!(matches!(out, Outcome::Done { .. }), "{out:?}");
        let items: Vec<Value> = (0..30)
            .map(|i| json!({"pk": {"S": "u"}, "sk": {"N": i.to_string()}, "pad": {"S": "x".repeat(50)}}))
            .collect();
        let out = m
            .call(
                "bulk_put_items",
                &args(json!({"table_name": "users", "items": items})),
            )
            .unwrap();
        assert_eq!(
            out,
            Outcome::done(json!({"Written": 30, "DuplicateKeysMerged": 0}))
        );
    }

    #[test]
    fn caps_page_with_the_engines_own_keys() {
        let m = mcp(Options {
            max_items: Some(10),
            max_size_bytes: Some(400),
            ..Default::default()
        });
        create(&m);
        let q = args(
            json!({"table_name": "users", "key_condition_expression": "pk = :p",
            "expression_attribute_values": {":p": {"S": "u"}}}),
        );
        let Some(Outcome::Done { value, note }) = m.call("query", &q) else {
            panic!()
        };
        let n = value["Items"].as_array().unwrap().len();
        assert!((1..10).contains(&n), "{n} items");
        assert!(value["Items"].to_string().len() <= 400 + 100);
        assert!(note.unwrap().contains("--max-size-bytes"));
        // Paging on reaches every item.
        let mut seen = n;
        let mut start = value["LastEvaluatedKey"].clone();
        while !start.is_null() {
            let mut q2 = q.clone();
            q2.insert("exclusive_start_key".into(), start);
            let Some(Outcome::Done { value, .. }) = m.call("query", &q2) else {
                panic!()
            };
            seen += value["Items"].as_array().unwrap().len();
            start = value["LastEvaluatedKey"].clone();
        }
        assert_eq!(seen, 30);
    }

    #[test]
    fn statements_that_only_read() {
        assert!(is_select("select * from t"));
        assert!(is_select("/* why */ SELECT * FROM t"));
        assert!(is_select("-- note\n  SELECT x FROM t"));
        assert!(is_select("EXISTS(SELECT * FROM t WHERE pk = 'a')"));
        assert!(!is_select("SELECTED"));
        assert!(!is_select("/* SELECT */ DELETE FROM t WHERE pk = 'a'"));
        assert!(!is_select("-- SELECT\nUPDATE t SET a = 1 WHERE pk = 'a'"));
    }

    #[test]
    fn bulk_puts_merge_duplicate_keys_across_chunks() {
        let m = mcp(Options::default());
        create(&m);
        let items: Vec<Value> = (0..40)
            .map(|i| json!({"pk": {"S": "d"}, "sk": {"N": (i % 20).to_string()}, "v": {"N": i.to_string()}}))
            .collect();
        let out = m
            .call(
                "bulk_put_items",
                &args(json!({"table_name": "users", "items": items})),
            )
            .unwrap();
        assert_eq!(
            out,
            Outcome::done(json!({"Written": 20, "DuplicateKeysMerged": 20}))
        );
        let Some(Outcome::Done { value, .. }) = m.call(
            "get_item",
            &args(json!({"table_name": "users", "key": {"pk": {"S": "d"}, "sk": {"N": "3"}}})),
        ) else {
            panic!()
        };
        assert_eq!(value["Item"]["v"], json!({"N": "23"}), "the last item wins");
    }

    #[test]
    fn read_only_refuses_writes_and_hides_them() {
        let m = mcp(Options {
            read_only: true,
            ..Default::default()
        });
        assert!(m.tools().all(|t| t.name != "put_item"));
        assert!(m.tools().any(|t| t.name == "execute_partiql"));
        let out = m
            .call("delete_table", &args(json!({"table_name": "users"})))
            .unwrap();
        assert!(
            matches!(out, Outcome::Failed { ref kind, .. } if kind == "ReadOnly"),
            "{out:?}"
        );
        let out = m
            .call(
                "execute_partiql",
                &args(json!({"statement": "DELETE FROM users WHERE pk = 'u'"})),
            )
            .unwrap();
        assert!(matches!(out, Outcome::Failed { ref kind, .. } if kind == "ReadOnly"));
        let out = m
            .call(
                "execute_partiql",
                &args(json!({"statement": "  select * FROM users"})),
            )
            .unwrap();
        // Allowed through the rail: DynamoDB answers (the table does not exist).
        assert!(
            matches!(out, Outcome::Failed { ref kind, .. } if kind == "ResourceNotFoundException"),
            "{out:?}"
        );
    }

    #[test]
    fn delete_table_takes_a_snapshot_first() {
        let m = mcp(Options::default());
        create(&m);
        let Some(Outcome::Done { note, .. }) =
            m.call("delete_table", &args(json!({"table_name": "users"})))
        else {
            panic!()
        };
        let note = note.unwrap();
        let name = note.split('"').nth(3).unwrap().to_string();
        assert!(name.starts_with("auto-"), "{note}");
        m.call("restore_snapshot", &args(json!({"name": name})))
            .unwrap();
        let Some(Outcome::Done { value, .. }) =
            m.call("describe_table", &args(json!({"table_name": "users"})))
        else {
            panic!()
        };
        assert_eq!(value["Table"]["ItemCount"], json!(30));
        let Some(Outcome::Done { value, .. }) = m.call("create_snapshot", &args(json!({}))) else {
            panic!()
        };
        assert!(
            value["name"].as_str().unwrap().starts_with("snapshot-"),
            "{value}"
        );
    }
}
