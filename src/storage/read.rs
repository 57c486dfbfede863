//! Reads of many items (Query and Scan): the SQL is built once as a [`ReadSql`], then either
//! run or explained, so `explain` shows exactly the statement that runs.

use super::schema::{IndexMeta, TableMeta};
use super::sql::{KeyRange, Lowered};
use super::State;
use crate::error::Result;
use rusqlite::types::Value;
use std::fmt::Write;
use std::ops::Bound;

/// A read statement and its bound parameters. Its SELECT list is `item, size, pass`: the
/// stored item, its size, and whether it passed the filter (SQLite evaluates the filter in
/// the same statement, so Limit and the page size count evaluated rows).
#[derive(Clone, Debug)]
pub struct ReadSql {
    /// The SQL text; built from internal names and fixed fragments only.
    pub sql: String,
    /// The bound parameters, `?1` first.
    pub params: Vec<Value>,
}

/// The FROM clause: the table, or an index joined to its table.
fn source(t: &TableMeta, index: Option<&IndexMeta>) -> String {
    match index {
        None => format!("FROM {}", t.sql.name),
        Some(ix) => format!(
            "FROM {} AS x JOIN {} AS t ON t.pk = x.pk AND t.sk = x.sk",
            ix.sql.name, t.sql.name
        ),
    }
}

/// Builds the statement with the filter as the third column; the filter's parameters follow
/// the ones the WHERE clause uses.
fn finish(
    t_prefix: &str,
    from: String,
    where_: String,
    order: String,
    mut params: Vec<Value>,
    filter: Option<&Lowered>,
) -> ReadSql {
    let pass = match filter {
        Some(f) => {
            let text = format!("({})", f.sql(params.len() + 1));
            params.extend(f.params.iter().cloned());
            text
        }
        None => "1".to_string(),
    };
    ReadSql {
        sql: format!(
            "SELECT {t_prefix}item, {t_prefix}size, {pass} {from} WHERE {where_} ORDER BY {order}"
        ),
        params,
    }
}

/// One partition of a table or index in key order, within the sort-key bounds and after
/// `start_after` (the encoded sort key, or for an index the index sort key, table pk and sk).
pub fn partition_sql(
    t: &TableMeta,
    index: Option<&IndexMeta>,
    range: &KeyRange,
    start_after: Option<&[Vec<u8>]>,
    forward: bool,
    filter: Option<&Lowered>,
) -> ReadSql {
    let dir = if forward { "ASC" } else { "DESC" };
    let (prefix, hashcol, skcol) = match index {
        None => ("", "pk", "sk"),
        Some(_) => ("t.", "x.ipk", "x.isk"),
    };
    let mut params = vec![Value::Blob(range.hash.clone())];
    let mut where_ = format!("{hashcol} = ?1");
    for (bound, incl, excl) in [(&range.lower, ">=", ">"), (&range.upper, "<=", "<")] {
        let (op, v) = match bound {
            Bound::Included(v) => (incl, v),
            Bound::Excluded(v) => (excl, v),
            Bound::Unbounded => continue,
        };
        params.push(Value::Blob(v.clone()));
        let _ = write!(where_, " AND {skcol} {op} ?{}", params.len());
    }
    let after = if forward { ">" } else { "<" };
    if let Some(start) = start_after {
        let first = params.len() + 1;
        params.extend(start.iter().map(|b| Value::Blob(b.clone())));
        match index {
            None => {
                let _ = write!(where_, " AND sk {after} ?{first}");
            }
            Some(_) => {
                let _ = write!(
                    where_,
                    " AND (x.isk, x.pk, x.sk) {after} (?{first}, ?{}, ?{})",
                    first + 1,
                    first + 2
                );
            }
        }
    }
    let order = match index {
        None => format!("sk {dir}"),
        Some(_) => format!("x.isk {dir}, x.pk {dir}, x.sk {dir}"),
    };
    finish(prefix, source(t, index), where_, order, params, filter)
}

/// Every item of a table or index in key order (one parallel-scan segment of it when
/// `segment` is `(segment, total)`), after `start_after` (table pk and sk, or for an index
/// its pk and sk then the table's).
pub fn scan_sql(
    t: &TableMeta,
    index: Option<&IndexMeta>,
    segment: Option<(i64, i64)>,
    start_after: Option<&[Vec<u8>]>,
    filter: Option<&Lowered>,
) -> ReadSql {
    let (prefix, keycols, hashcol) = match index {
        None => ("", "pk, sk", "pk"),
        Some(_) => ("t.", "x.ipk, x.isk, x.pk, x.sk", "x.ipk"),
    };
    let mut params: Vec<Value> = Vec::new();
    let mut where_ = "1".to_string();
    if let Some((seg, total)) = segment {
        params.push(total.into());
        params.push(seg.into());
        let _ = write!(
            where_,
            " AND {}({hashcol}, ?1) = ?2",
            crate::sqlfuncs::names::SEGMENT
        );
    }
    if let Some(start) = start_after {
        let first = params.len() + 1;
        let marks: Vec<String> = (first..first + start.len())
            .map(|i| format!("?{i}"))
            .collect();
        params.extend(start.iter().map(|b| Value::Blob(b.clone())));
        let _ = write!(where_, " AND ({keycols}) > ({})", marks.join(", "));
    }
    finish(
        prefix,
        source(t, index),
        where_,
        keycols.to_string(),
        params,
        filter,
    )
}

/// What a read needs: a connection and the table catalog. The writer's [`State`] provides
/// one; so does a read-only connection of a file database with a snapshot of the catalog
/// (see `Database::read`), which lets reads proceed while a write holds the writer.
#[derive(Clone, Copy)]
pub(crate) struct View<'a> {
    /// The connection to read with.
    pub conn: &'a rusqlite::Connection,
    /// The tables, by name.
    pub tables: &'a std::collections::BTreeMap<String, TableMeta>,
}

impl State {
    /// This state as a read view.
    pub fn view(&self) -> View<'_> {
        View {
            conn: &self.conn,
            tables: &self.tables,
        }
    }
}

impl<'a> View<'a> {
    /// Looks up a table by name.
    pub fn table(&self, name: &str) -> Option<&'a TableMeta> {
        self.tables.get(name)
    }

    /// Reads and decodes one item by encoded key, straight from SQLite's buffer.
    pub fn get_item(
        &self,
        t: &TableMeta,
        pk: &[u8],
        sk: &[u8],
    ) -> Result<Option<(crate::model::Item, usize)>> {
        let mut stmt = self.conn.prepare_cached(&t.sql.select)?;
        let mut rows = stmt.query(rusqlite::params![pk, sk])?;
        let Some(row) = rows.next()? else {
            return Ok(None);
        };
        let bytes = row.get_ref(0)?.as_blob().map_err(rusqlite::Error::from)?;
        let item = crate::model::codec::decode_item(bytes)?;
        Ok(Some((item, row.get::<_, i64>(1)? as usize)))
    }

    /// Looks up one item by its encoded key: its stored bytes and size.
    pub fn get_stored_item(
        &self,
        t: &TableMeta,
        pk: &[u8],
        sk: &[u8],
    ) -> Result<Option<(Vec<u8>, usize)>> {
        let mut stmt = self.conn.prepare_cached(&t.sql.select)?;
        let mut rows = stmt.query(rusqlite::params![pk, sk])?;
        let Some(row) = rows.next()? else {
            return Ok(None);
        };
        let bytes = row.get_ref(0)?.as_blob().map_err(rusqlite::Error::from)?;
        Ok(Some((bytes.to_vec(), row.get::<_, i64>(1)? as usize)))
    }

    /// Runs a read; `visit` gets each evaluated row's stored item, size and pass flag, and
    /// returns false to stop.
    pub fn run_read(
        &self,
        q: &ReadSql,
        mut visit: impl FnMut(&[u8], usize, bool) -> Result<bool>,
    ) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(&q.sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(q.params.iter()))?;
        while let Some(row) = rows.next()? {
            let bytes = row.get_ref(0)?.as_blob().map_err(rusqlite::Error::from)?;
            let size = row.get::<_, i64>(1)? as usize;
            let passed = row.get::<_, i64>(2)? != 0;
            if !visit(bytes, size, passed)? {
                break;
            }
        }
        Ok(())
    }

    /// SQLite's EXPLAIN QUERY PLAN for a statement, one line per step, indented by depth.
    pub fn query_plan(&self, sql: &str, params: &[Value]) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
        let mut rows = stmt.query(rusqlite::params_from_iter(params.iter()))?;
        let mut depth: Vec<(i64, usize)> = Vec::new();
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let (id, parent): (i64, i64) = (row.get(0)?, row.get(1)?);
            let detail: String = row.get(3)?;
            let level = depth
                .iter()
                .find(|(i, _)| *i == parent)
                .map_or(0, |(_, l)| l + 1);
            depth.push((id, level));
            out.push(format!("{}{detail}", "  ".repeat(level)));
        }
        Ok(out)
    }
}

impl State {
    /// Bytes stored under one partition key: the table's items plus their LSI entries (an
    /// item collection, in DynamoDB's terms).
    pub fn collection_bytes(&self, t: &TableMeta, pk: &[u8]) -> Result<i64> {
        let mut total: i64 = self
            .conn
            .prepare_cached(&format!(
                "SELECT coalesce(sum(size), 0) FROM {} WHERE pk = ?1",
                t.sql.name
            ))?
            .query_row([pk], |r| r.get(0))?;
        for ix in t.indexes.iter().filter(|ix| !ix.global) {
            total += self
                .conn
                .prepare_cached(&format!(
                    "SELECT coalesce(sum(size), 0) FROM {} WHERE ipk = ?1",
                    ix.sql.name
                ))?
                .query_row([pk], |r| r.get::<_, i64>(0))?;
        }
        Ok(total)
    }
}
