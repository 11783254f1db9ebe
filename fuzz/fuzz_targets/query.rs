#![no_main]
//! See `fieldref_fuzz::query` (fuzz/src/lib.rs) for what this target checks.

libfuzzer_sys::fuzz_target!(|data: &[u8]| fieldref_fuzz::query(data));
