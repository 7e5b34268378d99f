//! The Stubber's response encoder against the response parser, one service per protocol: an
//! output encoded by `tucuxi::stub::encode` and read back by `deserialize_response` equals the
//! value it started from, and an encoded exception reads back as the same modeled error.

use tucuxi::client::OperationType;
use tucuxi::protocol::{deserialize_error, deserialize_response, OperationErrors};
use tucuxi::shape::Shape;
use tucuxi::stub::encode::{encode_error, encode_output, exception_code};
use tucuxi::{ByteStream, DateTime};

/// Encodes `output` as `Op`'s answer and parses it back.
fn round_trip<Op>(output: Op::Output) -> Op::Output
where
    Op: OperationType,
    Op::Output: Clone,
{
    let mut sent = output;
    let encoded = encode_output(Op::service(), Op::operation(), &mut sent).expect("the output encodes");
    let mut back = Op::Output::default();
    deserialize_response(
        Op::service(),
        Op::operation(),
        encoded.status,
        &encoded.headers,
        ByteStream::from(encoded.body),
        &mut back,
    )
    .unwrap_or_else(|e| panic!("{} does not parse back: {e}", Op::operation().name));
    back
}

/// Encodes an exception answer of `Op` and reads it back as its modeled error enum `E`.
fn error_round_trip<Op: OperationType, E: OperationErrors>(fields: &dyn Shape, status: u16) -> tucuxi::Error {
    let code = exception_code(fields);
    let encoded = encode_error(Op::service(), code, "it failed", status, Some(fields)).expect("the error encodes");
    let err = deserialize_error::<E>(Op::service(), Op::operation(), encoded.status, &encoded.headers, &encoded.body);
    assert_eq!(err.code(), Some(code));
    assert_eq!(err.status(), Some(status));
    err
}

fn time(seconds: i64) -> DateTime {
    DateTime::from_secs(seconds)
}

#[test]
fn rest_xml_s3() {
    use tucuxi_s3::types as t;
    let object = |key: &str| t::Object {
        key: Some(key.into()),
        size: Some(10),
        last_modified: Some(time(1_700_000_000)),
        e_tag: Some("\"e\"".into()),
        storage_class: Some("STANDARD".into()),
        ..Default::default()
    };
    let output = t::ListObjectsV2Output {
        is_truncated: Some(true),
        contents: Some(vec![object("a b&c"), object("d")]),
        name: Some("bucket".into()),
        key_count: Some(2),
        next_continuation_token: Some("tok".into()),
        common_prefixes: Some(vec![t::CommonPrefix { prefix: Some("p/".into()) }]),
        ..Default::default()
    };
    assert_eq!(round_trip::<tucuxi_s3::client::ListObjectsV2>(output.clone()), output);

    // Header-bound members, a prefix-header map and a blob payload.
    let head = t::HeadObjectOutput {
        content_length: Some(3),
        last_modified: Some(time(1_700_000_000)),
        metadata: Some([("k".to_owned(), "v".to_owned())].into_iter().collect()),
        delete_marker: Some(false),
        ..Default::default()
    };
    assert_eq!(round_trip::<tucuxi_s3::client::HeadObject>(head.clone()), head);

    let err = error_round_trip::<tucuxi_s3::client::GetObject, tucuxi_s3::errors::GetObjectError>(
        &t::NoSuchKey::default(),
        404,
    );
    assert!(matches!(err.modeled(), Some(tucuxi_s3::errors::GetObjectError::NoSuchKey(_))));
    assert_eq!(err.message(), Some("it failed"));
}

#[test]
fn rest_json_lambda() {
    use tucuxi_lambda::types as t;
    let output = t::InvocationResponse {
        status_code: Some(202),
        function_error: Some("Unhandled".into()),
        executed_version: Some("$LATEST".into()),
        payload: Some(b"{\"ok\":true}".to_vec().into()),
        ..Default::default()
    };
    assert_eq!(round_trip::<tucuxi_lambda::client::Invoke>(output.clone()), output);

    let config = t::FunctionConfiguration {
        function_name: Some("f".into()),
        runtime: Some("python3.12".into()),
        memory_size: Some(128),
        timeout: Some(3),
        environment: Some(t::EnvironmentResponse {
            variables: Some([("A".to_owned(), "1".to_owned())].into_iter().collect()),
            ..Default::default()
        }),
        ..Default::default()
    };
    assert_eq!(round_trip::<tucuxi_lambda::client::GetFunctionConfiguration>(config.clone()), config);

    let fields = t::ResourceNotFoundException { type_: Some("User".into()), message: Some("no function".into()) };
    let err = error_round_trip::<tucuxi_lambda::client::Invoke, tucuxi_lambda::errors::InvokeError>(&fields, 404);
    match err.modeled() {
        Some(tucuxi_lambda::errors::InvokeError::ResourceNotFoundException(e)) => assert_eq!(e, &fields),
        other => panic!("{other:?}"),
    }
    assert_eq!(err.message(), Some("no function"), "the fields' message is the error's");
}

#[test]
fn aws_json_dynamodb() {
    use tucuxi_dynamodb::types as t;
    let value = |s: &str| t::AttributeValue { s: Some(s.into()), ..Default::default() };
    let nested = t::AttributeValue {
        m: Some([("inner".to_owned(), value("x"))].into_iter().collect()),
        l: None,
        ..Default::default()
    };
    let output = t::QueryOutput {
        items: Some(vec![[("a".to_owned(), value("1")), ("m".to_owned(), nested)].into_iter().collect()]),
        count: Some(1),
        scanned_count: Some(1),
        last_evaluated_key: Some([("a".to_owned(), value("1"))].into_iter().collect()),
        ..Default::default()
    };
    assert_eq!(round_trip::<tucuxi_dynamodb::client::Query>(output.clone()), output);

    let fields = t::ResourceNotFoundException { message: Some("no table".into()) };
    let err = error_round_trip::<tucuxi_dynamodb::client::Query, tucuxi_dynamodb::errors::QueryError>(&fields, 400);
    assert!(
        matches!(err.modeled(), Some(tucuxi_dynamodb::errors::QueryError::ResourceNotFoundException(e)) if e == &fields)
    );
}

#[test]
fn query_iam() {
    use tucuxi_iam::types as t;
    let user = |name: &str| t::User {
        path: "/".into(),
        user_name: name.into(),
        user_id: format!("ID{name}"),
        arn: format!("arn:aws:iam::1:user/{name}"),
        create_date: time(1_600_000_000),
        tags: Some(vec![t::Tag { key: "k".into(), value: "v<&>".into() }]),
        ..Default::default()
    };
    let output =
        t::ListUsersResponse { users: vec![user("a"), user("b")], is_truncated: Some(true), marker: Some("m".into()) };
    assert_eq!(round_trip::<tucuxi_iam::client::ListUsers>(output.clone()), output);

    let fields = t::ServiceFailureException { message: Some("boom".into()) };
    let err = error_round_trip::<tucuxi_iam::client::ListUsers, tucuxi_iam::errors::ListUsersError>(&fields, 500);
    assert_eq!(err.code(), Some("ServiceFailure"), "the query code of the model, not the shape name");
    assert!(
        matches!(err.modeled(), Some(tucuxi_iam::errors::ListUsersError::ServiceFailureException(e)) if e == &fields)
    );
}

#[test]
fn ec2() {
    use tucuxi_ec2::types as t;
    let instance = t::Instance {
        instance_id: Some("i-1".into()),
        instance_type: Some("t3.micro".into()),
        launch_time: Some(time(1_650_000_000)),
        state: Some(t::InstanceState { code: Some(16), name: Some("running".into()) }),
        tags: Some(vec![t::Tag { key: Some("Name".into()), value: Some("web".into()) }]),
        ..Default::default()
    };
    let output = t::DescribeInstancesResult {
        reservations: Some(vec![t::Reservation {
            reservation_id: Some("r-1".into()),
            owner_id: Some("1".into()),
            instances: Some(vec![instance.clone(), instance]),
            ..Default::default()
        }]),
        next_token: Some("n".into()),
    };
    assert_eq!(round_trip::<tucuxi_ec2::client::DescribeInstances>(output.clone()), output);

    // EC2 models no exceptions: the code and message are what a test matches on.
    let encoded =
        encode_error(&tucuxi_ec2::SERVICE, "InvalidInstanceID.NotFound", "no such instance", 400, None).unwrap();
    let op = <tucuxi_ec2::client::DescribeInstances as OperationType>::operation();
    let err =
        deserialize_error::<tucuxi::protocol::NoErrors>(&tucuxi_ec2::SERVICE, op, 400, &encoded.headers, &encoded.body);
    assert_eq!(err.code(), Some("InvalidInstanceID.NotFound"));
    assert_eq!(err.message(), Some("no such instance"));
    assert_eq!(err.request_id(), Some("stubbed-request-id"));
}

#[test]
fn rpc_v2_cbor_cloudwatch() {
    use tucuxi_cloudwatch::types as t;
    let output = t::GetMetricDataOutput {
        metric_data_results: Some(vec![t::MetricDataResult {
            id: Some("m1".into()),
            label: Some("CPU".into()),
            timestamps: Some(vec![time(1_700_000_000), time(1_700_000_060)]),
            values: Some(vec![1.5, 2.25]),
            status_code: Some("Complete".into()),
            ..Default::default()
        }]),
        next_token: Some("n".into()),
        ..Default::default()
    };
    assert_eq!(round_trip::<tucuxi_cloudwatch::client::GetMetricData>(output.clone()), output);

    let fields = t::InvalidNextToken { message: Some("bad token".into()) };
    let err = error_round_trip::<tucuxi_cloudwatch::client::GetMetricData, tucuxi_cloudwatch::errors::GetMetricDataError>(
        &fields, 400,
    );
    assert!(matches!(
        err.modeled(),
        Some(tucuxi_cloudwatch::errors::GetMetricDataError::InvalidNextToken(e)) if e == &fields
    ));
}
