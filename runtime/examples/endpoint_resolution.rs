//! Measures endpoint resolution: the time per call of resolving an S3 `GetObject` endpoint with
//! the interpreter, and prints it. Run with `cargo run --release -p tucuxi --example
//! endpoint_resolution [path/to/endpoint-rule-set-1.json]` (default: the committed S3 rules).
//!
//! A measurement, not a test: figures depend on the machine and go in the notes.

use std::time::Instant;

use tucuxi::endpoint::{Params, RuleSet};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).unwrap_or_else(|| "models/s3/endpoint-rule-set-1.json".into());
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    let parse_start = Instant::now();
    let rules = RuleSet::from_json(&text)?;
    let parse = parse_start.elapsed();
    let cases: [(&str, Params); 3] = [
        (
            "virtual-hosted bucket",
            Params::new()
                .with("Region", "us-west-2")
                .with("Bucket", "my-bucket")
                .with("UseFIPS", false)
                .with("UseDualStack", false)
                .with("Accelerate", false)
                .with("ForcePathStyle", false),
        ),
        (
            "access point ARN",
            Params::new()
                .with("Region", "us-west-2")
                .with("Bucket", "arn:aws:s3:us-west-2:123456789012:accesspoint:myendpoint")
                .with("UseFIPS", false)
                .with("UseDualStack", false)
                .with("Accelerate", false),
        ),
        (
            "custom endpoint, path style",
            Params::new()
                .with("Region", "us-east-1")
                .with("Bucket", "my-bucket")
                .with("Endpoint", "http://127.0.0.1:5000")
                .with("ForcePathStyle", true),
        ),
    ];
    println!("rule set {path}: {} bytes, parsed in {:?}", text.len(), parse);
    for (name, params) in &cases {
        let endpoint = rules.resolve(params)?;
        let n = 20_000u32;
        let start = Instant::now();
        for _ in 0..n {
            std::hint::black_box(rules.resolve(std::hint::black_box(params))?);
        }
        let per = start.elapsed() / n;
        println!("{name}: {per:?} per resolution -> {}", endpoint.url);
    }
    Ok(())
}
