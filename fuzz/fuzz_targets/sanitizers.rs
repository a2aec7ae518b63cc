#![no_main]

#[path = "../checks/sanitizers.rs"]
mod sanitizers;

libfuzzer_sys::fuzz_target!(|data: &[u8]| sanitizers::check(data));
