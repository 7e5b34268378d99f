//! The minimal tucuxi sqs app of `cargo xtask bench`: one `send_message` call (start-up and build cost), or N calls of `send` / `list` (list_queues).

#[path = "../../../common/measure.rs"]
mod measure;

use tucuxi::credentials::Credentials;
use tucuxi_sqs::{Client, Session};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// An interceptor that keeps every default (no-op) hook.
struct NoOp;

impl tucuxi::Interceptor for NoOp {}

const QUEUE: &str = "http://127.0.0.1/123456789012/bench-queue-00";

fn main() -> Result<()> {
    let args = measure::args();
    let mut builder = Session::builder()
        .region("us-east-1")
        .endpoint_url(&args.endpoint)
        .credentials(Credentials::new("AKIDBENCHMARK", "bench-secret-key").with_provider("bench"));
    // Issue 16's check that interceptors cost nothing per request: the same run with one
    // registered hook set whose every method is the trait's no-op default.
    if std::env::var_os("BENCH_NOOP_INTERCEPTOR").is_some() {
        builder = builder.interceptor(NoOp);
    }
    let session = builder.build()?;
    let client = Client::new(&session);
    let op = args.op.clone();
    if args.mode == "blocking" {
        let call = || -> Result<usize> {
            if op == "list" {
                let out = client.list_queues().send_blocking()?;
                return Ok(out.queue_urls.map_or(0, |q| q.len()));
            }
            let out =
                client.send_message().queue_url(QUEUE).message_body("hello from the benchmark").send_blocking()?;
            Ok::<usize, Box<dyn std::error::Error>>(out.message_id.map_or(0, |m| m.len()))
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
