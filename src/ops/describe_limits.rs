//! DescribeLimits: the default quotas DynamoDB documents for an account in a region
//! (80,000 read and write capacity units across its tables, 40,000 for one table with its
//! GSIs). Dynoxide reports them; it does not enforce them.

use crate::engine::handle::Engine;
use crate::error::Result;
use crate::types::{DescribeLimitsInput, DescribeLimitsOutput};

/// Capacity units an account may provision across its tables in one region.
const ACCOUNT_MAX_CAPACITY_UNITS: i64 = 80_000;
/// Capacity units one table (with its GSIs) may be provisioned.
const TABLE_MAX_CAPACITY_UNITS: i64 = 40_000;

pub(crate) fn run(_db: &Engine, _req: DescribeLimitsInput) -> Result<DescribeLimitsOutput> {
    Ok(DescribeLimitsOutput {
        account_max_read_capacity_units: ACCOUNT_MAX_CAPACITY_UNITS,
        account_max_write_capacity_units: ACCOUNT_MAX_CAPACITY_UNITS,
        table_max_read_capacity_units: TABLE_MAX_CAPACITY_UNITS,
        table_max_write_capacity_units: TABLE_MAX_CAPACITY_UNITS,
    })
}
