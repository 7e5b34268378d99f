//! `query` responses and errors: IAM, STS, CloudFormation.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tucuxi::protocol::{xml, NoErrors};
use tucuxi_fuzz::{direct, operations, Case};
use {tucuxi_cloudformation as cfn, tucuxi_iam as iam, tucuxi_sts as sts};

fuzz_target!(|data: &[u8]| {
    let Some(case) = Case::split(data) else { return };
    operations!(&case;
        iam::types::GetAccountAuthorizationDetailsResponse, iam::errors::GetAccountAuthorizationDetailsError =>
            iam::SERVICE, iam::operations::GET_ACCOUNT_AUTHORIZATION_DETAILS;
        iam::types::ListRolesResponse, iam::errors::ListRolesError => iam::SERVICE, iam::operations::LIST_ROLES;
        sts::types::AssumeRoleResponse, sts::errors::AssumeRoleError => sts::SERVICE, sts::operations::ASSUME_ROLE;
        cfn::types::DescribeStacksOutput, NoErrors => cfn::SERVICE, cfn::operations::DESCRIBE_STACKS;
    );
    let _ = xml::xml_error_info(case.body);
    direct::<iam::types::GetAccountAuthorizationDetailsResponse, _>(|shape| {
        xml::read_xml_error(case.body, shape, &iam::types::GET_ACCOUNT_AUTHORIZATION_DETAILS_RESPONSE)
    });
});
