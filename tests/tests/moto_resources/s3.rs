//! S3 through resources: boto3's `s3.buckets.all()`, `bucket.objects.filter(Prefix=...)`,
//! `page_size`, `object.get()`, `bucket.object_versions`, the batch delete, waiters and lazily
//! loaded attributes.

use tucuxi_s3::resources::{Bucket, ServiceResource};

use crate::common::{self, unique, Checks, Outcome};
use crate::counting::CountingProxy;

type Failure = Box<dyn std::error::Error>;

async fn new_bucket(s3: &ServiceResource, checks: &mut Checks) -> Result<Bucket, Failure> {
    let name = unique("tucuxi-res");
    // boto3: s3.create_bucket(Bucket=name) returns s3.Bucket(name).
    let bucket = s3.create_bucket().set(|r| r.bucket(&name)).send().await?;
    checks.eq(bucket.name(), name.as_str(), "create_bucket returns the Bucket named by the request")?;
    bucket.wait_until_exists().wait().await?;
    checks.ok(true, "bucket.wait_until_exists() returned")?;
    Ok(bucket)
}

/// Empties the bucket with the batch action and deletes it.
async fn drop_bucket(bucket: &Bucket, checks: &mut Checks) -> Outcome {
    bucket.objects().all().delete().send().await?;
    bucket.delete().send().await?;
    bucket.wait_until_not_exists().wait().await?;
    checks.ok(true, "bucket.wait_until_not_exists() returned")
}

#[test]
fn s3_resources_buckets_objects_and_lazy_attributes() {
    common::run_case("s3_resources_buckets_objects_and_lazy_attributes", |endpoint, mut checks| async move {
        let outcome = async {
            let s3 = ServiceResource::new(&common::session(&endpoint));
            let bucket = new_bucket(&s3, &mut checks).await?;

            // for b in s3.buckets.all(): print(b.name, b.creation_date)
            let buckets = s3.buckets().all().collect().await?;
            let ours = buckets.iter().find(|b| b.name() == bucket.name()).ok_or("our bucket is listed")?;
            checks.ok(ours.loaded().is_some(), "listed buckets carry their data")?;
            checks.ok(ours.creation_date().await?.is_some(), "creation_date comes from the listing")?;
            // s3.Bucket(name).creation_date: boto3's hand-written load finds it in ListBuckets.
            let fresh = s3.bucket(bucket.name());
            checks.ok(fresh.loaded().is_none(), "a new Bucket has no data")?;
            checks.ok(fresh.creation_date().await?.is_some(), "Bucket.load finds the bucket in ListBuckets")?;
            let missing = s3.bucket(unique("tucuxi-res-missing"));
            checks.eq(missing.creation_date().await?, None, "a bucket not listed loads empty data")?;

            for key in ["images/a.png", "images/b.png", "docs/readme.txt"] {
                // bucket.put_object(Key=key, Body=...) returns s3.Object(bucket, key).
                let object = bucket.put_object().set(|r| r.key(key).body(format!("body of {key}"))).send().await?;
                checks.eq(object.key(), key, "put_object returns the Object")?;
                checks.eq(object.bucket_name(), bucket.name(), "the Object's bucket_name")?;
            }

            // bucket.objects.filter(Prefix="images/")
            let images = bucket.objects().filter(|r| r.prefix("images/")).collect().await?;
            let keys: Vec<&str> = images.iter().map(|o| o.key()).collect();
            checks.eq(keys, vec!["images/a.png", "images/b.png"], "objects().filter(prefix)")?;
            checks.eq(images[0].size().await?, Some(20), "ObjectSummary.size from the listing")?;
            let limited = bucket.objects().limit(2).collect().await?;
            checks.eq(limited.len(), 2, "objects().limit(2)")?;

            // s3.Object(bucket, key).get()["Body"].read()
            let got = bucket.object("docs/readme.txt").get().send().await?;
            let body = got.body.unwrap_or_default().collect().await?.to_vec();
            checks.eq(body, b"body of docs/readme.txt".to_vec(), "object.get() body")?;

            // obj.content_length and obj.last_modified: one HEAD, however many attributes and clones.
            let proxy = CountingProxy::start(&endpoint, "HEAD")?;
            let counted = ServiceResource::new(&common::session(&proxy.endpoint));
            let object = counted.object(bucket.name(), "images/a.png");
            checks.eq(proxy.count(), 0, "making a resource sends nothing")?;
            checks.eq(object.content_length().await?, Some(20), "content_length, loaded lazily")?;
            checks.ok(object.last_modified().await?.is_some(), "last_modified")?;
            let clone = object.clone();
            checks.ok(clone.e_tag().await?.is_some(), "e_tag through a clone")?;
            checks.eq(proxy.count(), 1, "exactly one HEAD request for three attributes")?;
            object.reload().await?;
            checks.eq(proxy.count(), 2, "reload() makes the second")?;

            // meta.client
            bucket.client().head_bucket().bucket(bucket.name()).send().await?;
            checks.ok(true, "bucket.client() is the bucket's client")?;

            drop_bucket(&bucket, &mut checks).await?;
            Ok::<(), Failure>(())
        }
        .await;
        (checks, outcome)
    });
}

#[test]
fn s3_resources_pages_and_batch_delete() {
    common::run_case("s3_resources_pages_and_batch_delete", |endpoint, mut checks| async move {
        let outcome = async {
            let s3 = ServiceResource::new(&common::session(&endpoint));
            let bucket = new_bucket(&s3, &mut checks).await?;
            let client = bucket.client();
            for i in 0..500 {
                client.put_object().bucket(bucket.name()).key(format!("bulk/{i:03}")).body("x").send().await?;
            }
            client.put_object().bucket(bucket.name()).key("keep/me").body("x").send().await?;

            // for page in bucket.objects.page_size(50).pages(): ...
            let mut pages = bucket.objects().filter(|r| r.prefix("bulk/")).page_size(50).pages();
            let mut sizes = Vec::new();
            while let Some(page) = pages.next_page().await {
                sizes.push(page?.len());
            }
            checks.eq(sizes, vec![50; 10], "page_size(50) over 500 objects: ten pages of 50")?;

            let mut items = bucket.objects().filter(|r| r.prefix("bulk/")).items();
            let mut count = 0;
            while let Some(item) = items.next().await {
                item?;
                count += 1;
            }
            checks.eq(count, 500, "items() yields every object")?;

            // bucket.objects.filter(Prefix="bulk/").delete(): one DeleteObjects per page.
            let outputs = bucket.objects().filter(|r| r.prefix("bulk/")).page_size(200).delete().send().await?;
            checks.eq(outputs.len(), 3, "one DeleteObjects per page of 200, 200 and 100 keys")?;
            let deleted: usize = outputs.iter().map(|o| o.deleted.as_ref().map_or(0, Vec::len)).sum();
            checks.eq(deleted, 500, "every key under the prefix deleted")?;
            let left: Vec<String> = bucket.objects().collect().await?.iter().map(|o| o.key().to_owned()).collect();
            checks.eq(left, vec!["keep/me".to_owned()], "only the other prefix is left")?;

            drop_bucket(&bucket, &mut checks).await?;
            Ok::<(), Failure>(())
        }
        .await;
        (checks, outcome)
    });
}

#[test]
fn s3_resources_object_versions() {
    common::run_case("s3_resources_object_versions", |endpoint, mut checks| async move {
        let outcome = async {
            let s3 = ServiceResource::new(&common::session(&endpoint));
            let bucket = new_bucket(&s3, &mut checks).await?;
            // bucket.Versioning().enable()
            bucket.versioning().enable().send().await?;
            checks.eq(
                bucket.versioning().status().await?.map(|s| s.as_str().to_owned()),
                Some("Enabled".to_owned()),
                "BucketVersioning.status after enable()",
            )?;
            for body in ["one", "two"] {
                bucket.put_object().set(|r| r.key("doc.txt").body(body)).send().await?;
            }
            // bucket.object_versions.all()
            let versions = bucket.object_versions().all().collect().await?;
            checks.eq(versions.len(), 2, "two versions of doc.txt")?;
            checks.ok(versions.iter().all(|v| v.object_key() == "doc.txt"), "object_key of each version")?;
            checks.ok(versions[0].id() != versions[1].id(), "distinct version ids")?;
            let latest = versions.iter().filter(|v| v.loaded().is_some()).count();
            checks.eq(latest, 2, "versions carry their listing data")?;
            let old = versions.iter().find(|v| v.id() != versions[0].id()).ok_or("a second version")?;
            let body = old.get().send().await?.body.unwrap_or_default().collect().await?.to_vec();
            checks.ok(body == b"one" || body == b"two", "ObjectVersion.get() reads that version")?;

            // bucket.object_versions.delete(): every version, then the bucket can go.
            bucket.object_versions().delete().send().await?;
            checks.eq(bucket.object_versions().collect().await?.len(), 0, "no versions left")?;
            bucket.delete().send().await?;
            Ok::<(), Failure>(())
        }
        .await;
        (checks, outcome)
    });
}
