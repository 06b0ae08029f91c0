//! Every rule has a fixture that fires and one that stays silent, under
//! `tests/fixtures/rules/<domain>/<rule>/{fire,silent}[.yaml]`. A fixture is a YAML file (a
//! manifest set of one file) or a folder (a chart when it holds Chart.yaml, else a manifest set).
//!
//! In `fire` fixtures, each line where the rule must report carries a marker comment
//! `expect: <rule-name>` (in templates, `{{/* expect: <rule-name> */}}`); the rule must report on exactly the marked lines. The findings are
//! also snapshotted, message, position and help included. Files that cannot hold comments (JSON)
//! list their expectations in a sidecar `<file>.expect` with lines `LINE: rule`. Rules that need
//! configuration find it in a `.plimsoll.yaml` beside the fixtures.

use plimsoll::diagnostic::Diagnostic;
use plimsoll::lint::{LintOptions, lint};
use plimsoll::rules::RULES;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules")
}

fn entry(dir: &Path, name: &str) -> Option<PathBuf> {
    [dir.join(name), dir.join(format!("{name}.yaml"))]
        .into_iter()
        .find(|p| p.exists())
}

fn findings(path: &Path, rule: &str) -> Vec<Diagnostic> {
    // A fixture may carry its own `.plimsoll.yaml` (in the rule's folder or the fixture's).
    let options = LintOptions::default();
    let result =
        lint(&[path.to_path_buf()], &options).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    result
        .diagnostics
        .into_iter()
        .filter(|d| d.rule.name == rule)
        .collect()
}

/// (file, line) pairs marked with `expect: <rule>`.
fn markers(path: &Path, rule: &str) -> BTreeSet<(String, usize)> {
    let mut out = BTreeSet::new();
    let marker = format!("expect: {rule}");
    let files: Vec<PathBuf> = if path.is_dir() {
        walkdir::WalkDir::new(path)
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .map(|e| e.into_path())
            .collect()
    } else {
        vec![path.to_path_buf()]
    };
    for f in &files {
        // Files without comments (JSON) list their expectations in `<file>.expect`, one
        // `LINE: rule` per line.
        let Some(name) = f
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".expect"))
        else {
            continue;
        };
        let target = f.with_file_name(name);
        for line in std::fs::read_to_string(f).unwrap_or_default().lines() {
            if let Some((n, r)) = line.split_once(':')
                && r.trim() == rule
                && let Ok(n) = n.trim().parse::<usize>()
            {
                out.insert((target.to_string_lossy().into_owned(), n));
            }
        }
    }
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        for (i, line) in text.lines().enumerate() {
            if line.split("expect:").skip(1).any(|rest| {
                // Templates carry the marker in a comment action: `{{/* expect: rule */}}`.
                let rest = rest.split("*/").next().unwrap_or(rest);
                rest.split(',')
                    .any(|r| format!("expect: {}", r.trim()) == marker)
            }) {
                out.insert((f.to_string_lossy().into_owned(), i + 1));
            }
        }
    }
    out
}

fn render(diags: &[Diagnostic], base: &Path) -> String {
    let mut s = String::new();
    for d in diags {
        let at = d.start();
        let path = d
            .file
            .path
            .strip_prefix(base)
            .unwrap_or(&d.file.path)
            .to_string_lossy()
            .replace('\\', "/");
        s.push_str(&format!(
            "{path}:{}:{}: {}: {}\n",
            at.line, at.col, d.severity, d.message
        ));
        if let Some(l) = &d.label {
            s.push_str(&format!("  label: {l}\n"));
        }
        for l in &d.labels {
            let lc = l.file.line_col(l.span.start as usize);
            s.push_str(&format!(
                "  related {}:{}: {}\n",
                lc.line, lc.col, l.message
            ));
        }
        if let Some(h) = &d.help {
            s.push_str(&format!("  help: {h}\n"));
        }
    }
    s
}

#[test]
fn every_rule_fires_on_its_fixture_and_stays_silent_on_the_other() {
    let mut missing = Vec::new();
    let mut failures = Vec::new();
    let names: Vec<&str> = RULES
        .iter()
        .filter(|r| r.chart.is_some() || r.manifests.is_some())
        .map(|r| r.meta.name)
        .chain(plimsoll::packs::builtin().iter().map(|r| r.meta.name))
        .collect();
    for name in names {
        let dir = root().join(name);
        let (Some(fire), Some(silent)) = (entry(&dir, "fire"), entry(&dir, "silent")) else {
            missing.push(name);
            continue;
        };
        let fired = findings(&fire, name);
        let expected = markers(&fire, name);
        let got: BTreeSet<(String, usize)> = fired
            .iter()
            .map(|d| (d.file.path.to_string_lossy().into_owned(), d.start().line))
            .collect();
        if fired.is_empty() || expected != got {
            failures.push(format!(
                "{name}: fire fixture: expected lines {expected:?}, reported {got:?}"
            ));
        }
        let quiet = findings(&silent, name);
        if !quiet.is_empty() {
            failures.push(format!(
                "{name}: silent fixture reported:\n{}",
                render(&quiet, &dir)
            ));
        }
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(root().join("snapshots"));
        settings.set_prepend_module_to_snapshot(false);
        settings.bind(|| insta::assert_snapshot!(name.replace('/', "__"), render(&fired, &dir)));
    }
    assert!(
        missing.is_empty(),
        "rules without fire/silent fixtures: {missing:?}"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
