//! Memory: tucuxi's peak RSS paging through many keys and streaming a large object each way, each
//! size in a process of its own. "Flat" means the largest size needs no more than 1.5 times the
//! memory of the smallest.

use super::report::{self, Figure};
use super::tools::{self, run_bench, Binaries, Server};
use super::Ctx;

const SECTION: &str = "Memory";
const MIB: u64 = 1024 * 1024;
/// The growth from the smallest to the largest size that still counts as flat.
const FLAT: f64 = 1.5;

pub fn run(ctx: &Ctx, bins: &Binaries, server: &Server) -> Result<Vec<Figure>, String> {
    let keys: &[u64] = if ctx.quick { &[10_000, 100_000] } else { &[10_000, 100_000, 1_000_000] };
    let bytes: &[u64] = if ctx.quick { &[16 * MIB, 64 * MIB] } else { &[64 * MIB, 1024 * MIB] };
    let mut figures = Vec::new();
    for (tool, sizes, what) in [
        ("page", keys, "paging ListObjectsV2 (pages of 1,000)"),
        ("download", bytes, "streaming GetObject down"),
        ("upload", bytes, "streaming PutObject up"),
    ] {
        let mut peaks = Vec::new();
        for &size in sizes {
            let mut cmd = tools::client_command(&bins.tools);
            cmd.args([tool, server.endpoint.as_str(), &size.to_string()]);
            let bench = run_bench(cmd)?;
            let peak = bench.peak_rss_kib / 1024.0;
            println!("{tool} {}: peak RSS {peak:.1} MiB in {:.1}s", label(tool, size), bench.wall_s);
            peaks.push((size, peak));
        }
        let (base_size, base) = peaks[0];
        for &(size, peak) in &peaks[1..] {
            figures.push(
                Figure::new(
                    SECTION,
                    format!("peak RSS {what}, {}", label(tool, size)),
                    "MiB",
                    format!("tucuxi, {}", label(tool, base_size)),
                )
                .values(Some(peak), Some(base))
                .target(FLAT)
                .note(if ctx.quick { "--quick: smaller sizes" } else { "" }),
            );
        }
    }
    Ok(figures)
}

fn label(tool: &str, size: u64) -> String {
    if tool == "page" {
        format!("{} keys", report::group(size as i64))
    } else if size >= 1024 * MIB {
        format!("{} GiB", size / 1024 / MIB)
    } else {
        format!("{} MiB", size / MIB)
    }
}
