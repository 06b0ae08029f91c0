//! plimsoll's own JSON report, described by `schemas/output.schema.json`.
//!
//! ```json
//! { "version": 1, "tool": {"name": "plimsoll", "version": "0.1.0"},
//!   "diagnostics": [{ "rule", "severity", "message", "path", "span": {"start", "end"},
//!                     "start": {"line", "column"}, "end": {"line", "column"}, "label",
//!                     "labels": [{ "path", "span", "start", "end", "message" }],
//!                     "help", "docs" }],
//!   "summary": { "errors", "warnings", "info", "files" } }
//! ```
//! Spans are byte offsets (end exclusive) into the file; lines and columns are 1-based and
//! columns count Unicode scalar values. A finding about a whole file has `span`, `start` and
//! `end` set to null.

use super::{Counts, Region, TOOL_VERSION, clamp};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{SourceFile, Span};
use serde::Serialize;
use std::io::{self, Write};

/// Version of this JSON layout; raised when a field changes meaning or disappears.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    tool: Tool,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    rule: &'static str,
    severity: Severity,
    message: &'a str,
    path: String,
    span: Option<JsonSpan>,
    start: Option<Position>,
    end: Option<Position>,
    label: Option<&'a str>,
    labels: Vec<JsonLabel<'a>>,
    help: Option<&'a str>,
    /// How to read the rule's documentation.
    docs: String,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    path: String,
    span: JsonSpan,
    start: Position,
    end: Position,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonSpan {
    start: u32,
    end: u32,
}

#[derive(Serialize)]
struct Position {
    line: usize,
    column: usize,
}

#[derive(Serialize)]
struct Summary {
    errors: usize,
    warnings: usize,
    info: usize,
    files: usize,
}

fn located(file: &SourceFile, span: Span) -> (JsonSpan, Position, Position) {
    let clamped = clamp(file, span);
    let r = Region::of(file, clamped);
    (
        JsonSpan {
            start: clamped.start,
            end: clamped.end,
        },
        Position {
            line: r.start.line,
            column: r.start.col,
        },
        Position {
            line: r.end.line,
            column: r.end.col,
        },
    )
}

pub fn render(diags: &[Diagnostic], out: &mut dyn Write) -> io::Result<()> {
    let diagnostics = diags
        .iter()
        .map(|d| {
            let (span, start, end) = match d.span {
                Some(s) => {
                    let (span, start, end) = located(&d.file, s);
                    (Some(span), Some(start), Some(end))
                }
                None => (None, None, None),
            };
            JsonDiagnostic {
                rule: d.rule.name,
                severity: d.severity,
                message: &d.message,
                path: d.path(),
                span,
                start,
                end,
                label: d.label.as_deref(),
                labels: d
                    .labels
                    .iter()
                    .map(|l| {
                        let (span, start, end) = located(&l.file, l.span);
                        JsonLabel {
                            path: l.file.display_path(),
                            span,
                            start,
                            end,
                            message: &l.message,
                        }
                    })
                    .collect(),
                help: d.help.as_deref(),
                docs: format!("plimsoll explain {}", d.rule.name),
            }
        })
        .collect();
    let c = Counts::of(diags);
    let output = Output {
        version: FORMAT_VERSION,
        tool: Tool {
            name: "plimsoll",
            version: TOOL_VERSION,
        },
        diagnostics,
        summary: Summary {
            errors: c.errors,
            warnings: c.warnings,
            info: c.info,
            files: c.files,
        },
    };
    serde_json::to_writer_pretty(&mut *out, &output)?;
    writeln!(out)
}
