//! botocore's wire handlers end to end: S3 `CopySource` encoding with a non-ASCII key, listings
//! decoded after `encoding-type=url`, `GetBucketLocation`'s empty answer; Route 53 ids passed back
//! with the prefix Route 53 returns them with; SQS digests checked on send and receive.

use tucuxi::client::CopySource;
use tucuxi::Map;
use tucuxi_route53::types::{Change, ChangeAction, ChangeBatch, ResourceRecord, ResourceRecordSet, RrType};
use tucuxi_sqs::types::MessageAttributeValue;

use crate::common::{self, unique, Checks, Outcome};

#[test]
fn s3_copy_source_and_listing_encoding() {
    common::run_case("wire-s3", |endpoint, mut checks| async move {
        let outcome = s3(&endpoint, &mut checks).await;
        (checks, outcome)
    });
}

async fn s3(endpoint: &str, checks: &mut Checks) -> Outcome {
    let s3 = tucuxi_s3::Client::new(&common::session(endpoint));
    let bucket = unique("tucuxi-wire");
    s3.create_bucket().bucket(&bucket).send().await?;
    let key = "src/a b/ü+c";
    s3.put_object().bucket(&bucket).key(key).body("copied body").send().await?;

    // The string form, as boto3 users write it.
    s3.copy_object().bucket(&bucket).key("copy-1").copy_source(format!("{bucket}/{key}")).send().await?;
    let copied = s3.get_object().bucket(&bucket).key("copy-1").send().await?;
    let body = copied.body.unwrap_or_default().collect().await?.to_vec();
    checks.eq(body, b"copied body".to_vec(), "a copy from a key with a space, `ü` and `+` has its body")?;
    // The structured form.
    s3.copy_object().bucket(&bucket).key("copy-2").copy_source(CopySource::new(&bucket, key)).send().await?;
    let head = s3.head_object().bucket(&bucket).key("copy-2").send().await?;
    checks.eq(head.content_length, Some(11), "a copy through CopySource::new has the source's length")?;

    // Keys come back through `encoding-type=url` exactly as they were put.
    let awkward = "tab\tkey/é+ 100%";
    s3.put_object().bucket(&bucket).key(awkward).body("x").send().await?;
    let listed = s3.list_objects_v2().bucket(&bucket).prefix("tab\t").send().await?;
    checks.eq(listed.encoding_type.map(|e| e.as_str().to_owned()), Some("url".to_owned()), "S3 answers url-encoded")?;
    let keys: Vec<String> = listed.contents.unwrap_or_default().into_iter().filter_map(|o| o.key).collect();
    checks.eq(keys, vec![awkward.to_owned()], "a key with a tab, `é`, `+`, a space and `%` is listed decoded")?;
    checks.eq(listed.prefix.as_deref(), Some("tab\t"), "and so is the prefix")?;
    let versions = s3.list_object_versions().bucket(&bucket).prefix("src/").send().await?;
    let keys: Vec<String> = versions.versions.unwrap_or_default().into_iter().filter_map(|v| v.key).collect();
    checks.eq(keys, vec![key.to_owned()], "list_object_versions decodes its keys")?;

    let location = s3.get_bucket_location().bucket(&bucket).send().await?;
    checks.eq(location.location_constraint, None, "a us-east-1 bucket has no location constraint")?;

    for k in [key, "copy-1", "copy-2", awkward] {
        s3.delete_object().bucket(&bucket).key(k).send().await?;
    }
    s3.delete_bucket().bucket(&bucket).send().await?;
    Ok(())
}

#[test]
fn route53_ids_round_trip() {
    common::run_case("wire-route53", |endpoint, mut checks| async move {
        let outcome = route53(&endpoint, &mut checks).await;
        (checks, outcome)
    });
}

async fn route53(endpoint: &str, checks: &mut Checks) -> Outcome {
    let r53 = tucuxi_route53::Client::new(&common::session(endpoint));
    let name = format!("{}.example.com", unique("tucuxi"));
    let created = r53.create_hosted_zone().name(&name).caller_reference(unique("ref")).send().await?;
    let id = created.hosted_zone.id;
    checks.ok(id.starts_with("/hostedzone/"), "Route 53 returns the id with its prefix")?;

    // The id goes back exactly as it came.
    let zone = r53.get_hosted_zone().id(&id).send().await?;
    checks.eq(zone.hosted_zone.name.trim_end_matches('.'), name.as_str(), "get_hosted_zone with the prefixed id")?;
    let record = ResourceRecordSet {
        name: format!("www.{name}"),
        type_: RrType::A,
        ttl: Some(60),
        resource_records: Some(vec![ResourceRecord { value: "192.0.2.1".into() }]),
        ..Default::default()
    };
    let change = Change { action: ChangeAction::Create, resource_record_set: record };
    let changed = r53
        .change_resource_record_sets()
        .hosted_zone_id(&id)
        .change_batch(ChangeBatch { changes: vec![change], comment: None })
        .send()
        .await?;
    let sets = r53.list_resource_record_sets().hosted_zone_id(&id).send().await?;
    let found = sets.resource_record_sets.iter().any(|s| s.name.trim_end_matches('.') == format!("www.{name}"));
    checks.ok(found, "the record set created through the prefixed id is listed")?;
    let change_id = changed.change_info.id;
    if change_id.starts_with("/change/") {
        let status = r53.get_change().id(&change_id).send().await?;
        checks.eq(
            status.change_info.id.rsplit('/').next(),
            change_id.rsplit('/').next(),
            "get_change with /change/",
        )?;
    }
    let record = ResourceRecordSet {
        name: format!("www.{name}"),
        type_: RrType::A,
        ttl: Some(60),
        resource_records: Some(vec![ResourceRecord { value: "192.0.2.1".into() }]),
        ..Default::default()
    };
    let delete = Change { action: ChangeAction::Delete, resource_record_set: record };
    r53.change_resource_record_sets()
        .hosted_zone_id(&id)
        .change_batch(ChangeBatch { changes: vec![delete], comment: None })
        .send()
        .await?;
    r53.delete_hosted_zone().id(&id).send().await?;
    Ok(())
}

#[test]
fn sqs_digests_are_checked() {
    common::run_case("wire-sqs", |endpoint, mut checks| async move {
        let outcome = sqs(&endpoint, &mut checks).await;
        (checks, outcome)
    });
}

async fn sqs(endpoint: &str, checks: &mut Checks) -> Outcome {
    let sqs = tucuxi_sqs::Client::new(&common::session(endpoint));
    let url = sqs.create_queue().queue_name(unique("tucuxi-md5")).send().await?.queue_url.ok_or("a queue URL")?;
    let mut attributes = Map::new();
    let attribute = |data_type: &str, value: &str| MessageAttributeValue {
        data_type: data_type.into(),
        string_value: Some(value.into()),
        ..Default::default()
    };
    attributes.insert("City".to_owned(), attribute("String", "Any City"));
    attributes.insert("Population".to_owned(), attribute("Number", "1250800"));
    attributes.insert(
        "Picture".to_owned(),
        MessageAttributeValue {
            data_type: "Binary".into(),
            binary_value: Some(vec![0x00, 0x01, 0xff].into()),
            ..Default::default()
        },
    );
    // A mismatch would be an error: sending succeeding is the check.
    let sent = sqs.send_message().queue_url(&url).message_body("hello").message_attributes(attributes).send().await?;
    // Python, SQS's documented algorithm over these three attributes.
    checks.eq(
        sent.md5_of_message_attributes.as_deref(),
        Some("c6b0e2b3df64db78b5a35db319ee5365"),
        "moto's attribute digest is the one tucuxi verified",
    )?;
    let received = sqs
        .receive_message()
        .queue_url(&url)
        .message_attribute_names(vec!["All".to_owned()])
        .wait_time_seconds(1)
        .send()
        .await?;
    let messages = received.messages.unwrap_or_default();
    checks.eq(messages.len(), 1, "the message is received with its digests checked")?;
    checks.eq(messages[0].md5_of_body.as_deref(), Some("5d41402abc4b2a76b9719d911017c592"), "md5(b'hello')")?;
    sqs.delete_queue().queue_url(&url).send().await?;
    Ok(())
}
