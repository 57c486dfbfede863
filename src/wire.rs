//! JSON at the edge: requests in, responses out, with DynamoDB's error for bad input.

use crate::error::{Error, Result};
use crate::model::value::VALIDATION_MARKER;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Deserialises a request; type errors become SerializationException.
pub fn from_json<T: DeserializeOwned>(v: serde_json::Value) -> Result<T> {
    // A null request is an empty one, as DynamoDB reads it (then: missing members).
    let v = if v.is_null() {
        serde_json::json!({})
    } else {
        v
    };
    serde_json::from_value(v).map_err(de_error)
}

/// Deserialises a request body; bad JSON and type errors become SerializationException.
pub fn from_slice<T: DeserializeOwned>(body: &[u8]) -> Result<T> {
    if body.trim_ascii() == b"null" {
        return from_json(serde_json::Value::Null);
    }
    serde_json::from_slice(body).map_err(de_error)
}

/// Serialises a response.
pub fn to_json<T: Serialize>(v: &T) -> Result<serde_json::Value> {
    serde_json::to_value(v).map_err(|e| Error::internal(e.to_string()))
}

/// Serialises a response body.
pub fn to_vec<T: Serialize>(v: &T) -> Result<Vec<u8>> {
    serde_json::to_vec(v).map_err(|e| Error::internal(e.to_string()))
}

fn de_error(e: serde_json::Error) -> Error {
    let msg = e.to_string();
    // Only our own deserialisers put the marker first; input text can never start a message.
    if let Some(rest) = msg.strip_prefix(VALIDATION_MARKER) {
        // serde_json appends " at line L column C" to errors raised while reading text.
        let rest = rest.split(" at line ").next().unwrap_or(rest);
        return Error::validation(rest.to_string());
    }
    Error::serialization(serialization_message(&e, &msg))
}

/// Structs that appear as list elements or map values ("value" positions in Coral's terms).
const VALUE_STRUCTS: &[&str] = &[
    "AttributeValue",
    "KeySchemaElement",
    "AttributeDefinition",
    "LocalSecondaryIndex",
    "GlobalSecondaryIndex",
    "GlobalSecondaryIndexUpdate",
    "Tag",
];

/// DynamoDB's (Java) wording for a JSON type error, from serde's description of it.
fn serialization_message(e: &serde_json::Error, msg: &str) -> String {
    use serde_json::error::Category;
    let plain = || msg.split(" at line ").next().unwrap_or(msg).to_string();
    match e.classify() {
        // Text that is not JSON at all: DynamoDB names only the exception.
        Category::Syntax | Category::Eof => return String::new(),
        Category::Data => {}
        Category::Io => return plain(),
    }
    let Some(rest) = msg.strip_prefix("invalid type: ") else {
        return plain();
    };
    let (got, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
    let expected = expected.split(" at line ").next().unwrap_or(expected);
    enum Target<'a> {
        Scalar(&'static str),
        Bytes,
        List,
        Map,
        Struct(&'a str),
    }
    let target = match expected {
        "a string" => Target::Scalar("String"),
        "i32" | "u32" => Target::Scalar("Integer"),
        "i64" | "u64" => Target::Scalar("Long"),
        "a boolean" => Target::Scalar("Boolean"),
        "base64-encoded bytes" => Target::Bytes,
        "a map" => Target::Map,
        e if e.starts_with("a sequence") => Target::List,
        e if e.contains("AttributeValue") => Target::Struct("AttributeValue"),
        e => Target::Struct(e.strip_prefix("struct ").unwrap_or(e)),
    };
    let kind = match got {
        g if g.starts_with("integer") => "NUMBER_VALUE",
        g if g.starts_with("floating point") => "DECIMAL_VALUE",
        "boolean `true`" => "TRUE_VALUE",
        "boolean `false`" => "FALSE_VALUE",
        g if g.starts_with("string") => "STRING_VALUE",
        "sequence" => "LIST",
        "map" => "MAP",
        _ => return plain(),
    };
    let ns = "com.amazonaws.dynamodb.v20120810";
    match (kind, target) {
        ("MAP", _) => "Start of structure or map found where not expected".into(),
        ("LIST", Target::Scalar(t)) => format!("Unrecognized collection type class java.lang.{t}"),
        ("LIST", Target::Bytes) => "Unrecognized collection type class java.nio.ByteBuffer".into(),
        ("LIST", Target::Map) => {
            format!(
                "Unrecognized collection type java.util.Map<java.lang.String, {ns}.AttributeValue>"
            )
        }
        ("LIST", Target::Struct(name)) => format!("Unrecognized collection type class {ns}.{name}"),
        ("LIST", Target::List) => plain(),
        (_, Target::Bytes) => "only base-64-encoded strings are convertible to bytes".into(),
        (_, Target::List | Target::Map) => "Unexpected field type".into(),
        (_, Target::Struct(name)) if VALUE_STRUCTS.contains(&name) => {
            "Unexpected value type in payload".into()
        }
        (_, Target::Struct(_)) => "Unexpected field type".into(),
        ("STRING_VALUE", Target::Scalar("Boolean")) => {
            "Unexpected token received from parser".into()
        }
        (k, Target::Scalar(t)) => format!("{k} cannot be converted to {t}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{CreateTableInput, ListTablesInput, PutItemInput};

    fn ser_msg<T: DeserializeOwned + std::fmt::Debug>(body: &str) -> String {
        let e = from_slice::<T>(body.as_bytes()).unwrap_err();
        assert_eq!(e.code(), crate::ErrorCode::SerializationException, "{body}");
        e.message().to_string()
    }

    #[test]
    fn java_style_type_errors() {
        assert_eq!(
            ser_msg::<ListTablesInput>(r#"{"ExclusiveStartTableName": 5}"#),
            "NUMBER_VALUE cannot be converted to String"
        );
        assert_eq!(
            ser_msg::<ListTablesInput>(r#"{"ExclusiveStartTableName": 1.5}"#),
            "DECIMAL_VALUE cannot be converted to String"
        );
        assert_eq!(
            ser_msg::<ListTablesInput>(r#"{"ExclusiveStartTableName": true}"#),
            "TRUE_VALUE cannot be converted to String"
        );
        assert_eq!(
            ser_msg::<ListTablesInput>(r#"{"ExclusiveStartTableName": []}"#),
            "Unrecognized collection type class java.lang.String"
        );
        assert_eq!(
            ser_msg::<ListTablesInput>(r#"{"ExclusiveStartTableName": {}}"#),
            "Start of structure or map found where not expected"
        );
        assert_eq!(
            ser_msg::<ListTablesInput>(r#"{"Limit": "1"}"#),
            "STRING_VALUE cannot be converted to Integer"
        );
        assert_eq!(
            ser_msg::<ListTablesInput>(r#"{"Limit": false}"#),
            "FALSE_VALUE cannot be converted to Integer"
        );
        assert_eq!(
            ser_msg::<CreateTableInput>(r#"{"ProvisionedThroughput": {"ReadCapacityUnits": "1"}}"#),
            "STRING_VALUE cannot be converted to Long"
        );
        assert_eq!(
            ser_msg::<CreateTableInput>(r#"{"ProvisionedThroughput": 1}"#),
            "Unexpected field type"
        );
        assert_eq!(
            ser_msg::<CreateTableInput>(r#"{"KeySchema": [1]}"#),
            "Unexpected value type in payload"
        );
        assert_eq!(ser_msg::<PutItemInput>(r#"{"Item": []}"#), "Unrecognized collection type java.util.Map<java.lang.String, com.amazonaws.dynamodb.v20120810.AttributeValue>");
        assert_eq!(
            ser_msg::<PutItemInput>(r#"{"Item": {"a": {"B": true}}}"#),
            "only base-64-encoded strings are convertible to bytes"
        );
        assert_eq!(
            ser_msg::<PutItemInput>(r#"{"Item": {"a": {"B": []}}}"#),
            "Unrecognized collection type class java.nio.ByteBuffer"
        );
        assert_eq!(
            ser_msg::<PutItemInput>(r#"{"Item": {"a": {"BOOL": "x"}}}"#),
            "Unexpected token received from parser"
        );
        assert_eq!(
            ser_msg::<CreateTableInput>(r#"{"KeySchema": "x"}"#),
            "Unexpected field type"
        );
        assert_eq!(
            ser_msg::<PutItemInput>(r#"{"TableName": "abc", "Item": {"a": "x"}}"#),
            "Unexpected value type in payload"
        );
    }

    #[test]
    fn null_members_are_absent() {
        let v: ListTablesInput = from_slice(br#"{"Limit": null, "Unknown": 1}"#).unwrap();
        assert_eq!(v, ListTablesInput::default());
    }
}
