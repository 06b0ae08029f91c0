//! The pre-commit hooks: `.pre-commit-hooks.yaml` is valid, its file pattern covers every file
//! a rule reads, its entries run; the README's snippet works as written with a real
//! `pre-commit` (from `PLIMSOLL_PRE_COMMIT` or PATH, when installed; like the helm and
//! promtool oracles, that part is skipped with a note otherwise).

mod cli_support;

use cli_support::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn hooks() -> Vec<Value> {
    let text = std::fs::read_to_string(root().join(".pre-commit-hooks.yaml")).unwrap();
    let yaml = plimsoll::yaml::parse(&text);
    assert!(yaml.issues.is_empty(), "{:?}", yaml.issues);
    yaml.root()
        .unwrap()
        .to_json()
        .as_array()
        .expect("a list of hooks")
        .clone()
}

fn hook(id: &str) -> Value {
    hooks()
        .into_iter()
        .find(|h| h["id"] == id)
        .unwrap_or_else(|| panic!("hook {id}"))
}

/// pre-commit's `files`/`exclude` use Python's `re.search`; these patterns use only syntax
/// both engines share.
fn matches(pattern: &str, path: &str) -> bool {
    regex::Regex::new(pattern).unwrap().is_match(path)
}

#[test]
fn hook_definitions_are_complete() {
    let all = hooks();
    let ids: Vec<&str> = all.iter().map(|h| h["id"].as_str().unwrap()).collect();
    for id in [
        "plimsoll",
        "plimsoll-all",
        "plimsoll-files",
        "plimsoll-system",
        "plimsoll-all-system",
    ] {
        assert!(ids.contains(&id), "{id}");
    }
    for h in &all {
        let id = h["id"].as_str().unwrap();
        for key in ["name", "entry", "language"] {
            assert!(
                h[key].as_str().is_some_and(|s| !s.is_empty()),
                "{id}: {key}"
            );
        }
        assert!(
            ["rust", "system"].contains(&h["language"].as_str().unwrap()),
            "{id}"
        );
        let entry = h["entry"].as_str().unwrap();
        let words: Vec<&str> = entry.split_whitespace().collect();
        use clap::Parser;
        plimsoll::cli::Cli::try_parse_from(&words).unwrap_or_else(|e| panic!("{id}: {e}"));
        if h["pass_filenames"] == Value::Bool(false) {
            assert!(entry.ends_with(" ."), "{id} lints the repository: {entry}");
        }
        for key in ["files", "exclude"] {
            if let Some(p) = h[key].as_str() {
                regex::Regex::new(p).unwrap_or_else(|e| panic!("{id}: {key}: {e}"));
            }
        }
    }
    // The whole-repository hooks lint only what changed since HEAD, or everything on demand.
    assert!(
        hook("plimsoll")["entry"]
            .as_str()
            .unwrap()
            .contains("--changed-since HEAD")
    );
    assert!(
        hook("plimsoll-system")["entry"]
            .as_str()
            .unwrap()
            .contains("--changed-since HEAD")
    );
    assert!(
        !hook("plimsoll-all")["entry"]
            .as_str()
            .unwrap()
            .contains("--changed-since")
    );
}

#[test]
fn the_file_hook_pattern_covers_every_file_a_rule_reads() {
    let h = hook("plimsoll-files");
    let files = h["files"].as_str().unwrap();
    let exclude = h["exclude"].as_str().unwrap();
    let runs = |p: &str| matches(files, p) && !matches(exclude, p);
    for p in [
        "charts/web/Chart.yaml",
        "charts/web/Chart.lock",
        "charts/old/requirements.yaml",
        "charts/old/requirements.lock",
        "charts/web/values.yaml",
        "charts/web/values-production.yaml",
        "charts/web/values.schema.json",
        "charts/web/ci/prod-values.yaml",
        "charts/web/README.md",
        "charts/web/.helmignore",
        "charts/web/templates/NOTES.txt",
        "charts/web/templates/_helpers.tpl",
        "charts/web/templates/deployment.yaml",
        "charts/web/crds/crd.yaml",
        "charts/web/charts/redis-17.3.0.tgz",
        "charts/web/charts/own/values.yaml",
        "charts/web/files/dashboard.json",
        "Chart.yaml",
        "deploy/manifest.yml",
        "rules/prometheus.rules.yaml",
    ] {
        assert!(runs(p), "{p} is not matched");
    }
    for p in [
        "src/main.rs",
        "docs/guide.txt",
        ".plimsoll.yaml",
        "x/.plimsoll.yaml",
    ] {
        assert!(!runs(p), "{p} is matched");
    }
}

/// A repository with a committed broken chart and a clean one.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "charts/broken/Chart.yaml", &chart_yaml("broken"));
    write(d, "charts/broken/values.yaml", "a: 1\na: 2\n");
    write(d, "charts/clean/Chart.yaml", &chart_yaml("clean"));
    write(d, "charts/clean/values.yaml", "replicaCount: 1\n");
    git(d, &["init", "-q"]);
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "charts"]);
    dir
}

/// The README's `.pre-commit-config.yaml` snippet.
fn readme_snippet() -> String {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let section = &readme[readme.find("## pre-commit").unwrap()..];
    let start = section.find("```yaml\n").unwrap() + "```yaml\n".len();
    let end = section[start..].find("```").unwrap();
    section[start..start + end].to_string()
}

#[test]
fn the_readme_snippet_runs_the_shipped_hook() {
    let snippet = readme_snippet();
    let yaml = plimsoll::yaml::parse(&snippet);
    assert!(yaml.issues.is_empty());
    let config = yaml.root().unwrap().to_json();
    let h = &config["repos"][0]["hooks"][0];
    assert_eq!(config["repos"][0]["repo"], "local");
    let shipped = hook("plimsoll-system");
    for key in ["entry", "language", "pass_filenames", "require_serial"] {
        assert_eq!(h[key], shipped[key], "{key}");
    }
    // The entry, run as pre-commit runs it in a repository: the untouched broken chart does
    // not fail a commit that changes the clean one; a change to the broken chart does.
    let dir = repo();
    let d = dir.path();
    let run = |d: &Path| -> Output {
        let entry = h["entry"].as_str().unwrap();
        let mut words = entry.split_whitespace();
        assert_eq!(words.next(), Some("plimsoll"));
        plimsoll(&words.collect::<Vec<_>>(), d)
    };
    write(d, "charts/clean/values.yaml", "replicaCount: 2\n");
    git(d, &["add", "-A"]);
    assert_eq!(run(d).status.code(), Some(0));
    write(d, "charts/broken/values.yaml", "a: 1\na: 3\n");
    git(d, &["add", "-A"]);
    let out = run(d);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("charts/broken/values.yaml:2:1: error: Duplicate key")
    );
}

fn pre_commit() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PLIMSOLL_PRE_COMMIT") {
        return Some(PathBuf::from(p));
    }
    let found = Command::new("pre-commit").arg("--version").output().ok()?;
    found.status.success().then(|| PathBuf::from("pre-commit"))
}

#[test]
fn real_pre_commit_runs_the_readme_snippet_and_the_shipped_hooks() {
    let Some(pre_commit) = pre_commit() else {
        eprintln!(
            "pre-commit is not installed (set PLIMSOLL_PRE_COMMIT): only the hook definitions were checked"
        );
        return;
    };
    let dir = repo();
    let d = dir.path();
    let home = tempfile::tempdir().unwrap();
    // `plimsoll` on PATH, as the README's install step leaves it.
    let bin = Path::new(env!("CARGO_BIN_EXE_plimsoll")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run = |args: &[&str]| -> Output {
        Command::new(&pre_commit)
            .args(args)
            .current_dir(d)
            .env("PATH", &path)
            .env("PRE_COMMIT_HOME", home.path())
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .output()
            .unwrap()
    };
    let text = |o: &Output| {
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    };
    write(d, ".pre-commit-config.yaml", &readme_snippet());
    git(d, &["add", ".pre-commit-config.yaml"]);
    let out = run(&["validate-config", ".pre-commit-config.yaml"]);
    assert!(out.status.success(), "{}", text(&out));
    // A commit that leaves the broken chart alone passes.
    write(d, "charts/clean/values.yaml", "replicaCount: 2\n");
    git(d, &["add", "-A"]);
    let out = run(&["run"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    git(d, &["commit", "-qm", "clean"]);
    // One that touches it fails, with the finding in the output.
    write(d, "charts/broken/values.yaml", "a: 1\na: 3\n");
    git(d, &["add", "-A"]);
    let out = run(&["run"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("charts/broken/values.yaml:2:1: error: Duplicate key"),
        "{}",
        text(&out)
    );
    git(d, &["reset", "-q", "--hard"]);

    // The shipped hook definitions, through `pre-commit try-repo` on this repository (the
    // binary variants: the cargo-built ones would compile plimsoll again).
    write(d, "charts/clean/values.yaml", "replicaCount: 3\n");
    git(d, &["add", "-A"]);
    let out = run(&["try-repo", root().to_str().unwrap(), "plimsoll-system"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("Passed"), "{}", text(&out));
    write(d, "charts/broken/values.yaml", "a: 1\na: 4\n");
    git(d, &["add", "-A"]);
    let out = run(&["try-repo", root().to_str().unwrap(), "plimsoll-system"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    git(d, &["reset", "-q", "--hard"]);
    let out = run(&[
        "try-repo",
        root().to_str().unwrap(),
        "plimsoll-all-system",
        "--all-files",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("Duplicate key"), "{}", text(&out));
}
