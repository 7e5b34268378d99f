//! Event-stream responses through generated clients, over a loopback HTTP server: S3
//! `SelectObjectContent` (rest-xml, the stream as the payload) and Kinesis `SubscribeToShard`
//! (`json`, with an `initial-response` message), async and blocking.
//!
//! The server sends the body with chunked encoding and holds back the end of the stream until
//! the test has received its first event, so a pass shows events are read as they arrive.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::thread;

use tucuxi::credentials::Credentials;
use tucuxi::event_stream::{HeaderValue, Message};
use tucuxi::{ErrorKind, Session};
use tucuxi_s3::types::SelectObjectContentEventStream;

fn message(kind: &str, content_type: Option<&str>, payload: &[u8]) -> Vec<u8> {
    let mut headers = vec![
        (":message-type".to_owned(), HeaderValue::String("event".into())),
        (":event-type".to_owned(), HeaderValue::String(kind.into())),
    ];
    if let Some(ct) = content_type {
        headers.push((":content-type".to_owned(), HeaderValue::String(ct.into())));
    }
    Message { headers, payload: payload.to_vec().into() }.encode()
}

fn exception(kind: &str, payload: &[u8]) -> Vec<u8> {
    let headers = vec![
        (":message-type".to_owned(), HeaderValue::String("exception".into())),
        (":exception-type".to_owned(), HeaderValue::String(kind.into())),
    ];
    Message { headers, payload: payload.to_vec().into() }.encode()
}

/// Answers one request with `first`, then waits for `go` before sending `rest` and ending the
/// body; returns the endpoint URL.
fn serve(first: Vec<u8>, rest: Vec<u8>, go: mpsc::Receiver<()>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let url = format!("http://{}", listener.local_addr().expect("an address"));
    thread::spawn(move || {
        let Ok((mut stream, _)) = listener.accept() else { return };
        let mut buf = [0u8; 65536];
        // One read is enough for the small requests these tests send.
        let _ = stream.read(&mut buf);
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/vnd.amazon.eventstream\r\n\
                    transfer-encoding: chunked\r\nx-amz-request-id: REQ123\r\nconnection: close\r\n\r\n";
        let chunk = |s: &mut std::net::TcpStream, data: &[u8]| {
            let _ = write!(s, "{:x}\r\n", data.len());
            let _ = s.write_all(data);
            let _ = s.write_all(b"\r\n");
            let _ = s.flush();
        };
        let _ = stream.write_all(head.as_bytes());
        chunk(&mut stream, &first);
        let _ = go.recv();
        // The rest in two pieces, the cut inside a message.
        let (a, b) = rest.split_at(rest.len() / 2);
        for piece in [a, b] {
            if !piece.is_empty() {
                chunk(&mut stream, piece);
            }
        }
        let _ = stream.write_all(b"0\r\n\r\n");
    });
    url
}

fn session(endpoint: &str) -> Session {
    Session::builder()
        .region("us-east-1")
        .endpoint_url(endpoint)
        .credentials(Credentials::new("AKIDTEST", "secret-never-printed"))
        .build()
        .expect("a session")
}

fn select_stream() -> (Vec<u8>, Vec<u8>) {
    let first = message("Records", Some("application/octet-stream"), b"id,name\n1,ada\n");
    let stats = b"<Stats xmlns=\"\"><BytesScanned>100</BytesScanned><BytesProcessed>100</BytesProcessed>\
                  <BytesReturned>14</BytesReturned></Stats>";
    let rest = [
        message("Records", Some("application/octet-stream"), b"2,grace\n"),
        message("Cont", None, b""),
        message("Stats", Some("text/xml"), stats),
        message("End", None, b""),
    ]
    .concat();
    (first, rest)
}

fn select(client: &tucuxi_s3::Client) -> tucuxi_s3::client::SelectObjectContent {
    client
        .select_object_content()
        .bucket("bucket")
        .key("data.csv")
        .expression("SELECT * FROM S3Object")
        .expression_type(tucuxi_s3::types::ExpressionType::Sql)
}

/// Checks the events of `select_stream` as received.
fn check_select_events(events: &[SelectObjectContentEventStream]) {
    assert_eq!(events.len(), 5, "{events:?}");
    let records: Vec<u8> =
        events.iter().filter_map(|e| e.records.as_ref()?.payload.as_ref()).flat_map(|b| b.as_ref().to_vec()).collect();
    assert_eq!(records, b"id,name\n1,ada\n2,grace\n");
    assert!(events[2].cont.is_some());
    let stats = events[3].stats.as_ref().and_then(|s| s.details.as_ref()).expect("stats details");
    assert_eq!((stats.bytes_scanned, stats.bytes_returned), (Some(100), Some(14)));
    assert!(events[4].end.is_some());
    // Exactly one member is set per event.
    for e in events {
        let set = [e.records.is_some(), e.stats.is_some(), e.progress.is_some(), e.cont.is_some(), e.end.is_some()];
        assert_eq!(set.iter().filter(|s| **s).count(), 1, "{e:?}");
    }
}

#[test]
fn s3_select_streams_events_async() {
    let (first, rest) = select_stream();
    let (go, wait) = mpsc::channel();
    let client = tucuxi_s3::Client::new(&session(&serve(first, rest, wait)));
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let output = select(&client).send().await.expect("the call succeeds");
        let mut payload = output.payload.expect("an event stream");
        let mut events = vec![payload.recv().await.unwrap().expect("a first event")];
        // Only now does the server send the rest: the first event came before the body ended.
        go.send(()).unwrap();
        while let Some(event) = payload.recv().await.unwrap() {
            events.push(event);
        }
        check_select_events(&events);
        assert!(payload.recv().await.unwrap().is_none());
    });
}

#[test]
fn s3_select_streams_events_blocking() {
    let (first, rest) = select_stream();
    let (go, wait) = mpsc::channel();
    let client = tucuxi_s3::Client::new(&session(&serve(first, rest, wait)));
    let output = select(&client).send_blocking().expect("the call succeeds");
    let mut payload = output.payload.expect("an event stream");
    let text = format!("{payload:?}");
    assert!(!text.contains("ada"), "debug shows no payload: {text}");
    let first = payload.recv_blocking().unwrap().expect("a first event");
    go.send(()).unwrap();
    let mut events = vec![first];
    events.extend(payload.into_blocking_iter().map(Result::unwrap));
    check_select_events(&events);
}

#[test]
fn an_exception_in_the_stream_is_a_service_error() {
    let first = message("Records", Some("application/octet-stream"), b"1\n");
    let rest = exception("InternalError", b"<Error><Code>InternalError</Code><Message>went wrong</Message></Error>");
    let (go, wait) = mpsc::channel();
    let client = tucuxi_s3::Client::new(&session(&serve(first, rest, wait)));
    let mut payload = select(&client).send_blocking().unwrap().payload.unwrap();
    assert!(payload.recv_blocking().unwrap().unwrap().records.is_some());
    go.send(()).unwrap();
    let e = payload.recv_blocking().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Service);
    assert_eq!(e.code(), Some("InternalError"));
    assert_eq!(e.message(), Some("went wrong"));
    assert_eq!(e.request_id(), Some("REQ123"));
    assert_eq!(e.operation(), Some("SelectObjectContent"));
    assert!(payload.recv_blocking().unwrap().is_none());
}

#[test]
fn kinesis_subscribe_to_shard_reads_the_initial_response_then_events() {
    let first = message("initial-response", Some("application/json"), b"{}");
    let event = br#"{"Records": [{"SequenceNumber": "1", "Data": "aGVsbG8=", "PartitionKey": "pk",
        "ApproximateArrivalTimestamp": 1422172800}], "ContinuationSequenceNumber": "2", "MillisBehindLatest": 0}"#;
    let rest = [
        message("SubscribeToShardEvent", Some("application/json"), event),
        exception("ResourceNotFoundException", br#"{"message": "shard gone"}"#),
    ]
    .concat();
    let (go, wait) = mpsc::channel();
    go.send(()).unwrap();
    let client = tucuxi_kinesis::Client::new(&session(&serve(first, rest, wait)));
    let output = client
        .subscribe_to_shard()
        .consumer_arn("arn:aws:kinesis:us-east-1:123456789012:stream/s/consumer/c:1")
        .shard_id("shardId-000000000000")
        .starting_position(tucuxi_kinesis::types::StartingPosition {
            type_: tucuxi_kinesis::types::ShardIteratorType::Latest,
            ..Default::default()
        })
        .send_blocking()
        .expect("the call succeeds");
    let mut stream = output.event_stream;
    let event = stream.recv_blocking().unwrap().expect("an event");
    let records = &event.subscribe_to_shard_event.as_ref().expect("the shard event").records;
    assert_eq!(records[0].data.as_ref(), b"hello");
    assert_eq!(records[0].partition_key.as_deref(), Some("pk"));
    let e = stream.recv_blocking().unwrap_err();
    assert_eq!((e.code(), e.message()), (Some("ResourceNotFoundException"), Some("shard gone")));
    let modeled = e.modeled::<tucuxi_kinesis::types::SubscribeToShardEventStream>().expect("typed");
    assert!(modeled.resource_not_found_exception.is_some());
}

#[test]
fn input_event_streams_are_refused_with_an_error_naming_the_operation() {
    // Nothing listens here: the call must fail before it sends anything.
    let client = tucuxi_kitchensink::Client::new(&session("http://127.0.0.1:9"));
    let e = client.watch_things().bucket("b").changes(tucuxi::EventStream::default()).send_blocking().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
    assert_eq!(e.operation(), Some("WatchThings"));
    assert!(e.to_string().contains("WatchThings sends an event stream"), "{e}");
}
