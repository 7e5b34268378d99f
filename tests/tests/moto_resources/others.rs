//! DynamoDB, SQS, SNS, IAM, CloudFormation, CloudWatch and Glacier through resources: one
//! create / read / act / delete flow each, as boto3 users write them.

use tucuxi::Map;

use crate::common::{self, unique, Outcome};

#[test]
fn dynamodb_resources_table_items() {
    use tucuxi_dynamodb::types::{AttributeDefinition, AttributeValue, BillingMode, KeySchemaElement, KeyType};
    use tucuxi_dynamodb::types::{ScalarAttributeType, Select};
    common::run_case("dynamodb_resources_table_items", |endpoint, mut checks| async move {
        let outcome: Outcome = async {
            let dynamodb = tucuxi_dynamodb::ServiceResource::new(&common::session(&endpoint));
            let name = unique("tucuxi-res-table");
            let key =
                |attribute_name: &str, key_type| KeySchemaElement { attribute_name: attribute_name.into(), key_type };
            let def = |attribute_name: &str| AttributeDefinition {
                attribute_name: attribute_name.into(),
                attribute_type: ScalarAttributeType::S,
            };
            // table = dynamodb.create_table(TableName=..., KeySchema=[...], ...)
            let table = dynamodb
                .create_table()
                .set(|r| {
                    r.table_name(&name)
                        .key_schema(vec![key("pk", KeyType::Hash), key("sk", KeyType::Range)])
                        .attribute_definitions(vec![def("pk"), def("sk")])
                        .billing_mode(BillingMode::PayPerRequest)
                })
                .send()
                .await?;
            checks.eq(table.name(), name.as_str(), "create_table returns the Table")?;
            table.wait_until_exists().wait().await?;
            let s = |v: &str| AttributeValue { s: Some(v.into()), ..AttributeValue::default() };
            for (sk, colour) in [("1", "red"), ("2", "green"), ("3", "blue")] {
                let item = Map::from_iter([
                    ("pk".to_owned(), s("p")),
                    ("sk".to_owned(), s(sk)),
                    ("colour".to_owned(), s(colour)),
                ]);
                table.put_item().set(|r| r.item(item)).send().await?;
            }
            let got = table
                .get_item()
                .set(|r| r.key(Map::from_iter([("pk".to_owned(), s("p")), ("sk".to_owned(), s("2"))])))
                .send()
                .await?;
            let colour = got.item.and_then(|i| i.get("colour").and_then(|v| v.s.clone()));
            checks.eq(colour, Some("green".to_owned()), "table.get_item")?;
            let queried = table
                .query()
                .set(|r| {
                    r.key_condition_expression("pk = :p")
                        .expression_attribute_values(Map::from_iter([(":p".to_owned(), s("p"))]))
                })
                .send()
                .await?;
            checks.eq(queried.count, Some(3), "table.query")?;
            let scanned = table.scan().set(|r| r.select(Select::Count)).send().await?;
            checks.eq(scanned.count, Some(3), "table.scan")?;
            // The table's data came with create_table (item_count 0 then); reload() asks again,
            // as a boto3 user calls table.reload() before reading table.item_count.
            checks.eq(table.item_count().await?, Some(0), "table.item_count from create_table's response")?;
            table.reload().await?;
            checks.eq(table.item_count().await?, Some(3), "table.item_count after reload()")?;
            checks.eq(table.table_name(), name.as_str(), "table_name is the identifier")?;
            let listed = dynamodb.tables().all().collect().await?;
            checks.ok(listed.iter().any(|t| t.name() == name), "dynamodb.tables.all() lists it")?;
            table.delete().send().await?;
            table.wait_until_not_exists().wait().await?;
            checks.ok(true, "table.wait_until_not_exists()")?;
            Ok(())
        }
        .await;
        (checks, outcome)
    });
}

#[test]
fn sqs_resources_queue_messages() {
    use tucuxi_sqs::types::SendMessageBatchRequestEntry;
    common::run_case("sqs_resources_queue_messages", |endpoint, mut checks| async move {
        let outcome: Outcome = async {
            let sqs = tucuxi_sqs::ServiceResource::new(&common::session(&endpoint));
            let name = unique("tucuxi-res-queue");
            // queue = sqs.create_queue(QueueName=...)
            let queue = sqs.create_queue().set(|r| r.queue_name(&name)).send().await?;
            checks.ok(queue.url().ends_with(&name), "create_queue returns the Queue by URL")?;
            let by_name = sqs.get_queue_by_name().set(|r| r.queue_name(&name)).send().await?;
            checks.eq(by_name.url(), queue.url(), "get_queue_by_name")?;
            let attributes = queue.attributes().await?.unwrap_or_default();
            checks.ok(
                attributes.keys().any(|k| k.as_str() == "QueueArn"),
                "queue.attributes loaded (AttributeNames=[All])",
            )?;
            // queue.send_messages(Entries=[...])
            let entries = ["one", "two", "three"]
                .iter()
                .enumerate()
                .map(|(i, body)| SendMessageBatchRequestEntry {
                    id: i.to_string(),
                    message_body: (*body).to_owned(),
                    ..SendMessageBatchRequestEntry::default()
                })
                .collect::<Vec<_>>();
            let sent = queue.send_messages().set(|r| r.entries(entries)).send().await?;
            checks.eq(sent.successful.len(), 3, "send_messages")?;
            // for message in queue.receive_messages(MaxNumberOfMessages=10): message.delete()
            let mut bodies = Vec::new();
            while bodies.len() < 3 {
                let messages = queue.receive_messages().set(|r| r.max_number_of_messages(10)).send().await?;
                if messages.is_empty() {
                    break;
                }
                for message in messages {
                    checks.eq(message.queue_url(), queue.url(), "Message.queue_url")?;
                    bodies.push(message.body().await?.unwrap_or_default());
                    message.delete().send().await?;
                }
            }
            bodies.sort();
            checks.eq(bodies, vec!["one".to_owned(), "three".to_owned(), "two".to_owned()], "received bodies")?;
            let left = queue.receive_messages().send().await?;
            checks.eq(left.len(), 0, "every message deleted")?;
            let listed = sqs.queues().filter(|r| r.queue_name_prefix(&name)).collect().await?;
            checks.eq(listed.len(), 1, "sqs.queues.filter(QueueNamePrefix=...)")?;
            queue.delete().send().await?;
            Ok(())
        }
        .await;
        (checks, outcome)
    });
}

#[test]
fn sns_resources_topic_subscription() {
    common::run_case("sns_resources_topic_subscription", |endpoint, mut checks| async move {
        let outcome: Outcome = async {
            let sns = tucuxi_sns::ServiceResource::new(&common::session(&endpoint));
            let name = unique("tucuxi-res-topic");
            let topic = sns.create_topic().set(|r| r.name(&name)).send().await?;
            checks.ok(topic.arn().ends_with(&name), "create_topic returns the Topic by ARN")?;
            let attributes = topic.attributes().await?.unwrap_or_default();
            checks.eq(attributes.get("TopicArn").map(String::as_str), Some(topic.arn()), "topic.attributes")?;
            // A real queue to deliver to: moto delivers what the topic publishes.
            let sqs = tucuxi_sqs::ServiceResource::new(&common::session(&endpoint));
            let queue = sqs.create_queue().set(|r| r.queue_name(&name)).send().await?;
            let queue_arn = queue
                .attributes()
                .await?
                .unwrap_or_default()
                .into_iter()
                .find_map(|(k, v)| (k.as_str() == "QueueArn").then_some(v))
                .ok_or("a queue ARN")?;
            let subscription = topic
                .subscribe()
                .set(|r| r.protocol("sqs").endpoint(&queue_arn).return_subscription_arn(true))
                .send()
                .await?;
            checks.ok(subscription.arn().starts_with(topic.arn()), "subscribe returns the Subscription")?;
            let published = topic.publish().set(|r| r.message("hello")).send().await?;
            checks.ok(published.message_id.is_some(), "topic.publish")?;
            let subscriptions = topic.subscriptions().all().collect().await?;
            checks.ok(subscriptions.iter().any(|s| s.arn() == subscription.arn()), "topic.subscriptions.all()")?;
            subscription.delete().send().await?;
            topic.delete().send().await?;
            let topics = sns.topics().all().collect().await?;
            checks.ok(!topics.iter().any(|t| t.arn() == topic.arn()), "the topic is gone")?;
            let delivered = queue.receive_messages().send().await?;
            checks.eq(delivered.len(), 1, "the published message reached the queue")?;
            queue.delete().send().await?;
            Ok(())
        }
        .await;
        (checks, outcome)
    });
}

#[test]
fn iam_resources_user_policy() {
    common::run_case("iam_resources_user_policy", |endpoint, mut checks| async move {
        let outcome: Outcome = async {
            let iam = tucuxi_iam::ServiceResource::new(&common::session(&endpoint));
            let name = unique("tucuxi-res-user");
            let user = iam.create_user().set(|r| r.user_name(&name)).send().await?;
            checks.eq(user.name(), name.as_str(), "create_user returns the User")?;
            let arn = user.arn().await?;
            checks.ok(arn.ends_with(&name), "user.arn")?;
            let document =
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}"#;
            // user.create_policy(PolicyName=..., PolicyDocument=...) returns iam.UserPolicy(user, name)
            let policy = user.create_policy().set(|r| r.policy_name("read").policy_document(document)).send().await?;
            checks.eq((policy.user_name(), policy.name()), (name.as_str(), "read"), "UserPolicy identifiers")?;
            // IAM answers the document URL-encoded (botocore decodes it in a handler tucuxi does not have).
            checks.ok(policy.policy_document().await?.contains("ListBucket"), "policy.policy_document")?;
            let names: Vec<String> =
                user.policies().all().collect().await?.iter().map(|p| p.name().to_owned()).collect();
            checks.eq(names, vec!["read".to_owned()], "user.policies.all()")?;
            checks.eq(policy.user().name(), user.name(), "policy.user()")?;
            policy.delete().send().await?;
            user.delete().send().await?;
            Ok(())
        }
        .await;
        (checks, outcome)
    });
}

#[test]
fn cloudformation_resources_stack() {
    const TEMPLATE: &str = r#"{"Resources":{"Queue":{"Type":"AWS::SQS::Queue","Properties":{}}}}"#;
    common::run_case("cloudformation_resources_stack", |endpoint, mut checks| async move {
        let outcome: Outcome = async {
            let cloudformation = tucuxi_cloudformation::ServiceResource::new(&common::session(&endpoint));
            let name = unique("tucuxi-res-stack");
            let stack =
                cloudformation.create_stack().set(|r| r.stack_name(&name).template_body(TEMPLATE)).send().await?;
            checks.eq(stack.name(), name.as_str(), "create_stack returns the Stack")?;
            let status = stack.stack_status().await?;
            checks.ok(status.as_str().starts_with("CREATE_"), "stack.stack_status")?;
            let summaries = stack.resource_summaries().all().collect().await?;
            let ids: Vec<&str> = summaries.iter().map(|s| s.logical_id()).collect();
            checks.eq(ids, vec!["Queue"], "stack.resource_summaries.all()")?;
            let resource = stack.resource("Queue");
            checks.eq(resource.resource_type().await?, "AWS::SQS::Queue".to_owned(), "StackResource attributes")?;
            let events = stack.events().all().collect().await?;
            checks.ok(!events.is_empty(), "stack.events.all()")?;
            stack.delete().send().await?;
            Ok(())
        }
        .await;
        (checks, outcome)
    });
}

/// CloudWatch's model lists `smithy-rpc-v2-cbor` first; like boto3, the client speaks JSON to it
/// (botocore's protocol preference), which moto serves.
#[test]
fn cloudwatch_resources_metric_alarm() {
    use tucuxi_cloudwatch::types::{ComparisonOperator, MetricDatum, Statistic};
    common::run_case("cloudwatch_resources_metric_alarm", |endpoint, mut checks| async move {
        let outcome: Outcome = async {
            let cloudwatch = tucuxi_cloudwatch::ServiceResource::new(&common::session(&endpoint));
            let namespace = unique("Tucuxi/Res");
            let metric = cloudwatch.metric(&namespace, "Latency");
            let datum = MetricDatum { metric_name: "Latency".into(), value: Some(12.5), ..MetricDatum::default() };
            metric.put_data().set(|r| r.metric_data(vec![datum])).send().await?;
            let metrics = cloudwatch.metrics().filter(|r| r.namespace(&namespace)).collect().await?;
            checks.eq(metrics.len(), 1, "cloudwatch.metrics.filter(Namespace=...)")?;
            checks.eq(metrics[0].name(), "Latency", "Metric.name")?;
            let alarm_name = unique("tucuxi-res-alarm");
            let alarm = metric
                .put_alarm()
                .set(|r| {
                    r.alarm_name(&alarm_name)
                        .comparison_operator(ComparisonOperator::GreaterThanThreshold)
                        .evaluation_periods(1)
                        .period(60)
                        .threshold(100.0)
                        .statistic(Statistic::Average)
                })
                .send()
                .await?;
            checks.eq(alarm.name(), alarm_name.as_str(), "metric.put_alarm returns the Alarm")?;
            checks.eq(alarm.metric_name().await?, Some("Latency".to_owned()), "alarm.metric_name, loaded")?;
            let alarms = metric.alarms().all().collect().await?;
            checks.ok(alarms.iter().any(|a| a.name() == alarm_name), "metric.alarms.all()")?;
            alarm.delete().send().await?;
            Ok(())
        }
        .await;
        (checks, outcome)
    });
}

#[test]
fn glacier_resources_vault_archive() {
    common::run_case("glacier_resources_vault_archive", |endpoint, mut checks| async move {
        let outcome: Outcome = async {
            let glacier = tucuxi_glacier::ServiceResource::new(&common::session(&endpoint));
            let name = unique("tucuxi-res-vault");
            let account = glacier.account("-");
            let vault = account.create_vault().set(|r| r.vault_name(&name)).send().await?;
            checks.eq((vault.account_id(), vault.name()), ("-", name.as_str()), "create_vault returns the Vault")?;
            checks.eq(vault.vault_name(), name.as_str(), "vault_name is the identifier")?;
            checks.eq(vault.number_of_archives().await?, Some(0), "vault.number_of_archives, loaded")?;
            let archive = vault.upload_archive().set(|r| r.body("archived bytes")).send().await?;
            checks.ok(!archive.id().is_empty(), "upload_archive returns the Archive")?;
            let vaults = account.vaults().all().collect().await?;
            checks.ok(vaults.iter().any(|v| v.name() == name), "account.vaults.all()")?;
            archive.delete().send().await?;
            vault.delete().send().await?;
            Ok(())
        }
        .await;
        (checks, outcome)
    });
}
