//! Checks before sending, through generated types and clients: botocore's `ParamValidator`
//! (required members, `min` of lengths and values, unions), its S3 bucket-name handler, the host
//! labels, `parameter_validation`, and `endpoint_url` checked when the session is built.
//!
//! The expected texts are botocore's formats (`botocore/validate.py`, `handlers.py`,
//! `serialize.py`) filled with the paths botocore would name, with tucuxi's member paths.

use std::net::TcpListener;
use std::path::PathBuf;

use tucuxi::client::ClientConfig;
use tucuxi::config::{Env, Fs};
use tucuxi::credentials::Credentials;
use tucuxi::validate::validate_shape;
use tucuxi::{Blob, ErrorKind, Map, Session};
use tucuxi_kitchensink::types::{Nested, PutThingRequest, ShapeUnion, Tag, Thing};

/// A session that reads nothing from this machine, with `config` as its config file.
fn session_with(config: &str, endpoint: Option<&str>) -> Result<Session, tucuxi::session::SessionError> {
    let mut builder = Session::builder()
        .env_and_fs(
            Env::from_pairs([("AWS_CONFIG_FILE", "/cfg/config")]),
            Fs::from_files([(PathBuf::from("/cfg/config"), config.to_owned())]),
        )
        .region("us-east-1")
        .credentials(Credentials::new("AKIDTEST", "secret-never-printed").with_provider("test"));
    if let Some(url) = endpoint {
        builder = builder.endpoint_url(url);
    }
    builder.build()
}

/// A loopback URL nothing listens on: a request that got this far fails to connect.
fn closed_port() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = listener.local_addr().expect("an address").port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

fn tag(key: &str) -> Tag {
    Tag { key: key.into(), value: None }
}

#[test]
fn every_violation_is_reported_at_once_with_its_path() {
    let mut attributes = Map::new();
    attributes.insert(String::new(), "empty key".to_owned());
    // Longer than the key's `max` and off its `pattern`: botocore checks neither.
    attributes.insert("TOO-LONG".to_owned(), "v".to_owned());
    let thing = Thing {
        count: -2,
        precise: Some(0.0005),
        // Shorter than the blob's `min` (4): botocore never checks a blob's length.
        data: Some(Blob::from("x")),
        tags: vec![],
        attributes: Some(attributes),
        shape: Some(ShapeUnion::default()),
        children: Some(vec![
            Thing::default(),
            Thing { tags: vec![tag("a"), tag("")], ..Thing::default() },
        ]),
        nested: Some(Box::new(Nested { back: None })),
        ..Thing::default()
    };
    let error = validate_shape(&thing).unwrap_err();
    assert_eq!(
        error.to_string(),
        "Parameter validation failed:\n\
         Invalid value for parameter Count, value: -2, valid min value: -1\n\
         Invalid value for parameter Precise, value: 0.0005, valid min value: 0.001\n\
         Invalid length for parameter Tags, value: 0, valid min length: 1\n\
         Invalid length for parameter Attributes (key: ), value: 0, valid min length: 1\n\
         Must set one of the following keys for tagged unionstructure Shape: Circle, Square, Self.\n\
         Invalid length for parameter Children[0].Tags, value: 0, valid min length: 1\n\
         Invalid length for parameter Children[1].Tags[1].Key, value: 0, valid min length: 1\n\
         Missing required parameter in Nested: \"Back\""
    );
    assert_eq!(error.violations().len(), 8);
}

#[test]
fn a_valid_value_passes_and_so_do_the_bounds_themselves() {
    let thing = Thing {
        count: -1,
        precise: Some(0.001),
        tags: vec![tag("k")],
        // A one-character key in four bytes: botocore counts characters.
        children: Some(vec![Thing { tags: vec![tag("é")], ..Thing::default() }]),
        shape: Some(ShapeUnion::Circle(1)),
        nested: Some(Box::new(Nested { back: Some(Box::new(Thing { tags: vec![tag("x")], ..Thing::default() })) })),
        ..Thing::default()
    };
    assert_eq!(validate_shape(&thing), Ok(()));
    // An unknown union member is botocore's unknown parameter.
    let unknown = Thing { tags: vec![tag("k")], shape: Some(ShapeUnion::Unknown("Triangle".into())), ..Thing::default() };
    assert_eq!(
        validate_shape(&unknown).unwrap_err().to_string(),
        "Parameter validation failed:\nUnknown parameter in Shape: \"Triangle\", must be one of: Circle, Square, Self"
    );
}

#[test]
fn a_call_is_refused_before_credentials_endpoint_or_network() {
    // No credentials at all and an empty rule set: only a check before both can answer.
    let session = Session::builder()
        .env_and_fs(Env::from_pairs(Vec::<(String, String)>::new()), Fs::from_files(Vec::<(PathBuf, String)>::new()))
        .region("us-east-1")
        .build()
        .expect("a session");
    let client = tucuxi_kitchensink::Client::new(&session);
    // `AccountId` is bound to the host: botocore gives it an implicit `min` of 1.
    let error = client.put_thing().bucket("b").key("").account_id("").send_blocking().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
    assert_eq!(
        error.to_string(),
        "PutThing: Parameter validation failed:\n\
         Invalid length for parameter Key, value: 0, valid min length: 1\n\
         Invalid length for parameter AccountId, value: 0, valid min length: 1"
    );
    // The unset idempotency token is filled before sending, as botocore fills it before checking.
    let input = PutThingRequest { bucket: "b".into(), key: "k".into(), account_id: "a".into(), ..Default::default() };
    assert!(input.token.is_none());
    let error = client.put_thing().bucket("b").key("k").account_id("a").send_blocking().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Config, "past the checks, the empty rule set answers: {error}");
}

#[test]
fn parameter_validation_false_skips_the_checks_from_code_and_from_the_config_file() {
    let session = session_with("", None).expect("a session");
    let off = ClientConfig { parameter_validation: Some(false), ..ClientConfig::default() };
    let client = tucuxi_kitchensink::Client::with_config(&session, off);
    let error = client.put_thing().bucket("b").key("").account_id("a").send_blocking().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Config, "the rule set answers, not the checks: {error}");

    let session = session_with("[default]\nparameter_validation = false\n", None).expect("a session");
    let error = tucuxi_kitchensink::Client::new(&session).put_thing().bucket("b").key("").account_id("a").send_blocking();
    assert_eq!(error.unwrap_err().kind(), ErrorKind::Config);

    // The client's setting wins over the file's.
    let on = ClientConfig { parameter_validation: Some(true), ..ClientConfig::default() };
    let error = tucuxi_kitchensink::Client::with_config(&session, on).put_thing().key("").account_id("a").send_blocking();
    assert_eq!(error.unwrap_err().kind(), ErrorKind::InvalidInput);

    let bad = session_with("[default]\nparameter_validation = maybe\n", None).unwrap_err();
    assert!(bad.to_string().contains("parameter_validation"), "{bad}");
}

#[test]
fn host_prefix_labels_are_checked_as_botocore_serialises_them() {
    use tucuxi_kitchensink::operations::PUT_THING;
    let mut input = PutThingRequest {
        bucket: "b".into(),
        key: "k".into(),
        account_id: "bad_label".into(),
        ..Default::default()
    };
    let error = tucuxi::protocol::serialize_request(&tucuxi_kitchensink::SERVICE, &PUT_THING, &mut input).unwrap_err();
    assert!(
        error.to_string().ends_with(
            ": Invalid value for parameter(s): AccountId. Must contain only alphanumeric characters, hyphen, or period."
        ),
        "{error}"
    );
    // Periods are allowed, as botocore's `HOST_PREFIX_RE` allows them.
    input.account_id = "a.b-c".into();
    let request = tucuxi::protocol::serialize_request(&tucuxi_kitchensink::SERVICE, &PUT_THING, &mut input).unwrap();
    assert_eq!(request.host_prefix.as_deref(), Some("a.b-c."));
}

#[test]
fn s3_put_object_with_an_empty_key_fails_before_any_network() {
    let endpoint = closed_port();
    let s3 = tucuxi_s3::Client::new(&session_with("", Some(&endpoint)).expect("a session"));
    let error = s3.put_object().bucket("bucket").key("").body("data").send_blocking().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidInput, "{error}");
    assert_eq!(
        error.to_string(),
        "PutObject: Parameter validation failed:\nInvalid length for parameter Key, value: 0, valid min length: 1"
    );
    // The same call with a key goes as far as the closed port: the endpoint was reachable only
    // in principle.
    let error = s3.put_object().bucket("bucket").key("k").body("data").send_blocking().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Dispatch, "{error}");
}

#[test]
fn s3_bucket_names_are_refused_as_botocore_refuses_them() {
    let s3 = tucuxi_s3::Client::new(&session_with("", Some(&closed_port())).expect("a session"));
    let error = s3.get_object().bucket("Invalid_Bucket!!").key("").send_blocking().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
    assert_eq!(
        error.to_string(),
        "GetObject: Parameter validation failed:\n\
         Invalid bucket name \"Invalid_Bucket!!\": Bucket name must match the regex \"^[a-zA-Z0-9.\\-_]{1,255}$\" \
         or be an ARN matching the regex \"^arn:(aws).*:(s3|s3-object-lambda):[a-z\\-0-9]*:[0-9]{12}:accesspoint[/:]\
         [a-zA-Z0-9\\-.]{1,63}$|^arn:(aws).*:s3-outposts:[a-z\\-0-9]+:[0-9]{12}:outpost[/:][a-zA-Z0-9\\-]{1,63}[/:]\
         accesspoint[/:][a-zA-Z0-9\\-]{1,63}$\"\n\
         Invalid length for parameter Key, value: 0, valid min length: 1"
    );
    // botocore runs the bucket check in a handler that `parameter_validation` does not turn off.
    let off = ClientConfig { parameter_validation: Some(false), ..ClientConfig::default() };
    let s3 = tucuxi_s3::Client::with_config(&session_with("", Some(&closed_port())).unwrap(), off);
    let error = s3.list_objects_v2().bucket("").send_blocking().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
    assert!(error.to_string().starts_with("ListObjectsV2: Parameter validation failed:\nInvalid bucket name \"\": "));
    // An access-point ARN is a valid bucket.
    let input = tucuxi_s3::types::GetObjectRequest {
        bucket: "arn:aws:s3:us-west-2:123456789012:accesspoint/endpoint".into(),
        key: "k".into(),
        ..Default::default()
    };
    let get_object = &tucuxi_s3::operations::GET_OBJECT;
    assert_eq!(tucuxi::validate::validate_input(&tucuxi_s3::SERVICE, get_object, &input, true), Ok(()));
}

#[test]
fn endpoint_url_is_checked_when_the_session_is_built() {
    let error = session_with("", Some("localhost:4566")).unwrap_err().to_string();
    assert!(error.contains("endpoint_url"), "{error}");
    assert!(error.contains("`localhost:4566`") && error.contains("an absolute http:// or https:// URL"), "{error}");
    let error = session_with("[default]\nendpoint_url = ftp://files.example\n", None).unwrap_err();
    assert!(error.to_string().contains("the scheme must be http or https"), "{error}");
    assert!(session_with("[default]\nendpoint_url = http://localhost:4566\n", None).is_ok());
}

#[test]
fn s3_delete_objects_names_the_object_in_the_list() {
    use tucuxi_s3::types::{Delete, DeleteObjectsRequest, ObjectIdentifier};
    let object = |key: &str| ObjectIdentifier { key: key.into(), ..Default::default() };
    let input = DeleteObjectsRequest {
        bucket: "bucket".into(),
        delete: Delete { objects: vec![object("a"), object("")], ..Default::default() },
        ..Default::default()
    };
    let op = &tucuxi_s3::operations::DELETE_OBJECTS;
    assert_eq!(
        tucuxi::validate::validate_input(&tucuxi_s3::SERVICE, op, &input, true).unwrap_err().to_string(),
        "Parameter validation failed:\nInvalid length for parameter Delete.Objects[1].Key, value: 0, valid min length: 1"
    );
}

/// Counts the allocations of the current thread, so that tests running in parallel do not count
/// each other's.
struct CountingAllocator;

thread_local! {
    static ALLOCATIONS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

// SAFETY: every call is forwarded unchanged to the system allocator; the counter is a
// thread-local `Cell` with a const initialiser, which neither allocates nor has a destructor.
unsafe impl std::alloc::GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
        // SAFETY: the caller's contract is the system allocator's.
        unsafe { std::alloc::System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        // SAFETY: `ptr` came from `alloc` above, that is from the system allocator.
        unsafe { std::alloc::System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

fn allocations_in(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(std::cell::Cell::get);
    f();
    ALLOCATIONS.with(std::cell::Cell::get) - before
}

#[test]
fn a_valid_input_is_checked_without_allocating() {
    use tucuxi_s3::types::{Delete, DeleteObjectsRequest, ObjectIdentifier};
    let objects = (0..100).map(|i| ObjectIdentifier { key: format!("key-{i}"), ..Default::default() }).collect();
    let input = DeleteObjectsRequest {
        bucket: "bucket".into(),
        delete: Delete { objects, ..Default::default() },
        ..Default::default()
    };
    let op = &tucuxi_s3::operations::DELETE_OBJECTS;
    let mut attributes = Map::new();
    attributes.insert("key".to_owned(), "value".to_owned());
    let thing = Thing {
        tags: vec![tag("k")],
        attributes: Some(attributes),
        children: Some(vec![Thing { tags: vec![tag("c")], ..Thing::default() }]),
        shape: Some(ShapeUnion::Circle(1)),
        ..Thing::default()
    };
    let count = allocations_in(|| {
        assert!(tucuxi::validate::validate_input(&tucuxi_s3::SERVICE, op, &input, true).is_ok());
        assert!(validate_shape(&thing).is_ok());
    });
    assert_eq!(count, 0);
    // The counter works: a report allocates.
    let invalid = Thing::default();
    assert!(allocations_in(|| assert!(validate_shape(&invalid).is_err())) > 0);
}
