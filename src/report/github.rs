//! GitHub Actions workflow commands: one `::error`, `::warning` or `::notice` line per
//! finding, which GitHub shows as annotations on the pull request.
//!
//! GitHub shows at most 10 annotations of each level per step and drops the rest silently;
//! every finding is still printed (the raw log keeps them), followed by a notice that says
//! how many there were and points at SARIF.

use super::{Counts, Region, plural};
use crate::diagnostic::{Diagnostic, Severity};
use std::io::{self, Write};

/// Annotations GitHub shows per level and step.
const SHOWN_PER_LEVEL: usize = 10;

pub fn render(diags: &[Diagnostic], out: &mut dyn Write) -> io::Result<()> {
    for d in diags {
        writeln!(out, "{}", command(d))?;
    }
    let c = Counts::of(diags);
    if c.errors > SHOWN_PER_LEVEL || c.warnings > SHOWN_PER_LEVEL || c.info > SHOWN_PER_LEVEL {
        let text = format!(
            "plimsoll found {}, {} and {}; GitHub shows only the first {SHOWN_PER_LEVEL} annotations \
             of each level per step. Every finding is listed in this log; upload \
             `--format sarif` output with github/codeql-action/upload-sarif to see them all in code scanning.",
            plural(c.errors, "error", "errors"),
            plural(c.warnings, "warning", "warnings"),
            plural(c.info, "notice", "notices"),
        );
        writeln!(out, "::notice::{}", escape_data(&text))?;
    }
    Ok(())
}

fn command(d: &Diagnostic) -> String {
    let level = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    let path = d.path();
    let mut props = vec![format!("file={}", escape_property(&path))];
    let shown_at = match d.span {
        Some(span) => {
            let r = Region::of(&d.file, span);
            props.push(format!("line={}", r.start.line));
            if r.is_multiline() {
                props.push(format!("endLine={}", r.end.line));
            } else {
                props.push(format!("col={}", r.start.col));
                props.push(format!("endLine={}", r.end.line));
                props.push(format!("endColumn={}", r.end.col));
            }
            format!("{path}:{}:{}", r.start.line, r.start.col)
        }
        None => path.clone(),
    };
    props.push(format!("title={}", escape_property(d.rule.name)));
    format!(
        "::{level} {}::{}",
        props.join(","),
        escape_data(&match d.help.as_deref().map(str::trim) {
            Some(help) if !help.is_empty() => format!("{shown_at}: {}\nhelp: {help}", d.message),
            _ => format!("{shown_at}: {}", d.message),
        })
    )
}

/// The message part: `%`, `\r` and `\n` are percent-encoded (actions/toolkit `escapeData`);
/// other control characters, which the log viewer would interpret, are written as visible
/// escapes.
pub(crate) fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c if super::visible::is_unsafe(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// A property value: as [`escape_data`], plus `:` and `,` (actions/toolkit `escapeProperty`).
pub(crate) fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_toolkit() {
        assert_eq!(escape_data("50%\r\nx:y,z"), "50%25%0D%0Ax:y,z");
        assert_eq!(escape_property("a%b:c,d\n"), "a%25b%3Ac%2Cd%0A");
        assert_eq!(escape_data("a\u{1b}]0;x\u{7}"), "a\\u{1b}]0;x\\u{7}");
    }
}
