//! `plimsoll lint --fix`, `--diff`, `--unsafe-fixes` and `--stdin-filename`, driven as a user
//! or an editor runs them. Each fix is applied to a fixture written to a temporary folder; the
//! finding must be gone and the file must be the original with only the fixed bytes changed.

mod cli_support;

use cli_support::*;
use std::path::Path;

fn write_all(dir: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

/// Compact findings of `rule`.
fn findings(dir: &Path, rule: &str) -> Vec<String> {
    let out = plimsoll(&["lint", ".", "--format", "compact", "--select", rule], dir);
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter(|l| l.contains(&format!(" [{rule}]")))
        .map(str::to_string)
        .collect()
}

struct Case<'a> {
    files: &'a [(&'a str, &'a str)],
    rule: &'a str,
    unsafe_fix: bool,
    /// The file the fix edits, and the one change expected in it.
    file: &'a str,
    old: &'a str,
    new: &'a str,
}

fn check(case: Case) {
    let dir = tempfile::tempdir().unwrap();
    write_all(dir.path(), case.files);
    let before = findings(dir.path(), case.rule);
    assert!(!before.is_empty(), "{}: no finding to fix", case.rule);
    if case.unsafe_fix {
        // Plain --fix leaves an unsafe fix alone and says so.
        let out = plimsoll(&["lint", ".", "--fix", "--select", case.rule], dir.path());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("more with --unsafe-fixes"),
            "{}: {err}",
            case.rule
        );
        for (name, text) in case.files {
            assert_eq!(
                std::fs::read_to_string(dir.path().join(name)).unwrap(),
                *text,
                "{}: --fix without --unsafe-fixes changed {name}",
                case.rule
            );
        }
    }
    let mut args = vec!["lint", ".", "--fix", "--select", case.rule];
    if case.unsafe_fix {
        args.push("--unsafe-fixes");
    }
    let out = plimsoll(&args, dir.path());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("plimsoll: fixed"),
        "{}: {}",
        case.rule,
        String::from_utf8_lossy(&out.stderr)
    );
    for (name, text) in case.files {
        let after = std::fs::read_to_string(dir.path().join(name)).unwrap();
        if *name == case.file {
            assert_eq!(
                text.matches(case.old).count(),
                1,
                "{}: ambiguous",
                case.rule
            );
            assert_eq!(after, text.replacen(case.old, case.new, 1), "{}", case.rule);
        } else {
            assert_eq!(after, *text, "{}: {name} changed", case.rule);
        }
    }
    let left = findings(dir.path(), case.rule);
    assert!(
        left.len() < before.len(),
        "{}: still reported: {left:?}",
        case.rule
    );
}

const CHART: &str = "apiVersion: v2\nname: c\nversion: 1.0.0\nicon: https://example.com/i.png\n";

#[test]
fn chart_version_written_out() {
    check(Case {
        files: &[
            (
                "Chart.yaml",
                "apiVersion: v2\nname: c\nversion: 1.10   # the chart version\n",
            ),
            ("values.yaml", "a: 1\n"),
        ],
        rule: "chart/version-not-string",
        unsafe_fix: false,
        file: "Chart.yaml",
        old: "1.10 ",
        new: "1.10.0 ",
    });
}

#[test]
fn app_version_quoted() {
    // Helm reads `2.10` as 2.1: quoting changes the version, so the fix is unsafe.
    check(Case {
        files: &[
            (
                "Chart.yaml",
                "apiVersion: v2\nname: c\nversion: 1.0.0\nappVersion: 2.10 # app\n",
            ),
            ("values.yaml", "a: 1\n"),
        ],
        rule: "chart/app-version-not-string",
        unsafe_fix: true,
        file: "Chart.yaml",
        old: "2.10 #",
        new: "\"2.10\" #",
    });
    // Helm reads `20` as "20": quoting changes nothing it reads, so the fix is safe.
    check(Case {
        files: &[
            (
                "Chart.yaml",
                "apiVersion: v2\nname: c\nversion: 1.0.0\nappVersion: 20\n",
            ),
            ("values.yaml", "a: 1\n"),
        ],
        rule: "chart/app-version-not-string",
        unsafe_fix: false,
        file: "Chart.yaml",
        old: "appVersion: 20",
        new: "appVersion: \"20\"",
    });
}

#[test]
fn kube_version_number_becomes_a_constraint() {
    check(Case {
        files: &[
            ("Chart.yaml", &format!("{CHART}kubeVersion: 1.20\n")),
            ("values.yaml", "a: 1\n"),
        ],
        rule: "chart/kube-version-invalid",
        unsafe_fix: true,
        file: "Chart.yaml",
        old: "1.20",
        new: "\">=1.20.0-0\"",
    });
}

#[test]
fn kube_version_gets_prerelease_suffixes() {
    check(Case {
        files: &[
            (
                "Chart.yaml",
                &format!("{CHART}kubeVersion: '>= 1.22 < 1.31.0'  # bounds\n"),
            ),
            ("values.yaml", "a: 1\n"),
        ],
        rule: "chart/kube-version-excludes-prerelease",
        unsafe_fix: false,
        file: "Chart.yaml",
        old: "'>= 1.22 < 1.31.0'",
        new: "'>= 1.22.0-0 < 1.31.0-0'",
    });
}

#[test]
fn image_tag_quoted() {
    check(Case {
        files: &[
            ("Chart.yaml", CHART),
            (
                "values.yaml",
                "# image\nimage:\n  repository: nginx\n  tag: 1.10  # pinned\n",
            ),
        ],
        rule: "values/float-version",
        unsafe_fix: true,
        file: "values.yaml",
        old: "1.10",
        new: "\"1.10\"",
    });
}

#[test]
fn yes_under_a_switch_becomes_true() {
    check(Case {
        files: &[
            ("Chart.yaml", CHART),
            (
                "values.yaml",
                "metrics:\n  enabled: yes   # on\n  port: 9090\n",
            ),
            (
                "templates/cm.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  metrics: \"{{ .Values.metrics.enabled }}\"\n",
            ),
        ],
        rule: "values/yaml11-boolean",
        unsafe_fix: false,
        file: "values.yaml",
        old: "yes",
        new: "true",
    });
}

#[test]
fn duplicate_key_keeps_the_later_entry() {
    check(Case {
        files: &[
            ("Chart.yaml", CHART),
            (
                "values.yaml",
                "# first\nresources:\n  limits:\n    cpu: 1\n\n  # note\n  requests: {}\nreplicas: 1\nresources:\n  limits: {}\n",
            ),
        ],
        rule: "yaml/duplicate-key",
        unsafe_fix: true,
        file: "values.yaml",
        old: "resources:\n  limits:\n    cpu: 1\n\n  # note\n  requests: {}\n",
        new: "",
    });
}

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          readinessProbe:
            httpGet: {path: /, port: 80}
            periodSeconds: 5
            timeoutSeconds: 10   # slow backend
";

#[test]
fn probe_timeout_clamped_below_the_period() {
    check(Case {
        files: &[
            ("Chart.yaml", CHART),
            ("values.yaml", "a: 1\n"),
            ("templates/deploy.yaml", DEPLOYMENT),
        ],
        rule: "probes/timeout-exceeds-period",
        unsafe_fix: true,
        file: "templates/deploy.yaml",
        old: "timeoutSeconds: 10",
        new: "timeoutSeconds: 4",
    });
    // In a plain manifest too.
    check(Case {
        files: &[("deploy.yaml", DEPLOYMENT)],
        rule: "probes/timeout-exceeds-period",
        unsafe_fix: true,
        file: "deploy.yaml",
        old: "timeoutSeconds: 10",
        new: "timeoutSeconds: 4",
    });
}

#[test]
fn removed_api_moved_where_mechanical() {
    let role = "apiVersion: rbac.authorization.k8s.io/v1beta1\nkind: Role\nmetadata:\n  name: r\nrules: []\n";
    check(Case {
        files: &[
            ("Chart.yaml", CHART),
            ("values.yaml", "a: 1\n"),
            ("templates/role.yaml", role),
        ],
        rule: "manifests/api-removed",
        unsafe_fix: true,
        file: "templates/role.yaml",
        old: "rbac.authorization.k8s.io/v1beta1",
        new: "rbac.authorization.k8s.io/v1",
    });
    // An Ingress changed its fields: no fix.
    let dir = tempfile::tempdir().unwrap();
    let ingress = "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: i\nspec:\n  backend: {serviceName: s, servicePort: 80}\n";
    write_all(dir.path(), &[("ing.yaml", ingress)]);
    let out = plimsoll(
        &[
            "lint",
            ".",
            "--fix",
            "--unsafe-fixes",
            "--select",
            "manifests/api-removed",
        ],
        dir.path(),
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("fixed 0 findings"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("ing.yaml")).unwrap(),
        ingress
    );
}

#[test]
fn alert_for_gets_a_unit() {
    check(Case {
        files: &[(
            "rules.yaml",
            "groups:\n  - name: g\n    rules:\n      - alert: Down\n        expr: up == 0\n        for: 90  # ninety\n        labels: {severity: warning}\n",
        )],
        rule: "prometheus/invalid-duration",
        unsafe_fix: true,
        file: "rules.yaml",
        old: "for: 90",
        new: "for: 90s",
    });
}

fn documented_values() -> String {
    let mut v = String::new();
    for k in [
        "alpha", "beta", "delta", "epsilon", "eta", "gamma", "iota", "theta", "zeta",
    ] {
        v.push_str(&format!("{k}: 1\n"));
    }
    v.push_str("kappa:\n  name: \"k|v\"\n  open: true\n");
    v
}

fn helm_docs_readme() -> String {
    let mut r = String::from(
        "# c\n\n| Key | Type | Default | Description |\n|-----|------|---------|-------------|\n",
    );
    for k in [
        "alpha", "beta", "delta", "epsilon", "eta", "gamma", "iota", "theta", "zeta",
    ] {
        r.push_str(&format!("| {k} | int | `1` | The {k}. |\n"));
    }
    r.push_str("\nMore text.\n");
    r
}

#[test]
fn readme_rows_for_undocumented_keys() {
    let values = documented_values();
    let readme = helm_docs_readme();
    check(Case {
        files: &[
            ("Chart.yaml", CHART),
            ("values.yaml", &values),
            ("README.md", &readme),
        ],
        rule: "docs/undocumented-key",
        unsafe_fix: false,
        file: "README.md",
        old: "| theta |",
        new: "| kappa.name | string | `\"k\\|v\"` |  |\n| kappa.open | bool | `true` |  |\n| theta |",
    });
}

#[test]
fn stale_readme_row_removed() {
    let values = "alpha: 1\nbeta: 1\n";
    let readme = "| Key | Type | Default | Description |\n|-----|------|---------|-------------|\n| alpha | int | `1` | A. |\n| beta | int | `1` | B. |\n| gone | int | `1` | Old. |\n\nText.\n";
    check(Case {
        files: &[
            ("Chart.yaml", CHART),
            ("values.yaml", values),
            ("README.md", readme),
        ],
        rule: "docs/stale-key",
        unsafe_fix: true,
        file: "README.md",
        old: "| gone | int | `1` | Old. |\n",
        new: "",
    });
}

#[test]
fn diff_prints_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let chart = "apiVersion: v2\nname: c\nversion: 1.10\n";
    write_all(
        dir.path(),
        &[("Chart.yaml", chart), ("values.yaml", "a: 1\n")],
    );
    let out = plimsoll(&["lint", ".", "--diff"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "--- a/Chart.yaml\n+++ b/Chart.yaml\n@@ -1,3 +1,3 @@\n apiVersion: v2\n name: c\n-version: 1.10\n+version: 1.10.0\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("Chart.yaml")).unwrap(),
        chart
    );
    // Fixed: nothing left to show, exit 0.
    plimsoll(&["lint", ".", "--fix"], dir.path());
    let out = plimsoll(&["lint", ".", "--diff"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
}

#[test]
fn fix_reports_what_is_left_and_sets_the_exit_code_from_it() {
    let dir = tempfile::tempdir().unwrap();
    write_all(
        dir.path(),
        &[
            ("Chart.yaml", "apiVersion: v2\nname: c\nversion: 1.10\n"),
            ("values.yaml", "a: 1\n"),
        ],
    );
    let out = plimsoll(&["lint", ".", "--fix", "--format", "compact"], dir.path());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(!stdout.contains("version-not-string"), "{stdout}");
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("fixed 1 finding in 1 file"));
}

#[test]
fn overlapping_fixes_take_more_than_one_round() {
    // Three copies of a key: removing the first two entries takes two rounds, as the second
    // removal is computed against the text the first one leaves.
    let dir = tempfile::tempdir().unwrap();
    write_all(dir.path(), &[("m.yaml", "kind: A\nkind: B\nkind: C\n")]);
    plimsoll(
        &[
            "lint",
            ".",
            "--fix",
            "--unsafe-fixes",
            "--select",
            "yaml/duplicate-key",
        ],
        dir.path(),
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("m.yaml")).unwrap(),
        "kind: C\n"
    );
}

#[test]
fn stdin_filename_lints_the_buffer_in_place_of_the_file() {
    let dir = tempfile::tempdir().unwrap();
    write_all(
        dir.path(),
        &[
            ("c/Chart.yaml", "apiVersion: v2\nname: c\nversion: 1.10\n"),
            ("c/values.yaml", "a: 1\n"),
            (
                "c/templates/cm.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: \"{{ .Values.a }}\"\n",
            ),
        ],
    );
    // The buffer has a duplicate key the file on disk does not; the chart's other findings
    // (the Chart.yaml version) are not reported, and the template reads the buffer's values.
    let out = plimsoll_stdin(
        &[
            "lint",
            "--stdin-filename",
            "c/values.yaml",
            "--format",
            "compact",
            "-",
        ],
        dir.path(),
        "a: 1\na: 2\n",
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let found: Vec<&str> = stdout.lines().filter(|l| l.contains(" [")).collect();
    assert_eq!(found.len(), 1, "{stdout}");
    assert!(
        found[0].starts_with(
            "c/values.yaml:2:1: error: Duplicate key `a`: the later value silently replaces the earlier one [yaml/duplicate-key]"
        ),
        "{stdout}"
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("c/values.yaml")).unwrap(),
        "a: 1\n"
    );
    // A template read from the buffer: an unknown value path is found in it.
    let out = plimsoll_stdin(
        &[
            "lint",
            "--stdin-filename",
            "c/templates/cm.yaml",
            "--format",
            "compact",
            "-",
        ],
        dir.path(),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: \"{{ .Values.b }}\"\n",
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("c/templates/cm.yaml:6:")
            && stdout.contains("templates/values-path-missing"),
        "{stdout}"
    );
    // With --fix the fixed buffer comes back on stdout; nothing is written.
    let out = plimsoll_stdin(
        &["lint", "--stdin-filename", "c/Chart.yaml", "--fix", "-"],
        dir.path(),
        "apiVersion: v2\nname: c\nversion: 2.5 # x\n",
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "apiVersion: v2\nname: c\nversion: 2.5.0 # x\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("c/Chart.yaml")).unwrap(),
        "apiVersion: v2\nname: c\nversion: 1.10\n"
    );
    // `-` without --stdin-filename, and --stdin-filename without `-`, are usage errors.
    let out = plimsoll_stdin(&["lint", "-"], dir.path(), "");
    assert_eq!(out.status.code(), Some(2));
    let out = plimsoll_stdin(
        &["lint", "--stdin-filename", "c/values.yaml", "c"],
        dir.path(),
        "",
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn stdin_filename_lints_a_file_not_yet_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    write_all(
        dir.path(),
        &[
            ("c/Chart.yaml", CHART),
            ("c/values.yaml", "a: 1\n"),
            (
                "c/templates/cm.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: \"{{ .Values.a }}\"\n",
            ),
        ],
    );
    let lint_new = |path: &str, text: &str| {
        let out = plimsoll_stdin(
            &["lint", "--stdin-filename", path, "--format", "compact", "-"],
            dir.path(),
            text,
        );
        (out.status.code(), String::from_utf8(out.stdout).unwrap())
    };
    // A new template, linted in its chart: it reads a value the chart does not have, and it
    // calls a `define` the chart's other template does not provide.
    let (code, stdout) = lint_new(
        "c/templates/new.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ include \"c.nope\" . }}\ndata:\n  b: \"{{ .Values.b }}\"\n",
    );
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.contains("c/templates/new.yaml:6:")
            && stdout.contains("[templates/values-path-missing]"),
        "{stdout}"
    );
    assert!(
        stdout.contains("[templates/undefined-template]"),
        "{stdout}"
    );
    // Only the new file's findings are shown, and nothing is written.
    assert!(
        stdout
            .lines()
            .filter(|l| l.contains(" ["))
            .all(|l| l.starts_with("c/templates/new.yaml:")),
        "{stdout}"
    );
    assert!(!dir.path().join("c/templates/new.yaml").exists());
    // A new partial that is fine gets no findings (exit 0), whatever the rest of the chart has.
    let (code, stdout) = lint_new(
        "c/templates/_more.tpl",
        "{{- define \"c.more\" -}}x{{- end -}}\n",
    );
    assert_eq!(code, Some(0), "{stdout}");
    // A new manifest outside any chart.
    let (code, stdout) = lint_new(
        "cronjob.yaml",
        "apiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: x\nspec: {}\n",
    );
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.starts_with("cronjob.yaml:1:") && stdout.contains("[manifests/api-removed]"),
        "{stdout}"
    );
    // A folder that does not exist is still a usage error.
    let (code, _) = lint_new("nowhere/x.yaml", "a: 1\n");
    assert_eq!(code, Some(2));
}

#[test]
fn explain_says_what_the_fix_does() {
    let dir = tempfile::tempdir().unwrap();
    let out = plimsoll(&["explain", "chart/version-not-string"], dir.path());
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("`plimsoll lint --fix` writes")
    );
    let out = plimsoll(&["explain", "yaml/duplicate-key"], dir.path());
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("`plimsoll lint --fix --unsafe-fixes` removes")
    );
}

#[test]
fn sarif_results_carry_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    write_all(
        dir.path(),
        &[
            ("Chart.yaml", "apiVersion: v2\nname: c\nversion: 1.10\n"),
            ("values.yaml", "a: 1\n"),
        ],
    );
    let out = plimsoll(&["lint", ".", "--format", "sarif"], dir.path());
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    let r = results
        .iter()
        .find(|r| r["ruleId"] == "chart/version-not-string")
        .expect("the finding");
    let fix = &r["fixes"][0];
    assert_eq!(fix["description"]["text"], "Write `version: 1.10.0`");
    let change = &fix["artifactChanges"][0];
    assert_eq!(change["artifactLocation"]["uri"], "Chart.yaml");
    assert_eq!(
        change["replacements"][0],
        serde_json::json!({
            "deletedRegion": {"startLine": 3, "startColumn": 10, "endLine": 3, "endColumn": 14},
            "insertedContent": {"text": "1.10.0"}
        })
    );
    // Findings without a known edit have no `fixes`.
    assert!(
        results
            .iter()
            .filter(|r| r["ruleId"] != "chart/version-not-string")
            .all(|r| r.get("fixes").is_none())
    );
}
