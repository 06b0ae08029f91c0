//! values.schema.json: compiling it (with the complexity bound), validating values against it,
//! and the schema rules.
#![no_main]
use libfuzzer_sys::fuzz_target;
use plimsoll::source::SourceFile;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let values = plimsoll::yaml::parse(plimsoll_fuzz::VALUES);
    let file = SourceFile::new("values.schema.json", text.to_string());
    if let (Ok(validator), Some(root)) = (plimsoll::schema::compile(&file), values.root()) {
        let _ = plimsoll::schema::validate(&validator, root);
    }
    plimsoll_fuzz::lint(plimsoll_fuzz::files(&[
        ("Chart.yaml", plimsoll_fuzz::CHART.as_bytes()),
        ("values.yaml", plimsoll_fuzz::VALUES.as_bytes()),
        ("templates/cm.yaml", plimsoll_fuzz::TEMPLATE.as_bytes()),
        ("values.schema.json", data),
    ]));
});
