//! The YAML parser: any text parses to a tree with issues, never a panic or a blowup; and the
//! fast path, when it takes the text, builds exactly the tree granit-parser builds.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = plimsoll::yaml::parse_granit(text, plimsoll::yaml::Limits::default());
    if let Some(fast) = plimsoll::yaml::parse_fast(text)
        && let Some(d) = plimsoll::yaml::difference(&fast, &file)
    {
        panic!("the fast path differs from granit-parser: {d}");
    }
    for doc in &file.documents {
        if let Some(root) = &doc.root {
            let _ = root.to_json();
            plimsoll::yaml::walk(root, &mut |_, _, _| {});
        }
    }
    let _ = file.has_syntax_error();
});
