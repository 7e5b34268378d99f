//! Tests of generated code together with the runtime (see `tests/golden` for the models).
#![cfg(test)]

mod golden_runtime;
mod json_codec;
mod protocol_support;
