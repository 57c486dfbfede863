//! Time to Live bookkeeping: for each table with TTL enabled, `t<id>_ttl(expires, pk, sk)`
//! lists the items whose TTL attribute is a Number, by expiry time, so a sweep finds expired
//! items with a range read instead of a table scan. The write pipeline keeps it current in
//! each write's transaction.

use super::schema::TableMeta;
use super::{State, Txn};
use crate::error::{Error, Result};
use crate::model::codec::decode_attributes;
use crate::model::{AttributeValue, Item, Number};
use rusqlite::{params, Connection};

/// Items whose expiry is further in the past than this are never deleted, as in DynamoDB.
pub(crate) const MAX_AGE_SECS: i64 = 5 * 365 * 24 * 3600;

/// True when an item whose TTL attribute is `expires` is due for deletion at `now` (both
/// epoch seconds): in the past, and not more than five years in the past.
pub(crate) fn is_expired(expires: i64, now: i64) -> bool {
    expires < now && expires >= now.saturating_sub(MAX_AGE_SECS)
}

/// A table's TTL setting and its bookkeeping table's statements (names built from integers).
#[derive(Clone, Debug)]
pub(crate) struct TtlMeta {
    /// The attribute holding each item's expiry (epoch seconds).
    pub attribute: String,
    pub name: String,
    pub insert: String,
    pub delete: String,
}

impl TtlMeta {
    /// The setting for table `id`.
    pub fn new(table_id: i64, attribute: String) -> TtlMeta {
        let name = format!("t{table_id}_ttl");
        TtlMeta {
            attribute,
            insert: format!("INSERT OR REPLACE INTO {name} (expires, pk, sk) VALUES (?1, ?2, ?3)"),
            delete: format!("DELETE FROM {name} WHERE expires = ?1 AND pk = ?2 AND sk = ?3"),
            name,
        }
    }

    /// An item's expiry: its TTL attribute when that is a Number (floored to whole seconds);
    /// None for any other type or a value beyond an i64.
    pub fn expiry(&self, item: &Item) -> Option<i64> {
        match item.get(&self.attribute) {
            Some(AttributeValue::N(n)) => Number::parse(n).ok()?.floor_i64(),
            _ => None,
        }
    }

    /// A stored item's expiry.
    pub fn stored_expiry(&self, bytes: &[u8]) -> Result<Option<i64>> {
        let item = decode_attributes(bytes, |n| n == self.attribute)?;
        Ok(self.expiry(&item))
    }
}

fn create_sql(name: &str) -> String {
    format!(
        "CREATE TABLE {name} (expires INTEGER NOT NULL, pk BLOB NOT NULL, sk BLOB NOT NULL, \
         PRIMARY KEY (expires, pk, sk)) WITHOUT ROWID"
    )
}

/// Fills a new TTL table from every item of its table (inside the caller's transaction).
fn backfill(conn: &Connection, t: &TableMeta, ttl: &TtlMeta) -> Result<()> {
    let mut stmt = conn.prepare(&format!("SELECT pk, sk, item FROM {}", t.sql.name))?;
    let mut rows = stmt.query([])?;
    let mut insert = conn.prepare(&ttl.insert)?;
    while let Some(r) = rows.next()? {
        let raw: Vec<u8> = r.get(2)?;
        if let Some(exp) = ttl.stored_expiry(&raw)? {
            let (pk, sk): (Vec<u8>, Vec<u8>) = (r.get(0)?, r.get(1)?);
            insert.execute(params![exp, pk, sk])?;
        }
    }
    Ok(())
}

impl State {
    /// Turns TTL on (with its attribute) or off for a table, in one transaction: the
    /// bookkeeping table is created and filled from the items, or dropped.
    pub fn set_ttl(&mut self, table: &str, attribute: Option<String>) -> Result<()> {
        let mut t = self
            .tables
            .get(table)
            .ok_or_else(Error::resource_not_found)?
            .clone();
        let tx = Txn::begin(&self.conn)?;
        if let Some(old) = &t.ttl {
            tx.execute_batch(&format!("DROP TABLE {}", old.name))?;
        }
        t.ttl = attribute.map(|a| TtlMeta::new(t.id, a));
        if let Some(ttl) = &t.ttl {
            tx.execute_batch(&create_sql(&ttl.name))?;
            backfill(&tx, &t, ttl)?;
        }
        super::update_catalog(&tx, &t)?;
        tx.commit()?;
        self.installed(t, true);
        Ok(())
    }

    /// Up to `limit` keys of a table's items that expired before `now` (epoch seconds) and
    /// not more than five years before it, oldest first (the range [`is_expired`] accepts).
    pub fn expired_keys(
        &self,
        table: &str,
        now: i64,
        limit: usize,
    ) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
        let Some(ttl) = self.tables.get(table).and_then(|t| t.ttl.as_ref()) else {
            return Ok(Vec::new());
        };
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT pk, sk FROM {} WHERE expires >= ?1 AND expires < ?2 ORDER BY expires LIMIT ?3",
            ttl.name
        ))?;
        let rows = stmt.query_map(
            params![now.saturating_sub(MAX_AGE_SECS), now, limit as i64],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
