//! The Go template parser, as Helm parses chart templates and with the function check off.
#![no_main]
use libfuzzer_sys::fuzz_target;
use plimsoll::template::{ParseOptions, parse};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = parse(text, &ParseOptions::helm("t"));
    let _ = parse(text, &ParseOptions::unchecked("t").with_delims("[[", "]]"));
});
