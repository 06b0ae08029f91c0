//! The command line: exit codes, `rules`, `explain`, `--output`, config discovery.

mod cli_support;

use cli_support::*;

#[test]
fn exit_0_when_clean() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "demo/Chart.yaml", CHART);
    write(dir.path(), "demo/values.yaml", "replicaCount: 1\n");
    let out = plimsoll(&["lint", "demo", "--format", "compact"], dir.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn exit_1_on_error_and_fail_on_thresholds() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "demo/Chart.yaml", CHART);
    write(dir.path(), "demo/values.yaml", "a: 1\na: 2\n");
    let out = plimsoll(&["lint", "demo", "--format", "compact"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("demo/values.yaml:2:1: error: Duplicate key `a`"),
        "{stdout}"
    );
    let out = plimsoll(&["lint", "demo", "--fail-on", "never"], dir.path());
    assert_eq!(out.status.code(), Some(0));

    // A warning fails only with --strict or --fail-on warning.
    write(
        dir.path(),
        "demo/.plimsoll.yaml",
        "rules:\n  yaml/duplicate-key: warning\n",
    );
    let out = plimsoll(&["lint", "demo"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    let out = plimsoll(&["lint", "demo", "--strict"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let out = plimsoll(&["lint", "demo", "--fail-on", "warning"], dir.path());
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn exit_2_on_usage_errors_and_missing_paths() {
    let dir = tempfile::tempdir().unwrap();
    let out = plimsoll(&["lint", "no-such-dir"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("plimsoll: cannot read no-such-dir"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    let out = plimsoll(&["lint", "--format", "xml", "."], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let out = plimsoll(&["lint", "--kube-version", "one", "."], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let out = plimsoll(&["explain", "yaml/duplicate-keys"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `yaml/duplicate-key`?"));
    write(dir.path(), "bad/.plimsoll.yaml", "rules: [\n");
    write(dir.path(), "bad/x.yaml", "a: 1\n");
    let out = plimsoll(&["lint", "bad"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid config"));
}

#[test]
fn rules_and_explain() {
    let dir = tempfile::tempdir().unwrap();
    let out = plimsoll(&["rules"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    let listing = String::from_utf8_lossy(&out.stdout);
    let line = listing
        .lines()
        .find(|l| l.starts_with("yaml/duplicate-key "))
        .expect("listed");
    assert!(
        line.contains(" yaml ") && line.contains(" error "),
        "{line}"
    );
    let out = plimsoll(&["explain", "yaml/duplicate-key"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    let doc = String::from_utf8_lossy(&out.stdout);
    for section in [
        "## What it does",
        "## Why it matters",
        "## Example",
        "## Fix",
    ] {
        assert!(doc.contains(section), "{doc}");
    }
}

#[test]
fn output_file_and_suppressions() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "demo/Chart.yaml", CHART);
    write(
        dir.path(),
        "demo/values.yaml",
        "a: 1\na: 2 # plimsoll-ignore: yaml/duplicate-key\nb: 1 # plimsoll-ignore: yaml/syntax, yaml/no-such-rule\n",
    );
    let out = plimsoll(
        &[
            "lint",
            "demo",
            "--format",
            "compact",
            "--output",
            "report.txt",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    let report = std::fs::read_to_string(dir.path().join("report.txt")).unwrap();
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(lines.len(), 2, "{report}");
    assert!(lines[0].starts_with("demo/values.yaml:3:25: info: `yaml/syntax` is suppressed here but reported nothing [config/unused-suppression]"), "{report}");
    assert!(
        lines[1].starts_with("demo/values.yaml:3:38: warning: Unknown rule `yaml/no-such-rule`"),
        "{report}"
    );
}

#[test]
fn file_wide_suppression_and_config_off() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "demo/Chart.yaml", CHART);
    write(
        dir.path(),
        "demo/values.yaml",
        "# plimsoll-ignore-file: yaml/duplicate-key\na: 1\na: 2\nb: 1\nb: 2\n",
    );
    let out = plimsoll(&["lint", "demo", "--format", "compact"], dir.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    write(dir.path(), "demo/values.yaml", "a: 1\na: 2\n");
    write(
        dir.path(),
        ".plimsoll.yaml",
        "rules:\n  yaml/duplicate-key: off\n",
    );
    let out = plimsoll(&["lint", "demo", "--format", "compact"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn values_files_are_merged_before_schema_validation() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "demo/Chart.yaml", CHART);
    write(
        dir.path(),
        "demo/values.yaml",
        "replicaCount: 1\nimage:\n  tag: \"1.0\"\n",
    );
    write(
        dir.path(),
        "demo/values.schema.json",
        r#"{"type": "object", "properties": {"replicaCount": {"type": "integer"}, "image": {"type": "object", "required": ["tag"]}}}"#,
    );
    write(dir.path(), "prod.yaml", "image:\n  tag: null\n");
    write(dir.path(), "more.yaml", "replicaCount: two\n");
    let out = plimsoll(
        &[
            "lint",
            "demo",
            "--format",
            "compact",
            "--values",
            "prod.yaml",
            "--values",
            "more.yaml",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    // `image.tag` was deleted by prod.yaml's null: the error points at prod.yaml's `image` key.
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("prod.yaml:1:1: error: `image`: `tag` is required")),
        "{stdout}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with(
            "more.yaml:1:15: error: `replicaCount`: \"two\" is not of type \"integer\""
        )),
        "{stdout}"
    );
    let out = plimsoll(&["lint", "demo", "--values", "missing.yaml"], dir.path());
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn user_rule_packs_from_the_command_line_and_config() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "demo/Chart.yaml", CHART);
    write(
        dir.path(),
        "demo/values.yaml",
        "team: \"\"\nservice:\n  type: NodePort\n",
    );
    let pack = "rules:\n  - name: acme/team-required\n    severity: error\n    summary: Every chart names its owning team\n    select:\n      values: team\n    assert:\n      pattern: \"[a-z]+\"\n  - name: acme/no-node-port\n    severity: warning\n    summary: NodePort services are not allowed\n    message: \"`{path}` must not be NodePort\"\n    select:\n      values: \"**.type\"\n    assert:\n      enum: [ClusterIP, LoadBalancer]\n";
    write(dir.path(), "packs/acme.yaml", pack);
    let out = plimsoll(
        &["lint", "demo", "--format", "compact", "--rules", "packs"],
        dir.path(),
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("demo/values.yaml:1:7: error: `team` `` does not match `^(?:[a-z]+)$` [acme/team-required]"), "{stdout}");
    assert!(
        stdout.contains(
            "demo/values.yaml:3:9: warning: `service.type` must not be NodePort [acme/no-node-port]"
        ),
        "{stdout}"
    );

    // The same pack from the configuration, with one of its rules turned off and suppressed names checked.
    write(
        dir.path(),
        ".plimsoll.yaml",
        "rulePacks: [packs]\nrules:\n  acme/no-node-port: off\n",
    );
    let out = plimsoll(&["lint", "demo", "--format", "compact"], dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("[acme/team-required]") && !stdout.contains("acme/no-node-port"),
        "{stdout}"
    );

    // An invalid pack is a usage error with its position.
    write(
        dir.path(),
        "bad/pack.yaml",
        "rules:\n  - name: Bad Name\n    severity: error\n    summary: x\n    select: {values: a}\n    assert: {type: string}\n",
    );
    let out = plimsoll(&["lint", "demo", "--rules", "bad/pack.yaml"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("invalid rule pack bad/pack.yaml:2:11"),
        "{err}"
    );
}

#[test]
fn select_and_ignore_choose_the_rules_that_run() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "demo/Chart.yaml", CHART);
    write(
        dir.path(),
        "demo/values.yaml",
        "a: 1\na: 2\nenabled: \"false\"\n",
    );
    let rules_of = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["lint", "demo", "--format", "compact", "--fail-on", "never"];
        all.extend_from_slice(args);
        let out = plimsoll(&all, dir.path());
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| l.split(" help: ").next()?.rsplit('[').next())
            .map(|r| r.trim_end_matches(']').to_string())
            .collect()
    };
    assert_eq!(rules_of(&[]), ["yaml/duplicate-key", "values/string-bool"]);
    assert_eq!(rules_of(&["--select", "yaml"]), ["yaml/duplicate-key"]);
    assert_eq!(
        rules_of(&["--select", "values/string-bool"]),
        ["values/string-bool"]
    );
    assert_eq!(
        rules_of(&["--ignore", "yaml,values/string-bool"]),
        Vec::<String>::new()
    );
    let out = plimsoll(&["lint", "demo", "--select", "valuez"], dir.path());
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn third_party_subcharts_are_reported_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "demo/Chart.yaml",
        &format!(
            "{CHART}dependencies:\n  - name: own\n    version: 1.0.0\n  - name: redis\n    version: 17.3.0\n    repository: https://charts.example.com\n"
        ),
    );
    write(dir.path(), "demo/values.yaml", "replicaCount: 1\n");
    for sub in ["own", "redis"] {
        let version = if sub == "own" { "1.0.0" } else { "17.3.0" };
        write(
            dir.path(),
            &format!("demo/charts/{sub}/Chart.yaml"),
            &format!(
                "apiVersion: v2\nname: {sub}\nversion: {version}\nicon: https://example.com/i.svg\n"
            ),
        );
        write(
            dir.path(),
            &format!("demo/charts/{sub}/values.yaml"),
            "a: 1\na: 2\n",
        );
    }
    let lint = |extra: &[&str]| {
        let mut args = vec!["lint", "demo", "--format", "compact", "--fail-on", "never"];
        args.extend_from_slice(extra);
        String::from_utf8_lossy(&plimsoll(&args, dir.path()).stdout).into_owned()
    };
    let out = lint(&[]);
    assert!(out.contains("charts/own/values.yaml:2:1"), "{out}");
    assert!(!out.contains("charts/redis/"), "{out}");
    let out = lint(&["--include-subcharts"]);
    assert!(out.contains("charts/redis/values.yaml:2:1"), "{out}");
    write(
        dir.path(),
        "demo/.plimsoll.yaml",
        "includeSubcharts: true\n",
    );
    let out = lint(&[]);
    assert!(out.contains("charts/redis/values.yaml:2:1"), "{out}");
}

#[test]
fn dependency_paths_resolve_dependencies_outside_the_repository_layout() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "apps/demo/Chart.yaml",
        &format!(
            "{CHART}dependencies:\n  - name: lib\n    version: 1.x.x\n    repository: oci://registry.example.com/charts\n"
        ),
    );
    write(dir.path(), "apps/demo/values.yaml", "replicaCount: 1\n");
    write(
        dir.path(),
        "apps/demo/templates/cm.yaml",
        "name: {{ include \"lib.nmae\" . }}\nok: {{ include \"lib.name\" . }}\n",
    );
    write(
        dir.path(),
        "shared/lib/Chart.yaml",
        "apiVersion: v2\nname: lib\nversion: 1.2.0\ntype: library\n",
    );
    write(
        dir.path(),
        "shared/lib/templates/_n.tpl",
        "{{- define \"lib.name\" -}}x{{- end -}}\n",
    );
    let lint = || {
        let args = [
            "lint",
            "apps/demo",
            "--format",
            "compact",
            "--fail-on",
            "never",
        ];
        String::from_utf8_lossy(&plimsoll(&args, dir.path()).stdout).into_owned()
    };
    // Not found: the dependency is unknown, so its defines are too, and nothing is said.
    let out = lint();
    assert!(out.contains("Dependency `lib` is missing"), "{out}");
    assert!(!out.contains("undefined-template"), "{out}");
    write(dir.path(), ".plimsoll.yaml", "dependencyPaths: [shared]\n");
    let out = lint();
    assert!(!out.contains("Dependency `lib` is missing"), "{out}");
    assert!(
        out.contains("cm.yaml:1:18: error: `include` names template \"lib.nmae\""),
        "{out}"
    );
    assert_eq!(out.matches("undefined-template").count(), 1, "{out}");
}
