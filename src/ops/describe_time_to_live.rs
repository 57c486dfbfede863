//! DescribeTimeToLive.

use super::describe_table::table_not_found;
use crate::engine::handle::Engine;
use crate::error::Result;
use crate::types::{DescribeTimeToLiveInput, DescribeTimeToLiveOutput, TimeToLiveDescription};
use crate::validate::{require_table_name, Constraints};

pub(crate) fn run(db: &Engine, req: DescribeTimeToLiveInput) -> Result<DescribeTimeToLiveOutput> {
    let name = require_table_name(&req.table_name)?;
    let mut c = Constraints::default();
    c.name("tableName", name);
    c.finish()?;
    let state = db.lock();
    let t = state.table(name).ok_or_else(|| table_not_found(name))?;
    let ttl = t.ttl.as_ref();
    Ok(DescribeTimeToLiveOutput {
        time_to_live_description: TimeToLiveDescription {
            time_to_live_status: if ttl.is_some() { "ENABLED" } else { "DISABLED" }.into(),
            attribute_name: ttl.map(|x| x.attribute.clone()),
        },
    })
}
