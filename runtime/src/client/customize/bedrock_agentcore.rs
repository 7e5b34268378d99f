//! botocore's `enable_millisecond_timestamp_precision` (`creating-serializer.bedrock-agentcore`):
//! Bedrock AgentCore's data plane takes timestamps at millisecond precision, so botocore builds
//! its serializer with `timestamp_precision='millisecond'`. Every timestamp of that service's
//! input travels in the JSON body (epoch seconds by default, ISO 8601 where the model says so),
//! which is where the precision applies.

use crate::protocol::TimestampPrecision;
use crate::schema::Service;

/// The precision `service`'s timestamps are written at: milliseconds for `bedrock-agentcore`
/// (botocore's service name; its control plane, `bedrock-agentcore-control`, is not included).
pub(crate) fn timestamp_precision(service: &Service) -> TimestampPrecision {
    if service.name == "bedrock-agentcore" {
        TimestampPrecision::Millisecond
    } else {
        TimestampPrecision::Full
    }
}
