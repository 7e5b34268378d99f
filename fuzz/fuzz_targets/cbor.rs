//! `smithy-rpc-v2-cbor` responses and errors: CloudWatch, and the kitchen sink's shapes (every
//! kind of member, recursion, unions, sparse collections) behind a CBOR copy of its service.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tucuxi::codegen as rt;
use tucuxi::protocol::cbor;
use tucuxi_fuzz::{direct, operations, Case};
use tucuxi_kitchensink::types::{Thing, THING};
use {tucuxi_cloudwatch as cw, tucuxi_kitchensink as ks};

/// The kitchen sink as a query-compatible CBOR service.
static KITCHENSINK_CBOR: rt::Service = rt::Service {
    name: "kitchensink",
    service_id: "Kitchen Sink",
    full_name: "Kitchen Sink Service",
    api_version: "2024-01-01",
    endpoint_prefix: "kitchen",
    signing_name: "kitchen",
    protocol: rt::Protocol::RpcV2Cbor,
    protocols: &[rt::Protocol::RpcV2Cbor],
    json_version: None,
    target_prefix: None,
    xml_namespace: None,
    global_endpoint: None,
    signature_version: "v4",
    auth: &["aws.auth#sigv4"],
    aws_query_compatible: true,
    exceptions: None,
    endpoint_discovery: None,
};

fuzz_target!(|data: &[u8]| {
    let Some(case) = Case::split(data) else { return };
    operations!(&case;
        cw::types::GetMetricDataOutput, cw::errors::GetMetricDataError => cw::SERVICE, cw::operations::GET_METRIC_DATA;
        cw::types::DescribeAlarmsOutput, cw::errors::DescribeAlarmsError => cw::SERVICE, cw::operations::DESCRIBE_ALARMS;
        cw::types::GetMetricStatisticsOutput, cw::errors::GetMetricStatisticsError =>
            cw::SERVICE, cw::operations::GET_METRIC_STATISTICS;
        ks::types::PutThingOutput, ks::errors::PutThingError => KITCHENSINK_CBOR, ks::operations::PUT_THING;
    );
    direct::<Thing, _>(|thing| cbor::from_cbor(case.body, thing, &THING));
    let _ = cbor::cbor_error_info(case.body);
    let _ = cbor::cbor_to_document(case.body);
});
