//! The README values table (helm-docs style) and the rules that compare it with values.yaml.
#![no_main]
use libfuzzer_sys::fuzz_target;
use plimsoll::source::SourceFile;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = SourceFile::new("README.md", text.to_string());
    let _ = plimsoll::chart::docs::table(&file);
    plimsoll_fuzz::lint(plimsoll_fuzz::files(&[
        ("Chart.yaml", plimsoll_fuzz::CHART.as_bytes()),
        ("values.yaml", plimsoll_fuzz::VALUES.as_bytes()),
        ("templates/cm.yaml", plimsoll_fuzz::TEMPLATE.as_bytes()),
        ("README.md", data),
    ]));
});
