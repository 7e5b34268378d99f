//! The JSON-protocol services against moto: SQS (awsJson 1.0, query-compatible) and DynamoDB.

use std::time::Duration;
use tucuxi::protocol::checksum::md5;

use tucuxi::{Blob, Map};
use tucuxi_dynamodb::errors::PutItemError;
use tucuxi_dynamodb::types::{
    AttributeDefinition, AttributeValue, KeySchemaElement, KeyType, ReturnValuesOnConditionCheckFailure,
    ScalarAttributeType,
};
use tucuxi_sqs::errors::GetQueueUrlError;
use tucuxi_sqs::types::{DeleteMessageBatchRequestEntry, MessageAttributeValue, SendMessageBatchRequestEntry};

use crate::common::{self, unique, Checks, Outcome};

#[test]
fn sqs_messages_and_queue_does_not_exist() {
    common::run_case("sqs", |endpoint, mut checks| async move {
        let outcome = sqs(&endpoint, &mut checks).await;
        (checks, outcome)
    });
}

async fn sqs(endpoint: &str, checks: &mut Checks) -> Outcome {
    let sqs = tucuxi_sqs::Client::new(&common::session(endpoint));
    let name = unique("tucuxi-queue");
    let url = sqs.create_queue().queue_name(&name).send().await?.queue_url.ok_or("create_queue returns a URL")?;
    checks.ok(url.ends_with(&name), "the queue URL ends with its name")?;
    let looked_up = sqs.get_queue_url().queue_name(&name).send().await?;
    checks.eq(looked_up.queue_url.as_deref(), Some(url.as_str()), "get_queue_url finds it")?;

    let body = "héllo \"json\" <&> from tucuxi";
    let sent = sqs.send_message().queue_url(&url).message_body(body).send().await?;
    checks.ok(sent.message_id.is_some(), "send_message returns a message id")?;
    checks.ok(sent.md5_of_message_body.is_some_and(|m| m.len() == 32), "and the body's MD5")?;

    let received = sqs.receive_message().queue_url(&url).max_number_of_messages(10).wait_time_seconds(1).send().await?;
    let messages = received.messages.unwrap_or_default();
    checks.eq(messages.len(), 1, "one message is received")?;
    checks.eq(messages[0].body.as_deref(), Some(body), "the body round-trips")?;
    checks.eq(messages[0].message_id.as_deref(), sent.message_id.as_deref(), "the same message id")?;
    let receipt = messages[0].receipt_handle.clone().ok_or("a receipt handle")?;
    sqs.delete_message().queue_url(&url).receipt_handle(receipt).send().await?;
    let again = sqs.receive_message().queue_url(&url).wait_time_seconds(0).send().await?;
    checks.ok(again.messages.unwrap_or_default().is_empty(), "the deleted message is not received again")?;
    sqs.delete_queue().queue_url(&url).send().await?;

    let missing = sqs.get_queue_url().queue_name(&name).send().await.err().ok_or("get_queue_url of a deleted queue")?;
    // The JSON error type is `com.amazonaws.sqs#QueueDoesNotExist`, and the query-compatible
    // header gives the legacy code, which is what botocore reports.
    checks.eq(
        missing.code(),
        Some("AWS.SimpleQueueService.NonExistentQueue"),
        "the code is the query-compatible one",
    )?;
    checks.ok(
        matches!(missing.modeled::<GetQueueUrlError>(), Some(GetQueueUrlError::QueueDoesNotExist(_))),
        "QueueDoesNotExist is modeled",
    )
}

/// Lower-case hex, as SQS writes its MD5 digests.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn attribute(data_type: &str, string: Option<&str>, binary: Option<&[u8]>) -> MessageAttributeValue {
    MessageAttributeValue {
        data_type: data_type.to_owned(),
        string_value: string.map(str::to_owned),
        binary_value: binary.map(Blob::from),
        ..Default::default()
    }
}

#[test]
fn sqs_batches_and_message_attributes() {
    common::run_case("sqs-batch", |endpoint, mut checks| async move {
        let outcome = sqs_batch(&endpoint, &mut checks).await;
        (checks, outcome)
    });
}

async fn sqs_batch(endpoint: &str, checks: &mut Checks) -> Outcome {
    let sqs = tucuxi_sqs::Client::new(&common::session(endpoint));
    let name = unique("tucuxi-batch");
    let url = sqs.create_queue().queue_name(&name).send().await?.queue_url.ok_or("create_queue returns a URL")?;

    // One attribute of each data type; the binary one is base64 on the JSON wire.
    let binary = [0u8, 1, 254, 255, b'"'];
    let mut attributes = Map::new();
    attributes.insert("colour".to_owned(), attribute("String", Some("vert ü"), None));
    attributes.insert("count".to_owned(), attribute("Number", Some("42.5"), None));
    attributes.insert("raw".to_owned(), attribute("Binary", None, Some(&binary)));
    let entry = |id: &str, body: &str| SendMessageBatchRequestEntry {
        id: id.to_owned(),
        message_body: body.to_owned(),
        message_attributes: Some(attributes.clone()),
        ..Default::default()
    };
    // A delay over SQS's 900-second limit fails that entry alone; the batch still succeeds.
    let too_late = SendMessageBatchRequestEntry { delay_seconds: Some(901), ..entry("late", "never sent") };
    let sent = sqs
        .send_message_batch()
        .queue_url(&url)
        .entries(vec![entry("first", "one"), entry("second", "two"), too_late, entry("third", "three")])
        .send()
        .await?;
    let mut ok_ids: Vec<&str> = sent.successful.iter().map(|e| e.id.as_str()).collect();
    ok_ids.sort();
    checks.eq(ok_ids, vec!["first", "second", "third"], "three entries were sent")?;
    for entry in &sent.successful {
        let body = match entry.id.as_str() {
            "first" => "one",
            "second" => "two",
            _ => "three",
        };
        checks.eq(entry.md5_of_message_body.clone(), hex(&md5(body.as_bytes())), "each entry's body MD5")?;
        checks.ok(entry.md5_of_message_attributes.as_ref().is_some_and(|m| m.len() == 32), "and attributes MD5")?;
    }
    checks.eq(sent.failed.len(), 1, "one entry failed")?;
    checks.eq(sent.failed[0].id.as_str(), "late", "the failure names the delayed entry")?;
    checks.eq(sent.failed[0].code.as_str(), "InvalidParameterValue", "with the service's code")?;
    checks.ok(sent.failed[0].sender_fault, "the sender is at fault")?;
    checks.ok(
        sent.failed[0].message.as_deref().is_some_and(|m| m.contains("DelaySeconds")),
        "the message names the parameter",
    )?;

    let mut received = Vec::new();
    // SQS may return fewer than asked for per call; a few rounds collect all three.
    for _ in 0..5 {
        let round = sqs
            .receive_message()
            .queue_url(&url)
            .max_number_of_messages(10)
            .message_attribute_names(vec!["All".to_owned()])
            .wait_time_seconds(1)
            .send()
            .await?;
        received.extend(round.messages.unwrap_or_default());
        if received.len() >= 3 {
            break;
        }
    }
    let mut bodies: Vec<&str> = received.iter().filter_map(|m| m.body.as_deref()).collect();
    bodies.sort();
    checks.eq(bodies, vec!["one", "three", "two"], "the three sent bodies are received")?;
    let attributes_md5 = sent.successful[0].md5_of_message_attributes.clone();
    for message in &received {
        let got = message.message_attributes.clone().unwrap_or_default();
        checks.eq(got.get("colour"), attributes.get("colour"), "a String attribute round-trips")?;
        checks.eq(got.get("count"), attributes.get("count"), "a Number attribute round-trips")?;
        checks.eq(
            got.get("raw").and_then(|a| a.binary_value.clone()),
            Some(Blob::from(&binary[..])),
            "a Binary attribute round-trips byte for byte",
        )?;
        checks.eq(got.get("raw").map(|a| a.data_type.as_str()), Some("Binary"), "with its data type")?;
        checks.eq(message.md5_of_message_attributes.clone(), attributes_md5.clone(), "the same attributes MD5")?;
    }

    let mut deletes: Vec<DeleteMessageBatchRequestEntry> = received
        .iter()
        .enumerate()
        .map(|(i, m)| DeleteMessageBatchRequestEntry {
            id: format!("m{i}"),
            receipt_handle: m.receipt_handle.clone().unwrap_or_default(),
        })
        .collect();
    deletes.push(DeleteMessageBatchRequestEntry { id: "bogus".into(), receipt_handle: "not-a-receipt".into() });
    let deleted = sqs.delete_message_batch().queue_url(&url).entries(deletes).send().await?;
    let mut deleted_ids: Vec<&str> = deleted.successful.iter().map(|e| e.id.as_str()).collect();
    deleted_ids.sort();
    checks.eq(deleted_ids, vec!["m0", "m1", "m2"], "the three received messages are deleted")?;
    checks.eq(deleted.failed.len(), 1, "the bogus receipt handle fails alone")?;
    checks.eq(deleted.failed[0].id.as_str(), "bogus", "named by its entry id")?;
    checks.eq(deleted.failed[0].code.as_str(), "ReceiptHandleIsInvalid", "with the service's code")?;

    let again = sqs.receive_message().queue_url(&url).wait_time_seconds(0).send().await?;
    checks.ok(again.messages.unwrap_or_default().is_empty(), "nothing is left in the queue")?;
    sqs.delete_queue().queue_url(&url).send().await?;
    Ok(())
}

fn s(value: &str) -> AttributeValue {
    AttributeValue { s: Some(value.to_owned()), ..Default::default() }
}

fn n(value: &str) -> AttributeValue {
    AttributeValue { n: Some(value.to_owned()), ..Default::default() }
}

#[test]
fn dynamodb_items_and_queries() {
    common::run_case("dynamodb", |endpoint, mut checks| async move {
        let outcome = dynamodb(&endpoint, &mut checks).await;
        (checks, outcome)
    });
}

async fn dynamodb(endpoint: &str, checks: &mut Checks) -> Outcome {
    let ddb = tucuxi_dynamodb::Client::new(&common::session(endpoint));
    let table = unique("tucuxi-table");
    let key = |name: &str, key_type: KeyType| KeySchemaElement { attribute_name: name.to_owned(), key_type };
    let attribute = |name: &str, attribute_type: ScalarAttributeType| AttributeDefinition {
        attribute_name: name.to_owned(),
        attribute_type,
    };
    let created = ddb
        .create_table()
        .table_name(&table)
        .attribute_definitions(vec![attribute("pk", ScalarAttributeType::S), attribute("sk", ScalarAttributeType::N)])
        .key_schema(vec![key("pk", KeyType::Hash), key("sk", KeyType::Range)])
        .billing_mode("PAY_PER_REQUEST")
        .send()
        .await?;
    let description = created.table_description.ok_or("create_table describes the table")?;
    checks.eq(description.table_name.as_deref(), Some(table.as_str()), "the table's name")?;

    for sk in 1u8..=3 {
        let mut item = Map::new();
        item.insert("pk".to_owned(), s("user#1"));
        item.insert("sk".to_owned(), n(&sk.to_string()));
        item.insert("flag".to_owned(), AttributeValue { bool: Some(sk % 2 == 1), ..Default::default() });
        item.insert(
            "blob".to_owned(),
            AttributeValue { b: Some(Blob::from(vec![0, 159, 146, 150, sk])), ..Default::default() },
        );
        item.insert("tags".to_owned(), AttributeValue { ss: Some(vec!["a".into(), "b".into()]), ..Default::default() });
        item.insert("nothing".to_owned(), AttributeValue { null: Some(true), ..Default::default() });
        let mut nested = Map::new();
        nested.insert("list".to_owned(), AttributeValue { l: Some(vec![n("1.5"), s("ü")]), ..Default::default() });
        item.insert("nested".to_owned(), AttributeValue { m: Some(nested), ..Default::default() });
        ddb.put_item().table_name(&table).item(item).send().await?;
    }
    checks.ok(true, "three items were put")?;

    let mut wanted = Map::new();
    wanted.insert("pk".to_owned(), s("user#1"));
    wanted.insert("sk".to_owned(), n("2"));
    let item = ddb.get_item().table_name(&table).key(wanted).send().await?.item.ok_or("get_item finds the item")?;
    checks.eq(item.get("flag").and_then(|v| v.bool), Some(false), "a boolean round-trips")?;
    checks.eq(
        item.get("blob").and_then(|v| v.b.clone()),
        Some(Blob::from(vec![0u8, 159, 146, 150, 2])),
        "a binary (base64 on the wire) round-trips",
    )?;
    let mut tags = item.get("tags").and_then(|v| v.ss.clone()).unwrap_or_default();
    tags.sort();
    checks.eq(tags, vec!["a".to_owned(), "b".to_owned()], "a string set round-trips")?;
    checks.eq(item.get("nothing").and_then(|v| v.null), Some(true), "NULL round-trips")?;
    let list = item.get("nested").and_then(|v| v.m.as_ref()).and_then(|m| m.get("list")).and_then(|v| v.l.clone());
    checks.eq(list, Some(vec![n("1.5"), s("ü")]), "a list inside a map round-trips")?;

    let mut values = Map::new();
    values.insert(":pk".to_owned(), s("user#1"));
    values.insert(":min".to_owned(), n("2"));
    let queried = ddb
        .query()
        .table_name(&table)
        .key_condition_expression("pk = :pk AND sk >= :min")
        .expression_attribute_values(values)
        .scan_index_forward(false)
        .send()
        .await?;
    checks.eq(queried.count, Some(2), "the query matches two items")?;
    let order: Vec<String> =
        queried.items.unwrap_or_default().iter().filter_map(|i| i.get("sk").and_then(|v| v.n.clone())).collect();
    checks.eq(order, vec!["3".to_owned(), "2".to_owned()], "descending sort-key order")?;

    let deleted = ddb.delete_table().table_name(&table).send().await?;
    checks.ok(deleted.table_description.is_some(), "delete_table describes the table")?;
    let tables = ddb.list_tables().send().await?.table_names.unwrap_or_default();
    checks.ok(!tables.contains(&table), "the table is gone")
}

#[test]
fn dynamodb_every_attribute_type_and_a_conditional_check_failure() {
    common::run_case("dynamodb-types", |endpoint, mut checks| async move {
        let outcome = dynamodb_types(&endpoint, &mut checks).await;
        (checks, outcome)
    });
}

/// Sets come back in any order: sorted copies compare what they hold.
fn sorted<T: Ord + Clone>(values: Option<&Vec<T>>) -> Vec<T> {
    let mut values = values.cloned().unwrap_or_default();
    values.sort();
    values
}

async fn dynamodb_types(endpoint: &str, checks: &mut Checks) -> Outcome {
    let ddb = tucuxi_dynamodb::Client::new(&common::session(endpoint));
    let table = unique("tucuxi-types");
    common::create_pk_table(&ddb, &table).await?;

    let blob = |bytes: &[u8]| Blob::from(bytes);
    let mut nested = Map::new();
    nested.insert("inner".to_owned(), AttributeValue { bool: Some(false), ..Default::default() });
    nested.insert("deeper".to_owned(), AttributeValue { l: Some(vec![n("-0.5"), s("")]), ..Default::default() });
    let mut item = Map::new();
    item.insert("pk".to_owned(), s("every-type"));
    item.insert("s".to_owned(), s("ünïcode \"quoted\" \\ / \u{1F42C}"));
    item.insert("n".to_owned(), n("12345678901234567890.5"));
    item.insert("b".to_owned(), AttributeValue { b: Some(blob(&[0, 255, 10, 13, 61])), ..Default::default() });
    item.insert("ss".to_owned(), AttributeValue { ss: Some(vec!["x".into(), "y z".into()]), ..Default::default() });
    item.insert(
        "ns".to_owned(),
        AttributeValue { ns: Some(vec!["1".into(), "2.5".into(), "-3".into()]), ..Default::default() },
    );
    item.insert(
        "bs".to_owned(),
        AttributeValue { bs: Some(vec![blob(&[1, 2, 3]), blob(&[255]), blob(b"text")]), ..Default::default() },
    );
    item.insert("m".to_owned(), AttributeValue { m: Some(nested.clone()), ..Default::default() });
    item.insert(
        "l".to_owned(),
        AttributeValue {
            l: Some(vec![n("1"), s("two"), AttributeValue { null: Some(true), ..Default::default() }]),
            ..Default::default()
        },
    );
    item.insert("null".to_owned(), AttributeValue { null: Some(true), ..Default::default() });
    item.insert("bool".to_owned(), AttributeValue { bool: Some(true), ..Default::default() });
    ddb.put_item().table_name(&table).item(item.clone()).send().await?;

    let mut key = Map::new();
    key.insert("pk".to_owned(), s("every-type"));
    let got = ddb
        .get_item()
        .table_name(&table)
        .key(key.clone())
        .consistent_read(true)
        .send()
        .await?
        .item
        .ok_or("get_item finds the item")?;
    checks.eq(got.len(), item.len(), "every attribute comes back")?;
    for scalar in ["pk", "s", "n", "b", "m", "l", "null", "bool"] {
        checks.eq(got.get(scalar), item.get(scalar), &format!("the {scalar} attribute round-trips exactly"))?;
    }
    checks.eq(
        sorted(got.get("ss").and_then(|v| v.ss.as_ref())),
        vec!["x".to_owned(), "y z".to_owned()],
        "a string set round-trips",
    )?;
    checks.eq(
        sorted(got.get("ns").and_then(|v| v.ns.as_ref())),
        vec!["-3".to_owned(), "1".to_owned(), "2.5".to_owned()],
        "a number set round-trips",
    )?;
    let bs: Vec<Vec<u8>> = got
        .get("bs")
        .and_then(|v| v.bs.as_ref())
        .map(|set| set.iter().map(|b| b.as_ref().to_vec()).collect())
        .unwrap_or_default();
    let mut bs = bs;
    bs.sort();
    checks.eq(bs, vec![vec![1u8, 2, 3], b"text".to_vec(), vec![255]], "a binary set round-trips")?;

    // Putting over an existing key with `attribute_not_exists(pk)` must fail as the modeled
    // error, and ALL_OLD puts the item that was there into the error.
    let mut replacement = Map::new();
    replacement.insert("pk".to_owned(), s("every-type"));
    replacement.insert("s".to_owned(), s("must not land"));
    let err = ddb
        .put_item()
        .table_name(&table)
        .item(replacement)
        .condition_expression("attribute_not_exists(pk)")
        .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
        .send()
        .await
        .err()
        .ok_or("a conditional put over an existing item fails")?;
    checks.eq(err.code(), Some("ConditionalCheckFailedException"), "the error code")?;
    checks.eq(err.message(), Some("The conditional request failed"), "the service's message")?;
    checks.eq(err.status(), Some(400), "a 400")?;
    checks.eq(err.operation(), Some("PutItem"), "the error names the operation")?;
    let Some(PutItemError::ConditionalCheckFailedException(modeled)) = err.modeled::<PutItemError>() else {
        return Err(format!("not the modeled ConditionalCheckFailedException: {err:?}").into());
    };
    checks.eq(modeled.message.as_deref(), Some("The conditional request failed"), "the modeled message")?;
    checks.eq(
        modeled.item.as_ref().and_then(|old| old.get("s")),
        item.get("s"),
        "ALL_OLD returns the existing item in the error",
    )?;
    let still = ddb.get_item().table_name(&table).key(key).consistent_read(true).send().await?.item;
    checks.eq(still.as_ref().and_then(|i| i.get("s")), item.get("s"), "the failed put changed nothing")?;

    ddb.delete_table().table_name(&table).send().await?;
    Ok(())
}

/// CloudWatch lists `smithy-rpc-v2-cbor` before `json`; boto3 speaks JSON to it (botocore's
/// protocol preference), and so must the generated client, or moto (and boto3 users' mocks)
/// would not understand it.
#[test]
fn cloudwatch_metrics_over_the_protocol_boto3_resolves() {
    common::run_case("cloudwatch", |endpoint, mut checks| async move {
        let outcome = cloudwatch(&endpoint, &mut checks).await;
        (checks, outcome)
    });
}

async fn cloudwatch(endpoint: &str, checks: &mut Checks) -> Outcome {
    use tucuxi_cloudwatch::types::{Dimension, MetricDatum};
    let cw = tucuxi_cloudwatch::Client::new(&common::session(endpoint));
    let namespace = unique("tucuxi/metrics");
    let datum = |value: f64| MetricDatum {
        metric_name: "Latency".into(),
        dimensions: Some(vec![Dimension { name: "Stage".into(), value: "prod".into() }]),
        value: Some(value),
        ..Default::default()
    };
    cw.put_metric_data().namespace(&namespace).metric_data(vec![datum(12.5), datum(7.0)]).send().await?;
    let listed = cw.list_metrics().namespace(&namespace).send().await?.metrics.unwrap_or_default();
    checks.eq(listed.len(), 1, "one metric in the namespace")?;
    checks.eq(listed[0].metric_name.as_deref(), Some("Latency"), "named as put")?;
    let dims = listed[0].dimensions.clone().unwrap_or_default();
    checks.ok(dims.iter().any(|d| d.name == "Stage" && d.value == "prod"), "with its dimension")?;
    let err = cw.get_dashboard().dashboard_name(unique("missing")).send().await.err().ok_or("no such dashboard")?;
    checks.ok(err.code().is_some_and(|c| c.contains("NotFound")), &format!("a not-found error code: {err}"))?;
    Ok(())
}

#[test]
fn kinesis_stream_records_round_trip() {
    common::run_case("kinesis", |endpoint, mut checks| async move {
        let outcome = kinesis(&endpoint, &mut checks).await;
        (checks, outcome)
    });
}

async fn kinesis(endpoint: &str, checks: &mut Checks) -> Outcome {
    use tucuxi_kinesis::errors::DescribeStreamError;
    use tucuxi_kinesis::types::{PutRecordsRequestEntry, ShardIteratorType, StreamStatus};
    let kinesis = tucuxi_kinesis::Client::new(&common::session(endpoint));
    let stream = unique("tucuxi-stream");
    // One shard, so one iterator sees every record in the order they were put.
    kinesis.create_stream().stream_name(&stream).shard_count(1).send().await?;
    let active = kinesis
        .describe_stream()
        .stream_name(&stream)
        .wait_until_stream_exists()
        .delay(Duration::from_millis(100))
        .wait()
        .await?
        .ok_or("stream_exists succeeds on an output")?;
    let description = active.stream_description;
    checks.eq(description.stream_status, StreamStatus::Active, "the waiter returns an ACTIVE stream")?;
    checks.eq(description.stream_name.as_str(), stream.as_str(), "named as created")?;
    checks.eq(description.shards.len(), 1, "with one shard")?;
    let shard_id = description.shards[0].shard_id.clone();

    // Blobs are base64 on the JSON wire: bytes that are not UTF-8 must come back unchanged.
    let first: Vec<u8> = vec![0, 159, 146, 150, 255, b'\n'];
    let put = kinesis.put_record().stream_name(&stream).data(first.clone()).partition_key("pk-1").send().await?;
    checks.eq(put.shard_id.as_str(), shard_id.as_str(), "put_record lands in the only shard")?;
    checks.ok(!put.sequence_number.is_empty(), "put_record returns a sequence number")?;
    let batch = [b"second \xc3\xbc".to_vec(), (0u8..=255).collect::<Vec<u8>>()];
    let entries = batch
        .iter()
        .enumerate()
        .map(|(i, data)| PutRecordsRequestEntry {
            data: Blob::from(data.clone()),
            partition_key: Some(format!("pk-{}", i + 2)),
            ..Default::default()
        });
    // The setter takes the iterator itself (any `IntoIterator` of entries).
    let puts = kinesis.put_records().stream_name(&stream).records(entries).send().await?;
    checks.eq(puts.failed_record_count.unwrap_or(0), 0, "put_records has no failed record")?;
    checks.eq(puts.records.len(), 2, "and one result per record")?;
    let mut sequence_numbers = vec![put.sequence_number.clone()];
    sequence_numbers.extend(puts.records.iter().filter_map(|r| r.sequence_number.clone()));
    checks.eq(sequence_numbers.len(), 3, "every record has a sequence number")?;

    let iterator = kinesis
        .get_shard_iterator()
        .stream_name(&stream)
        .shard_id(&shard_id)
        .shard_iterator_type(ShardIteratorType::TrimHorizon)
        .send()
        .await?
        .shard_iterator
        .ok_or("get_shard_iterator returns an iterator")?;
    let records = kinesis.get_records().shard_iterator(iterator).limit(10).send().await?;
    checks.ok(records.next_shard_iterator.is_some(), "an open shard has a next iterator")?;
    let data: Vec<Vec<u8>> = records.records.iter().map(|r| r.data.as_ref().to_vec()).collect();
    checks.eq(data, vec![first, batch[0].clone(), batch[1].clone()], "the same bytes come back, in order")?;
    let got_sequence: Vec<String> = records.records.iter().map(|r| r.sequence_number.clone()).collect();
    checks.eq(got_sequence, sequence_numbers, "with the sequence numbers the puts returned")?;
    let keys: Vec<Option<&str>> = records.records.iter().map(|r| r.partition_key.as_deref()).collect();
    checks.eq(keys, vec![Some("pk-1"), Some("pk-2"), Some("pk-3")], "and their partition keys")?;

    kinesis.delete_stream().stream_name(&stream).send().await?;
    kinesis
        .describe_stream()
        .stream_name(&stream)
        .wait_until_stream_not_exists()
        .delay(Duration::from_millis(100))
        .wait()
        .await?;
    let err = kinesis.describe_stream().stream_name(&stream).send().await.err().ok_or("the stream is gone")?;
    checks.eq(err.code(), Some("ResourceNotFoundException"), "describing a deleted stream is not found")?;
    checks.ok(
        matches!(err.modeled::<DescribeStreamError>(), Some(DescribeStreamError::ResourceNotFoundException(_))),
        "as the modeled error",
    )
}

#[test]
fn logs_groups_streams_and_events() {
    common::run_case("logs", |endpoint, mut checks| async move {
        let outcome = logs(&endpoint, &mut checks).await;
        (checks, outcome)
    });
}

async fn logs(endpoint: &str, checks: &mut Checks) -> Outcome {
    use tucuxi_logs::errors::{DeleteLogGroupError, GetLogEventsError};
    use tucuxi_logs::types::InputLogEvent;
    let logs = tucuxi_logs::Client::new(&common::session(endpoint));
    let group = format!("/tucuxi/{}", unique("group"));
    let stream = "app/instance-1";
    logs.create_log_group().log_group_name(&group).send().await?;
    logs.create_log_stream().log_group_name(&group).log_stream_name(stream).send().await?;
    let streams = logs.describe_log_streams().log_group_name(&group).send().await?.log_streams.unwrap_or_default();
    let names: Vec<Option<&str>> = streams.iter().map(|s| s.log_stream_name.as_deref()).collect();
    checks.eq(names, vec![Some(stream)], "describe_log_streams lists the new stream")?;

    // CloudWatch Logs refuses events older than 14 days, so they are stamped with the clock.
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_millis() as i64;
    let lines = ["INFO started", "ERROR disk \"full\" ü", "INFO stopped"];
    let events = lines
        .iter()
        .enumerate()
        .map(|(i, line)| InputLogEvent { timestamp: now + i as i64, message: (*line).to_owned() });
    let put = logs.put_log_events().log_group_name(&group).log_stream_name(stream).log_events(events).send().await?;
    checks.ok(put.rejected_log_events_info.is_none(), "no event was rejected")?;

    let got = logs.get_log_events().log_group_name(&group).log_stream_name(stream).start_from_head(true).send().await?;
    let events = got.events.unwrap_or_default();
    let messages: Vec<Option<&str>> = events.iter().map(|e| e.message.as_deref()).collect();
    checks.eq(messages, lines.iter().map(|l| Some(*l)).collect(), "get_log_events returns the events in order")?;
    let stamps: Vec<Option<i64>> = events.iter().map(|e| e.timestamp).collect();
    checks.eq(stamps, vec![Some(now), Some(now + 1), Some(now + 2)], "with their timestamps")?;
    checks.ok(got.next_forward_token.is_some(), "and a forward token")?;

    let filtered = logs.filter_log_events().log_group_name(&group).filter_pattern("ERROR").send().await?;
    let matched = filtered.events.unwrap_or_default();
    checks.eq(matched.len(), 1, "the filter pattern matches one event")?;
    checks.eq(matched[0].message.as_deref(), Some(lines[1]), "the ERROR line")?;
    checks.eq(matched[0].log_stream_name.as_deref(), Some(stream), "from its stream")?;

    let missing = logs
        .get_log_events()
        .log_group_name(&group)
        .log_stream_name("no-such-stream")
        .send()
        .await
        .err()
        .ok_or("events of a missing stream")?;
    checks.eq(missing.code(), Some("ResourceNotFoundException"), "a missing stream is not found")?;
    checks.ok(
        matches!(missing.modeled::<GetLogEventsError>(), Some(GetLogEventsError::ResourceNotFoundException(_))),
        &format!("as the modeled error: {missing}"),
    )?;

    logs.delete_log_stream().log_group_name(&group).log_stream_name(stream).send().await?;
    logs.delete_log_group().log_group_name(&group).send().await?;
    let gone = logs.delete_log_group().log_group_name(&group).send().await.err().ok_or("a second delete fails")?;
    checks.ok(
        matches!(gone.modeled::<DeleteLogGroupError>(), Some(DeleteLogGroupError::ResourceNotFoundException(_))),
        &format!("deleting a deleted group is the modeled ResourceNotFoundException: {gone}"),
    )?;
    checks.ok(gone.message().is_some_and(|m| !m.is_empty()), "with a message")
}

#[test]
fn secretsmanager_versions_and_forced_delete() {
    common::run_case("secretsmanager", |endpoint, mut checks| async move {
        let outcome = secretsmanager(&endpoint, &mut checks).await;
        (checks, outcome)
    });
}

async fn secretsmanager(endpoint: &str, checks: &mut Checks) -> Outcome {
    use tucuxi_secretsmanager::errors::GetSecretValueError;
    use tucuxi_secretsmanager::types::{Filter, FilterNameStringType};
    let secrets = tucuxi_secretsmanager::Client::new(&common::session(endpoint));
    let name = unique("tucuxi/secret");
    let first = "{\"user\":\"admin\",\"password\":\"hunter2-ü\"}";
    // No client_request_token: it is an idempotency token, so the client fills one in (a UUID),
    // which Secrets Manager uses as the version id.
    let created = secrets.create_secret().name(&name).description("tucuxi e2e").secret_string(first).send().await?;
    checks.eq(created.name.as_deref(), Some(name.as_str()), "create_secret names the secret")?;
    let arn = created.arn.clone().ok_or("create_secret returns an ARN")?;
    checks.ok(arn.starts_with("arn:aws:secretsmanager:us-east-1:123456789012:secret:"), &arn)?;
    let v1 = created.version_id.clone().ok_or("a version id")?;
    checks.eq(v1.len(), 36, "the filled-in token is a UUID")?;

    let got = secrets.get_secret_value().secret_id(&name).send().await?;
    checks.eq(got.secret_string.as_deref(), Some(first), "get_secret_value returns the string")?;
    checks.eq(got.version_id.as_deref(), Some(v1.as_str()), "of the first version")?;
    checks.eq(got.version_stages.clone(), Some(vec!["AWSCURRENT".to_owned()]), "which is current")?;
    checks.ok(!format!("{got:?}").contains("hunter2"), "the secret is not in the output's Debug")?;

    let binary: Vec<u8> = vec![0, 1, 2, 253, 254, 255];
    let put = secrets.put_secret_value().secret_id(&arn).secret_binary(binary.clone()).send().await?;
    let v2 = put.version_id.clone().ok_or("put_secret_value returns a version id")?;
    checks.ok(v2 != v1, "a new version")?;
    checks.eq(put.version_stages.clone(), Some(vec!["AWSCURRENT".to_owned()]), "that becomes current")?;
    let current = secrets.get_secret_value().secret_id(&name).send().await?;
    checks.eq(current.secret_binary.map(|b| b.into_inner()), Some(binary), "the binary secret round-trips")?;
    checks.eq(current.secret_string, None, "and has no string")?;
    let previous = secrets.get_secret_value().secret_id(&name).version_stage("AWSPREVIOUS").send().await?;
    checks.eq(previous.secret_string.as_deref(), Some(first), "the first version is now AWSPREVIOUS")?;

    let listed = secrets
        .list_secrets()
        .filters(vec![Filter { key: Some(FilterNameStringType::Name), values: Some(vec![name.clone()]) }])
        .send()
        .await?
        .secret_list
        .unwrap_or_default();
    let names: Vec<Option<&str>> = listed.iter().map(|s| s.name.as_deref()).collect();
    checks.eq(names, vec![Some(name.as_str())], "list_secrets filtered by name finds it")?;

    let described = secrets.describe_secret().secret_id(&name).send().await?;
    checks.eq(described.arn.as_deref(), Some(arn.as_str()), "describe_secret has the ARN")?;
    checks.eq(described.description.as_deref(), Some("tucuxi e2e"), "and the description")?;
    let stages = described.version_ids_to_stages.unwrap_or_default();
    checks.eq(stages.get(&v2).cloned(), Some(vec!["AWSCURRENT".to_owned()]), "the new version is current")?;
    checks.eq(stages.get(&v1).cloned(), Some(vec!["AWSPREVIOUS".to_owned()]), "the old one previous")?;

    let deleted = secrets.delete_secret().secret_id(&name).force_delete_without_recovery(true).send().await?;
    checks.eq(deleted.name.as_deref(), Some(name.as_str()), "delete_secret names it")?;
    checks.ok(deleted.deletion_date.is_some(), "with a deletion date")?;
    let err = secrets.get_secret_value().secret_id(&name).send().await.err().ok_or("the secret is gone at once")?;
    checks.eq(err.code(), Some("ResourceNotFoundException"), "a force-deleted secret is not found")?;
    checks.ok(
        matches!(err.modeled::<GetSecretValueError>(), Some(GetSecretValueError::ResourceNotFoundException(_))),
        &format!("as the modeled error: {err}"),
    )?;
    checks.ok(err.message().is_some_and(|m| !m.is_empty()), "with a message")
}

/// Alarms through the same JSON protocol as the metrics case: moto 5.2.5 has no CBOR, and
/// botocore resolves JSON for CloudWatch too.
#[test]
fn cloudwatch_alarms_state_and_modeled_errors() {
    common::run_case("cloudwatch-alarms", |endpoint, mut checks| async move {
        let outcome = cloudwatch_alarms(&endpoint, &mut checks).await;
        (checks, outcome)
    });
}

async fn cloudwatch_alarms(endpoint: &str, checks: &mut Checks) -> Outcome {
    use tucuxi_cloudwatch::errors::SetAlarmStateError;
    use tucuxi_cloudwatch::types::{ComparisonOperator, Dimension, StandardUnit, StateValue, Statistic};
    let cw = tucuxi_cloudwatch::Client::new(&common::session(endpoint));
    let alarm = unique("tucuxi-alarm");
    let namespace = unique("tucuxi/alarms");
    cw.put_metric_alarm()
        .alarm_name(&alarm)
        .alarm_description("latency over 250 ms")
        .namespace(&namespace)
        .metric_name("Latency")
        .dimensions(vec![Dimension { name: "Stage".into(), value: "prod".into() }])
        .statistic(Statistic::Average)
        .period(60)
        .evaluation_periods(3)
        .datapoints_to_alarm(2)
        .threshold(250.5)
        .comparison_operator(ComparisonOperator::GreaterThanThreshold)
        .unit(StandardUnit::Milliseconds)
        .treat_missing_data("notBreaching")
        .actions_enabled(false)
        .send()
        .await?;

    let described = cw.describe_alarms().alarm_names(vec![alarm.clone()]).send().await?;
    let alarms = described.metric_alarms.unwrap_or_default();
    checks.eq(alarms.len(), 1, "describe_alarms finds the alarm by name")?;
    let found = &alarms[0];
    checks.eq(found.alarm_name.as_deref(), Some(alarm.as_str()), "its name")?;
    checks.ok(found.alarm_arn.as_ref().is_some_and(|a| a.ends_with(&format!(":alarm:{alarm}"))), "its ARN")?;
    checks.eq(found.namespace.as_deref(), Some(namespace.as_str()), "its namespace")?;
    checks.eq(found.threshold, Some(250.5), "a double threshold round-trips")?;
    checks.eq(found.comparison_operator.clone(), Some(ComparisonOperator::GreaterThanThreshold), "the operator")?;
    checks.eq(found.statistic.clone(), Some(Statistic::Average), "the statistic")?;
    checks.eq(found.unit.clone(), Some(StandardUnit::Milliseconds), "the unit")?;
    checks.eq(
        (found.period, found.evaluation_periods, found.datapoints_to_alarm),
        (Some(60), Some(3), Some(2)),
        "the periods",
    )?;
    checks.eq(found.treat_missing_data.as_deref(), Some("notBreaching"), "missing data handling")?;
    checks.eq(found.actions_enabled, Some(false), "actions disabled")?;
    let dims = found.dimensions.clone().unwrap_or_default();
    checks.ok(dims.len() == 1 && dims[0].name == "Stage" && dims[0].value == "prod", "its dimension")?;
    // AWS starts a new alarm in INSUFFICIENT_DATA; moto 5.2.5 starts it in OK.
    checks.eq(found.state_value.clone(), Some(StateValue::Ok), "a new alarm's state as moto sets it")?;

    cw.set_alarm_state()
        .alarm_name(&alarm)
        .state_value(StateValue::Alarm)
        .state_reason("forced by tucuxi")
        .state_reason_data("{\"source\":\"e2e\"}")
        .send()
        .await?;
    let alarming = cw.describe_alarms().state_value(StateValue::Alarm).alarm_name_prefix(&alarm).send().await?;
    let alarming = alarming.metric_alarms.unwrap_or_default();
    checks.eq(alarming.len(), 1, "filtering by the ALARM state finds it")?;
    checks.eq(alarming[0].state_reason.as_deref(), Some("forced by tucuxi"), "with the reason set")?;
    checks.eq(alarming[0].state_reason_data.as_deref(), Some("{\"source\":\"e2e\"}"), "and its data")?;
    // moto 5.2.5 does not implement DescribeAlarmHistory, so the history is not checked here.

    let bad = cw
        .set_alarm_state()
        .alarm_name(&alarm)
        .state_value(StateValue::Ok)
        .state_reason("bad data")
        .state_reason_data("not json")
        .send()
        .await
        .err()
        .ok_or("state reason data that is not JSON is refused")?;
    checks.ok(
        matches!(bad.modeled::<SetAlarmStateError>(), Some(SetAlarmStateError::InvalidFormatFault(_))),
        &format!("the code InvalidFormat is the modeled InvalidFormatFault: {bad}"),
    )?;

    cw.delete_alarms().alarm_names(vec![alarm.clone()]).send().await?;
    let after = cw.describe_alarms().alarm_names(vec![alarm.clone()]).send().await?;
    checks.ok(after.metric_alarms.unwrap_or_default().is_empty(), "the alarm is deleted")?;
    let missing = cw
        .set_alarm_state()
        .alarm_name(&alarm)
        .state_value(StateValue::Ok)
        .state_reason("gone")
        .send()
        .await
        .err()
        .ok_or("a deleted alarm has no state to set")?;
    checks.eq(missing.code(), Some("ResourceNotFound"), "the code")?;
    checks.ok(
        matches!(missing.modeled::<SetAlarmStateError>(), Some(SetAlarmStateError::ResourceNotFound(_))),
        &format!("as the modeled ResourceNotFound: {missing}"),
    )
}
