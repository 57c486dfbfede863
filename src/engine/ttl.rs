//! The TTL sweep: deletes items whose TTL attribute is an expiry time in the past, through
//! the write pipeline (indexes, counters, and a REMOVE stream record naming DynamoDB's
//! service), in small batches so that it never holds the writer for long.

use super::handle::Engine;
use crate::error::Result;
use crate::storage::write::{Billing, WriteBatch};

/// Items deleted per write transaction.
const BATCH: usize = 100;

/// Deletes every expired item of every table with TTL enabled; returns how many.
pub(crate) fn sweep(engine: &Engine) -> Result<usize> {
    let now = engine.clock().now_ms().div_euclid(1000);
    let tables: Vec<String> = engine
        .lock()
        .tables
        .values()
        .filter(|t| t.ttl.is_some())
        .map(|t| t.desc.table_name.clone())
        .collect();
    let mut total = 0;
    for name in &tables {
        loop {
            // The writer is taken per batch: other writes run in between.
            let mut state = engine.lock();
            let keys = state.expired_keys(name, now, BATCH)?;
            let n = keys.len();
            if n == 0 {
                break;
            }
            let mut batch = WriteBatch::new(&mut state, Billing::Standard, false);
            let mut staged = 0;
            for (pk, sk) in keys {
                staged += usize::from(batch.expire(name, pk, sk, now)?);
            }
            batch.commit()?;
            total += staged;
            // Every write keeps the expiry index, so each key found is staged; should an entry
            // ever be stale, stop rather than read it again forever.
            if n < BATCH || staged == 0 {
                break;
            }
        }
    }
    Ok(total)
}
