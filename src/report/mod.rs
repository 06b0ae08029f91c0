//! Output formats. Rendering happens once, on one thread, over sorted findings.
//!
//! Every format reads the same plain [`Diagnostic`]s; positions come from each file's line
//! index through [`Region`], so all formats agree on lines and columns.

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{LineCol, SourceFile, Span};
use std::io::{self, Write};

mod compact;
mod github;
mod gitlab;
mod human;
mod json;
mod junit;
mod sarif;
mod visible;

pub use human::IndexedSource;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Rich diagnostics with source snippets (plain when not a terminal or NO_COLOR is set).
    Human,
    /// One line per finding: `path:line:col: severity: message [rule]`.
    Compact,
    /// GitHub Actions workflow commands (`::error file=…`).
    Github,
    /// plimsoll's own JSON (schemas/output.schema.json).
    Json,
    /// SARIF 2.1.0 for GitHub code scanning.
    Sarif,
    /// JUnit XML: one test suite per file, one test case per finding.
    Junit,
    /// GitLab Code Quality report (`artifacts:reports:codequality`).
    Gitlab,
}

#[derive(Clone, Debug, Default)]
pub struct ReportOptions {
    /// Use colour and unicode art (human format only).
    pub color: bool,
    /// What the run checked: the human summary counts it and JUnit lists the files that
    /// passed. `None` when only findings are known.
    pub checked: Option<Checked>,
    /// Human format: findings only, no summary line.
    pub quiet: bool,
    /// Human format: counts per rule before the summary.
    pub statistics: bool,
}

/// What a run looked at, for summaries and for reports that list what passed.
#[derive(Clone, Debug, Default)]
pub struct Checked {
    /// Charts linted (folders and packaged charts).
    pub charts: usize,
    /// Files read and checked, as shown in findings (sorted, each once).
    pub files: Vec<String>,
    /// Paths given that held nothing to lint.
    pub empty: Vec<String>,
    /// With `--changed-since REF`: how many charts and manifest sets were left out, and REF.
    pub unchanged: Option<(usize, String)>,
}

/// The closing line of a run: what was checked and what was found, e.g.
/// `2 charts, 41 files checked: 3 errors, 1 warning, 0 info in 2 files` or
/// `1 chart, 12 files checked: no findings`.
pub fn summary(diags: &[Diagnostic], checked: Option<&Checked>) -> String {
    let c = Counts::of(diags);
    let found = if diags.is_empty() {
        "no findings".to_string()
    } else {
        format!(
            "{}, {}, {} info in {}",
            plural(c.errors, "error", "errors"),
            plural(c.warnings, "warning", "warnings"),
            c.info,
            plural(c.files, "file", "files"),
        )
    };
    let Some(checked) = checked else {
        return found;
    };
    let mut line = format!(
        "{}, {} checked: {found}",
        plural(checked.charts, "chart", "charts"),
        plural(checked.files.len(), "file", "files"),
    );
    if let Some((n, reference)) = checked.unchanged.as_ref().filter(|(n, _)| *n > 0) {
        line.push_str(&format!(
            "; {} unchanged since {} not linted",
            plural(*n, "chart or manifest set", "charts or manifest sets"),
            visible::escaped(reference)
        ));
    }
    for p in &checked.empty {
        line.push_str(&format!(
            "\nnothing to lint in {}: no chart, packaged chart or YAML manifest",
            visible::escaped(p)
        ));
    }
    line
}

/// Findings per rule, most frequent first: `  12  warning  values/string-bool  summary`.
pub fn statistics(diags: &[Diagnostic]) -> String {
    let mut per_rule: std::collections::BTreeMap<&str, (usize, Severity, &str)> =
        std::collections::BTreeMap::new();
    for d in diags {
        let e = per_rule
            .entry(d.rule.name)
            .or_insert((0, d.severity, d.rule.summary));
        e.0 += 1;
        e.1 = e.1.max(d.severity);
    }
    let mut rows: Vec<_> = per_rule.into_iter().collect();
    rows.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(b.0)));
    let width = rows.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    let mut out = String::new();
    for (name, (n, sev, summary)) in rows {
        out.push_str(&format!(
            "{n:>6}  {:<7}  {name:<width$}  {summary}\n",
            sev.as_str()
        ));
    }
    out
}

pub fn render(
    format: Format,
    diags: &[Diagnostic],
    out: &mut dyn Write,
    opts: &ReportOptions,
) -> io::Result<()> {
    match format {
        Format::Human => human::render(diags, out, opts),
        Format::Compact => compact::render(diags, out),
        Format::Github => github::render(diags, out),
        Format::Json => json::render(diags, out),
        Format::Sarif => sarif::render(diags, out),
        Format::Junit => junit::render(diags, out, opts.checked.as_ref()),
        Format::Gitlab => gitlab::render(diags, out),
    }
}

/// The version of plimsoll that produced a report.
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Where a rule's documentation page lives in the repository: `docs/rules/<domain>/<name>.md`
/// (generated from the rule's own documentation; `tests/rule_docs.rs` keeps them in sync).
pub fn doc_path(rule: &str) -> String {
    format!("docs/rules/{rule}.md")
}

/// The documentation page as an absolute URI, for SARIF `helpUri`: in the repository named by
/// Cargo.toml's `repository`, at this version's tag; without one, in the published package's
/// source on docs.rs. `None` for rules plimsoll does not document (user rule packs).
pub fn doc_uri(rule: &str) -> Option<String> {
    crate::rules::find(rule)?;
    Some(match env!("CARGO_PKG_REPOSITORY").trim_end_matches('/') {
        "" => format!(
            "https://docs.rs/crate/plimsoll/{TOOL_VERSION}/source/{}",
            doc_path(rule)
        ),
        repo => format!("{repo}/blob/v{TOOL_VERSION}/{}", doc_path(rule)),
    })
}

/// A rule's documentation page: its name, summary and default severity, then its doc.
pub fn doc_page(m: &crate::diagnostic::RuleMeta) -> String {
    format!(
        "# {}\n\n{} (default severity: {})\n\n{}\n",
        m.name,
        m.summary,
        m.severity,
        m.doc.trim_end()
    )
}

/// Every rule as JSON for `plimsoll rules --format json`.
pub fn rules_json() -> serde_json::Value {
    serde_json::Value::Array(
        crate::rules::all_meta()
            .into_iter()
            .map(|m| {
                serde_json::json!({
                    "name": m.name,
                    "domain": m.domain(),
                    "severity": m.severity.as_str(),
                    "summary": m.summary,
                    "doc": m.doc,
                    "docPath": doc_path(m.name),
                })
            })
            .collect(),
    )
}

/// A span as lines and columns (1-based, columns in Unicode scalar values), with the end
/// exclusive. A span that ends right after a line break ends at the end of that line instead
/// of column 1 of the next line, so it never claims a line it does not touch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Region {
    pub start: LineCol,
    pub end: LineCol,
}

impl Region {
    pub fn of(file: &SourceFile, span: Span) -> Region {
        let span = clamp(file, span);
        let start = file.line_col(span.start as usize);
        let mut end = file.line_col(span.end as usize);
        if !span.is_empty() && end.col == 1 && end.line > start.line {
            let line = end.line - 1;
            end = LineCol {
                line,
                col: file.line_text(line - 1).chars().count() + 1,
            };
        }
        Region { start, end }
    }

    pub fn is_multiline(&self) -> bool {
        self.start.line != self.end.line
    }
}

/// The span kept inside the file's text and on character boundaries.
pub(crate) fn clamp(file: &SourceFile, span: Span) -> Span {
    let text = &file.text;
    let mut start = (span.start as usize).min(text.len());
    while start > 0 && !text.is_char_boundary(start) {
        start -= 1;
    }
    if span.is_empty() {
        return Span::empty(start);
    }
    let mut end = (span.end as usize).clamp(start, text.len());
    while end < text.len() && !text.is_char_boundary(end) {
        end += 1;
    }
    Span::new(start, end)
}

/// Finding counts by severity, and the number of distinct files with findings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub info: usize,
    pub files: usize,
}

impl Counts {
    pub fn of(diags: &[Diagnostic]) -> Counts {
        let mut c = Counts::default();
        let mut files = std::collections::BTreeSet::new();
        for d in diags {
            match d.severity {
                Severity::Error => c.errors += 1,
                Severity::Warning => c.warnings += 1,
                Severity::Info => c.info += 1,
            }
            files.insert(d.file.path.as_path());
        }
        c.files = files.len();
        c
    }
}

/// `n thing` or `n things`.
pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A rule doc's `## What it does` section as one line; falls back
/// to `fallback` when the section is missing or empty.
pub(crate) fn what_it_does(doc: &str, fallback: &str) -> String {
    let mut lines = doc.lines().skip_while(|l| l.trim() != "## What it does");
    lines.next();
    let text = lines
        .take_while(|l| !l.starts_with("## "))
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let text = text.trim();
    if text.is_empty() {
        fallback.to_string()
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_ends_on_the_last_touched_line() {
        let f = SourceFile::new("a.yaml", "ab: 1\ncd: 2\n".to_string());
        let r = Region::of(&f, Span::new(0, 6));
        assert_eq!(r.start, LineCol { line: 1, col: 1 });
        assert_eq!(r.end, LineCol { line: 1, col: 6 });
        assert!(!r.is_multiline());
        let r = Region::of(&f, Span::new(4, 8));
        assert_eq!(r.end, LineCol { line: 2, col: 3 });
        assert!(r.is_multiline());
    }

    #[test]
    fn clamp_keeps_spans_inside_text_and_on_char_boundaries() {
        let f = SourceFile::new("a.yaml", "é: 1".to_string());
        assert_eq!(clamp(&f, Span::new(1, 1)), Span::new(0, 0));
        assert_eq!(clamp(&f, Span::new(0, 1)), Span::new(0, 2));
        assert_eq!(clamp(&f, Span::new(50, 90)), Span::new(5, 5));
    }

    #[test]
    fn what_it_does_takes_the_section_text() {
        let doc = "## What it does\nFinds things\nacross lines.\n\n## Why it matters\nx";
        assert_eq!(what_it_does(doc, "f"), "Finds things across lines.");
        assert_eq!(what_it_does("no sections", "f"), "f");
    }
}
