//! What TransactGetItems and TransactWriteItems share: cancellation reasons and the one-item
//! rule (the ClientRequestToken cache is `engine::tokens`).

use crate::error::{Error, ErrorCode};
use crate::model::value::Item;

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
