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
use serde::Serialize;
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

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool {
    driver: Value,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Message<'a>,
    locations: [Location<'a>; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location<'a>>,
    partial_fingerprints: Fingerprints,
    /// The finding's edit, when the rule knows it (`plimsoll lint --fix` applies the same).
    #[serde(skip_serializing_if = "Option::is_none")]
    fixes: Option<Value>,
}

#[derive(Serialize)]
struct Message<'a> {
    text: std::borrow::Cow<'a, str>,
}

/// The message, with the fix hint after it when there is one (SARIF `fixes` need an exact
/// edit; a hint in words goes where every viewer shows it).
fn with_help(d: &Diagnostic) -> std::borrow::Cow<'_, str> {
    match d.help.as_deref().map(str::trim) {
        Some(help) if !help.is_empty() => {
            format!("{}\nhelp: {help}", message_text(&d.message)).into()
        }
        _ => message_text(&d.message).into(),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: Physical,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Message<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Physical {
    artifact_location: Artifact,
    region: SarifRegion,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Artifact {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRegion {
    start_line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<usize>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Fingerprints {
    primary_location_line_hash: String,
}

fn document(diags: &[Diagnostic]) -> Log<'_> {
    let mut metas: BTreeMap<&'static str, &'static RuleMeta> = BTreeMap::new();
    for d in diags {
        metas.entry(d.rule.name).or_insert(d.rule);
    }
    let index: HashMap<&str, usize> = metas.keys().enumerate().map(|(i, k)| (*k, i)).collect();
    let rules: Vec<Value> = metas.values().map(|m| rule(m)).collect();

    let mut seen: HashMap<u64, usize> = HashMap::new();
    let results = diags
        .iter()
        .map(|d| {
            let hash = line_hash(d);
            let n = seen.entry(hash).or_insert(0);
            *n += 1;
            SarifResult {
                rule_id: d.rule.name,
                rule_index: index.get(d.rule.name).copied().unwrap_or(0),
                level: level(d.severity),
                message: Message { text: with_help(d) },
                locations: [Location {
                    id: None,
                    physical_location: physical(&d.file, d.span),
                    message: None,
                }],
                related_locations: d
                    .labels
                    .iter()
                    .enumerate()
                    .map(|(i, l)| Location {
                        id: Some(i + 1),
                        physical_location: physical(&l.file, Some(l.span)),
                        message: Some(Message {
                            text: message_text(&l.message).into(),
                        }),
                    })
                    .collect(),
                partial_fingerprints: Fingerprints {
                    primary_location_line_hash: format!("{hash:016x}:{n}"),
                },
                fixes: d.fix.as_ref().filter(|f| f.changes_anything()).map(|f| {
                    crate::fix::sarif::fixes(f, &|file| {
                        serde_json::to_value(artifact(file)).unwrap_or(Value::Null)
                    })
                }),
            }
        })
        .collect();

    Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: json!({
                    "name": "plimsoll",
                    "version": TOOL_VERSION,
                    "semanticVersion": TOOL_VERSION,
                    "informationUri": information_uri(),
                    "rules": rules
                }),
            },
            column_kind: "unicodeCodePoints",
            results,
        }],
    }
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
    let mut rule = json!({
        "id": m.name,
        "shortDescription": { "text": summary },
        "fullDescription": { "text": what_it_does(m.doc, summary) },
        "help": { "text": doc, "markdown": doc },
        "defaultConfiguration": { "level": level(m.severity) },
        "properties": { "tags": [m.domain()] }
    });
    if let Some(uri) = super::doc_uri(m.name) {
        rule["helpUri"] = Value::String(uri);
    }
    rule
}

fn physical(file: &SourceFile, span: Option<Span>) -> Physical {
    let region = match span {
        Some(span) => {
            let r = Region::of(file, span);
            SarifRegion {
                start_line: r.start.line,
                start_column: Some(r.start.col),
                end_line: Some(r.end.line),
                end_column: Some(r.end.col),
            }
        }
        None => SarifRegion {
            start_line: 1,
            start_column: None,
            end_line: None,
            end_column: None,
        },
    };
    Physical {
        artifact_location: artifact(file),
        region,
    }
}

fn artifact(file: &SourceFile) -> Artifact {
    let shown = file.display_path();
    let bytes = shown.as_bytes();
    if shown.starts_with('/') {
        Artifact {
            uri: format!("file://{}", percent_encode(&shown)),
            uri_base_id: None,
        }
    } else if bytes.len() > 2 && bytes[1] == b':' && bytes[2] == b'/' {
        // A Windows path outside the working directory: `C:/x` → `file:///C:/x`.
        Artifact {
            uri: format!("file:///{}", percent_encode(&shown)),
            uri_base_id: None,
        }
    } else {
        Artifact {
            uri: percent_encode(&shown),
            uri_base_id: Some("%SRCROOT%"),
        }
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
pub(crate) fn line_hash(d: &Diagnostic) -> u64 {
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
        assert_eq!(artifact(&f).uri_base_id, Some("%SRCROOT%"));
        let f = SourceFile::new("/elsewhere/values.yaml", String::new());
        assert_eq!(artifact(&f).uri, "file:///elsewhere/values.yaml");
    }
}
