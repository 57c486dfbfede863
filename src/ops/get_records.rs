//! GetRecords (DynamoDB Streams).

use super::get_shard_iterator::trimmed_error;
use super::streams::{find_stream, record, Iterator, ITERATOR_LIFETIME_MS};
use crate::engine::handle::Engine;
use crate::error::{Error, ErrorCode, Result};
use crate::storage::streams::{next_record_at, read_records, RETENTION_MS};
use crate::types::{GetRecordsInput, GetRecordsOutput};
use crate::validate::{present, Constraints};

/// GetRecords returns at most this many bytes of records.
const MAX_BYTES: i64 = 1024 * 1024;

pub(crate) fn run(db: &Engine, req: GetRecordsInput) -> Result<GetRecordsOutput> {
    let mut c = Constraints::default();
    if let Some(it) = c.not_null("shardIterator", &req.shard_iterator) {
        c.length("shardIterator", it, it.chars().count(), 1, 2048);
    }
    if let Some(limit) = req.limit {
        c.range("limit", i64::from(limit), 1, None);
    }
    c.finish()?;
    let text = present(&req.shard_iterator, "shardIterator")?;
    let it = Iterator::decode(text).ok_or_else(|| Error::validation("Invalid ShardIterator"))?;
    let now = db.clock().now_ms();
    if now.saturating_sub(it.issued_ms) > ITERATOR_LIFETIME_MS {
        return Err(Error::new(
            ErrorCode::ExpiredIteratorException,
            "Shard iterator has expired",
        ));
    }
    if req.limit.is_some_and(|l| l > 1000) {
        return Err(Error::invalid_param(
            "Limit should be less than or equal to 1000",
        ));
    }
    let limit = req.limit.unwrap_or(1000) as usize;
    let state = db.lock();
    let s = find_stream(&state, it.arn, now)?;
    let shard = s
        .live_shards(now)
        .find(|sh| sh.number == it.shard)
        .ok_or_else(|| {
            Error::new(
                ErrorCode::ResourceNotFoundException,
                "Invalid ShardId in ShardIterator",
            )
        })?;
    let conn = &state.conn;
    let trimmed = it.after < shard.trimmed_through
        || next_record_at(conn, s.id, shard.number, it.after)?
            .is_some_and(|(_, created)| created < now - RETENTION_MS);
    if trimmed {
        return Err(trimmed_error());
    }
    let mut records = Vec::new();
    let (mut after, mut bytes) = (it.after, 0i64);
    for r in read_records(conn, s.id, shard.number, it.after, limit)? {
        // The first record always fits; later ones stop at 1 MB.
        if !records.is_empty() && bytes + r.size > MAX_BYTES {
            break;
        }
        bytes += r.size;
        after = r.seq;
        records.push(record(s, r)?);
    }
    // A closed shard read to its end has no next iterator.
    let done = shard.ending_seq.is_some_and(|end| after >= end)
        || (shard.ending_seq.is_some()
            && records.is_empty()
            && next_record_at(conn, s.id, shard.number, after)?.is_none());
    let next = (!done).then(|| {
        Iterator {
            arn: &s.arn,
            shard: shard.number,
            after,
            issued_ms: now,
        }
        .encode()
    });
    Ok(GetRecordsOutput {
        records,
        next_shard_iterator: next,
    })
}
