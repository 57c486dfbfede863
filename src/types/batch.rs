//! BatchGetItem, BatchWriteItem, TransactGetItems and TransactWriteItems.

use super::ConsumedCapacity;
use super::Names;
use crate::model::Item;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The keys to read from one table, and how (BatchGetItem).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct KeysAndAttributes {
    /// Primary keys of the items to read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keys: Option<Vec<Item>>,
    /// Strongly consistent reads for this table.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consistent_read: Option<bool>,
    /// Attributes to return.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub projection_expression: Option<String>,
    /// `#name` placeholders.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expression_attribute_names: Option<Names>,
    /// Legacy projection: top-level attribute names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributes_to_get: Option<Vec<String>>,
}

/// BatchGetItem request.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct BatchGetItemInput {
    /// Table name -> keys to read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_items: Option<BTreeMap<String, KeysAndAttributes>>,
    /// NONE, TOTAL or INDEXES.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_consumed_capacity: Option<String>,
}

/// BatchGetItem response.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct BatchGetItemOutput {
    /// Table name -> the items found (every requested table is listed).
    pub responses: BTreeMap<String, Vec<Item>>,
    /// Keys not read (response size limit), in the request's shape, to send again.
    pub unprocessed_keys: BTreeMap<String, KeysAndAttributes>,
    /// Consumed capacity per table, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consumed_capacity: Option<Vec<ConsumedCapacity>>,
}

/// A put inside BatchWriteItem.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct PutRequest {
    /// The item.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<Item>,
}

/// A delete inside BatchWriteItem.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct DeleteRequest {
    /// The primary key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<Item>,
}

/// One write of a BatchWriteItem: exactly one of put or delete.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct WriteRequest {
    /// Put an item.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub put_request: Option<PutRequest>,
    /// Delete an item.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delete_request: Option<DeleteRequest>,
}

/// BatchWriteItem request.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct BatchWriteItemInput {
    /// Table name -> writes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_items: Option<BTreeMap<String, Vec<WriteRequest>>>,
    /// NONE, TOTAL or INDEXES.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_consumed_capacity: Option<String>,
    /// NONE or SIZE.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_item_collection_metrics: Option<String>,
}

/// The size of one item collection (the items sharing a partition key on a table with LSIs).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ItemCollectionMetrics {
    /// The partition key of the collection.
    pub item_collection_key: Item,
    /// Lower and upper estimate of the collection's size, in GB.
    #[serde(rename = "SizeEstimateRangeGB")]
    pub size_estimate_range_gb: Vec<f64>,
}

/// BatchWriteItem response.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct BatchWriteItemOutput {
    /// Writes not done, in the request's shape (always empty: nothing throttles here).
    pub unprocessed_items: BTreeMap<String, Vec<WriteRequest>>,
    /// Consumed capacity per table, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consumed_capacity: Option<Vec<ConsumedCapacity>>,
    /// Item collection sizes per table (tables with LSIs), when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item_collection_metrics: Option<BTreeMap<String, Vec<ItemCollectionMetrics>>>,
}

/// One read of TransactGetItems.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Get {
    /// Table name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table_name: Option<String>,
    /// The primary key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<Item>,
    /// Attributes to return.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub projection_expression: Option<String>,
    /// `#name` placeholders.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expression_attribute_names: Option<Names>,
}

/// An entry of TransactGetItems.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct TransactGetItem {
    /// The read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub get: Option<Get>,
}

/// TransactGetItems request.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct TransactGetItemsInput {
    /// Up to 100 reads.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transact_items: Option<Vec<TransactGetItem>>,
    /// NONE, TOTAL or INDEXES.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_consumed_capacity: Option<String>,
}

/// One item of a TransactGetItems response (`{}` when there is none).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ItemResponse {
    /// The item.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<Item>,
}

/// TransactGetItems response.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct TransactGetItemsOutput {
    /// One entry per read, in request order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub responses: Option<Vec<ItemResponse>>,
    /// Consumed capacity per table, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consumed_capacity: Option<Vec<ConsumedCapacity>>,
}

/// Members every TransactWriteItems action has.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct TransactAction {
    /// Table name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table_name: Option<String>,
    /// The item (Put).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<Item>,
    /// The primary key (Update, Delete, ConditionCheck).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<Item>,
    /// The update (Update).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_expression: Option<String>,
    /// Condition the existing item must meet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition_expression: Option<String>,
    /// `#name` placeholders.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expression_attribute_names: Option<Names>,
    /// `:value` placeholders.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expression_attribute_values: Option<Item>,
    /// ALL_OLD puts the existing item in the cancellation reason when the condition fails.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_values_on_condition_check_failure: Option<String>,
}

/// An entry of TransactWriteItems: exactly one action.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct TransactWriteItem {
    /// Check a condition on an item without writing it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition_check: Option<TransactAction>,
    /// Put an item.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub put: Option<TransactAction>,
    /// Delete an item.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delete: Option<TransactAction>,
    /// Update an item.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update: Option<TransactAction>,
}

/// TransactWriteItems request.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct TransactWriteItemsInput {
    /// Up to 100 actions, all or nothing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transact_items: Option<Vec<TransactWriteItem>>,
    /// NONE, TOTAL or INDEXES.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_consumed_capacity: Option<String>,
    /// NONE or SIZE.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_item_collection_metrics: Option<String>,
    /// Makes retries idempotent for 10 minutes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_request_token: Option<String>,
}

/// TransactWriteItems response.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct TransactWriteItemsOutput {
    /// Consumed capacity per table, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consumed_capacity: Option<Vec<ConsumedCapacity>>,
    /// Item collection sizes per table (tables with LSIs), when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item_collection_metrics: Option<BTreeMap<String, Vec<ItemCollectionMetrics>>>,
}
