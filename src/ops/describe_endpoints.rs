//! DescribeEndpoints: where to send requests. DynamoDB names its regional endpoint; the
//! server names itself, as the client reached it (the request's authority or Host), rather
//! than sending a client that asks to AWS. Embedded, with no server, it is `localhost`.

use crate::engine::handle::Engine;
use crate::error::Result;
use crate::types::{DescribeEndpointsInput, DescribeEndpointsOutput, Endpoint};

/// DynamoDB's answer: clients may cache the endpoint for a day.
const CACHE_PERIOD_IN_MINUTES: i64 = 1440;

pub(crate) fn run(db: &Engine, _req: DescribeEndpointsInput) -> Result<DescribeEndpointsOutput> {
    Ok(DescribeEndpointsOutput {
        endpoints: vec![Endpoint {
            address: db.endpoint().unwrap_or("localhost").to_string(),
            cache_period_in_minutes: CACHE_PERIOD_IN_MINUTES,
        }],
    })
}
