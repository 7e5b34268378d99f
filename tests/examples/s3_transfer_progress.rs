//! Uploads a file with `upload_file` and draws a progress bar from the transfer callback, then
//! downloads it back the same way. The bar is plain text, so the example needs no dependency;
//! with `indicatif`, the callback body would be `bar.inc(bytes)`.
//!
//! ```text
//! cargo run -p tucuxi-tests --example s3_transfer_progress -- FILE BUCKET KEY
//! ```
//!
//! The session is the usual chain (environment, `~/.aws`); set `AWS_ENDPOINT_URL` to point it
//! at a local store such as moto.

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tucuxi_s3::{Client, TransferConfig};

/// Draws `done / total` as a 40-column bar on one terminal line.
fn draw(label: &str, done: u64, total: u64) {
    let width: u64 = 40;
    // An empty file is complete from the start.
    let filled = (done.min(total) * width).checked_div(total).unwrap_or(width);
    let bar = format!("{}{}", "#".repeat(filled as usize), " ".repeat((width - filled) as usize));
    print!("\r{label} [{bar}] {done}/{total} bytes");
    let _ = std::io::stdout().flush();
}

/// A callback that adds each increment to a counter and redraws the bar.
fn progress_bar(label: &'static str, total: u64) -> impl Fn(u64) + Send + Sync + 'static {
    let done = Arc::new(AtomicU64::new(0));
    move |bytes| {
        let now = done.fetch_add(bytes, Ordering::Relaxed) + bytes;
        draw(label, now, total);
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [file, bucket, key] = args.as_slice() else {
        return Err("usage: s3_transfer_progress FILE BUCKET KEY".into());
    };
    let session = tucuxi::Session::builder().build()?;
    let s3 = Client::new(&session);
    let size = std::fs::metadata(file)?.len();
    let config = TransferConfig::default().max_concurrency(8);

    s3.upload_file(file, bucket, key).config(config.clone()).callback(progress_bar("upload  ", size)).send_blocking()?;
    println!();
    let copy = format!("{file}.downloaded");
    s3.download_file(bucket, key, &copy).config(config).callback(progress_bar("download", size)).send_blocking()?;
    println!();
    Ok(())
}
