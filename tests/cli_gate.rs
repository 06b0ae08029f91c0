//! The command line never misleads a gate: unknown rule names are usage errors, the summary
//! says what was checked, overlapping paths lint each file once, relative paths into a chart
//! lint the chart, files plimsoll does not read are named, unreadable paths still leave a
//! report, and `--strict`/`--fail-on` have one precedence.

mod cli_support;

use cli_support::*;

/// A chart `charts/demo` with one duplicate key in values.yaml and one template.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "charts/demo/Chart.yaml", CHART);
    write(dir.path(), "charts/demo/values.yaml", "a: 1\na: 2\n");
    write(
        dir.path(),
        "charts/demo/templates/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  a: {{ .Values.a | quote }}\n",
    );
    dir
}

#[test]
fn unknown_rules_and_domains_in_select_or_ignore_are_usage_errors() {
    let dir = repo();
    let out = plimsoll(
        &["lint", "charts", "--select", "values/string-boo"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("`values/string-boo` in --select (did you mean `values/string-bool`?)"),
        "{err}"
    );
    assert!(stdout(&out).is_empty(), "nothing is linted");
    let out = plimsoll(
        &["lint", "charts", "--ignore", "yaml,templatez"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("`templatez` in --ignore (did you mean `templates`?)"),
        "{}",
        stderr(&out)
    );
    // Shipped rule packs and packs given with --rules are known, by rule and by domain.
    for known in ["kar", "best-practices", "yaml/duplicate-key"] {
        let out = plimsoll(&["lint", "charts", "--select", known], dir.path());
        assert_ne!(out.status.code(), Some(2), "{known}: {}", stderr(&out));
    }
    let pack = "rules:\n  - name: acme/no-node-port\n    severity: warning\n    summary: NodePort services are not allowed\n    select:\n      values: \"**.type\"\n    assert:\n      enum: [ClusterIP]\n";
    write(dir.path(), "packs/acme.yaml", pack);
    let out = plimsoll(
        &[
            "lint",
            "charts",
            "--rules",
            "packs",
            "--select",
            "acme/no-node-port",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = plimsoll(
        &[
            "lint",
            "charts",
            "--rules",
            "packs",
            "--select",
            "acme/no-nodeport",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("did you mean `acme/no-node-port`?"),
        "{}",
        stderr(&out)
    );
    // A pack rule named in a .plimsoll.yaml's rulePacks is known too.
    write(dir.path(), ".plimsoll.yaml", "rulePacks: [packs]\n");
    let out = plimsoll(&["lint", "charts", "--ignore", "acme"], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

#[test]
fn the_summary_counts_what_was_checked_and_names_empty_paths() {
    let dir = repo();
    write(dir.path(), "demo/Chart.yaml", CHART);
    write(dir.path(), "demo/values.yaml", "replicaCount: 1\n");
    std::fs::create_dir_all(dir.path().join("empty")).unwrap();
    let out = plimsoll(&["lint", "demo"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out).trim_end().lines().last(),
        Some("1 chart, 2 files checked: no findings"),
        "{}",
        stdout(&out)
    );
    let out = plimsoll(&["lint", "charts", "empty"], dir.path());
    let text = stdout(&out);
    assert!(
        text.contains("1 chart, 3 files checked: 1 error, 0 warnings, 0 info in 1 file"),
        "{text}"
    );
    assert!(
        text.contains("nothing to lint in empty: no chart, packaged chart or YAML manifest"),
        "{text}"
    );
    // Machine formats stay parseable: the summary goes to standard error.
    let out = plimsoll(&["lint", "empty", "--format", "json"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(json.is_object() || json.is_array());
    let err = stderr(&out);
    assert!(
        err.contains("0 charts, 0 files checked: no findings"),
        "{err}"
    );
    assert!(err.contains("nothing to lint in empty"), "{err}");
}

#[test]
fn quiet_prints_findings_only_and_statistics_counts_per_rule() {
    let dir = repo();
    write(
        dir.path(),
        "charts/demo/values.yaml",
        "a: 1\na: 2\nb: 1\nb: 2\non: \"true\"\n",
    );
    let out = plimsoll(
        &["lint", "charts", "--quiet", "--fail-on", "never"],
        dir.path(),
    );
    let text = stdout(&out);
    assert!(text.contains("error[yaml/duplicate-key]"), "{text}");
    assert!(!text.contains("checked"), "{text}");
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    let out = plimsoll(
        &[
            "lint",
            "charts",
            "--quiet",
            "--format",
            "compact",
            "--fail-on",
            "never",
        ],
        dir.path(),
    );
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    assert!(
        stdout(&out)
            .lines()
            .all(|l| l.starts_with("charts/demo/values.yaml:"))
    );

    let out = plimsoll(
        &["lint", "charts", "--statistics", "--fail-on", "never"],
        dir.path(),
    );
    let text = stdout(&out);
    let rows: Vec<Vec<&str>> = text
        .lines()
        .map(|l| l.split_whitespace().take(3).collect())
        .filter(|c: &Vec<&str>| c.len() == 3 && c[0].parse::<usize>().is_ok())
        .collect();
    assert!(
        rows.contains(&vec!["2", "error", "yaml/duplicate-key"]),
        "{text}"
    );
    // With a machine format, the statistics go to standard error.
    let out = plimsoll(
        &[
            "lint",
            "charts",
            "--statistics",
            "--format",
            "sarif",
            "--fail-on",
            "never",
        ],
        dir.path(),
    );
    serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("SARIF stays JSON");
    assert!(
        stderr(&out)
            .lines()
            .any(|l| l.split_whitespace().take(3).collect::<Vec<_>>()
                == ["2", "error", "yaml/duplicate-key"]),
        "{}",
        stderr(&out)
    );
}

#[test]
fn overlapping_paths_lint_each_file_once() {
    let dir = repo();
    write(dir.path(), "manifests/a.yaml", "a: 1\na: 2\n");
    let abs = dir.path().join("charts");
    let abs = abs.to_str().unwrap();
    let out = plimsoll(
        &[
            "lint",
            "charts",
            "./charts",
            abs,
            "charts/demo/values.yaml",
            "manifests",
            "manifests/a.yaml",
            "./manifests/a.yaml",
            "--format",
            "compact",
        ],
        dir.path(),
    );
    let text = stdout(&out);
    assert_eq!(text.matches("[yaml/duplicate-key]").count(), 2, "{text}");
    assert_eq!(
        text.matches("charts/demo/values.yaml:2:1:").count(),
        1,
        "{text}"
    );
    assert_eq!(text.matches("manifests/a.yaml:2:1:").count(), 1, "{text}");
    assert!(
        stderr(&out).contains("1 chart, 4 files checked"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_relative_path_inside_templates_lints_its_chart() {
    let dir = repo();
    let templates = dir.path().join("charts/demo/templates");
    let rel = plimsoll(&["lint", "cm.yaml", "--format", "compact"], &templates);
    let abs = plimsoll(
        &[
            "lint",
            templates.join("cm.yaml").to_str().unwrap(),
            "--format",
            "compact",
        ],
        &templates,
    );
    assert_eq!(rel.status.code(), Some(1));
    assert_eq!(abs.status.code(), Some(1));
    // The chart's own values.yaml is linted with it, shown relative to the working directory.
    assert!(
        stdout(&rel).starts_with("../values.yaml:2:1: error: Duplicate key `a`"),
        "{}",
        stdout(&rel)
    );
    assert_eq!(
        stdout(&abs).lines().count(),
        stdout(&rel).lines().count(),
        "{}\n{}",
        stdout(&abs),
        stdout(&rel)
    );
    assert!(
        stderr(&rel).contains("1 chart, 3 files checked"),
        "{}",
        stderr(&rel)
    );
    // No path at all, inside the chart's templates/: the chart.
    let out = plimsoll(&["lint", "--format", "compact"], &templates);
    assert!(
        stdout(&out).starts_with("../values.yaml:2:1:"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn files_that_are_not_manifests_get_one_clear_finding() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "NOTES.md",
        "Deploy: with care: colons everywhere\n- [x] done\n",
    );
    std::fs::write(dir.path().join("tool.bin"), b"\x7fELF\x00\x01\x02\x1b[31m").unwrap();
    write(
        dir.path(),
        "ok.json",
        "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"x\"}}\n",
    );
    let out = plimsoll(
        &[
            "lint", "NOTES.md", "tool.bin", "ok.json", "--format", "compact",
        ],
        dir.path(),
    );
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[0].starts_with("NOTES.md:1:1: info: not linted: outside any chart"),
        "{text}"
    );
    assert!(lines[0].contains("[file/not-lintable]"), "{text}");
    assert!(
        lines[1].starts_with("tool.bin:1:1: info: not linted"),
        "{text}"
    );
    assert!(!text.contains("yaml/syntax"), "{text}");
    // The human report shows no snippet of the file: its bytes never reach the terminal.
    let out = plimsoll(&["lint", "tool.bin"], dir.path());
    let text = stdout(&out);
    assert!(text.contains("file/not-lintable"), "{text}");
    assert!(!text.contains("ELF") && !text.contains('\u{1b}'), "{text}");
    // A file in a chart is linted with its chart, whatever its name.
    let dir = repo();
    write(
        dir.path(),
        "charts/demo/templates/NOTES.txt",
        "Thanks: {{ .Release.Name }}\n",
    );
    let out = plimsoll(
        &[
            "lint",
            "charts/demo/templates/NOTES.txt",
            "--format",
            "compact",
        ],
        dir.path(),
    );
    assert!(!stdout(&out).contains("not-lintable"), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("charts/demo/values.yaml:2:1"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn an_unreadable_path_is_a_finding_and_the_report_is_still_written() {
    let dir = repo();
    let out = plimsoll(
        &[
            "lint",
            "charts",
            "missing",
            "--format",
            "sarif",
            "--output",
            "out.sarif",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.lines()
            .any(|l| l.starts_with("plimsoll: cannot read missing")),
        "{err}"
    );
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("out.sarif")).unwrap())
            .unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let rules: Vec<&str> = results
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"file/unreadable"), "{rules:?}");
    assert!(
        rules.contains(&"yaml/duplicate-key"),
        "the rest is linted: {rules:?}"
    );
    let uri = results
        .iter()
        .find(|r| r["ruleId"] == "file/unreadable")
        .unwrap()["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .clone();
    assert_eq!(uri, "missing");
}

#[test]
fn fail_on_given_explicitly_wins_over_strict() {
    let dir = repo();
    write(dir.path(), "charts/demo/values.yaml", "a: 1\n");
    write(
        dir.path(),
        "charts/demo/.plimsoll.yaml",
        "rules:\n  chart/icon-missing: warning\n",
    );
    write(
        dir.path(),
        "charts/demo/Chart.yaml",
        &CHART.replace("icon: https://example.com/i.svg\n", ""),
    );
    let code = |args: &[&str]| {
        let mut all = vec!["lint", "charts/demo", "--format", "compact"];
        all.extend_from_slice(args);
        let out = plimsoll(&all, dir.path());
        assert!(stdout(&out).contains("warning"), "{}", stdout(&out));
        out.status.code()
    };
    assert_eq!(code(&[]), Some(0));
    assert_eq!(code(&["--strict"]), Some(1));
    assert_eq!(code(&["--strict", "--fail-on", "error"]), Some(0));
    assert_eq!(code(&["--fail-on", "error", "--strict"]), Some(0));
    assert_eq!(code(&["--strict", "--fail-on", "never"]), Some(0));
    assert_eq!(code(&["--fail-on", "warning"]), Some(1));
}

#[test]
fn output_errors_name_the_file() {
    let dir = repo();
    let out = plimsoll(
        &["lint", "charts", "--output", "no-such-dir/report.sarif"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.starts_with("plimsoll: cannot write the report to no-such-dir/report.sarif: "),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}
