//! The cache key of endpoint discovery with `endpointdiscoveryid` members, through a client of a
//! small hand-written service shaped like botocore's discovery test model (`DescribeEndpoints`
//! taking `Operation` and `Identifiers`), with a transport that answers each discovery call with
//! an address naming the identifiers it was asked about.

use std::sync::{Arc, Mutex};

use http::{Request, Response};

use super::{discover_endpoints, Key};
use crate::client::{Call, ClientHandle, Rules};
use crate::config::{Env, Fs};
use crate::credentials::Credentials;
use crate::http::{SdkBody, TransportFuture};
use crate::protocol::NoErrors;
use crate::schema::{flags, op_flags, prim, EndpointDiscovery, Member, Operation, Protocol, Schema, Service};
use crate::{ByteStream, Map, Session};

#[derive(Clone, Default)]
struct DescribeIn {
    operation: Option<String>,
    identifiers: Option<Map<String, String>>,
}
static IDENTIFIERS: Schema =
    Schema::map("Identifiers", &[Member::new("key", &prim::STRING), Member::new("value", &prim::STRING)]);
static DESCRIBE_IN: Schema = Schema::structure(
    "DescribeEndpointsRequest",
    &[Member::new("Operation", &prim::STRING), Member::new("Identifiers", &IDENTIFIERS)],
);
crate::structure!(DescribeIn, DESCRIBE_IN, 0 => operation, 1 => identifiers);

#[derive(Clone, Default)]
struct Endpoint {
    address: String,
    cache_period_in_minutes: i64,
}
static ENDPOINT: Schema = Schema::structure(
    "Endpoint",
    &[
        Member::new("Address", &prim::STRING).flags(flags::REQUIRED),
        Member::new("CachePeriodInMinutes", &prim::LONG).flags(flags::REQUIRED),
    ],
);
crate::structure!(Endpoint, ENDPOINT, 0 => address, 1 => cache_period_in_minutes);
static ENDPOINTS: Schema = Schema::list("Endpoints", &[Member::new("member", &ENDPOINT)]);

#[derive(Clone, Default)]
struct DescribeOut {
    endpoints: Vec<Endpoint>,
}
static DESCRIBE_OUT: Schema =
    Schema::structure("DescribeEndpointsResponse", &[Member::new("Endpoints", &ENDPOINTS).flags(flags::REQUIRED)]);
crate::structure!(DescribeOut, DESCRIBE_OUT, 0 => endpoints);

static DESCRIBE: Operation = Operation::new("DescribeEndpoints", "POST", "/", &DESCRIBE_IN, &DESCRIBE_OUT);

#[derive(Clone, Default)]
struct Nested {
    region: Option<String>,
}
static NESTED: Schema =
    Schema::structure("Nested", &[Member::new("Region", &prim::STRING).flags(flags::ENDPOINT_DISCOVERY_ID)]);
crate::structure!(Nested, NESTED, 0 => region);

#[derive(Clone, Default)]
struct GetThing {
    sub: Option<String>,
    nested: Option<Nested>,
    other: Option<String>,
}
static GET_THING: Schema = Schema::structure(
    "GetThingRequest",
    &[
        Member::new("Sub", &prim::STRING).flags(flags::ENDPOINT_DISCOVERY_ID),
        Member::new("Nested", &NESTED),
        Member::new("Other", &prim::STRING),
    ],
);
crate::structure!(GetThing, GET_THING, 0 => sub, 1 => nested, 2 => other);

#[derive(Clone, Default)]
struct Empty {}
static EMPTY: Schema = Schema::structure("Empty", &[]);
crate::structure!(Empty, EMPTY);

static GET: Operation = Operation::new("GetThing", "POST", "/", &GET_THING, &EMPTY)
    .flags(op_flags::ENDPOINT_DISCOVERY | op_flags::ENDPOINT_DISCOVERY_REQUIRED);

static DISCOVERY: EndpointDiscovery =
    EndpointDiscovery { operation: &DESCRIBE, discover: discover_endpoints::<DescribeIn, DescribeOut> };

static SERVICE: Service = Service {
    name: "fooservice",
    service_id: "FooService",
    full_name: "Foo Service",
    api_version: "2018-08-31",
    endpoint_prefix: "fooservice",
    signing_name: "fooservice",
    protocol: Protocol::Json,
    codec: crate::protocol::Codec::of(Protocol::Json),
    handlers: crate::client::Handlers::of("fooservice"),
    protocols: &[Protocol::Json],
    json_version: Some("1.1"),
    target_prefix: Some("FooService"),
    xml_namespace: None,
    global_endpoint: None,
    signature_version: "v4",
    auth: &[],
    aws_query_compatible: false,
    exceptions: None,
    endpoint_discovery: Some(&DISCOVERY),
};

static RULES: Rules = Rules::new(
    r#"{"version":"1.0","parameters":{"Region":{"type":"String","builtIn":"AWS::Region","required":true}},
    "rules":[{"type":"endpoint","conditions":[],"endpoint":{"url":"https://fooservice.{Region}.amazonaws.com","properties":{},"headers":{}}}]}"#,
);

/// Every request as `(host, X-Amz-Target, body)`.
type Log = Arc<Mutex<Vec<(String, String, String)>>>;

/// A client whose transport answers `DescribeEndpoints` with one address, numbered by the
/// discovery calls made so far, and every other call with `{}`.
fn client() -> (ClientHandle, Log) {
    let log: Log = Arc::default();
    let keep = log.clone();
    let transport = move |request: Request<SdkBody>| -> TransportFuture {
        let target = request.headers().get("x-amz-target").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        let host = request.uri().host().unwrap_or("").to_owned();
        let body = String::from_utf8(request.body().as_bytes().unwrap_or_default().to_vec()).unwrap();
        let mut log = keep.lock().unwrap();
        let answer = if target == "FooService.DescribeEndpoints" {
            let n = log.iter().filter(|(_, t, _)| t == &target).count();
            format!(r#"{{"Endpoints":[{{"Address":"http://discovered-{n}.example","CachePeriodInMinutes":10}}]}}"#)
        } else {
            "{}".to_owned()
        };
        log.push((host, target, body));
        Box::pin(async move { Ok(Response::builder().status(200).body(ByteStream::from(answer)).unwrap()) })
    };
    let session = Session::builder()
        .env_and_fs(Env::from_pairs(Vec::<(String, String)>::new()), Fs::from_files(Vec::<(String, String)>::new()))
        .region("us-west-2")
        .credentials(Credentials::new("AKID", "secret").with_provider("test"))
        .http(transport)
        .build()
        .unwrap();
    (ClientHandle::new(&session, &SERVICE, &RULES), log)
}

fn get(client: &ClientHandle, input: GetThing) {
    let mut call = Call::<GetThing, Empty, NoErrors>::new(client, &GET);
    call.set_input(input);
    crate::http::block_on(call.send()).unwrap().unwrap();
}

fn thing(sub: &str, region: Option<&str>) -> GetThing {
    GetThing {
        sub: Some(sub.into()),
        nested: region.map(|r| Nested { region: Some(r.into()) }),
        other: Some("not an id".into()),
    }
}

#[test]
fn identifiers_key_the_cache_and_are_sent_to_discovery() {
    let (client, log) = client();
    get(&client, thing("a", None));
    get(&client, thing("b", None));
    get(&client, thing("a", None));
    get(&client, thing("a", Some("r1")));
    let log = log.lock().unwrap();
    let seen: Vec<(&str, &str)> = log.iter().map(|(h, t, _)| (h.as_str(), t.as_str())).collect();
    assert_eq!(
        seen,
        [
            ("fooservice.us-west-2.amazonaws.com", "FooService.DescribeEndpoints"),
            ("discovered-0.example", "FooService.GetThing"),
            // Another identifier is another key: discovered again.
            ("fooservice.us-west-2.amazonaws.com", "FooService.DescribeEndpoints"),
            ("discovered-1.example", "FooService.GetThing"),
            // The first identifier's address is still cached.
            ("discovered-0.example", "FooService.GetThing"),
            // A nested id joins the key.
            ("fooservice.us-west-2.amazonaws.com", "FooService.DescribeEndpoints"),
            ("discovered-2.example", "FooService.GetThing"),
        ]
    );
    // botocore asks with `Operation=<name>, Identifiers=<ids>` (`describe_endpoint` kwargs).
    assert_eq!(log[0].2, r#"{"Operation":"GetThing","Identifiers":{"Sub":"a"}}"#);
    assert_eq!(log[5].2, r#"{"Operation":"GetThing","Identifiers":{"Region":"r1","Sub":"a"}}"#);
}

#[test]
fn keys_follow_botocores_discovery_operation_kwargs() {
    // No identifiers: Operation and Identifiers are dropped, every such call shares the empty key.
    let none = GetThing { other: Some("x".into()), ..GetThing::default() };
    assert_eq!(Key::new(&GET, &none, &DESCRIBE_IN), Key::default());
    // Identifiers sorted by member name (botocore's `tuple(sorted(ids.items()))`).
    let key = Key::new(&GET, &thing("a", Some("r1")), &DESCRIBE_IN);
    assert_eq!(key.identifiers, Some(vec![("Region".into(), "r1".into()), ("Sub".into(), "a".into())]));
    assert_eq!(key.operation, Some("GetThing"));
    // A discovery input without those members (DynamoDB's, Timestream's) is asked nothing and
    // keys every call the same.
    assert_eq!(Key::new(&GET, &thing("a", None), &EMPTY), Key::default());
}
