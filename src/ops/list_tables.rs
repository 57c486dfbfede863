//! ListTables.

use crate::engine::handle::Engine;
use crate::error::Result;
use crate::types::{ListTablesInput, ListTablesOutput};
use crate::validate::Constraints;
use std::ops::Bound;

pub(crate) fn run(db: &Engine, req: ListTablesInput) -> Result<ListTablesOutput> {
    let mut c = Constraints::default();
    if let Some(start) = &req.exclusive_start_table_name {
        c.name("exclusiveStartTableName", start);
    }
    if let Some(limit) = req.limit {
        c.range("limit", i64::from(limit), 1, Some(100));
    }
    c.finish()?;
    let limit = req.limit.unwrap_or(100) as usize;
    let state = db.lock();
    let lower = match &req.exclusive_start_table_name {
        Some(s) => Bound::Excluded(s.clone()),
        None => Bound::Unbounded,
    };
    let mut names = state
        .tables
        .range((lower, Bound::Unbounded))
        .map(|(n, _)| n.clone());
    let table_names: Vec<String> = names.by_ref().take(limit).collect();
    // A cursor only when more names remain.
    let more = names.next().is_some();
    Ok(ListTablesOutput {
        last_evaluated_table_name: if more {
            table_names.last().cloned()
        } else {
            None
        },
        table_names,
    })
}
