//! The minimal aws-sdk-rust sqs app of `cargo xtask bench`: one `send_message` call (start-up and build cost), or N calls of `send` / `list` (list_queues).

#[path = "../../../common/measure.rs"]
mod measure;

use aws_config::BehaviorVersion;
use aws_sdk_sqs::config::{Credentials, Region};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

const QUEUE: &str = "http://127.0.0.1/123456789012/bench-queue-00";

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
        let client = aws_sdk_sqs::Client::new(&config);
        let op = args.op.clone();
        let call = || async {
            if op == "list" {
                let out = client.list_queues().send().await?;
                return Ok(out.queue_urls.map_or(0, |q| q.len()));
            }
            let out = client.send_message().queue_url(QUEUE).message_body("hello from the benchmark").send().await?;
            Ok::<usize, Box<dyn std::error::Error>>(out.message_id.map_or(0, |m| m.len()))
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
