//! Start-up: from spawning a process to its exit after the first response, for the minimal apps
//! (Session + client + one call) and for boto3 (interpreter, `import boto3`, client, one call).

use std::process::Stdio;
use std::time::Instant;

use super::report::Figure;
use super::tools::{self, Binaries, Server, SERVICES};
use super::Ctx;

const SECTION: &str = "Start-up";

pub fn run(ctx: &Ctx, bins: &Binaries, server: &Server) -> Result<Vec<Figure>, String> {
    let runs = if ctx.quick { 3 } else { 7 };
    let mut figures = Vec::new();
    for svc in SERVICES {
        let (mut ours, mut aws, mut boto) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..runs {
            ours.push(once(tools::client_command(bins.tucuxi(svc)), &[&server.endpoint])?);
            if let Some(binary) = bins.aws(svc) {
                aws.push(once(tools::client_command(binary), &[&server.endpoint])?);
            }
            if let Some(python) = &bins.python {
                let mut cmd = tools::client_command(python);
                cmd.arg(&bins.script);
                boto.push(once(cmd, &[&server.endpoint, svc])?);
            }
        }
        let (ours, aws, boto) = (tools::median(ours), tools::median(aws), tools::median(boto));
        println!("{svc} start-up: tucuxi {ours:?} ms, aws-sdk-rust {aws:?} ms, boto3 {boto:?} ms");
        let name = format!("{svc}: process start to first response");
        figures.push(Figure::new(SECTION, name.clone(), "ms", "boto3").values(ours, boto));
        figures.push(Figure::new(SECTION, name, "ms", "aws-sdk-rust").values(ours, aws).note(if aws.is_none() {
            "not measured: no release build of the peer app"
        } else {
            ""
        }));
    }
    Ok(figures)
}

/// Milliseconds from spawn to exit of one `once` run, which must succeed.
fn once(mut cmd: std::process::Command, args: &[&str]) -> Result<f64, String> {
    cmd.args(args).arg("once").stdout(Stdio::null()).stderr(Stdio::piped());
    let shown = format!("{cmd:?}");
    let started = Instant::now();
    let output = cmd.output().map_err(|e| format!("{shown}: {e}"))?;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    if !output.status.success() {
        return Err(format!("{shown} failed ({}): {}", output.status, String::from_utf8_lossy(&output.stderr)));
    }
    Ok(ms)
}
