use serde::{Deserialize, Serialize};
use serde_json::Value;

/// On-demand throughput limits (-1 means no limit).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct OnDemandThroughput {
    /// Maximum read request units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_read_request_units: Option<i64>,
    /// Maximum write request units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_write_request_units: Option<i64>,
}

/// Requested warm throughput.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct WarmThroughput {
    /// Read units per second.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_units_per_second: Option<i64>,
    /// Write units per second.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub write_units_per_second: Option<i64>,
}

/// Server-side encryption settings as requested.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SseSpecification {
    /// Whether KMS encryption is on.
    #[serde(rename = "Enabled", skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// KMS.
    #[serde(rename = "SSEType", skip_serializing_if = "Option::is_none")]
    pub sse_type: Option<String>,
    /// The KMS key.
    #[serde(rename = "KMSMasterKeyId", skip_serializing_if = "Option::is_none")]
    pub kms_master_key_id: Option<String>,
}

/// Server-side encryption as described.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SseDescription {
    /// ENABLED.
    #[serde(rename = "Status")]
    pub status: String,
    /// KMS.
    #[serde(rename = "SSEType")]
    pub sse_type: String,
    /// The KMS key ARN.
    #[serde(rename = "KMSMasterKeyArn")]
    pub kms_master_key_arn: String,
}

/// One element of a KeySchema.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct KeySchemaElement {
    /// Attribute name.
    pub attribute_name: Option<String>,
    /// HASH or RANGE.
    pub key_type: Option<String>,
}

/// One AttributeDefinition.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct AttributeDefinition {
    /// Attribute name.
    pub attribute_name: Option<String>,
    /// S, N or B.
    pub attribute_type: Option<String>,
}

/// An index projection.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Projection {
    /// ALL, KEYS_ONLY or INCLUDE.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub projection_type: Option<String>,
    /// Attributes projected by INCLUDE.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub non_key_attributes: Option<Vec<String>>,
}

/// Provisioned throughput as requested.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ProvisionedThroughput {
    /// Read capacity units.
    pub read_capacity_units: Option<i64>,
    /// Write capacity units.
    pub write_capacity_units: Option<i64>,
}

/// Provisioned throughput as described.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProvisionedThroughputDescription {
    /// When throughput was last increased (epoch seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_increase_date_time: Option<f64>,
    /// When throughput was last decreased (epoch seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_decrease_date_time: Option<f64>,
    /// Decreases made today.
    pub number_of_decreases_today: i64,
    /// Read capacity units (0 on demand).
    pub read_capacity_units: i64,
    /// Write capacity units (0 on demand).
    pub write_capacity_units: i64,
}

impl ProvisionedThroughputDescription {
    /// Decreases on the UTC day of `now` (epoch seconds): the count resets at midnight UTC.
    pub fn decreases_on(&self, now: f64) -> i64 {
        let day = |t: f64| (t / 86_400.0).floor() as i64;
        match self.last_decrease_date_time {
            Some(t) if day(t) == day(now) => self.number_of_decreases_today,
            _ => 0,
        }
    }
}

/// A local secondary index as requested.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct LocalSecondaryIndex {
    /// Index name.
    pub index_name: Option<String>,
    /// Key schema.
    pub key_schema: Option<Vec<KeySchemaElement>>,
    /// Projection.
    pub projection: Option<Projection>,
}

/// A global secondary index as requested.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct GlobalSecondaryIndex {
    /// Index name.
    pub index_name: Option<String>,
    /// Key schema.
    pub key_schema: Option<Vec<KeySchemaElement>>,
    /// Projection.
    pub projection: Option<Projection>,
    /// Throughput (PROVISIONED tables).
    pub provisioned_throughput: Option<ProvisionedThroughput>,
    /// On-demand limits, echoed.
    pub on_demand_throughput: Option<OnDemandThroughput>,
    /// Warm throughput, echoed.
    pub warm_throughput: Option<WarmThroughput>,
}

/// Stream settings.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct StreamSpecification {
    /// Whether the stream is on.
    pub stream_enabled: Option<bool>,
    /// KEYS_ONLY, NEW_IMAGE, OLD_IMAGE or NEW_AND_OLD_IMAGES.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stream_view_type: Option<String>,
}

/// A resource tag.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Tag {
    /// Tag key.
    pub key: Option<String>,
    /// Tag value.
    pub value: Option<String>,
}

/// CreateTable request.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct CreateTableInput {
    /// Attribute definitions for every key attribute.
    pub attribute_definitions: Option<Vec<AttributeDefinition>>,
    /// Table name.
    pub table_name: Option<String>,
    /// Primary key.
    pub key_schema: Option<Vec<KeySchemaElement>>,
    /// LSIs.
    pub local_secondary_indexes: Option<Vec<LocalSecondaryIndex>>,
    /// GSIs.
    pub global_secondary_indexes: Option<Vec<GlobalSecondaryIndex>>,
    /// PROVISIONED or PAY_PER_REQUEST.
    pub billing_mode: Option<String>,
    /// Throughput (PROVISIONED).
    pub provisioned_throughput: Option<ProvisionedThroughput>,
    /// Stream settings.
    pub stream_specification: Option<StreamSpecification>,
    /// Encryption settings, echoed.
    #[serde(rename = "SSESpecification")]
    pub sse_specification: Option<SseSpecification>,
    /// Tags.
    pub tags: Option<Vec<Tag>>,
    /// STANDARD or STANDARD_INFREQUENT_ACCESS.
    pub table_class: Option<String>,
    /// Whether DeleteTable is refused.
    pub deletion_protection_enabled: Option<bool>,
    /// On-demand limits, echoed.
    pub on_demand_throughput: Option<OnDemandThroughput>,
    /// Warm throughput, echoed.
    pub warm_throughput: Option<WarmThroughput>,
    /// Resource policy, accepted.
    pub resource_policy: Option<String>,
}

/// An index's description.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct IndexDescription {
    /// Index name.
    pub index_name: String,
    /// Key schema.
    pub key_schema: Vec<KeySchemaElement>,
    /// Projection.
    pub projection: Projection,
    /// ACTIVE (GSIs only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index_status: Option<String>,
    /// Throughput (GSIs only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provisioned_throughput: Option<ProvisionedThroughputDescription>,
    /// Bytes in the index.
    pub index_size_bytes: i64,
    /// Items in the index.
    pub item_count: i64,
    /// The index ARN.
    pub index_arn: String,
    /// On-demand limits, echoed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_demand_throughput: Option<OnDemandThroughput>,
    /// Warm throughput, echoed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warm_throughput: Option<WarmThroughput>,
}

/// BillingModeSummary.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BillingModeSummary {
    /// PROVISIONED or PAY_PER_REQUEST.
    pub billing_mode: String,
    /// When the table last switched to on demand.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_update_to_pay_per_request_date_time: Option<f64>,
}

/// TableClassSummary.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TableClassSummary {
    /// The table class.
    pub table_class: String,
    /// When it last changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_update_date_time: Option<f64>,
}

/// A table's full description, as DescribeTable returns it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TableDescription {
    /// Attribute definitions.
    pub attribute_definitions: Vec<AttributeDefinition>,
    /// Table name.
    pub table_name: String,
    /// Key schema.
    pub key_schema: Vec<KeySchemaElement>,
    /// ACTIVE, or DELETING in a DeleteTable response.
    pub table_status: String,
    /// Creation time (epoch seconds).
    pub creation_date_time: f64,
    /// Throughput (zeros on demand).
    pub provisioned_throughput: ProvisionedThroughputDescription,
    /// Total item bytes.
    pub table_size_bytes: i64,
    /// Item count.
    pub item_count: i64,
    /// Table ARN.
    pub table_arn: String,
    /// Table id (a UUID).
    pub table_id: String,
    /// Billing mode, when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing_mode_summary: Option<BillingModeSummary>,
    /// LSIs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub local_secondary_indexes: Option<Vec<IndexDescription>>,
    /// GSIs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub global_secondary_indexes: Option<Vec<IndexDescription>>,
    /// Stream settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stream_specification: Option<StreamSpecification>,
    /// Latest stream label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latest_stream_label: Option<String>,
    /// Latest stream ARN.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latest_stream_arn: Option<String>,
    /// Encryption, as requested.
    #[serde(rename = "SSEDescription", skip_serializing_if = "Option::is_none")]
    pub sse_description: Option<SseDescription>,
    /// Table class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table_class_summary: Option<TableClassSummary>,
    /// Deletion protection.
    pub deletion_protection_enabled: bool,
    /// On-demand limits, echoed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_demand_throughput: Option<OnDemandThroughput>,
    /// Warm throughput, echoed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warm_throughput: Option<WarmThroughput>,
}

/// CreateTable response.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateTableOutput {
    /// The new table.
    pub table_description: TableDescription,
}

/// DescribeTable request.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct DescribeTableInput {
    /// Table name.
    pub table_name: Option<String>,
}

/// DescribeTable response.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeTableOutput {
    /// The table.
    pub table: TableDescription,
}

/// DeleteTable request.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct DeleteTableInput {
    /// Table name.
    pub table_name: Option<String>,
}

/// DeleteTable response.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteTableOutput {
    /// The table as it was, with status DELETING.
    pub table_description: TableDescription,
}

/// ListTables request.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ListTablesInput {
    /// Start after this name.
    pub exclusive_start_table_name: Option<String>,
    /// Page size (1..=100).
    pub limit: Option<i32>,
}

/// ListTables response.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTablesOutput {
    /// Table names, sorted.
    pub table_names: Vec<String>,
    /// Where the next page starts, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_evaluated_table_name: Option<String>,
}

/// One GSI change in UpdateTable.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct GlobalSecondaryIndexUpdate {
    /// Change an index's throughput.
    pub update: Option<UpdateGlobalSecondaryIndexAction>,
    /// Add an index.
    pub create: Option<GlobalSecondaryIndex>,
    /// Remove an index.
    pub delete: Option<DeleteGlobalSecondaryIndexAction>,
}

/// Update of one GSI's throughput.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct UpdateGlobalSecondaryIndexAction {
    /// Index name.
    pub index_name: Option<String>,
    /// New throughput.
    pub provisioned_throughput: Option<ProvisionedThroughput>,
    /// On-demand limits.
    pub on_demand_throughput: Option<OnDemandThroughput>,
    /// Warm throughput.
    pub warm_throughput: Option<WarmThroughput>,
}

/// Removal of one GSI.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct DeleteGlobalSecondaryIndexAction {
    /// Index name.
    pub index_name: Option<String>,
}

/// UpdateTable request.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct UpdateTableInput {
    /// Definitions for new index keys.
    pub attribute_definitions: Option<Vec<AttributeDefinition>>,
    /// Table name.
    pub table_name: Option<String>,
    /// New billing mode.
    pub billing_mode: Option<String>,
    /// New throughput.
    pub provisioned_throughput: Option<ProvisionedThroughput>,
    /// GSI changes.
    pub global_secondary_index_updates: Option<Vec<GlobalSecondaryIndexUpdate>>,
    /// New stream settings.
    pub stream_specification: Option<StreamSpecification>,
    /// New encryption settings.
    #[serde(rename = "SSESpecification")]
    pub sse_specification: Option<SseSpecification>,
    /// Global table replicas (not supported locally).
    pub replica_updates: Option<Value>,
    /// New table class.
    pub table_class: Option<String>,
    /// New deletion protection.
    pub deletion_protection_enabled: Option<bool>,
    /// New on-demand limits.
    pub on_demand_throughput: Option<OnDemandThroughput>,
    /// New warm throughput.
    pub warm_throughput: Option<WarmThroughput>,
    /// Multi-region consistency (not supported locally).
    pub multi_region_consistency: Option<Value>,
}

/// UpdateTable response.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateTableOutput {
    /// The table after the change.
    pub table_description: TableDescription,
}

#[cfg(test)]
mod tests {
    use super::ProvisionedThroughputDescription;

    #[test]
    fn decreases_reset_at_midnight_utc() {
        let midnight = 1_700_006_400.0; // a UTC midnight
        let pt = ProvisionedThroughputDescription {
            last_decrease_date_time: Some(midnight - 10.0),
            number_of_decreases_today: 3,
            ..Default::default()
        };
        assert_eq!(pt.decreases_on(midnight - 1.0), 3);
        assert_eq!(pt.decreases_on(midnight), 0);
        assert_eq!(
            ProvisionedThroughputDescription::default().decreases_on(midnight),
            0
        );
    }
}
