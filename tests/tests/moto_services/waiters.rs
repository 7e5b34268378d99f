//! Waiters against moto: EC2 instances running then terminated, S3 buckets and objects appearing
//! and going, DynamoDB tables created and deleted, a waiter that reaches a failure state and one
//! that runs out of attempts. Delays are cut to milliseconds with the waiter's `delay`, as boto3's
//! `WaiterConfig` would.

use std::time::Duration;

use tucuxi::waiter::WaitReason;
use tucuxi::ErrorKind;

use crate::common::{self, unique, Checks, Outcome};

const QUICK: Duration = Duration::from_millis(100);

#[test]
fn ec2_instance_running_then_terminated() {
    common::run_case("ec2-waiters", |endpoint, mut checks| async move {
        let outcome = ec2(&endpoint, &mut checks).await;
        (checks, outcome)
    });
}

async fn ec2(endpoint: &str, checks: &mut Checks) -> Outcome {
    let ec2 = tucuxi_ec2::Client::new(&common::session(endpoint));
    let images = ec2.describe_images().owners(vec!["amazon".to_owned()]).send().await?.images.unwrap_or_default();
    let image_id = images.iter().find_map(|i| i.image_id.clone()).ok_or("an image with an id")?;
    let reservation =
        ec2.run_instances().image_id(&image_id).instance_type("t2.micro").min_count(1).max_count(1).send().await?;
    let id = reservation.instances.unwrap_or_default().into_iter().find_map(|i| i.instance_id).ok_or("an instance")?;

    let running = ec2
        .describe_instances()
        .instance_ids(vec![id.clone()])
        .wait_until_instance_running()
        .delay(QUICK)
        .wait()
        .await?
        .ok_or("instance_running succeeds on an output")?;
    let state = |out: &tucuxi_ec2::types::DescribeInstancesResult| {
        out.reservations.iter().flatten().flat_map(|r| r.instances.iter().flatten()).find_map(|i| {
            let name = i.state.as_ref()?.name.as_ref()?;
            Some(name.as_str().to_owned())
        })
    };
    checks.eq(state(&running).as_deref(), Some("running"), "instance_running returns the running instance")?;

    ec2.terminate_instances().instance_ids(vec![id.clone()]).send().await?;
    let terminated = ec2
        .describe_instances()
        .instance_ids(vec![id.clone()])
        .wait_until_instance_terminated()
        .delay(QUICK)
        .max_attempts(20)
        .wait()
        .await?
        .ok_or("instance_terminated succeeds on an output")?;
    checks.eq(state(&terminated).as_deref(), Some("terminated"), "instance_terminated waits for termination")?;

    // The same instance can never run again: `instance_running` reaches its failure state at once
    // and says which acceptor, after one attempt, with the output that matched.
    let err = ec2
        .describe_instances()
        .instance_ids(vec![id.clone()])
        .wait_until_instance_running()
        .delay(QUICK)
        .wait()
        .await
        .err()
        .ok_or("instance_running on a terminated instance fails")?;
    checks.eq(err.reason(), &WaitReason::Failure { acceptor: 2 }, "the `terminated` acceptor ended the wait")?;
    checks.eq(err.attempts(), 1, "a failure state ends the wait on the first answer")?;
    checks.eq(
        err.last_output().and_then(state).as_deref(),
        Some("terminated"),
        "the error carries the last response",
    )?;
    checks
        .ok(err.to_string().contains("InstanceRunning") && err.to_string().contains("terminated"), &err.to_string())?;
    Ok(())
}

#[test]
fn s3_bucket_and_object_waiters_blocking() {
    common::run_blocking_case("s3-waiters", |endpoint, checks| s3(&endpoint, checks));
}

/// The blocking API: S3's waiters read HTTP statuses of `HeadBucket` and `HeadObject`.
fn s3(endpoint: &str, checks: &mut Checks) -> Outcome {
    let s3 = tucuxi_s3::Client::new(&common::session(endpoint));
    let bucket = unique("tucuxi-wait");
    s3.create_bucket().bucket(&bucket).send_blocking()?;
    let exists = s3.head_bucket().bucket(&bucket).wait_until_bucket_exists().delay(QUICK).wait_blocking()?;
    checks.ok(exists.is_some(), "bucket_exists succeeds on HeadBucket's 200")?;

    // An object that never appears: the waiter gives up after exactly `max_attempts` calls and
    // says so, carrying the last (404) error.
    let started = std::time::Instant::now();
    let err = s3
        .head_object()
        .bucket(&bucket)
        .key("never/there")
        .wait_until_object_exists()
        .delay(Duration::from_millis(50))
        .max_attempts(3)
        .wait_blocking()
        .err()
        .ok_or("object_exists on a missing key gives up")?;
    checks.eq(err.reason(), &WaitReason::MaxAttempts { last_matched: Some(1) }, "the 404 retry acceptor matched")?;
    checks.eq(err.attempts(), 3, "three attempts were made")?;
    checks.eq(err.last_error().and_then(|e| e.status()), Some(404), "the last answer is the 404")?;
    checks.ok(started.elapsed() >= Duration::from_millis(100), "two 50 ms pauses were slept")?;
    checks.ok(err.to_string().contains("gave up after 3 attempts"), &err.to_string())?;
    let as_error: tucuxi::Error = err.into();
    checks.eq(as_error.kind(), ErrorKind::Waiter, "a waiter error converts into tucuxi::Error for `?`")?;

    s3.put_object().bucket(&bucket).key("there").body(b"x".to_vec()).send_blocking()?;
    let head = s3.head_object().bucket(&bucket).key("there").wait_until_object_exists().delay(QUICK).wait_blocking()?;
    checks.eq(head.and_then(|h| h.content_length), Some(1), "object_exists returns HeadObject's output")?;
    s3.delete_object().bucket(&bucket).key("there").send_blocking()?;
    let gone =
        s3.head_object().bucket(&bucket).key("there").wait_until_object_not_exists().delay(QUICK).wait_blocking()?;
    checks.ok(gone.is_none(), "object_not_exists succeeds on a 404, which has no output")?;

    s3.delete_bucket().bucket(&bucket).send_blocking()?;
    let gone = s3.head_bucket().bucket(&bucket).wait_until_bucket_not_exists().delay(QUICK).wait_blocking()?;
    checks.ok(gone.is_none(), "bucket_not_exists succeeds on a 404")?;
    Ok(())
}

#[test]
fn dynamodb_table_exists_and_not_exists() {
    common::run_case("dynamodb-waiters", |endpoint, mut checks| async move {
        let outcome = dynamodb(&endpoint, &mut checks).await;
        (checks, outcome)
    });
}

async fn dynamodb(endpoint: &str, checks: &mut Checks) -> Outcome {
    let ddb = tucuxi_dynamodb::Client::new(&common::session(endpoint));
    let table = unique("tucuxi-wait");
    common::create_pk_table(&ddb, &table).await?;
    let described =
        ddb.describe_table().table_name(&table).wait_until_table_exists().delay(QUICK).wait().await?.ok_or("output")?;
    let status = described.table.and_then(|t| t.table_status).map(|s| s.as_str().to_owned());
    checks.eq(status.as_deref(), Some("ACTIVE"), "table_exists waits for an ACTIVE table")?;

    ddb.delete_table().table_name(&table).send().await?;
    let gone = ddb.describe_table().table_name(&table).wait_until_table_not_exists().delay(QUICK).wait().await?;
    checks.ok(gone.is_none(), "table_not_exists succeeds on ResourceNotFoundException")?;
    Ok(())
}
