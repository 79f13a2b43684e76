//! `cargo xtask` as a library, so its tests can drive the same code the
//! sub-commands run (see `tests/bench_smoke.rs`).
#![forbid(unsafe_code)]

pub mod bench;
