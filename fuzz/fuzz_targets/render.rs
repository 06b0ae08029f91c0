//! The renderer: a small chart whose values and templates come from the fuzz bytes
//! (sections separated by NUL: values.yaml, templates/a.yaml, templates/_helpers.tpl,
//! templates/b.yaml), rendered for linting with the default limits. Hostile templates
//! (recursion, `tpl` of `tpl`, huge `range`, `repeat`, `until`, string growth) must end with an
//! error within the limits.
#![no_main]
use libfuzzer_sys::fuzz_target;
use plimsoll::render::chart::{UserValues, render_lenient};
use plimsoll::rendered::scenario::render_options;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let parts = plimsoll_fuzz::sections(data, 4);
    let names = [
        "values.yaml",
        "templates/a.yaml",
        "templates/_helpers.tpl",
        "templates/b.yaml",
    ];
    let mut files = plimsoll_fuzz::files(&[("Chart.yaml", plimsoll_fuzz::CHART.as_bytes())]);
    for (name, part) in names.iter().zip(parts) {
        files.push((name.to_string(), part.to_vec()));
    }
    let (chart, _) = plimsoll::chart::archive::chart_in_memory(Path::new("/fuzz/demo"), files);
    let opts = render_options(&plimsoll::config::Config::default());
    if let Ok(render) = render_lenient(&chart, &UserValues::default(), &opts) {
        for (_, _, out) in &render.outputs {
            let _ = out.text.len();
        }
    }
});
