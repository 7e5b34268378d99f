//! EC2 `CopySnapshot` through the generated client: botocore's `inject_presigned_url_ec2` fills
//! `PresignedUrl` (the call presigned in the source region) and `DestinationRegion`.
//!
//! The expected body is botocore 1.44.18's: `/work/main/target/moto-venv/bin/python` called
//! `ec2.copy_snapshot(Description='copy of a b', SourceRegion='us-west-2',
//! SourceSnapshotId='snap-0123456789abcdef0')` in `us-east-1` with credentials `AKIDEXAMPLE` /
//! `wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY`, `botocore.auth.get_current_datetime` and
//! `botocore.signers.get_current_datetime` patched to 2015-08-30T12:36:00Z, and a `before-send`
//! handler that recorded the request.

use std::sync::{Arc, Mutex};
use std::time::{Duration, UNIX_EPOCH};

use http::{Request, Response};
use tucuxi::config::{Env, Fs};
use tucuxi::credentials::Credentials;
use tucuxi::http::{SdkBody, TransportFuture};
use tucuxi::{ByteStream, ManualClock, Session};

type Recorded = Arc<Mutex<Vec<Request<SdkBody>>>>;

fn client() -> (tucuxi_ec2::Client, Recorded) {
    let seen: Recorded = Arc::default();
    let keep = seen.clone();
    let transport = move |request: Request<SdkBody>| -> TransportFuture {
        keep.lock().unwrap().push(request);
        let answer = "<CopySnapshotResponse><snapshotId>snap-1</snapshotId></CopySnapshotResponse>";
        Box::pin(async move { Ok(Response::builder().status(200).body(ByteStream::from(answer)).unwrap()) })
    };
    let session = Session::builder()
        .env_and_fs(Env::from_pairs(Vec::<(String, String)>::new()), Fs::from_files(Vec::<(String, String)>::new()))
        .region("us-east-1")
        .credentials(Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY").with_provider("test"))
        .clock(ManualClock::new(UNIX_EPOCH + Duration::from_secs(1_440_938_160)))
        .http(transport)
        .build()
        .unwrap();
    (tucuxi_ec2::Client::new(&session), seen)
}

fn sent_body(seen: &Recorded) -> String {
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].uri().to_string(), "https://ec2.us-east-1.amazonaws.com/");
    String::from_utf8(seen[0].body().as_bytes().unwrap().to_vec()).unwrap()
}

#[test]
fn copy_snapshot_carries_a_url_presigned_in_the_source_region() {
    let (ec2, seen) = client();
    let output = ec2
        .copy_snapshot()
        .description("copy of a b")
        .source_region("us-west-2")
        .source_snapshot_id("snap-0123456789abcdef0")
        .send_blocking()
        .unwrap();
    assert_eq!(output.snapshot_id.as_deref(), Some("snap-1"));
    // botocore's body, except that botocore's form encoding writes a space as `+` where tucuxi's
    // query serialiser writes `%20` (the same form value); inside the URL both write `%20`.
    let botocore = "Action=CopySnapshot&Version=2016-11-15&Description=copy+of+a+b&SourceRegion=us-west-2&SourceSnapshotId=snap-0123456789abcdef0&PresignedUrl=https%3A%2F%2Fec2.us-west-2.amazonaws.com%2F%3FAction%3DCopySnapshot%26Version%3D2016-11-15%26Description%3Dcopy%2520of%2520a%2520b%26SourceRegion%3Dus-west-2%26SourceSnapshotId%3Dsnap-0123456789abcdef0%26DestinationRegion%3Dus-east-1%26X-Amz-Algorithm%3DAWS4-HMAC-SHA256%26X-Amz-Credential%3DAKIDEXAMPLE%252F20150830%252Fus-west-2%252Fec2%252Faws4_request%26X-Amz-Date%3D20150830T123600Z%26X-Amz-Expires%3D3600%26X-Amz-SignedHeaders%3Dhost%26X-Amz-Signature%3Dcfccac50b701666183ff0b897e032297607d79a7233a0f2fb391bc360333a4cc&DestinationRegion=us-east-1";
    assert_eq!(sent_body(&seen), botocore.replace("copy+of+a+b", "copy%20of%20a%20b"));
}

#[test]
fn a_callers_presigned_url_is_sent_as_it_is() {
    let (ec2, seen) = client();
    ec2.copy_snapshot()
        .source_region("us-west-2")
        .source_snapshot_id("snap-1")
        .presigned_url("https://example.com/mine")
        .send_blocking()
        .unwrap();
    // botocore returns at once: no DestinationRegion either.
    assert_eq!(
        sent_body(&seen),
        "Action=CopySnapshot&Version=2016-11-15&PresignedUrl=https%3A%2F%2Fexample.com%2Fmine&SourceRegion=us-west-2&SourceSnapshotId=snap-1"
    );
}

#[test]
fn presigning_a_copy_does_not_embed_another_url() {
    // `generate_presigned_url` runs no `before-call` handler, so a presigned CopySnapshot is the
    // call's own parameters only.
    let (ec2, _) = client();
    let url = ec2
        .copy_snapshot()
        .source_region("us-west-2")
        .source_snapshot_id("snap-1")
        .presign_blocking(Duration::from_secs(60))
        .unwrap()
        .url;
    assert!(!url.contains("PresignedUrl"), "{url}");
    assert!(!url.contains("DestinationRegion"), "{url}");
}
