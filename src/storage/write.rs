//! The one write pipeline. Every item mutation is staged in a [`WriteBatch`], which reads the
//! item being replaced and works out the base row, every index entry, the counter changes and
//! the capacity units; [`WriteBatch::commit`] then runs all of it as one SQLite transaction
//! (or as one statement when the whole batch is a single statement) and only then changes the
//! in-memory counters. Rows that ride with a write (stream records, TTL bookkeeping) are added
//! here and nowhere else.

use super::schema::{IndexMeta, ProjectionKind, TableMeta};
use super::streams::{self, EventName, PendingRecord};
use super::{State, Txn};
use crate::error::{Error, Result};
use crate::model::codec::{decode_attributes, decode_item, encode_item, encode_value, EncodedItem};
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

/// Counter changes to apply once the transaction commits.
#[derive(Debug, Default)]
struct Delta {
    items: i64,
    bytes: i64,
    /// Per index (same order as `TableMeta::indexes`): item and byte changes.
    indexes: Vec<(i64, i64)>,
}

impl Delta {
    /// Applies the changes to a table's counters.
    fn apply(self, t: &mut TableMeta) {
        t.item_count += self.items;
        t.size_bytes += self.bytes;
        for (ix, (n, b)) in t.indexes.iter_mut().zip(self.indexes) {
            ix.item_count += n;
            ix.size_bytes += b;
        }
    }
}

/// Write units for a size: 1 KB units, at least one.
fn write_units(size: usize) -> f64 {
    size.div_ceil(1024).max(1) as f64
}

/// How a batch is billed: transactions charge twice a plain write's units.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) enum Billing {
    Standard,
    Transactional,
}

impl Billing {
    fn factor(self) -> f64 {
        match self {
            Billing::Standard => 1.0,
            Billing::Transactional => 2.0,
        }
    }
}

/// What a batch charged one table.
#[derive(Debug)]
pub(crate) struct Charge<'a> {
    /// The table's name.
    pub table: &'a str,
    /// Units charged to the table itself.
    pub units: f64,
    /// Units charged to each index written, one entry per index.
    pub indexes: &'a [IndexUnits],
}

/// The size of an item collection a batch wrote to (tables with an LSI only).
#[derive(Debug)]
pub(crate) struct Collection<'n> {
    /// The table's name.
    pub table: &'n str,
    /// The encoded partition key.
    pub pk: Vec<u8>,
    /// Bytes in the collection (table rows and LSI entries), after the batch.
    pub bytes: i64,
}

/// What a committed batch did.
pub(crate) struct Committed<'n> {
    /// What each table was charged, in table-name order.
    tables: Vec<TableWrites<'n>>,
    /// Collections written, when asked for: per table in name order, each partition once in
    /// the order first written.
    pub collections: Vec<Collection<'n>>,
}

impl Committed<'_> {
    /// Units per table, in table-name order.
    pub fn charges(&self) -> impl Iterator<Item = Charge<'_>> {
        self.tables.iter().map(|tw| Charge {
            table: tw.name,
            units: tw.units,
            indexes: &tw.indexes,
        })
    }
}

/// The base-row statement of one write.
enum RowOp {
    Upsert(EncodedItem),
    Delete,
}

/// One index statement of one write.
enum IndexOp {
    Insert(Entry),
    /// The key is unchanged but the projected attributes changed (new size).
    Update(Entry),
    Delete {
        ipk: Vec<u8>,
        isk: Vec<u8>,
    },
}

/// A staged item's table slot and encoded key.
type StagedKey = (usize, Vec<u8>, Vec<u8>);

/// One staged mutation.
struct Staged {
    /// Position in `WriteBatch::tables`.
    table: usize,
    pk: Vec<u8>,
    sk: Vec<u8>,
    row: Option<RowOp>,
    /// (position in `TableMeta::indexes`, statement).
    index_ops: Vec<(usize, IndexOp)>,
    old: Option<StoredItem>,
    /// The stream record the write appends (tables with a stream, writes that change the item).
    record: Option<PendingRecord>,
    /// TTL bookkeeping: expiry entries to delete and to insert (tables with TTL enabled).
    ttl_ops: Vec<TtlOp>,
}

/// One TTL bookkeeping statement of one write.
enum TtlOp {
    Insert(i64),
    Delete(i64),
}

/// What a batch does to one table.
struct TableWrites<'n> {
    name: &'n str,
    delta: Delta,
    units: f64,
    indexes: Vec<IndexUnits>,
    /// Partitions written, each once, in the order first written.
    pks: Vec<Vec<u8>>,
}

/// Item mutations staged for one atomic commit: the only way items are written. Table names
/// are borrowed from the requests (`'n`).
pub(crate) struct WriteBatch<'s, 'n> {
    state: &'s mut State,
    billing: Billing,
    /// Measure the item collections written (ReturnItemCollectionMetrics SIZE).
    collections: bool,
    /// Append stream records (false for a bulk load: imported items are not changes).
    records: bool,
    /// Commit inside the transaction `State::in_transaction` holds open, not a new one.
    joining: bool,
    /// The keys staged, once the batch is large (see `stage`).
    seen: Option<std::collections::HashSet<StagedKey>>,
    writes: Vec<Staged>,
    tables: Vec<TableWrites<'n>>,
}

impl<'s, 'n> WriteBatch<'s, 'n> {
    /// An empty batch over the writer's state; with `collections`, the commit measures every
    /// item collection written (tables with an LSI).
    pub fn new(state: &'s mut State, billing: Billing, collections: bool) -> WriteBatch<'s, 'n> {
        WriteBatch {
            state,
            billing,
            collections,
            records: true,
            joining: false,
            seen: None,
            // Most batches write one item of one table.
            writes: Vec::with_capacity(1),
            tables: Vec::with_capacity(1),
        }
    }

    /// A batch that joins the transaction `State::in_transaction` holds open.
    pub fn joining(mut self) -> Self {
        self.joining = true;
        self
    }

    /// A batch that loads data rather than changing it: no stream records (an import).
    pub fn without_records(mut self) -> Self {
        self.records = false;
        self
    }

    /// Stages a put of `item` (encoded as `enc`) at an encoded key, replacing any item there.
    pub fn put(
        &mut self,
        table: &'n str,
        pk: Vec<u8>,
        sk: Vec<u8>,
        item: &Item,
        enc: EncodedItem,
    ) -> Result<()> {
        self.stage(table, pk, sk, Some((item, enc)), false)
    }

    /// Stages the delete of the item at an encoded key (a missing item writes nothing but is
    /// still charged, as DynamoDB charges it).
    pub fn delete(&mut self, table: &'n str, pk: Vec<u8>, sk: Vec<u8>) -> Result<()> {
        self.stage(table, pk, sk, None, false)
    }

    /// Stages the delete of an item TTL expired, when its TTL attribute says it expired
    /// before `now` (epoch seconds): its stream record names DynamoDB's own service as the one
    /// who deleted it. Returns whether it was staged (an item that is gone or no longer
    /// expired is left alone).
    pub fn expire(&mut self, table: &'n str, pk: Vec<u8>, sk: Vec<u8>, now: i64) -> Result<bool> {
        let t = self
            .state
            .tables
            .get(table)
            .ok_or_else(Error::resource_not_found)?;
        let Some(ttl) = &t.ttl else {
            return Ok(false);
        };
        let expiry = match read_stored(&self.state.conn, t, &pk, &sk)? {
            Some(o) => ttl.stored_expiry(&o.bytes)?,
            None => None,
        };
        if !expiry.is_some_and(|e| super::ttl::is_expired(e, now)) {
            return Ok(false);
        }
        self.stage(table, pk, sk, None, true)?;
        Ok(true)
    }

    /// The item the `i`th staged write replaces (None when there is none), read when it was
    /// staged: what ReturnValues ALL_OLD returns.
    pub fn replaced(&self, i: usize) -> Option<&StoredItem> {
        self.writes.get(i).and_then(|w| w.old.as_ref())
    }

    /// Charges a table units for an action that writes nothing (a transaction's
    /// ConditionCheck), scaled by the batch's billing.
    pub fn charge(&mut self, table: &'n str, units: f64) {
        let i = table_slot(&mut self.tables, table);
        self.tables[i].units += units * self.billing.factor();
    }

    fn stage(
        &mut self,
        table: &'n str,
        pk: Vec<u8>,
        sk: Vec<u8>,
        new: Option<(&Item, EncodedItem)>,
        service: bool,
    ) -> Result<()> {
        let t = self
            .state
            .tables
            .get(table)
            .ok_or_else(Error::resource_not_found)?;
        let slot = table_slot(&mut self.tables, table);
        // Staged writes are not visible to later ones: one item twice would read a stale old.
        // Large batches (bulk loads) keep a set of their keys instead of a linear search.
        let twice = if self.writes.len() < 32 {
            self.writes
                .iter()
                .any(|w| w.table == slot && w.pk == pk && w.sk == sk)
        } else {
            let seen = self.seen.get_or_insert_with(|| {
                self.writes
                    .iter()
                    .map(|w| (w.table, w.pk.clone(), w.sk.clone()))
                    .collect()
            });
            !seen.insert((slot, pk.clone(), sk.clone()))
        };
        if twice {
            return Err(Error::internal("one item staged twice in a write batch"));
        }
        let old = read_stored(&self.state.conn, t, &pk, &sk)?;
        let factor = self.billing.factor();
        let tw = &mut self.tables[slot];
        if tw.delta.indexes.len() < t.indexes.len() {
            tw.delta.indexes.resize(t.indexes.len(), (0, 0));
        }
        let old_size = old.as_ref().map_or(0, |o| o.size);
        let new_size = new.as_ref().map_or(0, |(_, e)| e.size);
        tw.delta.items += i64::from(new.is_some()) - i64::from(old.is_some());
        tw.delta.bytes += new_size as i64 - old_size as i64;
        // Writes are charged for the larger of the old and new item.
        tw.units += factor * write_units(old_size.max(new_size));

        let mut index_ops = Vec::new();
        for (i, ix) in t.indexes.iter().enumerate() {
            let new_entry = new.as_ref().map(|(item, e)| (*item, e.size));
            let change = index_change(t, ix, old.as_ref(), new_entry)?;
            let d = &mut tw.delta.indexes[i];
            d.0 += change.items;
            d.1 += change.bytes;
            index_ops.extend(change.ops.into_iter().map(|op| (i, op)));
            if change.units > 0.0 {
                let units = change.units * factor;
                match tw.indexes.iter_mut().find(|u| u.index == ix.name) {
                    Some(u) => u.units += units,
                    None => tw.indexes.push(IndexUnits {
                        index: ix.name.clone(),
                        global: ix.global,
                        units,
                    }),
                }
            }
        }
        // Partitions are kept only to measure them.
        let lsi = t.indexes.iter().any(|ix| !ix.global);
        if self.collections && lsi && !tw.pks.contains(&pk) {
            tw.pks.push(pk.clone());
        }
        let stream = t.stream.filter(|_| self.records);
        let record = match stream.and_then(|id| self.state.streams.get(&id)) {
            Some(stream) => stream_record(t, stream, old.as_ref(), new.as_ref(), service)?,
            None => None,
        };
        let mut ttl_ops = Vec::new();
        if let Some(ttl) = &t.ttl {
            let old_exp = match &old {
                Some(o) => ttl.stored_expiry(&o.bytes)?,
                None => None,
            };
            let new_exp = new.as_ref().and_then(|(item, _)| ttl.expiry(item));
            if old_exp != new_exp {
                ttl_ops.extend(old_exp.map(TtlOp::Delete));
                ttl_ops.extend(new_exp.map(TtlOp::Insert));
            }
        }
        let row = match new {
            Some((_, enc)) => Some(RowOp::Upsert(enc)),
            None if old.is_some() => Some(RowOp::Delete),
            None => None,
        };
        self.writes.push(Staged {
            table: slot,
            pk,
            sk,
            row,
            index_ops,
            old,
            record,
            ttl_ops,
        });
        Ok(())
    }

    /// Runs every staged statement in one transaction, then applies the counters. Item
    /// collections, when asked for, are measured before the commit, so that nothing can fail
    /// after it.
    pub fn commit(self) -> Result<Committed<'n>> {
        let WriteBatch {
            state,
            writes,
            mut tables,
            joining,
            ..
        } = self;
        let statements: usize = writes
            .iter()
            .map(|w| {
                usize::from(w.row.is_some())
                    + w.index_ops.len()
                    + usize::from(w.record.is_some())
                    + w.ttl_ops.len()
            })
            .sum();
        // A single statement is atomic by itself; anything more is one transaction.
        let tx = if joining {
            Txn::joined(&state.conn)?
        } else {
            Txn::for_write(&state.conn, statements)?
        };
        for w in &writes {
            let t = state
                .tables
                .get(tables[w.table].name)
                .ok_or_else(Error::resource_not_found)?;
            match &w.row {
                Some(RowOp::Upsert(enc)) => {
                    let mut stmt = tx.prepare_cached(&t.sql.upsert)?;
                    stmt.execute(params![w.pk, w.sk, enc.size as i64, enc.bytes])?;
                }
                Some(RowOp::Delete) => {
                    let mut stmt = tx.prepare_cached(&t.sql.delete)?;
                    stmt.execute(params![w.pk, w.sk])?;
                }
                None => {}
            }
            for (i, op) in &w.index_ops {
                let ix = &t.indexes[*i];
                match op {
                    IndexOp::Insert(e) => insert_entry(&tx, ix, e, &w.pk, &w.sk)?,
                    IndexOp::Update(e) => {
                        let mut stmt = tx.prepare_cached(&ix.sql.update)?;
                        stmt.execute(params![e.ipk, e.isk, w.pk, w.sk, e.size as i64])?;
                    }
                    IndexOp::Delete { ipk, isk } => {
                        let mut stmt = tx.prepare_cached(&ix.sql.delete)?;
                        stmt.execute(params![ipk, isk, w.pk, w.sk])?;
                    }
                }
            }
            if let Some(ttl) = &t.ttl {
                for op in &w.ttl_ops {
                    let (sql, expires) = match op {
                        TtlOp::Insert(e) => (&ttl.insert, e),
                        TtlOp::Delete(e) => (&ttl.delete, e),
                    };
                    tx.prepare_cached(sql)?
                        .execute(params![expires, w.pk, w.sk])?;
                }
            }
        }
        // Stream records, in the order the writes were staged, in the same transaction.
        let records: Vec<&PendingRecord> =
            writes.iter().filter_map(|w| w.record.as_ref()).collect();
        let appended = if records.is_empty() {
            None
        } else {
            Some(streams::append(state, &tx, &records)?)
        };
        tables.sort_by(|a, b| a.name.cmp(b.name));
        let mut measured = Vec::new();
        for tw in &tables {
            if tw.pks.is_empty() {
                continue;
            }
            let t = state
                .tables
                .get(tw.name)
                .ok_or_else(Error::resource_not_found)?;
            for pk in &tw.pks {
                measured.push(Collection {
                    table: tw.name,
                    pk: pk.clone(),
                    bytes: state.collection_bytes(t, pk)?,
                });
            }
        }
        tx.commit()?;
        if let Some((changed, last)) = appended {
            state.last_seq = last;
            for s in changed {
                state.streams.insert(s.id, s);
            }
        }
        for tw in &mut tables {
            if let Some(t) = state.tables.get_mut(tw.name) {
                std::mem::take(&mut tw.delta).apply(t);
            }
        }
        Ok(Committed {
            tables,
            collections: measured,
        })
    }
}

/// The stream record of a write, or None when it changes nothing (an identical put, the
/// delete of a missing item), as DynamoDB writes none then.
fn stream_record(
    t: &TableMeta,
    stream: &streams::Stream,
    old: Option<&StoredItem>,
    new: Option<&(&Item, EncodedItem)>,
    service: bool,
) -> Result<Option<PendingRecord>> {
    let event = match (old, new) {
        (None, None) => return Ok(None),
        (None, Some(_)) => EventName::Insert,
        (Some(_), None) => EventName::Remove,
        (Some(o), Some((item, enc))) => {
            if o.bytes == enc.bytes || same_item(&decode_item(&o.bytes)?, item) {
                return Ok(None);
            }
            EventName::Modify
        }
    };
    let keys: Item = match new {
        Some((item, _)) => item
            .iter()
            .filter(|(n, _)| t.key.has(n))
            .map(|(n, v)| (n.clone(), v.clone()))
            .collect(),
        None => match old {
            Some(o) => decode_attributes(&o.bytes, |n| t.key.has(n))?,
            None => Item::new(),
        },
    };
    let keys = encode_item(&keys)?;
    let view = stream.view;
    let new_image = new.filter(|_| view.new_image()).map(|(_, e)| e);
    let old_image = old.filter(|_| view.old_image());
    let size = keys.size + new_image.map_or(0, |e| e.size) + old_image.map_or(0, |o| o.size);
    Ok(Some(PendingRecord {
        stream: stream.id,
        event,
        keys: keys.bytes,
        new_image: new_image.map(|e| e.bytes.clone()),
        old_image: old_image.map(|o| o.bytes.clone()),
        size: size as i64,
        service,
    }))
}

/// What one write does to one index.
#[derive(Default)]
struct IndexChange {
    ops: Vec<IndexOp>,
    /// Entries added (negative: removed).
    items: i64,
    bytes: i64,
    /// Write units, before the batch's billing.
    units: f64,
}

/// The index statements that take the entry of `old` (stored) to the entry of `new` (item and
/// size): none when the key and the projected attributes are unchanged, an update of the
/// size when only the projection changed, else a delete and/or an insert.
fn index_change(
    t: &TableMeta,
    ix: &IndexMeta,
    old: Option<&StoredItem>,
    new: Option<(&Item, usize)>,
) -> Result<IndexChange> {
    let old_entry = match old {
        Some(o) => {
            let item = decode_attributes(&o.bytes, |n| ix.key.has(n) || ix.projects(&t.key, n))?;
            entry(t, ix, &item, o.size)
        }
        None => None,
    };
    let new_entry = new.and_then(|(item, size)| entry(t, ix, item, size));
    let mut c = IndexChange::default();
    match (old_entry, new_entry) {
        (Some(o), Some(n)) if o.ipk == n.ipk && o.isk == n.isk => {
            // Compare as DynamoDB values: the old side is decoded (numbers normalised).
            if !same_item(&o.projected, &n.projected) {
                c.bytes = n.size as i64 - o.size as i64;
                c.units = write_units(n.size.max(o.size));
                c.ops.push(IndexOp::Update(n));
            }
        }
        (o, n) => {
            if let Some(o) = o {
                c.items -= 1;
                c.bytes -= o.size as i64;
                c.units += write_units(o.size);
                c.ops.push(IndexOp::Delete {
                    ipk: o.ipk,
                    isk: o.isk,
                });
            }
            if let Some(n) = n {
                c.items += 1;
                c.bytes += n.size as i64;
                c.units += write_units(n.size);
                c.ops.push(IndexOp::Insert(n));
            }
        }
    }
    Ok(c)
}

/// The position of a table's entry in a batch, added when the table is new to it.
fn table_slot<'n>(tables: &mut Vec<TableWrites<'n>>, table: &'n str) -> usize {
    match tables.iter().position(|t| t.name == table) {
        Some(i) => i,
        None => {
            tables.push(TableWrites {
                name: table,
                delta: Delta::default(),
                units: 0.0,
                indexes: Vec::new(),
                pks: Vec::new(),
            });
            tables.len() - 1
        }
    }
}

fn read_stored(
    conn: &Connection,
    t: &TableMeta,
    pk: &[u8],
    sk: &[u8],
) -> Result<Option<StoredItem>> {
    let mut stmt = conn.prepare_cached(&t.sql.select)?;
    Ok(stmt
        .query_row(params![pk, sk], |r| {
            Ok(StoredItem {
                bytes: r.get(0)?,
                size: r.get::<_, i64>(1)? as usize,
            })
        })
        .optional()?)
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
        && a.iter().all(|(k, v)| {
            b.get(k)
                .is_some_and(|w| crate::model::value::same_value(v, w))
        })
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

/// Fills a new index from every item of its table (inside the caller's transaction, which
/// also creates the index table); returns (entries, bytes). It adds index entries only, no
/// item changes, so nothing else rides with it.
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::codec::encode_item;
    use crate::types::{
        AttributeDefinition, IndexDescription, KeySchemaElement, Projection, TableDescription,
    };

    /// A table `t` keyed by `pk` (S) with a GSI `g` on `g` (S, ALL).
    fn state() -> State {
        let attr = |n: &str| AttributeDefinition {
            attribute_name: Some(n.into()),
            attribute_type: Some("S".into()),
        };
        let hash = |n: &str| {
            vec![KeySchemaElement {
                attribute_name: Some(n.into()),
                key_type: Some("HASH".into()),
            }]
        };
        let mut s = State::memory().unwrap();
        s.create_table(
            TableDescription {
                table_name: "t".into(),
                attribute_definitions: vec![attr("pk"), attr("g")],
                key_schema: hash("pk"),
                global_secondary_indexes: Some(vec![IndexDescription {
                    index_name: "g".into(),
                    key_schema: hash("g"),
                    projection: Projection {
                        projection_type: Some("ALL".into()),
                        ..Default::default()
                    },
                    ..Default::default()
                }]),
                ..Default::default()
            },
            Vec::new(),
        )
        .unwrap();
        s
    }

    fn item(pk: &str, g: Option<&str>) -> (Item, EncodedItem) {
        let mut item = Item::new();
        item.insert("pk".into(), AttributeValue::S(pk.into()));
        if let Some(g) = g {
            item.insert("g".into(), AttributeValue::S(g.into()));
        }
        let enc = encode_item(&item).unwrap();
        (item, enc)
    }

    fn rows(s: &State, sql: &str) -> i64 {
        s.conn.query_row(sql, [], |r| r.get(0)).unwrap()
    }

    #[test]
    fn a_batch_commits_rows_and_index_entries_together_or_not_at_all() {
        let mut s = state();
        let (a, a_enc) = item("a", Some("x"));
        let (b, b_enc) = item("b", None);
        let mut batch = WriteBatch::new(&mut s, Billing::Standard, false);
        batch.put("t", b"a".to_vec(), vec![], &a, a_enc).unwrap();
        batch.put("t", b"b".to_vec(), vec![], &b, b_enc).unwrap();
        let done = batch.commit().unwrap();
        let charge = done.charges().next().unwrap();
        assert_eq!(charge.units, 2.0);
        assert_eq!(charge.indexes[0].units, 1.0);
        assert_eq!(rows(&s, "SELECT count(*) FROM t1"), 2);
        assert_eq!(rows(&s, "SELECT count(*) FROM t1_x1"), 1);
        assert_eq!(s.tables["t"].item_count, 2);
        assert_eq!(s.tables["t"].indexes[0].item_count, 1);

        // The index insert fails after the row's upsert ran: neither stays, counters unchanged.
        let (c, c_enc) = item("c", Some("y"));
        let mut batch = WriteBatch::new(&mut s, Billing::Standard, false);
        batch.put("t", b"c".to_vec(), vec![], &c, c_enc).unwrap();
        batch.state.conn.execute_batch("DROP TABLE t1_x1").unwrap();
        assert!(batch.commit().is_err());
        assert!(
            s.conn.is_autocommit(),
            "the failed batch's transaction is rolled back"
        );
        assert_eq!(rows(&s, "SELECT count(*) FROM t1 WHERE pk = x'63'"), 0);
        assert_eq!(s.tables["t"].item_count, 2);
    }

    #[test]
    fn one_item_staged_twice_is_refused() {
        let mut s = state();
        let (a, a_enc) = item("a", None);
        let mut batch = WriteBatch::new(&mut s, Billing::Transactional, false);
        batch.put("t", b"a".to_vec(), vec![], &a, a_enc).unwrap();
        assert!(batch.delete("t", b"a".to_vec(), vec![]).is_err());
        // A missing table is DynamoDB's ResourceNotFoundException, not a panic.
        let e = batch.delete("nope", b"a".to_vec(), vec![]).unwrap_err();
        assert_eq!(e.code(), crate::ErrorCode::ResourceNotFoundException);
        let done = batch.commit().unwrap();
        assert_eq!(
            done.charges().count(),
            1,
            "the missing table is not charged"
        );
        let charge = done.charges().next().unwrap();
        assert_eq!(charge.units, 2.0, "transactions charge twice");
    }
}
