//! `path:line:col: severity: message [rule]`, one finding per line, for editors.

use crate::diagnostic::Diagnostic;
use std::io::{self, Write};

pub fn render(diags: &[Diagnostic], out: &mut dyn Write) -> io::Result<()> {
    for d in diags {
        let at = d.start();
        let message = d.message.replace(['\n', '\r'], " ");
        writeln!(
            out,
            "{}:{}:{}: {}: {} [{}]",
            d.path(),
            at.line,
            at.col,
            d.severity,
            message,
            d.rule.name
        )?;
    }
    Ok(())
}
