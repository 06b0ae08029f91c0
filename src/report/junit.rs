//! JUnit XML for CI test reports (GitLab `artifacts:reports:junit`, Jenkins, Azure).
//!
//! One `<testsuite>` per file (sorted by path), one `<testcase name="RULE at LINE:COL"
//! classname="PATH">` per finding (names are distinct within a suite), with an `<error>` child
//! for errors and a `<failure>` child for warnings; the text carries the position, the message
//! and the fix hint. An `info` finding is a passing testcase whose `<system-out>` holds the
//! message: it never fails a test report. When the run says what it checked, every checked
//! file without findings is a suite with one passing testcase, so a clean run lists what
//! passed.

use super::Checked;
use crate::diagnostic::{Diagnostic, Severity};
use std::collections::{BTreeMap, HashSet};
use std::io::{self, Write};

pub fn render(
    diags: &[Diagnostic],
    out: &mut dyn Write,
    checked: Option<&Checked>,
) -> io::Result<()> {
    let mut files: BTreeMap<String, Vec<&Diagnostic>> = BTreeMap::new();
    for d in diags {
        files.entry(d.path()).or_default().push(d);
    }
    if let Some(checked) = checked {
        for f in &checked.files {
            files.entry(f.clone()).or_default();
        }
    }
    let count = |sev: Severity| diags.iter().filter(|d| d.severity == sev).count();
    let clean_files = files.values().filter(|f| f.is_empty()).count();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="plimsoll" tests="{}" failures="{}" errors="{}">"#,
        diags.len() + clean_files,
        count(Severity::Warning),
        count(Severity::Error)
    )?;
    for (path, findings) in &files {
        let errors = findings
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let failures = findings
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count();
        writeln!(
            out,
            r#"  <testsuite name="{}" tests="{}" failures="{failures}" errors="{errors}">"#,
            escape(path),
            findings.len().max(1),
        )?;
        if findings.is_empty() {
            writeln!(
                out,
                r#"    <testcase name="plimsoll" classname="{}"/>"#,
                escape(path)
            )?;
        }
        let mut names = HashSet::new();
        for d in findings {
            let at = d.start();
            let base = format!("{} at {}:{}", d.rule.name, at.line, at.col);
            let mut name = base.clone();
            let mut n = 1;
            while !names.insert(name.clone()) {
                n += 1;
                name = format!("{base} ({n})");
            }
            writeln!(
                out,
                r#"    <testcase name="{}" classname="{}">"#,
                escape(&name),
                escape(path)
            )?;
            let mut text = format!("line {}, column {}: {}", at.line, at.col, d.message);
            if let Some(help) = d.help.as_deref().map(str::trim).filter(|h| !h.is_empty()) {
                text.push_str("\nhelp: ");
                text.push_str(help);
            }
            match d.severity {
                Severity::Info => writeln!(
                    out,
                    "      <system-out>info: {}</system-out>",
                    escape_text(&text)
                )?,
                sev => {
                    let element = if sev == Severity::Error {
                        "error"
                    } else {
                        "failure"
                    };
                    writeln!(
                        out,
                        r#"      <{element} message="{}" type="{sev}">{}</{element}>"#,
                        escape(&d.message),
                        escape_text(&text),
                    )?;
                }
            }
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

/// Whether XML 1.0 allows the character at all (`Char` production).
fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// For attribute values: markup characters escaped, line breaks and tabs as character
/// references so parsers keep them, characters XML 1.0 cannot carry removed.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().filter(|&c| allowed(c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if super::visible::is_unsafe(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// For element text: as [`escape`], but line breaks and tabs stay literal.
fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().filter(|&c| allowed(c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            c if super::visible::is_unsafe(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_invalid_characters() {
        assert_eq!(
            escape("a<b>&\"c\"'\u{1}\u{FFFE}\n"),
            "a&lt;b&gt;&amp;&quot;c&quot;&apos;&#10;"
        );
        assert_eq!(escape_text("x\ny\u{0}<"), "x\ny&lt;");
        assert_eq!(escape_text("a\u{202e}b\u{9b}"), "a\\u{202e}b\\u{9b}");
    }
}
