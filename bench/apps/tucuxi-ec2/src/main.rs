//! The minimal tucuxi ec2 app of `cargo xtask bench`: one `describe_instances` call (start-up and build cost), or N of them.

#[path = "../../../common/measure.rs"]
mod measure;

use tucuxi::credentials::Credentials;
use tucuxi_ec2::{Client, Session};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn main() -> Result<()> {
    let args = measure::args();
    let session = Session::builder()
        .region("us-east-1")
        .endpoint_url(&args.endpoint)
        .credentials(Credentials::new("AKIDBENCHMARK", "bench-secret-key").with_provider("bench"))
        .build()?;
    let client = Client::new(&session);
    let op = args.op.clone();
    if args.mode == "blocking" {
        let call = || -> Result<usize> {
            let _ = &op;
            let out = client.describe_instances().send_blocking()?;
            Ok::<usize, Box<dyn std::error::Error>>(out.reservations.map_or(0, |r| r.len()))
        };
        call()?;
        let run = measure::Run::start();
        for _ in 0..args.n {
            std::hint::black_box(call()?);
        }
        run.report(args.n);
        return Ok(());
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async {
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
