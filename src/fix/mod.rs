//! Autofix: the edits rules attach to their findings, and applying them.
//!
//! A [`Fix`] is one or more byte-range replacements, computed by the rule that reports the
//! finding (it knows the node, its span and what the text should be). Applying a fix touches
//! only those bytes: comments, formatting, line endings and the rest of the file stay as they
//! were. Each fix is either [`Applicability::Safe`] (the file then says what it visibly meant,
//! or what Helm already read, and nothing else changes) or [`Applicability::Unsafe`] (it picks
//! one reading among several, deletes content, or changes what is deployed); `--fix` applies
//! safe fixes, `--unsafe-fixes` adds the others. Which rules can fix, and how safely, is listed
//! by [`fixable`] from each rule's `FIXABLE` constant.
//!
//! [`run`] lints, applies the fixes that do not overlap, and lints again until nothing more
//! can be fixed (at most [`MAX_ROUNDS`] rounds). Intermediate texts live in the
//! [`crate::overlay`], so `--diff` shows the result without writing anything.

pub mod api;
pub mod cli;
pub mod diff;
pub mod docs;
pub mod edit;
pub mod sarif;
pub mod yaml;

use crate::diagnostic::Diagnostic;
use crate::lint::{LintOptions, LintResult, lint};
use crate::source::{File, Span};
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

/// Whether `--fix` applies a fix on its own or only with `--unsafe-fixes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    Safe,
    Unsafe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// Replace the bytes of `span` in `file` with `replacement` (an insertion when the span is
/// empty, a deletion when the replacement is).
#[derive(Clone, Debug)]
pub struct Edit {
    pub file: File,
    pub span: Span,
    pub replacement: String,
}

/// The edits that resolve one finding, applied together or not at all.
#[derive(Clone, Debug)]
pub struct Fix {
    pub applicability: Applicability,
    /// What the fix does, shown as the code action's title: "Quote `appVersion`".
    pub message: String,
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn new(applicability: Applicability, message: impl Into<String>) -> Fix {
        Fix {
            applicability,
            message: message.into(),
            edits: Vec::new(),
        }
    }

    pub fn safe(message: impl Into<String>) -> Fix {
        Fix::new(Applicability::Safe, message)
    }

    pub fn unsafe_(message: impl Into<String>) -> Fix {
        Fix::new(Applicability::Unsafe, message)
    }

    /// Adds a replacement of `span` in `file`.
    pub fn edit(mut self, file: &File, span: Span, replacement: impl Into<String>) -> Fix {
        self.edits.push(Edit {
            file: file.clone(),
            span,
            replacement: replacement.into(),
        });
        self
    }

    /// Whether any edit changes its file's text.
    pub fn changes_anything(&self) -> bool {
        self.edits
            .iter()
            .any(|e| e.file.text.get(e.span.range()) != Some(e.replacement.as_str()))
    }
}

/// Rules that can fix their findings, with the applicability of their fixes (a rule whose
/// fixes differ by case lists the least safe one; each fix carries its own).
pub fn fixable(rule: &str) -> Option<Applicability> {
    use crate::rules::*;
    let table: &[(&str, Applicability)] = &[
        (
            chart::version_not_string::META.name,
            chart::version_not_string::FIXABLE,
        ),
        (
            chart::app_version_not_string::META.name,
            chart::app_version_not_string::FIXABLE,
        ),
        (
            chart::kube_version_excludes_prerelease::META.name,
            chart::kube_version_excludes_prerelease::FIXABLE,
        ),
        (
            chart::kube_version_invalid::META.name,
            chart::kube_version_invalid::FIXABLE,
        ),
        (
            values::float_version::META.name,
            values::float_version::FIXABLE,
        ),
        (
            values::yaml11_boolean::META.name,
            values::yaml11_boolean::FIXABLE,
        ),
        (yaml::duplicate_key::META.name, yaml::duplicate_key::FIXABLE),
        (
            probes::timeout_exceeds_period::META.name,
            probes::timeout_exceeds_period::FIXABLE,
        ),
        (
            probes::timeout_equals_period::META.name,
            probes::timeout_equals_period::FIXABLE,
        ),
        (
            manifests::api_removed::META.name,
            manifests::api_removed::FIXABLE,
        ),
        (
            prometheus::invalid_duration::META.name,
            prometheus::invalid_duration::FIXABLE,
        ),
        (
            docs::undocumented_key::META.name,
            docs::undocumented_key::FIXABLE,
        ),
        (docs::stale_key::META.name, docs::stale_key::FIXABLE),
    ];
    table.iter().find(|(n, _)| *n == rule).map(|(_, a)| *a)
}

/// Rounds of lint-and-fix before [`run`] stops (overlapping fixes need one round each).
pub const MAX_ROUNDS: usize = 10;

/// What [`run`] did.
#[derive(Debug, Default)]
pub struct FixOutcome {
    /// The last lint, on the fixed texts.
    pub result: LintResult,
    /// Findings fixed, by rule name.
    pub fixed: BTreeMap<&'static str, usize>,
    /// Each changed file with its original and fixed text, by path.
    pub files: BTreeMap<PathBuf, (String, String)>,
    /// Findings left that an unsafe fix would resolve (when unsafe fixes were not allowed).
    pub unsafe_left: usize,
}

impl FixOutcome {
    pub fn fixed_count(&self) -> usize {
        self.fixed.values().sum()
    }
}

/// Whether a fix may be applied with these options.
fn allowed(fix: &Fix, unsafe_fixes: bool) -> bool {
    fix.applicability == Applicability::Safe || unsafe_fixes
}

/// Lints `paths`, applies the allowed fixes and lints again until no allowed fix is left or
/// [`MAX_ROUNDS`] is reached. Nothing is written: the fixed texts are in the outcome (and
/// `only` limits the fixes to findings in that file, for `--stdin-filename`).
pub fn run(
    paths: &[PathBuf],
    options: &LintOptions,
    unsafe_fixes: bool,
    only: Option<&Path>,
) -> Result<FixOutcome, String> {
    let mut guard = crate::overlay::Guard::default();
    let mut outcome = FixOutcome::default();
    let only = only.map(crate::overlay::key);
    for round in 0..=MAX_ROUNDS {
        let result = lint(paths, options)?;
        let candidates: Vec<&Diagnostic> = result
            .diagnostics
            .iter()
            .filter(|d| d.fix.as_ref().is_some_and(|f| allowed(f, unsafe_fixes)))
            // With `only` (a buffer from standard input), fixes that stay inside that file.
            .filter(|d| {
                only.as_ref().is_none_or(|o| {
                    crate::overlay::key(&d.file.path) == *o
                        && d.fix.as_ref().is_some_and(|f| {
                            f.edits
                                .iter()
                                .all(|e| crate::overlay::key(&e.file.path) == *o)
                        })
                })
            })
            .collect();
        let plan = if round == MAX_ROUNDS {
            Vec::new()
        } else {
            select(&candidates)
        };
        if plan.is_empty() {
            outcome.unsafe_left = result
                .diagnostics
                .iter()
                .filter(|d| {
                    d.fix
                        .as_ref()
                        .is_some_and(|f| !allowed(f, unsafe_fixes) && f.changes_anything())
                })
                .count();
            outcome.result = result;
            return Ok(outcome);
        }
        let mut by_file: BTreeMap<PathBuf, (File, Vec<&Edit>)> = BTreeMap::new();
        for d in &plan {
            *outcome.fixed.entry(d.rule.name).or_default() += 1;
            for e in &d.fix.as_ref().expect("planned fixes exist").edits {
                by_file
                    .entry(e.file.path.clone())
                    .or_insert_with(|| (e.file.clone(), Vec::new()))
                    .1
                    .push(e);
            }
        }
        for (path, (file, edits)) in by_file {
            let spans: Vec<(Span, &str)> = edits
                .iter()
                .map(|e| (e.span, e.replacement.as_str()))
                .collect();
            let fixed = edit::apply(&file.text, &spans);
            let entry = outcome
                .files
                .entry(path.clone())
                .or_insert_with(|| (file.text.clone(), String::new()));
            entry.1 = fixed.clone();
            guard.set(&path, fixed.into_bytes());
        }
    }
    // The last round returns above; this is only for the compiler.
    outcome.result = lint(paths, options)?;
    Ok(outcome)
}

/// Picks fixes whose edits overlap nothing already picked, in report order, and only in files
/// that are on disk with the text the finding was computed from (not a file inside a packaged
/// chart, not one decoded lossily).
fn select<'a>(candidates: &[&'a Diagnostic]) -> Vec<&'a Diagnostic> {
    let mut taken: BTreeMap<&Path, Vec<Span>> = BTreeMap::new();
    let mut usable: BTreeMap<&Path, bool> = BTreeMap::new();
    let mut seen: HashSet<(PathBuf, Span, String)> = HashSet::new();
    let mut out = Vec::new();
    'next: for d in candidates {
        let fix = d.fix.as_ref().expect("candidates have fixes");
        if fix.edits.is_empty() || !fix.changes_anything() {
            continue;
        }
        for e in &fix.edits {
            let ok = *usable
                .entry(e.file.path.as_path())
                .or_insert_with(|| on_disk_as_read(&e.file));
            if !ok || e.span.end as usize > e.file.text.len() {
                continue 'next;
            }
            if !e.file.text.is_char_boundary(e.span.start as usize)
                || !e.file.text.is_char_boundary(e.span.end as usize)
            {
                continue 'next;
            }
        }
        // The same edit reported twice (a value read by two rules) is applied once.
        if fix
            .edits
            .iter()
            .all(|e| seen.contains(&(e.file.path.clone(), e.span, e.replacement.clone())))
        {
            out.push(*d);
            continue;
        }
        for e in &fix.edits {
            if taken
                .get(e.file.path.as_path())
                .is_some_and(|spans| spans.iter().any(|s| edit::overlaps(*s, e.span)))
            {
                continue 'next;
            }
        }
        for e in &fix.edits {
            taken.entry(e.file.path.as_path()).or_default().push(e.span);
            seen.insert((e.file.path.clone(), e.span, e.replacement.clone()));
        }
        out.push(*d);
    }
    out
}

/// Whether the file is a regular file whose current content (overlay or disk) is the text the
/// findings were computed from.
fn on_disk_as_read(file: &File) -> bool {
    if !std::fs::metadata(&file.path).is_ok_and(|m| m.is_file())
        && crate::overlay::get(&file.path).is_none()
    {
        return false;
    }
    crate::chart::load::read_limited(&file.path).is_ok_and(|b| b == file.text.as_bytes())
}

/// Writes each fixed file; returns the first failure as a one-line reason.
pub fn write(files: &BTreeMap<PathBuf, (String, String)>) -> Result<(), String> {
    for (path, (_, fixed)) in files {
        std::fs::write(path, fixed)
            .map_err(|e| format!("cannot write the fixed {}: {e}", path.display()))?;
    }
    Ok(())
}
