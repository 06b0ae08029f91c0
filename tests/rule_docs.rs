//! `docs/rules/<domain>/<name>.md` is each rule's documentation page (the target of SARIF
//! `helpUri` and of `docPath` in `plimsoll rules --format json`), generated from the rule's own
//! text. This test fails when a page is missing, stale or left over from a removed rule;
//! `PLIMSOLL_WRITE_DOCS=1 cargo test --test rule_docs` rewrites them.

use plimsoll::report::{doc_page, doc_path};
use plimsoll::rules::all_meta;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// The index page: every rule with its severity and summary, linking to its page.
fn index() -> String {
    let mut s = String::from(
        "# plimsoll rules\n\nGenerated from the rules' own documentation (`plimsoll explain RULE` prints the same\ntext); `PLIMSOLL_WRITE_DOCS=1 cargo test --test rule_docs` regenerates these pages.\n\n| rule | default severity | summary |\n|---|---|---|\n",
    );
    for m in all_meta() {
        let link = doc_path(m.name);
        let link = link.trim_start_matches("docs/rules/");
        s.push_str(&format!(
            "| [`{}`]({link}) | {} | {} |\n",
            m.name,
            m.severity,
            m.summary.replace('|', "\\|")
        ));
    }
    s
}

#[test]
fn rule_pages_are_in_sync_with_the_rules() {
    let write = std::env::var_os("PLIMSOLL_WRITE_DOCS").is_some_and(|v| v == "1");
    let mut expected: Vec<(PathBuf, String)> = all_meta()
        .into_iter()
        .map(|m| (root().join(doc_path(m.name)), doc_page(m)))
        .collect();
    expected.push((root().join("docs/rules/README.md"), index()));
    let mut problems = Vec::new();
    for (path, text) in &expected {
        if write {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
            continue;
        }
        match std::fs::read_to_string(path) {
            Ok(on_disk) if &on_disk == text => {}
            Ok(_) => problems.push(format!("stale: {}", path.display())),
            Err(_) => problems.push(format!("missing: {}", path.display())),
        }
    }
    let wanted: BTreeSet<&Path> = expected.iter().map(|(p, _)| p.as_path()).collect();
    for entry in walkdir::WalkDir::new(root().join("docs/rules"))
        .into_iter()
        .flatten()
    {
        if entry.file_type().is_file() && !wanted.contains(entry.path()) {
            if write {
                std::fs::remove_file(entry.path()).unwrap();
            } else {
                problems.push(format!("no such rule: {}", entry.path().display()));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "rule pages out of sync (run `PLIMSOLL_WRITE_DOCS=1 cargo test --test rule_docs`):\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_page_is_what_explain_prints() {
    // The page of one rule, read from disk, matches `plimsoll explain` word for word.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_plimsoll"))
        .args(["explain", "yaml/duplicate-key"])
        .output()
        .unwrap();
    let page = std::fs::read_to_string(root().join("docs/rules/yaml/duplicate-key.md")).unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), page);
}
