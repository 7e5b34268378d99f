//! Transfers: a large file up and down through a real S3 store on loopback (s3s-fs, its data on
//! tmpfs where there is one), side by side in one run: tucuxi's `upload_file` / `download_file`,
//! boto3's with the same `TransferConfig` (8 MiB parts, 10 at a time: boto3's defaults), and a
//! floor that moves the same parts by plain concurrent hyper requests to presigned URLs.
//!
//! The targets: throughput at least 3 times boto3's and 0.8 times the floor's; peak RSS
//! at most 1.5 x (max_concurrency x chunk size) + 32 MiB.

use std::path::Path;
use std::process::Command;

use super::report::Figure;
use super::tools::{self, run_bench, Bench};
use super::Ctx;
use crate::s3fs;

const SECTION: &str = "Transfers";
const MIB: u64 = 1024 * 1024;
/// boto3's `TransferConfig` defaults, used by all three clients.
const CHUNK: u64 = 8 * MIB;
const CONCURRENCY: u64 = 10;
/// The keys the bench clients sign with (fake, as the rest of the bench's).
const ACCESS_KEY: &str = "AKIDBENCHMARK";
const SECRET_KEY: &str = "bench-secret-key";
const BUCKET: &str = "bench";

/// The three clients, in the order they run.
const CLIENTS: [&str; 3] = ["tucuxi", "boto3", "floor"];

pub fn run(ctx: &Ctx, tools_binary: &Path, python: Option<&Path>) -> Result<Vec<Figure>, String> {
    let size = if ctx.quick { 256 * MIB } else { 1024 * MIB };
    let label = if size >= 1024 * MIB { format!("{} GiB", size / 1024 / MIB) } else { format!("{} MiB", size / MIB) };
    let s3s_fs = s3fs::ensure_installed(&ctx.root)?;
    // tmpfs keeps the disk out of the measurement; the source and downloaded files live there too.
    let shm = Path::new("/dev/shm");
    let scratch = if shm.is_dir() { shm.to_owned() } else { std::env::temp_dir() };
    let work = scratch.join(format!("tucuxi-bench-transfer-{}", std::process::id()));
    let data = work.join("store");
    let files = work.join("files");
    std::fs::create_dir_all(&files).map_err(|e| format!("{}: {e}", files.display()))?;
    let result = (|| {
        let source = files.join("source");
        write_source(&source, size)?;
        let server = s3fs::S3sFs::start(&s3s_fs, &data, &ctx.out.join("s3s-fs.log"), (ACCESS_KEY, SECRET_KEY))?;
        // s3s-fs serves each top-level directory of its root as a bucket.
        std::fs::create_dir_all(data.join(BUCKET)).map_err(|e| format!("{}: {e}", data.display()))?;
        println!(
            "s3s-fs on {} over {}; {label} file, {CONCURRENCY} x {} MiB parts",
            server.endpoint,
            data.display(),
            CHUNK / MIB
        );
        let load_before = tools::loadavg();
        let mut results: Vec<(&str, &str, Option<Bench>)> = Vec::new();
        for direction in ["upload", "download"] {
            for client in CLIENTS {
                // Every download reads the object tucuxi uploaded, so all read the same parts.
                let key = if direction == "upload" { format!("from-{client}") } else { "from-tucuxi".into() };
                let file = if direction == "upload" { source.clone() } else { files.join(format!("down-{client}")) };
                let runner = Runner { tools: tools_binary, python, script: &ctx.bench.join("boto3_transfer.py") };
                let Some(cmd) = runner.command(client, direction, &server.endpoint, &file, &key) else {
                    results.push((client, direction, None));
                    continue;
                };
                let bench = run_bench(cmd)?;
                if direction == "download" {
                    same_bytes(&source, &file)?;
                    let _ = std::fs::remove_file(&file);
                }
                println!(
                    "{direction} {client}: {:.0} MiB/s, peak RSS {:.1} MiB, CPU {:.1}s",
                    size as f64 / MIB as f64 / bench.wall_s,
                    bench.peak_rss_kib / 1024.0,
                    bench.cpu_s
                );
                results.push((client, direction, Some(bench)));
            }
        }
        Ok::<_, String>((figures(&results, size, &label, ctx.quick), load_before))
    })();
    let _ = std::fs::remove_dir_all(&work);
    let (mut figures, load_before) = result?;
    let note = format!("load average (1/5/15 min) before the transfers: {load_before}; after: {}", tools::loadavg());
    if let Some(first) = figures.first_mut() {
        first.note = if first.note.is_empty() { note } else { format!("{}; {note}", first.note) };
    }
    Ok(figures)
}

/// What runs the clients: the bench tools binary, and boto3's venv and script.
struct Runner<'a> {
    tools: &'a Path,
    python: Option<&'a Path>,
    script: &'a Path,
}

impl Runner<'_> {
    /// The command that moves the file one way with one client; `None` for boto3 without its venv.
    fn command(&self, client: &str, direction: &str, endpoint: &str, file: &Path, key: &str) -> Option<Command> {
        let mut cmd = if client == "boto3" {
            let mut cmd = tools::client_command(self.python?);
            cmd.arg(self.script).arg(direction);
            cmd
        } else {
            let mut cmd = tools::client_command(self.tools);
            cmd.args([&format!("xfer-{client}"), direction]);
            cmd
        };
        cmd.args([endpoint, &file.to_string_lossy(), BUCKET, key, &CHUNK.to_string(), &CONCURRENCY.to_string()]);
        Some(cmd)
    }
}

/// A file of `size` bytes that differ along the file, so a part written at the wrong offset is
/// caught by [`same_bytes`].
fn write_source(path: &Path, size: u64) -> Result<(), String> {
    use std::io::Write;
    let file = std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = std::io::BufWriter::with_capacity(MIB as usize, file);
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut block = vec![0u8; MIB as usize];
    for _ in 0..size / MIB {
        for word in block.chunks_exact_mut(8) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            word.copy_from_slice(&x.to_le_bytes());
        }
        out.write_all(&block).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    out.flush().map_err(|e| format!("{}: {e}", path.display()))
}

/// Fails unless the downloaded file is the source, byte for byte.
fn same_bytes(source: &Path, downloaded: &Path) -> Result<(), String> {
    use std::io::Read;
    let open = |p: &Path| std::fs::File::open(p).map_err(|e| format!("{}: {e}", p.display()));
    let (mut a, mut b) = (open(source)?, open(downloaded)?);
    let (mut x, mut y) = (vec![0u8; MIB as usize], vec![0u8; MIB as usize]);
    loop {
        let n = read_full(&mut a, &mut x).map_err(|e| format!("{}: {e}", source.display()))?;
        let m = read_full(&mut b, &mut y).map_err(|e| format!("{}: {e}", downloaded.display()))?;
        if n != m || x[..n] != y[..m] {
            return Err(format!("{} differs from the uploaded file", downloaded.display()));
        }
        if n == 0 {
            return Ok(());
        }
    }

    fn read_full(file: &mut std::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut filled = 0;
        while filled < buf.len() {
            match file.read(&mut buf[filled..])? {
                0 => break,
                n => filled += n,
            }
        }
        Ok(filled)
    }
}

fn figures(results: &[(&str, &str, Option<Bench>)], size: u64, label: &str, quick: bool) -> Vec<Figure> {
    let find = |client: &str, direction: &str| {
        results.iter().find(|(c, d, _)| *c == client && *d == direction).and_then(|(_, _, b)| *b)
    };
    let rate = |b: Option<Bench>| b.map(|b| size as f64 / MIB as f64 / b.wall_s);
    let rss = |b: Option<Bench>| b.map(|b| b.peak_rss_kib / 1024.0);
    let bound = 1.5 * (CONCURRENCY * CHUNK) as f64 / MIB as f64 + 32.0;
    let note = if quick { "--quick: a smaller file" } else { "" };
    let mut figures = Vec::new();
    for direction in ["upload", "download"] {
        let what = format!("{direction} {label}");
        let tucuxi = find("tucuxi", direction);
        let (boto3, floor) = (rate(find("boto3", direction)), rate(find("floor", direction)));
        // What the store allows: no client can be faster than the floor by much, so when the
        // floor itself is not 3 times boto3 the target cannot be met on this store.
        let ceiling = match (floor, boto3) {
            (Some(f), Some(b)) if b > 0.0 => format!("the floor is {:.2}x boto3 on this store", f / b),
            _ => String::new(),
        };
        figures.push(
            Figure::new(SECTION, format!("{what}: throughput"), "MiB/s", "boto3")
                .values(rate(tucuxi), boto3)
                .higher_is_better()
                .target(3.0)
                .note([note, ceiling.as_str()].into_iter().filter(|n| !n.is_empty()).collect::<Vec<_>>().join("; ")),
        );
        figures.push(
            Figure::new(SECTION, format!("{what}: throughput"), "MiB/s", "floor (plain concurrent hyper requests)")
                .values(rate(tucuxi), floor)
                .higher_is_better()
                .target(0.8),
        );
        figures.push(
            Figure::new(SECTION, format!("{what}: peak RSS"), "MiB", "the issue's bound, 1.5 x (10 x 8 MiB) + 32 MiB")
                .values(rss(tucuxi), Some(bound))
                .target(1.0),
        );
        figures.push(
            Figure::new(SECTION, format!("{what}: peak RSS"), "MiB", "boto3 (interpreter included)")
                .values(rss(tucuxi), rss(find("boto3", direction))),
        );
        figures.push(
            Figure::new(SECTION, format!("{what}: peak RSS"), "MiB", "floor")
                .values(rss(tucuxi), rss(find("floor", direction))),
        );
    }
    figures
}
