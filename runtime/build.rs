//! Records the compiler's version for the User-Agent (`lang/rust#1.87.0`), as the other AWS SDKs
//! for Rust send it; `unknown` when the compiler cannot say.

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=RUSTC");
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let version = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        // `rustc 1.87.0 (17067e9ac 2025-05-09)`: the second word.
        .and_then(|text| text.split_whitespace().nth(1).map(str::to_owned))
        .filter(|v| v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-'))
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=TUCUXI_RUSTC_VERSION={version}");
}
