//! Reports as the tools that read them see them, driven through the binary: fix hints in every
//! format, JUnit for test-report viewers, GitLab Code Quality, the machine-readable rule list,
//! SARIF `helpUri`s that lead to a page, and configuration errors that say how to fix them.

use serde_json::Value;
mod cli_support;

use cli_support::*;
use std::path::Path;

/// `demo`: two duplicate keys (errors with a hint), a string boolean (warning), and with
/// `chart/icon-missing` as info; `clean`: nothing to report.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "demo/Chart.yaml",
        &CHART.replace("icon: https://example.com/i.svg\n", ""),
    );
    write(
        dir.path(),
        "demo/values.yaml",
        "a: 1\na: 2\nb: 1\nb: 2\nenabled: \"false\"\n",
    );
    write(
        dir.path(),
        "clean/Chart.yaml",
        &CHART.replace("demo", "clean"),
    );
    write(dir.path(), "clean/values.yaml", "replicaCount: 1\n");
    dir
}

fn lint(dir: &Path, format: &str) -> String {
    let out = plimsoll(
        &[
            "lint",
            "demo",
            "clean",
            "--format",
            format,
            "--fail-on",
            "never",
        ],
        dir,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout(&out)
}

#[test]
fn compact_carries_the_hint_and_the_matcher_ignores_it() {
    let dir = repo();
    let text = lint(dir.path(), "compact");
    let line = text
        .lines()
        .find(|l| l.starts_with("demo/values.yaml:2:1:"))
        .expect("the duplicate key");
    assert!(
        line.ends_with(
            "[yaml/duplicate-key] help: remove one of the two keys, or merge their contents"
        ),
        "{line}"
    );
    let matcher: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/plimsoll-matcher.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let re = regex::Regex::new(
        matcher["problemMatcher"][0]["pattern"][0]["regexp"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    let c = re
        .captures(line)
        .expect("the matcher reads a line with a hint");
    assert_eq!(&c[1], "demo/values.yaml");
    assert_eq!(&c[6], "yaml/duplicate-key");
    assert!(
        c[5].starts_with("Duplicate key `a`") && !c[5].contains("help:"),
        "{}",
        &c[5]
    );
    // Every error and warning line is matched, with or without a hint.
    for l in text
        .lines()
        .filter(|l| l.contains(": error: ") || l.contains(": warning: "))
    {
        assert!(re.is_match(l), "{l}");
    }
    // The VS Code task in the README reads the same lines, info included.
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let editors = &readme[readme.find("## Editors").unwrap()..];
    let start = editors.find("```json\n").unwrap() + "```json\n".len();
    let end = start + editors[start..].find("```").unwrap();
    let tasks: Value = serde_json::from_str(&editors[start..end]).unwrap();
    let pattern = &tasks["tasks"][0]["problemMatcher"]["pattern"];
    let task_re = regex::Regex::new(pattern["regexp"].as_str().unwrap()).unwrap();
    let c = task_re
        .captures(line)
        .expect("the task reads a line with a hint");
    assert_eq!(&c[6], "yaml/duplicate-key");
    assert!(!c[5].contains("help:"), "{}", &c[5]);
    for l in text.lines() {
        assert!(task_re.is_match(l), "{l}");
    }
}

#[test]
fn sarif_github_and_gitlab_carry_the_hint() {
    let dir = repo();
    let sarif: Value = serde_json::from_str(&lint(dir.path(), "sarif")).unwrap();
    let result = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "yaml/duplicate-key")
        .unwrap();
    assert!(
        result["message"]["text"]
            .as_str()
            .unwrap()
            .ends_with("\nhelp: remove one of the two keys, or merge their contents"),
        "{result}"
    );
    let github = lint(dir.path(), "github");
    assert!(
        github.contains("replaces the earlier one%0Ahelp: remove one of the two keys"),
        "{github}"
    );
    let gitlab: Value = serde_json::from_str(&lint(dir.path(), "gitlab")).unwrap();
    assert!(gitlab.as_array().unwrap().iter().any(|i| {
        i["description"]
            .as_str()
            .unwrap()
            .ends_with("help: remove one of the two keys, or merge their contents")
    }));
}

#[test]
fn sarif_help_uris_lead_to_the_rule_pages() {
    let dir = repo();
    let sarif: Value = serde_json::from_str(&lint(dir.path(), "sarif")).unwrap();
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert!(!rules.is_empty());
    for r in rules {
        let id = r["id"].as_str().unwrap();
        let uri = r["helpUri"]
            .as_str()
            .unwrap_or_else(|| panic!("{id} has no helpUri"));
        assert!(uri.starts_with("https://"), "{uri}");
        let page = format!("docs/rules/{id}.md");
        assert!(uri.ends_with(&page), "{uri}");
        assert!(
            Path::new(env!("CARGO_MANIFEST_DIR")).join(&page).is_file(),
            "{page} exists in the repository"
        );
    }
}

#[test]
fn junit_info_passes_testcases_are_distinct_and_clean_files_are_listed() {
    let dir = repo();
    write(
        dir.path(),
        ".plimsoll.yaml",
        "rules:\n  chart/icon-missing: info\n",
    );
    let xml = lint(dir.path(), "junit");
    // Two duplicate keys in one file: two testcases with different names.
    assert!(
        xml.contains(r#"<testcase name="yaml/duplicate-key at 2:1" classname="demo/values.yaml">"#),
        "{xml}"
    );
    assert!(
        xml.contains(r#"<testcase name="yaml/duplicate-key at 4:1" classname="demo/values.yaml">"#),
        "{xml}"
    );
    let mut names: Vec<&str> = xml
        .lines()
        .filter_map(|l| l.trim().strip_prefix("<testcase "))
        .collect();
    let n = names.len();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), n, "testcases are distinct: {xml}");
    // The info finding is not a failure: its testcase holds output, no <failure>.
    let info = xml
        .split("<testcase ")
        .find(|t| t.contains("chart/icon-missing"))
        .expect("the info finding is listed");
    let info = &info[..info.find("</testcase>").unwrap()];
    assert!(
        info.contains("<system-out>info: ") && !info.contains("<failure"),
        "{info}"
    );
    assert!(
        xml.contains(r#"<testsuite name="demo/Chart.yaml" tests="1" failures="0" errors="0">"#),
        "{xml}"
    );
    // Errors and the warning count, and the hint is in the failure text.
    assert!(xml.contains(r#"failures="1" errors="2">"#), "{xml}");
    assert!(xml.contains("merge their contents</error>"), "{xml}");
    // The clean chart's files are listed as passing suites.
    for f in ["clean/Chart.yaml", "clean/values.yaml"] {
        assert!(
            xml.contains(&format!(
                "<testsuite name=\"{f}\" tests=\"1\" failures=\"0\" errors=\"0\">\n    <testcase name=\"plimsoll\" classname=\"{f}\"/>"
            )),
            "{f}: {xml}"
        );
    }
    // Well-formed enough for any reader: every opened element is closed.
    assert_eq!(
        xml.matches("<testsuite ").count(),
        xml.matches("</testsuite>").count()
    );
    assert_eq!(
        xml.matches("<testcase ").count(),
        xml.matches("</testcase>").count() + xml.matches("\"/>").count()
    );
    let out = plimsoll(&["lint", "clean", "--format", "junit"], dir.path());
    let clean = stdout(&out);
    assert!(
        clean.contains(r#"<testsuites name="plimsoll" tests="2" failures="0" errors="0">"#),
        "{clean}"
    );
}

/// The shape of GitLab's Code Quality report (the fields GitLab requires, from its published
/// schema and documentation), as a JSON Schema.
fn gitlab_schema() -> Value {
    serde_json::json!({
        "type": "array",
        "items": {
            "type": "object",
            "required": ["description", "check_name", "fingerprint", "severity", "location"],
            "properties": {
                "description": {"type": "string", "minLength": 1},
                "check_name": {"type": "string", "minLength": 1},
                "fingerprint": {"type": "string", "minLength": 1},
                "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
                "location": {
                    "type": "object",
                    "required": ["path", "lines"],
                    "properties": {
                        "path": {"type": "string", "minLength": 1},
                        "lines": {
                            "type": "object",
                            "required": ["begin"],
                            "properties": {
                                "begin": {"type": "integer", "minimum": 1},
                                "end": {"type": "integer", "minimum": 1}
                            }
                        }
                    }
                }
            }
        }
    })
}

#[test]
fn gitlab_code_quality_report_has_the_shape_gitlab_requires() {
    let dir = repo();
    write(
        dir.path(),
        ".plimsoll.yaml",
        "rules:\n  chart/icon-missing: info\n",
    );
    let report: Value = serde_json::from_str(&lint(dir.path(), "gitlab")).unwrap();
    let validator = jsonschema::validator_for(&gitlab_schema()).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}\n{report:#}");
    let issues = report.as_array().unwrap();
    assert_eq!(issues.len(), 4, "{report:#}");
    let mut prints: Vec<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    prints.sort_unstable();
    prints.dedup();
    assert_eq!(prints.len(), 4, "fingerprints are unique");
    let sev = |rule: &str| {
        issues
            .iter()
            .find(|i| i["check_name"] == rule)
            .map(|i| i["severity"].as_str().unwrap().to_string())
    };
    assert_eq!(sev("yaml/duplicate-key").as_deref(), Some("major"));
    assert_eq!(sev("values/string-bool").as_deref(), Some("minor"));
    assert_eq!(sev("chart/icon-missing").as_deref(), Some("info"));
    let dup = issues
        .iter()
        .find(|i| i["check_name"] == "yaml/duplicate-key")
        .unwrap();
    assert_eq!(dup["location"]["path"], "demo/values.yaml");
    assert_eq!(dup["location"]["lines"]["begin"], 2);
    // Fingerprints are stable across runs, and a clean run is an empty array.
    let again: Value = serde_json::from_str(&lint(dir.path(), "gitlab")).unwrap();
    assert_eq!(report, again);
    let out = plimsoll(&["lint", "clean", "--format", "gitlab"], dir.path());
    assert_eq!(
        serde_json::from_slice::<Value>(&out.stdout).unwrap(),
        serde_json::json!([])
    );
}

#[test]
fn rules_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let out = plimsoll(&["rules", "--format", "json"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    let rules: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules = rules.as_array().unwrap();
    let text = stdout(&plimsoll(&["rules"], dir.path()));
    assert_eq!(rules.len(), text.lines().count());
    for r in rules {
        let name = r["name"].as_str().unwrap();
        assert_eq!(
            r["domain"].as_str().unwrap(),
            name.split('/').next().unwrap()
        );
        assert!(["error", "warning", "info"].contains(&r["severity"].as_str().unwrap()));
        assert!(!r["summary"].as_str().unwrap().is_empty());
        assert!(
            r["doc"].as_str().unwrap().contains("## What it does"),
            "{name}"
        );
        let page = r["docPath"].as_str().unwrap();
        assert!(
            Path::new(env!("CARGO_MANIFEST_DIR")).join(page).is_file(),
            "{page}"
        );
    }
    assert!(
        rules.iter().any(|r| r["name"] == "kar/service-account"
            || r["name"].as_str().unwrap().starts_with("kar/"))
    );
}

#[test]
fn config_errors_say_how_to_fix_them() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "m.yaml", "a: 1\n");
    for (config, hint) in [
        (
            "rules:\n  yaml/duplicate-key: of\n",
            "(did you mean `off`?)",
        ),
        (
            "rulez:\n  yaml/duplicate-key: off\n",
            "(did you mean `rules`?)",
        ),
        (
            "kubernetesVersion: 1.31\n",
            "(quote it: `kubernetesVersion: \"1.31\"`; unquoted, YAML reads a number)",
        ),
    ] {
        write(dir.path(), ".plimsoll.yaml", config);
        let out = plimsoll(&["lint", "m.yaml"], dir.path());
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.starts_with("plimsoll: invalid config .plimsoll.yaml:"),
            "{err}"
        );
        assert!(err.trim_end().ends_with(hint), "{config}: {err}");
    }
}
