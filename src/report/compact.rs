//! `path:line:col: severity: message [rule]`, one finding per line, for editors and problem
//! matchers (`plimsoll-matcher.json`).

use crate::diagnostic::Diagnostic;
use std::io::{self, Write};

pub fn render(diags: &[Diagnostic], out: &mut dyn Write) -> io::Result<()> {
    for d in diags {
        let at = d.start();
        writeln!(
            out,
            "{}:{}:{}: {}: {} [{}]",
            one_line(&d.path()),
            at.line,
            at.col,
            d.severity,
            one_line(&d.message),
            d.rule.name
        )?;
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
