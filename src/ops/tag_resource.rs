//! TagResource.

use super::tags::{existing, parse_tags, resource_arn, table_of_arn, too_many_tags, MAX_TAGS};
use crate::engine::handle::Engine;
use crate::error::{Error, Result};
use crate::types::{TagResourceInput, TagResourceOutput};
use crate::validate::{present, Constraints};

pub(crate) fn run(db: &Engine, req: TagResourceInput) -> Result<TagResourceOutput> {
    let arn = resource_arn(req.resource_arn.as_deref())?;
    let mut c = Constraints::default();
    c.not_null("tags", &req.tags);
    c.finish()?;
    let table = table_of_arn(db, arn)?;
    let tags = present(&req.tags, "tags")?;
    if tags.is_empty() {
        return Err(Error::validation(
            "Atleast one Tag needs to be provided as Input.",
        ));
    }
    let new = parse_tags(tags)?;
    let mut state = db.lock();
    let mut t = existing(&state, table, arn)?.clone();
    for (k, v) in new {
        match t.tags.iter_mut().find(|(key, _)| *key == k) {
            Some(slot) => slot.1 = v,
            None => t.tags.push((k, v)),
        }
    }
    if t.tags.len() > MAX_TAGS {
        return Err(too_many_tags());
    }
    state.save_table(t)?;
    Ok(TagResourceOutput {})
}
