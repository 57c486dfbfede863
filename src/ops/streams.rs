//! What the DynamoDB Streams operations share: stream ARNs, shard iterators, and records in
//! DynamoDB's shape.

use crate::error::{Error, ErrorCode, Result};
use crate::model::codec::decode_item;
use crate::storage::streams::{sequence_text, StoredRecord, Stream};
use crate::storage::State;
use crate::types::{Identity, Record, StreamRecord};
use sha2::{Digest, Sha256};

/// How long a shard iterator can be used.
pub(crate) const ITERATOR_LIFETIME_MS: i64 = 15 * 60 * 1000;

/// The table name and label of a stream ARN
/// (`arn:aws:dynamodb:REGION:ACCOUNT:table/NAME/stream/LABEL`), or None when malformed.
pub(crate) fn parse_stream_arn(arn: &str) -> Option<(&str, &str)> {
    let rest = arn.strip_prefix("arn:")?;
    let mut parts = rest.splitn(5, ':');
    let (partition, service, region, account, resource) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    if partition.is_empty() || service != "dynamodb" || region.is_empty() || account.is_empty() {
        return None;
    }
    let resource = resource.strip_prefix("table/")?;
    let (table, label) = resource.split_once("/stream/")?;
    (!table.is_empty() && !label.is_empty()).then_some((table, label))
}

/// A label for a new stream of `table` created at `epoch` seconds: its time, moved on by a
/// millisecond while an earlier stream of a table of that name has it (labels name streams).
pub(crate) fn fresh_label(state: &State, table: &str, epoch: f64) -> String {
    let mut ms = (epoch * 1000.0).round();
    loop {
        let label = super::create_table::stream_label(ms / 1000.0);
        let taken = state
            .streams
            .values()
            .any(|s| s.table_name == table && s.label == label);
        if !taken {
            return label;
        }
        ms += 1.0;
    }
}

/// The region named in an ARN.
pub(crate) fn arn_region(arn: &str) -> &str {
    arn.split(':').nth(3).unwrap_or_default()
}

/// ValidationException for a StreamArn that is not a stream ARN.
pub(crate) fn invalid_stream_arn() -> Error {
    Error::validation("Invalid StreamArn")
}

/// ResourceNotFoundException for a stream.
pub(crate) fn stream_not_found(arn: &str) -> Error {
    Error::new(
        ErrorCode::ResourceNotFoundException,
        format!("Requested resource not found: Stream: {arn} not found"),
    )
}

/// The readable stream an ARN names.
pub(crate) fn find_stream<'s>(state: &'s State, arn: &str, now_ms: i64) -> Result<&'s Stream> {
    let (table, label) = parse_stream_arn(arn).ok_or_else(invalid_stream_arn)?;
    // The whole ARN must match: another region's or account's ARN names another stream.
    state
        .streams
        .values()
        .find(|s| {
            s.table_name == table && s.label == label && s.arn == arn && s.is_readable(now_ms)
        })
        .ok_or_else(|| stream_not_found(arn))
}

/// A position in a shard: the records after `after`, read with an iterator issued at
/// `issued_ms`.
#[derive(Debug, PartialEq)]
pub(crate) struct Iterator<'a> {
    pub arn: &'a str,
    pub shard: i64,
    pub after: i64,
    pub issued_ms: i64,
}

fn iterator_check(body: &str) -> String {
    let d = Sha256::digest(body.as_bytes());
    d[..8].iter().map(|b| format!("{b:02x}")).collect()
}

impl<'a> Iterator<'a> {
    /// The iterator's text: the stream ARN, the position, the issue time and a checksum.
    pub fn encode(&self) -> String {
        let body = format!(
            "{}|{}|{}|{}",
            self.arn, self.shard, self.after, self.issued_ms
        );
        let check = iterator_check(&body);
        format!("{body}|{check}")
    }

    /// Reads an iterator's text back; None when it is not one of ours, or was altered.
    pub fn decode(text: &'a str) -> Option<Iterator<'a>> {
        let (body, check) = text.rsplit_once('|')?;
        if iterator_check(body) != check {
            return None;
        }
        let mut parts = body.rsplitn(4, '|');
        let issued_ms = parts.next()?.parse().ok()?;
        let after = parts.next()?.parse().ok()?;
        let shard = parts.next()?.parse().ok()?;
        let arn = parts.next()?;
        Some(Iterator {
            arn,
            shard,
            after,
            issued_ms,
        })
    }
}

/// The records of a table's latest stream (enabled, or the last disabled one), oldest
/// first, after a sequence number when one is given.
pub(crate) fn table_records(
    db: &crate::engine::handle::Engine,
    table: &str,
    after: Option<&str>,
) -> Result<Vec<Record>> {
    let after = match after {
        Some(text) => text
            .parse::<i64>()
            .map_err(|_| Error::validation(format!("Invalid SequenceNumber: {text}")))?,
        None => 0,
    };
    let state = db.lock();
    let now = db.clock().now_ms();
    let stream = state
        .streams
        .values()
        .filter(|s| s.table_name == table && s.is_readable(now))
        .max_by_key(|s| s.id)
        .ok_or_else(|| {
            Error::new(
                ErrorCode::ResourceNotFoundException,
                format!("Requested resource not found: Table: {table} has no stream"),
            )
        })?;
    crate::storage::streams::read_stream(&state.conn, stream.id, after)?
        .into_iter()
        .map(|r| record(stream, r))
        .collect()
}

/// A record as GetRecords returns it.
pub(crate) fn record(stream: &Stream, r: StoredRecord) -> Result<Record> {
    let seq = sequence_text(r.seq);
    let id = Sha256::digest(format!("{}#{seq}", stream.arn).as_bytes());
    Ok(Record {
        event_id: id[..16].iter().map(|b| format!("{b:02x}")).collect(),
        event_name: r.event.as_str().to_string(),
        event_version: "1.1".into(),
        event_source: "aws:dynamodb".into(),
        aws_region: arn_region(&stream.arn).to_string(),
        dynamodb: StreamRecord {
            approximate_creation_date_time: r.created_ms.div_euclid(1000) as f64,
            keys: decode_item(&r.keys)?,
            new_image: r.new_image.as_deref().map(decode_item).transpose()?,
            old_image: r.old_image.as_deref().map(decode_item).transpose()?,
            sequence_number: seq,
            size_bytes: r.size,
            stream_view_type: stream.view.as_str().to_string(),
        },
        user_identity: r.service.then(|| Identity {
            principal_id: "dynamodb.amazonaws.com".into(),
            kind: "Service".into(),
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_arns_parse_into_table_and_label() {
        let arn =
            "arn:aws:dynamodb:eu-west-1:000000000000:table/my.t-1/stream/2024-01-01T00:00:00.000";
        assert_eq!(
            parse_stream_arn(arn),
            Some(("my.t-1", "2024-01-01T00:00:00.000"))
        );
        assert_eq!(arn_region(arn), "eu-west-1");
        for bad in [
            "arn:aws:dynamodb:eu-west-1:000000000000:table/t",
            "arn:aws:s3:eu-west-1:000000000000:table/t/stream/x",
            "table/t/stream/x",
            "arn:aws:dynamodb:eu-west-1:000000000000:table//stream/x",
        ] {
            assert_eq!(parse_stream_arn(bad), None, "{bad}");
        }
    }

    #[test]
    fn iterators_round_trip_and_refuse_tampering() {
        let it = Iterator {
            arn: "arn:aws:dynamodb:us-east-1:000000000000:table/a|b/stream/x",
            shard: 2,
            after: 1_700_000_000_000_123,
            issued_ms: 1_700_000_000_000,
        };
        let text = it.encode();
        assert_eq!(Iterator::decode(&text), Some(it));
        let tampered = text.replace("|2|", "|3|");
        assert_eq!(Iterator::decode(&tampered), None);
        assert_eq!(Iterator::decode("garbage"), None);
    }
}
