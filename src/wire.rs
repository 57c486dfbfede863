//! JSON at the edge: requests in, responses out, with DynamoDB's error for bad input.

use crate::error::{Error, Result};
use crate::model::value::VALIDATION_MARKER;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Deserialises a request; type errors become SerializationException.
pub fn from_json<T: DeserializeOwned>(v: serde_json::Value) -> Result<T> {
    serde_json::from_value(v).map_err(|e| {
        let msg = e.to_string();
        match msg.find(VALIDATION_MARKER) {
            Some(i) => Error::validation(msg[i + VALIDATION_MARKER.len()..].to_string()),
            None => Error::serialization(msg),
        }
    })
}

/// Serialises a response.
pub fn to_json<T: Serialize>(v: &T) -> Result<serde_json::Value> {
    serde_json::to_value(v).map_err(|e| Error::internal(e.to_string()))
}
