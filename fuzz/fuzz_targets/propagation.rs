#![no_main]

#[path = "../checks/propagation.rs"]
mod propagation;

libfuzzer_sys::fuzz_target!(|data: &[u8]| propagation::check(data));
