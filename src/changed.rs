//! `--changed-since REF`: the files changed in the user's git repository since a commit, so
//! only the charts and manifests they belong to are linted (as `ct lint --target-branch`).
//!
//! This is the one place plimsoll runs another program: `git`, in the repository the user
//! named, with arguments plimsoll builds (the ref is checked first; it cannot start with `-`).
//! Changed means: differing between the merge base of REF and `HEAD` and the working tree
//! (committed, staged and unstaged changes, deletions included), plus untracked files that
//! `.gitignore` does not ignore.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Absolute paths of the files changed since `reference` in the repositories holding `paths`.
/// `Err` is a one-line reason (exit 2): an invalid ref, a path outside any git repository, or
/// git failing.
pub fn changed_files(paths: &[PathBuf], reference: &str) -> Result<Vec<PathBuf>, String> {
    if reference.is_empty()
        || reference.starts_with('-')
        || reference.chars().any(|c| c.is_control() || c == ' ')
    {
        return Err(format!(
            "invalid --changed-since `{}`: expected a git commit or branch name (it cannot start with `-`)",
            reference.escape_debug()
        ));
    }
    let mut roots: Vec<PathBuf> = Vec::new();
    for path in paths {
        let dir = if path.is_dir() {
            path.clone()
        } else {
            match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            }
        };
        if !dir.is_dir() {
            // A path that does not exist is reported by the lint itself.
            continue;
        }
        let root = git(&dir, &["rev-parse", "--show-toplevel"]).map_err(|_| {
            format!(
                "--changed-since needs a git repository, and {} is not in one",
                path.display()
            )
        })?;
        let root = PathBuf::from(root.trim_end_matches(['\n', '\r']));
        if !roots.contains(&root) {
            roots.push(root);
        }
    }
    let mut out = Vec::new();
    for root in &roots {
        let verify = format!("{reference}^{{commit}}");
        if git(root, &["rev-parse", "--verify", "--quiet", &verify]).is_err() {
            return Err(format!(
                "--changed-since: `{reference}` is not a commit in the git repository {}",
                root.display()
            ));
        }
        let base = git(root, &["merge-base", reference, "HEAD"])
            .map(|s| s.trim().to_string())
            .unwrap_or_else(|_| reference.to_string());
        let diff = git(
            root,
            &["diff", "--name-only", "-z", "--no-renames", &base, "--"],
        )?;
        let untracked = git(root, &["ls-files", "--others", "--exclude-standard", "-z"])?;
        for name in diff.split('\0').chain(untracked.split('\0')) {
            if !name.is_empty() {
                out.push(root.join(name));
            }
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Runs git in `dir`; `Err` carries the first line of its error output.
fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "core.quotePath=false"])
        .args(args)
        .env("GIT_OPTIONAL_LOCKS", "0")
        .output()
        .map_err(|e| format!("--changed-since: cannot run git: {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(format!(
            "--changed-since: git {}: {}",
            args.first().copied().unwrap_or_default(),
            err.lines().next().unwrap_or("failed")
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Whether one of the changed files (made canonical with [`canonical_lexical`]) is `path` or
/// lies in it (any form of path; compared canonically).
pub fn touches(changed: &[PathBuf], path: &Path) -> bool {
    let Ok(path) = std::fs::canonicalize(path) else {
        return false;
    };
    changed.iter().any(|c| c.starts_with(&path))
}

/// A changed path made comparable with canonical paths: canonical when it exists, else its
/// nearest existing ancestor canonicalized with the rest appended (a deleted file).
pub fn canonical_lexical(path: &Path) -> PathBuf {
    if let Ok(c) = std::fs::canonicalize(path) {
        return c;
    }
    let mut rest = Vec::new();
    let mut at = path;
    while let Some(parent) = at.parent() {
        if let Some(name) = at.file_name() {
            rest.push(name.to_os_string());
        }
        if let Ok(c) = std::fs::canonicalize(parent) {
            let mut out = c;
            for n in rest.iter().rev() {
                out.push(n);
            }
            return out;
        }
        at = parent;
    }
    path.to_path_buf()
}
