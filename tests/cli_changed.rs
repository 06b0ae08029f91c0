//! `--changed-since REF` lints only the charts and manifests with a file changed since a git
//! ref, as `ct lint --target-branch` does: a broken chart nobody touched does not fail an
//! unrelated commit, while a change to a chart's subchart, `ci/` values, README or a local
//! dependency does lint it.

mod cli_support;

use cli_support::*;
use std::path::Path;

/// A repository with `broken` (a duplicate key), `web` (clean, depending on the local library
/// chart `common` through `file://`), `common`, and a manifest folder; all committed on `main`.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "charts/broken/Chart.yaml", &chart_yaml("broken"));
    write(d, "charts/broken/values.yaml", "a: 1\na: 2\n");
    write(d, "charts/broken/charts/sub/Chart.yaml", &chart_yaml("sub"));
    write(d, "charts/broken/charts/sub/values.yaml", "x: 1\n");
    write(
        d,
        "charts/web/Chart.yaml",
        &format!(
            "{}dependencies:\n  - name: common\n    version: 1.0.0\n    repository: file://../common\n",
            chart_yaml("web")
        ),
    );
    write(d, "charts/web/values.yaml", "replicaCount: 1\n");
    write(
        d,
        "charts/web/templates/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ include \"common.name\" . }}\n",
    );
    write(
        d,
        "charts/common/Chart.yaml",
        &format!("{}type: library\n", chart_yaml("common")),
    );
    write(
        d,
        "charts/common/templates/_names.tpl",
        "{{- define \"common.name\" -}}{{ .Release.Name }}{{- end -}}\n",
    );
    write(
        d,
        "deploy/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
    );
    git(d, &["init", "-q"]);
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "charts"]);
    dir
}

/// The charts reported on (by folder under charts/) and the exit code.
fn lint_changed(dir: &Path, reference: &str) -> (Option<i32>, String, String) {
    let out = plimsoll(
        &[
            "lint",
            ".",
            "--format",
            "compact",
            "--changed-since",
            reference,
        ],
        dir,
    );
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn only_charts_with_changes_are_linted() {
    let dir = repo();
    let d = dir.path();
    // Nothing changed: nothing linted, and the summary says why.
    let (code, out, err) = lint_changed(d, "HEAD");
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("0 charts, 0 files checked: no findings; 4 charts or manifest sets unchanged since HEAD not linted"),
        "{err}"
    );
    // An unrelated change: the broken chart is not linted, the changed one is.
    write(d, "charts/web/values.yaml", "replicaCount: 2\n");
    let (code, out, err) = lint_changed(d, "HEAD");
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(err.contains("1 chart, "), "{err}");
    git(d, &["checkout", "-q", "--", "."]);

    // A subchart of the broken chart changed (staged): the broken chart is linted.
    write(d, "charts/broken/charts/sub/values.yaml", "x: 2\n");
    git(d, &["add", "-A"]);
    let (code, out, _) = lint_changed(d, "HEAD");
    assert_eq!(code, Some(1));
    assert!(
        out.contains("charts/broken/values.yaml:2:1: error: Duplicate key"),
        "{out}"
    );
    git(d, &["reset", "-q", "--hard"]);

    // ci/ values, a README, .helmignore and a deleted template count; so does an untracked file.
    for (path, text) in [
        ("charts/broken/ci/prod-values.yaml", Some("a: 3\n")),
        ("charts/broken/README.md", Some("# broken\n")),
        ("charts/broken/.helmignore", Some("*.bak\n")),
        ("charts/broken/values.yaml", None),
    ] {
        match text {
            Some(t) => write(d, path, t),
            None => std::fs::remove_file(d.join(path)).unwrap(),
        }
        let (code, out, err) = lint_changed(d, "HEAD");
        assert!(err.contains("1 chart, "), "{path}: {err}");
        assert_ne!(code, Some(2), "{path}: {out}{err}");
        git(d, &["reset", "-q", "--hard"]);
        git(d, &["clean", "-qfd"]);
    }

    // A local dependency changed: the chart that uses it is linted, with the library itself.
    write(
        d,
        "charts/common/templates/_names.tpl",
        "{{- define \"common.name\" -}}{{ .Release.Name | trunc 63 }}{{- end -}}\n",
    );
    let (_, _, err) = lint_changed(d, "HEAD");
    assert!(err.contains("2 charts, "), "{err}");
    git(d, &["reset", "-q", "--hard"]);

    // A manifest changed: its folder's set is linted.
    write(
        d,
        "deploy/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\n",
    );
    let (_, _, err) = lint_changed(d, "HEAD");
    assert!(err.contains("0 charts, 1 file checked"), "{err}");
    git(d, &["reset", "-q", "--hard"]);

    // The configuration that applies changed (here a new, untracked one): everything under it.
    write(d, ".plimsoll.yaml", "rules:\n  chart/icon-missing: off\n");
    let (_, _, err) = lint_changed(d, "HEAD");
    assert!(err.contains("3 charts, "), "{err}");
    assert!(!err.contains("unchanged since"), "{err}");
    std::fs::remove_file(d.join(".plimsoll.yaml")).unwrap();

    // Against a branch: what the feature branch changed since it forked from main.
    git(d, &["checkout", "-qb", "feature"]);
    write(d, "charts/broken/values.yaml", "a: 1\na: 3\n");
    git(d, &["commit", "-qam", "change broken"]);
    let (code, out, _) = lint_changed(d, "main");
    assert_eq!(code, Some(1));
    assert!(out.contains("charts/broken/values.yaml"), "{out}");
}

#[test]
fn bad_refs_and_paths_outside_git_are_usage_errors() {
    let dir = repo();
    let d = dir.path();
    for reference in ["--output=/tmp/x", "-x", "no-such-branch"] {
        let out = plimsoll(&["lint", ".", &format!("--changed-since={reference}")], d);
        assert_eq!(out.status.code(), Some(2), "{reference}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with("plimsoll: "), "{err}");
        assert!(out.stdout.is_empty());
    }
    let elsewhere = tempfile::tempdir().unwrap();
    write(elsewhere.path(), "m.yaml", "a: 1\n");
    let out = plimsoll(
        &["lint", "m.yaml", "--changed-since", "HEAD"],
        elsewhere.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err.trim_end(),
        "plimsoll: --changed-since needs a git repository, and m.yaml is not in one"
    );
}
