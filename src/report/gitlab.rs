//! GitLab Code Quality report (`artifacts:reports:codequality`): a JSON array of issues, each
//! with `description`, `check_name`, `fingerprint`, `severity` and `location.path` +
//! `location.lines.begin`, the fields GitLab requires.
//!
//! - Severity: error → `major`, warning → `minor`, info → `info`.
//! - The fingerprint is the SARIF line hash (rule, path, trimmed text of the line) followed by
//!   the occurrence number, so it is unique within a report and survives edits that only move
//!   lines (GitLab compares fingerprints between the branch and its target).
//! - Paths are relative to the working directory: run plimsoll from the repository root.

use crate::diagnostic::{Diagnostic, Severity};
use serde_json::json;
use std::collections::HashMap;
use std::io::{self, Write};

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

pub fn render(diags: &[Diagnostic], out: &mut dyn Write) -> io::Result<()> {
    let mut seen: HashMap<u64, usize> = HashMap::new();
    let issues: Vec<serde_json::Value> = diags
        .iter()
        .map(|d| {
            let hash = super::sarif::line_hash(d);
            let n = seen.entry(hash).or_insert(0);
            *n += 1;
            let description = match d.help.as_deref().map(str::trim) {
                Some(help) if !help.is_empty() => format!("{} help: {help}", d.message),
                _ => d.message.clone(),
            };
            let at = d.start();
            let end = match d.span {
                Some(span) => super::Region::of(&d.file, span).end.line,
                None => at.line,
            };
            json!({
                "type": "issue",
                "engine_name": "plimsoll",
                "check_name": d.rule.name,
                "description": description,
                "categories": ["Bug Risk"],
                "severity": severity(d.severity),
                "fingerprint": format!("{hash:016x}{n:016x}"),
                "location": {
                    "path": d.path(),
                    "lines": { "begin": at.line, "end": end.max(at.line) }
                }
            })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}
