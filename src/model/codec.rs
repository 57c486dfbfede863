//! The stored item format: a compact binary encoding built for path lookup without decoding.
//!
//! ```text
//! value := tag payload
//!   NULL 0 | FALSE 1 | TRUE 2
//!   S 3 / B 5: varint len, bytes          N 4: varint len, ordered number bytes
//!   SS 6 / NS 7 / BS 8: varint body_len, varint count, (varint len, bytes)*
//!   L 9: varint body_len, varint count, value*
//!   M 10: varint body_len, varint count, (varint name_len, name, value)*   names sorted
//! ```
//! Every container carries its byte length, so any value is skipped in O(1); map names are
//! sorted by their UTF-8 bytes so a lookup can stop early. Numbers are stored in their
//! order-preserving form so comparisons are byte comparisons. An item is stored as an M value.
//!
//! Encoding validates as it goes (numbers, sets, NULL) and computes DynamoDB's item size.

use super::number::Number;
use super::value::{AttributeValue, Item};
use crate::error::{Error, Result};

/// Value tags of the stored format.
pub mod tag {
    /// NULL.
    pub const NULL: u8 = 0;
    /// BOOL false.
    pub const FALSE: u8 = 1;
    /// BOOL true.
    pub const TRUE: u8 = 2;
    /// String.
    pub const S: u8 = 3;
    /// Number.
    pub const N: u8 = 4;
    /// Binary.
    pub const B: u8 = 5;
    /// String set.
    pub const SS: u8 = 6;
    /// Number set.
    pub const NS: u8 = 7;
    /// Binary set.
    pub const BS: u8 = 8;
    /// List.
    pub const L: u8 = 9;
    /// Map.
    pub const M: u8 = 10;
}

/// An item in the stored format together with its DynamoDB size in bytes.
#[derive(Clone, Debug, PartialEq)]
pub struct EncodedItem {
    /// The stored bytes (an M value).
    pub bytes: Vec<u8>,
    /// DynamoDB's item size (names plus values).
    pub size: usize,
}

/// An unsigned LEB128 varint: its bytes and their count.
fn varint_bytes(mut v: u64) -> ([u8; 10], usize) {
    let mut b = [0u8; 10];
    let mut i = 0;
    while v >= 0x80 {
        b[i] = (v as u8) | 0x80;
        v >>= 7;
        i += 1;
    }
    b[i] = v as u8;
    (b, i + 1)
}

/// Appends an unsigned LEB128 varint.
pub fn put_varint(out: &mut Vec<u8>, v: u64) {
    if v < 0x80 {
        out.push(v as u8);
        return;
    }
    let (b, n) = varint_bytes(v);
    out.extend_from_slice(&b[..n]);
}

/// Reads an unsigned LEB128 varint, returning it and the bytes consumed.
pub fn get_varint(b: &[u8]) -> Option<(u64, usize)> {
    let mut v: u64 = 0;
    for (i, &byte) in b.iter().enumerate().take(10) {
        v |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Some((v, i + 1));
        }
    }
    None
}

pub(crate) fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put_varint(out, b.len() as u64);
    out.extend_from_slice(b);
}

/// Appends a length-prefixed ordered number; the encoding is at most 22 bytes, so the
/// varint length is one byte and is patched in place.
fn put_number(out: &mut Vec<u8>, n: &Number) {
    let at = out.len();
    out.push(0);
    n.encode_ordered(out);
    out[at] = (out.len() - at - 1) as u8;
}

/// Reserves space for a container header and patches it once the body is written.
fn with_container(
    out: &mut Vec<u8>,
    t: u8,
    count: usize,
    body: impl FnOnce(&mut Vec<u8>) -> Result<usize>,
) -> Result<usize> {
    out.push(t);
    // Write the body in place, then slide it right to fit its length prefix.
    let start = out.len();
    put_varint(out, count as u64);
    let size = body(out)?;
    let body_len = (out.len() - start) as u64;
    if body_len < 0x80 {
        out.insert(start, body_len as u8);
    } else {
        let (len, n) = varint_bytes(body_len);
        out.splice(start..start, len[..n].iter().copied());
    }
    Ok(size)
}

/// True if two members are equal; small sets (the common case) skip hashing and allocation.
fn has_duplicates<T: Ord>(members: &[T]) -> bool {
    if members.len() <= 16 {
        return members
            .iter()
            .enumerate()
            .any(|(i, a)| members[i + 1..].contains(a));
    }
    let mut sorted: Vec<&T> = members.iter().collect();
    sorted.sort_unstable();
    sorted.windows(2).any(|w| w[0] == w[1])
}

// DynamoDB's own texts, odd spacing included.
fn set_error(kind: &str) -> Error {
    match kind {
        "binary" => Error::invalid_param("Binary sets should not be empty"),
        _ => Error::invalid_param(format!("An {kind} set  may not be empty")),
    }
}

/// Deepest nesting DynamoDB accepts: a top-level attribute is level 1.
pub const MAX_DEPTH: usize = 32;

/// Encodes one value, validating it; returns its DynamoDB size (without any name).
pub fn encode_value(v: &AttributeValue, out: &mut Vec<u8>) -> Result<usize> {
    encode_at(v, out, 1)
}

fn encode_at(v: &AttributeValue, out: &mut Vec<u8>, depth: usize) -> Result<usize> {
    if depth > MAX_DEPTH {
        return Err(Error::validation(
            "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit",
        ));
    }
    Ok(match v {
        AttributeValue::Null(true) => {
            out.push(tag::NULL);
            1
        }
        AttributeValue::Null(false) => {
            return Err(Error::invalid_param(
                "Null attribute value types must have the value of true",
            ))
        }
        AttributeValue::Bool(b) => {
            out.push(if *b { tag::TRUE } else { tag::FALSE });
            1
        }
        AttributeValue::S(s) => {
            out.push(tag::S);
            put_bytes(out, s.as_bytes());
            s.len()
        }
        AttributeValue::B(b) => {
            out.push(tag::B);
            put_bytes(out, b);
            b.len()
        }
        AttributeValue::N(s) => {
            let n = Number::parse(s)?;
            out.push(tag::N);
            put_number(out, &n);
            n.size()
        }
        AttributeValue::Ss(members) => {
            if members.is_empty() {
                return Err(set_error("string"));
            }
            if has_duplicates(members) {
                return Err(Error::invalid_param(format!(
                    "Input collection [{}] contains duplicates.",
                    members.join(", ")
                )));
            }
            with_container(out, tag::SS, members.len(), |o| {
                Ok(members
                    .iter()
                    .map(|m| {
                        put_bytes(o, m.as_bytes());
                        m.len()
                    })
                    .sum())
            })?
        }
        AttributeValue::Bs(members) => {
            if members.is_empty() {
                return Err(set_error("binary"));
            }
            if has_duplicates(members) {
                let printed: Vec<String> = members
                    .iter()
                    .map(|m| base64::Engine::encode(&base64::engine::general_purpose::STANDARD, m))
                    .collect();
                return Err(Error::invalid_param(format!(
                    "Input collection [{}]of type BS contains duplicates.",
                    printed.join(", ")
                )));
            }
            with_container(out, tag::BS, members.len(), |o| {
                Ok(members
                    .iter()
                    .map(|m| {
                        put_bytes(o, m);
                        m.len()
                    })
                    .sum())
            })?
        }
        AttributeValue::Ns(members) => {
            if members.is_empty() {
                return Err(set_error("number"));
            }
            let mut nums = Vec::with_capacity(members.len());
            for m in members {
                nums.push(Number::parse(m)?);
            }
            if has_duplicates(&nums) {
                return Err(Error::validation("Input collection contains duplicates"));
            }
            with_container(out, tag::NS, nums.len(), |o| {
                Ok(nums
                    .iter()
                    .map(|n| {
                        put_number(o, n);
                        n.size()
                    })
                    .sum())
            })?
        }
        AttributeValue::L(items) => with_container(out, tag::L, items.len(), |o| {
            let mut size = 3;
            for v in items {
                size += encode_at(v, o, depth + 1)? + 1;
            }
            Ok(size)
        })?,
        AttributeValue::M(map) => encode_map(map, out, depth + 1)? + 3,
    })
}

/// Encodes a map whose values sit at `depth` (BTreeMap iterates names in byte order, as the
/// format requires).
fn encode_map(map: &Item, out: &mut Vec<u8>, depth: usize) -> Result<usize> {
    with_container(out, tag::M, map.len(), |o| {
        let mut size = 0;
        for (name, v) in map {
            put_bytes(o, name.as_bytes());
            size += name.len() + encode_at(v, o, depth)? + 1;
        }
        Ok(size)
    })
}

/// Validates one value without keeping its encoding.
pub fn check_value(v: &AttributeValue) -> Result<()> {
    match v {
        AttributeValue::S(_) | AttributeValue::B(_) | AttributeValue::Bool(_) => Ok(()),
        _ => encode_value(v, &mut Vec::new()).map(|_| ()),
    }
}

/// Encodes and validates an item; the size is DynamoDB's (names + values, no map overhead).
pub fn encode_item(item: &Item) -> Result<EncodedItem> {
    let mut bytes = Vec::with_capacity(64);
    let inner = encode_map(item, &mut bytes, 1)?;
    // Top-level attributes carry no per-element byte.
    Ok(EncodedItem {
        bytes,
        size: inner - item.len(),
    })
}

fn corrupt() -> Error {
    Error::internal("stored item is corrupt")
}

/// A cursor over stored bytes.
struct Reader<'a> {
    b: &'a [u8],
}

impl<'a> Reader<'a> {
    fn varint(&mut self) -> Result<usize> {
        let (v, n) = get_varint(self.b).ok_or_else(corrupt)?;
        self.b = &self.b[n..];
        usize::try_from(v).map_err(|_| corrupt())
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if n > self.b.len() {
            return Err(corrupt());
        }
        let (h, t) = self.b.split_at(n);
        self.b = t;
        Ok(h)
    }

    fn bytes(&mut self) -> Result<&'a [u8]> {
        let n = self.varint()?;
        self.take(n)
    }

    fn string(&mut self) -> Result<String> {
        String::from_utf8(self.bytes()?.to_vec()).map_err(|_| corrupt())
    }

    fn number(&mut self) -> Result<Number> {
        Number::decode_ordered(self.bytes()?).ok_or_else(corrupt)
    }

    fn tag(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }

    /// The next whole value (tag and payload) as bytes.
    fn value_bytes(&mut self) -> Result<&'a [u8]> {
        let start = self.b;
        skip_value(self)?;
        Ok(&start[..start.len() - self.b.len()])
    }

    /// Enters a container: returns a reader over its body and the element count.
    fn container(&mut self) -> Result<(Reader<'a>, usize)> {
        let body = self.bytes()?;
        let mut r = Reader { b: body };
        let count = r.varint()?;
        Ok((r, count))
    }

    fn value(&mut self) -> Result<AttributeValue> {
        Ok(match self.tag()? {
            tag::NULL => AttributeValue::Null(true),
            tag::FALSE => AttributeValue::Bool(false),
            tag::TRUE => AttributeValue::Bool(true),
            tag::S => AttributeValue::S(self.string()?),
            tag::B => AttributeValue::B(self.bytes()?.to_vec()),
            tag::N => AttributeValue::N(self.number()?.to_string()),
            tag::SS => {
                let (mut r, n) = self.container()?;
                AttributeValue::Ss((0..n).map(|_| r.string()).collect::<Result<_>>()?)
            }
            tag::NS => {
                let (mut r, n) = self.container()?;
                AttributeValue::Ns(
                    (0..n)
                        .map(|_| r.number().map(|x| x.to_string()))
                        .collect::<Result<_>>()?,
                )
            }
            tag::BS => {
                let (mut r, n) = self.container()?;
                AttributeValue::Bs(
                    (0..n)
                        .map(|_| r.bytes().map(<[u8]>::to_vec))
                        .collect::<Result<_>>()?,
                )
            }
            tag::L => {
                let (mut r, n) = self.container()?;
                AttributeValue::L((0..n).map(|_| r.value()).collect::<Result<_>>()?)
            }
            tag::M => {
                let (mut r, n) = self.container()?;
                AttributeValue::M(r.entries(n)?)
            }
            _ => return Err(corrupt()),
        })
    }

    fn entries(&mut self, n: usize) -> Result<Item> {
        let mut m = Item::new();
        for _ in 0..n {
            let name = self.string()?;
            let v = self.value()?;
            m.insert(name, v);
        }
        Ok(m)
    }
}

/// Decodes a stored item.
pub fn decode_item(bytes: &[u8]) -> Result<Item> {
    let mut r = Reader { b: bytes };
    if r.tag()? != tag::M {
        return Err(corrupt());
    }
    let (mut body, n) = r.container()?;
    body.entries(n)
}

/// Decodes only the named top-level attributes of a stored item.
pub fn decode_attributes(bytes: &[u8], mut wanted: impl FnMut(&str) -> bool) -> Result<Item> {
    let mut r = Reader { b: bytes };
    if r.tag()? != tag::M {
        return Err(corrupt());
    }
    let (mut body, n) = r.container()?;
    let mut m = Item::new();
    for _ in 0..n {
        let name = std::str::from_utf8(body.bytes()?).map_err(|_| corrupt())?;
        if wanted(name) {
            let v = body.value()?;
            m.insert(name.to_string(), v);
        } else {
            skip_value(&mut body)?;
        }
    }
    Ok(m)
}

/// A stored item written as DynamoDB JSON straight from its bytes, without building an
/// [`Item`]: the wire path of reads. Serialises exactly as the decoded item would.
pub struct StoredItem<'a>(pub &'a [u8]);

impl serde::Serialize for StoredItem<'_> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> std::result::Result<S::Ok, S::Error> {
        let mut r = Reader { b: self.0 };
        match r.tag() {
            Ok(tag::M) => {}
            _ => return Err(ser_corrupt()),
        }
        let (body, n) = r.container().map_err(|_| ser_corrupt())?;
        StoredEntries(body, n).serialize(ser)
    }
}

fn ser_corrupt<E: serde::ser::Error>() -> E {
    E::custom("stored item is corrupt")
}

/// The body of a stored map: `n` names and values.
struct StoredEntries<'a>(Reader<'a>, usize);

impl serde::Serialize for StoredEntries<'_> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut r = Reader { b: self.0.b };
        // The count comes from stored bytes: bound the hint by what the bytes can hold.
        let mut m = ser.serialize_map(Some(self.1.min(r.b.len())))?;
        for _ in 0..self.1 {
            let name = r.bytes().map_err(|_| ser_corrupt())?;
            let name = std::str::from_utf8(name).map_err(|_| ser_corrupt())?;
            m.serialize_entry(
                name,
                &StoredValue(r.value_bytes().map_err(|_| ser_corrupt())?),
            )?;
        }
        m.end()
    }
}

/// One stored value (tag and payload) written as `{"<type>": ...}`.
struct StoredValue<'a>(&'a [u8]);

/// The members of a stored set or list, each written by `kind`.
struct StoredMembers<'a>(&'a [u8], MemberKind);

#[derive(Clone, Copy)]
enum MemberKind {
    Str,
    Num,
    Bin,
    Value,
}

fn base64_display(
    b: &[u8],
) -> base64::display::Base64Display<'_, '_, base64::engine::GeneralPurpose> {
    base64::display::Base64Display::new(b, &base64::engine::general_purpose::STANDARD)
}

impl serde::Serialize for StoredValue<'_> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut r = Reader { b: self.0 };
        let t = r.tag().map_err(|_| ser_corrupt())?;
        let mut m = ser.serialize_map(Some(1))?;
        // Every tag after TRUE carries a length-prefixed payload.
        let p: &[u8] = if t > tag::TRUE {
            r.bytes().map_err(|_| ser_corrupt())?
        } else {
            &[]
        };
        match t {
            tag::NULL => m.serialize_entry("NULL", &true)?,
            tag::FALSE => m.serialize_entry("BOOL", &false)?,
            tag::TRUE => m.serialize_entry("BOOL", &true)?,
            tag::S => {
                let s = std::str::from_utf8(p).map_err(|_| ser_corrupt())?;
                m.serialize_entry("S", s)?
            }
            tag::N => {
                let n = Number::decode_ordered(p).ok_or_else(ser_corrupt)?;
                m.serialize_entry("N", &DisplayStr(&n))?
            }
            tag::B => m.serialize_entry("B", &DisplayStr(&base64_display(p)))?,
            tag::SS => m.serialize_entry("SS", &StoredMembers(p, MemberKind::Str))?,
            tag::NS => m.serialize_entry("NS", &StoredMembers(p, MemberKind::Num))?,
            tag::BS => m.serialize_entry("BS", &StoredMembers(p, MemberKind::Bin))?,
            tag::L => m.serialize_entry("L", &StoredMembers(p, MemberKind::Value))?,
            tag::M => {
                let mut body = Reader { b: p };
                let n = body.varint().map_err(|_| ser_corrupt())?;
                m.serialize_entry("M", &StoredEntries(body, n))?
            }
            _ => return Err(ser_corrupt()),
        }
        m.end()
    }
}

impl serde::Serialize for StoredMembers<'_> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut r = Reader { b: self.0 };
        let n = r.varint().map_err(|_| ser_corrupt())?;
        let mut seq = ser.serialize_seq(Some(n.min(r.b.len())))?;
        for _ in 0..n {
            match self.1 {
                MemberKind::Value => seq
                    .serialize_element(&StoredValue(r.value_bytes().map_err(|_| ser_corrupt())?))?,
                kind => {
                    let b = r.bytes().map_err(|_| ser_corrupt())?;
                    match kind {
                        MemberKind::Str => seq.serialize_element(
                            std::str::from_utf8(b).map_err(|_| ser_corrupt())?,
                        )?,
                        MemberKind::Num => seq.serialize_element(&DisplayStr(
                            &Number::decode_ordered(b).ok_or_else(ser_corrupt)?,
                        ))?,
                        _ => seq.serialize_element(&DisplayStr(&base64_display(b)))?,
                    }
                }
            }
        }
        seq.end()
    }
}

/// Serialises anything `Display` as a JSON string without building a `String` first.
struct DisplayStr<'a, T: std::fmt::Display>(&'a T);

impl<T: std::fmt::Display> serde::Serialize for DisplayStr<'_, T> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> std::result::Result<S::Ok, S::Error> {
        ser.collect_str(self.0)
    }
}

fn skip_value(r: &mut Reader<'_>) -> Result<()> {
    match r.tag()? {
        tag::NULL | tag::FALSE | tag::TRUE => {}
        tag::S | tag::B | tag::N | tag::SS | tag::NS | tag::BS | tag::L | tag::M => {
            r.bytes()?;
        }
        _ => return Err(corrupt()),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn value() -> impl Strategy<Value = AttributeValue> {
        let num = (any::<i64>(), -20i32..20).prop_map(|(m, e)| format!("{m}E{e}"));
        let leaf = prop_oneof![
            ".{0,12}".prop_map(AttributeValue::S),
            num.clone().prop_map(AttributeValue::N),
            proptest::collection::vec(any::<u8>(), 0..12).prop_map(AttributeValue::B),
            any::<bool>().prop_map(AttributeValue::Bool),
            Just(AttributeValue::Null(true)),
            proptest::collection::btree_set(".{0,6}", 1..5)
                .prop_map(|s| AttributeValue::Ss(s.into_iter().collect())),
            proptest::collection::btree_set(any::<i32>(), 1..5)
                .prop_map(|s| AttributeValue::Ns(s.into_iter().map(|n| n.to_string()).collect())),
            proptest::collection::btree_set(proptest::collection::vec(any::<u8>(), 0..6), 1..4)
                .prop_map(|s| AttributeValue::Bs(s.into_iter().collect())),
        ];
        leaf.prop_recursive(4, 64, 8, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(AttributeValue::L),
                proptest::collection::btree_map(".{0,8}", inner, 0..6).prop_map(AttributeValue::M),
            ]
        })
    }

    /// The value as DynamoDB returns it: numbers normalised.
    fn normalised(v: &AttributeValue) -> AttributeValue {
        let n = |s: &String| Number::parse(s).unwrap().to_string();
        match v {
            AttributeValue::N(s) => AttributeValue::N(n(s)),
            AttributeValue::Ns(v) => AttributeValue::Ns(v.iter().map(n).collect()),
            AttributeValue::L(v) => AttributeValue::L(v.iter().map(normalised).collect()),
            AttributeValue::M(m) => {
                AttributeValue::M(m.iter().map(|(k, v)| (k.clone(), normalised(v))).collect())
            }
            other => other.clone(),
        }
    }

    proptest! {
        #[test]
        fn random_items_roundtrip(item in proptest::collection::btree_map(".{0,8}", value(), 0..8)) {
            let enc = encode_item(&item).unwrap();
            let back = decode_item(&enc.bytes).unwrap();
            prop_assert_eq!(AttributeValue::M(back), normalised(&AttributeValue::M(item)));
        }

        #[test]
        fn stored_items_serialise_like_decoded_ones(item in proptest::collection::btree_map(".{0,8}", value(), 0..8)) {
            let enc = encode_item(&item).unwrap();
            let direct = serde_json::to_string(&StoredItem(&enc.bytes)).unwrap();
            let decoded = serde_json::to_string(&decode_item(&enc.bytes).unwrap()).unwrap();
            prop_assert_eq!(direct, decoded);
        }
    }

    #[test]
    fn corrupt_bytes_are_errors_on_both_read_paths() {
        let it = item(
            json!({"a": {"S": "x"}, "b": {"NS": ["1", "2"]}, "c": {"BS": ["AQ=="]},
            "d": {"L": [{"M": {"e": {"N": "-1.5"}}}, {"NULL": true}]}}),
        );
        let enc = encode_item(&it).unwrap().bytes;
        let mut variants: Vec<Vec<u8>> = (0..enc.len()).map(|n| enc[..n].to_vec()).collect();
        for i in 0..enc.len() {
            for x in [0x00, 0x7f, 0xff] {
                let mut v = enc.clone();
                v[i] = x;
                variants.push(v);
            }
        }
        for v in variants {
            let decoded = decode_item(&v);
            let direct = serde_json::to_vec(&StoredItem(&v));
            // Both succeed alike (a changed name may leave names unsorted: same object, other
            // order) or both fail; a tree-building serializer must not panic either.
            match (&decoded, &direct) {
                (Ok(d), Ok(bytes)) => assert_eq!(
                    serde_json::to_value(d).unwrap(),
                    serde_json::from_slice::<serde_json::Value>(bytes).unwrap()
                ),
                (Err(_), Err(_)) => {}
                _ => panic!("paths disagree on {v:?}: {decoded:?} vs {direct:?}"),
            }
            let _ = serde_json::to_value(StoredItem(&v));
        }
    }

    fn item(j: serde_json::Value) -> Item {
        serde_json::from_value(j).unwrap()
    }

    #[test]
    fn roundtrip_every_type() {
        let it = item(
            json!({"a": {"S": "x"}, "b": {"N": "1.50"}, "c": {"B": "AQI="}, "d": {"BOOL": true},
            "e": {"NULL": true}, "f": {"M": {"g": {"L": [{"S": "h"}, {"N": "-3"}, {"BOOL": false}]}}},
            "i": {"SS": ["b", "a"]}, "j": {"NS": ["1", "-2.5"]}, "k": {"BS": ["AQ=="]}, "": {"M": {}}, "z": {"L": []}}),
        );
        let enc = encode_item(&it).unwrap();
        let back = decode_item(&enc.bytes).unwrap();
        let mut expected = it.clone();
        expected.insert("b".into(), AttributeValue::N("1.5".into()));
        assert_eq!(back, expected);
        let only = decode_attributes(&enc.bytes, |n| n == "f" || n == "k").unwrap();
        assert_eq!(only.len(), 2);
        assert_eq!(only["k"], it["k"]);
    }

    #[test]
    fn rejects_invalid_values() {
        for (j, msg) in [
            (json!({"a": {"NULL": false}}), "One or more parameter values were invalid: Null attribute value types must have the value of true"),
            (json!({"a": {"SS": []}}), "One or more parameter values were invalid: An string set  may not be empty"),
            (json!({"a": {"NS": ["1", "1.0"]}}), "Input collection contains duplicates"),
            (json!({"a": {"SS": ["a", "a"]}}), "One or more parameter values were invalid: Input collection [a, a] contains duplicates."),
            (json!({"a": {"BS": ["Yg==", "Yg=="]}}), "One or more parameter values were invalid: Input collection [Yg==, Yg==]of type BS contains duplicates."),
            (json!({"a": {"BS": []}}), "One or more parameter values were invalid: Binary sets should not be empty"),
            (json!({"a": {"L": [{"N": "x"}]}}), "The parameter cannot be converted to a numeric value: x"),
        ] {
            assert_eq!(encode_item(&item(j)).unwrap_err().message(), msg);
        }
    }

    #[test]
    fn nesting_limit() {
        let nest = |levels: usize| {
            let mut v = AttributeValue::Null(true);
            for _ in 1..levels {
                v = AttributeValue::L(vec![v]);
            }
            Item::from([("a".to_string(), v)])
        };
        assert!(encode_item(&nest(32)).is_ok());
        assert!(encode_item(&nest(33))
            .unwrap_err()
            .message()
            .starts_with("Nesting Levels have exceeded supported limits"));
    }

    #[test]
    fn sizes_follow_dynamodb_rules() {
        // name (1) + string (3)
        assert_eq!(
            encode_item(&item(json!({"a": {"S": "abc"}}))).unwrap().size,
            4
        );
        // name (1) + map overhead 3 + entry name 1 + value 1 + element byte 1
        assert_eq!(
            encode_item(&item(json!({"a": {"M": {"b": {"BOOL": true}}}})))
                .unwrap()
                .size,
            7
        );
        // name (1) + list overhead 3 + (1 + 1) per element
        assert_eq!(
            encode_item(&item(json!({"a": {"L": [{"NULL": true}, {"NULL": true}]}})))
                .unwrap()
                .size,
            8
        );
        // The Developer Guide's worked examples.
        let l = json!({"hhhhhhhh": {"L": [{"S": "a"}, {"S": "aa"}, {"S": "bb"}, {"S": "ccc"}]}});
        assert_eq!(encode_item(&item(l)).unwrap().size, 23);
        let m = json!({"iiiiiiiii": {"M": {"aa": {"S": "aa"}, "bbb": {"S": "bbb"}}}});
        assert_eq!(encode_item(&item(m)).unwrap().size, 24);
    }
}

/// Lookups on stored bytes without decoding the item: what the SQLite functions use.
pub mod lookup {
    use super::{get_varint, tag, Reader};
    use crate::error::Result;
    use crate::model::number::Number;
    use crate::model::value::AttributeValue;

    /// One step of an encoded path.
    pub enum Step<'a> {
        /// A map key.
        Key(&'a [u8]),
        /// A list index.
        Index(u64),
    }

    /// Encodes a document path for a bound parameter: `1 len name` or `2 index` per step.
    pub fn encode_path<'a>(steps: impl IntoIterator<Item = Step<'a>>) -> Vec<u8> {
        let mut out = Vec::new();
        for s in steps {
            match s {
                Step::Key(k) => {
                    out.push(1);
                    super::put_bytes(&mut out, k);
                }
                Step::Index(i) => {
                    out.push(2);
                    super::put_varint(&mut out, i);
                }
            }
        }
        out
    }

    fn skip(b: &[u8]) -> Option<usize> {
        match *b.first()? {
            tag::NULL | tag::FALSE | tag::TRUE => Some(1),
            tag::S..=tag::M => {
                let (len, n) = get_varint(&b[1..])?;
                Some(1 + n + usize::try_from(len).ok()?)
            }
            _ => None,
        }
    }

    /// The raw value (tag first) at an encoded path in a stored item, if present.
    pub fn find<'a>(item: &'a [u8], mut path: &[u8]) -> Option<&'a [u8]> {
        let mut cur = item;
        let mut first = true;
        while !path.is_empty() {
            let (kind, rest) = path.split_first()?;
            let container = *cur.first()?;
            let (body_len, n) = get_varint(cur.get(1..)?)?;
            let body = cur.get(1 + n..1 + n + usize::try_from(body_len).ok()?)?;
            let (count, m) = get_varint(body)?;
            let mut entries = &body[m..];
            match (*kind, container) {
                (1, tag::M) => {
                    let (klen, k) = get_varint(rest)?;
                    let key = rest.get(k..k + usize::try_from(klen).ok()?)?;
                    path = &rest[k + key.len()..];
                    let mut found = None;
                    for _ in 0..count {
                        let (nlen, j) = get_varint(entries)?;
                        let name = entries.get(j..j + usize::try_from(nlen).ok()?)?;
                        let value = &entries[j + name.len()..];
                        let size = skip(value)?;
                        if name == key {
                            found = Some(&value[..size]);
                            break;
                        }
                        // Names are stored sorted: past the key means absent.
                        if name > key {
                            break;
                        }
                        entries = &value[size..];
                    }
                    cur = found?;
                }
                (2, tag::L) if !first => {
                    let (idx, k) = get_varint(rest)?;
                    path = &rest[k..];
                    if idx >= count {
                        return None;
                    }
                    for _ in 0..idx {
                        entries = &entries[skip(entries)?..];
                    }
                    cur = &entries[..skip(entries)?];
                }
                _ => return None,
            }
            first = false;
        }
        Some(cur)
    }

    /// The comparable form of a raw value: tag then, for S/N/B, the bare payload (so that
    /// byte order within a type is DynamoDB's order); other types keep their encoding.
    pub fn comparable(raw: &[u8]) -> Vec<u8> {
        match raw.first() {
            Some(&t @ (tag::S | tag::N | tag::B)) => {
                let payload = get_varint(&raw[1..]).map_or(&[][..], |(len, n)| {
                    raw.get(1 + n..1 + n + len as usize).unwrap_or_default()
                });
                let mut out = Vec::with_capacity(payload.len() + 1);
                out.push(t);
                out.extend_from_slice(payload);
                out
            }
            Some(&t) if t <= tag::TRUE => vec![t],
            Some(&t) => {
                let mut out = Vec::with_capacity(raw.len() + 1);
                out.push(t);
                out.extend_from_slice(raw);
                out
            }
            None => Vec::new(),
        }
    }

    /// The comparable form of a value (for bound parameters).
    pub fn comparable_value(v: &AttributeValue) -> Result<Vec<u8>> {
        let mut raw = Vec::new();
        super::encode_value(v, &mut raw)?;
        Ok(comparable(&raw))
    }

    /// Decodes a comparable form back into a value.
    pub fn decode_comparable(c: &[u8]) -> Option<AttributeValue> {
        let (&t, rest) = c.split_first()?;
        Some(match t {
            tag::NULL => AttributeValue::Null(true),
            tag::FALSE => AttributeValue::Bool(false),
            tag::TRUE => AttributeValue::Bool(true),
            tag::S => AttributeValue::S(String::from_utf8(rest.to_vec()).ok()?),
            tag::N => AttributeValue::N(Number::decode_ordered(rest)?.to_string()),
            tag::B => AttributeValue::B(rest.to_vec()),
            _ => Reader { b: rest }.value().ok()?,
        })
    }
}
