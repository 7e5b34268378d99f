//! `ec2` responses and errors.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tucuxi::protocol::{xml, NoErrors};
use tucuxi_ec2 as ec2;
use tucuxi_fuzz::{direct, operations, Case};

fuzz_target!(|data: &[u8]| {
    let Some(case) = Case::split(data) else { return };
    operations!(&case;
        ec2::types::DescribeInstancesResult, NoErrors => ec2::SERVICE, ec2::operations::DESCRIBE_INSTANCES;
        ec2::types::DescribeSecurityGroupsResult, NoErrors => ec2::SERVICE, ec2::operations::DESCRIBE_SECURITY_GROUPS;
        ec2::types::DescribeImagesResult, NoErrors => ec2::SERVICE, ec2::operations::DESCRIBE_IMAGES;
    );
    let _ = xml::xml_error_info(case.body);
    // EC2 models no errors, so read an error body into a big output shape instead.
    direct::<ec2::types::DescribeInstancesResult, _>(|shape| {
        xml::read_xml_error(case.body, shape, &ec2::types::DESCRIBE_INSTANCES_RESULT)
    });
});
