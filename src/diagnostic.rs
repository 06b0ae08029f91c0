//! Findings as plain data: rule, severity, message, primary span, secondary labels, help.
//! Wording lives in the rules; formatting lives in `report/`.

use crate::source::{File, LineCol, Span};
use serde::Serialize;
use std::cmp::Ordering;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" | "note" => Some(Severity::Info),
            "warning" | "warn" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rule's identity and documentation, declared once in the rule's own file.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable kebab-case name with its domain, e.g. `chart/version-not-semver`.
    pub name: &'static str,
    pub severity: Severity,
    /// One line, shown by `plimsoll rules` and as the SARIF short description.
    pub summary: &'static str,
    /// Markdown with the sections *What it does*, *Why it matters*, *Example*, *Fix*.
    pub doc: &'static str,
}

impl RuleMeta {
    pub fn domain(&self) -> &'static str {
        self.name.split('/').next().unwrap_or(self.name)
    }
}

/// A secondary place that explains the finding, possibly in another file.
#[derive(Clone, Debug)]
pub struct Label {
    pub file: File,
    pub span: Span,
    pub message: String,
}

#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub rule: &'static RuleMeta,
    pub severity: Severity,
    pub file: File,
    /// `None` when the finding concerns the file as a whole (unreadable, missing).
    pub span: Option<Span>,
    pub message: String,
    /// Text shown under the primary span.
    pub label: Option<String>,
    pub labels: Vec<Label>,
    pub help: Option<String>,
    /// The edit that resolves the finding, when the rule knows it (see [`crate::fix`]).
    pub fix: Option<crate::fix::Fix>,
}

impl Diagnostic {
    pub fn new(
        rule: &'static RuleMeta,
        file: &File,
        span: Option<Span>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            rule,
            severity: rule.severity,
            file: file.clone(),
            span,
            message: message.into(),
            label: None,
            labels: Vec::new(),
            help: None,
            fix: None,
        }
    }

    pub fn start(&self) -> LineCol {
        match self.span {
            Some(s) => self.file.line_col(s.start as usize),
            None => LineCol { line: 1, col: 1 },
        }
    }

    pub fn end(&self) -> LineCol {
        match self.span {
            Some(s) => self.file.line_col(s.end as usize),
            None => LineCol { line: 1, col: 1 },
        }
    }

    pub fn path(&self) -> String {
        self.file.display_path()
    }

    /// Deterministic report order: path, position, rule, message.
    pub fn sort_key_cmp(&self, other: &Self) -> Ordering {
        // Most comparisons are between findings of one file: no path comparison then.
        let by_path = if std::sync::Arc::ptr_eq(&self.file, &other.file) {
            Ordering::Equal
        } else {
            self.file.path.cmp(&other.file.path)
        };
        by_path
            .then_with(|| {
                self.span
                    .map(|s| (s.start, s.end))
                    .cmp(&other.span.map(|s| (s.start, s.end)))
            })
            .then_with(|| self.rule.name.cmp(other.rule.name))
            .then_with(|| self.message.cmp(&other.message))
    }
}

/// Where rules put their findings.
#[derive(Default, Debug)]
pub struct Sink {
    pub diagnostics: Vec<Diagnostic>,
}

impl Sink {
    pub fn push(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }

    /// Starts a finding and returns it for labels and help.
    pub fn report(
        &mut self,
        rule: &'static RuleMeta,
        file: &File,
        span: Span,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.diagnostics
            .push(Diagnostic::new(rule, file, Some(span), message));
        self.diagnostics.last_mut().expect("just pushed")
    }

    pub fn report_file(
        &mut self,
        rule: &'static RuleMeta,
        file: &File,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.diagnostics
            .push(Diagnostic::new(rule, file, None, message));
        self.diagnostics.last_mut().expect("just pushed")
    }
}

impl Diagnostic {
    pub fn label(&mut self, text: impl Into<String>) -> &mut Self {
        self.label = Some(text.into());
        self
    }

    pub fn help(&mut self, help: impl Into<String>) -> &mut Self {
        self.help = Some(help.into());
        self
    }

    /// Attaches the edit that resolves the finding.
    pub fn fix(&mut self, fix: crate::fix::Fix) -> &mut Self {
        self.fix = Some(fix);
        self
    }

    pub fn related(&mut self, file: &File, span: Span, message: impl Into<String>) -> &mut Self {
        self.labels.push(Label {
            file: file.clone(),
            span,
            message: message.into(),
        });
        self
    }
}
