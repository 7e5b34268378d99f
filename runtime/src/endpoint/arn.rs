//! `aws.parseArn`: splits an Amazon Resource Name into its parts.

use std::sync::Arc;

use super::eval::Val;

/// Parses `arn:partition:service:region:account-id:resource`.
///
/// Returns the structure `{partition, service, region, accountId, resourceId}`, where
/// `resourceId` is the resource part split on both `:` and `/`. Region and account may be
/// empty (IAM and S3 ARNs leave them out); partition, service and resource may not, and
/// anything with fewer than six colon-separated fields is not an ARN.
pub(crate) fn parse_arn(value: &str) -> Option<Arc<[(&'static str, Val<'static>)]>> {
    let rest = value.strip_prefix("arn:")?;
    let mut fields = rest.splitn(5, ':');
    let partition = fields.next()?;
    let service = fields.next()?;
    let region = fields.next()?;
    let account_id = fields.next()?;
    let resource = fields.next()?;
    if partition.is_empty() || service.is_empty() || resource.is_empty() {
        return None;
    }
    let resource_id = resource.split([':', '/']).map(|part| Val::str(part.to_owned())).collect();
    Some(Arc::new([
        ("partition", Val::str(partition.to_owned())),
        ("service", Val::str(service.to_owned())),
        ("region", Val::str(region.to_owned())),
        ("accountId", Val::str(account_id.to_owned())),
        ("resourceId", Val::Array(resource_id)),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoint::eval::to_document;
    use crate::Document;

    fn parsed(value: &str) -> Option<String> {
        parse_arn(value).map(|s| to_document(&Val::Struct(s)).to_json_string())
    }

    #[test]
    fn examples_from_the_specification() {
        assert_eq!(
            parsed("arn:aws:ec2:us-east-1:012345678910:vpc/vpc-0e9801d129EXAMPLE").as_deref(),
            Some(
                r#"{"partition":"aws","service":"ec2","region":"us-east-1","accountId":"012345678910","resourceId":["vpc","vpc-0e9801d129EXAMPLE"]}"#
            )
        );
        assert_eq!(
            parsed("arn:aws:s3:::bucket_name").as_deref(),
            Some(r#"{"partition":"aws","service":"s3","region":"","accountId":"","resourceId":["bucket_name"]}"#)
        );
        let doc = Document::from_json(&parsed("arn:aws:iam::012345678910:user/johndoe").unwrap());
        assert!(doc.is_ok());
        assert_eq!(parsed("11111111-2222-3333-4444-555555555555"), None);
        assert_eq!(parsed("arn:aws:s3:us-west-2:123"), None);
        assert_eq!(parsed("arn::s3:::bucket"), None);
        assert_eq!(parsed("arn:aws:s3:::"), None);
    }
}
