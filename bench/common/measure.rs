//! What every bench binary reports, read from /proc so that no app gains a dependency: CPU time
//! of the whole process (all threads, user + system) and its peak resident set.

use std::time::{Duration, Instant};

/// User + system CPU of this process so far. `/proc/self/stat` counts in clock ticks, which are
/// 1/100 s on Linux; runs are sized to take seconds, so the tick is under 1% of a figure.
pub fn cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}

/// Peak resident set (VmHWM) in KiB.
pub fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// A measured run: started after warm-up, finished with `report`.
pub struct Run {
    wall: Instant,
    cpu: Duration,
}

impl Run {
    pub fn start() -> Run {
        Run { wall: Instant::now(), cpu: cpu() }
    }

    /// Prints the one line `cargo xtask bench` reads.
    pub fn report(self, n: u64) {
        let wall = self.wall.elapsed().as_secs_f64();
        let cpu = (cpu() - self.cpu).as_secs_f64();
        println!("BENCH n={n} wall_s={wall:.6} cpu_s={cpu:.6} peak_rss_kib={}", peak_rss_kib());
    }
}

/// `ENDPOINT [MODE [N [OP]]]`: MODE is `once` (default: one call, the start-up figure), `async`
/// or `blocking` (N calls after one warm-up call, on one connection).
pub struct Args {
    pub endpoint: String,
    pub mode: String,
    pub n: u64,
    pub op: String,
}

pub fn args() -> Args {
    let mut a = std::env::args().skip(1);
    let endpoint = a.next().unwrap_or_else(|| "http://127.0.0.1:8080".into());
    let mode = a.next().unwrap_or_else(|| "once".into());
    let n = a.next().and_then(|v| v.parse().ok()).unwrap_or(1);
    let op = a.next().unwrap_or_default();
    Args { endpoint, mode, n, op }
}
