//! The whole lint of an in-memory chart. Sections separated by NUL: Chart.yaml, values.yaml,
//! templates/a.yaml, templates/_helpers.tpl, values.schema.json, README.md,
//! templates/rules.yaml (a PrometheusRule), charts/sub/values.yaml; missing sections are absent
//! files.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let names = [
        "Chart.yaml",
        "values.yaml",
        "templates/a.yaml",
        "templates/_helpers.tpl",
        "values.schema.json",
        "README.md",
        "templates/rules.yaml",
        "charts/sub/values.yaml",
    ];
    let parts = plimsoll_fuzz::sections(data, names.len());
    let mut files = Vec::new();
    for (name, part) in names.iter().zip(parts) {
        files.push((name.to_string(), part.to_vec()));
    }
    if files.len() == names.len() {
        files.push((
            "charts/sub/Chart.yaml".to_string(),
            b"apiVersion: v2\nname: sub\nversion: 0.1.0\n".to_vec(),
        ));
    }
    plimsoll_fuzz::lint(files);
});
