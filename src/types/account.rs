//! Account-level operations: DescribeLimits and DescribeEndpoints.

use serde::{Deserialize, Serialize};

/// DescribeLimits request (no members).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DescribeLimitsInput {}

/// DescribeLimits response: capacity quotas for the account and for one table.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeLimitsOutput {
    /// Most read capacity units provisioned across every table of the account in a region.
    pub account_max_read_capacity_units: i64,
    /// Most write capacity units provisioned across every table of the account in a region.
    pub account_max_write_capacity_units: i64,
    /// Most read capacity units one new table (with its GSIs) may be provisioned.
    pub table_max_read_capacity_units: i64,
    /// Most write capacity units one new table (with its GSIs) may be provisioned.
    pub table_max_write_capacity_units: i64,
}

/// DescribeEndpoints request (no members).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DescribeEndpointsInput {}

/// One endpoint, as DescribeEndpoints lists it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Endpoint {
    /// Host (and port) to send requests to.
    pub address: String,
    /// How long a client may cache the answer.
    pub cache_period_in_minutes: i64,
}

/// DescribeEndpoints response.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeEndpointsOutput {
    /// The endpoints (one).
    pub endpoints: Vec<Endpoint>,
}
