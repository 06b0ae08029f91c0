//! Chart.yaml: the chart rules, dependency handling and the renderer's reading of the metadata.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    plimsoll_fuzz::lint(plimsoll_fuzz::files(&[
        ("Chart.yaml", data),
        ("values.yaml", plimsoll_fuzz::VALUES.as_bytes()),
        ("templates/cm.yaml", plimsoll_fuzz::TEMPLATE.as_bytes()),
    ]));
});
