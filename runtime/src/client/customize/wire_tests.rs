//! CloudSearch Domain's `Search` as a POST, Polly's presigned `SynthesizeSpeech` and Bedrock
//! AgentCore's millisecond timestamps, through clients of small hand-written services named as
//! botocore names them, with a recording transport and a frozen clock. The expected values are
//! botocore 1.44.18's own: `/work/main/target/moto-venv/bin/python` made the same calls (the
//! parameters given in the model's member order, the order tucuxi lays them out in) with
//! credentials `AKIDEXAMPLE` / `wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY`, region `us-east-1`,
//! `botocore.auth.get_current_datetime` and `botocore.signers.get_current_datetime` patched to
//! 2015-08-30T12:36:00Z, and a `before-send` handler that recorded the prepared request.

use std::sync::{Arc, Mutex};
use std::time::{Duration, UNIX_EPOCH};

use http::{Request, Response};

use crate::client::{Call, ClientHandle, Rules};
use crate::config::{Env, Fs};
use crate::credentials::Credentials;
use crate::http::{SdkBody, TransportFuture};
use crate::protocol::NoErrors;
use crate::schema::{flags, prim, Location, Member, Operation, Protocol, Schema, Service};
use crate::types::{DateTime, TimestampFormat};
use crate::{ByteStream, ManualClock, Session};

/// 2015-08-30T12:36:00Z.
const FROZEN: u64 = 1_440_938_160;

type Recorded = Arc<Mutex<Vec<Request<SdkBody>>>>;

/// A session in `us-east-1` with fixed credentials and clock whose transport records every
/// request and answers `{}`.
fn session() -> (Session, Recorded) {
    let seen: Recorded = Arc::default();
    let keep = seen.clone();
    let transport = move |request: Request<SdkBody>| -> TransportFuture {
        keep.lock().unwrap().push(request);
        Box::pin(async move { Ok(Response::builder().status(200).body(ByteStream::from("{}")).unwrap()) })
    };
    let session = Session::builder()
        .env_and_fs(Env::from_pairs(Vec::<(String, String)>::new()), Fs::from_files(Vec::<(String, String)>::new()))
        .region("us-east-1")
        .credentials(Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY").with_provider("test"))
        .clock(ManualClock::new(UNIX_EPOCH + Duration::from_secs(FROZEN)))
        .http(transport)
        .build()
        .unwrap();
    (session, seen)
}

/// A presigned URL's address followed by its operation parameters in order, and its `X-Amz-*`
/// parameters sorted: botocore writes `X-Amz-Expires` before `X-Amz-SignedHeaders`, tucuxi's
/// signer after, and the signature does not depend on that order.
fn url_parts(url: &str) -> (Vec<&str>, Vec<&str>) {
    let (address, query) = url.split_once('?').unwrap();
    let (mut auth, params): (Vec<&str>, Vec<&str>) = query.split('&').partition(|p| p.starts_with("X-Amz-"));
    auth.sort_unstable();
    (std::iter::once(address).chain(params).collect(), auth)
}

fn body_text(request: &Request<SdkBody>) -> String {
    String::from_utf8(request.body().as_bytes().unwrap().to_vec()).unwrap()
}

const fn rest_json(
    name: &'static str,
    service_id: &'static str,
    prefix: &'static str,
    signing: &'static str,
) -> Service {
    Service {
        name,
        service_id,
        full_name: "",
        api_version: "",
        endpoint_prefix: prefix,
        signing_name: signing,
        protocol: Protocol::RestJson,
        codec: crate::protocol::Codec::of(Protocol::RestJson),
        handlers: crate::client::Handlers::of(name),
        protocols: &[Protocol::RestJson],
        json_version: None,
        target_prefix: None,
        xml_namespace: None,
        global_endpoint: None,
        signature_version: "v4",
        auth: &[],
        aws_query_compatible: false,
        exceptions: None,
        endpoint_discovery: None,
    }
}

#[derive(Clone, Default)]
struct Empty {}
static EMPTY: Schema = Schema::structure("Empty", &[]);
crate::structure!(Empty, EMPTY);

// CloudSearch Domain's Search (rest-json, a GET whose members all go in the query string; the
// service is reached at the domain's own endpoint, which botocore takes as `endpoint_url`).

static CLOUDSEARCHDOMAIN: Service =
    rest_json("cloudsearchdomain", "CloudSearch Domain", "cloudsearchdomain", "cloudsearch");
static CLOUDSEARCHDOMAIN_RULES: Rules = Rules::new(
    r#"{"version":"1.0","parameters":{"Region":{"type":"String","builtIn":"AWS::Region","required":true}},
    "rules":[{"type":"endpoint","conditions":[],"endpoint":{"url":"https://search-d.us-east-1.cloudsearch.amazonaws.com","properties":{},"headers":{}}}]}"#,
);

#[derive(Clone, Default)]
struct Search {
    filter_query: Option<String>,
    query: String,
    query_parser: Option<String>,
    size: Option<i64>,
}
static SEARCH: Schema = Schema::structure(
    "SearchRequest",
    &[
        Member::new("filterQuery", &prim::STRING).at(Location::Query, "fq"),
        Member::new("query", &prim::STRING).at(Location::Query, "q").flags(flags::REQUIRED),
        Member::new("queryParser", &prim::STRING).at(Location::Query, "q.parser"),
        Member::new("size", &prim::LONG).at(Location::Query, "size"),
    ],
);
crate::structure!(Search, SEARCH, 0 => filter_query, 1 => query, 2 => query_parser, 3 => size);
static SEARCH_OP: Operation =
    Operation::new("Search", "GET", "/2013-01-01/search?format=sdk&pretty=true", &SEARCH, &EMPTY);

fn star_wars() -> Search {
    Search {
        filter_query: Some("year:['2000',}".into()),
        query: "star wars".into(),
        query_parser: Some("simple".into()),
        size: Some(5),
    }
}

#[test]
fn cloudsearchdomain_search_is_sent_as_a_form_post() {
    let (session, seen) = session();
    let client = ClientHandle::new(&session, &CLOUDSEARCHDOMAIN, &CLOUDSEARCHDOMAIN_RULES);
    let mut call = Call::<Search, Empty, NoErrors>::new(&client, &SEARCH_OP);
    call.set_input(star_wars());
    crate::http::block_on(call.send()).unwrap().unwrap();
    let seen = seen.lock().unwrap();
    // botocore: cloudsearchdomain.search(filterQuery="year:['2000',}", query='star wars',
    // queryParser='simple', size=5) with endpoint_url https://search-d.us-east-1.cloudsearch.amazonaws.com
    // sends `POST .../2013-01-01/search`, `Content-Type: application/x-www-form-urlencoded` and
    // this body: the whole query string, the model's own `format=sdk&pretty=true` first.
    assert_eq!(seen[0].method(), "POST");
    assert_eq!(seen[0].uri().to_string(), "https://search-d.us-east-1.cloudsearch.amazonaws.com/2013-01-01/search");
    assert_eq!(seen[0].headers()["content-type"], "application/x-www-form-urlencoded");
    assert_eq!(
        body_text(&seen[0]),
        "format=sdk&pretty=true&fq=year%3A%5B%272000%27%2C%7D&q=star%20wars&q.parser=simple&size=5"
    );
    // botocore signs the POST (`SignedHeaders=content-type;host;x-amz-date`: it signs before
    // adding `Content-Length`), so the change comes before signing. The expected value is
    // botocore's `SigV4Auth` (service `cloudsearch`) over the request tucuxi sends: the POST, this
    // body, its content type and its `Content-Length`.
    assert_eq!(
        seen[0].headers()["authorization"].to_str().unwrap(),
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/cloudsearch/aws4_request, \
         SignedHeaders=content-length;content-type;host;x-amz-date, Signature=398890b7b3e87343305ba51d47f2fc023d68b3e70adae04fa571c4e171d40d07"
    );
}

#[test]
fn a_presigned_cloudsearchdomain_search_stays_a_get() {
    let (session, _) = session();
    let client = ClientHandle::new(&session, &CLOUDSEARCHDOMAIN, &CLOUDSEARCHDOMAIN_RULES);
    let mut call = Call::<Search, Empty, NoErrors>::new(&client, &SEARCH_OP);
    call.set_input(star_wars());
    let presigned = call.presign_blocking(Duration::from_secs(3600)).unwrap();
    // botocore: generate_presigned_url('search', Params={same parameters}); the handler runs at
    // `request-created`, which presigning does not emit.
    assert_eq!(presigned.method, "GET");
    assert_eq!(
        url_parts(&presigned.url),
        url_parts("https://search-d.us-east-1.cloudsearch.amazonaws.com/2013-01-01/search?format=sdk&pretty=true&fq=year%3A%5B%272000%27%2C%7D&q=star%20wars&q.parser=simple&size=5&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fcloudsearch%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=c5c46d06f33db3aed7d77038dec6da72812584fe0d891539373964bbe3168f90")
    );
}

// Polly's SynthesizeSpeech (rest-json, a POST with a JSON body), with the members the calls set,
// in the model's order.

static POLLY: Service = rest_json("polly", "Polly", "polly", "polly");
static POLLY_RULES: Rules = Rules::new(
    r#"{"version":"1.0","parameters":{"Region":{"type":"String","builtIn":"AWS::Region","required":true}},
    "rules":[{"type":"endpoint","conditions":[],"endpoint":{"url":"https://polly.{Region}.amazonaws.com","properties":{},"headers":{}}}]}"#,
);

#[derive(Clone, Default)]
struct SynthesizeSpeech {
    lexicon_names: Option<Vec<String>>,
    output_format: String,
    sample_rate: Option<String>,
    text: String,
    voice_id: String,
}
static LEXICON_NAMES: Schema = Schema::list("LexiconNameList", &[Member::new("member", &prim::STRING)]);
static SYNTHESIZE_SPEECH: Schema = Schema::structure(
    "SynthesizeSpeechInput",
    &[
        Member::new("LexiconNames", &LEXICON_NAMES),
        Member::new("OutputFormat", &prim::STRING).flags(flags::REQUIRED),
        Member::new("SampleRate", &prim::STRING),
        Member::new("Text", &prim::STRING).flags(flags::REQUIRED),
        Member::new("VoiceId", &prim::STRING).flags(flags::REQUIRED),
    ],
);
crate::structure!(SynthesizeSpeech, SYNTHESIZE_SPEECH, 0 => lexicon_names, 1 => output_format,
    2 => sample_rate, 3 => text, 4 => voice_id);
static SYNTHESIZE_SPEECH_OP: Operation =
    Operation::new("SynthesizeSpeech", "POST", "/v1/speech", &SYNTHESIZE_SPEECH, &EMPTY);

fn hello() -> SynthesizeSpeech {
    SynthesizeSpeech {
        lexicon_names: Some(vec!["a".into(), "b".into()]),
        output_format: "mp3".into(),
        sample_rate: Some("22050".into()),
        text: "Hello world & more".into(),
        voice_id: "Joanna".into(),
    }
}

fn presign_hello(service: &'static Service) -> crate::client::PresignedRequest {
    let (session, _) = session();
    let client = ClientHandle::new(&session, service, &POLLY_RULES);
    let mut call = Call::<SynthesizeSpeech, Empty, NoErrors>::new(&client, &SYNTHESIZE_SPEECH_OP);
    call.set_input(hello());
    call.presign_blocking(Duration::from_secs(3600)).unwrap()
}

#[test]
fn presigned_synthesize_speech_signs_no_content_type() {
    let presigned = presign_hello(&POLLY);
    // botocore: polly.generate_presigned_url('synthesize_speech', Params={'LexiconNames': ['a', 'b'],
    // 'OutputFormat': 'mp3', 'SampleRate': '22050', 'Text': 'Hello world & more', 'VoiceId': 'Joanna'}).
    // Its canonical request is a POST of an empty payload with only `host` signed; with the handler
    // unregistered, `X-Amz-SignedHeaders=content-type%3Bhost` and another signature.
    assert_eq!(
        url_parts(&presigned.url),
        url_parts("https://polly.us-east-1.amazonaws.com/v1/speech?LexiconNames=a&LexiconNames=b&OutputFormat=mp3&SampleRate=22050&Text=Hello%20world%20%26%20more&VoiceId=Joanna&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fpolly%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=6de25d17f2f34ffc003cd87ffa2a331c2fae480be54e4d9d6b29f5abbee0d725")
    );
    assert!(presigned.headers.is_empty(), "{:?}", presigned.headers);
    assert_eq!(presigned.method, "GET");
}

#[test]
fn sent_synthesize_speech_keeps_its_json_body() {
    let (session, seen) = session();
    let client = ClientHandle::new(&session, &POLLY, &POLLY_RULES);
    let mut call = Call::<SynthesizeSpeech, Empty, NoErrors>::new(&client, &SYNTHESIZE_SPEECH_OP);
    call.set_input(hello());
    crate::http::block_on(call.send()).unwrap().unwrap();
    let seen = seen.lock().unwrap();
    assert_eq!(seen[0].method(), "POST");
    assert_eq!(seen[0].headers()["content-type"], "application/json");
    assert_eq!(
        body_text(&seen[0]),
        r#"{"LexiconNames":["a","b"],"OutputFormat":"mp3","SampleRate":"22050","Text":"Hello world & more","VoiceId":"Joanna"}"#
    );
}

#[test]
fn other_services_presign_json_bodies_as_before() {
    // The rule is keyed by botocore's service name: another service's JSON body stays in the
    // body, with its content type signed.
    static OTHER: Service = rest_json("notpolly", "NotPolly", "polly", "polly");
    let presigned = presign_hello(&OTHER);
    assert_eq!(presigned.method, "POST");
    assert!(presigned.url.contains("X-Amz-SignedHeaders=content-type%3Bhost"), "{}", presigned.url);
    assert!(!presigned.url.contains("VoiceId"), "{}", presigned.url);
}

// Bedrock AgentCore's timestamps (rest-json, JSON body): `eventTimestamp` as CreateEvent has it
// (epoch seconds by default) and `publishedAfter` as InvokeWebSearch's filter has it (ISO 8601).

static AGENTCORE: Service =
    rest_json("bedrock-agentcore", "Bedrock AgentCore", "bedrock-agentcore", "bedrock-agentcore");
static AGENTCORE_CONTROL: Service =
    rest_json("bedrock-agentcore-control", "Bedrock AgentCore Control", "bedrock-agentcore", "bedrock-agentcore");
static AGENTCORE_RULES: Rules = Rules::new(
    r#"{"version":"1.0","parameters":{"Region":{"type":"String","builtIn":"AWS::Region","required":true}},
    "rules":[{"type":"endpoint","conditions":[],"endpoint":{"url":"https://bedrock-agentcore.{Region}.amazonaws.com","properties":{},"headers":{}}}]}"#,
);

#[derive(Clone, Default)]
struct Stamped {
    event_timestamp: Option<DateTime>,
    published_after: Option<DateTime>,
}
static STAMPED: Schema = Schema::structure(
    "Stamped",
    &[
        Member::new("eventTimestamp", &prim::TIMESTAMP),
        Member::new("publishedAfter", &prim::TIMESTAMP).ts(TimestampFormat::DateTime),
    ],
);
crate::structure!(Stamped, STAMPED, 0 => event_timestamp, 1 => published_after);
static STAMPED_OP: Operation = Operation::new("CreateEvent", "POST", "/events", &STAMPED, &EMPTY);

fn stamped_body(service: &'static Service, secs: i64, nanos: u32) -> String {
    let (session, seen) = session();
    let client = ClientHandle::new(&session, service, &AGENTCORE_RULES);
    let mut call = Call::<Stamped, Empty, NoErrors>::new(&client, &STAMPED_OP);
    let at = DateTime::from_secs_and_nanos(secs, nanos);
    call.set_input(Stamped { event_timestamp: Some(at), published_after: Some(at) });
    crate::http::block_on(call.send()).unwrap().unwrap();
    let seen = seen.lock().unwrap();
    body_text(&seen[0])
}

#[test]
fn agentcore_writes_timestamps_in_whole_milliseconds() {
    // botocore.serialize.create_serializer('rest-json', timestamp_precision='millisecond') (what
    // the handler asks for) over bedrock-agentcore's CreateEvent (`eventTimestamp`) and
    // InvokeWebSearch (`publishedAfter`) with these datetimes: the milliseconds are truncated, an
    // epoch timestamp is a float (`.0` for a whole second), an ISO one always has three digits.
    // 2015-08-30T12:36:00.123456Z
    assert_eq!(
        stamped_body(&AGENTCORE, 1_440_938_160, 123_456_000),
        r#"{"eventTimestamp":1440938160.123,"publishedAfter":"2015-08-30T12:36:00.123Z"}"#
    );
    // 2015-08-30T12:36:00Z
    assert_eq!(
        stamped_body(&AGENTCORE, 1_440_938_160, 0),
        r#"{"eventTimestamp":1440938160.0,"publishedAfter":"2015-08-30T12:36:00.000Z"}"#
    );
    // 2015-08-30T12:36:00.999999Z, then 2015-08-30T12:36:00.000999Z.
    assert_eq!(
        stamped_body(&AGENTCORE, 1_440_938_160, 999_999_000),
        r#"{"eventTimestamp":1440938160.999,"publishedAfter":"2015-08-30T12:36:00.999Z"}"#
    );
    assert_eq!(
        stamped_body(&AGENTCORE, 1_440_938_160, 999_000),
        r#"{"eventTimestamp":1440938160.0,"publishedAfter":"2015-08-30T12:36:00.000Z"}"#
    );
    // 1969-12-31T23:59:58.5Z: botocore's whole seconds (-2) plus the milliseconds (0.5).
    assert_eq!(
        stamped_body(&AGENTCORE, -2, 500_000_000),
        r#"{"eventTimestamp":-1.5,"publishedAfter":"1969-12-31T23:59:58.500Z"}"#
    );
}

#[test]
fn other_services_keep_their_timestamp_precision() {
    // botocore registers the handler for `bedrock-agentcore` only; for the control plane its
    // default serializer writes 2015-08-30T12:36:00.123456Z as these two values, as tucuxi does.
    assert_eq!(
        stamped_body(&AGENTCORE_CONTROL, 1_440_938_160, 123_456_000),
        r#"{"eventTimestamp":1440938160.123456,"publishedAfter":"2015-08-30T12:36:00.123456Z"}"#
    );
}
