//! JUnit XML for CI test reports (GitLab `artifacts:reports:junit`, Jenkins, Azure).
//!
//! One `<testsuite>` per file (sorted by path), one `<testcase name="RULE" classname="PATH">`
//! per finding, with an `<error>` child for errors and a `<failure>` child for warnings and
//! info. A clean run is a valid document with `tests="0"`.

use super::Counts;
use crate::diagnostic::{Diagnostic, Severity};
use std::collections::BTreeMap;
use std::io::{self, Write};

pub fn render(diags: &[Diagnostic], out: &mut dyn Write) -> io::Result<()> {
    let mut files: BTreeMap<String, Vec<&Diagnostic>> = BTreeMap::new();
    for d in diags {
        files.entry(d.path()).or_default().push(d);
    }
    let total = Counts::of(diags);
    let failures = total.warnings + total.info;
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="plimsoll" tests="{}" failures="{failures}" errors="{}">"#,
        diags.len(),
        total.errors
    )?;
    for (path, findings) in &files {
        let errors = findings
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        writeln!(
            out,
            r#"  <testsuite name="{}" tests="{}" failures="{}" errors="{errors}">"#,
            escape(path),
            findings.len(),
            findings.len() - errors,
        )?;
        for d in findings {
            let at = d.start();
            let element = if d.severity == Severity::Error {
                "error"
            } else {
                "failure"
            };
            writeln!(
                out,
                r#"    <testcase name="{}" classname="{}">"#,
                escape(d.rule.name),
                escape(path)
            )?;
            writeln!(
                out,
                r#"      <{element} message="{}" type="{}">line {}, column {}: {}</{element}>"#,
                escape(&d.message),
                d.severity,
                at.line,
                at.col,
                escape_text(&d.message),
            )?;
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
