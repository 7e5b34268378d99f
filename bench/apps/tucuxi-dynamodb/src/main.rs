//! The minimal tucuxi dynamodb app of `cargo xtask bench`: one `get_item` call (start-up and build cost), or N of them.

#[path = "../../../common/measure.rs"]
mod measure;

use tucuxi::credentials::Credentials;
use tucuxi_dynamodb::{Client, Session};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// An interceptor that keeps every default (no-op) hook.
struct NoOp;

impl tucuxi::Interceptor for NoOp {}

fn key() -> tucuxi_dynamodb::Map<String, tucuxi_dynamodb::types::AttributeValue> {
    let mut key = tucuxi_dynamodb::Map::new();
    let id = tucuxi_dynamodb::types::AttributeValue { s: Some("item-1".into()), ..Default::default() };
    key.insert("id".to_owned(), id);
    key
}

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
            let out = client.get_item().table_name("bench").key(key()).send_blocking()?;
            let _ = &op;
            Ok::<usize, Box<dyn std::error::Error>>(out.item.map_or(0, |i| i.len()))
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
            let out = client.get_item().table_name("bench").key(key()).send().await?;
            let _ = &op;
            Ok::<usize, Box<dyn std::error::Error>>(out.item.map_or(0, |i| i.len()))
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
