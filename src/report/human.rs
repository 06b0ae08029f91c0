//! Rich terminal output: one miette graphical report per finding, then a summary line.
//!
//! miette's own `SourceCode` for strings scans the file from byte 0 for every label, which
//! turns thousands of findings in a large file into minutes. [`IndexedSource`] uses the
//! file's line index to hand miette only the few lines around each span.

use super::{Counts, clamp, plural};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{SourceFile, Span};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};
use std::fmt;
use std::io::{self, Write};

/// Width the reports are wrapped at; fixed so output does not depend on the terminal.
const WIDTH: usize = 120;

pub fn render(
    diags: &[Diagnostic],
    out: &mut dyn Write,
    opts: &super::ReportOptions,
) -> io::Result<()> {
    let theme = if opts.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_width(WIDTH)
        .with_break_words(false);
    let mut buf = String::new();
    for d in diags {
        buf.clear();
        let report = HumanReport::new(d);
        if handler.render_report(&mut buf, &report).is_err() {
            // A span miette could not read: say so rather than drop the finding.
            buf.clear();
            let at = d.start();
            buf.push_str(&format!(
                "{}[{}]: {}\n  at {}:{}:{}\n",
                d.severity,
                d.rule.name,
                d.message,
                d.path(),
                at.line,
                at.col
            ));
        }
        for line in buf.lines() {
            writeln!(out, "{}", line.trim_end())?;
        }
        writeln!(out)?;
    }
    if opts.statistics && !diags.is_empty() {
        write!(out, "{}", super::statistics(diags))?;
        writeln!(out)?;
    }
    if opts.quiet {
        return Ok(());
    }
    match &opts.checked {
        Some(checked) => writeln!(out, "{}", super::summary(diags, Some(checked))),
        None => writeln!(out, "{}", summary(diags)),
    }
}

/// `3 errors, 1 warning, 0 info in 2 files`
fn summary(diags: &[Diagnostic]) -> String {
    let c = Counts::of(diags);
    format!(
        "{}, {}, {} info in {}",
        plural(c.errors, "error", "errors"),
        plural(c.warnings, "warning", "warnings"),
        c.info,
        plural(c.files, "file", "files"),
    )
}

/// A [`SourceFile`] as miette source code, read through the file's line index.
///
/// `read_span` finds the span's lines by binary search, cuts a window of those lines plus
/// the requested context, lets miette's byte-slice reader work on the window, and shifts
/// offsets and line numbers back. The output is identical to handing miette the whole text,
/// except that the column in a snippet header counts characters, not bytes.
pub struct IndexedSource<'a> {
    file: &'a SourceFile,
    name: String,
    /// The text with terminal controls replaced by characters of the same length, when the
    /// file holds any (offsets stay valid).
    clean: Option<String>,
}

impl<'a> IndexedSource<'a> {
    pub fn new(file: &'a SourceFile) -> Self {
        let clean = match super::visible::same_length(&file.text) {
            std::borrow::Cow::Owned(t) => Some(t),
            std::borrow::Cow::Borrowed(_) => None,
        };
        IndexedSource {
            file,
            name: super::visible::escaped(&file.display_path()).into_owned(),
            clean,
        }
    }
}

impl fmt::Debug for IndexedSource<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IndexedSource")
            .field("name", &self.name)
            .finish()
    }
}

impl SourceCode for IndexedSource<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let text = self.clean.as_deref().unwrap_or(&self.file.text).as_bytes();
        let start = span.offset();
        let end = start
            .checked_add(span.len())
            .ok_or(MietteError::OutOfBounds)?;
        if end > text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let first_line = self.file.line_index(start);
        let last_line = self.file.line_index(end.saturating_sub(1).max(start));
        let window_line = first_line.saturating_sub(context_lines_before);
        let window_start = self.file.line_start(window_line);
        // One line more than the context asks for, so miette sees where the last one ends.
        let window_end = self.file.line_start(
            last_line
                .saturating_add(context_lines_after)
                .saturating_add(2),
        );
        let window = &text[window_start..window_end.max(window_start)];
        let local = SourceSpan::new((start - window_start).into(), span.len());
        let inner = window.read_span(&local, context_lines_before, context_lines_after)?;
        // miette counts the column of a snippet header in bytes; plimsoll counts characters
        // everywhere else, so the header agrees with compact, JSON and SARIF positions.
        let column = if context_lines_before == 0 && inner.column() > 0 {
            self.file.line_col(start).col - 1
        } else {
            inner.column()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            SourceSpan::new(
                (inner.span().offset() + window_start).into(),
                inner.span().len(),
            ),
            inner.line() + window_line,
            column,
            inner.line_count() + window_line,
        )))
    }
}

/// One finding shaped as a miette diagnostic. Labels in other files become related reports,
/// each with its own source, so every label is shown in its own file.
#[derive(Debug)]
struct HumanReport<'a> {
    message: String,
    code: Option<String>,
    severity: miette::Severity,
    source: Option<IndexedSource<'a>>,
    labels: Vec<LabeledSpan>,
    help: Option<String>,
    related: Vec<HumanReport<'a>>,
}

fn miette_span(file: &SourceFile, span: Span) -> SourceSpan {
    let span = clamp(file, span);
    SourceSpan::new((span.start as usize).into(), span.len())
}

fn visible(s: &str) -> String {
    super::visible::escaped(s).into_owned()
}

/// No snippet for files without text (unreadable, binary): there is nothing to show.
fn source_of(file: &SourceFile) -> Option<IndexedSource<'_>> {
    (!file.text.is_empty()).then(|| IndexedSource::new(file))
}

impl<'a> HumanReport<'a> {
    fn new(d: &'a Diagnostic) -> HumanReport<'a> {
        let source = source_of(&d.file);
        let mut labels = Vec::new();
        let mut related = Vec::new();
        if source.is_some()
            && let Some(span) = d.span
        {
            labels.push(LabeledSpan::new_primary_with_span(
                d.label.as_deref().map(visible),
                miette_span(&d.file, span),
            ));
        }
        for l in &d.labels {
            let same_file = std::sync::Arc::ptr_eq(&l.file, &d.file) || l.file.path == d.file.path;
            if same_file && source.is_some() {
                labels.push(LabeledSpan::new_with_span(
                    Some(visible(&l.message)),
                    miette_span(&d.file, l.span),
                ));
            } else {
                let source = source_of(&l.file);
                let (message, labels) = if source.is_some() {
                    (
                        visible(&l.message),
                        vec![LabeledSpan::new_primary_with_span(
                            None,
                            miette_span(&l.file, l.span),
                        )],
                    )
                } else {
                    let at = l.file.line_col(l.span.start as usize);
                    (
                        format!(
                            "{} ({}:{}:{})",
                            visible(&l.message),
                            visible(&l.file.display_path()),
                            at.line,
                            at.col
                        ),
                        Vec::new(),
                    )
                };
                related.push(HumanReport {
                    message,
                    code: None,
                    severity: miette::Severity::Advice,
                    source,
                    labels,
                    help: None,
                    related: Vec::new(),
                });
            }
        }
        let message = if d.span.is_none() || source.is_none() {
            // No snippet will carry the file name, so the message does.
            format!("{}: {}", visible(&d.path()), visible(&d.message))
        } else {
            visible(&d.message)
        };
        HumanReport {
            message,
            code: Some(format!("{}[{}]", d.severity, d.rule.name)),
            severity: match d.severity {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
                Severity::Info => miette::Severity::Advice,
            },
            source,
            labels,
            help: d.help.as_deref().map(visible),
            related,
        }
    }
}

impl fmt::Display for HumanReport<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for HumanReport<'_> {}

impl miette::Diagnostic for HumanReport<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.code
            .as_ref()
            .map(|c| Box::new(c) as Box<dyn fmt::Display + 'b>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display + 'b>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn miette::Diagnostic> + 'b>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(
                self.related.iter().map(|r| r as &dyn miette::Diagnostic),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;
    use miette::NamedSource;

    /// A diagnostic with several labels over a given source, to compare readers.
    #[derive(Debug)]
    struct Probe<S: SourceCode + fmt::Debug> {
        source: S,
        labels: Vec<LabeledSpan>,
    }
    impl<S: SourceCode + fmt::Debug> fmt::Display for Probe<S> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("probe")
        }
    }
    impl<S: SourceCode + fmt::Debug> std::error::Error for Probe<S> {}
    impl<S: SourceCode + fmt::Debug> miette::Diagnostic for Probe<S> {
        fn source_code(&self) -> Option<&dyn SourceCode> {
            Some(&self.source)
        }
        fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }

    fn render_with<S: SourceCode + fmt::Debug>(source: S, labels: &[(usize, usize)]) -> String {
        let probe = Probe {
            source,
            labels: labels
                .iter()
                .enumerate()
                .map(|(i, &(s, e))| {
                    LabeledSpan::new_with_span(Some(format!("label {i}")), (s, e - s))
                })
                .collect(),
        };
        let mut out = String::new();
        GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
            .with_links(false)
            .render_report(&mut out, &probe)
            .unwrap();
        out
    }

    #[test]
    fn indexed_source_renders_exactly_like_a_plain_string() {
        let mut text = String::new();
        for i in 0..40 {
            text.push_str(&format!("key{i}: \"välue {i}\"\n"));
        }
        text.push_str("last: x");
        let file = SourceFile::new("values.yaml", text.clone());
        let cases: Vec<Vec<(usize, usize)>> = vec![
            vec![(0, 4)],
            vec![(text.find("key7").unwrap(), text.find("key7").unwrap() + 4)],
            vec![
                (text.find("key20").unwrap(), text.find("key22").unwrap() + 3),
                (text.find("key30").unwrap(), text.find("key30").unwrap() + 5),
            ],
            vec![
                (text.find("key10").unwrap(), text.find("key10").unwrap() + 2),
                (text.find("key11").unwrap(), text.find("key11").unwrap() + 2),
            ],
            vec![(text.len() - 1, text.len())],
            vec![(text.len(), text.len())],
        ];
        for labels in cases {
            let plain = render_with(NamedSource::new("values.yaml", text.clone()), &labels);
            let indexed = render_with(IndexedSource::new(&file), &labels);
            if labels[0].0 < text.len() {
                assert!(plain.contains("label 0"), "{plain}");
            }
            assert_eq!(indexed, plain, "labels {labels:?}");
        }
    }

    #[test]
    fn header_columns_count_characters() {
        let text = "a: 1\nnäme: «x» y\n".to_string();
        let file = SourceFile::new("v.yaml", text.clone());
        let y = text.find('y').unwrap();
        let out = render_with(IndexedSource::new(&file), &[(y, y + 1)]);
        assert_eq!(file.line_col(y).col, 11);
        assert!(out.contains("╭─[v.yaml:2:11]"), "{out}");
    }

    #[test]
    fn out_of_bounds_spans_are_refused() {
        let file = SourceFile::new("a.yaml", "a: 1\n".to_string());
        let src = IndexedSource::new(&file);
        assert!(src.read_span(&SourceSpan::new(3.into(), 10), 0, 0).is_err());
        assert!(src.read_span(&SourceSpan::new(2.into(), 2), 1, 1).is_ok());
    }
}
