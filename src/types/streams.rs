//! DynamoDB Streams (ListStreams, DescribeStream, GetShardIterator, GetRecords), Time to Live
//! and tags.

use super::{KeySchemaElement, Tag};
use crate::model::Item;
use serde::{Deserialize, Serialize};

/// ListStreams request.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ListStreamsInput {
    /// Only this table's streams.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table_name: Option<String>,
    /// Page size (1..=100).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<i32>,
    /// Start after this stream.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exclusive_start_stream_arn: Option<String>,
}

/// One stream in a ListStreams response.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StreamSummary {
    /// The stream's ARN.
    pub stream_arn: String,
    /// The table it belongs to.
    pub table_name: String,
    /// Its label (creation time).
    pub stream_label: String,
}

/// ListStreams response.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListStreamsOutput {
    /// The streams of this page.
    pub streams: Vec<StreamSummary>,
    /// Where the next page starts, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_evaluated_stream_arn: Option<String>,
}

/// DescribeStream request.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct DescribeStreamInput {
    /// The stream.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stream_arn: Option<String>,
    /// Shards per page (1..=100).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<i32>,
    /// Start after this shard.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exclusive_start_shard_id: Option<String>,
}

/// The range of sequence numbers a shard holds.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SequenceNumberRange {
    /// The first sequence number of the shard.
    pub starting_sequence_number: String,
    /// The last one, once the shard is closed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ending_sequence_number: Option<String>,
}

/// One shard of a stream.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Shard {
    /// Its id.
    pub shard_id: String,
    /// Its sequence numbers.
    pub sequence_number_range: SequenceNumberRange,
    /// The shard it follows, when it rolled over from one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_shard_id: Option<String>,
}

/// A stream's description.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StreamDescription {
    /// The stream's ARN.
    pub stream_arn: String,
    /// Its label.
    pub stream_label: String,
    /// ENABLED or DISABLED.
    pub stream_status: String,
    /// What its records carry.
    pub stream_view_type: String,
    /// When it was created (epoch seconds).
    pub creation_request_date_time: f64,
    /// The table it belongs to.
    pub table_name: String,
    /// The table's key schema.
    pub key_schema: Vec<KeySchemaElement>,
    /// The shards of this page.
    pub shards: Vec<Shard>,
    /// Where the next page of shards starts, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_evaluated_shard_id: Option<String>,
}

/// DescribeStream response.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeStreamOutput {
    /// The stream.
    pub stream_description: StreamDescription,
}

/// GetShardIterator request.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct GetShardIteratorInput {
    /// The stream.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stream_arn: Option<String>,
    /// The shard.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shard_id: Option<String>,
    /// TRIM_HORIZON, LATEST, AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shard_iterator_type: Option<String>,
    /// The position for AT_ and AFTER_SEQUENCE_NUMBER.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sequence_number: Option<String>,
}

/// GetShardIterator response.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetShardIteratorOutput {
    /// The iterator (valid for 15 minutes).
    pub shard_iterator: String,
}

/// GetRecords request.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct GetRecordsInput {
    /// Where to read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shard_iterator: Option<String>,
    /// Records at most (1..=1000).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<i32>,
}

/// Who made a change: DynamoDB's TTL service for expiry deletions.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Identity {
    /// `dynamodb.amazonaws.com`.
    pub principal_id: String,
    /// `Service`.
    #[serde(rename = "Type")]
    pub kind: String,
}

/// The change a record describes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StreamRecord {
    /// When the change was made (epoch seconds).
    pub approximate_creation_date_time: f64,
    /// The item's key attributes.
    pub keys: Item,
    /// The item after the change (NEW_IMAGE, NEW_AND_OLD_IMAGES).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_image: Option<Item>,
    /// The item before the change (OLD_IMAGE, NEW_AND_OLD_IMAGES).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_image: Option<Item>,
    /// The record's position in its shard.
    pub sequence_number: String,
    /// The record's size: keys and images.
    pub size_bytes: i64,
    /// The stream's view type.
    pub stream_view_type: String,
}

/// One stream record.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// A unique id.
    #[serde(rename = "eventID")]
    pub event_id: String,
    /// INSERT, MODIFY or REMOVE.
    #[serde(rename = "eventName")]
    pub event_name: String,
    /// `1.1`.
    #[serde(rename = "eventVersion")]
    pub event_version: String,
    /// `aws:dynamodb`.
    #[serde(rename = "eventSource")]
    pub event_source: String,
    /// The stream's region.
    #[serde(rename = "awsRegion")]
    pub aws_region: String,
    /// The change.
    pub dynamodb: StreamRecord,
    /// Set on TTL deletions.
    #[serde(rename = "userIdentity", skip_serializing_if = "Option::is_none")]
    pub user_identity: Option<Identity>,
}

/// GetRecords response.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetRecordsOutput {
    /// The records read, oldest first.
    pub records: Vec<Record>,
    /// Where to read next; absent once a closed shard is read to its end.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_shard_iterator: Option<String>,
}

/// TimeToLiveSpecification.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct TimeToLiveSpecification {
    /// Turn TTL on or off.
    pub enabled: Option<bool>,
    /// The attribute holding each item's expiry (epoch seconds).
    pub attribute_name: Option<String>,
}

/// UpdateTimeToLive request.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct UpdateTimeToLiveInput {
    /// The table.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table_name: Option<String>,
    /// The new setting.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_to_live_specification: Option<TimeToLiveSpecification>,
}

/// UpdateTimeToLive response.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateTimeToLiveOutput {
    /// The setting as requested.
    pub time_to_live_specification: TimeToLiveSpecification,
}

/// DescribeTimeToLive request.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct DescribeTimeToLiveInput {
    /// The table.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table_name: Option<String>,
}

/// A table's TTL setting.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TimeToLiveDescription {
    /// ENABLED or DISABLED.
    pub time_to_live_status: String,
    /// The TTL attribute, when enabled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attribute_name: Option<String>,
}

/// DescribeTimeToLive response.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeTimeToLiveOutput {
    /// The setting.
    pub time_to_live_description: TimeToLiveDescription,
}

/// TagResource request.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct TagResourceInput {
    /// The table's ARN.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_arn: Option<String>,
    /// Tags to add or overwrite.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<Tag>>,
}

/// TagResource response (empty).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TagResourceOutput {}

/// UntagResource request.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct UntagResourceInput {
    /// The table's ARN.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_arn: Option<String>,
    /// Keys of the tags to remove.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag_keys: Option<Vec<String>>,
}

/// UntagResource response (empty).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct UntagResourceOutput {}

/// ListTagsOfResource request.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ListTagsOfResourceInput {
    /// The table's ARN.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_arn: Option<String>,
    /// Where the previous page stopped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// ListTagsOfResource response.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTagsOfResourceOutput {
    /// The tags of this page.
    pub tags: Vec<Tag>,
    /// Where the next page starts, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}
