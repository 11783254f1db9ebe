#![no_main]
//! See `fieldref_fuzz::signed_metadata` (fuzz/src/lib.rs) for what this target checks.

libfuzzer_sys::fuzz_target!(|data: &[u8]| fieldref_fuzz::signed_metadata(data));
