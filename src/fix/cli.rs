//! The `lint` command's fix and editor modes: `--fix`, `--diff`, `--unsafe-fixes` and
//! `--stdin-filename PATH -`. The ordinary report, its format and its exit code stay with the
//! `lint` command; this decides what is linted and what is written first.

use super::{Applicability, FixOutcome};
use crate::cli::LintArgs;
use crate::lint::{LintOptions, LintResult};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// What the `lint` command does next.
pub enum Next {
    /// Report these findings as usual.
    Report(LintResult),
    /// Everything is written; exit with this code.
    Exit(u8),
}

/// Largest text read from standard input (the limit for files).
const MAX_STDIN: u64 = crate::chart::load::MAX_FILE_SIZE;

/// The lint a plain run does (the `lint` command passes [`crate::lint::lint`]).
pub type LintFn = fn(&[PathBuf], &LintOptions) -> Result<LintResult, String>;

/// Lints `paths` as the flags ask: plainly (with `plain`), with the buffer from standard input
/// standing in for `--stdin-filename`, fixing, or printing the fixes as a diff. `Err` is a
/// one-line reason for exit code 2.
pub fn lint_for(
    args: &LintArgs,
    paths: &[PathBuf],
    options: &LintOptions,
    plain: LintFn,
) -> Result<Next, String> {
    if args.unsafe_fixes && !args.fix && !args.diff {
        return Err("--unsafe-fixes applies with --fix or --diff".into());
    }
    let mut guard = crate::overlay::Guard::default();
    let stdin_path = match &args.stdin_filename {
        Some(path) => {
            if args.paths.len() != 1 || args.paths[0] != Path::new("-") {
                return Err(format!(
                    "--stdin-filename {} reads the file from standard input: give `-` as the only path",
                    path.display()
                ));
            }
            let mut text = Vec::new();
            std::io::stdin()
                .lock()
                .take(MAX_STDIN + 1)
                .read_to_end(&mut text)
                .map_err(|e| format!("cannot read standard input: {e}"))?;
            if text.len() as u64 > MAX_STDIN {
                return Err("standard input is larger than the 50 MiB file limit".into());
            }
            if !path.exists()
                && !path
                    .parent()
                    .is_none_or(|p| p.as_os_str().is_empty() || p.is_dir())
            {
                return Err(format!(
                    "--stdin-filename {}: its folder does not exist",
                    path.display()
                ));
            }
            guard.set(path, text);
            Some(path.clone())
        }
        None => {
            if paths.iter().any(|p| p == Path::new("-")) {
                return Err(
                    "`-` reads a file from standard input and needs --stdin-filename PATH".into(),
                );
            }
            None
        }
    };
    let paths: Vec<PathBuf> = match &stdin_path {
        Some(p) => vec![p.clone()],
        None => paths.to_vec(),
    };
    let only = stdin_path.as_deref();
    if !args.fix && !args.diff {
        let mut result = plain(&paths, options)?;
        if let Some(p) = only {
            keep_file(&mut result, p);
        }
        return Ok(Next::Report(result));
    }
    let outcome = super::run(&paths, options, args.unsafe_fixes, only)?;
    if args.diff {
        let mut out = std::io::stdout().lock();
        for (path, (old, new)) in &outcome.files {
            let shown = crate::source::display_path(path);
            let _ = out.write_all(super::diff::unified(&shown, old, new).as_bytes());
        }
        let _ = out.flush();
        summarize(&outcome, args.unsafe_fixes, "would fix");
        return Ok(Next::Exit(u8::from(!outcome.files.is_empty())));
    }
    if let Some(p) = only {
        // An editor's "format on save": the fixed buffer goes back on standard output.
        let key = crate::overlay::key(p);
        let fixed = outcome
            .files
            .iter()
            .find(|(f, _)| crate::overlay::key(f) == key)
            .map(|(_, (_, new))| new.clone().into_bytes())
            .or_else(|| crate::overlay::get(p).map(|t| t.to_vec()))
            .unwrap_or_default();
        let mut out = std::io::stdout().lock();
        out.write_all(&fixed)
            .and_then(|_| out.flush())
            .map_err(|e| format!("cannot write standard output: {e}"))?;
        summarize(&outcome, args.unsafe_fixes, "fixed");
        return Ok(Next::Exit(0));
    }
    super::write(&outcome.files)?;
    summarize(&outcome, args.unsafe_fixes, "fixed");
    Ok(Next::Report(outcome.result))
}

/// Keeps the findings of the file at `path` only.
fn keep_file(result: &mut LintResult, path: &Path) {
    let key = crate::overlay::key(path);
    result
        .diagnostics
        .retain(|d| crate::overlay::key(&d.file.path) == key);
}

/// One line on stderr: what was fixed, and what unsafe fixes would add.
fn summarize(outcome: &FixOutcome, unsafe_fixes: bool, verb: &str) {
    let n = outcome.fixed_count();
    let files = outcome.files.len();
    let mut line = format!(
        "plimsoll: {verb} {n} finding{} in {files} file{}",
        if n == 1 { "" } else { "s" },
        if files == 1 { "" } else { "s" }
    );
    if !unsafe_fixes && outcome.unsafe_left > 0 {
        line.push_str(&format!(
            "; {} more with --unsafe-fixes",
            outcome.unsafe_left
        ));
    }
    eprintln!("{line}");
}

/// `fixable` as the rule list shows it: `safe`, `unsafe` or nothing.
pub fn fixable_label(rule: &str) -> &'static str {
    match super::fixable(rule) {
        Some(Applicability::Safe) => "safe",
        Some(Applicability::Unsafe) => "unsafe",
        None => "",
    }
}
