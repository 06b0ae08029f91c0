//! Packaged charts (.tgz) read in memory: gzip, tar, long names, PAX records, limits.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let (chart, diags) =
        plimsoll::chart::archive::load_archive_in_memory(Path::new("/fuzz/demo-1.0.0.tgz"), data);
    if let Some(chart) = chart {
        let _ = chart.own_files().count();
    }
    plimsoll_fuzz::report(&diags);
});
