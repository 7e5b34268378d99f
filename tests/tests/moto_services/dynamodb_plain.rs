//! DynamoDB with plain values against moto, as a boto3 script writes it: `Table` with
//! `put_item` / `get_item` / `query` / `update_item` / `delete_item` taking plain items and
//! condition objects, and `batch_writer()` writing 100 items. (Unprocessed items cannot be
//! forced from moto; `tests/dynamodb_plain.rs` forces them from a loopback server.)

use std::collections::BTreeSet;

use tucuxi_dynamodb::resources::Table;
use tucuxi_dynamodb::types::{AttributeDefinition, KeySchemaElement, KeyType, ScalarAttributeType};
use tucuxi_dynamodb::{item, Attr, Key, Number, Value};

use crate::common::{self, unique, Checks, Outcome};

#[test]
fn dynamodb_plain_values_conditions_and_the_batch_writer() {
    common::run_case("dynamodb-plain", |endpoint, mut checks| async move {
        let outcome = plain(&endpoint, &mut checks).await;
        (checks, outcome)
    });
}

async fn plain(endpoint: &str, checks: &mut Checks) -> Outcome {
    let ddb = tucuxi_dynamodb::Client::new(&common::session(endpoint));
    let name = unique("tucuxi-plain");
    let attribute = |name: &str, attribute_type| AttributeDefinition { attribute_name: name.into(), attribute_type };
    let key = |name: &str, key_type| KeySchemaElement { attribute_name: name.into(), key_type };
    ddb.create_table()
        .table_name(&name)
        .attribute_definitions(vec![attribute("pk", ScalarAttributeType::S), attribute("sk", ScalarAttributeType::N)])
        .key_schema(vec![key("pk", KeyType::Hash), key("sk", KeyType::Range)])
        .billing_mode("PAY_PER_REQUEST")
        .send()
        .await?;
    let table = Table::new(&ddb, &name);
    let people = table.plain();

    // table.put_item(Item={...}) with every plain type.
    let first = item! {
        "pk" => "user#1",
        "sk" => 1,
        "name" => "Ada",
        "age" => 36,
        "score" => Number::parse("12345678901234567890.123456789")?,
        "active" => true,
        "nickname" => (),
        "avatar" => Value::binary([0u8, 159, 146, 150]),
        "tags" => BTreeSet::from(["admin", "dev"]),
        "lucky" => BTreeSet::from([7i64, 13]),
        "address" => item! { "city" => "London", "lines" => vec!["1 Main St"] },
    };
    people.put_item(first.clone()).condition(Attr("pk").not_exists()).send().await?;
    for sk in 2..=4 {
        people.put_item(item! { "pk" => "user#1", "sk" => sk, "age" => 30 + sk }).send().await?;
    }

    let got = people.get_item(item! { "pk" => "user#1", "sk" => 1 }).consistent_read(true).send().await?;
    checks.eq(got.as_ref(), Some(&first), "get_item returns the item as it was put, exact numbers and sets included")?;
    let missing = people.get_item(item! { "pk" => "nobody", "sk" => 1 }).send().await?;
    checks.eq(missing, None, "get_item of a missing key is None")?;

    // A conditional put over an existing item fails as the modeled error.
    let err = people
        .put_item(item! { "pk" => "user#1", "sk" => 1 })
        .condition(Attr("pk").not_exists())
        .send()
        .await
        .err()
        .ok_or("the conditional put over an existing item fails")?;
    checks.eq(err.code(), Some("ConditionalCheckFailedException"), "the condition was checked by DynamoDB")?;

    // table.query(KeyConditionExpression=Key("pk").eq(..) & Key("sk").gte(2), FilterExpression=Attr("age").lt(34))
    let page = people
        .query(Key("pk").eq("user#1") & Key("sk").gte(2))
        .filter(Attr("age").lt(34))
        .scan_index_forward(false)
        .send()
        .await?;
    let sks: Vec<Option<i64>> = page.items.iter().map(|i| i["sk"].as_i64()).collect();
    checks.eq(sks, vec![Some(3), Some(2)], "key condition and filter, descending")?;
    checks.eq((page.count, page.scanned_count), (2, 3), "count after the filter, scanned before it")?;
    let begins = people.query(Key("pk").eq("user#1") & Key("sk").between(1, 2)).send().await?;
    checks.eq(begins.items.len(), 2, "between on the sort key")?;
    let nested = people
        .query(Key("pk").eq("user#1"))
        .filter(Attr("address.city").eq("London") & Attr("tags").contains("dev") & Attr("nickname").exists())
        .send()
        .await?;
    checks.eq(nested.items.len(), 1, "a document path, contains and exists in one filter")?;

    // table.update_item(Key=..., UpdateExpression="SET age = age + :inc", ConditionExpression=Attr("age").lt(100))
    let updated = people
        .update_item(item! { "pk" => "user#1", "sk" => 1 }, "SET #age = #age + :inc")
        .name("#age", "age")
        .value(":inc", 1)
        .condition(Attr("age").lt(100))
        .return_values("UPDATED_NEW")
        .send()
        .await?;
    checks.eq(updated, Some(item! { "age" => 37 }), "update_item returns the new value")?;

    let old = people
        .delete_item(item! { "pk" => "user#1", "sk" => 4 })
        .set(|r| r.return_values("ALL_OLD"))
        .send()
        .await?;
    checks.eq(old.and_then(|i| i.get("age").cloned()), Some(Value::from(34)), "delete_item returns the old item")?;

    // with table.batch_writer() as batch: for i in range(100): batch.put_item(Item={...})
    let mut batch = table.batch_writer().overwrite_by_pkeys(["pk", "sk"]);
    for i in 0..100 {
        batch.put_item(item! { "pk" => "batch", "sk" => i, "payload" => format!("item {i}") }).await?;
    }
    // The same key again: the buffered put is replaced, not sent twice.
    batch.put_item(item! { "pk" => "batch", "sk" => 99, "payload" => "last" }).await?;
    batch.delete_item(item! { "pk" => "user#1", "sk" => 3 }).await?;
    batch.close().await?;
    let written = people.query(Key("pk").eq("batch")).send_all().await?;
    checks.eq(written.len(), 100, "the batch writer wrote 100 items")?;
    let last = written.iter().find(|i| i["sk"].as_i64() == Some(99)).and_then(|i| i["payload"].as_str());
    checks.eq(last, Some("last"), "overwrite_by_pkeys kept the later put")?;
    let pages = people.query(Key("pk").eq("batch")).limit(30).send().await?;
    checks.eq(pages.items.len(), 30, "a limited page")?;
    checks.ok(pages.last_evaluated_key.is_some(), "a limited page says where the next starts")?;
    let everything = people.scan().filter(Attr("pk").eq("user#1")).send_all().await?;
    checks.eq(everything.len(), 2, "the batch's delete landed (user#1 keeps sk 1 and 2)")?;

    ddb.delete_table().table_name(&name).send().await?;
    Ok(())
}
