//! The minimal tucuxi S3 app of `cargo xtask bench`: one `list_objects_v2` call (the start-up and
//! build-cost figures), or N calls of `list` / `get` (a 1 MiB object) for the per-request figures.

#[path = "../../../common/measure.rs"]
mod measure;

use tucuxi::credentials::Credentials;
use tucuxi_s3::{Client, Session};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn main() -> Result<()> {
    let args = measure::args();
    let session = Session::builder()
        .region("us-east-1")
        .endpoint_url(&args.endpoint)
        .credentials(Credentials::new("AKIDBENCHMARK", "bench-secret-key").with_provider("bench"))
        .build()?;
    let client = Client::new(&session);
    let get = args.op == "get";
    if args.mode == "blocking" {
        let call = || -> Result<usize> {
            if get {
                let out = client.get_object().bucket("bench").key("size-1048576").send_blocking()?;
                Ok(out.body.unwrap_or_default().collect_blocking()?.len())
            } else {
                let out = client.list_objects_v2().bucket("bench").send_blocking()?;
                Ok(out.contents.map_or(0, |c| c.len()))
            }
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
            if get {
                let out = client.get_object().bucket("bench").key("size-1048576").send().await?;
                Ok::<usize, Box<dyn std::error::Error>>(out.body.unwrap_or_default().collect().await?.len())
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
