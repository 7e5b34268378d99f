//! moto's signature-enforcing mode: `cargo xtask test` starts a second moto with
//! `INITIAL_NO_AUTH_ACTION_COUNT` set, so its first few calls need no valid signature and every
//! later one is checked the way AWS checks it, recomputed by moto with botocore's signer. Those
//! first calls make an IAM user with an access key and an allow-all policy; the user's keys must
//! then work for every protocol family, and a wrong secret must be refused with a clear error.

use tucuxi::credentials::Credentials;
use tucuxi::{Blob, Map};
use tucuxi_dynamodb::types::AttributeValue;

use crate::common::{self, unique, Checks, Outcome};

/// How many calls the auth moto lets through unsigned; `xtask/src/moto.rs` starts it with this
/// `INITIAL_NO_AUTH_ACTION_COUNT`. The case spends exactly these calls on the user.
pub const NO_AUTH_CALLS: usize = 3;

const ALLOW_ALL: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

#[test]
fn iam_user_keys_are_checked_by_every_protocol() {
    common::run_auth_case("auth", |endpoint, mut checks| async move {
        let outcome = auth(&endpoint, &mut checks).await;
        (checks, outcome)
    });
}

async fn auth(endpoint: &str, checks: &mut Checks) -> Outcome {
    // The unauthenticated calls: moto counts every action, whoever signs it.
    let bootstrap = tucuxi_iam::Client::new(&common::session(endpoint));
    let user_name = unique("tucuxi-user");
    let user = match bootstrap.create_user().user_name(&user_name).send().await {
        Ok(created) => created.user.ok_or("create_user returns the user")?,
        // The unchecked calls are spent once per server: a second run needs a fresh moto.
        Err(e) => {
            return Err(format!(
                "the auth moto checked the first call's signature ({e}); it must be a fresh moto started \
                 with INITIAL_NO_AUTH_ACTION_COUNT={NO_AUTH_CALLS}"
            )
            .into())
        }
    };
    let key = bootstrap.create_access_key().user_name(&user_name).send().await?.access_key;
    bootstrap
        .put_user_policy()
        .user_name(&user_name)
        .policy_name("allow-all")
        .policy_document(ALLOW_ALL)
        .send()
        .await?;
    checks.eq(key.user_name.as_str(), user_name.as_str(), "the access key belongs to the user")?;
    checks.ok(key.access_key_id.starts_with("AKIA"), "an IAM user's access key id")?;
    const _: () = assert!(NO_AUTH_CALLS == 3, "the bootstrap above makes three calls");

    // From here on moto checks every signature.
    let good = Credentials::new(&key.access_key_id, &key.secret_access_key).with_provider("moto-iam-user");
    let session = common::session_with(endpoint, good);

    let me = tucuxi_sts::Client::new(&session).get_caller_identity().send().await?;
    checks.eq(me.arn.as_deref(), Some(user.arn.as_str()), "sts: the caller is the new user")?;
    checks.eq(me.user_id.as_deref(), Some(user.user_id.as_str()), "sts: with the user's id")?;
    checks.eq(me.account.as_deref(), Some("123456789012"), "sts: in moto's account")?;

    let iam = tucuxi_iam::Client::new(&session);
    let fetched = iam.get_user().user_name(&user_name).send().await?.user;
    checks.eq(fetched.arn, user.arn.clone(), "iam (query): get_user signed with the user's keys")?;

    s3(&session, checks).await?;
    sqs(&session, checks).await?;
    dynamodb(&session, checks).await?;
    ec2(&session, checks).await?;
    cloudwatch(&session, checks).await?;

    wrong_secret(endpoint, &key.access_key_id, checks).await?;
    unknown_key(endpoint, checks).await
}

/// rest-xml, signed with S3's settings (`x-amz-content-sha256`, no double encoding).
async fn s3(session: &tucuxi::Session, checks: &mut Checks) -> Outcome {
    let s3 = tucuxi_s3::Client::new(session);
    let bucket = unique("tucuxi-auth").to_lowercase();
    s3.create_bucket().bucket(&bucket).send().await?;
    let key = "a dir/ü+%~=.txt";
    s3.put_object().bucket(&bucket).key(key).body("signed body").send().await?;
    let got = s3.get_object().bucket(&bucket).key(key).send().await?;
    let body = got.body.unwrap_or_default().collect().await?.to_vec();
    checks.eq(body, b"signed body".to_vec(), "s3: a signed put and get of an awkward key")?;
    // A stream goes `aws-chunked`, signed with `STREAMING-UNSIGNED-PAYLOAD-TRAILER` as its hash.
    let stream = tucuxi::ByteStream::from_stream(futures_stream(&["streamed ", "body"]));
    s3.put_object().bucket(&bucket).key(key).body(stream).send().await?;
    let got = s3.get_object().bucket(&bucket).key(key).send().await?;
    let body = got.body.unwrap_or_default().collect().await?.to_vec();
    checks.eq(body, b"streamed body".to_vec(), "s3: a signed aws-chunked put")?;
    s3.delete_object().bucket(&bucket).key(key).send().await?;
    s3.delete_bucket().bucket(&bucket).send().await?;
    Ok(())
}

/// awsJson 1.0 with the query-compatible header.
async fn sqs(session: &tucuxi::Session, checks: &mut Checks) -> Outcome {
    let sqs = tucuxi_sqs::Client::new(session);
    let url = sqs.create_queue().queue_name(unique("tucuxi-auth")).send().await?.queue_url.ok_or("a queue URL")?;
    sqs.send_message().queue_url(&url).message_body("signed \"json\" ü").send().await?;
    let received = sqs.receive_message().queue_url(&url).wait_time_seconds(1).send().await?;
    let bodies: Vec<Option<String>> = received.messages.unwrap_or_default().into_iter().map(|m| m.body).collect();
    checks.eq(bodies, vec![Some("signed \"json\" ü".to_owned())], "sqs: a signed send and receive")?;
    sqs.delete_queue().queue_url(&url).send().await?;
    Ok(())
}

/// awsJson 1.0 with a binary attribute in the signed body.
async fn dynamodb(session: &tucuxi::Session, checks: &mut Checks) -> Outcome {
    let ddb = tucuxi_dynamodb::Client::new(session);
    let table = unique("tucuxi-auth");
    common::create_pk_table(&ddb, &table).await?;
    let mut item = Map::new();
    item.insert("pk".to_owned(), AttributeValue { s: Some("k".into()), ..Default::default() });
    item.insert("b".to_owned(), AttributeValue { b: Some(Blob::from(vec![0u8, 255])), ..Default::default() });
    ddb.put_item().table_name(&table).item(item.clone()).send().await?;
    let mut key = Map::new();
    key.insert("pk".to_owned(), AttributeValue { s: Some("k".into()), ..Default::default() });
    let got = ddb.get_item().table_name(&table).key(key).send().await?.item;
    checks.eq(got, Some(item), "dynamodb: a signed put and get")?;
    ddb.delete_table().table_name(&table).send().await?;
    Ok(())
}

/// The ec2 protocol, with a filter list in the signed form body.
async fn ec2(session: &tucuxi::Session, checks: &mut Checks) -> Outcome {
    use tucuxi_ec2::types::Filter;
    let ec2 = tucuxi_ec2::Client::new(session);
    let vpcs = ec2
        .describe_vpcs()
        .filters(vec![Filter { name: Some("is-default".into()), values: Some(vec!["true".into()]) }])
        .send()
        .await?
        .vpcs
        .unwrap_or_default();
    checks.eq(vpcs.len(), 1, "ec2: a signed describe_vpcs finds the default VPC")?;
    checks.eq(vpcs[0].is_default, Some(true), "ec2: which is the default")?;
    Ok(())
}

/// CloudWatch over JSON (what botocore and moto speak), with a target header in the signature.
async fn cloudwatch(session: &tucuxi::Session, checks: &mut Checks) -> Outcome {
    use tucuxi_cloudwatch::types::MetricDatum;
    let cw = tucuxi_cloudwatch::Client::new(session);
    let namespace = unique("tucuxi/auth");
    let datum = MetricDatum { metric_name: "Signed".into(), value: Some(1.0), ..Default::default() };
    cw.put_metric_data().namespace(&namespace).metric_data(vec![datum]).send().await?;
    let metrics = cw.list_metrics().namespace(&namespace).send().await?.metrics.unwrap_or_default();
    let names: Vec<Option<String>> = metrics.into_iter().map(|m| m.metric_name).collect();
    checks.eq(names, vec![Some("Signed".to_owned())], "cloudwatch: a signed put and list")?;
    Ok(())
}

/// The right key id with a wrong secret: every service must refuse it, and the error must say
/// what was refused without ever showing the secret.
async fn wrong_secret(endpoint: &str, access_key_id: &str, checks: &mut Checks) -> Outcome {
    const WRONG: &str = "wrong-secret-tucuxi-must-never-print";
    let session = common::session_with(endpoint, Credentials::new(access_key_id, WRONG).with_provider("wrong"));
    // moto answers signature errors as query-style XML whatever the protocol; a JSON client
    // (SQS, DynamoDB, CloudWatch) finds no `__type` and reads the XML `<Code>` instead (botocore
    // would report the bare status, "403"). Real AWS answers those in JSON.
    let json_code = "SignatureDoesNotMatch";
    let mut refused = Vec::new();
    refused.push((
        "SignatureDoesNotMatch",
        403,
        "GetCallerIdentity",
        tucuxi_sts::Client::new(&session).get_caller_identity().send().await.err().map(tucuxi::Error::from),
    ));
    refused.push((json_code, 403, "ListQueues", tucuxi_sqs::Client::new(&session).list_queues().send().await.err().map(tucuxi::Error::from)));
    refused.push((
        json_code,
        403,
        "ListTables",
        tucuxi_dynamodb::Client::new(&session).list_tables().send().await.err().map(tucuxi::Error::from),
    ));
    // moto answers EC2's AuthFailure (401) for every signature problem, as EC2 does.
    refused.push((
        "AuthFailure",
        401,
        "DescribeVpcs",
        tucuxi_ec2::Client::new(&session).describe_vpcs().send().await.err().map(tucuxi::Error::from),
    ));
    refused.push((
        json_code,
        403,
        "ListMetrics",
        tucuxi_cloudwatch::Client::new(&session).list_metrics().send().await.err().map(tucuxi::Error::from),
    ));
    refused.push((
        "SignatureDoesNotMatch",
        403,
        "ListBuckets",
        tucuxi_s3::Client::new(&session).list_buckets().send().await.err().map(tucuxi::Error::from),
    ));
    for (code, status, operation, err) in refused {
        let err = err.ok_or_else(|| format!("{operation} with a wrong secret must fail"))?;
        let display = err.to_string();
        let debug = format!("{err:?}");
        checks.eq(err.code(), Some(code), &format!("{operation}: the service's code ({display})"))?;
        checks.eq(err.status(), Some(status), &format!("{operation}: the status"))?;
        checks.eq(err.kind(), tucuxi::ErrorKind::Service, &format!("{operation}: a service error"))?;
        checks.eq(err.operation(), Some(operation), &format!("{operation}: the error names the operation"))?;
        checks.ok(display.contains(operation), &format!("the Display names {operation}: {display}"))?;
        checks.ok(display.contains(code), &format!("the Display names {code}: {display}"))?;
        checks.ok(!display.contains(WRONG) && !debug.contains(WRONG), &format!("{operation}: the secret is hidden"))?;
        checks.ok(
            err.message().is_some_and(|m| m.contains("signature") || m.contains("credentials")),
            &format!("{operation}: the message explains the refusal: {display}"),
        )?;
    }
    Ok(())
}

/// A key id moto has never issued is a different error: the token itself is invalid.
async fn unknown_key(endpoint: &str, checks: &mut Checks) -> Outcome {
    let credentials = Credentials::new("AKIAUNKNOWNTUCUXI000", "whatever-secret").with_provider("unknown");
    let session = common::session_with(endpoint, credentials);
    let err =
        tucuxi_sts::Client::new(&session).get_caller_identity().send().await.err().map(tucuxi::Error::from).ok_or("an unknown key fails")?;
    checks.eq(err.code(), Some("InvalidClientTokenId"), &format!("an unknown key id: {err}"))?;
    checks.ok(err.to_string().contains("GetCallerIdentity"), &format!("the Display names the operation: {err}"))?;
    checks.ok(!format!("{err:?}").contains("whatever-secret"), "the secret is hidden")
}

/// A one-shot stream of `pieces`, of unknown length.
fn futures_stream(
    pieces: &[&'static str],
) -> impl futures_core::Stream<Item = Result<&'static str, std::convert::Infallible>> + Send + 'static {
    struct Pieces(std::collections::VecDeque<&'static str>);
    impl futures_core::Stream for Pieces {
        type Item = Result<&'static str, std::convert::Infallible>;
        fn poll_next(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Self::Item>> {
            std::task::Poll::Ready(self.0.pop_front().map(Ok))
        }
    }
    Pieces(pieces.iter().copied().collect())
}
