//! UntagResource.

use super::tags::{check_key, existing, resource_arn, table_of_arn, too_many_tags, MAX_TAGS};
use crate::engine::handle::Engine;
use crate::error::{Error, Result};
use crate::types::{UntagResourceInput, UntagResourceOutput};
use crate::validate::{present, Constraints};

pub(crate) fn run(db: &Engine, req: UntagResourceInput) -> Result<UntagResourceOutput> {
    let arn = resource_arn(req.resource_arn.as_deref())?;
    let mut c = Constraints::default();
    c.not_null("tagKeys", &req.tag_keys);
    c.finish()?;
    let table = table_of_arn(db, arn)?;
    let keys = present(&req.tag_keys, "tagKeys")?;
    if keys.is_empty() {
        return Err(Error::validation(
            "Atleast one Tag Key needs to be provided as Input.",
        ));
    }
    if keys.len() > MAX_TAGS {
        return Err(too_many_tags());
    }
    for k in keys {
        check_key(Some(k))?;
    }
    let mut state = db.lock();
    let mut t = existing(&state, table, arn)?.clone();
    let before = t.tags.len();
    // Removing a key the table does not have is not an error.
    t.tags.retain(|(k, _)| !keys.contains(k));
    if t.tags.len() != before {
        state.save_table(t)?;
    }
    Ok(UntagResourceOutput {})
}
