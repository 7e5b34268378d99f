//! The resource layer end to end against a local moto server, never real AWS: the boto3
//! resource examples users know (`s3.buckets.all()`, `bucket.objects.filter(Prefix=...)`,
//! `ec2.create_instances(...)` and `instance.wait_until_running()`, `queue.receive_messages()`,
//! ...), each as a Rust test.
//!
//! `cargo xtask test` starts moto and sets `TUCUXI_MOTO_ENDPOINT`; without it every case says why
//! and passes. Each case prints `moto-services: ran N checks (name)`, which the xtask step counts.

// The shared helpers serve the service cases too; not every one is used here.
#[allow(dead_code)]
#[path = "moto_services/common.rs"]
mod common;
#[path = "moto_resources/counting.rs"]
mod counting;
#[path = "moto_resources/ec2.rs"]
mod ec2;
#[path = "moto_resources/others.rs"]
mod others;
#[path = "moto_resources/s3.rs"]
mod s3;
