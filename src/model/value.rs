//! `AttributeValue`: DynamoDB's typed value, serialised exactly as on the wire.

use base64::Engine as _;
use serde::de::{self, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;

/// An item or key: attribute name -> value.
pub type Item = BTreeMap<String, AttributeValue>;

/// A DynamoDB attribute value. Numbers travel as strings, as on the wire.
#[derive(Clone, Debug, PartialEq)]
pub enum AttributeValue {
    /// String.
    S(String),
    /// Number, in DynamoDB's decimal syntax.
    N(String),
    /// Binary (base64 on the wire).
    B(Vec<u8>),
    /// Boolean.
    Bool(bool),
    /// Null (must be true).
    Null(bool),
    /// Map.
    M(Item),
    /// List.
    L(Vec<AttributeValue>),
    /// String set.
    Ss(Vec<String>),
    /// Number set.
    Ns(Vec<String>),
    /// Binary set.
    Bs(Vec<Vec<u8>>),
}

impl AttributeValue {
    /// The type descriptor DynamoDB uses in messages: S, N, B, BOOL, NULL, M, L, SS, NS, BS.
    pub fn type_name(&self) -> &'static str {
        match self {
            AttributeValue::S(_) => "S",
            AttributeValue::N(_) => "N",
            AttributeValue::B(_) => "B",
            AttributeValue::Bool(_) => "BOOL",
            AttributeValue::Null(_) => "NULL",
            AttributeValue::M(_) => "M",
            AttributeValue::L(_) => "L",
            AttributeValue::Ss(_) => "SS",
            AttributeValue::Ns(_) => "NS",
            AttributeValue::Bs(_) => "BS",
        }
    }

    /// Shorthand for a string value.
    pub fn s(v: impl Into<String>) -> Self {
        AttributeValue::S(v.into())
    }

    /// Shorthand for a number value.
    pub fn n(v: impl ToString) -> Self {
        AttributeValue::N(v.to_string())
    }
}

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

impl Serialize for AttributeValue {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let mut m = ser.serialize_map(Some(1))?;
        match self {
            AttributeValue::S(v) => m.serialize_entry("S", v)?,
            AttributeValue::N(v) => m.serialize_entry("N", v)?,
            AttributeValue::B(v) => m.serialize_entry("B", &b64().encode(v))?,
            AttributeValue::Bool(v) => m.serialize_entry("BOOL", v)?,
            AttributeValue::Null(v) => m.serialize_entry("NULL", v)?,
            AttributeValue::M(v) => m.serialize_entry("M", v)?,
            AttributeValue::L(v) => m.serialize_entry("L", v)?,
            AttributeValue::Ss(v) => m.serialize_entry("SS", v)?,
            AttributeValue::Ns(v) => m.serialize_entry("NS", v)?,
            AttributeValue::Bs(v) => {
                let enc: Vec<String> = v.iter().map(|b| b64().encode(b)).collect();
                m.serialize_entry("BS", &enc)?
            }
        }
        m.end()
    }
}

/// Marker that turns a deserialisation error into a ValidationException (see `wire::from_json`).
pub(crate) const VALIDATION_MARKER: &str = "\u{1}validation:";

struct Base64Bytes(Vec<u8>);

impl<'de> Deserialize<'de> for Base64Bytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Base64Bytes;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                // `wire` maps this wording to DynamoDB's message.
                f.write_str("base64-encoded bytes")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Base64Bytes, E> {
                decode_base64(s).map(Base64Bytes).map_err(E::custom)
            }
        }
        d.deserialize_str(V)
    }
}

/// Decodes standard, padded base64 with DynamoDB's SerializationException texts.
pub(crate) fn decode_base64(s: &str) -> Result<Vec<u8>, String> {
    use base64::DecodeError;
    if !s.len().is_multiple_of(4) {
        return Err(format!(
            "Base64 encoded length is expected a multiple of 4 bytes but found: {}",
            s.len()
        ));
    }
    b64().decode(s).map_err(|e| match e {
        DecodeError::InvalidByte(_, c) => format!(
            "'{s}' can not be converted to a Blob: Invalid Base64 character: '{}'",
            char::from(c)
        ),
        // AWS's own spelling.
        _ => "Invalid last non-pad Base64 character dectected".to_string(),
    })
}

impl<'de> Deserialize<'de> for AttributeValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(AvVisitor)
    }
}

struct AvVisitor;

impl<'de> Visitor<'de> for AvVisitor {
    type Value = AttributeValue;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an AttributeValue object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AttributeValue, A::Error> {
        let mut found: Option<AttributeValue> = None;
        let mut count = 0;
        while let Some(key) = map.next_key::<String>()? {
            let v = match key.as_str() {
                "S" => map.next_value::<Option<String>>()?.map(AttributeValue::S),
                "N" => map.next_value::<Option<String>>()?.map(AttributeValue::N),
                "B" => map
                    .next_value::<Option<Base64Bytes>>()?
                    .map(|b| AttributeValue::B(b.0)),
                "BOOL" => map.next_value::<Option<bool>>()?.map(AttributeValue::Bool),
                "NULL" => map.next_value::<Option<bool>>()?.map(AttributeValue::Null),
                "M" => map.next_value::<Option<Item>>()?.map(AttributeValue::M),
                "L" => map
                    .next_value::<Option<Vec<AttributeValue>>>()?
                    .map(AttributeValue::L),
                "SS" => map
                    .next_value::<Option<Vec<String>>>()?
                    .map(AttributeValue::Ss),
                "NS" => map
                    .next_value::<Option<Vec<String>>>()?
                    .map(AttributeValue::Ns),
                "BS" => map
                    .next_value::<Option<Vec<Base64Bytes>>>()?
                    .map(|v| AttributeValue::Bs(v.into_iter().map(|b| b.0).collect())),
                _ => {
                    map.next_value::<de::IgnoredAny>()?;
                    None
                }
            };
            if let Some(v) = v {
                count += 1;
                found = Some(v);
            }
        }
        match (count, found) {
            (1, Some(v)) => Ok(v),
            (0, _) => Err(de::Error::custom(format!(
                "{VALIDATION_MARKER}Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
            ))),
            _ => Err(de::Error::custom(format!(
                "{VALIDATION_MARKER}Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"
            ))),
        }
    }
}

/// DynamoDB equality: same type and value; numbers by value; sets ignore order.
pub fn same_value(a: &AttributeValue, b: &AttributeValue) -> bool {
    use AttributeValue as V;
    match (a, b) {
        (V::N(a), V::N(b)) => parsed(a).is_some() && parsed(a) == parsed(b),
        (V::Ss(a), V::Ss(b)) => a.len() == b.len() && a.iter().all(|x| b.contains(x)),
        (V::Bs(a), V::Bs(b)) => a.len() == b.len() && a.iter().all(|x| b.contains(x)),
        (V::Ns(a), V::Ns(b)) => {
            let (a, b): (Vec<_>, Vec<_>) = (
                a.iter().filter_map(|s| parsed(s)).collect(),
                b.iter().filter_map(|s| parsed(s)).collect(),
            );
            a.len() == b.len() && a.iter().all(|x| b.contains(x))
        }
        (V::L(a), V::L(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_value(x, y)),
        (V::M(a), V::M(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(k, v)| b.get(k).is_some_and(|w| same_value(v, w)))
        }
        _ => a == b,
    }
}

/// DynamoDB's `contains`: substring, set membership or list element.
pub fn contains(a: &AttributeValue, b: &AttributeValue) -> bool {
    use AttributeValue as V;
    match (a, b) {
        (V::S(a), V::S(b)) => a.contains(b.as_str()),
        (V::B(a), V::B(b)) => b.is_empty() || a.windows(b.len()).any(|w| w == b.as_slice()),
        (V::Ss(a), V::S(b)) => a.contains(b),
        (V::Bs(a), V::B(b)) => a.contains(b),
        (V::Ns(a), V::N(b)) => parsed(b).is_some_and(|b| a.iter().any(|x| parsed(x) == Some(b))),
        (V::L(a), b) => a.iter().any(|x| same_value(x, b)),
        _ => false,
    }
}

/// DynamoDB's `size()`: string length in UTF-8 bytes, binary length, element counts.
pub fn size_of(v: &AttributeValue) -> Option<usize> {
    Some(match v {
        AttributeValue::S(s) => s.len(),
        AttributeValue::B(b) => b.len(),
        AttributeValue::Ss(s) => s.len(),
        AttributeValue::Ns(s) => s.len(),
        AttributeValue::Bs(s) => s.len(),
        AttributeValue::L(l) => l.len(),
        AttributeValue::M(m) => m.len(),
        _ => return None,
    })
}

fn parsed(s: &str) -> Option<crate::model::Number> {
    crate::model::Number::parse(s).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn wire_roundtrip() {
        let j = json!({"a": {"S": "x"}, "b": {"N": "1"}, "c": {"B": "AQI="}, "d": {"BOOL": true},
            "e": {"NULL": true}, "f": {"M": {"g": {"L": [{"S": "h"}]}}}, "i": {"SS": ["a"]},
            "j": {"NS": ["1"]}, "k": {"BS": ["AQ=="]}});
        let item: Item = serde_json::from_value(j.clone()).unwrap();
        assert_eq!(item["c"], AttributeValue::B(vec![1, 2]));
        assert_eq!(serde_json::to_value(&item).unwrap(), j);
    }

    #[test]
    fn empty_and_multiple_types_are_validation_errors() {
        let e = serde_json::from_value::<AttributeValue>(json!({})).unwrap_err();
        assert!(e.to_string().contains("Supplied AttributeValue is empty"));
        let e = serde_json::from_value::<AttributeValue>(json!({"S": "a", "N": "1"})).unwrap_err();
        assert!(e.to_string().contains("more than one datatypes"));
    }
}
