//! Discovery: chart search at any depth, subcharts kept with their parent, manifest sets per
//! folder, skipped folders, paths inside charts, excludes, determinism and speed.

mod discover_util;

use discover_util::*;
use plimsoll::discover::UnitSource;
use std::path::{Path, PathBuf};

fn chart_dirs(units: &[UnitSource]) -> Vec<PathBuf> {
    units
        .iter()
        .filter_map(|u| match u {
            UnitSource::ChartDir(d) => Some(d.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn finds_nested_charts_and_keeps_subcharts_with_their_parent() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    chart(root, "charts/app");
    chart(root, "charts/app/charts/db");
    write(
        root,
        "charts/app/charts/cache-1.0.0.tgz",
        chart_tgz("cache"),
    );
    chart(root, "platform/team-a/deep/api");
    chart(root, "charts/app/examples/demo");
    write(
        root,
        "charts/app/templates/nested/Chart.yaml",
        "name: not-a-chart\n",
    );

    let (units, diags) = discover(root);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(
        chart_dirs(&units),
        vec![
            root.join("charts/app"),
            root.join("charts/app/examples/demo"),
            root.join("platform/team-a/deep/api"),
        ]
    );
    assert!(
        !units
            .iter()
            .any(|u| matches!(u, UnitSource::ChartArchive(_))),
        "a subchart archive is not a unit: {units:?}"
    );

    let (app, diags) = load_dir(&root.join("charts/app"));
    assert!(diags.is_empty(), "{diags:?}");
    let names: Vec<&str> = app.subcharts.iter().map(|c| c.name()).collect();
    assert_eq!(names, ["cache", "db"]);
    let entries: Vec<(&str, bool, bool)> = app
        .charts_dir
        .iter()
        .map(|e| (e.file_name.as_str(), e.packaged, e.is_dir))
        .collect();
    assert_eq!(
        entries,
        [("cache-1.0.0.tgz", true, false), ("db", false, true)]
    );
    // The db subchart's own files belong to it, not to the parent.
    assert!(
        app.files
            .iter()
            .all(|f| !f.path.starts_with(root.join("charts/app/charts")))
    );
    let db = &app.subcharts[1];
    assert_eq!(db.root, root.join("charts/app/charts/db"));
    assert!(db.values.is_some());
    assert_eq!(db.templates.len(), 1);
    // The packaged subchart is read from memory.
    let cache = &app.subcharts[0];
    assert!(cache.archive.is_some());
    assert_eq!(
        cache.root,
        root.join("charts/app/charts/cache-1.0.0.tgz").join("cache")
    );
    assert_eq!(cache.templates.len(), 1);
}

#[test]
fn charts_entries_starting_with_underscore_or_dot_are_skipped_like_helm() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    chart(root, "app");
    chart(root, "app/charts/_draft");
    chart(root, "app/charts/.hidden");
    chart(root, "app/charts/real");
    write(root, "app/charts/real-1.0.0.tgz.prov", "signature\n");
    write(root, "app/charts/README.md", "not a chart\n");
    let (app, diags) = load_dir(&root.join("app"));
    assert!(diags.is_empty(), "{diags:?}");
    let entries: Vec<(&str, bool)> = app
        .charts_dir
        .iter()
        .map(|e| (e.file_name.as_str(), e.is_dir))
        .collect();
    assert_eq!(entries, [("README.md", false), ("real", true)]);
    assert_eq!(app.subcharts.len(), 1);
    // Helm keeps provenance files of charts/ among the chart's files.
    assert_eq!(rels(&app.root, &app.files), ["charts/real-1.0.0.tgz.prov"]);
}

#[test]
fn loose_yaml_forms_one_manifest_set_per_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(root, "k8s/b.yaml", "kind: Service\n");
    write(root, "k8s/a.yml", "kind: Pod\n");
    write(root, "k8s/notes.txt", "x\n");
    write(root, "k8s/prod/z.yaml", "kind: Pod\n");
    write(root, ".github/workflows/ci.yml", "on: push\n");
    write(root, ".pre-commit-config.yaml", "repos: []\n");
    write(root, "node_modules/pkg/x.yaml", "a: 1\n");
    write(root, "target/debug/x.yaml", "a: 1\n");
    write(root, ".git/x.yaml", "a: 1\n");
    write(root, "dist/app-1.0.0.tgz", chart_tgz("app"));
    chart(root, "charts/web");
    let (units, diags) = discover(root);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(
        units,
        vec![
            UnitSource::ChartDir(root.join("charts/web")),
            UnitSource::ChartArchive(root.join("dist/app-1.0.0.tgz")),
            UnitSource::ManifestFiles(vec![root.join("k8s/a.yml"), root.join("k8s/b.yaml")]),
            UnitSource::ManifestFiles(vec![root.join("k8s/prod/z.yaml")]),
        ]
    );
    // Explicitly given, a hidden folder is searched.
    let (units, _) = discover(&root.join(".github"));
    assert_eq!(
        units,
        vec![UnitSource::ManifestFiles(vec![
            root.join(".github/workflows/ci.yml")
        ])]
    );
}

#[test]
fn a_path_inside_a_chart_lints_the_top_chart() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    chart(root, "repo/app");
    chart(root, "repo/app/charts/db");
    let top = UnitSource::ChartDir(root.join("repo/app"));
    for inside in [
        "repo/app/values.yaml",
        "repo/app/templates/deployment.yaml",
        "repo/app/templates",
        "repo/app/charts/db/values.yaml",
        "repo/app/charts/db/templates",
    ] {
        let (units, _) = discover(&root.join(inside));
        assert_eq!(units, vec![top.clone()], "{inside}");
    }
    // A subchart folder given explicitly is linted on its own.
    let (units, _) = discover(&root.join("repo/app/charts/db"));
    assert_eq!(
        units,
        vec![UnitSource::ChartDir(root.join("repo/app/charts/db"))]
    );
    // Outside any chart, a file is a manifest set of its own.
    let m = write(root, "repo/k8s/pod.yaml", "kind: Pod\n");
    let (units, _) = discover(&m);
    assert_eq!(units, vec![UnitSource::ManifestFiles(vec![m])]);
}

#[test]
fn exclude_drops_paths_and_their_contents() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    chart(root, "charts/keep");
    chart(root, "charts/vendor/skip");
    write(root, "k8s/skip.yaml", "a: 1\n");
    write(root, "k8s/keep.yaml", "a: 1\n");
    let excl = |p: &Path| p.ends_with("vendor") || p.ends_with("skip.yaml");
    let (units, _) = plimsoll::discover::discover(root, &excl).unwrap();
    assert_eq!(
        units,
        vec![
            UnitSource::ChartDir(root.join("charts/keep")),
            UnitSource::ManifestFiles(vec![root.join("k8s/keep.yaml")]),
        ]
    );
}

#[test]
fn missing_path_is_an_error_and_an_empty_folder_is_not() {
    let tmp = tempfile::tempdir().unwrap();
    let err = plimsoll::discover::discover(&tmp.path().join("nope"), &no_exclude).unwrap_err();
    assert!(err.contains("nope") && !err.contains('\n'), "{err}");
    let (units, diags) = discover(tmp.path());
    assert!(units.is_empty() && diags.is_empty());

    let (code, lines, stderr) = run_compact(tmp.path(), &["nope"]);
    assert_eq!(code, 2, "{lines:?} {stderr}");
    assert!(stderr.contains("nope"), "{stderr}");
}

#[test]
fn discovery_is_deterministic_and_fast_on_a_thousand_charts() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    for i in 0..1000 {
        let dir = format!("team{}/chart{i:04}", i % 10);
        chart(root, &dir);
        write(
            root,
            &format!("{dir}/templates/svc.yaml"),
            "kind: Service\n",
        );
        write(root, &format!("{dir}/ci/test-values.yaml"), "a: 1\n");
    }
    let (first, _) = discover(root);
    assert_eq!(first.len(), 1000);
    let mut best = std::time::Duration::MAX;
    for _ in 0..3 {
        let start = std::time::Instant::now();
        let (again, _) = discover(root);
        best = best.min(start.elapsed());
        assert_eq!(again, first);
    }
    let mut sorted = first.clone();
    sorted.sort();
    assert_eq!(first, sorted);
    // Well under 100 ms in release builds; debug builds and a busy machine get slack.
    let limit = if cfg!(debug_assertions) { 1000 } else { 100 };
    assert!(best.as_millis() < limit, "discovery took {best:?}");
    eprintln!("discovery of 1000 charts: {best:?}");
}

#[test]
fn binary_lints_a_searched_tree() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    chart(root, "charts/ok");
    write(root, "charts/bad/Chart.yaml", "name: bad\nversion: [\n");
    write(root, "k8s/pod.yaml", "kind: Pod\nkind: Pod\n");
    let (code, lines, stderr) = run_compact(root, &["."]);
    assert_eq!(code, 1, "{lines:#?} {stderr}");
    let l = line_for(&lines, "charts/bad/Chart.yaml:", "yaml/syntax");
    assert!(
        l.starts_with("charts/bad/Chart.yaml:2:") || l.starts_with("charts/bad/Chart.yaml:3:"),
        "{l}"
    );
    line_for(&lines, "k8s/pod.yaml:2:1:", "yaml/duplicate-key");
    assert!(
        !lines.iter().any(|l| l.starts_with("charts/ok/")),
        "{lines:#?}"
    );
}
