//! Bulk loading (import): many items of one table checked one by one, then written through
//! the write pipeline in one transaction per chunk, with indexes and counters maintained and
//! no stream records (loaded items are not changes).

use super::handle::Engine;
use super::item::{check_index_keys, check_item_size, key_of_item};
use crate::error::{Error, Result};
use crate::model::codec::encode_item;
use crate::model::Item;
use crate::storage::write::{Billing, WriteBatch};

/// What a bulk put did: items written, and the items refused, by their position in the
/// input with DynamoDB's error for each.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Items written.
    pub written: usize,
    /// (position in the input, why it was refused).
    pub refused: Vec<(usize, Error)>,
}

/// Writes `items` to `table`: each is checked as PutItem checks it (values, size, key and
/// index keys); the ones that pass are written in one transaction (a later item with the
/// key of an earlier one replaces it, as consecutive puts would).
pub(crate) fn put_items(engine: &Engine, table: &str, items: &[Item]) -> Result<Loaded> {
    let mut state = engine.lock();
    let mut out = Loaded::default();
    let mut staged = Vec::with_capacity(items.len());
    {
        let t = state.table(table).ok_or_else(|| {
            Error::new(
                crate::ErrorCode::ResourceNotFoundException,
                format!("Requested resource not found: Table: {table} not found"),
            )
        })?;
        for (i, item) in items.iter().enumerate() {
            let checked = encode_item(item).and_then(|enc| {
                check_item_size(enc.size)?;
                let (pk, sk) = key_of_item(t, item)?;
                check_index_keys(t, item)?;
                Ok((pk, sk, enc))
            });
            match checked {
                Ok(x) => staged.push((i, x)),
                Err(e) => out.refused.push((i, e)),
            }
        }
    }
    // One transaction for the chunk: the batches join it.
    out.written = state.in_transaction(|state| {
        let mut written = 0;
        let mut batch = WriteBatch::new(state, Billing::Standard, false)
            .without_records()
            .joining();
        let mut keys = std::collections::HashSet::with_capacity(staged.len());
        for (i, (pk, sk, enc)) in staged {
            if !keys.insert((pk.clone(), sk.clone())) {
                // The same key again: what is staged so far goes first, so this replaces it.
                batch.commit()?;
                keys.clear();
                keys.insert((pk.clone(), sk.clone()));
                batch = WriteBatch::new(state, Billing::Standard, false)
                    .without_records()
                    .joining();
            }
            batch.put(table, pk, sk, &items[i], enc)?;
            written += 1;
        }
        batch.commit()?;
        Ok(written)
    })?;
    Ok(out)
}
