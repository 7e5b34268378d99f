//! The minimal aws-sdk-rust ec2 app of `cargo xtask bench`: one `describe_instances` call (start-up and build cost), or N of them.

#[path = "../../../common/measure.rs"]
mod measure;

use aws_config::BehaviorVersion;
use aws_sdk_ec2::config::{Credentials, Region};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn main() -> Result<()> {
    let args = measure::args();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async {
        let config = aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .endpoint_url(&args.endpoint)
            .credentials_provider(Credentials::new("AKIDBENCHMARK", "bench-secret-key", None, None, "bench"))
            .load()
            .await;
        let client = aws_sdk_ec2::Client::new(&config);
        let op = args.op.clone();
        let call = || async {
            let _ = &op;
            let out = client.describe_instances().send().await?;
            Ok::<usize, Box<dyn std::error::Error>>(out.reservations.map_or(0, |r| r.len()))
        };
        let first = call().await?;
        if args.mode == "once" {
            println!("{first}");
            return Ok(());
        }
        let run = measure::Run::start();
        for _ in 0..args.n {
            std::hint::black_box(call().await?);
        }
        run.report(args.n);
        Ok(())
    })
}
