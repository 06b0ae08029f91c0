//! The YAML parser: any text parses to a tree with issues, never a panic or a blowup.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = plimsoll::yaml::parse(text);
    for doc in &file.documents {
        if let Some(root) = &doc.root {
            let _ = root.to_json();
            plimsoll::yaml::walk(root, &mut |_, _, _| {});
        }
    }
    let _ = file.has_syntax_error();
});
