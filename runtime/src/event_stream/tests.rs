//! Messages decoded into event-stream values through the schemas: payload and header members,
//! whole-payload events, unknown events, exceptions, errors and broken streams.

use core::pin::Pin;
use core::task::{Context, Poll};
use std::collections::VecDeque;
use std::future::Future;

use bytes::Bytes;

use super::{EventStream, HeaderValue, Message};
use crate::codegen::{m, ErrorTraits, Schema, BLOB, BOOLEAN, EVENT, EVENT_HEADER, EVENT_PAYLOAD, INTEGER, LONG};
use crate::codegen::{STRING, TIMESTAMP};
use crate::schema::Protocol;
use crate::stream::ByteStream;
use crate::{Blob, DateTime, ErrorKind};

#[derive(Clone, Default, PartialEq)]
struct RecordsEvent {
    payload: Option<Blob>,
}
crate::structure!(RecordsEvent, RECORDS, 0 => payload);
static RECORDS: Schema = Schema::structure("RecordsEvent", &[m("Payload", &BLOB).flags(EVENT_PAYLOAD)]).flags(EVENT);

#[derive(Clone, Default, PartialEq)]
struct Stats {
    bytes_scanned: Option<i64>,
}
crate::structure!(Stats, STATS, 0 => bytes_scanned);
static STATS: Schema = Schema::structure("Stats", &[m("BytesScanned", &LONG)]);

#[derive(Clone, Default, PartialEq)]
struct StatsEvent {
    details: Option<Stats>,
}
crate::structure!(StatsEvent, STATS_EVENT, 0 => details);
static STATS_EVENT: Schema = Schema::structure("StatsEvent", &[m("Details", &STATS).flags(EVENT_PAYLOAD)]).flags(EVENT);

/// Header members, plus body members read from the whole payload (no `eventpayload` member).
#[derive(Clone, Default, PartialEq)]
struct MixedEvent {
    flag: Option<bool>,
    count: Option<i32>,
    when: Option<DateTime>,
    raw: Option<Blob>,
    text: Option<String>,
}
crate::structure!(MixedEvent, MIXED, 0 => flag, 1 => count, 2 => when, 3 => raw, 4 => text);
static MIXED: Schema = Schema::structure(
    "MixedEvent",
    &[
        m("Flag", &BOOLEAN).flags(EVENT_HEADER),
        m("Count", &INTEGER).flags(EVENT_HEADER),
        m("When", &TIMESTAMP).flags(EVENT_HEADER),
        m("Raw", &BLOB).flags(EVENT_HEADER),
        m("Text", &STRING),
    ],
)
.flags(EVENT);

#[derive(Clone, Default, PartialEq)]
struct EndEvent {}
crate::structure!(EndEvent, END);
static END: Schema = Schema::structure("EndEvent", &[]).flags(EVENT);

#[derive(Clone, Default, PartialEq)]
struct BoomException {
    message: Option<String>,
}
crate::structure!(BoomException, BOOM, 0 => message);
static BOOM: Schema = Schema::structure("BoomException", &[m("Message", &STRING)]).error(&ErrorTraits::new(400, false));

#[derive(Clone, Default, PartialEq)]
struct Events {
    records: Option<RecordsEvent>,
    stats: Option<StatsEvent>,
    mixed: Option<MixedEvent>,
    end: Option<EndEvent>,
    boom: Option<BoomException>,
}
crate::structure!(Events, EVENTS, 0 => records, 1 => stats, 2 => mixed, 3 => end, 4 => boom);
static EVENTS: Schema = Schema::structure(
    "Events",
    &[m("Records", &RECORDS), m("Stats", &STATS_EVENT), m("Mixed", &MIXED), m("End", &END), m("Boom", &BOOM)],
);

/// Runs a future that never waits: every body here is in memory or a stream that is always ready.
fn now<F: Future>(future: F) -> F::Output {
    let mut future = core::pin::pin!(future);
    match future.as_mut().poll(&mut Context::from_waker(std::task::Waker::noop())) {
        Poll::Ready(out) => out,
        Poll::Pending => panic!("the future waited"),
    }
}

fn event(kind: &str, headers: Vec<(&str, HeaderValue)>, payload: &[u8]) -> Vec<u8> {
    let mut all = vec![
        (":message-type".to_owned(), HeaderValue::String("event".into())),
        (":event-type".to_owned(), HeaderValue::String(kind.into())),
    ];
    all.extend(headers.into_iter().map(|(n, v)| (n.to_owned(), v)));
    Message { headers: all, payload: Bytes::copy_from_slice(payload) }.encode()
}

fn exception(kind: &str, payload: &[u8]) -> Vec<u8> {
    let headers = vec![
        (":message-type".to_owned(), HeaderValue::String("exception".into())),
        (":exception-type".to_owned(), HeaderValue::String(kind.into())),
    ];
    Message { headers, payload: Bytes::copy_from_slice(payload) }.encode()
}

fn stream(protocol: Protocol, messages: &[Vec<u8>]) -> EventStream<Events> {
    EventStream::from_body(protocol, "SelectObjectContent", ByteStream::from(messages.concat()))
}

fn drain(stream: &mut EventStream<Events>) -> Vec<Events> {
    let mut out = Vec::new();
    while let Some(e) = now(stream.recv()).unwrap() {
        out.push(e);
    }
    out
}

#[test]
fn xml_events_decode_through_the_schemas() {
    let messages = [
        event("Records", vec![], b"a,b\n1,2\n"),
        event("Stats", vec![], b"<Stats><BytesScanned>42</BytesScanned></Stats>"),
        event("End", vec![], b""),
    ];
    let events = drain(&mut stream(Protocol::RestXml, &messages));
    assert_eq!(events.len(), 3);
    assert_eq!(events[0].records.as_ref().unwrap().payload.as_ref().unwrap().as_ref(), b"a,b\n1,2\n");
    assert!(events[0].stats.is_none() && events[0].end.is_none());
    assert_eq!(events[1].stats.as_ref().unwrap().details.as_ref().unwrap().bytes_scanned, Some(42));
    assert!(events[2].end.is_some() && events[2].records.is_none());
}

#[test]
fn headers_and_whole_payload_events() {
    let headers = vec![
        ("Flag", HeaderValue::Bool(true)),
        ("Count", HeaderValue::Int(7)),
        ("When", HeaderValue::Timestamp(1_422_172_800_000)),
        ("Raw", HeaderValue::Bytes(Bytes::from_static(b"xyz"))),
    ];
    let messages = [event("Mixed", headers, br#"{"Text": "hello"}"#)];
    let events = drain(&mut stream(Protocol::RestJson, &messages));
    let mixed = events[0].mixed.as_ref().unwrap();
    assert_eq!(mixed.flag, Some(true));
    assert_eq!(mixed.count, Some(7));
    assert_eq!(mixed.when, Some(DateTime::from_secs(1_422_172_800)));
    assert_eq!(mixed.raw.as_ref().unwrap().as_ref(), b"xyz");
    assert_eq!(mixed.text.as_deref(), Some("hello"));
}

#[test]
fn a_header_of_the_wrong_type_is_a_response_error() {
    let messages = [event("Mixed", vec![("Count", HeaderValue::String("seven".into()))], b"")];
    let e = now(stream(Protocol::RestJson, &messages).recv()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Response);
    assert!(e.to_string().contains("Count"), "{e}");
}

#[test]
fn unknown_events_are_skipped() {
    let messages = [event("NewKind", vec![], b"{}"), event("End", vec![], b"")];
    let events = drain(&mut stream(Protocol::RestJson, &messages));
    assert_eq!(events.len(), 1);
    assert!(events[0].end.is_some());
}

#[test]
fn a_modeled_exception_ends_the_stream_with_a_typed_service_error() {
    let messages =
        [event("End", vec![], b""), exception("Boom", br#"{"Message": "it broke"}"#), event("End", vec![], b"")];
    let mut s = stream(Protocol::RestJson, &messages);
    assert!(now(s.recv()).unwrap().is_some());
    let e = now(s.recv()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Service);
    assert_eq!(e.code(), Some("Boom"));
    assert_eq!(e.message(), Some("it broke"));
    assert_eq!(e.operation(), Some("SelectObjectContent"));
    let modeled = e.modeled::<Events>().unwrap();
    assert_eq!(modeled.boom.as_ref().unwrap().message.as_deref(), Some("it broke"));
    // The stream is over after the exception.
    assert!(now(s.recv()).unwrap().is_none());
}

#[test]
fn unmodeled_exceptions_and_errors_keep_code_and_message() {
    let json = [exception("Throttled", br#"{"message": "slow down"}"#)];
    let e = now(stream(Protocol::Json, &json).recv()).unwrap_err();
    assert_eq!((e.code(), e.message()), (Some("Throttled"), Some("slow down")));
    assert!(e.modeled::<Events>().is_none());

    let xml = [exception("Throttled", b"<Throttled><Message>slow down</Message></Throttled>")];
    let e = now(stream(Protocol::RestXml, &xml).recv()).unwrap_err();
    assert_eq!((e.code(), e.message()), (Some("Throttled"), Some("slow down")));

    let headers = vec![
        (":message-type".to_owned(), HeaderValue::String("error".into())),
        (":error-code".to_owned(), HeaderValue::String("InternalError".into())),
        (":error-message".to_owned(), HeaderValue::String("try again".into())),
    ];
    let error = [Message { headers, payload: Bytes::new() }.encode()];
    let e = now(stream(Protocol::RestXml, &error).recv()).unwrap_err();
    assert_eq!((e.kind(), e.code(), e.message()), (ErrorKind::Service, Some("InternalError"), Some("try again")));
}

#[test]
fn broken_streams_are_response_errors_and_end_the_stream() {
    let good = event("End", vec![], b"");
    let truncated = [good.clone(), good[..good.len() - 1].to_vec()];
    let mut s = stream(Protocol::RestXml, &truncated);
    assert!(now(s.recv()).unwrap().is_some());
    let e = now(s.recv()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Response);
    assert!(e.to_string().contains("ended inside a message"), "{e}");
    assert!(now(s.recv()).unwrap().is_none());

    let mut corrupt = good.clone();
    corrupt[20] ^= 1;
    let e = now(stream(Protocol::RestXml, &[corrupt]).recv()).unwrap_err();
    assert!(e.to_string().contains("checksum"), "{e}");

    let bad_xml = [event("Stats", vec![], b"<Stats><BytesScanned>many</BytesScanned></Stats>")];
    let e = now(stream(Protocol::RestXml, &bad_xml).recv()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Response);
}

#[test]
fn empty_and_default_streams_have_no_events() {
    assert!(drain(&mut stream(Protocol::RestXml, &[])).is_empty());
    assert!(now(EventStream::<Events>::default().recv()).unwrap().is_none());
}

/// A body that arrives three bytes at a time, as a slow network would deliver it.
struct Trickle(VecDeque<Bytes>);

impl futures_core::Stream for Trickle {
    type Item = Result<Bytes, std::io::Error>;
    fn poll_next(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Poll::Ready(self.get_mut().0.pop_front().map(Ok))
    }
}

#[test]
fn a_body_in_small_chunks_decodes_the_same() {
    let bytes = [event("Records", vec![], b"0123456789"), event("End", vec![], b"")].concat();
    let chunks = bytes.chunks(3).map(Bytes::copy_from_slice).collect();
    let body = ByteStream::from_stream(Trickle(chunks));
    let mut s = EventStream::<Events>::from_body(Protocol::RestXml, "SelectObjectContent", body);
    let events = drain(&mut s);
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].records.as_ref().unwrap().payload.as_ref().unwrap().as_ref(), b"0123456789");
}

#[test]
fn blocking_reads_and_iterates() {
    let messages = [event("Records", vec![], b"r"), event("End", vec![], b"")];
    let mut s = stream(Protocol::RestXml, &messages);
    assert!(s.recv_blocking().unwrap().unwrap().records.is_some());
    let rest: Vec<Events> = s.into_blocking_iter().collect::<Result<_, _>>().unwrap();
    assert_eq!(rest.len(), 1);
    assert!(rest[0].end.is_some());
}

#[test]
fn blocking_inside_a_runtime_fails_and_keeps_the_stream() {
    let messages = [event("End", vec![], b"")];
    let mut s = stream(Protocol::RestXml, &messages);
    let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let e = rt.block_on(async { s.recv_blocking().unwrap_err() });
    assert!(e.to_string().contains("`recv().await`"), "{e}");
    assert!(s.recv_blocking().unwrap().unwrap().end.is_some());
}

#[test]
fn debug_shows_state_not_events() {
    let messages = [event("Records", vec![], b"secret-data")];
    let s = stream(Protocol::RestXml, &messages);
    let text = format!("{s:?}");
    assert!(text.contains("open: true") && !text.contains("secret"), "{text}");
    fn send_sync<T: Send + Sync>() {}
    send_sync::<EventStream<Events>>();
}

/// Well-framed messages with random types, event names, headers and payloads, decoded by every
/// protocol: errors are fine, panics are not.
#[test]
fn random_well_framed_messages_never_panic() {
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let kinds = ["event", "exception", "error", "other"];
    let names = ["Records", "Stats", "Mixed", "End", "Boom", "Unknown", ""];
    let payloads: [&[u8]; 8] = [
        b"",
        b"{}",
        b"{\"Text\": 5}",
        b"<Stats><BytesScanned>x</BytesScanned></Stats>",
        b"<Stats><BytesScanned>1",
        b"\xa1\x64Text\x63abc",
        b"\xff\xfe",
        b"[1, 2",
    ];
    let values = || {
        vec![
            HeaderValue::Bool(true),
            HeaderValue::Int(-1),
            HeaderValue::Long(i64::MAX),
            HeaderValue::Byte(1),
            HeaderValue::String("x".into()),
            HeaderValue::Bytes(Bytes::from_static(b"b")),
            HeaderValue::Timestamp(i64::MIN),
            HeaderValue::Uuid([7; 16]),
        ]
    };
    for _ in 0..2_000 {
        let mut messages = Vec::new();
        for _ in 0..1 + next() % 4 {
            let pick = |n: u64, len: usize| (n % len as u64) as usize;
            let kind = kinds[pick(next(), kinds.len())];
            let name = names[pick(next(), names.len())];
            let mut headers = vec![
                (":message-type".to_owned(), HeaderValue::String(kind.into())),
                (":event-type".to_owned(), HeaderValue::String(name.into())),
                (":exception-type".to_owned(), HeaderValue::String(name.into())),
            ];
            for header in ["Flag", "Count", "When", "Raw"] {
                if next() % 2 == 0 {
                    let all = values();
                    headers.push((header.to_owned(), all[pick(next(), all.len())].clone()));
                }
            }
            let payload = payloads[pick(next(), payloads.len())];
            messages.push(Message { headers, payload: Bytes::copy_from_slice(payload) }.encode());
        }
        for protocol in [Protocol::RestXml, Protocol::RestJson, Protocol::Json, Protocol::RpcV2Cbor] {
            let mut s = stream(protocol, &messages);
            while let Ok(Some(event)) = now(s.recv()) {
                let _ = format!("{event:?}");
            }
        }
    }
}

/// Events laid out by `encode_events` (the Stubber's and `from_events`' encoder) decode to the
/// same values in every protocol: header members, payload members, whole-payload events, empty
/// events, and a modeled exception that ends the stream.
#[test]
fn encoded_events_read_back_in_every_protocol() {
    let mixed = MixedEvent {
        flag: Some(true),
        count: Some(-7),
        when: Some(DateTime::from_millis(1_700_000_000_123)),
        raw: Some(Blob::from(&b"\x00\x01"[..])),
        text: Some("whole payload".into()),
    };
    let events = vec![
        Events { records: Some(RecordsEvent { payload: Some(Blob::from(&b"1,2\n"[..])) }), ..Events::default() },
        Events { stats: Some(StatsEvent { details: Some(Stats { bytes_scanned: Some(42) }) }), ..Events::default() },
        Events { mixed: Some(mixed), ..Events::default() },
        Events { end: Some(EndEvent {}), ..Events::default() },
    ];
    let boom = Events { boom: Some(BoomException { message: Some("it broke".into()) }), ..Events::default() };
    for protocol in [Protocol::RestXml, Protocol::RestJson, Protocol::Json, Protocol::RpcV2Cbor] {
        let boxed: Vec<Box<dyn crate::shape::Shape>> =
            events.iter().chain([&boom]).map(|e| Box::new(e.clone()) as Box<dyn crate::shape::Shape>).collect();
        let body = super::encode_events(crate::protocol::Codec::of(protocol), &boxed).unwrap();
        let mut read = stream(protocol, &[body]);
        for want in &events {
            assert!(now(read.recv()).unwrap().as_ref() == Some(want), "{protocol:?}");
        }
        let error = now(read.recv()).unwrap_err();
        assert_eq!((error.code(), error.message()), (Some("Boom"), Some("it broke")), "{protocol:?}");
        assert!(error.modeled::<Events>().and_then(|e| e.boom.as_ref()).is_some(), "{protocol:?}");
    }
}

#[test]
fn a_stream_from_events_reads_them_and_an_empty_event_is_an_error() {
    let events = vec![Events { end: Some(EndEvent {}), ..Events::default() }];
    let mut read = EventStream::from_events(events.clone());
    assert!(read.receiver_mut().is_open());
    assert!(format!("{read:?}").contains("queued"));
    assert_eq!(drain(&mut read).len(), 1);
    assert!(!read.receiver_mut().is_open());
    let mut empty = EventStream::from_events([Events::default()]);
    let error = now(empty.recv()).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Response);
    assert!(error.to_string().contains("no member set"), "{error}");
}
