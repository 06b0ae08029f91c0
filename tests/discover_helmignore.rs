//! `.helmignore` applied by the chart loader with Helm's semantics (helm: `pkg/ignore`).

mod discover_util;

use discover_util::*;

fn all_rels(chart: &plimsoll::chart::Chart) -> Vec<String> {
    let mut v = rels(&chart.root, chart.own_files());
    v.sort();
    v
}

#[test]
fn patterns_follow_helm_rules() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let dir = chart(root, "app");
    write(
        root,
        "app/.helmignore",
        "# comment\n*.bak\ntmp/\n/secret.yaml\nci/*.yaml\n",
    );
    write(root, "app/a.bak", "x");
    write(root, "app/templates/old.bak", "x");
    write(root, "app/tmp/keep.txt", "x");
    write(
        root,
        "app/docs/tmp",
        "a file named tmp is kept: tmp/ matches folders only",
    );
    write(root, "app/secret.yaml", "x");
    write(root, "app/files/secret.yaml", "anchored pattern: kept");
    write(root, "app/ci/test.yaml", "x");
    write(
        root,
        "app/ci/deep/test.yaml",
        "`*` does not cross `/`: kept",
    );
    write(
        root,
        "app/templates/.swp",
        "Helm's default rule drops dot files in templates/",
    );
    write(
        root,
        "app/templates/sub/.keep",
        "only directly in templates/",
    );
    let (c, diags) = load_dir(&dir);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(
        all_rels(&c),
        [
            ".helmignore",
            "Chart.yaml",
            "ci/deep/test.yaml",
            "docs/tmp",
            "files/secret.yaml",
            "templates/deployment.yaml",
            "templates/sub/.keep",
            "values.yaml",
        ]
    );
    assert!(c.helmignore.is_some());
}

#[test]
fn negation_ignores_what_it_does_not_match() {
    // Helm's quirk: a path that reaches a `!pattern` rule without matching it is ignored.
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let dir = chart(root, "app");
    write(root, "app/.helmignore", "*.txt\n!values.yaml\n");
    write(root, "app/notes.txt", "x");
    let (c, diags) = load_dir(&dir);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(all_rels(&c), [".helmignore", "values.yaml"]);
    // Everything else was ignored by the negated rule, which rules must not report as missing.
    assert!(c.chart_yaml.is_none());
    assert!(c.templates.is_empty());
}

#[test]
fn top_chart_rules_apply_to_subcharts_and_their_own_helmignore_does_not() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let dir = chart(root, "app");
    chart(root, "app/charts/db");
    write(root, "app/.helmignore", "*/*/temp*\n");
    write(root, "app/charts/db/.helmignore", "*.md\n");
    write(root, "app/charts/db/README.md", "# db\n");
    write(
        root,
        "app/charts/db/tempo.txt",
        "matches */*/temp* from the top chart\n",
    );
    write(
        root,
        "app/charts/db/templates/.hidden",
        "not under the top templates/\n",
    );
    let (c, diags) = load_dir(&dir);
    assert!(diags.is_empty(), "{diags:?}");
    let db = &c.subcharts[0];
    assert!(
        db.readme.is_some(),
        "a subchart's .helmignore has no effect in Helm"
    );
    // `*/*/temp*` matches `charts/db/templates` (a folder): the subchart loses its templates,
    // exactly as Helm does (helm-www#1460).
    assert!(db.templates.is_empty(), "{:?}", db.templates);
    let mut db_files = rels(&db.root, &db.files);
    db_files.sort();
    assert_eq!(db_files, Vec::<String>::new());
    assert!(db.helmignore.is_some());
}

#[test]
fn ignored_dangling_links_are_not_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let dir = chart(root, "app");
    write(root, "app/.helmignore", "*.lnk\n");
    std::os::unix::fs::symlink("/nonexistent/target", dir.join("broken.lnk")).unwrap();
    let (_, diags) = load_dir(&dir);
    assert!(diags.is_empty(), "{diags:?}");
}

#[test]
fn double_star_and_bad_globs_are_flagged_at_their_position() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let dir = chart(root, "app");
    write(
        root,
        "app/.helmignore",
        "*.bak\n  **/*.tmp\n[z-\nnotes.txt # old notes\n",
    );
    write(root, "app/x.bak", "x");
    write(
        root,
        "app/notes.txt",
        "kept: the pattern is `notes.txt # old notes`",
    );
    let (c, diags) = load_dir(&dir);
    let ignore_file = c.helmignore.as_ref().unwrap();
    let found: Vec<(&str, String, usize, usize)> = diags
        .iter()
        .map(|d| {
            let at = d.start();
            (
                d.rule.name,
                ignore_file.slice(d.span.unwrap()).to_string(),
                at.line,
                at.col,
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "chart/helmignore-invalid-pattern",
                "**/*.tmp".to_string(),
                2,
                3
            ),
            ("chart/helmignore-invalid-pattern", "[z-".to_string(), 3, 1),
            (
                "chart/helmignore-inline-comment",
                "# old notes".to_string(),
                4,
                11
            ),
        ]
    );
    assert!(diags[0].message.contains("**"));
    // The valid patterns still apply.
    let all = all_rels(&c);
    assert!(!all.contains(&"x.bak".to_string()));
    assert!(all.contains(&"notes.txt".to_string()));

    let (code, lines, stderr) = run_compact(root, &["app"]);
    assert_eq!(code, 1, "{stderr}");
    let l = line_for(
        &lines,
        "app/.helmignore:2:3:",
        "chart/helmignore-invalid-pattern",
    );
    assert!(l.contains("error"), "{l}");
    let l = line_for(
        &lines,
        "app/.helmignore:4:11:",
        "chart/helmignore-inline-comment",
    );
    assert!(l.contains("warning"), "{l}");
}

#[test]
fn crlf_helmignore_works() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let dir = chart(root, "app");
    write(root, "app/.helmignore", "*.bak\r\ntmp/\r\n");
    write(root, "app/a.bak", "x");
    write(root, "app/tmp/x", "x");
    let (c, diags) = load_dir(&dir);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(
        all_rels(&c),
        [
            ".helmignore",
            "Chart.yaml",
            "templates/deployment.yaml",
            "values.yaml"
        ]
    );
}
