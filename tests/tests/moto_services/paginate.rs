//! Paginators against moto: 2,500 S3 objects listed in pages of 100, cut at 1,234 items, resumed
//! from the token, and the token exchanged with boto3 both ways.

use std::process::Command;

use tucuxi::types::base64_decode;
use tucuxi::Map;
use tucuxi_dynamodb::types::{AttributeDefinition, AttributeValue, KeySchemaElement, KeyType, ScalarAttributeType};
use tucuxi_ec2::types::{Filter, Tag};
use tucuxi_s3::Client;

use crate::common::{self, unique, Checks, Outcome};

const OBJECTS: usize = 2_500;
const MAX_ITEMS: usize = 1_234;

#[test]
fn s3_paginator_max_items_and_resume() {
    common::run_case("s3-paginator", |endpoint, mut checks| async move {
        let outcome = list_and_resume(&endpoint, &mut checks).await;
        (checks, outcome)
    });
}

fn key(i: usize) -> String {
    format!("obj-{i:05}")
}

/// Puts the objects from a few concurrent tasks, so the case does not wait on 2,500 round trips
/// one after the other.
async fn put_objects(s3: &Client, bucket: &str) -> Outcome {
    const TASKS: usize = 16;
    let mut handles = Vec::new();
    for t in 0..TASKS {
        let (s3, bucket) = (s3.clone(), bucket.to_owned());
        handles.push(tokio::task::spawn(async move {
            for i in (t..OBJECTS).step_by(TASKS) {
                s3.put_object().bucket(&bucket).key(key(i)).body(Vec::new()).send().await?;
            }
            Ok::<_, tucuxi::Error>(())
        }));
    }
    for handle in handles {
        handle.await??;
    }
    Ok(())
}

async fn keys_from(
    s3: &Client,
    bucket: &str,
    token: Option<&str>,
    max_items: Option<usize>,
) -> Result<(Vec<String>, Option<String>), tucuxi::Error> {
    let mut paginator = s3.list_objects_v2().bucket(bucket).into_paginator().page_size(100);
    if let Some(token) = token {
        paginator = paginator.starting_token(token);
    }
    if let Some(max) = max_items {
        paginator = paginator.max_items(max);
    }
    let mut items = paginator.items();
    let mut keys = Vec::new();
    while let Some(object) = items.next_item().await {
        keys.push(object?.key.unwrap_or_default());
    }
    Ok((keys, items.resume_token().map(str::to_owned)))
}

async fn list_and_resume(endpoint: &str, checks: &mut Checks) -> Outcome {
    let s3 = Client::new(&common::session(endpoint));
    let bucket = unique("tucuxi-pages");
    s3.create_bucket().bucket(&bucket).send().await?;
    put_objects(&s3, &bucket).await?;
    let expected: Vec<String> = (0..OBJECTS).map(key).collect();

    let (first, token) = keys_from(&s3, &bucket, None, Some(MAX_ITEMS)).await?;
    checks.ok(first == expected[..MAX_ITEMS], "max_items stops at 1,234 keys, in order")?;
    let token = token.ok_or("no resume token after max_items")?;
    let json = String::from_utf8(base64_decode(&token)?)?;
    checks.ok(
        json.starts_with("{\"ContinuationToken\": \"") && json.ends_with(", \"boto_truncate_amount\": 34}"),
        &format!("the token is botocore's JSON: {json}"),
    )?;

    let (rest, end_token) = keys_from(&s3, &bucket, Some(&token), None).await?;
    checks.ok(end_token.is_none(), "a listing to the end has no resume token")?;
    checks.ok(rest == expected[MAX_ITEMS..], "resuming lists the other 1,266 keys, in order")?;

    let full = s3.list_objects_v2().bucket(&bucket).into_paginator().page_size(1000).build_full_result().await?;
    checks.ok(full.output.contents.as_ref().map(Vec::len) == Some(OBJECTS), "build_full_result merges every page")?;
    checks.ok(full.next_token.is_none(), "a full result to the end has no NextToken")?;

    match std::env::var("TUCUXI_MOTO_PYTHON") {
        Ok(python) => with_boto3(&python, endpoint, &s3, &bucket, &token, checks).await?,
        Err(_) => eprintln!("moto-services: s3-paginator skipped the boto3 exchange (TUCUXI_MOTO_PYTHON is unset)"),
    }

    for i in 0..OBJECTS {
        s3.delete_object().bucket(&bucket).key(key(i)).send().await?;
    }
    s3.delete_bucket().bucket(&bucket).send().await?;
    Ok(())
}

/// boto3 resumes tucuxi's token and prints its own for the same listing, which must be the
/// same string and resume the same way in tucuxi.
async fn with_boto3(
    python: &str,
    endpoint: &str,
    s3: &Client,
    bucket: &str,
    token: &str,
    checks: &mut Checks,
) -> Outcome {
    const SCRIPT: &str = r#"
import sys, boto3
endpoint, bucket, token = sys.argv[1:4]
s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                  aws_access_key_id="AKIDFAKE", aws_secret_access_key="fake")
p = s3.get_paginator("list_objects_v2")
resumed = p.paginate(Bucket=bucket, PaginationConfig={"StartingToken": token, "PageSize": 100, "MaxItems": 1})
print([o["Key"] for page in resumed for o in page.get("Contents", [])][0])
full = p.paginate(Bucket=bucket, PaginationConfig={"PageSize": 100, "MaxItems": 1234}).build_full_result()
print(full["NextToken"])
"#;
    let out = Command::new(python).args(["-c", SCRIPT, endpoint, bucket, token]).output()?;
    if !out.status.success() {
        return Err(format!("boto3 failed: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    let stdout = String::from_utf8(out.stdout)?;
    let mut lines = stdout.lines();
    let (boto_next, boto_token) = (lines.next().unwrap_or_default(), lines.next().unwrap_or_default());
    checks
        .ok(boto_next == key(MAX_ITEMS), &format!("boto3 resumes tucuxi's token at {}: {boto_next}", key(MAX_ITEMS)))?;
    checks.ok(boto_token == token, &format!("boto3's token is tucuxi's: {boto_token} vs {token}"))?;
    let (resumed, _) = keys_from(s3, bucket, Some(boto_token), Some(1)).await?;
    checks.ok(resumed == [key(MAX_ITEMS)], "tucuxi resumes boto3's token")?;
    Ok(())
}

#[test]
fn dynamodb_scan_and_query_paginators() {
    common::run_case("dynamodb-paginators", |endpoint, mut checks| async move {
        let outcome = dynamodb(&endpoint, &mut checks).await;
        (checks, outcome)
    });
}

fn attr_s(value: String) -> AttributeValue {
    AttributeValue { s: Some(value), ..Default::default() }
}

fn attr_n(value: usize) -> AttributeValue {
    AttributeValue { n: Some(value.to_string()), ..Default::default() }
}

/// The `sk` numbers of items, in the order listed.
fn sks(items: &[Map<String, AttributeValue>]) -> Vec<usize> {
    items.iter().filter_map(|i| i.get("sk")?.n.as_deref()?.parse().ok()).collect()
}

/// Scan and query use a map of attribute values as their token (`ExclusiveStartKey`), which
/// round-trips through the typed input.
async fn dynamodb(endpoint: &str, checks: &mut Checks) -> Outcome {
    const ITEMS: usize = 250;
    let ddb = tucuxi_dynamodb::Client::new(&common::session(endpoint));
    let table = unique("tucuxi-pages");
    ddb.create_table()
        .table_name(&table)
        .attribute_definitions(vec![
            AttributeDefinition { attribute_name: "pk".into(), attribute_type: ScalarAttributeType::S },
            AttributeDefinition { attribute_name: "sk".into(), attribute_type: ScalarAttributeType::N },
        ])
        .key_schema(vec![
            KeySchemaElement { attribute_name: "pk".into(), key_type: KeyType::Hash },
            KeySchemaElement { attribute_name: "sk".into(), key_type: KeyType::Range },
        ])
        .billing_mode("PAY_PER_REQUEST")
        .send()
        .await?;
    for sk in 0..ITEMS {
        let mut item = Map::new();
        item.insert("pk".to_owned(), attr_s("p".into()));
        item.insert("sk".to_owned(), attr_n(sk));
        ddb.put_item().table_name(&table).item(item).send().await?;
    }

    let query = || {
        let mut values = Map::new();
        values.insert(":p".to_owned(), attr_s("p".into()));
        ddb.query().table_name(&table).key_condition_expression("pk = :p").expression_attribute_values(values)
    };
    let mut pages = query().into_paginator().page_size(40).max_items(100).pages();
    let mut first = Vec::new();
    let mut counts = 0;
    while let Some(page) = pages.next_page().await {
        let page = page?;
        counts += page.count.unwrap_or(0);
        first.extend(page.items.unwrap_or_default());
    }
    checks.ok(sks(&first) == (0..100).collect::<Vec<_>>(), "query stops at 100 items, in key order")?;
    checks.ok(counts == 120, &format!("each page's Count is the service's: {counts}"))?;
    let token = pages.resume_token().ok_or("no resume token")?.to_owned();
    let json = String::from_utf8(base64_decode(&token)?)?;
    checks.ok(
        json.starts_with("{\"ExclusiveStartKey\": {\"pk\": {\"S\": \"p\"}, \"sk\": {\"N\": \"79\"}}")
            || json.starts_with("{\"ExclusiveStartKey\": {\"sk\": {\"N\": \"79\"}, \"pk\": {\"S\": \"p\"}}"),
        &format!("the token holds the typed key: {json}"),
    )?;
    let rest = query().into_paginator().page_size(40).starting_token(&token).build_full_result().await?;
    let rest_items = rest.output.items.unwrap_or_default();
    checks.ok(sks(&rest_items) == (100..ITEMS).collect::<Vec<_>>(), "the query resumes at item 100")?;

    let mut scanned = Vec::new();
    let mut items = ddb.scan().table_name(&table).into_paginator().page_size(64).items();
    while let Some(item) = items.next_item().await {
        scanned.extend(sks(&[item?]));
    }
    scanned.sort_unstable();
    checks.ok(scanned == (0..ITEMS).collect::<Vec<_>>(), "scan pages through every item")?;
    ddb.delete_table().table_name(&table).send().await?;
    Ok(())
}

/// moto answers `ListUsers` in one page whatever `MaxItems` says, so this proves the paginator
/// ends on `IsTruncated: false`, and that `max_items` cuts that page and resumes inside it.
#[test]
fn iam_list_users_paginator() {
    common::run_blocking_case("iam-paginator", |endpoint, checks| {
        let iam = tucuxi_iam::Client::new(&common::session(&endpoint));
        let path = format!("/{}/", unique("pages"));
        for i in 0..300 {
            iam.create_user()
                .user_name(format!("user-{i:03}-{}", path.trim_matches('/')))
                .path(&path)
                .send_blocking()?;
        }
        let list = || iam.list_users().path_prefix(&path).into_paginator();
        let mut listed = Vec::new();
        for page in list().page_size(50).pages_blocking() {
            listed.extend(page?.users.into_iter().map(|u| u.user_name));
        }
        checks.ok(listed.len() == 300, &format!("300 users listed, got {}", listed.len()))?;
        let mut items = list().max_items(120).items_blocking();
        let first: Vec<_> = items.by_ref().collect::<Result<_, _>>()?;
        checks.ok(first.len() == 120, "max_items through the blocking item iterator")?;
        let token = items.resume_token().ok_or("no resume token")?.to_owned();
        let rest: Vec<_> = list().starting_token(token).items_blocking().collect::<Result<_, _>>()?;
        let names: Vec<_> = first.into_iter().chain(rest).map(|u| u.user_name).collect();
        checks.ok(names == listed, "resuming inside the single page gives the other 180 users")?;
        for user in listed {
            iam.delete_user().user_name(user).send_blocking()?;
        }
        Ok(())
    });
}

#[test]
fn sqs_list_queues_paginator() {
    common::run_case("sqs-paginator", |endpoint, mut checks| async move {
        let outcome = sqs(&endpoint, &mut checks).await;
        (checks, outcome)
    });
}

async fn sqs(endpoint: &str, checks: &mut Checks) -> Outcome {
    let sqs = tucuxi_sqs::Client::new(&common::session(endpoint));
    let prefix = unique("pages");
    let mut created = Vec::new();
    for i in 0..25 {
        created.push(
            sqs.create_queue().queue_name(format!("{prefix}-{i:02}")).send().await?.queue_url.unwrap_or_default(),
        );
    }
    let mut pages = sqs.list_queues().queue_name_prefix(&prefix).into_paginator().page_size(10).pages();
    let mut sizes = Vec::new();
    let mut urls = Vec::new();
    while let Some(page) = pages.next_page().await {
        let page = page?.queue_urls.unwrap_or_default();
        sizes.push(page.len());
        urls.extend(page);
    }
    checks.ok(sizes == [10, 10, 5], &format!("pages of 10, 10 and 5: {sizes:?}"))?;
    urls.sort();
    checks.ok(urls == created, "every queue is listed once")?;
    for url in created {
        sqs.delete_queue().queue_url(url).send().await?;
    }
    Ok(())
}

#[test]
fn ec2_describe_instances_paginator() {
    common::run_case("ec2-paginator", |endpoint, mut checks| async move {
        let outcome = ec2(&endpoint, &mut checks).await;
        (checks, outcome)
    });
}

/// Twelve reservations, tagged with this run's marker, listed five at a time.
async fn ec2(endpoint: &str, checks: &mut Checks) -> Outcome {
    let ec2 = tucuxi_ec2::Client::new(&common::session(endpoint));
    let images = ec2.describe_images().owners(vec!["amazon".to_owned()]).send().await?.images.unwrap_or_default();
    let image_id = images.iter().find_map(|i| i.image_id.clone()).ok_or("an image with an id")?;
    let marker = unique("pages");
    let mut started = Vec::new();
    for _ in 0..12 {
        let reservation =
            ec2.run_instances().image_id(&image_id).instance_type("t2.micro").min_count(1).max_count(1).send().await?;
        started.extend(reservation.instances.unwrap_or_default().into_iter().filter_map(|i| i.instance_id));
    }
    ec2.create_tags()
        .resources(started.clone())
        .tags(vec![Tag { key: Some("run".into()), value: Some(marker.clone()) }])
        .send()
        .await?;
    let filter = Filter { name: Some("tag:run".into()), values: Some(vec![marker]) };
    let mut pages = ec2.describe_instances().filters(vec![filter]).into_paginator().page_size(5).pages();
    let mut sizes = Vec::new();
    let mut found = Vec::new();
    while let Some(page) = pages.next_page().await {
        let reservations = page?.reservations.unwrap_or_default();
        sizes.push(reservations.len());
        found.extend(
            reservations.into_iter().flat_map(|r| r.instances.unwrap_or_default()).filter_map(|i| i.instance_id),
        );
    }
    checks.ok(sizes == [5, 5, 2], &format!("reservations in pages of 5, 5 and 2: {sizes:?}"))?;
    checks.ok(found == started, "every instance is listed once, in order")?;
    ec2.terminate_instances().instance_ids(started).send().await?;
    Ok(())
}

#[test]
fn cloudformation_describe_stacks_paginator() {
    // A poisoned lock only means another case failed; this one can still run.
    let _turn = common::CLOUDFORMATION.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    common::run_case("cloudformation-paginator", |endpoint, mut checks| async move {
        let outcome = cloudformation(&endpoint, &mut checks).await;
        (checks, outcome)
    });
}

/// moto answers `DescribeStacks` 50 stacks at a time (it has no page size), so 60 stacks make two
/// pages; `max_items` then cuts the first page and resumes inside it.
async fn cloudformation(endpoint: &str, checks: &mut Checks) -> Outcome {
    const TEMPLATE: &str = r#"{"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}"#;
    let cfn = tucuxi_cloudformation::Client::new(&common::session(endpoint));
    let prefix = unique("pages");
    let mut names = Vec::new();
    for i in 0..60 {
        let name = format!("{prefix}-{i:02}");
        cfn.create_stack().stack_name(&name).template_body(TEMPLATE).send().await?;
        names.push(name);
    }
    let listed = |stacks: Vec<tucuxi_cloudformation::types::Stack>| -> Vec<String> {
        stacks.into_iter().map(|s| s.stack_name).filter(|n| n.starts_with(&prefix)).collect()
    };
    let mut pages = cfn.describe_stacks().into_paginator().pages();
    let mut count = 0;
    let mut ours = Vec::new();
    while let Some(page) = pages.next_page().await {
        count += 1;
        ours.extend(listed(page?.stacks.unwrap_or_default()));
    }
    checks.ok(count >= 2, &format!("more than one page: {count}"))?;
    checks.ok(ours == names, "every stack of this run is listed once, in order")?;
    let full = cfn.describe_stacks().into_paginator().max_items(30).build_full_result().await?;
    let token = full.next_token.ok_or("no NextToken after max_items")?;
    let rest = cfn.describe_stacks().into_paginator().starting_token(token).build_full_result().await?;
    let all: Vec<_> =
        full.output.stacks.unwrap_or_default().into_iter().chain(rest.output.stacks.unwrap_or_default()).collect();
    checks.ok(listed(all) == names, "a full result cut at 30 and resumed gives every stack")?;
    for name in names {
        cfn.delete_stack().stack_name(name).send().await?;
    }
    Ok(())
}
