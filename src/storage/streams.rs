//! Streams: the catalog of streams and their shards, and the records the write pipeline
//! appends in the same transaction as each write.
//!
//! A stream outlives its table's setting: disabling it (or deleting the table) closes its
//! shard, and it stays readable for 24 hours. Records live in one SQLite table keyed by
//! (stream, shard, seq); sequence numbers are global, strictly increasing, and never reused.

use super::State;
use crate::error::{Error, Result};
use crate::types::{KeySchemaElement, StreamViewType};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::Digest;

/// How long records (and disabled streams, and closed shards) stay readable.
pub(crate) const RETENTION_MS: i64 = 24 * 3600 * 1000;
/// A shard that has records rolls over to a new one after this long, as DynamoDB's do.
pub(crate) const SHARD_LIFETIME_MS: i64 = 4 * 3600 * 1000;

pub(super) const STREAMS_SQL: &str = "
CREATE TABLE IF NOT EXISTS dynoxide_streams (id INTEGER PRIMARY KEY, meta TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS dynoxide_stream_records (
    stream INTEGER NOT NULL, shard INTEGER NOT NULL, seq INTEGER NOT NULL,
    created_ms INTEGER NOT NULL, event INTEGER NOT NULL, service INTEGER NOT NULL,
    size INTEGER NOT NULL, keys BLOB NOT NULL, new_image BLOB, old_image BLOB,
    PRIMARY KEY (stream, shard, seq)) WITHOUT ROWID;";

/// What a record says happened to the item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EventName {
    Insert = 1,
    Modify = 2,
    Remove = 3,
}

impl EventName {
    /// DynamoDB's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            EventName::Insert => "INSERT",
            EventName::Modify => "MODIFY",
            EventName::Remove => "REMOVE",
        }
    }

    fn from_code(code: i64) -> Result<EventName> {
        match code {
            1 => Ok(EventName::Insert),
            2 => Ok(EventName::Modify),
            3 => Ok(EventName::Remove),
            _ => Err(Error::internal("a stream record has an unknown event code")),
        }
    }
}

/// One shard of a stream.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct ShardMeta {
    /// Position in the stream (1, 2, ...).
    pub number: i64,
    /// DynamoDB's id: `shardId-` + 20 digits + `-` + 8 hex.
    pub id: String,
    pub parent: Option<String>,
    pub created_ms: i64,
    /// The first sequence number the shard can hold.
    pub first_seq: i64,
    /// Set when the shard is closed: its last sequence number.
    pub ending_seq: Option<i64>,
    /// When it was closed.
    pub closed_ms: Option<i64>,
    /// Records up to this sequence number were trimmed (deleted).
    #[serde(default)]
    pub trimmed_through: i64,
}

impl ShardMeta {
    /// True while records are appended to it.
    pub fn is_open(&self) -> bool {
        self.ending_seq.is_none()
    }
}

/// A stream as stored in `dynoxide_streams`.
#[derive(Serialize, Deserialize)]
struct StoredStream {
    table_name: String,
    table_id: i64,
    arn: String,
    label: String,
    view_type: String,
    key_schema: Vec<KeySchemaElement>,
    created_ms: i64,
    disabled_ms: Option<i64>,
    shards: Vec<ShardMeta>,
}

/// A stream.
#[derive(Clone, Debug)]
pub(crate) struct Stream {
    pub id: i64,
    pub table_name: String,
    /// The internal id of the table it belongs to (a table of the same name created later
    /// has another).
    pub table_id: i64,
    pub arn: String,
    pub label: String,
    pub view: StreamViewType,
    pub key_schema: Vec<KeySchemaElement>,
    pub created_ms: i64,
    /// Set when the stream was disabled or its table deleted.
    pub disabled_ms: Option<i64>,
    pub shards: Vec<ShardMeta>,
}

impl Stream {
    fn stored_json(&self) -> String {
        let stored = StoredStream {
            table_name: self.table_name.clone(),
            table_id: self.table_id,
            arn: self.arn.clone(),
            label: self.label.clone(),
            view_type: self.view.as_str().to_string(),
            key_schema: self.key_schema.clone(),
            created_ms: self.created_ms,
            disabled_ms: self.disabled_ms,
            shards: self.shards.clone(),
        };
        serde_json::to_string(&stored).expect("stream metadata always serialises")
    }

    fn from_stored(id: i64, json: &str) -> Result<Stream> {
        let s: StoredStream = serde_json::from_str(json)
            .map_err(|e| Error::internal(format!("stream catalog entry is corrupt: {e}")))?;
        let view = StreamViewType::parse(&s.view_type)
            .ok_or_else(|| Error::internal("stream catalog entry has an unknown view type"))?;
        Ok(Stream {
            id,
            table_name: s.table_name,
            table_id: s.table_id,
            arn: s.arn,
            label: s.label,
            view,
            key_schema: s.key_schema,
            created_ms: s.created_ms,
            disabled_ms: s.disabled_ms,
            shards: s.shards,
        })
    }

    /// The shard records are appended to (none once the stream is disabled).
    pub fn open_shard(&self) -> Option<&ShardMeta> {
        self.shards.last().filter(|s| s.is_open())
    }

    /// True while it is readable: enabled, or disabled less than 24 hours ago.
    pub fn is_readable(&self, now_ms: i64) -> bool {
        self.disabled_ms.is_none_or(|d| now_ms - d < RETENTION_MS)
    }

    /// The shards still listed: open ones, and closed ones closed less than 24 hours ago.
    pub fn live_shards(&self, now_ms: i64) -> impl Iterator<Item = &ShardMeta> {
        self.shards
            .iter()
            .filter(move |s| s.closed_ms.is_none_or(|c| now_ms - c < RETENTION_MS))
    }

    fn new_shard(&self, number: i64, now_ms: i64, first_seq: i64) -> ShardMeta {
        let digest = sha2::Sha256::digest(format!("{}#{number}", self.arn).as_bytes());
        let hex: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
        ShardMeta {
            number,
            id: format!("shardId-{:020}-{hex}", now_ms.max(0)),
            parent: self.shards.last().map(|s| s.id.clone()),
            created_ms: now_ms,
            first_seq,
            ending_seq: None,
            closed_ms: None,
            trimmed_through: 0,
        }
    }
}

/// A sequence number as DynamoDB prints them: a decimal string of at least 21 digits.
pub(crate) fn sequence_text(seq: i64) -> String {
    format!("{seq:021}")
}

/// A record about to be appended (worked out when its write is staged).
#[derive(Debug)]
pub(crate) struct PendingRecord {
    pub stream: i64,
    pub event: EventName,
    /// The key attributes, encoded as a stored item.
    pub keys: Vec<u8>,
    pub new_image: Option<Vec<u8>>,
    pub old_image: Option<Vec<u8>>,
    pub size: i64,
    /// A deletion by TTL (DynamoDB's own service identity).
    pub service: bool,
}

/// A record as read back.
#[derive(Debug)]
pub(crate) struct StoredRecord {
    pub seq: i64,
    pub created_ms: i64,
    pub event: EventName,
    pub service: bool,
    pub size: i64,
    pub keys: Vec<u8>,
    pub new_image: Option<Vec<u8>>,
    pub old_image: Option<Vec<u8>>,
}

impl State {
    /// Loads the streams catalog (at open).
    pub(super) fn load_streams(&mut self) -> Result<()> {
        let rows: Vec<(i64, String)> = {
            let mut stmt = self.conn.prepare("SELECT id, meta FROM dynoxide_streams")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for (id, json) in rows {
            let s = Stream::from_stored(id, &json)?;
            for shard in &s.shards {
                self.last_seq = self
                    .last_seq
                    .max(shard.ending_seq.unwrap_or(0))
                    .max(shard.trimmed_through)
                    .max(shard.first_seq - 1);
            }
            if s.disabled_ms.is_none() {
                if let Some(t) = self.tables.get_mut(&s.table_name) {
                    if t.id == s.table_id {
                        t.stream = Some(s.id);
                    }
                }
            }
            self.next_stream_id = self.next_stream_id.max(id + 1);
            self.streams.insert(id, s);
        }
        let max: Option<i64> =
            self.conn
                .query_row("SELECT max(seq) FROM dynoxide_stream_records", [], |r| {
                    r.get(0)
                })?;
        self.last_seq = self.last_seq.max(max.unwrap_or(0));
        Ok(())
    }

    /// Creates the streams of tables whose description enables one that does not exist (a
    /// database written before streams were kept): at open, in one transaction.
    pub(super) fn bind_missing_streams(&mut self) -> Result<()> {
        let missing: Vec<super::schema::TableMeta> = self
            .tables
            .values()
            .filter(|t| t.stream.is_none() && super::stream_setting(&t.desc).is_some())
            .cloned()
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        let mut made = Vec::new();
        {
            let tx = super::Txn::begin(&self.conn)?;
            for t in &missing {
                if let Some(s) = self.stream_for(&tx, t, made.len() as i64)? {
                    made.push(s);
                }
            }
            tx.commit()?;
        }
        for s in made {
            self.stream_created(s);
        }
        Ok(())
    }

    /// The next sequence number: above every one issued, and roughly the time (so numbers
    /// from a restarted database keep increasing even if every record was trimmed).
    pub(super) fn next_seq(&self, now_ms: i64) -> i64 {
        (self.last_seq + 1).max(now_ms.saturating_mul(1000))
    }

    /// Creates a stream for a table (inside the caller's transaction); the in-memory catalog
    /// changes when the caller calls [`State::stream_created`] after its commit.
    pub(super) fn new_stream(
        &self,
        conn: &Connection,
        t: &super::schema::TableMeta,
        view: StreamViewType,
        arn: &str,
        label: &str,
        later: i64,
    ) -> Result<Stream> {
        let now = self.clock.now_ms();
        let id = self.next_stream_id + later;
        let mut s = Stream {
            id,
            table_name: t.desc.table_name.clone(),
            table_id: t.id,
            arn: arn.to_string(),
            label: label.to_string(),
            view,
            key_schema: t.desc.key_schema.clone(),
            created_ms: now,
            disabled_ms: None,
            shards: Vec::new(),
        };
        let shard = s.new_shard(1, now, self.next_seq(now));
        s.shards.push(shard);
        conn.execute(
            "INSERT INTO dynoxide_streams (id, meta) VALUES (?1, ?2)",
            params![id, s.stored_json()],
        )?;
        Ok(s)
    }

    /// Records a stream created by a committed transaction.
    pub(super) fn stream_created(&mut self, s: Stream) {
        if let Some(first) = s.shards.first() {
            self.last_seq = self.last_seq.max(first.first_seq - 1);
        }
        self.next_stream_id = self.next_stream_id.max(s.id + 1);
        if let Some(t) = self.tables.get_mut(&s.table_name) {
            if t.id == s.table_id {
                t.stream = Some(s.id);
            }
        }
        self.streams.insert(s.id, s);
    }

    /// The stream disabled (its open shard closed), written inside the caller's transaction;
    /// the caller stores the returned value in `streams` after its commit.
    pub(super) fn disabled_stream(&self, conn: &Connection, id: i64) -> Result<Option<Stream>> {
        let Some(mut s) = self.streams.get(&id).cloned() else {
            return Ok(None);
        };
        let now = self.clock.now_ms();
        s.disabled_ms = Some(now);
        close_open_shard(conn, &mut s, now)?;
        conn.execute(
            "UPDATE dynoxide_streams SET meta = ?2 WHERE id = ?1",
            params![id, s.stored_json()],
        )?;
        Ok(Some(s))
    }

    /// Deletes what is past retention: records older than 24 hours, shards closed and streams
    /// disabled more than 24 hours ago. One transaction.
    pub fn trim_streams(&mut self) -> Result<usize> {
        let now = self.clock.now_ms();
        let cutoff = now - RETENTION_MS;
        let mut changed: Vec<Option<Stream>> = Vec::new();
        let mut gone = Vec::new();
        let mut deleted = 0usize;
        let tx = super::Txn::begin(&self.conn)?;
        for s in self.streams.values() {
            if !s.is_readable(now) {
                deleted += tx.execute(
                    "DELETE FROM dynoxide_stream_records WHERE stream = ?1",
                    params![s.id],
                )?;
                tx.execute("DELETE FROM dynoxide_streams WHERE id = ?1", params![s.id])?;
                gone.push(s.id);
                continue;
            }
            let mut s2 = s.clone();
            let mut touched = false;
            for shard in &mut s2.shards {
                // Records are in time order within a shard: everything before the first
                // live record is past retention (found by reading only the expired ones).
                let trimmed = match first_live_seq(&tx, s.id, shard.number, cutoff)? {
                    Some(live) => Some(live - 1),
                    None => last_seq_in_shard(&tx, s.id, shard.number)?,
                };
                // The last record deleted marks the trim horizon (not a position between
                // records, which would refuse an iterator that lost nothing).
                let last_gone: Option<i64> = match trimmed {
                    Some(t) => tx
                        .prepare_cached(
                            "SELECT max(seq) FROM dynoxide_stream_records \
                             WHERE stream = ?1 AND shard = ?2 AND seq <= ?3",
                        )?
                        .query_row(params![s.id, shard.number, t], |r| r.get(0))?,
                    None => None,
                };
                if let Some(g) = last_gone {
                    deleted += tx.execute(
                        "DELETE FROM dynoxide_stream_records \
                         WHERE stream = ?1 AND shard = ?2 AND seq <= ?3",
                        params![s.id, shard.number, g],
                    )?;
                    shard.trimmed_through = shard.trimmed_through.max(g);
                    touched = true;
                }
            }
            let before = s2.shards.len();
            s2.shards
                .retain(|sh| sh.closed_ms.is_none_or(|c| now - c < RETENTION_MS));
            if s2.shards.len() != before {
                touched = true;
            }
            if touched {
                tx.execute(
                    "UPDATE dynoxide_streams SET meta = ?2 WHERE id = ?1",
                    params![s.id, s2.stored_json()],
                )?;
                changed.push(Some(s2));
            }
        }
        tx.commit()?;
        for id in gone {
            self.streams.remove(&id);
        }
        for s in changed.into_iter().flatten() {
            self.streams.insert(s.id, s);
        }
        Ok(deleted)
    }
}

/// Closes a stream's open shard at its last record (an empty shard ends where it began).
fn close_open_shard(conn: &Connection, s: &mut Stream, now: i64) -> Result<()> {
    let id = s.id;
    if let Some(shard) = s.shards.last_mut().filter(|sh| sh.is_open()) {
        // Records trimmed away still count: the shard ends at its last record either way.
        let last = last_seq_in_shard(conn, id, shard.number)?;
        let end = last
            .unwrap_or(shard.first_seq)
            .max(shard.trimmed_through)
            .max(shard.first_seq);
        shard.ending_seq = Some(end);
        shard.closed_ms = Some(now);
    }
    Ok(())
}

/// The highest sequence number written to a shard, if any.
pub(crate) fn last_seq_in_shard(conn: &Connection, stream: i64, shard: i64) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached(
            "SELECT max(seq) FROM dynoxide_stream_records WHERE stream = ?1 AND shard = ?2",
        )?
        .query_row(params![stream, shard], |r| r.get(0))?)
}

/// The oldest record of a shard after `after`: its sequence number and creation time.
pub(crate) fn next_record_at(
    conn: &Connection,
    stream: i64,
    shard: i64,
    after: i64,
) -> Result<Option<(i64, i64)>> {
    Ok(conn
        .prepare_cached(
            "SELECT seq, created_ms FROM dynoxide_stream_records \
             WHERE stream = ?1 AND shard = ?2 AND seq > ?3 ORDER BY seq LIMIT 1",
        )?
        .query_row(params![stream, shard, after], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?)
}

/// The oldest record of a shard created at or after `since` (the first not trimmed).
pub(crate) fn first_live_seq(
    conn: &Connection,
    stream: i64,
    shard: i64,
    since_ms: i64,
) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached(
            "SELECT seq FROM dynoxide_stream_records \
             WHERE stream = ?1 AND shard = ?2 AND created_ms >= ?3 ORDER BY seq LIMIT 1",
        )?
        .query_row(params![stream, shard, since_ms], |r| r.get(0))
        .optional()?)
}

/// Up to `limit` records of a shard after `after`, oldest first.
pub(crate) fn read_records(
    conn: &Connection,
    stream: i64,
    shard: i64,
    after: i64,
    limit: usize,
) -> Result<Vec<StoredRecord>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, created_ms, event, service, size, keys, new_image, old_image \
         FROM dynoxide_stream_records WHERE stream = ?1 AND shard = ?2 AND seq > ?3 \
         ORDER BY seq LIMIT ?4",
    )?;
    let rows = stmt.query(params![stream, shard, after, limit as i64])?;
    collect_records(rows)
}

/// Every record of a stream (all shards) after `after`, oldest first.
pub(crate) fn read_stream(conn: &Connection, stream: i64, after: i64) -> Result<Vec<StoredRecord>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, created_ms, event, service, size, keys, new_image, old_image \
         FROM dynoxide_stream_records WHERE stream = ?1 AND seq > ?2 ORDER BY seq",
    )?;
    let rows = stmt.query(params![stream, after])?;
    collect_records(rows)
}

fn collect_records(mut rows: rusqlite::Rows<'_>) -> Result<Vec<StoredRecord>> {
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(StoredRecord {
            seq: r.get(0)?,
            created_ms: r.get(1)?,
            event: EventName::from_code(r.get(2)?)?,
            service: r.get::<_, i64>(3)? != 0,
            size: r.get(4)?,
            keys: r.get(5)?,
            new_image: r.get(6)?,
            old_image: r.get(7)?,
        });
    }
    Ok(out)
}

/// Appends the records of a committing batch (inside its transaction), rolling a shard over
/// when it is due. Returns the streams whose shards changed, to store after the commit, and
/// the last sequence number used.
pub(super) fn append(
    state: &State,
    conn: &Connection,
    records: &[&PendingRecord],
) -> Result<(Vec<Stream>, i64)> {
    let now = state.clock.now_ms();
    let mut seq = state.last_seq;
    let mut changed: Vec<Stream> = Vec::new();
    for r in records {
        let (shard_no, due) = {
            let s = changed
                .iter()
                .find(|s| s.id == r.stream)
                .or_else(|| state.streams.get(&r.stream))
                .ok_or_else(|| Error::internal("a record names a missing stream"))?;
            let shard = s
                .open_shard()
                .ok_or_else(|| Error::internal("a record for a stream with no open shard"))?;
            (shard.number, now - shard.created_ms >= SHARD_LIFETIME_MS)
        };
        let shard_no = if due && last_seq_in_shard(conn, r.stream, shard_no)?.is_some() {
            // Roll over: close the old shard at its last record, open its child.
            let mut s = match changed.iter().position(|s| s.id == r.stream) {
                Some(i) => changed.swap_remove(i),
                None => state
                    .streams
                    .get(&r.stream)
                    .cloned()
                    .ok_or_else(|| Error::internal("a record names a missing stream"))?,
            };
            close_open_shard(conn, &mut s, now)?;
            let first = (seq + 1).max(now.saturating_mul(1000));
            let child = s.new_shard(shard_no + 1, now, first);
            s.shards.push(child);
            conn.execute(
                "UPDATE dynoxide_streams SET meta = ?2 WHERE id = ?1",
                params![s.id, s.stored_json()],
            )?;
            changed.push(s);
            shard_no + 1
        } else {
            shard_no
        };
        seq = (seq + 1).max(now.saturating_mul(1000));
        conn.prepare_cached(
            "INSERT INTO dynoxide_stream_records \
             (stream, shard, seq, created_ms, event, service, size, keys, new_image, old_image) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?
        .execute(params![
            r.stream,
            shard_no,
            seq,
            now,
            r.event as i64,
            i64::from(r.service),
            r.size,
            r.keys,
            r.new_image,
            r.old_image
        ])?;
    }
    Ok((changed, seq))
}
