//! The MCP tools: one table that names each tool, what it runs, whether it writes, its
//! description and its arguments. Schemas, the read-only filter and the argument translation
//! (snake_case top-level arguments -> DynamoDB's PascalCase request) all come from it.

use crate::db::Operation;
use serde_json::{json, Map, Value};

/// What a tool runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Action {
    /// A DynamoDB (or DynamoDB Streams) operation, through `Database::execute`.
    Operation(Operation),
    /// Any number of items written in BatchWriteItem chunks.
    BulkPut,
    /// `Database::sweep_ttl`.
    SweepTtl,
    /// `Database::explain`.
    Explain,
    /// Tables, counts, sizes, indexes and the data model.
    DatabaseInfo,
    CreateSnapshot,
    RestoreSnapshot,
    ListSnapshots,
    DeleteSnapshot,
}

/// What a tool may do to the database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Effect {
    /// Reads only.
    Read,
    /// Adds or changes, never removes or overwrites (creating a table, tagging).
    Write,
    /// May remove or overwrite data.
    Destructive,
    /// PartiQL: SELECT reads, INSERT/UPDATE/DELETE write.
    Statement,
}

/// The JSON type of an argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Str,
    Int,
    Bool,
    /// A JSON object (DynamoDB JSON inside, PascalCase names).
    Object,
    /// A list of JSON objects (DynamoDB shapes, PascalCase names).
    Objects,
    /// A list of strings.
    Strings,
    /// A list of DynamoDB AttributeValues (PartiQL parameters).
    Values,
}

/// One argument: its snake_case name, type, whether it is required, and what it is.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Arg {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
    pub doc: &'static str,
}

/// One tool.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ToolDef {
    pub name: &'static str,
    pub action: Action,
    pub effect: Effect,
    pub description: &'static str,
    pub args: &'static [Arg],
}

const fn req(name: &'static str, kind: Kind, doc: &'static str) -> Arg {
    Arg {
        name,
        kind,
        required: true,
        doc,
    }
}

const fn opt(name: &'static str, kind: Kind, doc: &'static str) -> Arg {
    Arg {
        name,
        kind,
        required: false,
        doc,
    }
}

use Kind::*;

const TABLE: Arg = req("table_name", Str, "The table's name.");
const KEY: Arg = req(
    "key",
    Object,
    "The item's primary key in DynamoDB JSON, e.g. {\"pk\": {\"S\": \"user#1\"}}.",
);
const NAMES: Arg = opt(
    "expression_attribute_names",
    Object,
    "Substitutes for attribute names in expressions, e.g. {\"#n\": \"name\"}.",
);
const VALUES: Arg = opt(
    "expression_attribute_values",
    Object,
    "Values for the expressions' placeholders in DynamoDB JSON, e.g. {\":v\": {\"N\": \"1\"}}.",
);
const CONDITION: Arg = opt(
    "condition_expression",
    Str,
    "A condition the write requires, e.g. attribute_not_exists(pk).",
);
const RETURN_VALUES: Arg = opt(
    "return_values",
    Str,
    "NONE, ALL_OLD, UPDATED_OLD, ALL_NEW or UPDATED_NEW (which apply depends on the write).",
);
const ON_FAILURE: Arg = opt(
    "return_values_on_condition_check_failure",
    Str,
    "ALL_OLD returns the item when the condition fails.",
);
const CAPACITY: Arg = opt("return_consumed_capacity", Str, "INDEXES, TOTAL or NONE.");
const COLLECTIONS: Arg = opt("return_item_collection_metrics", Str, "SIZE or NONE.");
const PROJECTION: Arg = opt(
    "projection_expression",
    Str,
    "The attributes to return, e.g. \"pk, #n, address.city\".",
);
const CONSISTENT: Arg = opt("consistent_read", Bool, "A strongly consistent read.");
const INDEX: Arg = opt(
    "index_name",
    Str,
    "A secondary index to read instead of the table.",
);
const FILTER: Arg = opt(
    "filter_expression",
    Str,
    "A condition on each item read; items that fail it are not returned (they count toward limit).",
);
const LIMIT: Arg = opt(
    "limit",
    Int,
    "Items to evaluate at most in this page (the server may cap it: see get_database_info).",
);
const START_KEY: Arg = opt(
    "exclusive_start_key",
    Object,
    "LastEvaluatedKey of the previous page, to read the next one.",
);
const SELECT: Arg = opt(
    "select",
    Str,
    "ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES, SPECIFIC_ATTRIBUTES or COUNT.",
);
const TOKEN: Arg = opt(
    "client_request_token",
    Str,
    "An idempotency token: a retry with the same token and request is not applied twice.",
);

/// Every tool, in the order `tools/list` shows them.
pub(crate) const TOOLS: &[ToolDef] = &[
    ToolDef {
        name: "list_tables",
        action: Action::Operation(Operation::ListTables),
        effect: Effect::Read,
        description: "List the tables' names (paged).",
        args: &[
            opt("exclusive_start_table_name", Str, "Start after this table name."),
            opt("limit", Int, "Names per page (1 to 100)."),
        ],
    },
    ToolDef {
        name: "describe_table",
        action: Action::Operation(Operation::DescribeTable),
        effect: Effect::Read,
        description: "Describe a table: keys, indexes, item count, size, billing, stream.",
        args: &[TABLE],
    },
    ToolDef {
        name: "create_table",
        action: Action::Operation(Operation::CreateTable),
        effect: Effect::Write,
        description: "Create a table (with indexes, billing mode, stream and tags if given).",
        args: &[
            TABLE,
            req(
                "attribute_definitions",
                Objects,
                "Every key attribute of the table and its indexes: [{\"AttributeName\": \"pk\", \"AttributeType\": \"S\"}] (S, N or B).",
            ),
            req(
                "key_schema",
                Objects,
                "The primary key: [{\"AttributeName\": \"pk\", \"KeyType\": \"HASH\"}, {\"AttributeName\": \"sk\", \"KeyType\": \"RANGE\"}].",
            ),
            opt("billing_mode", Str, "PAY_PER_REQUEST or PROVISIONED (default PROVISIONED, which needs provisioned_throughput)."),
            opt("provisioned_throughput", Object, "{\"ReadCapacityUnits\": 5, \"WriteCapacityUnits\": 5} for PROVISIONED tables."),
            opt("global_secondary_indexes", Objects, "GSIs: [{\"IndexName\", \"KeySchema\", \"Projection\": {\"ProjectionType\": \"ALL\"}}] (PascalCase)."),
            opt("local_secondary_indexes", Objects, "LSIs: [{\"IndexName\", \"KeySchema\", \"Projection\"}] (PascalCase)."),
            opt("stream_specification", Object, "{\"StreamEnabled\": true, \"StreamViewType\": \"NEW_AND_OLD_IMAGES\"}."),
            opt("sse_specification", Object, "{\"Enabled\": true} (recorded; data is not encrypted by it)."),
            opt("tags", Objects, "[{\"Key\": \"env\", \"Value\": \"dev\"}]."),
            opt("table_class", Str, "STANDARD or STANDARD_INFREQUENT_ACCESS."),
            opt("deletion_protection_enabled", Bool, "Refuse delete_table while true."),
        ],
    },
    ToolDef {
        name: "delete_table",
        action: Action::Operation(Operation::DeleteTable),
        effect: Effect::Destructive,
        description: "Delete a table and its items (an automatic snapshot is taken first).",
        args: &[TABLE],
    },
    ToolDef {
        name: "update_table",
        action: Action::Operation(Operation::UpdateTable),
        effect: Effect::Destructive,
        description: "Change a table: billing, throughput, GSIs (create/delete), stream, deletion protection.",
        args: &[
            TABLE,
            opt("attribute_definitions", Objects, "Definitions of a new GSI's key attributes (PascalCase)."),
            opt("billing_mode", Str, "PAY_PER_REQUEST or PROVISIONED."),
            opt("provisioned_throughput", Object, "{\"ReadCapacityUnits\", \"WriteCapacityUnits\"}."),
            opt("global_secondary_index_updates", Objects, "[{\"Create\": {...}} | {\"Delete\": {\"IndexName\"}} | {\"Update\": {...}}] (PascalCase)."),
            opt("stream_specification", Object, "{\"StreamEnabled\": true, \"StreamViewType\": \"NEW_IMAGE\"} or {\"StreamEnabled\": false}."),
            opt("sse_specification", Object, "{\"Enabled\": true}."),
            opt("table_class", Str, "STANDARD or STANDARD_INFREQUENT_ACCESS."),
            opt("deletion_protection_enabled", Bool, "Refuse delete_table while true."),
        ],
    },
    ToolDef {
        name: "get_item",
        action: Action::Operation(Operation::GetItem),
        effect: Effect::Read,
        description: "Read one item by its primary key.",
        args: &[TABLE, KEY, PROJECTION, NAMES, CONSISTENT, CAPACITY],
    },
    ToolDef {
        name: "put_item",
        action: Action::Operation(Operation::PutItem),
        effect: Effect::Destructive,
        description: "Write one item, replacing any item with its key (optionally only if a condition holds).",
        args: &[
            TABLE,
            req("item", Object, "The item in DynamoDB JSON, keys included: {\"pk\": {\"S\": \"a\"}, \"n\": {\"N\": \"1\"}}."),
            CONDITION,
            NAMES,
            VALUES,
            RETURN_VALUES,
            ON_FAILURE,
            CAPACITY,
            COLLECTIONS,
        ],
    },
    ToolDef {
        name: "update_item",
        action: Action::Operation(Operation::UpdateItem),
        effect: Effect::Destructive,
        description: "Change attributes of one item with an UpdateExpression (creates the item if missing).",
        args: &[
            TABLE,
            KEY,
            opt("update_expression", Str, "e.g. \"SET #n = :n, visits = visits + :one REMOVE old\"."),
            CONDITION,
            NAMES,
            VALUES,
            RETURN_VALUES,
            ON_FAILURE,
            CAPACITY,
            COLLECTIONS,
        ],
    },
    ToolDef {
        name: "delete_item",
        action: Action::Operation(Operation::DeleteItem),
        effect: Effect::Destructive,
        description: "Delete one item by its primary key (optionally only if a condition holds).",
        args: &[
            TABLE,
            KEY,
            CONDITION,
            NAMES,
            VALUES,
            RETURN_VALUES,
            ON_FAILURE,
            CAPACITY,
            COLLECTIONS,
        ],
    },
    ToolDef {
        name: "batch_get_item",
        action: Action::Operation(Operation::BatchGetItem),
        effect: Effect::Read,
        description: "Read up to 100 items by key across tables.",
        args: &[
            req("request_items", Object, "{\"Table\": {\"Keys\": [{...}], \"ProjectionExpression\": \"...\"}} (PascalCase, keys in DynamoDB JSON)."),
            CAPACITY,
        ],
    },
    ToolDef {
        name: "batch_write_item",
        action: Action::Operation(Operation::BatchWriteItem),
        effect: Effect::Destructive,
        description: "Put or delete up to 25 items across tables in one call.",
        args: &[
            req("request_items", Object, "{\"Table\": [{\"PutRequest\": {\"Item\": {...}}}, {\"DeleteRequest\": {\"Key\": {...}}}]} (PascalCase)."),
            CAPACITY,
            COLLECTIONS,
        ],
    },
    ToolDef {
        name: "bulk_put_items",
        action: Action::BulkPut,
        effect: Effect::Destructive,
        description: "Write any number of items to one table (in chunks of 25); returns how many were written.",
        args: &[
            TABLE,
            req("items", Objects, "The items, each in DynamoDB JSON with its keys."),
        ],
    },
    ToolDef {
        name: "query",
        action: Action::Operation(Operation::Query),
        effect: Effect::Read,
        description: "Read the items of one partition (of a table or index), optionally a sort-key range, in key order.",
        args: &[
            TABLE,
            INDEX,
            req("key_condition_expression", Str, "e.g. \"pk = :pk AND begins_with(sk, :prefix)\"."),
            FILTER,
            PROJECTION,
            NAMES,
            VALUES,
            LIMIT,
            START_KEY,
            opt("scan_index_forward", Bool, "false reads in descending sort-key order."),
            CONSISTENT,
            SELECT,
            CAPACITY,
        ],
    },
    ToolDef {
        name: "scan",
        action: Action::Operation(Operation::Scan),
        effect: Effect::Read,
        description: "Read every item of a table or index (paged), optionally filtered.",
        args: &[
            TABLE,
            INDEX,
            FILTER,
            PROJECTION,
            NAMES,
            VALUES,
            LIMIT,
            START_KEY,
            opt("segment", Int, "This worker's segment of a parallel scan (0-based)."),
            opt("total_segments", Int, "Segments of a parallel scan."),
            CONSISTENT,
            SELECT,
            CAPACITY,
        ],
    },
    ToolDef {
        name: "transact_get_items",
        action: Action::Operation(Operation::TransactGetItems),
        effect: Effect::Read,
        description: "Read up to 100 items by key as one consistent snapshot.",
        args: &[
            req("transact_items", Objects, "[{\"Get\": {\"TableName\", \"Key\", \"ProjectionExpression\"?}}] (PascalCase)."),
            CAPACITY,
        ],
    },
    ToolDef {
        name: "transact_write_items",
        action: Action::Operation(Operation::TransactWriteItems),
        effect: Effect::Destructive,
        description: "Apply up to 100 puts, updates, deletes and condition checks all or nothing.",
        args: &[
            req("transact_items", Objects, "[{\"Put\": {...}} | {\"Update\": {...}} | {\"Delete\": {...}} | {\"ConditionCheck\": {...}}] (PascalCase members, as in the DynamoDB API)."),
            TOKEN,
            CAPACITY,
            COLLECTIONS,
        ],
    },
    ToolDef {
        name: "execute_partiql",
        action: Action::Operation(Operation::ExecuteStatement),
        effect: Effect::Statement,
        description: "Run one PartiQL statement (SELECT, INSERT, UPDATE or DELETE).",
        args: &[
            req("statement", Str, "e.g. \"SELECT * FROM users WHERE pk = ?\"."),
            opt("parameters", Values, "Values for the statement's ?, in DynamoDB JSON: [{\"S\": \"user#1\"}]."),
            CONSISTENT,
            opt("next_token", Str, "NextToken of the previous page of a SELECT."),
            opt("limit", Int, "Items a SELECT evaluates at most in this page."),
            CAPACITY,
        ],
    },
    ToolDef {
        name: "batch_execute_partiql",
        action: Action::Operation(Operation::BatchExecuteStatement),
        effect: Effect::Statement,
        description: "Run up to 25 PartiQL statements (each on its own; all reads or all writes).",
        args: &[
            req("statements", Objects, "[{\"Statement\": \"...\", \"Parameters\": [...]}] (PascalCase)."),
            CAPACITY,
        ],
    },
    ToolDef {
        name: "execute_transaction_partiql",
        action: Action::Operation(Operation::ExecuteTransaction),
        effect: Effect::Statement,
        description: "Run up to 100 PartiQL statements as one transaction.",
        args: &[
            req("transact_statements", Objects, "[{\"Statement\": \"...\", \"Parameters\": [...]}] (PascalCase)."),
            TOKEN,
            CAPACITY,
        ],
    },
    ToolDef {
        name: "update_time_to_live",
        action: Action::Operation(Operation::UpdateTimeToLive),
        effect: Effect::Write,
        description: "Turn TTL on or off for a table (items whose attribute is an epoch second in the past are deleted).",
        args: &[
            TABLE,
            req("time_to_live_specification", Object, "{\"Enabled\": true, \"AttributeName\": \"expires_at\"}."),
        ],
    },
    ToolDef {
        name: "describe_time_to_live",
        action: Action::Operation(Operation::DescribeTimeToLive),
        effect: Effect::Read,
        description: "Show a table's TTL setting.",
        args: &[TABLE],
    },
    ToolDef {
        name: "sweep_ttl",
        action: Action::SweepTtl,
        effect: Effect::Destructive,
        description: "Delete every TTL-expired item now (the server also does it periodically); returns how many.",
        args: &[],
    },
    ToolDef {
        name: "tag_resource",
        action: Action::Operation(Operation::TagResource),
        effect: Effect::Write,
        description: "Add or overwrite tags on a table.",
        args: &[
            req("resource_arn", Str, "The table's ARN (TableArn in describe_table)."),
            req("tags", Objects, "[{\"Key\": \"env\", \"Value\": \"dev\"}]."),
        ],
    },
    ToolDef {
        name: "untag_resource",
        action: Action::Operation(Operation::UntagResource),
        effect: Effect::Write,
        description: "Remove tags from a table.",
        args: &[
            req("resource_arn", Str, "The table's ARN."),
            req("tag_keys", Strings, "The keys of the tags to remove."),
        ],
    },
    ToolDef {
        name: "list_tags_of_resource",
        action: Action::Operation(Operation::ListTagsOfResource),
        effect: Effect::Read,
        description: "List a table's tags.",
        args: &[
            req("resource_arn", Str, "The table's ARN."),
            opt("next_token", Str, "NextToken of the previous page."),
        ],
    },
    ToolDef {
        name: "list_streams",
        action: Action::Operation(Operation::ListStreams),
        effect: Effect::Read,
        description: "List streams (of one table, or all).",
        args: &[
            opt("table_name", Str, "Only this table's streams."),
            opt("limit", Int, "Streams per page (1 to 100)."),
            opt("exclusive_start_stream_arn", Str, "LastEvaluatedStreamArn of the previous page."),
        ],
    },
    ToolDef {
        name: "describe_stream",
        action: Action::Operation(Operation::DescribeStream),
        effect: Effect::Read,
        description: "Describe a stream: status, view type, shards.",
        args: &[
            req("stream_arn", Str, "The stream's ARN (LatestStreamArn in describe_table)."),
            opt("limit", Int, "Shards per page."),
            opt("exclusive_start_shard_id", Str, "LastEvaluatedShardId of the previous page."),
        ],
    },
    ToolDef {
        name: "get_shard_iterator",
        action: Action::Operation(Operation::GetShardIterator),
        effect: Effect::Read,
        description: "Get an iterator to read a stream shard's records from a position.",
        args: &[
            req("stream_arn", Str, "The stream's ARN."),
            req("shard_id", Str, "A ShardId from describe_stream."),
            req("shard_iterator_type", Str, "TRIM_HORIZON, LATEST, AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER."),
            opt("sequence_number", Str, "For AT_ and AFTER_SEQUENCE_NUMBER."),
        ],
    },
    ToolDef {
        name: "get_records",
        action: Action::Operation(Operation::GetRecords),
        effect: Effect::Read,
        description: "Read stream records (INSERT/MODIFY/REMOVE with keys and images) from a shard iterator.",
        args: &[
            req("shard_iterator", Str, "From get_shard_iterator, or NextShardIterator of the previous call."),
            opt("limit", Int, "Records at most (1 to 1000)."),
        ],
    },
    ToolDef {
        name: "create_snapshot",
        action: Action::CreateSnapshot,
        effect: Effect::Write,
        description: "Save a point-in-time copy of the whole database under a name.",
        args: &[opt("name", Str, "Letters, digits, '-', '_' and '.'; default: a timestamp.")],
    },
    ToolDef {
        name: "restore_snapshot",
        action: Action::RestoreSnapshot,
        effect: Effect::Destructive,
        description: "Replace the whole database with a snapshot (all at once).",
        args: &[req("name", Str, "The snapshot's name (list_snapshots).")],
    },
    ToolDef {
        name: "list_snapshots",
        action: Action::ListSnapshots,
        effect: Effect::Read,
        description: "List snapshots: name, time, size, and whether it was taken automatically.",
        args: &[],
    },
    ToolDef {
        name: "delete_snapshot",
        action: Action::DeleteSnapshot,
        effect: Effect::Destructive,
        description: "Delete a snapshot.",
        args: &[req("name", Str, "The snapshot's name.")],
    },
    ToolDef {
        name: "get_database_info",
        action: Action::DatabaseInfo,
        effect: Effect::Read,
        description: "Overview: tables with item counts, sizes, keys and indexes; limits of this server; the data model if one was given.",
        args: &[],
    },
    ToolDef {
        name: "explain",
        action: Action::Explain,
        effect: Effect::Read,
        description: "Show how a Query, Scan, GetItem or PartiQL SELECT runs: its IR, optimised IR, SQL, parameters and SQLite's plan (nothing runs).",
        args: &[
            req("operation", Str, "Query, Scan, GetItem or ExecuteStatement."),
            req("request", Object, "The request as DynamoDB's API takes it, PascalCase: {\"TableName\": ..., \"KeyConditionExpression\": ...}."),
        ],
    },
];

/// The tool called `name`.
pub(crate) fn find(name: &str) -> Option<&'static ToolDef> {
    TOOLS.iter().find(|t| t.name == name)
}

impl ToolDef {
    /// The JSON Schema of the tool's arguments.
    pub fn input_schema(&self) -> Map<String, Value> {
        let mut props = Map::new();
        for a in self.args {
            let mut p = match a.kind {
                Str => json!({"type": "string"}),
                Int => json!({"type": "integer"}),
                Bool => json!({"type": "boolean"}),
                Object => json!({"type": "object"}),
                Objects => json!({"type": "array", "items": {"type": "object"}}),
                Strings => json!({"type": "array", "items": {"type": "string"}}),
                Values => json!({"type": "array", "items": {"type": "object"}}),
            };
            p["description"] = json!(a.doc);
            props.insert(a.name.to_string(), p);
        }
        let required: Vec<&str> = self
            .args
            .iter()
            .filter(|a| a.required)
            .map(|a| a.name)
            .collect();
        let mut schema = Map::new();
        schema.insert("type".into(), json!("object"));
        schema.insert("properties".into(), Value::Object(props));
        if !required.is_empty() {
            schema.insert("required".into(), json!(required));
        }
        schema.insert("additionalProperties".into(), json!(false));
        schema
    }

    /// The DynamoDB request for the tool's arguments: each snake_case argument under its
    /// PascalCase member name. An argument the tool does not take, or of the wrong JSON type,
    /// is an error naming it (never dropped).
    pub fn request(&self, args: &Map<String, Value>) -> Result<Map<String, Value>, String> {
        let mut out = Map::new();
        for (name, value) in args {
            let Some(arg) = self.args.iter().find(|a| a.name == name.as_str()) else {
                let known: Vec<&str> = self.args.iter().map(|a| a.name).collect();
                return Err(if known.is_empty() {
                    format!("{} takes no arguments; got {name}", self.name)
                } else {
                    format!(
                        "{} has no argument {name}; it takes: {}",
                        self.name,
                        known.join(", ")
                    )
                });
            };
            if !kind_matches(arg.kind, value) {
                return Err(format!(
                    "{}: argument {name} must be {}",
                    self.name,
                    kind_text(arg.kind)
                ));
            }
            out.insert(pascal(name), value.clone());
        }
        if let Some(missing) = self
            .args
            .iter()
            .find(|a| a.required && !args.contains_key(a.name))
        {
            return Err(format!(
                "{}: argument {} is required",
                self.name, missing.name
            ));
        }
        Ok(out)
    }
}

fn kind_matches(kind: Kind, v: &Value) -> bool {
    match kind {
        Str => v.is_string(),
        Int => v.is_i64() || v.is_u64(),
        Bool => v.is_boolean(),
        Object => v.is_object(),
        Objects | Values => v.as_array().is_some_and(|a| a.iter().all(Value::is_object)),
        Strings => v.as_array().is_some_and(|a| a.iter().all(Value::is_string)),
    }
}

fn kind_text(kind: Kind) -> &'static str {
    match kind {
        Str => "a string",
        Int => "an integer",
        Bool => "true or false",
        Object => "a JSON object",
        Objects | Values => "a list of JSON objects",
        Strings => "a list of strings",
    }
}

/// DynamoDB's member name for a snake_case argument (`key_condition_expression` ->
/// `KeyConditionExpression`; DynamoDB spells one acronym in capitals).
pub(crate) fn pascal(snake: &str) -> String {
    if snake == "sse_specification" {
        return "SSESpecification".into();
    }
    snake
        .split('_')
        .map(|part| {
            let mut c = part.chars();
            match c.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_schemas_are_objects() {
        let mut names: Vec<&str> = TOOLS.iter().map(|t| t.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), TOOLS.len());
        for t in TOOLS {
            let s = t.input_schema();
            assert_eq!(s["type"], json!("object"), "{}", t.name);
        }
    }

    #[test]
    fn arguments_become_dynamodb_members() {
        assert_eq!(pascal("key_condition_expression"), "KeyConditionExpression");
        assert_eq!(pascal("sse_specification"), "SSESpecification");
        assert_eq!(
            pascal("return_values_on_condition_check_failure"),
            "ReturnValuesOnConditionCheckFailure"
        );
        let query = find("query").unwrap();
        let args = json!({"table_name": "t", "key_condition_expression": "pk = :p",
            "expression_attribute_values": {":p": {"S": "a"}}, "limit": 5});
        let req = query.request(args.as_object().unwrap()).unwrap();
        assert_eq!(
            Value::Object(req),
            json!({"TableName": "t", "KeyConditionExpression": "pk = :p",
                "ExpressionAttributeValues": {":p": {"S": "a"}}, "Limit": 5})
        );
        let e = query
            .request(
                json!({"table_name": "t", "KeyConditionExpression": "x"})
                    .as_object()
                    .unwrap(),
            )
            .unwrap_err();
        assert!(e.contains("has no argument KeyConditionExpression"), "{e}");
        let e = query
            .request(
                json!({"table_name": 3, "key_condition_expression": "x"})
                    .as_object()
                    .unwrap(),
            )
            .unwrap_err();
        assert_eq!(e, "query: argument table_name must be a string");
        let e = query
            .request(json!({"table_name": "t"}).as_object().unwrap())
            .unwrap_err();
        assert_eq!(e, "query: argument key_condition_expression is required");
    }
}
