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

/// Line breaks (and other control characters) become single spaces.
pub(crate) fn one_line(s: &str) -> String {
    let s = s.replace("\r\n", " ");
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}
