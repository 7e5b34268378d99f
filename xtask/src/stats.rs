//! `cargo xtask stats`: size figures of the generated crates (lines of Rust, largest file).

use std::path::PathBuf;

use crate::models;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Directory of generated crates (default: generated/).
    #[arg(long)]
    pub dir: Option<PathBuf>,
}

pub fn run(args: &Args) -> Result<(), String> {
    let dir = args.dir.clone().unwrap_or_else(|| models::repo_root().join("generated"));
    let mut rows = Vec::new();
    let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries.flatten().filter(|e| e.path().is_dir()) {
        let (mut lines, mut files, mut largest) = (0usize, 0usize, (0usize, String::new()));
        for file in walkdir::WalkDir::new(entry.path()).into_iter().flatten() {
            if file.path().extension().is_some_and(|e| e == "rs") {
                let text =
                    std::fs::read_to_string(file.path()).map_err(|e| format!("{}: {e}", file.path().display()))?;
                let n = text.lines().count();
                lines += n;
                files += 1;
                if n > largest.0 {
                    largest = (n, file.path().strip_prefix(&dir).unwrap_or(file.path()).display().to_string());
                }
            }
        }
        rows.push((entry.file_name().to_string_lossy().into_owned(), lines, files, largest));
    }
    rows.sort();
    println!("{:<28} {:>9} {:>6}  largest file", "service", "rs lines", "files");
    let mut total = 0;
    for (service, lines, files, (max, path)) in &rows {
        total += lines;
        println!("{service:<28} {lines:>9} {files:>6}  {max} ({path})");
    }
    println!("{:<28} {total:>9}", "total");
    Ok(())
}
