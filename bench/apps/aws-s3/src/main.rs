//! The minimal aws-sdk-rust S3 app of `cargo xtask bench`: one `list_objects_v2` call (the
//! start-up and build-cost figures), or N calls of `list` / `get` (a 1 MiB object).

#[path = "../../../common/measure.rs"]
mod measure;

use aws_config::BehaviorVersion;
use aws_sdk_s3::config::{Credentials, Region};

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
        let client =
            aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(&config).force_path_style(true).build());
        let get = args.op == "get";
        let call = || async {
            if get {
                let out = client.get_object().bucket("bench").key("size-1048576").send().await?;
                Ok::<usize, Box<dyn std::error::Error>>(out.body.collect().await?.into_bytes().len())
            } else {
                let out = client.list_objects_v2().bucket("bench").send().await?;
                Ok(out.contents.map_or(0, |c| c.len()))
            }
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
