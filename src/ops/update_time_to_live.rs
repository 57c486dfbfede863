//! UpdateTimeToLive. The change is immediate (DynamoDB's ENABLING/DISABLING states are not
//! observable in practice); the hourly limit on changes is not modelled.

use super::describe_table::table_not_found;
use crate::engine::handle::Engine;
use crate::error::{Error, Result};
use crate::types::{UpdateTimeToLiveInput, UpdateTimeToLiveOutput};
use crate::validate::{present, require_table_name, Constraints};

pub(crate) fn run(db: &Engine, req: UpdateTimeToLiveInput) -> Result<UpdateTimeToLiveOutput> {
    let name = require_table_name(&req.table_name)?;
    let mut c = Constraints::default();
    c.name("tableName", name);
    if let Some(spec) = c.not_null("timeToLiveSpecification", &req.time_to_live_specification) {
        let path = "timeToLiveSpecification.attributeName";
        if let Some(a) = c.not_null(path, &spec.attribute_name) {
            c.length(path, a, a.chars().count(), 1, 255);
        }
        c.not_null("timeToLiveSpecification.enabled", &spec.enabled);
    }
    c.finish()?;
    let spec = present(&req.time_to_live_specification, "timeToLiveSpecification")?;
    let attribute = present(
        &spec.attribute_name,
        "timeToLiveSpecification.attributeName",
    )?;
    let enable = *present(&spec.enabled, "timeToLiveSpecification.enabled")?;

    let mut state = db.lock();
    let t = state.table(name).ok_or_else(|| table_not_found(name))?;
    let current = t.ttl.as_ref().map(|x| x.attribute.as_str());
    match current {
        Some(a) if a != attribute => {
            return Err(Error::validation(format!(
                "TimeToLive is active on a different AttributeName: current AttributeName is {a}"
            )))
        }
        Some(_) if enable => return Err(Error::validation("TimeToLive is already enabled")),
        None if !enable => return Err(Error::validation("TimeToLive is already disabled")),
        _ => {}
    }
    state.set_ttl(name, enable.then(|| attribute.clone()))?;
    Ok(UpdateTimeToLiveOutput {
        time_to_live_specification: spec.clone(),
    })
}
