//! `rest-xml` responses and errors: S3 and Route 53, headers and status included.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tucuxi::protocol::{xml, NoErrors};
use tucuxi_fuzz::{direct, operations, Case};
use {tucuxi_route53 as r53, tucuxi_s3 as s3};

fuzz_target!(|data: &[u8]| {
    let Some(case) = Case::split(data) else { return };
    operations!(&case;
        s3::types::ListObjectsV2Output, s3::errors::ListObjectsV2Error => s3::SERVICE, s3::operations::LIST_OBJECTS_V2;
        s3::types::GetBucketLifecycleConfigurationOutput, NoErrors =>
            s3::SERVICE, s3::operations::GET_BUCKET_LIFECYCLE_CONFIGURATION;
        s3::types::CompleteMultipartUploadOutput, NoErrors => s3::SERVICE, s3::operations::COMPLETE_MULTIPART_UPLOAD;
        s3::types::GetObjectOutput, s3::errors::GetObjectError => s3::SERVICE, s3::operations::GET_OBJECT;
        s3::types::HeadObjectOutput, s3::errors::HeadObjectError => s3::SERVICE, s3::operations::HEAD_OBJECT;
        s3::types::GetBucketPolicyOutput, NoErrors => s3::SERVICE, s3::operations::GET_BUCKET_POLICY;
        s3::types::GetObjectAttributesOutput, s3::errors::GetObjectAttributesError =>
            s3::SERVICE, s3::operations::GET_OBJECT_ATTRIBUTES;
        r53::types::ListResourceRecordSetsResponse, r53::errors::ListResourceRecordSetsError =>
            r53::SERVICE, r53::operations::LIST_RESOURCE_RECORD_SETS;
    );
    let _ = xml::xml_error_info(case.body);
    direct::<s3::types::ListObjectsV2Output, _>(|shape| {
        xml::read_xml_error(case.body, shape, &s3::types::LIST_OBJECTS_V2_OUTPUT)
    });
});
