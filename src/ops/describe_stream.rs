//! DescribeStream (DynamoDB Streams).

use super::streams::find_stream;
use crate::engine::handle::Engine;
use crate::error::{Error, Result};
use crate::storage::streams::sequence_text;
use crate::types::{
    DescribeStreamInput, DescribeStreamOutput, SequenceNumberRange, Shard, StreamDescription,
};
use crate::validate::{present, Constraints};

pub(crate) fn run(db: &Engine, req: DescribeStreamInput) -> Result<DescribeStreamOutput> {
    let mut c = Constraints::default();
    if let Some(arn) = c.not_null("streamArn", &req.stream_arn) {
        c.length("streamArn", arn, arn.chars().count(), 37, 1024);
    }
    if let Some(limit) = req.limit {
        c.range("limit", i64::from(limit), 1, None);
    }
    if let Some(id) = &req.exclusive_start_shard_id {
        c.length("exclusiveStartShardId", id, id.chars().count(), 28, 65);
    }
    c.finish()?;
    if req.limit.is_some_and(|l| l > 100) {
        return Err(Error::invalid_param(
            "Limit cannot be greater than the maximum: 100",
        ));
    }
    let arn = present(&req.stream_arn, "streamArn")?;
    let limit = req.limit.unwrap_or(100) as usize;
    let state = db.lock();
    let now = db.clock().now_ms();
    let s = find_stream(&state, arn, now)?;
    // Shards in ShardId order, after the one named (an unknown one leaves none, as the
    // service answers).
    let mut all: Vec<_> = s.live_shards(now).collect();
    all.sort_by(|a, b| a.id.cmp(&b.id));
    let from = match &req.exclusive_start_shard_id {
        Some(start) => all
            .iter()
            .position(|sh| sh.id == *start)
            .map_or(all.len(), |p| p + 1),
        None => 0,
    };
    let mut shards = all.into_iter().skip(from);
    let page: Vec<Shard> = shards
        .by_ref()
        .take(limit)
        .map(|sh| Shard {
            shard_id: sh.id.clone(),
            sequence_number_range: SequenceNumberRange {
                starting_sequence_number: sequence_text(sh.first_seq),
                ending_sequence_number: sh.ending_seq.map(sequence_text),
            },
            parent_shard_id: sh.parent.clone(),
        })
        .collect();
    let more = shards.next().is_some();
    Ok(DescribeStreamOutput {
        stream_description: StreamDescription {
            stream_arn: s.arn.clone(),
            stream_label: s.label.clone(),
            stream_status: if s.disabled_ms.is_some() {
                "DISABLED"
            } else {
                "ENABLED"
            }
            .into(),
            stream_view_type: s.view.as_str().into(),
            creation_request_date_time: s.created_ms as f64 / 1000.0,
            table_name: s.table_name.clone(),
            key_schema: s.key_schema.clone(),
            last_evaluated_shard_id: if more {
                page.last().map(|sh| sh.shard_id.clone())
            } else {
                None
            },
            shards: page,
        },
    })
}
