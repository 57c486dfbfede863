//! GetShardIterator (DynamoDB Streams).

use super::streams::{find_stream, Iterator};
use crate::engine::handle::Engine;
use crate::error::{Error, ErrorCode, Result};
use crate::storage::streams::{first_live_seq, last_seq_in_shard, next_record_at, RETENTION_MS};
use crate::types::{GetShardIteratorInput, GetShardIteratorOutput, ShardIteratorType};
use crate::validate::{present, Constraints};

const ITERATOR_TYPES: &[&str] = &[
    "TRIM_HORIZON",
    "LATEST",
    "AT_SEQUENCE_NUMBER",
    "AFTER_SEQUENCE_NUMBER",
];

pub(crate) fn run(db: &Engine, req: GetShardIteratorInput) -> Result<GetShardIteratorOutput> {
    let mut c = Constraints::default();
    if let Some(arn) = c.not_null("streamArn", &req.stream_arn) {
        c.length("streamArn", arn, arn.chars().count(), 37, 1024);
    }
    if let Some(id) = c.not_null("shardId", &req.shard_id) {
        c.length("shardId", id, id.chars().count(), 28, 65);
    }
    c.not_null("shardIteratorType", &req.shard_iterator_type);
    c.one_of(
        "shardIteratorType",
        req.shard_iterator_type.as_deref(),
        ITERATOR_TYPES,
    );
    if let Some(n) = &req.sequence_number {
        c.length("sequenceNumber", n, n.chars().count(), 21, 40);
    }
    c.finish()?;
    let arn = present(&req.stream_arn, "streamArn")?;
    let shard_id = present(&req.shard_id, "shardId")?;
    let kind = ShardIteratorType::from_member(req.shard_iterator_type.as_deref())
        .ok_or_else(|| Error::validation("Invalid ShardIteratorType"))?;
    let at = match (kind, &req.sequence_number) {
        (ShardIteratorType::AtSequenceNumber | ShardIteratorType::AfterSequenceNumber, None) => {
            return Err(Error::validation(
                "Must specify a sequence number for the AT_SEQUENCE_NUMBER and AFTER_SEQUENCE_NUMBER iterator types",
            ))
        }
        (ShardIteratorType::TrimHorizon | ShardIteratorType::Latest, Some(_)) => {
            return Err(Error::validation(
                "Sequence number should not be specified for TRIM_HORIZON and LATEST iterator types",
            ))
        }
        (_, Some(n)) => Some(parse_sequence(n)?),
        (_, None) => None,
    };

    let state = db.lock();
    let now = db.clock().now_ms();
    let s = find_stream(&state, arn, now)?;
    let shard = s
        .live_shards(now)
        .find(|sh| sh.id == *shard_id)
        .ok_or_else(|| {
            Error::new(
                ErrorCode::ResourceNotFoundException,
                "Requested resource not found: Shard does not exist",
            )
        })?;
    let conn = &state.conn;
    let cutoff = now - RETENTION_MS;
    let last = || -> Result<i64> {
        Ok(match shard.ending_seq {
            Some(end) => end,
            // Trimmed records are gone from the table but still behind the horizon.
            None => last_seq_in_shard(conn, s.id, shard.number)?
                .unwrap_or(shard.first_seq - 1)
                .max(shard.trimmed_through),
        })
    };
    let after = match (kind, at) {
        (ShardIteratorType::TrimHorizon, _) => {
            match first_live_seq(conn, s.id, shard.number, cutoff)? {
                Some(seq) => (seq - 1).max(shard.trimmed_through),
                None => last()?,
            }
        }
        (ShardIteratorType::Latest, _) => last()?,
        (kind, Some(seq)) => {
            // Past the shard's end, or past the last record of an open shard (its starting
            // number stays valid while it is empty).
            let beyond = seq > last()?.max(shard.first_seq);
            if seq < shard.first_seq || beyond {
                return Err(Error::validation("Invalid SequenceNumber for the shard"));
            }
            let trimmed = seq <= shard.trimmed_through
                || next_record_at(conn, s.id, shard.number, seq - 1)?
                    .is_some_and(|(_, created)| created < cutoff);
            if trimmed {
                return Err(trimmed_error());
            }
            if kind == ShardIteratorType::AtSequenceNumber {
                seq - 1
            } else {
                seq
            }
        }
        (_, None) => return Err(Error::internal("a sequence number iterator without one")),
    };
    let it = Iterator {
        arn: &s.arn,
        shard: shard.number,
        after,
        issued_ms: now,
    };
    Ok(GetShardIteratorOutput {
        shard_iterator: it.encode(),
    })
}

/// A sequence number's value; DynamoDB's are decimal strings.
fn parse_sequence(text: &str) -> Result<i64> {
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::validation(format!(
            "1 validation error detected: Value '{text}' at 'sequenceNumber' failed to satisfy constraint: Member must satisfy regular expression pattern: \\d+"
        )));
    }
    // Ours fit an i64; a longer number is past every shard's range.
    let digits = text.trim_start_matches('0');
    if digits.is_empty() {
        return Ok(0);
    }
    Ok(digits.parse().unwrap_or(i64::MAX))
}

/// TrimmedDataAccessException.
pub(crate) fn trimmed_error() -> Error {
    Error::new(
        ErrorCode::TrimmedDataAccessException,
        "The data you are trying to access has been trimmed",
    )
}
