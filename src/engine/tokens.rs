//! The ClientRequestToken cache of TransactWriteItems and ExecuteTransaction: results kept
//! ten minutes in memory, as DynamoDB keeps them.

use crate::error::{Error, ErrorCode};
use crate::types::TransactWriteItemsOutput;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// How long DynamoDB remembers a ClientRequestToken.
const TOKEN_LIFETIME: Duration = Duration::from_secs(600);

/// Results of TransactWriteItems calls by ClientRequestToken, for ten minutes.
#[derive(Default)]
pub(crate) struct TokenCache {
    entries: HashMap<String, (Instant, [u8; 32], TransactWriteItemsOutput)>,
}

impl TokenCache {
    /// The earlier result for this token: `Ok(Some)` for the same request, an error for a
    /// different one, `Ok(None)` when the token is new or expired.
    pub fn replay(
        &mut self,
        token: &str,
        digest: &[u8; 32],
    ) -> Result<Option<TransactWriteItemsOutput>, Error> {
        let now = Instant::now();
        self.entries
            .retain(|_, (at, _, _)| now.duration_since(*at) < TOKEN_LIFETIME);
        match self.entries.get(token) {
            Some((_, d, out)) if d == digest => Ok(Some(out.clone())),
            Some(_) => Err(Error::new(
                ErrorCode::IdempotentParameterMismatchException,
                "DynamoDB rejected the request because you retried a request with a different payload but with an idempotent token that was already used.",
            )),
            None => Ok(None),
        }
    }

    /// Forgets every result (the data they were results on was replaced).
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// Remembers a committed result.
    pub fn remember(&mut self, token: &str, digest: [u8; 32], out: TransactWriteItemsOutput) {
        self.entries
            .insert(token.to_string(), (Instant::now(), digest, out));
    }
}
