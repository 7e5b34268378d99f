//! What every bench binary reports, read from /proc so that no app gains a dependency: CPU time
//! of the whole process (all threads, user + system) and its peak resident set.

use std::time::{Duration, Instant};

/// User + system CPU of this process so far (every thread, finished ones included), from
/// `getrusage`, which has microsecond resolution where `/proc/self/stat` counts 10 ms ticks.
pub fn cpu() -> Duration {
    // `struct rusage` on 64-bit Linux: two `timeval`s, then fourteen `long`s. std links libc
    // already, so declaring the one function keeps the apps free of a `libc` dependency.
    #[repr(C)]
    struct Timeval {
        sec: i64,
        usec: i64,
    }
    #[repr(C)]
    struct Rusage {
        utime: Timeval,
        stime: Timeval,
        rest: [i64; 14],
    }
    extern "C" {
        fn getrusage(who: i32, usage: *mut Rusage) -> i32;
    }
    const RUSAGE_SELF: i32 = 0;
    let mut usage = Rusage { utime: Timeval { sec: 0, usec: 0 }, stime: Timeval { sec: 0, usec: 0 }, rest: [0; 14] };
    // SAFETY: `usage` is a valid, writable `struct rusage` for the duration of the call.
    if unsafe { getrusage(RUSAGE_SELF, &mut usage) } != 0 {
        return Duration::ZERO;
    }
    let micros = |t: &Timeval| t.sec as u64 * 1_000_000 + t.usec as u64;
    Duration::from_micros(micros(&usage.utime) + micros(&usage.stime))
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
