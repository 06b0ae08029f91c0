//! `plimsoll-matcher.json` (GitHub Actions `::add-matcher::`, and the same pattern in a
//! VS Code `tasks.json`) against real `--format compact` output.

use plimsoll::diagnostic::{Diagnostic, RuleMeta, Severity, Sink};
use plimsoll::report::{self, Format, ReportOptions};
use plimsoll::source::{SourceFile, Span};
use regex::Regex;
use serde_json::Value;

static TYPO: RuleMeta = RuleMeta {
    name: "templates/unknown-values-path",
    severity: Severity::Error,
    summary: "Template reads a values path that does not exist",
    doc: "",
};
static HINT: RuleMeta = RuleMeta {
    name: "docs/undocumented-key",
    severity: Severity::Warning,
    summary: "Key missing from the README values table",
    doc: "",
};
static NOTE: RuleMeta = RuleMeta {
    name: "chart/icon-missing",
    severity: Severity::Info,
    summary: "Chart has no icon",
    doc: "",
};

fn matcher() -> (Value, Regex) {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/plimsoll-matcher.json"
    ))
    .expect("plimsoll-matcher.json at the repository root");
    let json: Value = serde_json::from_str(&text).expect("matcher is JSON");
    let pattern = &json["problemMatcher"][0]["pattern"][0];
    let re = Regex::new(pattern["regexp"].as_str().expect("regexp")).expect("regexp compiles");
    (json, re)
}

fn compact(diags: &[Diagnostic]) -> String {
    let mut out = Vec::new();
    report::render(Format::Compact, diags, &mut out, &ReportOptions::default()).unwrap();
    String::from_utf8(out).unwrap()
}

fn findings() -> Vec<Diagnostic> {
    let tpl_text = "{{ .Values.imag.tag }}\n".to_string();
    let tpl = SourceFile::new("charts/web/templates/deployment.yaml", tpl_text);
    let values = SourceFile::new("values.yaml", "a: 1\nservice:\n  port: 80\n".to_string());
    let mut sink = Sink::default();
    sink.report(
        &TYPO,
        &tpl,
        Span::new(3, 19),
        "`.Values.imag.tag` is not in values.yaml: did you mean `image.tag` [x: y]?",
    );
    sink.report(
        &HINT,
        &values,
        Span::new(16, 20),
        "key `service.port` is not documented: add a row",
    );
    sink.report(&NOTE, &values, Span::new(0, 1), "no icon");
    sink.diagnostics
}

#[test]
fn matcher_has_the_fields_actions_requires() {
    let (json, _) = matcher();
    let m = &json["problemMatcher"][0];
    assert_eq!(m["owner"], "plimsoll");
    let p = &m["pattern"][0];
    for (key, group) in [
        ("file", 1),
        ("line", 2),
        ("column", 3),
        ("severity", 4),
        ("message", 5),
        ("code", 6),
    ] {
        assert_eq!(p[key], group, "{key}");
    }
}

#[test]
fn matcher_reads_real_compact_lines() {
    let (_, re) = matcher();
    let out = compact(&findings());
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3);

    let c = re
        .captures(lines[0])
        .unwrap_or_else(|| panic!("no match: {}", lines[0]));
    assert_eq!(&c[1], "charts/web/templates/deployment.yaml");
    assert_eq!((&c[2], &c[3]), ("1", "4"));
    assert_eq!(&c[4], "error");
    assert_eq!(
        &c[5],
        "`.Values.imag.tag` is not in values.yaml: did you mean `image.tag` [x: y]?"
    );
    assert_eq!(&c[6], "templates/unknown-values-path");

    let c = re
        .captures(lines[1])
        .unwrap_or_else(|| panic!("no match: {}", lines[1]));
    assert_eq!(&c[1], "values.yaml");
    assert_eq!((&c[2], &c[3]), ("3", "3"));
    assert_eq!(&c[4], "warning");
    assert_eq!(&c[5], "key `service.port` is not documented: add a row");
    assert_eq!(&c[6], "docs/undocumented-key");

    // GitHub annotations know only error and warning: info lines stay plain log output.
    assert!(lines[2].contains(": info: "));
    assert!(re.captures(lines[2]).is_none(), "{}", lines[2]);
}

#[test]
fn matcher_reads_windows_style_relative_paths() {
    let (_, re) = matcher();
    let line = r"charts\web\templates\service.yaml:12:7: warning: port name `http:[80]` is not declared [probes/port-name-undeclared]";
    let c = re.captures(line).expect("matches");
    assert_eq!(&c[1], r"charts\web\templates\service.yaml");
    assert_eq!((&c[2], &c[3]), ("12", "7"));
    assert_eq!(&c[5], "port name `http:[80]` is not declared");
    assert_eq!(&c[6], "probes/port-name-undeclared");
}
