//! The `Stubber` through the public API only: stubbed answers for S3, DynamoDB and SQS go through
//! the real protocol codecs and response path, so outputs, modeled errors, paginators, waiters
//! and resources behave as against the service, with no network.

use std::time::Duration;

use tucuxi::{ErrorKind, Stubber};
use tucuxi_dynamodb::types as ddb;
use tucuxi_s3::client::{GetObject, HeadObject, ListObjects};
use tucuxi_s3::errors::GetObjectError;
use tucuxi_s3::types as s3t;
use tucuxi_sqs::types as sqst;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime")
}

#[test]
fn s3_success_carries_headers_and_the_streamed_body() {
    let stubber = Stubber::new();
    let output = s3t::GetObjectOutput {
        body: Some(tucuxi::ByteStream::from("hello")),
        content_type: Some("text/plain".into()),
        e_tag: Some("\"abc\"".into()),
        content_length: Some(5),
        metadata: Some([("owner".to_owned(), "me".to_owned())].into_iter().collect()),
        ..Default::default()
    };
    let expected = s3t::GetObjectRequest { bucket: "b".into(), key: "k".into(), ..Default::default() };
    stubber.add_response::<GetObject>(output, Some(expected));
    let s3 = tucuxi_s3::Client::new(&stubber.session());
    let got = runtime().block_on(async {
        let mut got = s3.get_object().bucket("b").key("k").send().await?;
        let body = got.body.take().unwrap_or_default().collect().await?;
        Ok::<_, Box<dyn std::error::Error>>((got, body))
    });
    let (got, body) = got.unwrap();
    assert_eq!(&body[..], b"hello");
    assert_eq!(got.content_type.as_deref(), Some("text/plain"));
    assert_eq!(got.e_tag.as_deref(), Some("\"abc\""));
    assert_eq!(got.content_length, Some(5));
    assert_eq!(got.metadata.as_ref().and_then(|m| m.get("owner")).map(String::as_str), Some("me"));
    stubber.assert_no_pending_responses();
}

#[test]
fn s3_modeled_error_is_typed() {
    let stubber = Stubber::new();
    stubber.add_client_error::<GetObject>(
        "NoSuchKey",
        "The specified key does not exist.",
        404,
        Some(&s3t::NoSuchKey::default()),
    );
    let s3 = tucuxi_s3::Client::new(&stubber.session());
    let err = s3.get_object().bucket("b").key("missing").send_blocking().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Service);
    assert_eq!(err.code(), Some("NoSuchKey"));
    assert_eq!(err.message(), Some("The specified key does not exist."));
    assert_eq!(err.status(), Some(404));
    assert!(matches!(err.modeled::<GetObjectError>(), Some(GetObjectError::NoSuchKey(_))), "{err:?}");
    assert!(matches!(err.modeled::<tucuxi_s3::errors::Exception>(), Some(tucuxi_s3::errors::Exception::NoSuchKey(_))));
}

#[test]
fn dynamodb_success_and_modeled_error_with_fields() {
    use tucuxi_dynamodb::client::{GetItem, PutItem};
    use tucuxi_dynamodb::errors::PutItemError;
    let stubber = Stubber::new();
    let item: tucuxi::Map<String, ddb::AttributeValue> = [
        ("id".to_owned(), ddb::AttributeValue { s: Some("1".into()), ..Default::default() }),
        ("n".to_owned(), ddb::AttributeValue { n: Some("42".into()), ..Default::default() }),
    ]
    .into_iter()
    .collect();
    stubber.add_response::<GetItem>(ddb::GetItemOutput { item: Some(item.clone()), ..Default::default() }, None);
    let fields = ddb::ConditionalCheckFailedException {
        message: Some("The conditional request failed".into()),
        item: Some(item.clone()),
    };
    stubber.add_client_error::<PutItem>("ConditionalCheckFailedException", "", 400, Some(&fields));
    let dynamodb = tucuxi_dynamodb::Client::new(&stubber.session());
    let got = dynamodb.get_item().table_name("t").send_blocking().unwrap();
    assert_eq!(got.item, Some(item.clone()));
    let err = dynamodb.put_item().table_name("t").send_blocking().unwrap_err();
    assert_eq!(err.code(), Some("ConditionalCheckFailedException"));
    assert_eq!(err.message(), Some("The conditional request failed"));
    match err.modeled::<PutItemError>() {
        Some(PutItemError::ConditionalCheckFailedException(e)) => assert_eq!(e.item, Some(item)),
        other => panic!("not the modeled error: {other:?}"),
    }
    stubber.assert_no_pending_responses();
}

#[test]
fn sqs_success_and_modeled_error() {
    use tucuxi_sqs::client::{GetQueueUrl, ListQueues};
    use tucuxi_sqs::errors::GetQueueUrlError;
    let stubber = Stubber::new();
    let urls = vec!["https://sqs.us-east-1.amazonaws.com/1/a".to_owned()];
    stubber.add_response::<ListQueues>(
        sqst::ListQueuesResult { queue_urls: Some(urls.clone()), ..Default::default() },
        None,
    );
    stubber.add_client_error::<GetQueueUrl>("QueueDoesNotExist", "The specified queue does not exist.", 400, None);
    let sqs = tucuxi_sqs::Client::new(&stubber.session());
    assert_eq!(sqs.list_queues().send_blocking().unwrap().queue_urls, Some(urls));
    let err = sqs.get_queue_url().queue_name("nope").send_blocking().unwrap_err();
    assert!(matches!(err.modeled::<GetQueueUrlError>(), Some(GetQueueUrlError::QueueDoesNotExist(_))), "{err:?}");
    assert_eq!(err.message(), Some("The specified queue does not exist."));
}

#[test]
fn a_paginator_walks_three_stubbed_pages() {
    use tucuxi_dynamodb::client::ListTables;
    let stubber = Stubber::new();
    let page = |names: &[&str], last: Option<&str>| ddb::ListTablesOutput {
        table_names: Some(names.iter().map(|n| n.to_string()).collect()),
        last_evaluated_table_name: last.map(str::to_owned),
    };
    stubber.add_response::<ListTables>(page(&["aaa", "bbb"], Some("bbb")), None);
    let second = ddb::ListTablesInput { exclusive_start_table_name: Some("bbb".into()), ..Default::default() };
    stubber.add_response::<ListTables>(page(&["ccc"], Some("ccc")), Some(second));
    stubber.add_response::<ListTables>(page(&["ddd"], None), None);
    let dynamodb = tucuxi_dynamodb::Client::new(&stubber.session());
    let names = runtime().block_on(async {
        let mut items = dynamodb.list_tables().into_paginator().items();
        let mut names = Vec::new();
        while let Some(name) = items.next_item().await {
            names.push(name?);
        }
        Ok::<_, tucuxi::Error>(names)
    });
    let names = names.unwrap();
    // Table names are 3 to 255 characters: the tokens they become pass botocore's checks.
    assert_eq!(names, ["aaa", "bbb", "ccc", "ddd"]);
    stubber.assert_no_pending_responses();
}

#[test]
fn a_waiter_succeeds_on_the_second_stubbed_answer() {
    use tucuxi_dynamodb::client::DescribeTable;
    let stubber = Stubber::new();
    // table_exists: ResourceNotFoundException means retry, TableStatus ACTIVE means success.
    stubber.add_client_error::<DescribeTable>("ResourceNotFoundException", "not yet", 400, None);
    let active = ddb::DescribeTableOutput {
        table: Some(ddb::TableDescription {
            table_name: Some("t".into()),
            table_status: Some(ddb::TableStatus::Active),
            ..Default::default()
        }),
    };
    stubber.add_response::<DescribeTable>(active, None);
    let dynamodb = tucuxi_dynamodb::Client::new(&stubber.session());
    let waited = runtime()
        .block_on(dynamodb.describe_table().table_name("t").wait_until_table_exists().delay(Duration::ZERO).wait())
        .unwrap();
    let table = waited.and_then(|o| o.table).unwrap();
    assert_eq!(table.table_status, Some(ddb::TableStatus::Active));
    stubber.assert_no_pending_responses();
}

#[test]
fn a_resource_collection_over_two_pages_and_a_lazy_attribute() {
    let stubber = Stubber::new();
    let object = |key: &str, size: i64| s3t::Object { key: Some(key.into()), size: Some(size), ..Default::default() };
    stubber.add_response::<ListObjects>(
        s3t::ListObjectsOutput {
            contents: Some(vec![object("a", 1), object("b", 2)]),
            is_truncated: Some(true),
            name: Some("bucket".into()),
            ..Default::default()
        },
        None,
    );
    // The second page is asked for after the last key, as botocore's paginator does for
    // ListObjects without NextMarker.
    let second = s3t::ListObjectsRequest { bucket: "bucket".into(), marker: Some("b".into()), ..Default::default() };
    stubber.add_response::<ListObjects>(
        s3t::ListObjectsOutput {
            contents: Some(vec![object("c", 3)]),
            is_truncated: Some(false),
            name: Some("bucket".into()),
            ..Default::default()
        },
        Some(second),
    );
    stubber
        .add_response::<HeadObject>(s3t::HeadObjectOutput { content_length: Some(1234), ..Default::default() }, None);
    let s3 = tucuxi_s3::resources::ServiceResource::new(&stubber.session());
    let bucket = s3.bucket("bucket");
    let (keys, sizes, length) = runtime()
        .block_on(async {
            let objects = bucket.objects().all().collect().await?;
            let keys: Vec<String> = objects.iter().map(|o| o.key().to_owned()).collect();
            let mut sizes = Vec::new();
            for o in &objects {
                sizes.push(o.size().await?);
            }
            // A lazy attribute: the first read loads the object with HeadObject, the second
            // reads the loaded data (no second answer is queued).
            let object = bucket.object("big");
            let length = object.content_length().await?;
            assert_eq!(object.content_length().await?, length);
            Ok::<_, tucuxi::Error>((keys, sizes, length))
        })
        .unwrap();
    assert_eq!(keys, ["a", "b", "c"]);
    assert_eq!(sizes, [Some(1), Some(2), Some(3)]);
    assert_eq!(length, Some(1234));
    stubber.assert_no_pending_responses();
}

#[test]
fn a_call_that_is_not_the_next_expected_one_names_both() {
    use tucuxi_sqs::client::{GetQueueUrl, ListQueues};
    let stubber = Stubber::new();
    stubber.add_response::<ListQueues>(Default::default(), None);
    let sqs = tucuxi_sqs::Client::new(&stubber.session());
    let err = sqs.get_queue_url().queue_name("q").send_blocking().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Interceptor);
    assert_eq!(
        err.to_string(),
        "GetQueueUrl: Stubber failed in modify_before_serialization: sqs.GetQueueUrl was called but the Stubber \
         expected sqs.ListQueues next"
    );
    // The expected answer is still queued.
    assert_eq!(stubber.pending_operations(), ["sqs.ListQueues"]);

    let wanted = sqst::GetQueueUrlRequest { queue_name: "right".into(), ..Default::default() };
    stubber.add_response::<ListQueues>(Default::default(), None);
    sqs.list_queues().send_blocking().unwrap();
    sqs.list_queues().send_blocking().unwrap();
    stubber.add_response::<GetQueueUrl>(Default::default(), Some(wanted));
    let err = sqs.get_queue_url().queue_name("wrong").send_blocking().unwrap_err();
    assert_eq!(
        err.to_string(),
        "GetQueueUrl: Stubber failed in modify_before_serialization: sqs.GetQueueUrl was called with input \
         GetQueueUrlRequest { QueueName: \"wrong\", .. } but the Stubber expected input GetQueueUrlRequest { \
         QueueName: \"right\", .. }"
    );
    let err = tucuxi_sqs::Client::new(&stubber.session()).list_queues().send_blocking().unwrap_err();
    assert!(err.to_string().contains("sqs.ListQueues was called but the Stubber expected sqs.GetQueueUrl next"));
}

#[test]
fn an_empty_stubber_refuses_calls() {
    let stubber = Stubber::new();
    let sqs = tucuxi_sqs::Client::new(&stubber.session());
    let err = sqs.list_queues().send_blocking().unwrap_err();
    assert!(err.to_string().ends_with("sqs.ListQueues was called but the Stubber has no answer queued"), "{err}");
}

#[test]
#[should_panic(expected = "the Stubber still has 1 answer(s) queued: sqs.ListQueues")]
fn pending_answers_fail_the_final_check() {
    let stubber = Stubber::new();
    stubber.add_response::<tucuxi_sqs::client::ListQueues>(Default::default(), None);
    stubber.assert_no_pending_responses();
}

#[test]
fn users_can_build_a_modeled_error() {
    let err = tucuxi::Error::modeled_for_test(404, "gone", GetObjectError::NoSuchKey(s3t::NoSuchKey::default()));
    assert_eq!(err.code(), Some("NoSuchKey"));
    assert_eq!(err.status(), Some(404));
    assert!(matches!(err.modeled::<GetObjectError>(), Some(GetObjectError::NoSuchKey(_))));
}

#[test]
fn s3_select_events_come_back_from_a_stubbed_answer() {
    use tucuxi_s3::client::SelectObjectContent;
    let stubber = Stubber::new();
    let events = [
        s3t::SelectObjectContentEventStream {
            records: Some(s3t::RecordsEvent { payload: Some(tucuxi::Blob::from(&b"id,name\n1,ada\n"[..])) }),
            ..Default::default()
        },
        s3t::SelectObjectContentEventStream {
            records: Some(s3t::RecordsEvent { payload: Some(tucuxi::Blob::from(&b"2,grace\n"[..])) }),
            ..Default::default()
        },
        s3t::SelectObjectContentEventStream {
            stats: Some(s3t::StatsEvent {
                details: Some(s3t::Stats {
                    bytes_scanned: Some(100),
                    bytes_processed: Some(100),
                    bytes_returned: Some(22),
                }),
            }),
            ..Default::default()
        },
        s3t::SelectObjectContentEventStream { end: Some(s3t::EndEvent {}), ..Default::default() },
    ];
    let output = s3t::SelectObjectContentOutput { payload: Some(tucuxi::EventStream::from_events(events.clone())) };
    stubber.add_response::<SelectObjectContent>(output, None);
    let s3 = tucuxi_s3::Client::new(&stubber.session());
    let received = runtime().block_on(async {
        let mut stream = s3
            .select_object_content()
            .bucket("logs")
            .key("data.csv")
            .expression("SELECT * FROM S3Object")
            .expression_type(s3t::ExpressionType::Sql)
            .send()
            .await?
            .payload
            .expect("an event stream");
        let mut received = Vec::new();
        while let Some(event) = stream.recv().await? {
            received.push(event);
        }
        Ok::<_, tucuxi::Error>(received)
    });
    let received = received.unwrap_or_else(|e| panic!("the stubbed select failed: {e}"));
    // The same events, each with its one member, in order: laid out as S3's frames and read back.
    assert_eq!(received, events);
    let records: Vec<u8> = received
        .iter()
        .filter_map(|e| e.records.as_ref()?.payload.as_ref())
        .flat_map(|b| b.as_ref().to_vec())
        .collect();
    assert_eq!(records, b"id,name\n1,ada\n2,grace\n");
    stubber.assert_no_pending_responses();
}

#[test]
fn kinesis_events_and_an_exception_from_a_stubbed_answer_blocking() {
    use tucuxi_kinesis::client::SubscribeToShard;
    use tucuxi_kinesis::types as kt;
    let stubber = Stubber::new();
    let record = kt::Record {
        sequence_number: "1".into(),
        data: tucuxi::Blob::from(&b"hello"[..]),
        partition_key: Some("pk".into()),
        approximate_arrival_timestamp: Some(tucuxi::DateTime::from_secs(1_422_172_800)),
        ..Default::default()
    };
    let shard_event = kt::SubscribeToShardEvent {
        records: vec![record],
        continuation_sequence_number: "2".into(),
        millis_behind_latest: 7,
        ..Default::default()
    };
    let events = [
        kt::SubscribeToShardEventStream { subscribe_to_shard_event: Some(shard_event.clone()), ..Default::default() },
        kt::SubscribeToShardEventStream {
            resource_not_found_exception: Some(kt::ResourceNotFoundException { message: Some("shard gone".into()) }),
            ..Default::default()
        },
    ];
    let output = kt::SubscribeToShardOutput { event_stream: tucuxi::EventStream::from_events(events) };
    stubber.add_response::<SubscribeToShard>(output, None);
    let kinesis = tucuxi_kinesis::Client::new(&stubber.session());
    let output = kinesis
        .subscribe_to_shard()
        .consumer_arn("arn:aws:kinesis:us-east-1:123456789012:stream/s/consumer/c:1")
        .shard_id("shardId-000000000000")
        .starting_position(kt::StartingPosition { type_: kt::ShardIteratorType::Latest, ..Default::default() })
        .send_blocking()
        .unwrap_or_else(|e| panic!("the stubbed subscribe failed: {e}"));
    let mut events = output.event_stream.into_blocking_iter();
    let first = events.next().expect("an event").expect("the shard event");
    assert_eq!(first.subscribe_to_shard_event.as_ref(), Some(&shard_event));
    let e = events.next().expect("the exception").unwrap_err();
    assert_eq!((e.code(), e.message()), (Some("ResourceNotFoundException"), Some("shard gone")));
    let modeled = e.modeled::<kt::SubscribeToShardEventStream>().expect("typed");
    assert!(modeled.resource_not_found_exception.is_some());
    assert!(events.next().is_none());
    stubber.assert_no_pending_responses();
}

#[test]
fn a_stream_built_from_events_reads_them_back_without_a_stubber() {
    let events = vec![
        s3t::SelectObjectContentEventStream { cont: Some(s3t::ContinuationEvent {}), ..Default::default() },
        s3t::SelectObjectContentEventStream { end: Some(s3t::EndEvent {}), ..Default::default() },
    ];
    let mut stream = tucuxi::EventStream::from_events(events.clone());
    let mut received = Vec::new();
    while let Some(event) = stream.recv_blocking().unwrap() {
        received.push(event);
    }
    assert_eq!(received, events);
    // An event with no member set names no kind of event: a clear error, not a silent skip.
    let mut empty = tucuxi::EventStream::from_events([s3t::SelectObjectContentEventStream::default()]);
    let e = empty.recv_blocking().unwrap_err();
    assert!(e.to_string().contains("no member set"), "{e}");
}

#[test]
fn lambda_response_stream_keeps_its_header_members_beside_the_events() {
    use tucuxi_lambda::client::InvokeWithResponseStream;
    use tucuxi_lambda::types as lt;
    let stubber = Stubber::new();
    let chunk = |bytes: &[u8]| lt::InvokeWithResponseStreamResponseEvent {
        payload_chunk: Some(lt::InvokeResponseStreamUpdate { payload: Some(tucuxi::Blob::from(bytes.to_vec())) }),
        ..Default::default()
    };
    let complete = lt::InvokeWithResponseStreamResponseEvent {
        invoke_complete: Some(lt::InvokeWithResponseStreamCompleteEvent {
            log_result: Some("bG9n".into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    let events = vec![chunk(b"hel"), chunk(b"lo"), complete];
    let output = lt::InvokeWithResponseStreamResponse {
        status_code: Some(200),
        executed_version: Some("$LATEST".into()),
        response_stream_content_type: Some("application/octet-stream".into()),
        event_stream: Some(tucuxi::EventStream::from_events(events.clone())),
    };
    stubber.add_response::<InvokeWithResponseStream>(output, None);
    let lambda = tucuxi_lambda::Client::new(&stubber.session());
    let mut output = lambda
        .invoke_with_response_stream()
        .function_name("f")
        .send_blocking()
        .unwrap_or_else(|e| panic!("the stubbed invoke failed: {e}"));
    assert_eq!(output.status_code, Some(200));
    assert_eq!(output.executed_version.as_deref(), Some("$LATEST"));
    assert_eq!(output.response_stream_content_type.as_deref(), Some("application/octet-stream"));
    let received: Vec<_> =
        output.event_stream.take().expect("a stream").into_blocking_iter().collect::<Result<_, _>>().unwrap();
    assert_eq!(received, events);
    stubber.assert_no_pending_responses();
}

/// `send()` returns one named, sendable future that owns its call (`rt::CallFuture`): it can be
/// stored, and spawned as a task, and the task answers as the awaited call would.
#[test]
fn send_futures_are_owned_tasks() {
    let stubber = Stubber::new();
    let output = s3t::HeadObjectOutput { content_length: Some(7), ..Default::default() };
    stubber.add_response::<HeadObject>(output, None);
    let s3 = tucuxi_s3::Client::new(&stubber.session());
    let pending: tucuxi::client::CallFuture<_> = s3.head_object().bucket("b").key("k").send();
    drop(s3);
    let got = runtime().block_on(async { tokio::spawn(pending).await.expect("the task runs") });
    assert_eq!(got.expect("the stubbed answer").content_length, Some(7));
    stubber.assert_no_pending_responses();
}
