//! What TransactGetItems and TransactWriteItems share: cancellation reasons, the one-item rule,
//! and the ClientRequestToken cache.

use crate::error::{Error, ErrorCode};
use crate::model::value::Item;
use crate::types::TransactWriteItemsOutput;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// At most this many actions in one transaction.
pub(crate) const MAX_ACTIONS: usize = 100;

/// Two actions on one item.
pub(crate) fn same_item_twice() -> Error {
    Error::validation("Transaction request cannot include multiple operations on one item")
}

/// Why one action of a cancelled transaction failed (or `None` when it did not).
#[derive(Clone, Debug, Default)]
pub(crate) struct Reason {
    code: Option<&'static str>,
    message: Option<String>,
    item: Option<Item>,
}

impl Reason {
    /// The action passed.
    pub fn none() -> Reason {
        Reason::default()
    }

    /// A condition failed; the old item is attached for ReturnValuesOnConditionCheckFailure.
    pub fn condition_failed(item: Option<Item>) -> Reason {
        Reason {
            code: Some("ConditionalCheckFailed"),
            message: Some("The conditional request failed".to_string()),
            item,
        }
    }

    /// The action was invalid for this item (key schema, update at run time, sizes).
    pub fn validation(e: &Error) -> Reason {
        Reason {
            code: Some("ValidationError"),
            message: Some(e.message().to_string()),
            item: None,
        }
    }

    /// A failure with another code (PartiQL's DuplicateItem).
    pub fn with_code(code: &'static str, e: &Error) -> Reason {
        Reason {
            code: Some(code),
            message: Some(e.message().to_string()),
            item: None,
        }
    }

    /// True unless the action passed.
    pub fn failed(&self) -> bool {
        self.code.is_some()
    }
}

/// TransactionCanceledException with one reason per action, in request order.
pub(crate) fn canceled(reasons: &[Reason]) -> Error {
    let codes: Vec<&str> = reasons.iter().map(|r| r.code.unwrap_or("None")).collect();
    let list: Vec<serde_json::Value> = reasons
        .iter()
        .map(|r| {
            let mut o = serde_json::Map::new();
            o.insert("Code".into(), r.code.unwrap_or("None").into());
            if let Some(m) = &r.message {
                o.insert("Message".into(), m.clone().into());
            }
            if let Some(item) = &r.item {
                o.insert(
                    "Item".into(),
                    serde_json::to_value(item).unwrap_or_default(),
                );
            }
            serde_json::Value::Object(o)
        })
        .collect();
    Error::new(
        ErrorCode::TransactionCanceledException,
        format!(
            "Transaction cancelled, please refer cancellation reasons for specific reasons [{}]",
            codes.join(", ")
        ),
    )
    .with_field("CancellationReasons", serde_json::Value::Array(list))
}

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

    /// Remembers a committed result.
    pub fn remember(&mut self, token: &str, digest: [u8; 32], out: TransactWriteItemsOutput) {
        self.entries
            .insert(token.to_string(), (Instant::now(), digest, out));
    }
}
