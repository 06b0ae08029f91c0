//! The PromQL parser.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(e) = plimsoll::prometheus::parse::parse(text) {
        let _ = e.line_col(text);
    }
    let _ = plimsoll::prometheus::parse::parse_duration(text);
});
