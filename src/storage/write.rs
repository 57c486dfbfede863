//! The one write path: every item mutation goes through [`write_item`], which keeps the
//! secondary indexes and the counters in step inside the caller's transaction.

use super::schema::{IndexMeta, ProjectionKind, TableMeta};
use crate::error::Result;
use crate::model::codec::{decode_attributes, encode_value, EncodedItem};
use crate::model::key::{encode_key_value, ScalarType};
use crate::model::value::{AttributeValue, Item};
use rusqlite::{params, Connection, OptionalExtension};

/// The stored form of an item as read back.
#[derive(Clone, Debug)]
pub(crate) struct StoredItem {
    pub bytes: Vec<u8>,
    pub size: usize,
}

/// Units one index was charged (by a write, or by a Query or Scan that read it).
#[derive(Clone, Debug)]
pub(crate) struct IndexUnits {
    pub index: String,
    pub global: bool,
    pub units: f64,
}

/// What a write replaced, and which indexes it touched.
#[derive(Debug, Default)]
pub(crate) struct WriteOutcome {
    pub old: Option<StoredItem>,
    pub index_writes: Vec<IndexUnits>,
}

/// Counter changes to apply once the transaction commits.
#[derive(Debug, Default)]
pub(crate) struct Delta {
    pub items: i64,
    pub bytes: i64,
    /// Per index (same order as `TableMeta::indexes`): item and byte changes.
    pub indexes: Vec<(i64, i64)>,
}

impl Delta {
    /// Applies the changes to a table's counters.
    pub fn apply(self, t: &mut TableMeta) {
        t.item_count += self.items;
        t.size_bytes += self.bytes;
        for (ix, (n, b)) in t.indexes.iter_mut().zip(self.indexes) {
            ix.item_count += n;
            ix.size_bytes += b;
        }
    }
}

/// Write units for a size: 1 KB units, at least one.
pub(crate) fn write_units(size: usize) -> f64 {
    size.div_ceil(1024).max(1) as f64
}

/// Puts (`new = Some`) or deletes (`new = None`) the item at an encoded key.
pub(crate) fn write_item(
    conn: &Connection,
    t: &TableMeta,
    pk: &[u8],
    sk: &[u8],
    new: Option<(&Item, &EncodedItem)>,
    delta: &mut Delta,
) -> Result<WriteOutcome> {
    let old = {
        let mut stmt = conn.prepare_cached(&t.sql.select)?;
        stmt.query_row(params![pk, sk], |r| {
            Ok(StoredItem {
                bytes: r.get(0)?,
                size: r.get::<_, i64>(1)? as usize,
            })
        })
        .optional()?
    };
    match new {
        Some((_, enc)) => {
            let mut stmt = conn.prepare_cached(&t.sql.upsert)?;
            stmt.execute(params![pk, sk, enc.size as i64, enc.bytes])?;
        }
        None if old.is_some() => {
            let mut stmt = conn.prepare_cached(&t.sql.delete)?;
            stmt.execute(params![pk, sk])?;
        }
        None => {}
    }
    delta.items += i64::from(new.is_some()) - i64::from(old.is_some());
    delta.bytes +=
        new.map_or(0, |(_, e)| e.size as i64) - old.as_ref().map_or(0, |o| o.size as i64);

    let mut index_writes = Vec::new();
    if delta.indexes.len() < t.indexes.len() {
        delta.indexes.resize(t.indexes.len(), (0, 0));
    }
    for (i, ix) in t.indexes.iter().enumerate() {
        let old_entry = match &old {
            Some(o) => {
                let item =
                    decode_attributes(&o.bytes, |n| ix.key.has(n) || ix.projects(&t.key, n))?;
                entry(t, ix, &item, o.size)
            }
            None => None,
        };
        let new_entry = new.and_then(|(item, enc)| entry(t, ix, item, enc.size));
        let mut units = 0.0;
        match (&old_entry, &new_entry) {
            (Some(o), Some(n)) if o.ipk == n.ipk && o.isk == n.isk => {
                // Compare as DynamoDB values: the old side is decoded (numbers normalised).
                if !same_item(&o.projected, &n.projected) {
                    let mut stmt = conn.prepare_cached(&ix.sql.update)?;
                    stmt.execute(params![n.ipk, n.isk, pk, sk, n.size as i64])?;
                    delta.indexes[i].1 += n.size as i64 - o.size as i64;
                    units += write_units(n.size.max(o.size));
                }
            }
            _ => {
                if let Some(o) = &old_entry {
                    let mut stmt = conn.prepare_cached(&ix.sql.delete)?;
                    stmt.execute(params![o.ipk, o.isk, pk, sk])?;
                    delta.indexes[i].0 -= 1;
                    delta.indexes[i].1 -= o.size as i64;
                    units += write_units(o.size);
                }
                if let Some(n) = &new_entry {
                    insert_entry(conn, ix, n, pk, sk)?;
                    delta.indexes[i].0 += 1;
                    delta.indexes[i].1 += n.size as i64;
                    units += write_units(n.size);
                }
            }
        }
        if units > 0.0 {
            index_writes.push(IndexUnits {
                index: ix.name.clone(),
                global: ix.global,
                units,
            });
        }
    }
    Ok(WriteOutcome { old, index_writes })
}

/// An item's entry in one index.
struct Entry {
    ipk: Vec<u8>,
    isk: Vec<u8>,
    size: usize,
    /// The projected attributes, to tell whether an overwrite changes the entry.
    projected: Item,
}

fn same_item(a: &Item, b: &Item) -> bool {
    a.len() == b.len()
        && a.iter()
            .all(|(k, v)| b.get(k).is_some_and(|w| crate::expr::eval::equal(v, w)))
}

/// An index key value, or None when DynamoDB would not index the item by it (absent, another
/// type, empty, or too long: writes reject those, but items stored before a GSI existed may
/// have them).
fn key_bytes(v: Option<&AttributeValue>, ty: ScalarType, max: usize) -> Option<Vec<u8>> {
    let v = v?;
    if ScalarType::of(v) != Some(ty) {
        return None;
    }
    let len = match v {
        AttributeValue::S(s) => s.len(),
        AttributeValue::B(b) => b.len(),
        _ => 1,
    };
    if len == 0 || len > max {
        return None;
    }
    encode_key_value(v).ok()
}

/// The index entry for an item, or None when the item lacks the index key (sparse index).
fn entry(t: &TableMeta, ix: &IndexMeta, item: &Item, item_size: usize) -> Option<Entry> {
    let ipk = key_bytes(item.get(&ix.key.hash.name), ix.key.hash.ty, 2048)?;
    let isk = match &ix.key.range {
        Some(r) => key_bytes(item.get(&r.name), r.ty, 1024)?,
        None => Vec::new(),
    };
    let (size, projected) = match ix.projection {
        // ALL stores the whole item: compare whole items.
        ProjectionKind::All => (item_size, item.clone()),
        _ => {
            let proj: Item = item
                .iter()
                .filter(|(n, _)| ix.projects(&t.key, n))
                .map(|(n, v)| (n.clone(), v.clone()))
                .collect();
            let size = proj.iter().map(|(n, v)| n.len() + value_size(v)).sum();
            (size, proj)
        }
    };
    Some(Entry {
        ipk,
        isk,
        size,
        projected,
    })
}

fn value_size(v: &AttributeValue) -> usize {
    let mut scratch = Vec::new();
    encode_value(v, &mut scratch).unwrap_or(0)
}

fn insert_entry(conn: &Connection, ix: &IndexMeta, e: &Entry, pk: &[u8], sk: &[u8]) -> Result<()> {
    let mut stmt = conn.prepare_cached(&ix.sql.insert)?;
    stmt.execute(params![e.ipk, e.isk, pk, sk, e.size as i64])?;
    Ok(())
}

/// Fills a new index from every item of its table; returns (entries, bytes).
pub(crate) fn backfill(conn: &Connection, t: &TableMeta, ix: &IndexMeta) -> Result<(i64, i64)> {
    let mut stmt = conn.prepare(&format!("SELECT pk, sk, size, item FROM {}", t.sql.name))?;
    let mut rows = stmt.query([])?;
    let (mut count, mut bytes) = (0i64, 0i64);
    while let Some(r) = rows.next()? {
        let pk: Vec<u8> = r.get(0)?;
        let sk: Vec<u8> = r.get(1)?;
        let size = r.get::<_, i64>(2)? as usize;
        let raw: Vec<u8> = r.get(3)?;
        let item = decode_attributes(&raw, |n| ix.key.has(n) || ix.projects(&t.key, n))?;
        if let Some(e) = entry(t, ix, &item, size) {
            insert_entry(conn, ix, &e, &pk, &sk)?;
            count += 1;
            bytes += e.size as i64;
        }
    }
    Ok((count, bytes))
}
