//! Per-request cost: the same canned responses fetched by tucuxi (async and blocking),
//! aws-sdk-rust, boto3 and a bare hyper client, one client process at a time, rounds alternated.

use std::collections::BTreeMap;

use super::report::Figure;
use super::tools::{self, run_bench, Bench, Binaries, Server};
use super::Ctx;

const SECTION: &str = "Per-request cost";

/// One canned exchange: the app, its `OP` argument, the server's capture route, and how many
/// requests make a run of about a CPU second for tucuxi.
struct Case {
    label: &'static str,
    svc: &'static str,
    op: &'static str,
    route: &'static str,
    n: u64,
}

const CASES: [Case; 5] = [
    Case { label: "SQS ListQueues (json)", svc: "sqs", op: "list", route: "sqs", n: 8000 },
    Case { label: "S3 ListObjectsV2, 100 keys", svc: "s3", op: "list", route: "s3list", n: 3000 },
    Case { label: "DynamoDB GetItem, 20 attributes", svc: "dynamodb", op: "get", route: "dynamodb", n: 6000 },
    Case { label: "EC2 DescribeInstances, 10 instances", svc: "ec2", op: "describe", route: "ec2", n: 3000 },
    Case { label: "S3 GetObject, 1 MiB", svc: "s3", op: "get", route: "s3get", n: 1000 },
];

/// boto3 costs about ten times as much per request; a tenth of the requests keeps runs short.
const BOTO3_SHARE: u64 = 10;

const CLIENTS: [&str; 5] = ["tucuxi async", "floor", "aws-sdk-rust", "tucuxi blocking", "boto3"];

pub fn run(ctx: &Ctx, bins: &Binaries, server: &Server) -> Result<Vec<Figure>, String> {
    let rounds = if ctx.quick { 1 } else { 3 };
    let scale = if ctx.quick { 2 } else { 1 };
    let mut figures = Vec::new();
    for case in &CASES {
        let n = case.n / scale;
        // Per client, the runs of every round (or why there are none).
        let mut runs: BTreeMap<&str, Result<Vec<Bench>, String>> = BTreeMap::new();
        for round in 0..rounds {
            for client in CLIENTS {
                let entry = runs.entry(client).or_insert_with(|| Ok(Vec::new()));
                let Ok(list) = entry else { continue };
                let result = match client {
                    "tucuxi async" | "tucuxi blocking" => {
                        let mode = if client == "tucuxi async" { "async" } else { "blocking" };
                        let mut cmd = tools::client_command(bins.tucuxi(case.svc));
                        cmd.args([server.endpoint.as_str(), mode, &n.to_string(), case.op]);
                        run_bench(cmd)
                    }
                    // The floor replays the request tucuxi async sent just before.
                    "floor" => {
                        let mut cmd = tools::client_command(&bins.tools);
                        cmd.args(["floor", server.endpoint.as_str(), case.route, &n.to_string()]);
                        run_bench(cmd)
                    }
                    "aws-sdk-rust" => match bins.aws(case.svc) {
                        Some(binary) => {
                            let mut cmd = tools::client_command(binary);
                            cmd.args([server.endpoint.as_str(), "async", &n.to_string(), case.op]);
                            run_bench(cmd)
                        }
                        None => Err("no release build of the peer app".into()),
                    },
                    _ => match &bins.python {
                        Some(python) => {
                            let mut cmd = tools::client_command(python);
                            cmd.arg(&bins.script);
                            let n = (n / BOTO3_SHARE).max(10).to_string();
                            cmd.args([server.endpoint.as_str(), case.svc, "async", &n, case.op]);
                            run_bench(cmd)
                        }
                        None => Err("no boto3 venv".into()),
                    },
                };
                match result {
                    Ok(bench) => {
                        println!(
                            "{} round {}: {client}: {:.3} ms CPU per request, {:.0} requests/s",
                            case.label,
                            round + 1,
                            bench.cpu_ms_per_1k() / 1000.0,
                            bench.per_second()
                        );
                        list.push(bench);
                    }
                    Err(e) => {
                        println!("{}: {client} not measured: {e}", case.label);
                        *entry = Err(e);
                    }
                }
            }
        }
        let stat = |client: &str, f: fn(&Bench) -> f64| -> (Option<f64>, String) {
            match &runs[client] {
                Ok(list) => (tools::median(list.iter().map(f).collect()), String::new()),
                Err(e) => (None, format!("{client} not measured: {e}")),
            }
        };
        let cpu = |client: &str| stat(client, Bench::cpu_ms_per_1k);
        let rps = |client: &str| stat(client, Bench::per_second);
        let pair = |name: String,
                    unit: &'static str,
                    ours: (Option<f64>, String),
                    peer: (Option<f64>, String),
                    peer_name: &str| {
            let note = [ours.1, peer.1].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join("; ");
            Figure::new(SECTION, name, unit, peer_name).values(ours.0, peer.0).note(note)
        };
        let label = case.label;
        figures.push(
            pair(
                format!("{label}: CPU per 1,000 requests, async"),
                "ms",
                cpu("tucuxi async"),
                cpu("aws-sdk-rust"),
                "aws-sdk-rust",
            )
            .target(0.5),
        );
        figures.push(
            pair(
                format!("{label}: CPU per 1,000 requests, async, against the floor"),
                "ms",
                cpu("tucuxi async"),
                cpu("floor"),
                "bare hyper",
            )
            .target(2.0),
        );
        figures.push(
            pair(
                format!("{label}: CPU per 1,000 requests, async, against boto3"),
                "ms",
                cpu("tucuxi async"),
                cpu("boto3"),
                "boto3",
            )
            .target(0.05),
        );
        figures.push(
            pair(
                format!("{label}: CPU per 1,000 requests, blocking, against boto3"),
                "ms",
                cpu("tucuxi blocking"),
                cpu("boto3"),
                "boto3",
            )
            .target(0.05),
        );
        // Issue 18: a script that calls blocking should pay at most a tenth more than async code.
        figures.push(
            pair(
                format!("{label}: CPU per 1,000 requests, blocking, against async"),
                "ms",
                cpu("tucuxi blocking"),
                cpu("tucuxi async"),
                "tucuxi async",
            )
            .target(1.1),
        );
        figures.push(pair(
            format!("{label}: CPU per 1,000 requests, blocking"),
            "ms",
            cpu("tucuxi blocking"),
            cpu("aws-sdk-rust"),
            "aws-sdk-rust",
        ));
        figures.push(
            pair(
                format!("{label}: requests per second, async"),
                "req/s",
                rps("tucuxi async"),
                rps("aws-sdk-rust"),
                "aws-sdk-rust",
            )
            .higher_is_better(),
        );
        figures.push(
            pair(
                format!("{label}: requests per second, blocking"),
                "req/s",
                rps("tucuxi blocking"),
                rps("boto3"),
                "boto3",
            )
            .higher_is_better(),
        );
        figures.push(
            pair(
                format!("{label}: requests per second, async, against the floor"),
                "req/s",
                rps("tucuxi async"),
                rps("floor"),
                "bare hyper",
            )
            .higher_is_better(),
        );
    }
    figures.push(sigv4(ctx, bins)?);
    Ok(figures)
}

/// SigV4 header signatures per CPU second, tucuxi's signer against `aws-sigv4`, rounds alternated.
fn sigv4(ctx: &Ctx, bins: &Binaries) -> Result<Figure, String> {
    let n = if ctx.quick { 50_000 } else { 300_000 };
    let rounds = if ctx.quick { 1 } else { 3 };
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        for (which, list) in [("tucuxi", &mut ours), ("aws", &mut theirs)] {
            let mut cmd = tools::client_command(&bins.tools);
            cmd.args(["sigv4", which, &n.to_string()]);
            let bench = run_bench(cmd)?;
            // A run too short for one clock tick would divide by zero; wall time stands in.
            let seconds = if bench.cpu_s > 0.0 { bench.cpu_s } else { bench.wall_s };
            println!("sigv4 {which}: {:.0} signatures per CPU second", bench.n / seconds);
            list.push(bench.n / seconds);
        }
    }
    let version = super::codegen::locked_version(ctx, "aws-sigv4").unwrap_or_default();
    Ok(Figure::new(
        SECTION,
        "SigV4 header signatures per CPU second (one JSON request)",
        "sig/s",
        format!("aws-sigv4 {version}"),
    )
    .values(tools::median(ours), tools::median(theirs))
    .higher_is_better())
}
