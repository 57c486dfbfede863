//! End to end: the real `dynoxide` binary driven by the official AWS SDK for Rust.

mod common;

use aws_sdk_dynamodb::error::ProvideErrorMetadata;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, GlobalSecondaryIndex, KeySchemaElement,
    KeyType, Projection, ProjectionType, ReturnConsumedCapacity, ReturnValue, ScalarAttributeType,
};
use common::{sdk_client, sdk_client_in, Server};

fn key_schema(name: &str, t: KeyType) -> KeySchemaElement {
    KeySchemaElement::builder()
        .attribute_name(name)
        .key_type(t)
        .build()
        .unwrap()
}

fn attr_def(name: &str, t: ScalarAttributeType) -> AttributeDefinition {
    AttributeDefinition::builder()
        .attribute_name(name)
        .attribute_type(t)
        .build()
        .unwrap()
}

async fn create_table(client: &aws_sdk_dynamodb::Client, name: &str) {
    client
        .create_table()
        .table_name(name)
        .key_schema(key_schema("pk", KeyType::Hash))
        .key_schema(key_schema("sk", KeyType::Range))
        .attribute_definitions(attr_def("pk", ScalarAttributeType::S))
        .attribute_definitions(attr_def("sk", ScalarAttributeType::N))
        .attribute_definitions(attr_def("g", ScalarAttributeType::S))
        .global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name("by-g")
                .key_schema(key_schema("g", KeyType::Hash))
                .projection(
                    Projection::builder()
                        .projection_type(ProjectionType::All)
                        .build(),
                )
                .build()
                .unwrap(),
        )
        .billing_mode(BillingMode::PayPerRequest)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn table_lifecycle() {
    let server = Server::start();
    let client = sdk_client(&server.endpoint);
    create_table(&client, "orders").await;
    create_table(&client, "accounts").await;

    let listed = client.list_tables().send().await.unwrap();
    assert_eq!(listed.table_names(), ["accounts", "orders"]);
    let page = client.list_tables().limit(1).send().await.unwrap();
    assert_eq!(page.table_names(), ["accounts"]);
    assert_eq!(page.last_evaluated_table_name(), Some("accounts"));

    let desc = client
        .describe_table()
        .table_name("orders")
        .send()
        .await
        .unwrap();
    let t = desc.table().unwrap();
    assert_eq!(
        t.table_arn(),
        Some("arn:aws:dynamodb:us-east-1:000000000000:table/orders")
    );
    assert_eq!(t.table_status().unwrap().as_str(), "ACTIVE");
    assert_eq!(t.global_secondary_indexes()[0].index_name(), Some("by-g"));
    assert_eq!(
        t.billing_mode_summary().unwrap().billing_mode(),
        Some(&BillingMode::PayPerRequest)
    );

    let err = client
        .create_table()
        .table_name("orders")
        .key_schema(key_schema("pk", KeyType::Hash))
        .attribute_definitions(attr_def("pk", ScalarAttributeType::S))
        .billing_mode(BillingMode::PayPerRequest)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("ResourceInUseException"));
    assert_eq!(err.message(), Some("Table already exists: orders"));

    client
        .delete_table()
        .table_name("accounts")
        .send()
        .await
        .unwrap();
    let err = client
        .describe_table()
        .table_name("accounts")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("ResourceNotFoundException"));
    assert_eq!(
        err.message(),
        Some("Requested resource not found: Table: accounts not found")
    );
    let err = client
        .describe_table()
        .table_name("x;")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("ValidationException"));
}

#[tokio::test]
async fn arns_name_the_region_the_request_was_signed_for() {
    let server = Server::start();
    let west = sdk_client_in(&server.endpoint, "eu-west-1");
    create_table(&west, "regional").await;
    let t = west
        .describe_table()
        .table_name("regional")
        .send()
        .await
        .unwrap();
    let t = t.table().unwrap();
    assert_eq!(
        t.table_arn(),
        Some("arn:aws:dynamodb:eu-west-1:000000000000:table/regional")
    );
    assert_eq!(
        t.global_secondary_indexes()[0].index_arn(),
        Some("arn:aws:dynamodb:eu-west-1:000000000000:table/regional/index/by-g")
    );
    // A table keeps the ARN it was created with.
    let east = sdk_client(&server.endpoint);
    let t = east
        .describe_table()
        .table_name("regional")
        .send()
        .await
        .unwrap();
    assert_eq!(
        t.table().unwrap().table_arn(),
        Some("arn:aws:dynamodb:eu-west-1:000000000000:table/regional")
    );
}

#[tokio::test]
async fn items_round_trip() {
    let server = Server::start();
    let client = sdk_client(&server.endpoint);
    create_table(&client, "items").await;

    let put = client
        .put_item()
        .table_name("items")
        .item("pk", AttributeValue::S("a".into()))
        .item("sk", AttributeValue::N("01.50".into()))
        .item("g", AttributeValue::S("G".into()))
        .item("bin", AttributeValue::B(vec![0u8, 1, 255].into()))
        .item("set", AttributeValue::Ns(vec!["1".into(), "2".into()]))
        .item(
            "nested",
            AttributeValue::M(
                [(
                    "l".to_string(),
                    AttributeValue::L(vec![AttributeValue::Bool(true), AttributeValue::Null(true)]),
                )]
                .into(),
            ),
        )
        .return_consumed_capacity(ReturnConsumedCapacity::Indexes)
        .send()
        .await
        .unwrap();
    let cc = put.consumed_capacity().unwrap();
    assert_eq!(cc.capacity_units(), Some(2.0));
    assert_eq!(
        cc.global_secondary_indexes().unwrap()["by-g"].capacity_units(),
        Some(1.0)
    );

    let got = client
        .get_item()
        .table_name("items")
        .key("pk", AttributeValue::S("a".into()))
        .key("sk", AttributeValue::N("1.5".into()))
        .consistent_read(true)
        .send()
        .await
        .unwrap();
    let item = got.item().unwrap();
    assert_eq!(item["sk"], AttributeValue::N("1.5".into()));
    assert_eq!(item["bin"], AttributeValue::B(vec![0u8, 1, 255].into()));
    assert_eq!(item.len(), 6);

    let old = client
        .put_item()
        .table_name("items")
        .item("pk", AttributeValue::S("a".into()))
        .item("sk", AttributeValue::N("1.5".into()))
        .return_values(ReturnValue::AllOld)
        .send()
        .await
        .unwrap();
    assert_eq!(
        old.attributes().unwrap()["g"],
        AttributeValue::S("G".into())
    );

    let deleted = client
        .delete_item()
        .table_name("items")
        .key("pk", AttributeValue::S("a".into()))
        .key("sk", AttributeValue::N("1.5".into()))
        .return_values(ReturnValue::AllOld)
        .send()
        .await
        .unwrap();
    assert!(deleted.attributes().is_some());
    let missing = client
        .get_item()
        .table_name("items")
        .key("pk", AttributeValue::S("a".into()))
        .key("sk", AttributeValue::N("1.5".into()))
        .send()
        .await
        .unwrap();
    assert!(missing.item().is_none());
}

#[tokio::test]
async fn item_errors_reach_the_sdk_exactly() {
    let server = Server::start();
    let client = sdk_client(&server.endpoint);
    create_table(&client, "errs").await;
    let err = client
        .put_item()
        .table_name("errs")
        .item("pk", AttributeValue::N("1".into()))
        .item("sk", AttributeValue::N("1".into()))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("ValidationException"));
    assert_eq!(
        err.message(),
        Some("One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N")
    );
    let err = client
        .get_item()
        .table_name("nope")
        .key("pk", AttributeValue::S("a".into()))
        .send()
        .await
        .unwrap_err();
    assert!(err
        .as_service_error()
        .unwrap()
        .is_resource_not_found_exception());
    let err = client
        .put_item()
        .table_name("errs")
        .item("pk", AttributeValue::S("a".into()))
        .item("sk", AttributeValue::N("1E400".into()))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.message(),
        Some("Number overflow. Attempting to store a number with magnitude larger than supported range")
    );
}

#[tokio::test]
async fn file_database_survives_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("e2e.db");
    let path = path.to_str().unwrap();
    let server = Server::start_with(&["--db-path", path]);
    let client = sdk_client(&server.endpoint);
    create_table(&client, "keep").await;
    client
        .put_item()
        .table_name("keep")
        .item("pk", AttributeValue::S("a".into()))
        .item("sk", AttributeValue::N("1".into()))
        .send()
        .await
        .unwrap();
    assert!(server.terminate().success());

    let server = Server::start_with(&["--db-path", path]);
    let client = sdk_client(&server.endpoint);
    let got = client
        .get_item()
        .table_name("keep")
        .key("pk", AttributeValue::S("a".into()))
        .key("sk", AttributeValue::N("1".into()))
        .send()
        .await
        .unwrap();
    assert!(got.item().is_some());
    let desc = client
        .describe_table()
        .table_name("keep")
        .send()
        .await
        .unwrap();
    assert_eq!(desc.table().unwrap().item_count(), Some(1));
}

#[tokio::test]
async fn conditional_writes() {
    use aws_sdk_dynamodb::types::ReturnValuesOnConditionCheckFailure;
    let server = Server::start();
    let client = sdk_client(&server.endpoint);
    create_table(&client, "cond").await;
    let put = || {
        client
            .put_item()
            .table_name("cond")
            .item("pk", AttributeValue::S("a".into()))
            .item("sk", AttributeValue::N("1".into()))
            .condition_expression("attribute_not_exists(pk)")
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
    };
    put().send().await.unwrap();
    let err = put().send().await.unwrap_err();
    let service = err.into_service_error();
    assert!(service.is_conditional_check_failed_exception());
    assert_eq!(service.message(), Some("The conditional request failed"));
    match service {
        aws_sdk_dynamodb::operation::put_item::PutItemError::ConditionalCheckFailedException(e) => {
            assert_eq!(e.item().unwrap()["pk"], AttributeValue::S("a".into()));
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn update_item_counter() {
    use aws_sdk_dynamodb::types::ReturnValue;
    let server = Server::start();
    let client = sdk_client(&server.endpoint);
    create_table(&client, "upd").await;
    for expected in ["1", "2", "3"] {
        let out = client
            .update_item()
            .table_name("upd")
            .key("pk", AttributeValue::S("a".into()))
            .key("sk", AttributeValue::N("1".into()))
            .update_expression("ADD #c :one SET g = if_not_exists(g, :g)")
            .expression_attribute_names("#c", "count")
            .expression_attribute_values(":one", AttributeValue::N("1".into()))
            .expression_attribute_values(":g", AttributeValue::S("G".into()))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await
            .unwrap();
        assert_eq!(
            out.attributes().unwrap()["count"],
            AttributeValue::N(expected.into())
        );
    }
    let desc = client
        .describe_table()
        .table_name("upd")
        .send()
        .await
        .unwrap();
    assert_eq!(
        desc.table().unwrap().global_secondary_indexes()[0].item_count(),
        Some(1)
    );
}

#[tokio::test]
async fn update_table_adds_an_index_changes_billing_and_drops_it() {
    use aws_sdk_dynamodb::types::{
        CreateGlobalSecondaryIndexAction, DeleteGlobalSecondaryIndexAction,
        GlobalSecondaryIndexUpdate, ProvisionedThroughput, UpdateGlobalSecondaryIndexAction,
    };
    let server = Server::start();
    let client = sdk_client(&server.endpoint);
    create_table(&client, "evolving").await;
    for i in 0..10 {
        client
            .put_item()
            .table_name("evolving")
            .set_item(Some(item("p", i)))
            .item("h", AttributeValue::S(format!("h{}", i % 2)))
            .send()
            .await
            .unwrap();
    }
    let throughput = |n| {
        ProvisionedThroughput::builder()
            .read_capacity_units(n)
            .write_capacity_units(n)
            .build()
            .unwrap()
    };

    // A new index over items already in the table.
    let out = client
        .update_table()
        .table_name("evolving")
        .attribute_definitions(attr_def("h", ScalarAttributeType::S))
        .global_secondary_index_updates(
            GlobalSecondaryIndexUpdate::builder()
                .create(
                    CreateGlobalSecondaryIndexAction::builder()
                        .index_name("by-h")
                        .key_schema(key_schema("h", KeyType::Hash))
                        .key_schema(key_schema("sk", KeyType::Range))
                        .projection(
                            Projection::builder()
                                .projection_type(ProjectionType::KeysOnly)
                                .build(),
                        )
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    let names: Vec<_> = out
        .table_description()
        .unwrap()
        .global_secondary_indexes()
        .iter()
        .filter_map(|g| g.index_name())
        .collect();
    assert_eq!(names, ["by-g", "by-h"]);
    let query_h = || {
        client
            .query()
            .table_name("evolving")
            .index_name("by-h")
            .key_condition_expression("h = :h")
            .expression_attribute_values(":h", AttributeValue::S("h1".into()))
    };
    let q = query_h().send().await.unwrap();
    let sks: Vec<_> = q
        .items()
        .iter()
        .map(|i| i["sk"].as_n().unwrap().clone())
        .collect();
    assert_eq!(sks, ["1", "3", "5", "7", "9"]);
    assert_eq!(q.items()[0].len(), 3, "keys only: pk, sk and h");

    // On demand -> provisioned needs throughput for the table and every index.
    let err = client
        .update_table()
        .table_name("evolving")
        .billing_mode(BillingMode::Provisioned)
        .provisioned_throughput(throughput(5))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("ValidationException"));
    assert_eq!(
        err.message(),
        Some("One or more parameter values were invalid: ProvisionedThroughput must be specified for index: by-g")
    );
    let mut req = client
        .update_table()
        .table_name("evolving")
        .billing_mode(BillingMode::Provisioned)
        .provisioned_throughput(throughput(5));
    for ix in ["by-g", "by-h"] {
        req = req.global_secondary_index_updates(
            GlobalSecondaryIndexUpdate::builder()
                .update(
                    UpdateGlobalSecondaryIndexAction::builder()
                        .index_name(ix)
                        .provisioned_throughput(throughput(3))
                        .build()
                        .unwrap(),
                )
                .build(),
        );
    }
    req.send().await.unwrap();
    let desc = client
        .describe_table()
        .table_name("evolving")
        .send()
        .await
        .unwrap();
    let t = desc.table().unwrap();
    assert_eq!(
        t.billing_mode_summary().unwrap().billing_mode(),
        Some(&BillingMode::Provisioned)
    );
    assert_eq!(
        t.provisioned_throughput().unwrap().read_capacity_units(),
        Some(5)
    );
    for g in t.global_secondary_indexes() {
        assert_eq!(
            g.provisioned_throughput().unwrap().write_capacity_units(),
            Some(3)
        );
    }

    // Dropping the index: queries on it are refused from then on.
    client
        .update_table()
        .table_name("evolving")
        .global_secondary_index_updates(
            GlobalSecondaryIndexUpdate::builder()
                .delete(
                    DeleteGlobalSecondaryIndexAction::builder()
                        .index_name("by-h")
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    let err = query_h().send().await.unwrap_err();
    assert_eq!(err.code(), Some("ValidationException"));
    assert_eq!(
        err.message(),
        Some("The table does not have the specified index: by-h")
    );
}

#[tokio::test]
async fn query_pages_through_a_partition() {
    let server = Server::start();
    let client = sdk_client(&server.endpoint);
    create_table(&client, "qry").await;
    for i in 0..7 {
        client
            .put_item()
            .table_name("qry")
            .item("pk", AttributeValue::S("p".into()))
            .item("sk", AttributeValue::N(i.to_string()))
            .item("g", AttributeValue::S(format!("g{}", i % 2)))
            .send()
            .await
            .unwrap();
    }
    let pages = client
        .query()
        .table_name("qry")
        .key_condition_expression("pk = :p AND sk >= :lo")
        .expression_attribute_values(":p", AttributeValue::S("p".into()))
        .expression_attribute_values(":lo", AttributeValue::N("2".into()))
        .limit(2)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap();
    let sks: Vec<&str> = pages
        .iter()
        .map(|i| i["sk"].as_n().unwrap().as_str())
        .collect();
    assert_eq!(sks, ["2", "3", "4", "5", "6"]);
    let by_g = client
        .query()
        .table_name("qry")
        .index_name("by-g")
        .key_condition_expression("g = :g")
        .expression_attribute_values(":g", AttributeValue::S("g1".into()))
        .send()
        .await
        .unwrap();
    assert_eq!(by_g.count(), 3);
}

fn item(pk: &str, sk: i64) -> std::collections::HashMap<String, AttributeValue> {
    [
        ("pk".to_string(), AttributeValue::S(pk.into())),
        ("sk".to_string(), AttributeValue::N(sk.to_string())),
    ]
    .into()
}

#[tokio::test]
async fn batches_through_the_sdk() {
    use aws_sdk_dynamodb::types::{KeysAndAttributes, PutRequest, WriteRequest};
    let server = Server::start();
    let client = sdk_client(&server.endpoint);
    create_table(&client, "orders").await;
    let writes: Vec<WriteRequest> = (0..25)
        .map(|i| {
            let mut it = item("p", i);
            it.insert("g".into(), AttributeValue::S("green".into()));
            WriteRequest::builder()
                .put_request(PutRequest::builder().set_item(Some(it)).build().unwrap())
                .build()
        })
        .collect();
    let out = client
        .batch_write_item()
        .request_items("orders", writes)
        .return_consumed_capacity(ReturnConsumedCapacity::Total)
        .send()
        .await
        .unwrap();
    assert!(out.unprocessed_items().unwrap().is_empty());
    // 25 item writes plus 25 GSI writes.
    assert_eq!(out.consumed_capacity()[0].capacity_units(), Some(50.0));

    let keys = KeysAndAttributes::builder()
        .set_keys(Some((0..30).map(|i| item("p", i)).collect()))
        .projection_expression("sk")
        .build()
        .unwrap();
    let got = client
        .batch_get_item()
        .request_items("orders", keys)
        .send()
        .await
        .unwrap();
    assert_eq!(got.responses().unwrap()["orders"].len(), 25);
    assert!(got.unprocessed_keys().unwrap().is_empty());

    let dup = client
        .batch_write_item()
        .request_items(
            "orders",
            vec![
                WriteRequest::builder()
                    .put_request(
                        PutRequest::builder()
                            .set_item(Some(item("d", 1)))
                            .build()
                            .unwrap()
                    )
                    .build();
                2
            ],
        )
        .send()
        .await
        .unwrap_err();
    let e = dup.into_service_error();
    assert_eq!(e.code(), Some("ValidationException"));
    assert_eq!(
        e.message(),
        Some("Provided list of item keys contains duplicates")
    );
}

#[tokio::test]
async fn transactions_through_the_sdk() {
    use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
    use aws_sdk_dynamodb::types::{
        ConditionCheck, Get, Put, TransactGetItem, TransactWriteItem, Update,
    };
    let server = Server::start();
    let client = sdk_client(&server.endpoint);
    create_table(&client, "orders").await;
    let put = |pk: &str| {
        TransactWriteItem::builder()
            .put(
                Put::builder()
                    .table_name("orders")
                    .set_item(Some(item(pk, 1)))
                    .build()
                    .unwrap(),
            )
            .build()
    };
    client
        .transact_write_items()
        .transact_items(put("a"))
        .transact_items(put("b"))
        .client_request_token("sdk-token")
        .send()
        .await
        .unwrap();
    let failed = client
        .transact_write_items()
        .transact_items(
            TransactWriteItem::builder()
                .update(
                    Update::builder()
                        .table_name("orders")
                        .set_key(Some(item("c", 1)))
                        .update_expression("SET v = :v")
                        .expression_attribute_values(":v", AttributeValue::S("x".into()))
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .transact_items(
            TransactWriteItem::builder()
                .condition_check(
                    ConditionCheck::builder()
                        .table_name("orders")
                        .set_key(Some(item("a", 1)))
                        .condition_expression("attribute_not_exists(pk)")
                        .return_values_on_condition_check_failure(
                            aws_sdk_dynamodb::types::ReturnValuesOnConditionCheckFailure::AllOld,
                        )
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap_err();
    match failed.into_service_error() {
        TransactWriteItemsError::TransactionCanceledException(e) => {
            let reasons = e.cancellation_reasons();
            assert_eq!(reasons.len(), 2);
            assert_eq!(reasons[0].code(), Some("None"));
            assert_eq!(reasons[1].code(), Some("ConditionalCheckFailed"));
            assert_eq!(reasons[1].message(), Some("The conditional request failed"));
            assert_eq!(
                reasons[1].item().unwrap()["pk"],
                AttributeValue::S("a".into())
            );
            assert_eq!(
                e.message(),
                Some("Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]")
            );
        }
        other => panic!("unexpected error: {other:?}"),
    }
    let got = client
        .transact_get_items()
        .transact_items(
            TransactGetItem::builder()
                .get(
                    Get::builder()
                        .table_name("orders")
                        .set_key(Some(item("c", 1)))
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .transact_items(
            TransactGetItem::builder()
                .get(
                    Get::builder()
                        .table_name("orders")
                        .set_key(Some(item("b", 1)))
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    let responses = got.responses();
    assert!(
        responses[0].item().is_none(),
        "the cancelled update wrote nothing"
    );
    assert_eq!(
        responses[1].item().unwrap()["pk"],
        AttributeValue::S("b".into())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_transactions_over_http_keep_the_sum() {
    use aws_sdk_dynamodb::types::{Put, TransactWriteItem, Update};
    let server = Server::start();
    let client = sdk_client(&server.endpoint);
    create_table(&client, "orders").await;
    for pk in ["x", "y"] {
        let mut it = item(pk, 1);
        it.insert("n".into(), AttributeValue::N("500".into()));
        client
            .transact_write_items()
            .transact_items(
                TransactWriteItem::builder()
                    .put(
                        Put::builder()
                            .table_name("orders")
                            .set_item(Some(it))
                            .build()
                            .unwrap(),
                    )
                    .build(),
            )
            .send()
            .await
            .unwrap();
    }
    let step = |pk: &str, op: &str| {
        TransactWriteItem::builder()
            .update(
                Update::builder()
                    .table_name("orders")
                    .set_key(Some(item(pk, 1)))
                    .update_expression(format!("SET n = n {op} :one"))
                    .expression_attribute_values(":one", AttributeValue::N("1".into()))
                    .build()
                    .unwrap(),
            )
            .build()
    };
    let mut tasks = Vec::new();
    for t in 0..8 {
        // One client (one connection pool) per task: many connections at once.
        let client = sdk_client(&server.endpoint);
        let (a, b) = (step("x", "-"), step("y", "+"));
        let (c, d) = (step("y", "-"), step("x", "+"));
        tasks.push(tokio::spawn(async move {
            for i in 0..25 {
                let (from, to) = if (t + i) % 2 == 0 {
                    (a.clone(), b.clone())
                } else {
                    (c.clone(), d.clone())
                };
                client
                    .transact_write_items()
                    .transact_items(from)
                    .transact_items(to)
                    .send()
                    .await
                    .unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let mut sum = 0i64;
    for pk in ["x", "y"] {
        let got = client
            .get_item()
            .table_name("orders")
            .set_key(Some(item(pk, 1)))
            .send()
            .await
            .unwrap();
        sum += got.item().unwrap()["n"]
            .as_n()
            .unwrap()
            .parse::<i64>()
            .unwrap();
    }
    assert_eq!(sum, 1000);
}

#[tokio::test]
async fn partiql_through_the_sdk() {
    use aws_sdk_dynamodb::operation::execute_statement::ExecuteStatementError;
    use aws_sdk_dynamodb::types::{BatchStatementRequest, ParameterizedStatement};
    let server = Server::start();
    let client = sdk_client(&server.endpoint);
    create_table(&client, "orders").await;
    for i in 0..3 {
        client
            .execute_statement()
            .statement("INSERT INTO orders VALUE {'pk': ?, 'sk': ?, 'g': 'green'}")
            .parameters(AttributeValue::S("p".into()))
            .parameters(AttributeValue::N(i.to_string()))
            .send()
            .await
            .unwrap();
    }
    let dup = client
        .execute_statement()
        .statement("INSERT INTO orders VALUE {'pk': 'p', 'sk': 0}")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(
        dup.into_service_error(),
        ExecuteStatementError::DuplicateItemException(_)
    ));
    // Paging with NextToken and Limit.
    let mut seen = Vec::new();
    let mut token = None;
    loop {
        let out = client
            .execute_statement()
            .statement("SELECT sk FROM orders WHERE pk = 'p' ORDER BY sk DESC")
            .limit(2)
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        seen.extend(out.items().iter().map(|i| i["sk"].as_n().unwrap().clone()));
        token = out.next_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    assert_eq!(seen, ["2", "1", "0"]);
    let batch = client
        .batch_execute_statement()
        .statements(
            BatchStatementRequest::builder()
                .statement("UPDATE orders SET n = 1 WHERE pk = 'p' AND sk = 0 RETURNING ALL NEW *")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        batch.responses()[0].item().unwrap()["n"],
        AttributeValue::N("1".into())
    );
    client
        .execute_transaction()
        .transact_statements(
            ParameterizedStatement::builder()
                .statement("DELETE FROM orders WHERE pk = 'p' AND sk = 1")
                .build()
                .unwrap(),
        )
        .transact_statements(
            ParameterizedStatement::builder()
                .statement("UPDATE orders SET n = n + 1 WHERE pk = 'p' AND sk = 0")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let left = client
        .execute_statement()
        .statement("SELECT * FROM orders WHERE pk = 'p'")
        .send()
        .await
        .unwrap();
    assert_eq!(left.items().len(), 2);
    assert_eq!(left.items()[0]["n"], AttributeValue::N("2".into()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn file_database_serves_reads_while_writing() {
    use aws_sdk_dynamodb::types::{PutRequest, WriteRequest};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("busy.db");
    let server = Server::start_with(&["--db-path", path.to_str().unwrap()]);
    let client = sdk_client(&server.endpoint);
    create_table(&client, "orders").await;
    let big = "x".repeat(100 * 1024);
    let writers: Vec<_> = (0..2)
        .map(|w| {
            let client = sdk_client(&server.endpoint);
            let big = big.clone();
            tokio::spawn(async move {
                for round in 0..8 {
                    let reqs: Vec<WriteRequest> = (0..25)
                        .map(|i| {
                            let mut it = item(&format!("w{w}"), round * 25 + i);
                            it.insert("blob".into(), AttributeValue::S(big.clone()));
                            WriteRequest::builder()
                                .put_request(
                                    PutRequest::builder().set_item(Some(it)).build().unwrap(),
                                )
                                .build()
                        })
                        .collect();
                    client
                        .batch_write_item()
                        .request_items("orders", reqs)
                        .send()
                        .await
                        .unwrap();
                }
            })
        })
        .collect();
    // Reads run on their own connections meanwhile, each seeing a consistent snapshot.
    let readers: Vec<_> = (0..2)
        .map(|_| {
            let client = sdk_client(&server.endpoint);
            tokio::spawn(async move {
                for _ in 0..20 {
                    let out = client
                        .query()
                        .table_name("orders")
                        .key_condition_expression("pk = :p")
                        .expression_attribute_values(":p", AttributeValue::S("w0".into()))
                        .select(aws_sdk_dynamodb::types::Select::Count)
                        .send()
                        .await
                        .unwrap();
                    // Whole batches only: a reader never sees half of one.
                    assert_eq!(out.count() % 25, 0, "count {}", out.count());
                }
            })
        })
        .collect();
    for t in writers.into_iter().chain(readers) {
        t.await.unwrap();
    }
    let total: i32 = {
        let mut n = 0;
        let mut start = None;
        loop {
            let page = client
                .scan()
                .table_name("orders")
                .select(aws_sdk_dynamodb::types::Select::Count)
                .set_exclusive_start_key(start)
                .send()
                .await
                .unwrap();
            n += page.count();
            start = page.last_evaluated_key().cloned();
            if start.is_none() {
                break n;
            }
        }
    };
    assert_eq!(total, 400);
}

#[tokio::test]
async fn limits_and_endpoints() {
    let server = Server::start();
    let client = sdk_client(&server.endpoint);
    let limits = client.describe_limits().send().await.unwrap();
    assert_eq!(limits.account_max_read_capacity_units(), Some(80_000));
    assert_eq!(limits.account_max_write_capacity_units(), Some(80_000));
    assert_eq!(limits.table_max_read_capacity_units(), Some(40_000));
    assert_eq!(limits.table_max_write_capacity_units(), Some(40_000));
    // The server names itself as the SDK reached it, so endpoint discovery stays local.
    let endpoints = client.describe_endpoints().send().await.unwrap();
    let [endpoint] = endpoints.endpoints() else {
        panic!("one endpoint: {endpoints:?}")
    };
    let host = server.endpoint.trim_start_matches("http://");
    assert_eq!(endpoint.address(), host);
    assert_eq!(endpoint.cache_period_in_minutes(), 1440);
}
