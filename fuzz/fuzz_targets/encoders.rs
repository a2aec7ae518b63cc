#![no_main]

#[path = "../checks/encoders.rs"]
mod encoders;
#[path = "../../log/tests/common/logfmt_spec.rs"]
mod logfmt_spec;
#[path = "../../log/tests/common/ordered_json.rs"]
mod ordered_json;
#[path = "../../log/tests/common/roundtrip_check.rs"]
mod roundtrip_check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| encoders::check(data));
