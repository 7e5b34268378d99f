//! Which of the service-specific handlers a service has, as a table the generated `Service`
//! static names (`handlers: rt::Handlers::of("s3")`).
//!
//! The entry points in `customize` call a service's handlers through its table rather than
//! checking the service's name at each point: such checks would reference every service's
//! handlers from every binary (S3's `GetBucketLocation` reader brings the XML schema reader into a
//! DynamoDB app); the table references only the handlers of the services the binary uses.
//! Each handler still checks the service and operation it applies to, so a table is a filter,
//! never a reason for a handler to run where botocore's would not.

use http::HeaderMap;

use super::{bedrock_agentcore, cloudsearchdomain, ec2, glacier, machinelearning, polly, presigned_url, s3, sqs};
use crate::client::invoke::Prepared;
use crate::client::ClientHandle;
use crate::credentials::Credentials;
use crate::protocol::{SerializedRequest, TimestampPrecision};
use crate::schema::{Operation, Service};
use crate::shape::Shape;
use crate::Error;

type BeforeSerialize = fn(&'static Service, &'static Operation, &mut dyn Shape);
type AfterSerialize = fn(&'static Service, &'static Operation, &dyn Shape, &mut SerializedRequest);
type BeforeCall = fn(&'static Operation, &mut SerializedRequest);
type BeforeSend =
    fn(&ClientHandle, &'static Operation, &mut dyn Shape, &mut Prepared, Option<&Credentials>) -> Result<(), Error>;
type BeforePresign = fn(&'static Service, &'static Operation, &mut SerializedRequest) -> Result<(), Error>;
type BeforeParse = fn(&'static Operation, &mut HeaderMap);
type AfterParse =
    fn(&'static Service, &'static Operation, &dyn Shape, &mut dyn Shape, u16, Option<&[u8]>) -> Result<(), Error>;

/// The handlers of one service, at the points of a call `customize` names. Built only by
/// [`Handlers::of`].
pub struct Handlers {
    pub(super) before_serialize: Option<BeforeSerialize>,
    pub(super) after_serialize: Option<AfterSerialize>,
    pub(super) before_call: Option<BeforeCall>,
    pub(super) before_send: Option<BeforeSend>,
    pub(super) before_presign: Option<BeforePresign>,
    pub(super) before_parse: Option<BeforeParse>,
    pub(super) after_parse: Option<AfterParse>,
    pub(super) precision: fn(&Service) -> TimestampPrecision,
}

impl core::fmt::Debug for Handlers {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Handlers")
    }
}

fn full_precision(_: &Service) -> TimestampPrecision {
    TimestampPrecision::Full
}

const NONE: Handlers = Handlers {
    before_serialize: None,
    after_serialize: None,
    before_call: None,
    before_send: None,
    before_presign: None,
    before_parse: None,
    after_parse: None,
    precision: full_precision,
};

const S3: Handlers = Handlers {
    before_serialize: Some(|_, op, input| s3::before_serialize(op, input)),
    after_serialize: Some(|_, op, input, request| s3::after_serialize(op, input, request)),
    before_call: Some(s3::before_call),
    before_parse: Some(s3::before_parse),
    after_parse: Some(|_, op, input, output, status, body| s3::after_parse(op, input, output, status, body)),
    ..NONE
};

const EC2: Handlers = Handlers {
    before_serialize: Some(ec2::before_serialize),
    before_send: Some(presigned_url::inject),
    after_parse: Some(|service, op, _, output, _, _| {
        ec2::after_parse(service, op, output);
        Ok(())
    }),
    ..NONE
};

/// Auto Scaling's `CreateLaunchConfiguration` takes `UserData` as EC2's `RunInstances` does.
const AUTOSCALING: Handlers = Handlers { before_serialize: Some(ec2::before_serialize), ..NONE };

const SQS: Handlers =
    Handlers { after_parse: Some(|_, op, input, output, status, _| sqs::verify(op, input, output, status)), ..NONE };

const GLACIER: Handlers = Handlers {
    before_serialize: Some(glacier::before_serialize),
    after_serialize: Some(|service, op, _, request| glacier::after_serialize(service, op, request)),
    ..NONE
};

/// RDS, Neptune and DocumentDB: the presigned URL of a cross-region copy.
const PRESIGNED_URL: Handlers = Handlers { before_send: Some(presigned_url::inject), ..NONE };

const CLOUDSEARCHDOMAIN: Handlers = Handlers {
    before_send: Some(|client, op, _, prepared, _| {
        cloudsearchdomain::get_to_post(client.inner.service, op, prepared);
        Ok(())
    }),
    ..NONE
};

const MACHINELEARNING: Handlers = Handlers {
    before_send: Some(|client, op, input, prepared, _| {
        machinelearning::switch_host(client.inner.service, op, &*input, prepared)
    }),
    ..NONE
};

const POLLY: Handlers = Handlers { before_presign: Some(polly::body_to_form), ..NONE };

const BEDROCK_AGENTCORE: Handlers = Handlers { precision: bedrock_agentcore::timestamp_precision, ..NONE };

impl Handlers {
    /// The handlers of the service botocore names `name`. Call it in a `static` (as the
    /// generated crates do) so that only those handlers are referenced from the binary.
    pub const fn of(name: &str) -> &'static Handlers {
        match name.as_bytes() {
            b"s3" => &S3,
            b"ec2" => &EC2,
            b"autoscaling" => &AUTOSCALING,
            b"sqs" => &SQS,
            b"glacier" => &GLACIER,
            b"rds" | b"neptune" | b"docdb" => &PRESIGNED_URL,
            b"cloudsearchdomain" => &CLOUDSEARCHDOMAIN,
            b"machinelearning" => &MACHINELEARNING,
            b"polly" => &POLLY,
            b"bedrock-agentcore" => &BEDROCK_AGENTCORE,
            _ => &NONE,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The handlers that pick their services from a table of their own must find those
    /// services' tables pointing at them: a service missing here would lose botocore's handler
    /// without any other test noticing.
    #[test]
    fn every_service_a_handler_names_has_that_handler() {
        for (service, _) in ec2::USER_DATA_OPERATIONS {
            assert!(Handlers::of(service).before_serialize.is_some(), "{service}: base64_encode_user_data");
        }
        for service in presigned_url::services() {
            assert!(Handlers::of(service).before_send.is_some(), "{service}: the presigned URL of a copy");
        }
        for service in ["s3", "glacier"] {
            assert!(Handlers::of(service).before_serialize.is_some(), "{service}");
            assert!(Handlers::of(service).after_serialize.is_some(), "{service}");
        }
        for service in ["s3", "ec2", "sqs"] {
            assert!(Handlers::of(service).after_parse.is_some(), "{service}");
        }
        assert!(Handlers::of("cloudsearchdomain").before_send.is_some());
        assert!(Handlers::of("machinelearning").before_send.is_some());
        assert!(Handlers::of("polly").before_presign.is_some());
        // (Bedrock AgentCore's precision goes through the table in wire_tests.)
        // A service without handlers gets none.
        let none = Handlers::of("dynamodb");
        assert!(none.before_serialize.is_none() && none.after_parse.is_none() && none.before_send.is_none());
    }
}
