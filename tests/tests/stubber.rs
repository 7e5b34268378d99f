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
