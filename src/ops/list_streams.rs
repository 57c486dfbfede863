//! ListStreams (DynamoDB Streams).

use super::streams::{find_stream, invalid_stream_arn, parse_stream_arn};
use crate::engine::handle::Engine;
use crate::error::{Error, Result};
use crate::types::{ListStreamsInput, ListStreamsOutput, StreamSummary};
use crate::validate::Constraints;

pub(crate) fn run(db: &Engine, req: ListStreamsInput) -> Result<ListStreamsOutput> {
    let mut c = Constraints::default();
    if let Some(name) = &req.table_name {
        c.name("tableName", name);
    }
    if let Some(limit) = req.limit {
        c.range("limit", i64::from(limit), 1, None);
    }
    if let Some(arn) = &req.exclusive_start_stream_arn {
        c.length(
            "exclusiveStartStreamArn",
            arn,
            arn.chars().count(),
            37,
            1024,
        );
    }
    c.finish()?;
    // The model has no maximum: the service checks it after the constraints.
    if req.limit.is_some_and(|l| l > 100) {
        return Err(Error::invalid_param(
            "Limit cannot be greater than the maximum allowed size: 100",
        ));
    }
    let limit = req.limit.unwrap_or(100) as usize;
    let state = db.lock();
    let now = db.clock().now_ms();
    // Streams in creation order; a start ARN must name a stream.
    let start = match &req.exclusive_start_stream_arn {
        Some(arn) => {
            if parse_stream_arn(arn).is_none() {
                return Err(invalid_stream_arn());
            }
            Some(find_stream(&state, arn, now)?.id)
        }
        None => None,
    };
    let mut streams = state
        .streams
        .values()
        .filter(|s| s.is_readable(now))
        .filter(|s| req.table_name.as_ref().is_none_or(|t| &s.table_name == t))
        .filter(|s| start.is_none_or(|id| s.id > id));
    let page: Vec<StreamSummary> = streams
        .by_ref()
        .take(limit)
        .map(|s| StreamSummary {
            stream_arn: s.arn.clone(),
            table_name: s.table_name.clone(),
            stream_label: s.label.clone(),
        })
        .collect();
    let more = streams.next().is_some();
    Ok(ListStreamsOutput {
        last_evaluated_stream_arn: if more {
            page.last().map(|s| s.stream_arn.clone())
        } else {
            None
        },
        streams: page,
    })
}
