//! The schema of an import: DescribeTable output (`{"Table": {...}}`, as `aws dynamodb
//! describe-table` prints it) or a JSON array of them, turned into CreateTable requests that
//! recreate keys, attribute definitions, GSIs, LSIs, billing and throughput, and the stream.
//! Unknown fields are ignored.

use serde_json::{json, Map, Value};

/// The CreateTable request of each table, by name, in the file's order.
pub fn create_requests(source: &str, text: &str) -> Result<Vec<(String, Value)>, String> {
    let root: Value = serde_json::from_str(text).map_err(|e| format!("{source}: not JSON: {e}"))?;
    let tables: Vec<&Value> = match &root {
        Value::Array(list) => list.iter().collect(),
        one => vec![one],
    };
    let mut out = Vec::new();
    for (i, t) in tables.into_iter().enumerate() {
        let at = |what: &str| format!("{source}: table {}: {what}", i + 1);
        let t = t.get("Table").unwrap_or(t);
        let t = t
            .as_object()
            .ok_or_else(|| at("expected {\"Table\": {...}}"))?;
        let name = t
            .get("TableName")
            .and_then(Value::as_str)
            .ok_or_else(|| at("no TableName"))?
            .to_string();
        out.push((name, create_request(t)));
    }
    Ok(out)
}

fn copy(from: &Map<String, Value>, to: &mut Map<String, Value>, key: &str) {
    if let Some(v) = from.get(key) {
        to.insert(key.to_string(), v.clone());
    }
}

/// ReadCapacityUnits and WriteCapacityUnits of a ProvisionedThroughput description (which
/// also carries decreases and times that CreateTable does not take).
fn throughput(pt: Option<&Value>) -> Value {
    let units = |k: &str| {
        pt.and_then(|p| p.get(k))
            .and_then(Value::as_i64)
            .filter(|n| *n > 0)
            .unwrap_or(1)
    };
    json!({"ReadCapacityUnits": units("ReadCapacityUnits"), "WriteCapacityUnits": units("WriteCapacityUnits")})
}

fn create_request(t: &Map<String, Value>) -> Value {
    let mut req = Map::new();
    for key in ["TableName", "AttributeDefinitions", "KeySchema"] {
        copy(t, &mut req, key);
    }
    let mode = t
        .get("BillingModeSummary")
        .and_then(|b| b.get("BillingMode"))
        .and_then(Value::as_str)
        .unwrap_or("PROVISIONED");
    let provisioned = mode != "PAY_PER_REQUEST";
    req.insert("BillingMode".into(), json!(mode));
    if provisioned {
        req.insert(
            "ProvisionedThroughput".into(),
            throughput(t.get("ProvisionedThroughput")),
        );
    }
    let index = |ix: &Value, global: bool| {
        let mut out = Map::new();
        if let Some(ix) = ix.as_object() {
            for key in ["IndexName", "KeySchema", "Projection"] {
                copy(ix, &mut out, key);
            }
            if global && provisioned {
                out.insert(
                    "ProvisionedThroughput".into(),
                    throughput(ix.get("ProvisionedThroughput")),
                );
            }
        }
        Value::Object(out)
    };
    for (key, global) in [
        ("GlobalSecondaryIndexes", true),
        ("LocalSecondaryIndexes", false),
    ] {
        if let Some(list) = t.get(key).and_then(Value::as_array) {
            req.insert(
                key.into(),
                Value::Array(list.iter().map(|ix| index(ix, global)).collect()),
            );
        }
    }
    if let Some(spec) = t.get("StreamSpecification") {
        if spec.get("StreamEnabled") == Some(&json!(true)) {
            req.insert("StreamSpecification".into(), spec.clone());
        }
    }
    Value::Object(req)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_table_output_becomes_create_table() {
        let text = r#"{"Table": {"TableName": "orders", "TableStatus": "ACTIVE", "ItemCount": 9,
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "g", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "ProvisionedThroughput": {"NumberOfDecreasesToday": 0, "ReadCapacityUnits": 0, "WriteCapacityUnits": 0},
            "BillingModeSummary": {"BillingMode": "PAY_PER_REQUEST"},
            "GlobalSecondaryIndexes": [{"IndexName": "byg", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"}, "IndexStatus": "ACTIVE", "ItemCount": 3,
                "ProvisionedThroughput": {"ReadCapacityUnits": 0, "WriteCapacityUnits": 0}}],
            "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "NEW_IMAGE"}}}"#;
        let reqs = create_requests("s.json", text).unwrap();
        assert_eq!(reqs[0].0, "orders");
        assert_eq!(
            reqs[0].1,
            json!({"TableName": "orders", "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "g", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                "GlobalSecondaryIndexes": [{"IndexName": "byg", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}], "Projection": {"ProjectionType": "ALL"}}],
                "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "NEW_IMAGE"}})
        );
        assert!(create_requests("s.json", "[{\"Table\": {}}]")
            .unwrap_err()
            .contains("table 1: no TableName"));
    }
}
