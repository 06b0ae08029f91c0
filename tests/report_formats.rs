//! Every output format over one fixed set of findings built from in-memory files: a
//! multi-byte character before a span, a span over two lines, a label in another file, a
//! finding about a whole file, and text that needs escaping in every format.

use plimsoll::diagnostic::{Diagnostic, RuleMeta, Severity, Sink};
use plimsoll::report::{self, Format, ReportOptions};
use plimsoll::source::{SourceFile, Span};
use serde_json::Value;

static STRING_BOOL: RuleMeta = RuleMeta {
    name: "values/string-bool",
    severity: Severity::Error,
    summary: "Boolean value written as a string",
    doc: "## What it does\nFinds booleans written as strings.\n\n## Why it matters\n`if \"false\"` is true.\n\n## Example\n```yaml\nenabled: \"false\"\n```\n\n## Fix\nWrite `false`.\n",
};

static REQUESTS_ABOVE_LIMITS: RuleMeta = RuleMeta {
    name: "values/requests-above-limits",
    severity: Severity::Warning,
    summary: "Resource request above its limit",
    doc: "## What it does\nCompares requests with limits.\n\n## Why it matters\nThe pod is rejected.\n\n## Example\n```yaml\nrequests: {cpu: 2}\nlimits: {cpu: 1}\n```\n\n## Fix\nLower the request.\n",
};

static EMPTY_FILE: RuleMeta = RuleMeta {
    name: "file/empty",
    severity: Severity::Info,
    summary: "File is empty",
    doc: "## What it does\nReports empty files.\n\n## Why it matters\nThey are usually a mistake.\n\n## Example\n(an empty NOTES.txt)\n\n## Fix\nRemove the file.\n",
};

const VALUES: &str = "# Réglages « web »\nimage:\n  name: café/web\n  pullPolicy: \"yes\"\nresources:\n  requests: {cpu: 2,\n    memory: 1Gi}\n  limits: {cpu: 1}\n";
const README: &str = "# web\n\n| Key | Type | Default |\n|-----|------|---------|\n| image.pullPolicy — « policy » | bool | `true` |\n";

fn span_of(text: &str, needle: &str) -> Span {
    let start = text.find(needle).expect("fixture text contains the needle");
    Span::new(start, start + needle.len())
}

/// The fixed findings, in report order.
fn fixture() -> Vec<Diagnostic> {
    let values = SourceFile::new("charts/web/values.yaml", VALUES.to_string());
    let readme = SourceFile::new("charts/web/README.md", README.to_string());
    let notes = SourceFile::new("charts/web/templates/NOTES.txt", String::new());
    let mut sink = Sink::default();
    sink.report(
        &STRING_BOOL,
        &values,
        span_of(VALUES, "\"yes\""),
        "`pullPolicy: \"yes\"` is the string \"yes\", not 100% a bool: use true, false or a policy name",
    )
    .label("a string, not a boolean")
    .help("write `pullPolicy: IfNotPresent` or `true`")
    .related(
        &readme,
        span_of(README, "`true`"),
        "documented as a bool here",
    )
    .related(
        &values,
        span_of(VALUES, "web\n").sub(0, 3),
        "in this image <café/web> & co",
    );
    sink.report(
        &REQUESTS_ABOVE_LIMITS,
        &values,
        span_of(VALUES, "{cpu: 2,\n    memory: 1Gi}"),
        "requests.cpu (2) > limits.cpu (1)\nthe pod will be rejected <at admission> & never start",
    )
    .label("requested here")
    .related(&values, span_of(VALUES, "{cpu: 1}"), "limit set here");
    sink.report_file(&EMPTY_FILE, &notes, "NOTES.txt is empty, 'nothing' to show");
    let mut diags = sink.diagnostics;
    diags.sort_by(|a, b| a.sort_key_cmp(b));
    diags
}

fn render(format: Format, diags: &[Diagnostic], color: bool) -> String {
    let mut out = Vec::new();
    report::render(
        format,
        diags,
        &mut out,
        &ReportOptions {
            color,
            ..ReportOptions::default()
        },
    )
    .expect("render");
    String::from_utf8(out).expect("reports are UTF-8")
}

/// Snapshots must not change with every release.
fn redact_version(s: &str) -> String {
    s.replace(
        &format!("\"version\": \"{}\"", env!("CARGO_PKG_VERSION")),
        "\"version\": \"[VERSION]\"",
    )
    .replace(
        &format!("\"semanticVersion\": \"{}\"", env!("CARGO_PKG_VERSION")),
        "\"semanticVersion\": \"[VERSION]\"",
    )
    .replace(
        &format!("/plimsoll/{}/source/", env!("CARGO_PKG_VERSION")),
        "/plimsoll/[VERSION]/source/",
    )
}

#[test]
fn snapshot_human() {
    insta::assert_snapshot!("human", render(Format::Human, &fixture(), false));
}

#[test]
fn snapshot_compact() {
    insta::assert_snapshot!("compact", render(Format::Compact, &fixture(), false));
}

#[test]
fn snapshot_github() {
    insta::assert_snapshot!("github", render(Format::Github, &fixture(), false));
}

#[test]
fn snapshot_json() {
    insta::assert_snapshot!(
        "json",
        redact_version(&render(Format::Json, &fixture(), false))
    );
}

#[test]
fn snapshot_sarif() {
    insta::assert_snapshot!(
        "sarif",
        redact_version(&render(Format::Sarif, &fixture(), false))
    );
}

#[test]
fn snapshot_junit() {
    insta::assert_snapshot!("junit", render(Format::Junit, &fixture(), false));
}

#[test]
fn snapshot_clean_runs() {
    let mut all = String::new();
    for format in [
        Format::Human,
        Format::Compact,
        Format::Github,
        Format::Json,
        Format::Sarif,
        Format::Junit,
    ] {
        all.push_str(&format!("--- {format:?}\n"));
        all.push_str(&redact_version(&render(format, &[], false)));
    }
    insta::assert_snapshot!("clean", all);
}

// ---- human ----

#[test]
fn human_shows_every_label_in_its_own_file() {
    let out = render(Format::Human, &fixture(), false);
    assert!(out.contains("error[values/string-bool]"), "{out}");
    assert!(out.contains("╭─[charts/web/values.yaml:4:15]"), "{out}");
    // Snippet headers count columns in characters, like every other format.
    assert!(out.contains("╭─[charts/web/README.md:5:42]"), "{out}");
    assert!(out.contains("documented as a bool here"), "{out}");
    assert!(out.contains("a string, not a boolean"), "{out}");
    assert!(
        out.contains("help: write `pullPolicy: IfNotPresent` or `true`"),
        "{out}"
    );
    assert!(
        out.trim_end()
            .ends_with("1 error, 1 warning, 1 info in 2 files"),
        "{out}"
    );
}

#[test]
fn human_file_level_findings_have_no_snippet() {
    let diags: Vec<_> = fixture().into_iter().filter(|d| d.span.is_none()).collect();
    assert_eq!(diags.len(), 1);
    let out = render(Format::Human, &diags, false);
    assert!(
        out.contains("charts/web/templates/NOTES.txt: NOTES.txt is empty"),
        "{out}"
    );
    assert!(!out.contains('╭'), "{out}");
}

#[test]
fn human_colour_is_opt_in_and_never_hyperlinks() {
    let plain = render(Format::Human, &fixture(), false);
    assert!(
        !plain.contains('\u{1b}'),
        "escape codes in plain output:\n{plain}"
    );
    let colored = render(Format::Human, &fixture(), true);
    assert!(colored.contains("\u{1b}["), "no colour codes:\n{colored}");
    assert!(!colored.contains("\u{1b}]8;"), "hyperlink escape in output");
}

// ---- compact ----

#[test]
fn compact_is_one_line_per_finding() {
    let diags = fixture();
    let out = render(Format::Compact, &diags, false);
    assert_eq!(out.lines().count(), diags.len(), "{out}");
    assert!(out.contains(
        "charts/web/values.yaml:6:13: warning: requests.cpu (2) > limits.cpu (1) the pod"
    ));
}

// ---- github ----

#[test]
fn github_commands_escape_and_stay_on_one_line() {
    let diags = fixture();
    let out = render(Format::Github, &diags, false);
    let lines: Vec<_> = out.lines().collect();
    assert_eq!(lines.len(), diags.len(), "{out}");
    assert!(
        lines[0].starts_with("::notice file=charts/web/templates/NOTES.txt,title=file/empty::")
    );
    assert!(lines[1].starts_with(
        "::error file=charts/web/values.yaml,line=4,col=15,endLine=4,endColumn=20,title=values/string-bool::charts/web/values.yaml:4:15: "
    ), "{}", lines[1]);
    assert!(lines[1].contains("not 100%25 a bool: use true, false"));
    // Spans over several lines carry no columns.
    assert!(lines[2].starts_with(
        "::warning file=charts/web/values.yaml,line=6,endLine=7,title=values/requests-above-limits::"
    ), "{}", lines[2]);
    assert!(lines[2].contains("(1)%0Athe pod"));
}

#[test]
fn github_adds_a_summary_when_annotations_would_be_dropped() {
    let one = fixture()
        .into_iter()
        .find(|d| d.severity == Severity::Warning)
        .unwrap();
    let ten = vec![one.clone(); 10];
    let out = render(Format::Github, &ten, false);
    assert!(!out.contains("::notice::"), "{out}");
    let eleven = vec![one; 11];
    let out = render(Format::Github, &eleven, false);
    let last = out.lines().last().unwrap();
    assert_eq!(out.lines().count(), 12);
    assert!(
        last.starts_with("::notice::plimsoll found 0 errors, 11 warnings and 0 notices"),
        "{last}"
    );
    assert!(last.contains("sarif"), "{last}");
}

// ---- json ----

fn output_schema() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/schemas/output.schema.json"
    ))
    .expect("schemas/output.schema.json exists");
    serde_json::from_str(&text).expect("the schema is JSON")
}

#[test]
fn json_output_validates_against_its_schema() {
    let schema = output_schema();
    jsonschema::meta::validate(&schema).expect("the output schema is a valid JSON Schema");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    for diags in [fixture(), Vec::new()] {
        let out: Value =
            serde_json::from_str(&render(Format::Json, &diags, false)).expect("valid JSON");
        let errors: Vec<String> = validator.iter_errors(&out).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{errors:#?}");
    }
}

#[test]
fn json_schema_rejects_malformed_output() {
    let validator = jsonschema::validator_for(&output_schema()).expect("schema compiles");
    let good: Value = serde_json::from_str(&render(Format::Json, &fixture(), false)).unwrap();
    let mut bad = good.clone();
    bad["diagnostics"][0]["severity"] = "fatal".into();
    assert!(!validator.is_valid(&bad));
    let mut bad = good.clone();
    bad["diagnostics"][1]["start"]["line"] = 0.into();
    assert!(!validator.is_valid(&bad));
    let mut bad = good;
    bad["summary"].as_object_mut().unwrap().remove("errors");
    assert!(!validator.is_valid(&bad));
}

#[test]
fn json_positions_match_the_spans() {
    let out: Value = serde_json::from_str(&render(Format::Json, &fixture(), false)).unwrap();
    let d = &out["diagnostics"][1];
    assert_eq!(d["rule"], "values/string-bool");
    let start = d["span"]["start"].as_u64().unwrap() as usize;
    let end = d["span"]["end"].as_u64().unwrap() as usize;
    assert_eq!(&VALUES[start..end], "\"yes\"");
    // `  pullPolicy: ` is 14 characters; the column is 1-based.
    assert_eq!(d["start"], serde_json::json!({"line": 4, "column": 15}));
    assert_eq!(d["labels"][0]["path"], "charts/web/README.md");
    // `  name: café/` is 13 characters but 14 bytes.
    assert_eq!(
        d["labels"][1]["start"],
        serde_json::json!({"line": 3, "column": 14})
    );
    assert_eq!(
        d["labels"][1]["span"]["start"].as_u64(),
        Some(VALUES.find("web\n").unwrap() as u64)
    );
    assert_eq!(
        d["labels"][0]["start"],
        serde_json::json!({"line": 5, "column": 42})
    );
    assert_eq!(out["diagnostics"][0]["span"], Value::Null);
    assert_eq!(
        out["summary"],
        serde_json::json!({"errors": 1, "warnings": 1, "info": 1, "files": 2})
    );
}

// ---- sarif ----

fn non_empty_str<'a>(v: &'a Value, what: &str) -> &'a str {
    let s = v
        .as_str()
        .unwrap_or_else(|| panic!("{what} is not a string: {v}"));
    assert!(!s.trim().is_empty(), "{what} is empty");
    s
}

#[test]
fn sarif_has_everything_github_requires() {
    let diags = fixture();
    let doc: Value =
        serde_json::from_str(&render(Format::Sarif, &diags, false)).expect("valid JSON");
    non_empty_str(&doc["$schema"], "$schema");
    assert_eq!(doc["version"], "2.1.0");
    let runs = doc["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "plimsoll");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    non_empty_str(&driver["informationUri"], "informationUri");
    let rules = driver["rules"].as_array().expect("rules");
    for rule in rules {
        non_empty_str(&rule["id"], "rule id");
        non_empty_str(&rule["shortDescription"]["text"], "shortDescription");
        non_empty_str(&rule["fullDescription"]["text"], "fullDescription");
        non_empty_str(&rule["help"]["text"], "help.text");
        non_empty_str(&rule["help"]["markdown"], "help.markdown");
        let level = non_empty_str(&rule["defaultConfiguration"]["level"], "level");
        assert!(["error", "warning", "note"].contains(&level));
        let id = rule["id"].as_str().unwrap();
        assert_eq!(
            rule["properties"]["tags"],
            serde_json::json!([id.split('/').next().unwrap()])
        );
    }
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), diags.len());
    let mut fingerprints = std::collections::HashSet::new();
    for (result, d) in results.iter().zip(&diags) {
        let id = non_empty_str(&result["ruleId"], "ruleId");
        assert_eq!(id, d.rule.name);
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], id, "ruleIndex points at the rule");
        let level = non_empty_str(&result["level"], "level");
        assert_eq!(
            level,
            match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "note",
            }
        );
        non_empty_str(&result["message"]["text"], "message");
        let locations = result["locations"].as_array().expect("locations");
        assert!(!locations.is_empty() && locations.len() <= 10);
        let loc = &locations[0]["physicalLocation"];
        let uri = non_empty_str(&loc["artifactLocation"]["uri"], "uri");
        assert!(
            !uri.contains('\\') && !uri.starts_with('/') && !uri.contains("://"),
            "{uri}"
        );
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        let region = &loc["region"];
        assert!(region["startLine"].as_u64().expect("startLine") >= 1);
        if d.span.is_some() {
            for key in ["startColumn", "endLine", "endColumn"] {
                assert!(
                    region[key].as_u64().unwrap_or_else(|| panic!("{key}")) >= 1,
                    "{key} is 1-based"
                );
            }
        } else {
            assert_eq!(region, &serde_json::json!({"startLine": 1}));
        }
        let fp = non_empty_str(
            &result["partialFingerprints"]["primaryLocationLineHash"],
            "fingerprint",
        );
        assert!(
            fingerprints.insert(fp.to_string()),
            "fingerprints differ per finding"
        );
    }
    // The string-bool finding: its column counts characters, and it has related locations.
    let r = &results[1];
    assert_eq!(
        r["locations"][0]["physicalLocation"]["region"],
        serde_json::json!({"startLine": 4, "startColumn": 15, "endLine": 4, "endColumn": 20})
    );
    let related = r["relatedLocations"].as_array().expect("relatedLocations");
    assert_eq!(related.len(), 2);
    assert_eq!(
        related[0]["physicalLocation"]["artifactLocation"]["uri"],
        "charts/web/README.md"
    );
    assert_eq!(related[0]["physicalLocation"]["region"]["startColumn"], 42);
    assert_eq!(related[1]["physicalLocation"]["region"]["startColumn"], 14);
}

#[test]
fn sarif_fingerprints_are_stable_and_count_occurrences() {
    let base = fixture();
    let one = base[1].clone();
    let doc: Value =
        serde_json::from_str(&render(Format::Sarif, &[one.clone(), one.clone()], false)).unwrap();
    let fp = |i: usize| {
        doc["runs"][0]["results"][i]["partialFingerprints"]["primaryLocationLineHash"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (a, b) = (fp(0), fp(1));
    assert!(a.ends_with(":1") && b.ends_with(":2"), "{a} {b}");
    assert_eq!(a.split(':').next(), b.split(':').next());
    // The same line moved down by an inserted line keeps its fingerprint.
    let moved_text = format!("# added\n{VALUES}");
    let moved = SourceFile::new("charts/web/values.yaml", moved_text.clone());
    let mut sink = Sink::default();
    sink.report(
        &STRING_BOOL,
        &moved,
        span_of(&moved_text, "\"yes\""),
        "moved",
    );
    let doc2: Value =
        serde_json::from_str(&render(Format::Sarif, &sink.diagnostics, false)).unwrap();
    assert_eq!(
        doc2["runs"][0]["results"][0]["partialFingerprints"]["primaryLocationLineHash"],
        a.as_str()
    );
    assert_eq!(
        doc2["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"],
        5
    );
}

#[test]
fn sarif_clean_run_has_empty_results() {
    let doc: Value = serde_json::from_str(&render(Format::Sarif, &[], false)).unwrap();
    assert_eq!(doc["runs"][0]["results"], serde_json::json!([]));
    assert!(doc["runs"][0]["tool"]["driver"]["rules"].is_array());
}

// ---- junit ----

#[test]
fn junit_groups_by_file_and_escapes() {
    let out = render(Format::Junit, &fixture(), false);
    // Info is not a failure: NOTES.txt's info finding passes with its message as output.
    assert!(out.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"plimsoll\" tests=\"3\" failures=\"1\" errors=\"1\">"), "{out}");
    assert!(
        out.contains("<testsuite name=\"charts/web/templates/NOTES.txt\" tests=\"1\" failures=\"0\" errors=\"0\">"),
        "{out}"
    );
    assert!(
        out.contains("<system-out>info: line 1, column 1: NOTES.txt is empty"),
        "{out}"
    );
    // Testcases are named by rule and position, and the fix hint is in the failure text.
    assert!(
        out.contains("<testcase name=\"values/string-bool at 4:15\""),
        "{out}"
    );
    assert!(
        out.contains("policy name\nhelp: write `pullPolicy: IfNotPresent` or `true`</error>"),
        "{out}"
    );
    let suites: Vec<_> = out
        .lines()
        .filter(|l| l.trim_start().starts_with("<testsuite "))
        .collect();
    assert_eq!(suites.len(), 2);
    assert!(suites[0].contains("name=\"charts/web/templates/NOTES.txt\""));
    assert!(
        suites[1]
            .contains("name=\"charts/web/values.yaml\" tests=\"2\" failures=\"1\" errors=\"1\"")
    );
    assert!(
        out.contains("<error message=\"`pullPolicy: &quot;yes&quot;` is"),
        "{out}"
    );
    assert!(out.contains("message=\"requests.cpu (2) &gt; limits.cpu (1)&#10;the pod will be rejected &lt;at admission&gt; &amp; never start\""), "{out}");
    assert!(
        out.contains(">line 6, column 13: requests.cpu (2) &gt; limits.cpu (1)\nthe pod"),
        "{out}"
    );
    assert!(out.contains("&apos;nothing&apos;"));
    // Every `<` and `&` in the document starts markup or an entity.
    for (i, _) in out.match_indices('&') {
        let rest = &out[i..];
        assert!(
            [
                "&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#10;", "&#13;", "&#9;"
            ]
            .iter()
            .any(|e| rest.starts_with(e)),
            "{}",
            &rest[..rest.len().min(20)]
        );
    }
}

#[test]
fn junit_drops_characters_xml_cannot_carry() {
    let mut d = fixture().remove(0);
    d.message = "bad \u{0}\u{1b}[0m byte".into();
    let out = render(Format::Junit, &[d], false);
    assert!(!out.contains('\u{0}') && !out.contains('\u{1b}'));
    assert!(out.contains("line 1, column 1: bad [0m byte"), "{out}");
}
