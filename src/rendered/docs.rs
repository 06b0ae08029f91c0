//! A chart's rendered files read as YAML documents for the manifest rules, the problems of the
//! output itself (templates that fail to render, output that is not YAML), and findings moved
//! from rendered text to the files on disk.

use super::locate::{self, Place};
use crate::chart::{Chart, YamlDoc};
use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::render::chart::LenientRender;
use crate::render::engine::Output;
use crate::rules::templates::{render_error, render_incomplete, rendered_invalid_yaml};
use crate::source::{File, SourceFile, Span};
use crate::yaml::{YamlFile, YamlIssueKind};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// The rendered files of one render, as documents.
pub struct RenderedSet<'r> {
    root: PathBuf,
    chart_yaml: Option<File>,
    render: &'r LenientRender,
    /// Rendered files that read as YAML, for the rules.
    docs: Vec<YamlDoc>,
    /// For each of `docs`: its output (index in `render.outputs`) and where in that output
    /// the document starts. Documents are split as Helm splits them (`---` lines), each read on
    /// its own.
    sources: Vec<(usize, u32)>,
    /// Documents that do not read as YAML: (output index, start, parsed document).
    broken: Vec<(usize, u32, YamlDoc)>,
    /// Values files parsed for [`locate::refine_value`], by file id.
    values: Mutex<HashMap<u32, Arc<YamlFile>>>,
    /// The values files the chart model has already parsed (the chart's and its subcharts').
    model: Vec<&'r YamlDoc>,
}

/// A parsed values file: the chart model's, or one parsed for this render.
enum ValuesTree<'a> {
    Model(&'a YamlFile),
    Parsed(Arc<YamlFile>),
}

impl std::ops::Deref for ValuesTree<'_> {
    type Target = YamlFile;
    fn deref(&self) -> &YamlFile {
        match self {
            ValuesTree::Model(y) => y,
            ValuesTree::Parsed(y) => y,
        }
    }
}

/// The values files of a chart and its subcharts (vendored and linked).
fn model_values<'c>(chart: &'c Chart, out: &mut Vec<&'c YamlDoc>) {
    out.extend(chart.values.iter());
    for sub in chart.subcharts.iter().chain(chart.linked.iter()) {
        model_values(sub, out);
    }
}

impl<'r> RenderedSet<'r> {
    pub fn new(chart: &'r Chart, render: &'r LenientRender) -> RenderedSet<'r> {
        let mut model = Vec::new();
        model_values(chart, &mut model);
        let mut set = RenderedSet {
            model,
            root: chart.root.clone(),
            chart_yaml: chart.chart_yaml.as_ref().map(|c| c.file.clone()),
            render,
            docs: Vec::new(),
            sources: Vec::new(),
            broken: Vec::new(),
            values: Mutex::new(HashMap::new()),
        };
        // In the order `helm template` prints the files: by path.
        let mut order: Vec<usize> = (0..render.outputs.len()).collect();
        order.sort_by(|&a, &b| render.outputs[a].0.cmp(&render.outputs[b].0));
        for i in order {
            let (name, id, out) = &render.outputs[i];
            if name.ends_with("NOTES.txt") || out.text.trim().is_empty() {
                continue;
            }
            let Some(template) = render.files.files.get(*id as usize) else {
                continue;
            };
            for (start, text) in crate::render::output::split_manifests_at(&out.text) {
                // The rendered text gets the template's path, but it is never shown: every
                // finding on it is moved to the template (see `locate`).
                let doc = YamlDoc::parse(SourceFile::new(template.path.clone(), text.to_string()));
                if doc.yaml.issues.iter().any(|i| is_fatal(&i.kind)) {
                    set.broken.push((i, start as u32, doc));
                } else {
                    set.docs.push(doc);
                    set.sources.push((i, start as u32));
                }
            }
        }
        set
    }

    /// The rendered files that read as YAML.
    pub fn docs(&self) -> &[YamlDoc] {
        &self.docs
    }

    fn own(&self, f: &File) -> bool {
        f.path.starts_with(&self.root)
    }

    /// Findings about the output itself: templates that failed, files that are not YAML.
    pub fn problems(&self, render: &LenientRender, out: &mut Vec<Diagnostic>) {
        let files = &render.files.files;
        for (name, e) in &render.errors {
            let at = e
                .file
                .and_then(|id| files.get(id as usize))
                .filter(|f| self.own(f))
                .map(|f| (f.clone(), e.span));
            let at = at.or_else(|| {
                let id = *render.names.get(name)?;
                Some((files.get(id as usize)?.clone(), None))
            });
            let Some((file, span)) = at else { continue };
            if !self.own(&file) {
                continue;
            }
            // A template that does not parse is reported by `templates/syntax`, at the same
            // place and with the same message.
            if e.message.starts_with("parse error")
                && crate::chart::templates::has_template_extension(&file.path.to_string_lossy())
            {
                continue;
            }
            let mut d = Diagnostic::new(
                &render_error::META,
                &file,
                span,
                format!("Template fails to render: {}", shortened(&e.message)),
            );
            d.label("rendering stops here");
            if is_required_or_fail(&e.message) {
                // The chart asks for a value on purpose; `helm lint` says so as information.
                d.severity = Severity::Info;
                d.help("the chart requires a value these values do not set: set it, or add a `ci/*-values.yaml` scenario that does");
            } else if !render.missing.is_empty() {
                d.severity = Severity::Info;
                d.help(format!(
                    "rendered without the dependencies {}: the failure may come from their missing templates or values",
                    render.missing.join(", ")
                ));
            }
            out.push(d);
        }
        for (i, base, doc) in &self.broken {
            let Some(issue) = doc.yaml.issues.iter().find(|i| is_fatal(&i.kind)) else {
                continue;
            };
            if HELM_ACCEPTS.iter().any(|m| issue.message.contains(m)) {
                continue;
            }
            let Some(place) = self.place((*i, *base), issue.span) else {
                continue;
            };
            let mut d = Diagnostic::new(
                &rendered_invalid_yaml::META,
                &place.file,
                Some(place.span),
                format!("Rendered output is not valid YAML: {}", issue.message),
            );
            d.label(format!(
                "the output breaks near `{}`",
                excerpt(&doc.file.text, issue.span)
            ));
            d.help("check the `indent`/`nindent` widths and the whitespace trimming (`{{-`, `-}}`) around this line");
            out.push(d);
        }
        if !render.missing.is_empty() {
            out.push(Diagnostic::new(
                &render_incomplete::META,
                &self.chart_yaml_or_root(),
                None,
                format!(
                    "Rendered without the dependencies {} (not in charts/): their objects are not checked",
                    render
                        .missing
                        .iter()
                        .map(|m| format!("`{m}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }

    fn chart_yaml_or_root(&self) -> File {
        self.chart_yaml
            .clone()
            .unwrap_or_else(|| SourceFile::new(self.root.join("Chart.yaml"), String::new()))
    }

    /// The place on disk of `span` of the document at `(output, start)`.
    fn place(&self, (output, base): (usize, u32), span: Span) -> Option<Place> {
        let out: &Output = &self.render.outputs.get(output)?.2;
        let span = Span {
            start: span.start + base,
            end: span.end + base,
        };
        locate::place(out, &self.render.files.files, span, &|f| self.own(f))
    }

    /// Where the expressions of the rendered alerting and recording rules were written: the
    /// template text and actions that printed them, and the values nodes they printed. A static
    /// finding on an expression there is superseded by the check of the rendered expression.
    pub fn rule_expression_sources(&self) -> Vec<(File, Span)> {
        let files = &self.render.files.files;
        let mut out: Vec<(File, Span)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (doc, &(output, base)) in self.docs.iter().zip(&self.sources) {
            if !doc.file.text.contains("expr") {
                continue;
            }
            let Some((_, _, rendered)) = self.render.outputs.get(output) else {
                continue;
            };
            let rules = crate::prometheus::extract::manifest_rules(&doc.file, &doc.yaml);
            for rule in rules.iter() {
                let Some(expr) = &rule.expr else { continue };
                let (start, end) = (expr.value.span.start + base, expr.value.span.end + base);
                let first = rendered.segments.partition_point(|g| g.out.end <= start);
                for g in rendered.segments[first..]
                    .iter()
                    .take_while(|g| g.out.start < end.max(start + 1))
                {
                    let mut push = |file: Option<&File>, span: Span| {
                        if let Some(f) = file
                            && seen.insert((Arc::as_ptr(f) as usize, span.start, span.end))
                        {
                            out.push((f.clone(), span));
                        }
                    };
                    push(files.get(g.file as usize), g.span);
                    if g.site.0 != g.file {
                        push(files.get(g.site.0 as usize), g.site.1);
                    }
                    if let Some(v) = g.value {
                        push(files.get(v.file as usize), v.span);
                    }
                }
            }
        }
        out
    }

    /// Whether the release was rendered whole: no dependency left out, no template failed, every
    /// document read. Checks that look for an object the release creates need that.
    pub fn complete(&self) -> bool {
        self.render.missing.is_empty() && self.render.errors.is_empty() && self.broken.is_empty()
    }

    /// Moves a finding of a manifest rule from rendered text to the template and values
    /// lines. `None` when it lies in a file of another chart (a linked dependency), whose own
    /// lint reports it.
    pub fn locate(&self, mut d: Diagnostic) -> Option<Diagnostic> {
        let idx = self
            .docs
            .iter()
            .position(|x| Arc::ptr_eq(&x.file, &d.file))?;
        let source = self.sources[idx];
        let (output, base) = source;
        let rendered = &self.docs[idx];
        let span = d.span.unwrap_or_default();
        let mut place = self.place(source, span)?;
        // A dependency left out, a template that failed or a document that could not be read
        // may be what creates the object the release refers to.
        if !self.complete() && NEEDS_WHOLE_RELEASE.contains(&d.rule.name) {
            return None;
        }
        // A Secret named by a value is one the user provides: the chart expects it to exist.
        if USER_PROVIDED.contains(&d.rule.name)
            && place.value.as_ref().is_some_and(|(f, _)| !is_template(f))
        {
            return None;
        }
        if place.action && !span.is_empty() {
            let shown = excerpt(&rendered.file.text, span);
            d.label = Some(match d.label.take() {
                Some(l) => format!("{l} (renders as `{shown}`)"),
                None => format!("renders as `{shown}`"),
            });
        }
        let mut labels = Vec::new();
        // A finding on a key shows where the key's value came from.
        let mut value_span = span;
        if place.value.is_none()
            && let Some(v) = entry_value_of_key(&rendered.yaml, span)
            && let Some(p) = self.place(source, v)
            && p.value.is_some()
        {
            place.value = p.value;
            value_span = v;
        }
        // A scalar written partly as text (`"{{ .Values.repo }}:{{ .Values.tag }}"`): every
        // value printed inside it (an empty one included) is behind it.
        let mut more = Vec::new();
        if place.value.is_none() {
            let files = &self.render.files.files;
            for g in self.render.outputs[output]
                .2
                .segments
                .iter()
                .skip_while(|g| g.out.end < span.start + base)
                .take_while(|g| g.out.start < span.end + base)
            {
                let Some(o) = g.value else { continue };
                let Some(f) = files.get(o.file as usize) else {
                    continue;
                };
                if is_template(f) || more.iter().any(|(_, s)| *s == o.span) {
                    continue;
                }
                more.push((f.clone(), o.span));
            }
            if !more.is_empty() {
                let first = more.remove(0);
                value_span = span;
                place.value = Some(first);
            }
            more.truncate(3);
        }
        if let Some((vf, vspan)) = &place.value {
            let same = Arc::ptr_eq(vf, &place.file) && vspan.start < place.span.end;
            if !same && !is_template(vf) {
                let at = Span {
                    start: value_span.start + base,
                    end: value_span.end + base,
                };
                let seg = locate::segment_for(&self.render.outputs[output].2, at);
                let vspan = match (seg, self.values_file(vf)) {
                    (Some(seg), Some((_, parsed))) => locate::refine_value(
                        &rendered.yaml,
                        value_span,
                        seg.out.start.saturating_sub(base),
                        &parsed,
                        *vspan,
                    ),
                    _ => *vspan,
                };
                labels.push(Label {
                    file: vf.clone(),
                    span: vspan,
                    message: "the rendered value comes from here".into(),
                });
            }
        }
        if let Some((file, span)) = &place.helper {
            labels.push(Label {
                file: file.clone(),
                span: *span,
                message: "written by this included template".into(),
            });
        }
        for (file, span) in more {
            labels.push(Label {
                file,
                span,
                message: "the rendered value comes from here".into(),
            });
        }
        for l in d.labels.drain(..) {
            match self.docs.iter().position(|x| Arc::ptr_eq(&x.file, &l.file)) {
                Some(j) => {
                    if let Some(p) = self.place(self.sources[j], l.span) {
                        labels.push(Label {
                            file: p.file,
                            span: p.span,
                            message: l.message,
                        });
                    }
                }
                None => labels.push(l),
            }
        }
        // An empty value that comes from no values file, while a dependency is left out: most
        // likely one of the dependency's values (`.Values.mysql.image`), which are missing too.
        if !self.render.missing.is_empty()
            && EMPTY_WITHOUT_DEPENDENCIES.contains(&d.rule.name)
            && place.value.is_none()
            && labels.iter().all(|l| is_template(&l.file))
        {
            return None;
        }
        d.labels = labels;
        d.file = place.file;
        d.span = Some(place.span);
        d.fix = d.fix.take().and_then(|f| self.locate_fix(f));
        Some(d)
    }

    /// Moves a fix's edits from rendered text to the bytes on disk that rendered them: template
    /// text printed as written, or a values scalar printed whole. `None` (no fix) when an edit
    /// touches bytes an action computed, or text of an included template.
    fn locate_fix(&self, mut fix: crate::fix::Fix) -> Option<crate::fix::Fix> {
        for e in &mut fix.edits {
            let Some(j) = self.docs.iter().position(|x| Arc::ptr_eq(&x.file, &e.file)) else {
                continue;
            };
            let old = self.docs[j].file.slice(e.span);
            let p = self.place(self.sources[j], e.span)?;
            if !p.action && p.helper.is_none() && p.file.slice(p.span) == old {
                e.file = p.file;
                e.span = p.span;
            } else if let Some((vf, vs)) = p.value
                && !e.span.is_empty()
                && !is_template(&vf)
                && vf.slice(vs) == old
            {
                e.file = vf;
                e.span = vs;
            } else {
                return None;
            }
        }
        Some(fix)
    }

    /// A values file of the render, parsed: the chart model's tree, or parsed once per render.
    fn values_file(&self, f: &File) -> Option<(u32, ValuesTree<'r>)> {
        if let Some(doc) = self.model.iter().find(|d| Arc::ptr_eq(&d.file, f)) {
            return Some((0, ValuesTree::Model(&doc.yaml)));
        }
        let id = self
            .render
            .files
            .files
            .iter()
            .position(|x| Arc::ptr_eq(x, f))? as u32;
        let mut cache = self.values.lock().ok()?;
        let parsed = cache
            .entry(id)
            .or_insert_with(|| Arc::new(crate::yaml::parse(&f.text)))
            .clone();
        Some((id, ValuesTree::Parsed(parsed)))
    }
}

/// The span of the value of the mapping entry at `span` (its key, or its key and value).
fn entry_value_of_key(yaml: &YamlFile, span: Span) -> Option<Span> {
    fn find(n: &crate::yaml::Node, span: Span) -> Option<Span> {
        if n.span.start > span.start || n.span.end < span.end {
            return None;
        }
        match &n.kind {
            crate::yaml::NodeKind::Map(entries) => entries.iter().find_map(|e| {
                if e.key.span.start == span.start && e.key.span.end <= span.end {
                    Some(e.value.span)
                } else {
                    find(&e.value, span)
                }
            }),
            crate::yaml::NodeKind::Seq(items) => items.iter().find_map(|i| find(i, span)),
            crate::yaml::NodeKind::Scalar(_) => None,
        }
    }
    yaml.documents
        .iter()
        .filter_map(|d| d.root.as_ref())
        .find_map(|r| find(r, span))
}

/// Rules that look for an object the release creates: unsure when the release is not whole.
const NEEDS_WHOLE_RELEASE: &[&str] = &["secrets/not-found", "manifests/service-selector-unmatched"];

/// Rules about values that render empty: with a dependency left out, its values
/// (`.Values.mysql.image`) are empty too, and come from no values file.
const EMPTY_WITHOUT_DEPENDENCIES: &[&str] = &["manifests/image-invalid", "secrets/empty-reference"];

/// Rules whose finding names something the user provides when the text came from a value.
const USER_PROVIDED: &[&str] = &["secrets/not-found"];

/// A template (not a values file): its bytes are Go template text.
fn is_template(f: &File) -> bool {
    f.path.components().any(|c| c.as_os_str() == "templates")
}

/// Parser messages for text that Helm's YAML reader (go-yaml v2) accepts: such a rendered file
/// is left unchecked rather than called invalid.
const HELM_ACCEPTS: &[&str] = &["Invalid indentation in multiline quoted scalar"];

/// A `required` or `fail` call: Helm reports these as `execution error at (...)`.
fn is_required_or_fail(message: &str) -> bool {
    message.starts_with("execution error at (")
}

/// YAML problems that make Helm reject the output (duplicate keys and tabs in comments it
/// accepts).
fn is_fatal(kind: &YamlIssueKind) -> bool {
    matches!(kind, YamlIssueKind::Syntax | YamlIssueKind::DepthLimit)
}

/// The rendered text at `span` for a message: its first line, at most 60 characters.
fn excerpt(text: &str, span: Span) -> String {
    let s = text.get(span.range()).unwrap_or("");
    let s = if s.is_empty() {
        let start = span.start as usize;
        let line_end = text[start.min(text.len())..]
            .find('\n')
            .map_or(text.len(), |e| start + e);
        text.get(start..line_end).unwrap_or("")
    } else {
        s
    };
    let line = s.lines().next().unwrap_or("").trim();
    let short: String = line.chars().take(60).collect();
    if short.len() < line.len() {
        format!("{short}…")
    } else {
        short
    }
}

/// The chart could not be rendered at all: said once, as information, since the static rules
/// report the reason (Chart.yaml, values).
pub fn not_rendered(chart: &Chart, message: &str, out: &mut Vec<Diagnostic>) {
    if message.contains("library charts are not installable") {
        return;
    }
    let file = chart
        .chart_yaml
        .as_ref()
        .map(|c| c.file.clone())
        .unwrap_or_else(|| SourceFile::new(chart.root.join("Chart.yaml"), String::new()));
    out.push(Diagnostic::new(
        &render_incomplete::META,
        &file,
        None,
        format!("Not rendered, so rendered objects are not checked: {message}"),
    ));
}

/// Characters kept at each end of a long render error.
const SHOWN_ERROR_END: usize = 600;

/// A render error as a finding shows it: runaway recursion nests one message per level (as
/// Helm's do), up to hundreds of kilobytes; the middle of such a message is left out.
fn shortened(message: &str) -> std::borrow::Cow<'_, str> {
    let chars = message.chars().count();
    if chars <= 3 * SHOWN_ERROR_END {
        return message.into();
    }
    let head: String = message.chars().take(SHOWN_ERROR_END).collect();
    let tail: String = message.chars().skip(chars - SHOWN_ERROR_END).collect();
    format!(
        "{head} … ({} characters left out) … {tail}",
        chars - 2 * SHOWN_ERROR_END
    )
    .into()
}
