//! `path:line:col: severity: message [rule]`, one finding per line, for editors and problem
//! matchers (`plimsoll-matcher.json`). A fix hint follows as ` help: text` after the rule
//! name, where the matcher's pattern ignores it.

use crate::diagnostic::Diagnostic;
use std::io::{self, Write};

pub fn render(diags: &[Diagnostic], out: &mut dyn Write) -> io::Result<()> {
    for d in diags {
        let at = d.start();
        write!(
            out,
            "{}:{}:{}: {}: {} [{}]",
            one_line(&d.path()),
            at.line,
            at.col,
            d.severity,
            one_line(&d.message),
            d.rule.name
        )?;
        match d.help.as_deref().map(str::trim) {
            Some(help) if !help.is_empty() => writeln!(out, " help: {}", one_line(help))?,
            _ => writeln!(out)?,
        }
    }
    Ok(())
}

/// Line breaks and tabs become single spaces; other control characters and bidirectional
/// overrides are written as visible escapes.
pub(crate) fn one_line(s: &str) -> String {
    let s = s.replace("\r\n", " ");
    let s: String = s
        .chars()
        .map(|c| {
            if matches!(c, '\n' | '\r' | '\t') {
                ' '
            } else {
                c
            }
        })
        .collect();
    super::visible::escaped(&s).into_owned()
}
