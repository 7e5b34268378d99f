//! The query- and ec2-protocol services against moto: EC2, STS, IAM, SNS and CloudFormation.

use std::time::Duration;

use tucuxi_cloudformation::types::StackStatus;
use tucuxi_ec2::types::{Filter, InstanceStateName, Tag};
use tucuxi_iam::errors::GetUserError;

use crate::common::{self, unique, Checks, Outcome};

fn filter(name: &str, values: &[&str]) -> Filter {
    Filter { name: Some(name.to_owned()), values: Some(values.iter().map(|v| (*v).to_owned()).collect()) }
}

#[test]
fn ec2_instances_and_tags() {
    common::run_case("ec2", |endpoint, mut checks| async move {
        let outcome = ec2(&endpoint, &mut checks).await;
        (checks, outcome)
    });
}

async fn ec2(endpoint: &str, checks: &mut Checks) -> Outcome {
    let ec2 = tucuxi_ec2::Client::new(&common::session(endpoint));
    // moto ships a catalogue of public AMIs; use one it knows rather than guess an id.
    let images = ec2.describe_images().owners(vec!["amazon".to_owned()]).send().await?.images.unwrap_or_default();
    checks.ok(!images.is_empty(), "moto lists some Amazon-owned images")?;
    let image_id = images.iter().find_map(|i| i.image_id.clone()).ok_or("an image with an id")?;
    checks.ok(image_id.starts_with("ami-"), "image ids look like ami-...")?;

    let reservation =
        ec2.run_instances().image_id(&image_id).instance_type("t2.micro").min_count(1).max_count(1).send().await?;
    let instances = reservation.instances.unwrap_or_default();
    checks.eq(instances.len(), 1, "run_instances starts one instance")?;
    let instance_id = instances[0].instance_id.clone().ok_or("the instance has an id")?;
    checks.eq(instances[0].image_id.as_deref(), Some(image_id.as_str()), "the instance runs the chosen image")?;

    let marker = unique("run");
    ec2.create_tags()
        .resources(vec![instance_id.clone()])
        .tags(vec![
            Tag { key: Some("Name".into()), value: Some("tucuxi e2e".into()) },
            Tag { key: Some("run".into()), value: Some(marker.clone()) },
        ])
        .send()
        .await?;
    checks.ok(true, "create_tags succeeded")?;

    let running = ec2
        .describe_instances()
        .filters(vec![filter("instance-state-name", &["running"]), filter("tag:run", &[&marker])])
        .send()
        .await?;
    let found: Vec<String> = running
        .reservations
        .unwrap_or_default()
        .into_iter()
        .flat_map(|r| r.instances.unwrap_or_default())
        .filter_map(|i| i.instance_id)
        .collect();
    checks.eq(found, vec![instance_id.clone()], "the state and tag filters find exactly the new instance")?;

    let tags = ec2.describe_tags().filters(vec![filter("resource-id", &[&instance_id])]).send().await?;
    let mut pairs: Vec<(String, String)> =
        tags.tags.unwrap_or_default().into_iter().filter_map(|t| Some((t.key?, t.value?))).collect();
    pairs.sort();
    checks.eq(
        pairs,
        vec![("Name".to_owned(), "tucuxi e2e".to_owned()), ("run".to_owned(), marker.clone())],
        "describe_tags returns both tags",
    )?;

    let terminated = ec2.terminate_instances().instance_ids(vec![instance_id.clone()]).send().await?;
    let change = terminated.terminating_instances.unwrap_or_default();
    checks.eq(change.len(), 1, "one instance is terminating")?;
    let state = change[0].current_state.as_ref().and_then(|s| s.name.clone());
    checks.ok(
        matches!(state, Some(InstanceStateName::ShuttingDown | InstanceStateName::Terminated)),
        &format!("the instance is shutting down or terminated, not {state:?}"),
    )?;
    let still_running = ec2
        .describe_instances()
        .filters(vec![filter("instance-state-name", &["running"]), filter("tag:run", &[&marker])])
        .send()
        .await?;
    checks.ok(still_running.reservations.unwrap_or_default().is_empty(), "no running instance is left")
}

#[test]
fn ec2_cross_region_copy_snapshot() {
    common::run_case("ec2-copy-snapshot", |endpoint, mut checks| async move {
        let outcome = ec2_copy_snapshot(&endpoint, &mut checks).await;
        (checks, outcome)
    });
}

/// A snapshot made in us-west-2 copied by a us-east-1 client: the call carries the presigned URL
/// and `DestinationRegion` botocore's `inject_presigned_url_ec2` adds (pinned byte for byte in
/// tests/cross_region_copy.rs), and moto copies from the source region's store.
async fn ec2_copy_snapshot(endpoint: &str, checks: &mut Checks) -> Outcome {
    let session = common::session(endpoint);
    let west_config = tucuxi::client::ClientConfig { region: Some("us-west-2".into()), ..Default::default() };
    let west = tucuxi_ec2::Client::with_config(&session, west_config);
    let east = tucuxi_ec2::Client::new(&session);
    let volume = west.create_volume().availability_zone("us-west-2a").size(1).send().await?;
    let volume_id = volume.volume_id.ok_or("the volume has an id")?;
    let marker = unique("copy");
    let snapshot = west.create_snapshot().volume_id(&volume_id).description(&marker).send().await?;
    let source_id = snapshot.snapshot_id.ok_or("the snapshot has an id")?;

    let copy = east
        .copy_snapshot()
        .source_region("us-west-2")
        .source_snapshot_id(&source_id)
        .description(format!("{marker} copied"))
        .send()
        .await?;
    let copy_id = copy.snapshot_id.ok_or("the copy has an id")?;
    checks.ok(copy_id != source_id, "the copy is a new snapshot")?;
    let found = east.describe_snapshots().snapshot_ids(vec![copy_id.clone()]).send().await?;
    let found = found.snapshots.unwrap_or_default();
    checks.eq(found.len(), 1, "the copy is in the destination region")?;
    checks.eq(found[0].volume_id.as_deref(), Some(volume_id.as_str()), "the copy is of the source's volume")
}

#[test]
fn sts_caller_identity_and_assume_role() {
    common::run_case("sts", |endpoint, mut checks| async move {
        let outcome = sts(&endpoint, &mut checks).await;
        (checks, outcome)
    });
}

async fn sts(endpoint: &str, checks: &mut Checks) -> Outcome {
    let sts = tucuxi_sts::Client::new(&common::session(endpoint));
    let me = sts.get_caller_identity().send().await?;
    checks.eq(me.account.as_deref(), Some("123456789012"), "moto's default account")?;
    checks.ok(me.arn.is_some_and(|a| a.starts_with("arn:aws:")), "the caller has an ARN")?;

    let assumed = sts
        .assume_role()
        .role_arn("arn:aws:iam::123456789012:role/tucuxi-e2e")
        .role_session_name("tucuxi-e2e-session")
        .duration_seconds(900)
        .send()
        .await?;
    let credentials = assumed.credentials.ok_or("assume_role returns credentials")?;
    checks.ok(credentials.access_key_id.len() >= 16, "an access key id")?;
    checks.ok(!credentials.secret_access_key.is_empty(), "a secret key")?;
    checks.ok(!credentials.session_token.is_empty(), "a session token")?;
    let expires = std::time::SystemTime::try_from(credentials.expiration)?;
    checks.ok(expires > std::time::SystemTime::now(), "the credentials expire in the future")?;
    let user = assumed.assumed_role_user.ok_or("assume_role returns the assumed user")?;
    checks.ok(user.arn.ends_with("role/tucuxi-e2e/tucuxi-e2e-session"), "the assumed-role ARN names the session")
}

#[test]
fn iam_users_and_no_such_entity() {
    common::run_case("iam", |endpoint, mut checks| async move {
        let outcome = iam(&endpoint, &mut checks).await;
        (checks, outcome)
    });
}

async fn iam(endpoint: &str, checks: &mut Checks) -> Outcome {
    let iam = tucuxi_iam::Client::new(&common::session(endpoint));
    let name = unique("tucuxi-user");
    let created = iam.create_user().user_name(&name).path("/e2e/").send().await?;
    let user = created.user.ok_or("create_user returns the user")?;
    checks.eq(user.user_name.as_str(), name.as_str(), "the created user's name")?;
    checks.eq(user.path.as_str(), "/e2e/", "the created user's path")?;

    let listed = iam.list_users().path_prefix("/e2e/").send().await?;
    checks.ok(listed.users.iter().any(|u| u.user_name == name), "list_users shows the user")?;
    let got = iam.get_user().user_name(&name).send().await?;
    checks.eq(got.user.arn.as_str(), user.arn.as_str(), "get_user returns the same ARN")?;

    // IAM answers policy documents as urlencode(json); they read back as the JSON that was put.
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:List*","Resource":"*"}]}"#;
    iam.put_user_policy().user_name(&name).policy_name("list").policy_document(policy).send().await?;
    let got = iam.get_user_policy().user_name(&name).policy_name("list").send().await?;
    checks.eq(got.policy_document.as_str(), policy, "the policy document reads back decoded")?;
    iam.delete_user_policy().user_name(&name).policy_name("list").send().await?;

    iam.delete_user().user_name(&name).send().await?;
    let gone = iam.get_user().user_name(&name).send().await.err().ok_or("get_user of a deleted user")?;
    checks.eq(gone.code(), Some("NoSuchEntity"), "a deleted user is NoSuchEntity")?;
    checks.ok(
        matches!(gone.modeled::<GetUserError>(), Some(GetUserError::NoSuchEntityException(_))),
        "NoSuchEntity is modeled as GetUserError::NoSuchEntityException",
    )?;
    checks.ok(gone.message().is_some_and(|m| m.contains(&name)), "the message names the user")
}

#[test]
fn sns_topics_and_publish() {
    common::run_case("sns", |endpoint, mut checks| async move {
        let outcome = sns(&endpoint, &mut checks).await;
        (checks, outcome)
    });
}

async fn sns(endpoint: &str, checks: &mut Checks) -> Outcome {
    let sns = tucuxi_sns::Client::new(&common::session(endpoint));
    let name = unique("tucuxi-topic");
    let arn = sns.create_topic().name(&name).send().await?.topic_arn.ok_or("create_topic returns an ARN")?;
    checks.ok(arn.ends_with(&format!(":{name}")), "the topic ARN ends with its name")?;
    let topics = sns.list_topics().send().await?.topics.unwrap_or_default();
    checks.ok(topics.iter().any(|t| t.topic_arn.as_deref() == Some(arn.as_str())), "list_topics shows it")?;
    let published = sns.publish().topic_arn(&arn).subject("e2e").message("hello from tucuxi & <moto>").send().await?;
    checks.ok(published.message_id.is_some_and(|id| !id.is_empty()), "publish returns a message id")?;
    sns.delete_topic().topic_arn(&arn).send().await?;
    let topics = sns.list_topics().send().await?.topics.unwrap_or_default();
    checks.ok(!topics.iter().any(|t| t.topic_arn.as_deref() == Some(arn.as_str())), "the topic is gone")
}

const TEMPLATE: &str = r#"{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Queue": { "Type": "AWS::SQS::Queue", "Properties": { "QueueName": "QUEUE_NAME" } }
  },
  "Outputs": { "QueueUrl": { "Value": { "Ref": "Queue" } } }
}"#;

#[test]
fn cloudformation_stack_lifecycle() {
    // A poisoned lock only means another case failed; this one can still run.
    let _turn = common::CLOUDFORMATION.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    common::run_case("cloudformation", |endpoint, mut checks| async move {
        let outcome = cloudformation(&endpoint, &mut checks).await;
        (checks, outcome)
    });
}

async fn cloudformation(endpoint: &str, checks: &mut Checks) -> Outcome {
    let cfn = tucuxi_cloudformation::Client::new(&common::session(endpoint));
    let name = unique("tucuxi-stack");
    let queue = unique("tucuxi-cfn-queue");
    let created =
        cfn.create_stack().stack_name(&name).template_body(TEMPLATE.replace("QUEUE_NAME", &queue)).send().await?;
    let stack_id = created.stack_id.ok_or("create_stack returns a stack id")?;
    checks.ok(stack_id.starts_with("arn:aws:cloudformation:"), "the stack id is an ARN")?;

    // moto creates stacks synchronously; the loop is for an emulator that does not.
    let mut status = None;
    for _ in 0..20 {
        let stacks = cfn.describe_stacks().stack_name(&name).send().await?.stacks.unwrap_or_default();
        checks.eq(stacks.len(), 1, "describe_stacks finds the stack")?;
        let stack = &stacks[0];
        status = Some(stack.stack_status.clone());
        if stack.stack_status != StackStatus::CreateInProgress {
            let url = stack.outputs.iter().flatten().find(|o| o.output_key.as_deref() == Some("QueueUrl"));
            let url = url.and_then(|o| o.output_value.clone()).unwrap_or_default();
            checks.ok(url.ends_with(&queue), &format!("the stack's output is the queue URL, not {url:?}"))?;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    checks.eq(status, Some(StackStatus::CreateComplete), "the stack was created")?;

    cfn.delete_stack().stack_name(&name).send().await?;
    // moto keeps deleted stacks visible by id, as AWS does, in DELETE_COMPLETE.
    let stacks = cfn.describe_stacks().stack_name(&stack_id).send().await?.stacks.unwrap_or_default();
    let status = stacks.first().map(|s| s.stack_status.clone());
    checks.eq(status, Some(StackStatus::DeleteComplete), "the deleted stack is DELETE_COMPLETE")
}
