//! Key encoding: a key attribute's value as bytes whose unsigned order is DynamoDB's order.
//!
//! A key column holds one type only (fixed by AttributeDefinitions), so no type tag is needed:
//! S is its UTF-8 bytes, B its raw bytes, N the order-preserving number encoding.

use super::number::Number;
use super::value::AttributeValue;
use crate::error::Result;
use serde::{Deserialize, Serialize};

/// The scalar types a key attribute can have.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ScalarType {
    /// String.
    S,
    /// Number.
    N,
    /// Binary.
    B,
}

impl ScalarType {
    /// The type's name as DynamoDB prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            ScalarType::S => "S",
            ScalarType::N => "N",
            ScalarType::B => "B",
        }
    }

    /// Parses "S", "N" or "B".
    pub fn parse(s: &str) -> Option<ScalarType> {
        match s {
            "S" => Some(ScalarType::S),
            "N" => Some(ScalarType::N),
            "B" => Some(ScalarType::B),
            _ => None,
        }
    }

    /// The type of a value if it is this scalar type's value.
    pub fn of(v: &AttributeValue) -> Option<ScalarType> {
        match v {
            AttributeValue::S(_) => Some(ScalarType::S),
            AttributeValue::N(_) => Some(ScalarType::N),
            AttributeValue::B(_) => Some(ScalarType::B),
            _ => None,
        }
    }
}

/// Encodes a key value (S, N or B; callers check the type against the schema first, with
/// DynamoDB's message); numbers are validated here.
pub fn encode_key_value(v: &AttributeValue) -> Result<Vec<u8>> {
    Ok(match v {
        AttributeValue::S(s) => s.as_bytes().to_vec(),
        AttributeValue::B(b) => b.clone(),
        AttributeValue::N(n) => Number::parse(n)?.to_ordered_bytes(),
        other => {
            return Err(crate::error::Error::validation(format!(
                "A key value must be of type S, N or B, not {}",
                other.type_name()
            )))
        }
    })
}

/// Decodes a key column back into a value of the given type.
pub fn decode_key_value(t: ScalarType, bytes: &[u8]) -> Option<AttributeValue> {
    Some(match t {
        ScalarType::S => AttributeValue::S(String::from_utf8(bytes.to_vec()).ok()?),
        ScalarType::B => AttributeValue::B(bytes.to_vec()),
        ScalarType::N => AttributeValue::N(Number::decode_ordered(bytes)?.to_string()),
    })
}

/// Bytes as a SQL blob literal, `x'..'`.
pub fn hex(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len() * 2 + 3);
    s.push_str("x'");
    for byte in b {
        s.push_str(&format!("{byte:02x}"));
    }
    s.push('\'');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_that_is_no_key_type_is_an_error() {
        let e = encode_key_value(&AttributeValue::Bool(true)).unwrap_err();
        assert_eq!(
            e.message(),
            "A key value must be of type S, N or B, not BOOL"
        );
    }
    use proptest::prelude::*;

    fn number_strategy() -> impl Strategy<Value = String> {
        (
            any::<bool>(),
            proptest::collection::vec(0u8..10, 1..=38),
            -140i32..140,
        )
            .prop_map(|(neg, digits, exp)| {
                let d: String = digits.iter().map(|d| char::from(b'0' + d)).collect();
                format!("{}{}E{}", if neg { "-" } else { "" }, d, exp)
            })
    }

    proptest! {
        #[test]
        fn encoded_order_is_numeric_order(a in number_strategy(), b in number_strategy()) {
            let (Ok(x), Ok(y)) = (Number::parse(&a), Number::parse(&b)) else { return Ok(()); };
            let ex = encode_key_value(&AttributeValue::N(a.clone())).unwrap();
            let ey = encode_key_value(&AttributeValue::N(b.clone())).unwrap();
            prop_assert_eq!(x.cmp(&y), ex.cmp(&ey), "{} vs {}", a, b);
            prop_assert_eq!(decode_key_value(ScalarType::N, &ex), Some(AttributeValue::N(x.to_string())));
        }

        #[test]
        fn number_order_matches_exact_reference(a in number_strategy(), b in number_strategy()) {
            let (Ok(x), Ok(y)) = (Number::parse(&a), Number::parse(&b)) else { return Ok(()); };
            prop_assert_eq!(x.cmp(&y), reference_cmp(&x.to_string(), &y.to_string()));
        }

        #[test]
        fn strings_and_binaries_keep_byte_order(a in ".*", b in ".*") {
            let ea = encode_key_value(&AttributeValue::S(a.clone())).unwrap();
            let eb = encode_key_value(&AttributeValue::S(b.clone())).unwrap();
            prop_assert_eq!(a.as_bytes().cmp(b.as_bytes()), ea.cmp(&eb));
        }
    }

    /// Compares two plain decimal strings digit by digit (independent of `Number`).
    fn reference_cmp(a: &str, b: &str) -> std::cmp::Ordering {
        let split = |s: &str| -> (bool, String, String) {
            let (neg, s) = s.strip_prefix('-').map_or((false, s), |r| (true, r));
            let (i, f) = s.split_once('.').unwrap_or((s, ""));
            (neg, i.to_string(), f.to_string())
        };
        let (na, ia, fa) = split(a);
        let (nb, ib, fb) = split(b);
        let is_zero =
            |i: &str, f: &str| i.trim_matches('0').is_empty() && f.trim_matches('0').is_empty();
        let sign = |n: bool, i: &str, f: &str| {
            if is_zero(i, f) {
                0
            } else if n {
                -1
            } else {
                1
            }
        };
        let (sa, sb) = (sign(na, &ia, &fa), sign(nb, &ib, &fb));
        if sa != sb {
            return sa.cmp(&sb);
        }
        let w = ia.len().max(ib.len());
        let fw = fa.len().max(fb.len());
        let pad = |i: &str, f: &str| format!("{:0>w$}{:0<fw$}", i, f, w = w, fw = fw);
        let mag = pad(&ia, &fa).cmp(&pad(&ib, &fb));
        if sa < 0 {
            mag.reverse()
        } else {
            mag
        }
    }
}
