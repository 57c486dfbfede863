//! ListTagsOfResource.

use super::tags::{existing, resource_arn, table_of_arn};
use crate::engine::handle::Engine;
use crate::error::{Error, Result};
use crate::types::{ListTagsOfResourceInput, ListTagsOfResourceOutput, Tag};

/// Tags per page. A table holds at most 50, which DynamoDB returns in one page.
const PAGE: usize = 50;

pub(crate) fn run(db: &Engine, req: ListTagsOfResourceInput) -> Result<ListTagsOfResourceOutput> {
    let arn = resource_arn(req.resource_arn.as_deref())?;
    let table = table_of_arn(db, arn)?;
    // A NextToken is the position where the previous page stopped.
    let from = match &req.next_token {
        Some(token) => token
            .parse::<usize>()
            .map_err(|_| Error::validation(format!("Invalid NextToken: {token}")))?,
        None => 0,
    };
    let state = db.lock();
    let t = existing(&state, table, arn)?;
    let tags: Vec<Tag> = t
        .tags
        .iter()
        .skip(from)
        .take(PAGE)
        .map(|(k, v)| Tag {
            key: Some(k.clone()),
            value: Some(v.clone()),
        })
        .collect();
    let next = from + tags.len();
    Ok(ListTagsOfResourceOutput {
        tags,
        next_token: (next < t.tags.len()).then(|| next.to_string()),
    })
}
