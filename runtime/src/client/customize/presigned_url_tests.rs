//! Cross-region copies and `Predict` through a client of small hand-written services named as
//! botocore names them, with a recording transport and a frozen clock. The expected requests are
//! botocore 1.44.18's own: `/work/main/target/moto-venv/bin/python` made the same calls with
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
use crate::schema::{prim, Member, Operation, Protocol, Schema, Service};
use crate::{ByteStream, ManualClock, Map, Session};

/// 2015-08-30T12:36:00Z.
const FROZEN: u64 = 1_440_938_160;

type Recorded = Arc<Mutex<Vec<Request<SdkBody>>>>;

/// A session in `us-east-1` with fixed credentials and clock whose transport records every
/// request and answers `body`.
fn session(body: &'static str) -> (Session, Recorded) {
    let seen: Recorded = Arc::default();
    let keep = seen.clone();
    let transport = move |request: Request<SdkBody>| -> TransportFuture {
        keep.lock().unwrap().push(request);
        Box::pin(async move { Ok(Response::builder().status(200).body(ByteStream::from(body)).unwrap()) })
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

fn body_text(request: &Request<SdkBody>) -> String {
    String::from_utf8(request.body().as_bytes().unwrap().to_vec()).unwrap()
}

/// Python's `unquote` of a form value, to compare a URL carried in a body.
fn form_value<'a>(body: &'a str, key: &str) -> Option<&'a str> {
    body.split('&').find_map(|pair| pair.strip_prefix(key)?.strip_prefix('='))
}

// RDS: the members of `CopyDBSnapshotMessage` the calls set, in the model's order, with the
// `SourceRegion` that botocore's `service-2.sdk-extras.json` appends.

const REGIONAL_RULES: &str = r#"{"version":"1.0","parameters":{"Region":{"type":"String","builtIn":"AWS::Region","required":true}},
    "rules":[{"type":"endpoint","conditions":[],"endpoint":{"url":"https://rds.{Region}.amazonaws.com","properties":{},"headers":{}}}]}"#;
static RDS_RULES: Rules = Rules::new(REGIONAL_RULES);

static RDS: Service = Service {
    name: "rds",
    service_id: "RDS",
    full_name: "Amazon Relational Database Service",
    api_version: "2014-10-31",
    endpoint_prefix: "rds",
    signing_name: "rds",
    protocol: Protocol::Query,
    codec: crate::protocol::Codec::of(Protocol::Query),
    handlers: crate::client::Handlers::of("rds"),
    protocols: &[Protocol::Query],
    json_version: None,
    target_prefix: None,
    xml_namespace: Some("http://rds.amazonaws.com/doc/2014-10-31/"),
    global_endpoint: None,
    signature_version: "v4",
    auth: &[],
    aws_query_compatible: false,
    exceptions: None,
    endpoint_discovery: None,
};

#[derive(Clone, Default)]
struct CopyDbSnapshot {
    source_db_snapshot_identifier: String,
    target_db_snapshot_identifier: String,
    kms_key_id: Option<String>,
    pre_signed_url: Option<String>,
    source_region: Option<String>,
}
static COPY_DB_SNAPSHOT: Schema = Schema::structure(
    "CopyDBSnapshotMessage",
    &[
        Member::new("SourceDBSnapshotIdentifier", &prim::STRING).flags(crate::schema::flags::REQUIRED),
        Member::new("TargetDBSnapshotIdentifier", &prim::STRING).flags(crate::schema::flags::REQUIRED),
        Member::new("KmsKeyId", &prim::STRING),
        Member::new("PreSignedUrl", &prim::STRING),
        Member::new("SourceRegion", &prim::STRING),
    ],
);
crate::structure!(CopyDbSnapshot, COPY_DB_SNAPSHOT, 0 => source_db_snapshot_identifier,
    1 => target_db_snapshot_identifier, 2 => kms_key_id, 3 => pre_signed_url, 4 => source_region);

#[derive(Clone, Default)]
struct Empty {}
static EMPTY: Schema = Schema::structure("Empty", &[]);
crate::structure!(Empty, EMPTY);

static COPY_DB_SNAPSHOT_OP: Operation =
    Operation::new("CopyDBSnapshot", "POST", "/", &COPY_DB_SNAPSHOT, &EMPTY).result_wrapper("CopyDBSnapshotResult");

const RDS_ANSWER: &str =
    "<CopyDBSnapshotResponse><CopyDBSnapshotResult></CopyDBSnapshotResult></CopyDBSnapshotResponse>";

fn copy_db_snapshot(input: CopyDbSnapshot, service: &'static Service) -> String {
    let (session, seen) = session(RDS_ANSWER);
    let client = ClientHandle::new(&session, service, &RDS_RULES);
    let mut call = Call::<CopyDbSnapshot, Empty, NoErrors>::new(&client, &COPY_DB_SNAPSHOT_OP);
    call.set_input(input);
    crate::http::block_on(call.send()).unwrap().unwrap();
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].uri().to_string(), "https://rds.us-east-1.amazonaws.com/");
    body_text(&seen[0])
}

fn cross_region_copy() -> CopyDbSnapshot {
    CopyDbSnapshot {
        source_db_snapshot_identifier: "arn:aws:rds:us-west-2:123456789012:snapshot:src".into(),
        target_db_snapshot_identifier: "dst".into(),
        kms_key_id: Some("key-1".into()),
        source_region: Some("us-west-2".into()),
        ..CopyDbSnapshot::default()
    }
}

#[test]
fn rds_copies_carry_a_url_presigned_in_the_source_region() {
    // botocore: rds.copy_db_snapshot(SourceDBSnapshotIdentifier='arn:aws:rds:us-west-2:123456789012:snapshot:src',
    // TargetDBSnapshotIdentifier='dst', KmsKeyId='key-1', SourceRegion='us-west-2') sends this body.
    let expected = "Action=CopyDBSnapshot&Version=2014-10-31&SourceDBSnapshotIdentifier=arn%3Aaws%3Ards%3Aus-west-2%3A123456789012%3Asnapshot%3Asrc&TargetDBSnapshotIdentifier=dst&KmsKeyId=key-1&PreSignedUrl=https%3A%2F%2Frds.us-west-2.amazonaws.com%2F%3FAction%3DCopyDBSnapshot%26Version%3D2014-10-31%26SourceDBSnapshotIdentifier%3Darn%253Aaws%253Ards%253Aus-west-2%253A123456789012%253Asnapshot%253Asrc%26TargetDBSnapshotIdentifier%3Ddst%26KmsKeyId%3Dkey-1%26DestinationRegion%3Dus-east-1%26X-Amz-Algorithm%3DAWS4-HMAC-SHA256%26X-Amz-Credential%3DAKIDEXAMPLE%252F20150830%252Fus-west-2%252Frds%252Faws4_request%26X-Amz-Date%3D20150830T123600Z%26X-Amz-Expires%3D3600%26X-Amz-SignedHeaders%3Dhost%26X-Amz-Signature%3D891377bce2ba8e69a432cc048adb62a926cde4a2831fa7d37b5a8b10e3288481";
    assert_eq!(copy_db_snapshot(cross_region_copy(), &RDS), expected);
}

#[test]
fn rds_keeps_a_callers_url_and_drops_source_region_anyway() {
    let mut input = cross_region_copy();
    input.pre_signed_url = Some("https://example.com/mine".into());
    let body = copy_db_snapshot(input, &RDS);
    assert_eq!(form_value(&body, "PreSignedUrl"), Some("https%3A%2F%2Fexample.com%2Fmine"));
    assert_eq!(form_value(&body, "SourceRegion"), None, "SourceRegion is not part of RDS's API: {body}");
    assert_eq!(form_value(&body, "DestinationRegion"), None);
}

#[test]
fn a_copy_within_one_region_is_sent_as_it_is() {
    let mut input = cross_region_copy();
    input.source_region = None;
    let body = copy_db_snapshot(input, &RDS);
    assert_eq!(
        body,
        "Action=CopyDBSnapshot&Version=2014-10-31&SourceDBSnapshotIdentifier=arn%3Aaws%3Ards%3Aus-west-2%3A123456789012%3Asnapshot%3Asrc&TargetDBSnapshotIdentifier=dst&KmsKeyId=key-1"
    );
}

/// Neptune and DocDB speak RDS's API at RDS's endpoint prefix; botocore registers the handler
/// by their own names, and only for the cluster operations.
static NEPTUNE: Service = Service { name: "neptune", service_id: "Neptune", ..RDS_FIELDS };
static DOCDB: Service = Service { name: "docdb", service_id: "DocDB", ..RDS_FIELDS };
const RDS_FIELDS: Service = Service {
    name: "rds",
    service_id: "RDS",
    full_name: "",
    api_version: "2014-10-31",
    endpoint_prefix: "rds",
    signing_name: "rds",
    protocol: Protocol::Query,
    codec: crate::protocol::Codec::of(Protocol::Query),
    handlers: crate::client::Handlers::of("rds"),
    protocols: &[Protocol::Query],
    json_version: None,
    target_prefix: None,
    xml_namespace: None,
    global_endpoint: None,
    signature_version: "v4",
    auth: &[],
    aws_query_compatible: false,
    exceptions: None,
    endpoint_discovery: None,
};

#[test]
fn neptune_and_docdb_get_the_handler_only_where_botocore_registers_it() {
    for service in [&NEPTUNE, &DOCDB] {
        // CopyDBSnapshot is not registered for them: SourceRegion goes out as the caller set it.
        let body = copy_db_snapshot(cross_region_copy(), service);
        assert_eq!(form_value(&body, "SourceRegion"), Some("us-west-2"), "{}", service.name);
        assert_eq!(form_value(&body, "PreSignedUrl"), None, "{}", service.name);
    }
    assert_eq!(super::handler("neptune", "CopyDBClusterSnapshot"), Some(super::Handler::Rds));
    assert_eq!(super::handler("docdb", "CreateDBCluster"), Some(super::Handler::Rds));
    assert_eq!(super::handler("rds", "StartDBInstanceAutomatedBackupsReplication"), Some(super::Handler::Rds));
    assert_eq!(super::handler("ec2", "CopySnapshot"), Some(super::Handler::Ec2));
    assert_eq!(super::handler("ec2", "CopyImage"), None);
}

// Machine learning's Predict (json 1.1).

static ML_RULES: Rules = Rules::new(
    r#"{"version":"1.0","parameters":{"Region":{"type":"String","builtIn":"AWS::Region","required":true}},
    "rules":[{"type":"endpoint","conditions":[],"endpoint":{"url":"https://machinelearning.{Region}.amazonaws.com","properties":{},"headers":{}}}]}"#,
);

static ML: Service = Service {
    name: "machinelearning",
    service_id: "Machine Learning",
    full_name: "Amazon Machine Learning",
    api_version: "2014-12-12",
    endpoint_prefix: "machinelearning",
    signing_name: "machinelearning",
    protocol: Protocol::Json,
    codec: crate::protocol::Codec::of(Protocol::Json),
    handlers: crate::client::Handlers::of("machinelearning"),
    protocols: &[Protocol::Json],
    json_version: Some("1.1"),
    target_prefix: Some("AmazonML_20141212"),
    xml_namespace: None,
    global_endpoint: None,
    signature_version: "v4",
    auth: &[],
    aws_query_compatible: false,
    exceptions: None,
    endpoint_discovery: None,
};

#[derive(Clone, Default)]
struct Predict {
    ml_model_id: String,
    record: Map<String, String>,
    predict_endpoint: String,
}
static RECORD: Schema =
    Schema::map("Record", &[Member::new("key", &prim::STRING), Member::new("value", &prim::STRING)]);
static PREDICT: Schema = Schema::structure(
    "PredictInput",
    &[
        Member::new("MLModelId", &prim::STRING).flags(crate::schema::flags::REQUIRED),
        Member::new("Record", &RECORD).flags(crate::schema::flags::REQUIRED),
        Member::new("PredictEndpoint", &prim::STRING).flags(crate::schema::flags::REQUIRED),
    ],
);
crate::structure!(Predict, PREDICT, 0 => ml_model_id, 1 => record, 2 => predict_endpoint);
static PREDICT_OP: Operation = Operation::new("Predict", "POST", "/", &PREDICT, &EMPTY);

fn predict(endpoint: &str) -> Result<Request<SdkBody>, crate::Error> {
    let (session, seen) = session("{}");
    let client = ClientHandle::new(&session, &ML, &ML_RULES);
    let mut call = Call::<Predict, Empty, NoErrors>::new(&client, &PREDICT_OP);
    let mut record = Map::default();
    record.insert("a".to_owned(), "1".to_owned());
    call.set_input(Predict { ml_model_id: "ml-1".into(), record, predict_endpoint: endpoint.into() });
    crate::http::block_on(call.send()).unwrap().map_err(crate::Error::from)?;
    let mut seen = seen.lock().unwrap();
    Ok(seen.remove(0))
}

#[test]
fn predict_goes_to_its_endpoint_and_is_signed_there() {
    let request = predict("https://realtime.machinelearning.us-east-1.amazonaws.com").unwrap();
    // botocore: machinelearning.predict(MLModelId='ml-1', Record={'a': '1'},
    // PredictEndpoint='https://realtime.machinelearning.us-east-1.amazonaws.com').
    assert_eq!(request.uri().to_string(), "https://realtime.machinelearning.us-east-1.amazonaws.com/");
    assert_eq!(request.headers()["host"], "realtime.machinelearning.us-east-1.amazonaws.com");
    assert_eq!(
        body_text(&request),
        r#"{"MLModelId":"ml-1","Record":{"a":"1"},"PredictEndpoint":"https://realtime.machinelearning.us-east-1.amazonaws.com"}"#
    );
    // botocore's body has spaces after `:` and `,` (Python's json.dumps) and it signs before
    // adding `Content-Length`; its signature (921bdc9f...) is what botocore's `SigV4Auth` gives
    // over a request to the real-time host, so the switch comes before signing. The expected
    // value is botocore's `SigV4Auth` over the request tucuxi sends: the real-time host, the
    // compact body and its `Content-Length`.
    assert_eq!(
        request.headers()["authorization"].to_str().unwrap(),
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/machinelearning/aws4_request, \
         SignedHeaders=content-length;content-type;host;x-amz-date;x-amz-target, Signature=d788247f054cd41f6c416532c692ac75b8f224a6ed5a74fde13a79a828205104"
    );
}

#[test]
fn predict_refuses_an_endpoint_without_a_host() {
    let error = predict("realtime.example.com").unwrap_err();
    assert_eq!(error.kind(), crate::ErrorKind::InvalidInput);
    assert!(error.to_string().contains("PredictEndpoint \"realtime.example.com\" is not a URL"), "{error}");
}
