//! SQLite functions Dynoxide registers on every connection, deterministic so SQLite may use
//! them freely. They see only stored bytes; they depend on nothing above `model` (and the
//! reference semantics in `expr::eval` for the composite types).
//!
//! Values travel between them in the *comparable form* (`model::codec::lookup::comparable`):
//! a type tag, then for S/N/B the bare payload, so equality and order within a type are plain
//! byte comparisons. A missing attribute is SQL NULL; every predicate returns 0 or 1, never
//! NULL, so SQL's NOT/AND/OR give DynamoDB's answers.

use crate::model::codec::lookup::{comparable, decode_comparable, find};
use crate::model::codec::tag;
use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::{Value, ValueRef};
use rusqlite::Connection;
use std::cmp::Ordering;

fn flags() -> FunctionFlags {
    FunctionFlags::SQLITE_UTF8
        | FunctionFlags::SQLITE_DETERMINISTIC
        | FunctionFlags::SQLITE_INNOCUOUS
}

fn blob<'a>(ctx: &'a Context<'_>, i: usize) -> Option<&'a [u8]> {
    match ctx.get_raw(i) {
        ValueRef::Blob(b) => Some(b),
        _ => None,
    }
}

fn is_scalar(t: u8) -> bool {
    matches!(t, tag::S | tag::N | tag::B)
}

/// DynamoDB equality of two comparable forms.
pub fn eq(a: &[u8], b: &[u8]) -> bool {
    match (a.first(), b.first()) {
        (Some(x), Some(y)) if x != y => false,
        (Some(&x), Some(_)) if is_scalar(x) || x <= tag::TRUE => a == b,
        _ => match (decode_comparable(a), decode_comparable(b)) {
            (Some(x), Some(y)) => crate::model::value::same_value(&x, &y),
            _ => false,
        },
    }
}

/// DynamoDB order of two comparable forms: only S, N and B of the same type compare.
pub fn order(a: &[u8], b: &[u8]) -> Option<Ordering> {
    match (a.first(), b.first()) {
        (Some(x), Some(y)) if x == y && is_scalar(*x) => Some(a.cmp(b)),
        _ => None,
    }
}

fn decoded_pair(
    ctx: &Context<'_>,
) -> Option<(crate::model::AttributeValue, crate::model::AttributeValue)> {
    Some((
        decode_comparable(blob(ctx, 0)?)?,
        decode_comparable(blob(ctx, 1)?)?,
    ))
}

/// Splits a raw stored value into its tag and, for S/N/B, its bare payload.
fn scalar_payload(raw: &[u8]) -> Option<(u8, &[u8])> {
    let (&t, rest) = raw.split_first()?;
    if !is_scalar(t) {
        return None;
    }
    let (len, n) = crate::model::codec::get_varint(rest)?;
    Some((t, rest.get(n..n + usize::try_from(len).ok()?)?))
}

/// Equality of a raw stored value and a comparable form, without copying the value.
fn raw_eq(raw: &[u8], c: &[u8]) -> bool {
    match (scalar_payload(raw), c.split_first()) {
        (Some((t, payload)), Some((&ct, cp))) => t == ct && payload == cp,
        (None, Some(_)) => eq(&comparable(raw), c),
        _ => false,
    }
}

/// Order of a raw stored value against a comparable form, without copying the value.
fn raw_order(raw: &[u8], c: &[u8]) -> Option<Ordering> {
    let (t, payload) = scalar_payload(raw)?;
    let (&ct, cp) = c.split_first()?;
    (t == ct).then(|| payload.cmp(cp))
}

/// The SQL names of the functions: registration and the SQL that calls them use these.
pub mod names {
    /// `dynoxide_segment(pk, total)`: a partition key's parallel-scan segment.
    pub const SEGMENT: &str = "dynoxide_segment";
    /// `ddb_path(item, path)`: the comparable form of the value at a path, or NULL.
    pub const PATH: &str = "ddb_path";
    /// `ddb_path_eq(item, path, v)`: `path = v`, compared in place.
    pub const PATH_EQ: &str = "ddb_path_eq";
    /// `ddb_path_order(item, path, v)`: -1, 0 or 1 for `path` against `v`, or NULL.
    pub const PATH_ORDER: &str = "ddb_path_order";
    /// `ddb_eq(a, b)`: DynamoDB equality of two comparable values.
    pub const EQ: &str = "ddb_eq";
    /// `ddb_order(a, b)`: -1, 0 or 1, or NULL when the two do not compare.
    pub const ORDER: &str = "ddb_order";
    /// `ddb_begins_with(a, b)`.
    pub const BEGINS_WITH: &str = "ddb_begins_with";
    /// `ddb_contains(a, b)`.
    pub const CONTAINS: &str = "ddb_contains";
    /// `ddb_size(v)`: DynamoDB's size() as a comparable N, or NULL.
    pub const SIZE: &str = "ddb_size";
    /// `ddb_type(v)`: the type name of a comparable value.
    pub const TYPE: &str = "ddb_type";
}

/// Registers every function on a connection (before any statement uses them).
pub fn register(conn: &Connection) -> rusqlite::Result<()> {
    conn.create_scalar_function(names::SEGMENT, 2, flags(), |ctx| {
        let key = ctx.get_raw(0).as_blob().unwrap_or_default();
        let total: i64 = ctx.get(1)?;
        Ok(segment_of(key, total))
    })?;
    // ddb_path(item, path): the comparable form of the value at a path, or NULL.
    conn.create_scalar_function(names::PATH, 2, flags(), |ctx| {
        Ok(match (blob(ctx, 0), blob(ctx, 1)) {
            (Some(item), Some(path)) => find(item, path).map(|raw| Value::Blob(comparable(raw))),
            _ => None,
        }
        .unwrap_or(Value::Null))
    })?;
    // ddb_path_eq / ddb_path_order(item, path, v): the common `path <op> :value` in one call,
    // comparing in place.
    conn.create_scalar_function(names::PATH_EQ, 3, flags(), |ctx| {
        Ok(match (blob(ctx, 0), blob(ctx, 1), blob(ctx, 2)) {
            (Some(item), Some(path), Some(v)) => find(item, path).is_some_and(|raw| raw_eq(raw, v)),
            _ => false,
        })
    })?;
    conn.create_scalar_function(names::PATH_ORDER, 3, flags(), |ctx| {
        Ok(match (blob(ctx, 0), blob(ctx, 1), blob(ctx, 2)) {
            (Some(item), Some(path), Some(v)) => find(item, path)
                .and_then(|raw| raw_order(raw, v))
                .map(|o| o as i64),
            _ => None,
        })
    })?;
    conn.create_scalar_function(names::EQ, 2, flags(), |ctx| {
        Ok(matches!((blob(ctx, 0), blob(ctx, 1)), (Some(a), Some(b)) if eq(a, b)))
    })?;
    // ddb_order(a, b): -1, 0 or 1, or NULL when the two do not compare.
    conn.create_scalar_function(names::ORDER, 2, flags(), |ctx| {
        Ok(match (blob(ctx, 0), blob(ctx, 1)) {
            (Some(a), Some(b)) => order(a, b).map(|o| o as i64),
            _ => None,
        })
    })?;
    conn.create_scalar_function(names::BEGINS_WITH, 2, flags(), |ctx| {
        Ok(match (blob(ctx, 0), blob(ctx, 1)) {
            (Some(a), Some(b)) => {
                matches!((a.first(), b.first()), (Some(&x), Some(&y)) if x == y && (x == tag::S || x == tag::B))
                    && a.starts_with(b)
            }
            _ => false,
        })
    })?;
    conn.create_scalar_function(names::CONTAINS, 2, flags(), |ctx| {
        Ok(decoded_pair(ctx).is_some_and(|(x, y)| crate::model::value::contains(&x, &y)))
    })?;
    // ddb_size(v): DynamoDB's size() as a comparable N, or NULL.
    conn.create_scalar_function(names::SIZE, 1, flags(), |ctx| {
        let size = blob(ctx, 0)
            .and_then(decode_comparable)
            .and_then(|v| crate::model::value::size_of(&v));
        Ok(
            match size.and_then(|n| crate::model::Number::parse(&n.to_string()).ok()) {
                Some(num) => {
                    let mut out = vec![tag::N];
                    num.encode_ordered(&mut out);
                    Value::Blob(out)
                }
                None => Value::Null,
            },
        )
    })?;
    conn.create_scalar_function(names::TYPE, 1, flags(), |ctx| {
        Ok(blob(ctx, 0)
            .and_then(decode_comparable)
            .map(|v| v.type_name().to_string()))
    })
}

/// The parallel-scan segment of a partition key: a stable hash (FNV-1a) modulo the count, so
/// every partition belongs to exactly one segment.
pub fn segment_of(partition_key: &[u8], total_segments: i64) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in partition_key {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    (h % total_segments.max(1) as u64) as i64
}

#[cfg(test)]
mod tests {
    #[test]
    fn segments_cover_every_key_once() {
        for total in 1..8 {
            for k in 0..100u8 {
                let s = super::segment_of(&[k, 7], total);
                assert!((0..total).contains(&s));
            }
        }
    }
}
