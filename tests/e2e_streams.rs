//! End to end: streams, TTL and tags on the real `dynoxide` binary, driven by the AWS SDK for
//! Rust (`aws-sdk-dynamodb` and `aws-sdk-dynamodbstreams` on the same port).

mod common;

use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, KeySchemaElement, KeyType,
    ScalarAttributeType, StreamSpecification, StreamViewType, Tag, TimeToLiveSpecification,
};
use aws_sdk_dynamodbstreams::error::ProvideErrorMetadata;
use aws_sdk_dynamodbstreams::types::{OperationType, ShardIteratorType};
use common::{sdk_client_in, streams_client_in, Server};
use std::time::{Duration, Instant};

async fn create(client: &aws_sdk_dynamodb::Client, name: &str) -> String {
    let out = client
        .create_table()
        .table_name(name)
        .key_schema(
            KeySchemaElement::builder()
                .attribute_name("pk")
                .key_type(KeyType::Hash)
                .build()
                .unwrap(),
        )
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name("pk")
                .attribute_type(ScalarAttributeType::S)
                .build()
                .unwrap(),
        )
        .billing_mode(BillingMode::PayPerRequest)
        .stream_specification(
            StreamSpecification::builder()
                .stream_enabled(true)
                .stream_view_type(StreamViewType::NewAndOldImages)
                .build()
                .unwrap(),
        )
        .tags(Tag::builder().key("team").value("core").build().unwrap())
        .send()
        .await
        .unwrap();
    out.table_description()
        .unwrap()
        .latest_stream_arn()
        .unwrap()
        .to_string()
}

/// The records of a stream's first shard, read from TRIM_HORIZON.
async fn from_the_start(
    streams: &aws_sdk_dynamodbstreams::Client,
    arn: &str,
) -> aws_sdk_dynamodbstreams::operation::get_records::GetRecordsOutput {
    let described = streams
        .describe_stream()
        .stream_arn(arn)
        .send()
        .await
        .unwrap();
    let shard = described.stream_description().unwrap().shards()[0]
        .shard_id()
        .unwrap()
        .to_string();
    let it = streams
        .get_shard_iterator()
        .stream_arn(arn)
        .shard_id(shard)
        .shard_iterator_type(ShardIteratorType::TrimHorizon)
        .send()
        .await
        .unwrap();
    streams
        .get_records()
        .shard_iterator(it.shard_iterator().unwrap())
        .send()
        .await
        .unwrap()
}

fn s(v: &str) -> AttributeValue {
    AttributeValue::S(v.into())
}

#[tokio::test]
async fn streams_through_the_sdk() {
    let server = Server::start();
    // Signed for eu-west-1: the stream's ARN and the records name that region.
    let db = sdk_client_in(&server.endpoint, "eu-west-1");
    let streams = streams_client_in(&server.endpoint, "eu-west-1");
    let arn = create(&db, "events").await;
    assert!(
        arn.starts_with("arn:aws:dynamodb:eu-west-1:000000000000:table/events/stream/"),
        "{arn}"
    );
    db.put_item()
        .table_name("events")
        .item("pk", s("a"))
        .item("v", AttributeValue::N("1".into()))
        .send()
        .await
        .unwrap();
    db.update_item()
        .table_name("events")
        .key("pk", s("a"))
        .update_expression("SET v = v + :one")
        .expression_attribute_values(":one", AttributeValue::N("1".into()))
        .send()
        .await
        .unwrap();
    db.delete_item()
        .table_name("events")
        .key("pk", s("a"))
        .send()
        .await
        .unwrap();

    let listed = streams
        .list_streams()
        .table_name("events")
        .send()
        .await
        .unwrap();
    assert_eq!(listed.streams().len(), 1);
    assert_eq!(listed.streams()[0].stream_arn(), Some(arn.as_str()));
    let described = streams
        .describe_stream()
        .stream_arn(&arn)
        .send()
        .await
        .unwrap();
    let d = described.stream_description().unwrap();
    assert_eq!(d.stream_status().unwrap().as_str(), "ENABLED");
    assert_eq!(d.table_name(), Some("events"));
    let out = from_the_start(&streams, &arn).await;
    let events: Vec<OperationType> = out
        .records()
        .iter()
        .map(|r| r.event_name().unwrap().clone())
        .collect();
    assert_eq!(
        events,
        [
            OperationType::Insert,
            OperationType::Modify,
            OperationType::Remove
        ]
    );
    let modify = &out.records()[1];
    assert_eq!(modify.aws_region(), Some("eu-west-1"));
    let rec = modify.dynamodb().unwrap();
    assert!(matches!(
        rec.new_image().unwrap().get("v"),
        Some(aws_sdk_dynamodbstreams::types::AttributeValue::N(n)) if n == "2"
    ));
    assert!(matches!(
        rec.old_image().unwrap().get("v"),
        Some(aws_sdk_dynamodbstreams::types::AttributeValue::N(n)) if n == "1"
    ));
    assert!(rec.approximate_creation_date_time().is_some());
    assert!(out.next_shard_iterator().is_some());

    let e = streams
        .describe_stream()
        .stream_arn(format!("{arn}0"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("ResourceNotFoundException"));
    let e = streams
        .get_records()
        .shard_iterator("not-an-iterator")
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("ValidationException"));
    assert_eq!(e.message(), Some("Invalid ShardIterator"));
}

#[tokio::test]
async fn ttl_expiry_and_tags_through_the_sdk() {
    let server = Server::start_with(&["--ttl-interval", "0.1"]);
    let db = sdk_client_in(&server.endpoint, "us-east-1");
    let streams = streams_client_in(&server.endpoint, "us-east-1");
    let arn = create(&db, "sessions").await;
    db.update_time_to_live()
        .table_name("sessions")
        .time_to_live_specification(
            TimeToLiveSpecification::builder()
                .enabled(true)
                .attribute_name("expires")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let d = db
        .describe_time_to_live()
        .table_name("sessions")
        .send()
        .await
        .unwrap();
    let d = d.time_to_live_description().unwrap();
    assert_eq!(d.time_to_live_status().unwrap().as_str(), "ENABLED");
    assert_eq!(d.attribute_name(), Some("expires"));
    let past = (std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        - 10)
        .to_string();
    db.put_item()
        .table_name("sessions")
        .item("pk", s("old"))
        .item("expires", AttributeValue::N(past))
        .send()
        .await
        .unwrap();
    db.put_item()
        .table_name("sessions")
        .item("pk", s("kept"))
        .send()
        .await
        .unwrap();
    // The server's sweeper deletes the expired item.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let got = db
            .get_item()
            .table_name("sessions")
            .key("pk", s("old"))
            .send()
            .await
            .unwrap();
        if got.item().is_none() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the expired item was not deleted"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let out = from_the_start(&streams, &arn).await;
    let remove = out
        .records()
        .iter()
        .find(|r| r.event_name() == Some(&OperationType::Remove))
        .expect("a REMOVE record");
    let who = remove.user_identity().unwrap();
    assert_eq!(who.principal_id(), Some("dynamodb.amazonaws.com"));
    assert_eq!(who.r#type(), Some("Service"));

    // Tags.
    let table_arn = "arn:aws:dynamodb:us-east-1:000000000000:table/sessions";
    db.tag_resource()
        .resource_arn(table_arn)
        .tags(Tag::builder().key("env").value("test").build().unwrap())
        .send()
        .await
        .unwrap();
    db.untag_resource()
        .resource_arn(table_arn)
        .tag_keys("team")
        .send()
        .await
        .unwrap();
    let tags = db
        .list_tags_of_resource()
        .resource_arn(table_arn)
        .send()
        .await
        .unwrap();
    let tags: Vec<(&str, &str)> = tags.tags().iter().map(|t| (t.key(), t.value())).collect();
    assert_eq!(tags, [("env", "test")]);
    let e = db
        .tag_resource()
        .resource_arn(table_arn)
        .tags(Tag::builder().key("aws:x").value("1").build().unwrap())
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        aws_sdk_dynamodb::error::ProvideErrorMetadata::message(&e),
        Some("Tag Key cannot be prefixed with aws:, Key: aws:x")
    );
}
