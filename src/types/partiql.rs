//! ExecuteStatement, BatchExecuteStatement and ExecuteTransaction.

use super::{ConsumedCapacity, ItemResponse};
use crate::model::{AttributeValue, Item};
use serde::{Deserialize, Serialize};

/// ExecuteStatement request.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ExecuteStatementInput {
    /// The PartiQL statement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement: Option<String>,
    /// Values for the statement's `?`, in order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameters: Option<Vec<AttributeValue>>,
    /// Strongly consistent read (SELECT).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consistent_read: Option<bool>,
    /// Where the previous page of a SELECT stopped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
    /// NONE, TOTAL or INDEXES.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_consumed_capacity: Option<String>,
    /// Items a SELECT evaluates at most.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<i32>,
    /// ALL_OLD puts the existing item in a ConditionalCheckFailedException.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_values_on_condition_check_failure: Option<String>,
}

/// ExecuteStatement response.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ExecuteStatementOutput {
    /// The items read, or the item RETURNING asked for.
    pub items: Vec<Item>,
    /// Set when a SELECT has more to read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
    /// Consumed capacity, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consumed_capacity: Option<ConsumedCapacity>,
    /// The key where a SELECT stopped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_evaluated_key: Option<Item>,
}

/// One statement of BatchExecuteStatement.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct BatchStatementRequest {
    /// The PartiQL statement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement: Option<String>,
    /// Values for its `?`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameters: Option<Vec<AttributeValue>>,
    /// Strongly consistent read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consistent_read: Option<bool>,
    /// Accepted, as DynamoDB does, and not applied in batches.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_values_on_condition_check_failure: Option<String>,
}

/// BatchExecuteStatement request.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct BatchExecuteStatementInput {
    /// Up to 25 statements.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statements: Option<Vec<BatchStatementRequest>>,
    /// NONE, TOTAL or INDEXES.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_consumed_capacity: Option<String>,
}

/// The error of one statement of a batch.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct BatchStatementError {
    /// ConditionalCheckFailed, DuplicateItem, ResourceNotFound, ValidationError, ...
    pub code: String,
    /// The message.
    pub message: String,
    /// The existing item, where asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<Item>,
}

/// The result of one statement of a batch.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct BatchStatementResponse {
    /// Set when the statement failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<BatchStatementError>,
    /// The table the statement ran on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table_name: Option<String>,
    /// The item read or returned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<Item>,
}

/// BatchExecuteStatement response.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct BatchExecuteStatementOutput {
    /// One entry per statement, in request order.
    pub responses: Vec<BatchStatementResponse>,
    /// Consumed capacity per table, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consumed_capacity: Option<Vec<ConsumedCapacity>>,
}

/// One statement of ExecuteTransaction.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ParameterizedStatement {
    /// The PartiQL statement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement: Option<String>,
    /// Values for its `?`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameters: Option<Vec<AttributeValue>>,
    /// ALL_OLD puts the existing item in the cancellation reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_values_on_condition_check_failure: Option<String>,
}

/// ExecuteTransaction request.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ExecuteTransactionInput {
    /// Up to 100 statements, all reads or all writes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transact_statements: Option<Vec<ParameterizedStatement>>,
    /// Makes retries idempotent for 10 minutes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_request_token: Option<String>,
    /// NONE, TOTAL or INDEXES.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_consumed_capacity: Option<String>,
}

/// ExecuteTransaction response.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ExecuteTransactionOutput {
    /// One entry per read; empty for writes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub responses: Option<Vec<ItemResponse>>,
    /// Consumed capacity per table, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consumed_capacity: Option<Vec<ConsumedCapacity>>,
}
