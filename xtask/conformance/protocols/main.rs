//! The protocol conformance harness that `cargo xtask conformance protocols` builds: one module
//! per test case under `cases/` (generated), the case table, and the support code (hand-written,
//! from `xtask/conformance/protocols/`).
//!
//! Usage: `tucuxi-protocol-conformance PROTOCOLS_DIR [--filter TEXT]`. Prints one line per
//! case, `PASS file#id` or `FAIL file#id<TAB>reason`, for the driver to tally.

// The generated modules are libraries: most of what they declare is not used here, and some of
// it is deprecated because the models say so.
#[allow(dead_code, deprecated, unused_imports)]
mod cases;
mod support;

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::Value;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut dir = None;
    let mut filter = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--filter" => filter = args.next(),
            _ if dir.is_none() => dir = Some(PathBuf::from(arg)),
            _ => {
                eprintln!("unexpected argument {arg:?}");
                return ExitCode::FAILURE;
            }
        }
    }
    let Some(dir) = dir else {
        eprintln!("usage: tucuxi-protocol-conformance PROTOCOLS_DIR [--filter TEXT]");
        return ExitCode::FAILURE;
    };
    // Panics are failures of one case, reported on its line; the default hook would also print
    // them between the lines.
    std::panic::set_hook(Box::new(|_| {}));
    let mut files: BTreeMap<&str, Value> = BTreeMap::new();
    for case in cases::CASES {
        let key = format!("{}#{}", case.file, case.id);
        if filter.as_ref().is_some_and(|f| !key.contains(f.as_str())) {
            continue;
        }
        if !files.contains_key(case.file) {
            let path = dir.join(case.file);
            let parsed = std::fs::read_to_string(&path)
                .map_err(|e| e.to_string())
                .and_then(|text| serde_json::from_str(&text).map_err(|e| e.to_string()));
            match parsed {
                Ok(json) => files.insert(case.file, json),
                Err(e) => {
                    eprintln!("{}: {e}", path.display());
                    return ExitCode::FAILURE;
                }
            };
        }
        let suite = &files[case.file][case.suite];
        let data = &suite["cases"][case.index];
        let result = catch_unwind(AssertUnwindSafe(|| (case.run)(suite, data)));
        match result {
            Ok(Ok(())) => println!("PASS {key}"),
            Ok(Err(reason)) => println!("FAIL {key}\t{}", one_line(&reason)),
            Err(panic) => {
                let message = panic
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| panic.downcast_ref::<&str>().copied())
                    .unwrap_or("(no message)");
                println!("FAIL {key}\tpanicked: {}", one_line(message));
            }
        }
    }
    ExitCode::SUCCESS
}

fn one_line(text: &str) -> String {
    text.replace(['\n', '\t'], " ")
}
