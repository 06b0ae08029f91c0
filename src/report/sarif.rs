//! SARIF 2.1.0 for GitHub code scanning (`github/codeql-action/upload-sarif`).
//!
//! - One run; `tool.driver.rules` lists the rules that appear in the results (sorted by
//!   name), so the document stays small and `ruleIndex` points into that list. `plimsoll
//!   rules` lists every rule.
//! - URIs are relative to the working directory, with forward slashes and
//!   `uriBaseId: "%SRCROOT%"`; a file outside the working directory gets a `file://` URI.
//! - Columns are 1-based Unicode code points (`columnKind: "unicodeCodePoints"`), end exclusive.
//! - A finding about a whole file has the region `{ "startLine": 1 }`.
//! - `partialFingerprints.primaryLocationLineHash` is a stable hash of the rule, the path
//!   and the trimmed text of the primary line, followed by `:n` for the n-th such finding,
//!   so alerts survive unrelated edits that move lines.

use super::{Region, TOOL_VERSION, what_it_does};
use crate::diagnostic::{Diagnostic, RuleMeta, Severity};
use crate::source::{SourceFile, Span};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Where users learn about plimsoll: the crate's repository, else its crates.io page.
pub fn information_uri() -> &'static str {
    match env!("CARGO_PKG_REPOSITORY") {
        "" => "https://crates.io/crates/plimsoll",
        repo => repo,
    }
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

pub fn render(diags: &[Diagnostic], out: &mut dyn Write) -> io::Result<()> {
    let doc = document(diags);
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

fn document(diags: &[Diagnostic]) -> Value {
    let mut metas: BTreeMap<&'static str, &'static RuleMeta> = BTreeMap::new();
    for d in diags {
        metas.entry(d.rule.name).or_insert(d.rule);
    }
    let index: HashMap<&str, usize> = metas.keys().enumerate().map(|(i, k)| (*k, i)).collect();
    let rules: Vec<Value> = metas.values().map(|m| rule(m)).collect();

    let mut seen: HashMap<u64, usize> = HashMap::new();
    let results: Vec<Value> = diags
        .iter()
        .map(|d| {
            let hash = line_hash(d);
            let n = seen.entry(hash).or_insert(0);
            *n += 1;
            let mut result = json!({
                "ruleId": d.rule.name,
                "ruleIndex": index.get(d.rule.name).copied().unwrap_or(0),
                "level": level(d.severity),
                "message": { "text": message_text(&d.message) },
                "locations": [{ "physicalLocation": physical(&d.file, d.span) }],
                "partialFingerprints": {
                    "primaryLocationLineHash": format!("{hash:016x}:{n}")
                }
            });
            if !d.labels.is_empty() {
                result["relatedLocations"] = d
                    .labels
                    .iter()
                    .enumerate()
                    .map(|(i, l)| {
                        json!({
                            "id": i + 1,
                            "physicalLocation": physical(&l.file, Some(l.span)),
                            "message": { "text": message_text(&l.message) }
                        })
                    })
                    .collect();
            }
            result
        })
        .collect();

    json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "plimsoll",
                "version": TOOL_VERSION,
                "semanticVersion": TOOL_VERSION,
                "informationUri": information_uri(),
                "rules": rules
            }},
            "columnKind": "unicodeCodePoints",
            "results": results
        }]
    })
}

/// SARIF forbids empty message text.
fn message_text(s: &str) -> &str {
    if s.trim().is_empty() {
        "(no message)"
    } else {
        s
    }
}

fn rule(m: &RuleMeta) -> Value {
    let summary = message_text(m.summary);
    let doc = if m.doc.trim().is_empty() {
        summary
    } else {
        m.doc
    };
    json!({
        "id": m.name,
        "shortDescription": { "text": summary },
        "fullDescription": { "text": what_it_does(m.doc, summary) },
        "help": { "text": doc, "markdown": doc },
        "defaultConfiguration": { "level": level(m.severity) },
        "properties": { "tags": [m.domain()] }
    })
}

fn physical(file: &SourceFile, span: Option<Span>) -> Value {
    let region = match span {
        Some(span) => {
            let r = Region::of(file, span);
            json!({
                "startLine": r.start.line,
                "startColumn": r.start.col,
                "endLine": r.end.line,
                "endColumn": r.end.col
            })
        }
        None => json!({ "startLine": 1 }),
    };
    json!({ "artifactLocation": artifact(file), "region": region })
}

fn artifact(file: &SourceFile) -> Value {
    let shown = file.display_path();
    if shown.starts_with('/') {
        json!({ "uri": format!("file://{}", percent_encode(&shown)) })
    } else if shown.len() > 2 && shown.as_bytes()[1] == b':' && shown.as_bytes()[2] == b'/' {
        // A Windows path outside the working directory: `C:/x` → `file:///C:/x`.
        json!({ "uri": format!("file:///{}", percent_encode(&shown)) })
    } else {
        json!({ "uri": percent_encode(&shown), "uriBaseId": "%SRCROOT%" })
    }
}

/// Percent-encodes everything but unreserved characters, `/` and a drive letter's `:`.
fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for (i, b) in path.bytes().enumerate() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/')
            || (b == b':' && i == 1);
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// FNV-1a over the rule, the path and the primary line's trimmed text: stable across runs,
/// platforms and Rust versions.
fn line_hash(d: &Diagnostic) -> u64 {
    let line = match d.span {
        Some(span) => {
            let at = d.file.line_col(span.start as usize);
            d.file.line_text(at.line - 1).trim()
        }
        None => "",
    };
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [d.rule.name, &d.path(), line] {
        for b in part.bytes().chain([0u8]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded_relative_paths() {
        assert_eq!(
            percent_encode("charts/my chart/a#b.yaml"),
            "charts/my%20chart/a%23b.yaml"
        );
        assert_eq!(percent_encode("C:/x/é"), "C:/x/%C3%A9");
        let f = SourceFile::new("charts/web/values.yaml", String::new());
        assert_eq!(artifact(&f)["uriBaseId"], "%SRCROOT%");
        let f = SourceFile::new("/elsewhere/values.yaml", String::new());
        assert_eq!(artifact(&f)["uri"], "file:///elsewhere/values.yaml");
    }
}
