use super::ConsumedCapacity;
use crate::model::Item;
use serde::{Deserialize, Serialize};

/// A legacy parameter's map from attribute name to its condition or update.
pub type Conditions<T> = std::collections::BTreeMap<String, T>;

/// ExpressionAttributeNames.
pub type Names = std::collections::BTreeMap<String, String>;

/// A legacy condition (KeyConditions, QueryFilter, ScanFilter).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Condition {
    /// EQ, NE, LT, LE, GT, GE, BETWEEN, IN, BEGINS_WITH, CONTAINS, NOT_CONTAINS, NULL, NOT_NULL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comparison_operator: Option<String>,
    /// The operator's arguments.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attribute_value_list: Option<Vec<crate::model::AttributeValue>>,
}

/// A legacy `Expected` entry.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ExpectedAttributeValue {
    /// The value the attribute must equal (or the operator's one argument).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<crate::model::AttributeValue>,
    /// Whether the attribute must exist.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exists: Option<bool>,
    /// As in [`Condition`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comparison_operator: Option<String>,
    /// As in [`Condition`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attribute_value_list: Option<Vec<crate::model::AttributeValue>>,
}

/// A legacy `AttributeUpdates` entry.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct AttributeValueUpdate {
    /// The value to put, add or delete.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<crate::model::AttributeValue>,
    /// PUT (the default), ADD or DELETE.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
}

/// PutItem request.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct PutItemInput {
    /// Table name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table_name: Option<String>,
    /// The item.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<Item>,
    /// NONE or ALL_OLD.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_values: Option<String>,
    /// NONE, TOTAL or INDEXES.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_consumed_capacity: Option<String>,
    /// NONE or SIZE.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_item_collection_metrics: Option<String>,
    /// Condition the existing item must meet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition_expression: Option<String>,
    /// `#name` placeholders.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expression_attribute_names: Option<Names>,
    /// `:value` placeholders.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expression_attribute_values: Option<Item>,
    /// ALL_OLD returns the existing item when the condition fails.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_values_on_condition_check_failure: Option<String>,
    /// Legacy conditions on the existing item.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<Conditions<ExpectedAttributeValue>>,
    /// Legacy AND/OR for `Expected`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conditional_operator: Option<String>,
}

/// PutItem response.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutItemOutput {
    /// The old item (ReturnValues ALL_OLD).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Item>,
    /// Consumed capacity, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consumed_capacity: Option<ConsumedCapacity>,
    /// The size of the item's collection (tables with LSIs, ReturnItemCollectionMetrics SIZE).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item_collection_metrics: Option<super::ItemCollectionMetrics>,
}

/// GetItem request.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct GetItemInput {
    /// Table name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table_name: Option<String>,
    /// The primary key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<Item>,
    /// Strongly consistent read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consistent_read: Option<bool>,
    /// NONE, TOTAL or INDEXES.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_consumed_capacity: Option<String>,
    /// Attributes to return.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub projection_expression: Option<String>,
    /// Legacy projection: top-level attribute names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributes_to_get: Option<Vec<String>>,
    /// `#name` placeholders.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expression_attribute_names: Option<Names>,
}

/// GetItem response.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetItemOutput {
    /// The item, if it exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<Item>,
    /// Consumed capacity, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consumed_capacity: Option<ConsumedCapacity>,
}

/// DeleteItem request.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct DeleteItemInput {
    /// Table name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table_name: Option<String>,
    /// The primary key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<Item>,
    /// NONE or ALL_OLD.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_values: Option<String>,
    /// NONE, TOTAL or INDEXES.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_consumed_capacity: Option<String>,
    /// NONE or SIZE.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_item_collection_metrics: Option<String>,
    /// Condition the existing item must meet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition_expression: Option<String>,
    /// `#name` placeholders.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expression_attribute_names: Option<Names>,
    /// `:value` placeholders.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expression_attribute_values: Option<Item>,
    /// ALL_OLD returns the existing item when the condition fails.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_values_on_condition_check_failure: Option<String>,
    /// Legacy conditions on the existing item.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<Conditions<ExpectedAttributeValue>>,
    /// Legacy AND/OR for `Expected`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conditional_operator: Option<String>,
}

/// DeleteItem response.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteItemOutput {
    /// The deleted item (ReturnValues ALL_OLD).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Item>,
    /// Consumed capacity, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consumed_capacity: Option<ConsumedCapacity>,
    /// The size of the item's collection (tables with LSIs, ReturnItemCollectionMetrics SIZE).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item_collection_metrics: Option<super::ItemCollectionMetrics>,
}

/// UpdateItem request.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct UpdateItemInput {
    /// Table name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table_name: Option<String>,
    /// The primary key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<Item>,
    /// SET / REMOVE / ADD / DELETE clauses.
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
    /// NONE, ALL_OLD, UPDATED_OLD, ALL_NEW or UPDATED_NEW.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_values: Option<String>,
    /// NONE, TOTAL or INDEXES.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_consumed_capacity: Option<String>,
    /// NONE or SIZE.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_item_collection_metrics: Option<String>,
    /// ALL_OLD returns the existing item when the condition fails.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_values_on_condition_check_failure: Option<String>,
    /// Legacy per-attribute updates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attribute_updates: Option<Conditions<AttributeValueUpdate>>,
    /// Legacy conditions on the existing item.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<Conditions<ExpectedAttributeValue>>,
    /// Legacy AND/OR for `Expected`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conditional_operator: Option<String>,
}

/// UpdateItem response.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateItemOutput {
    /// The attributes ReturnValues asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Item>,
    /// Consumed capacity, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consumed_capacity: Option<ConsumedCapacity>,
    /// The size of the item's collection (tables with LSIs, ReturnItemCollectionMetrics SIZE).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item_collection_metrics: Option<super::ItemCollectionMetrics>,
}

/// Query request.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct QueryInput {
    /// Table name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table_name: Option<String>,
    /// A secondary index to query instead of the table.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index_name: Option<String>,
    /// ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES, SPECIFIC_ATTRIBUTES or COUNT.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub select: Option<String>,
    /// Most items to evaluate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<i32>,
    /// Strongly consistent read (not on GSIs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consistent_read: Option<bool>,
    /// false for descending sort-key order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scan_index_forward: Option<bool>,
    /// Where to continue from (a previous LastEvaluatedKey).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exclusive_start_key: Option<Item>,
    /// NONE, TOTAL or INDEXES.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_consumed_capacity: Option<String>,
    /// The key condition.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_condition_expression: Option<String>,
    /// Attributes to return.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub projection_expression: Option<String>,
    /// `#name` placeholders.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expression_attribute_names: Option<Names>,
    /// `:value` placeholders.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expression_attribute_values: Option<Item>,
    /// Filter on evaluated items.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter_expression: Option<String>,
    /// Legacy key conditions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_conditions: Option<Conditions<Condition>>,
    /// Legacy filter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query_filter: Option<Conditions<Condition>>,
    /// Legacy AND/OR for the filter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conditional_operator: Option<String>,
    /// Legacy projection: top-level attribute names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributes_to_get: Option<Vec<String>>,
}

/// Query response.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct QueryOutput {
    /// The items (absent for Select COUNT).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<Item>>,
    /// Items returned.
    pub count: i64,
    /// Items evaluated.
    pub scanned_count: i64,
    /// Where the next page starts, when evaluation stopped early.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_evaluated_key: Option<Item>,
    /// Consumed capacity, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consumed_capacity: Option<ConsumedCapacity>,
}

/// Scan request.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ScanInput {
    /// Table name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table_name: Option<String>,
    /// A secondary index to scan instead of the table.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index_name: Option<String>,
    /// ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES, SPECIFIC_ATTRIBUTES or COUNT.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub select: Option<String>,
    /// Most items to evaluate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<i32>,
    /// Strongly consistent read (not on GSIs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consistent_read: Option<bool>,
    /// Where to continue from (a previous LastEvaluatedKey).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exclusive_start_key: Option<Item>,
    /// NONE, TOTAL or INDEXES.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_consumed_capacity: Option<String>,
    /// This worker's segment of a parallel scan.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub segment: Option<i32>,
    /// Number of parallel-scan segments.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_segments: Option<i32>,
    /// Attributes to return.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub projection_expression: Option<String>,
    /// `#name` placeholders.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expression_attribute_names: Option<Names>,
    /// `:value` placeholders.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expression_attribute_values: Option<Item>,
    /// Filter on evaluated items.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter_expression: Option<String>,
    /// Legacy filter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scan_filter: Option<Conditions<Condition>>,
    /// Legacy AND/OR for the filter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conditional_operator: Option<String>,
    /// Legacy projection: top-level attribute names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributes_to_get: Option<Vec<String>>,
}

/// Scan response (the same shape as Query's).
pub type ScanOutput = QueryOutput;
