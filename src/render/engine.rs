//! Helm's template engine (`pkg/engine`): every template file of a chart and its subcharts
//! parsed into one namespace, in Helm's order and with Helm's precedence for duplicate
//! `define`s, then executed file by file with Go's `text/template` semantics.
//!
//! ```
//! use plimsoll::render::engine::{Engine, Limits, TemplateFile};
//! use plimsoll::render::value::Value;
//! use plimsoll::source::SourceFile;
//! let file = TemplateFile {
//!     name: "c/templates/a.yaml".into(),
//!     source: SourceFile::new("a.yaml", "x: {{ .a }}{{ .missing }}".into()),
//!     file_id: 0,
//! };
//! let engine = Engine::new(vec![file], Limits::default()).unwrap();
//! let data = Value::map([("a".to_string(), Value::str("1"))].into_iter().collect());
//! let out = engine.render_file("c/templates/a.yaml", data).unwrap();
//! assert_eq!(out.text, "x: 1");
//! ```

use super::exec::{self, Unit};
use super::funcs::{self, Func};
use super::value::{Origin, Value};
use crate::FastMap;
use crate::source::{SourceFile, Span};
use crate::template::{self, ParseOptions};
use std::sync::Arc;

/// One template file of the render: its Helm name (`mychart/templates/x.yaml`,
/// `mychart/charts/sub/templates/_helpers.tpl`), its text and its id in the caller's file
/// table (segments and errors refer to it).
#[derive(Clone, Debug)]
pub struct TemplateFile {
    pub name: String,
    pub source: Arc<SourceFile>,
    pub file_id: u32,
}

/// Bounds on one [`Engine::render_file`] call: a hostile chart ends with an error, never a
/// hang, a stack overflow or a giant allocation.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Nested `include`s of one name, as Helm counts them (Helm: 1000; the next level fails
    /// with `rendering template has a nested reference name`).
    pub include_depth: u32,
    /// Nested `template`, `include` and `tpl` executions in all. Go stops `template`
    /// recursion at 100000 levels (`exceeded maximum template depth (100000)`); the engine
    /// stops earlier, with Go's message, to bound memory. Only runaway recursion gets there.
    pub max_nesting: u32,
    /// Bytes written to all output buffers (a file's output and every `include`/`tpl` result).
    pub max_output: usize,
    /// Evaluation steps (nodes walked, commands evaluated).
    pub max_steps: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            include_depth: 1000,
            max_nesting: 2_000,
            max_output: 64 << 20,
            max_steps: 50_000_000,
        }
    }
}

/// A rendered file: its text and, for every byte range of it, what produced it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Output {
    pub text: String,
    /// Sorted, contiguous, non-overlapping; together they cover `text`. An action that
    /// printed nothing has an empty segment where it would have printed.
    pub segments: Vec<Segment>,
}

/// The template text or action behind some output bytes, and the values node when the bytes
/// print a value read from one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    pub out: std::ops::Range<u32>,
    /// The `file_id` of the template file.
    pub file: u32,
    /// The text node, or the whole action (`{{ … }}`) that printed these bytes. A piece of a
    /// text node printed verbatim has the span of exactly those bytes.
    pub span: Span,
    pub value: Option<Origin>,
    /// Where in the executed file these bytes were printed: `(file, span)` of the action
    /// that printed an `include` result, or the segment's own place for the file's own text
    /// and actions. Lets a finding in a helper of another chart point at the call.
    pub site: (u32, Span),
    /// The bytes are template text printed as written (not an action's output).
    pub text: bool,
}

/// A render failure, with Helm's exact message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderError {
    pub message: String,
    /// Where the message points: the node in the top-level file (for `required` and `fail`,
    /// the outermost call, as Helm reports it), or the parse error's position.
    pub file: Option<u32>,
    pub span: Option<Span>,
}

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RenderError {}

/// Which tree a template name stands for: a file's top-level list or one of its defines.
#[derive(Clone, Debug)]
pub(crate) struct TRef {
    pub unit: Arc<Unit>,
    pub define: Option<usize>,
}

impl TRef {
    pub fn body(&self) -> &template::List {
        match self.define {
            Some(i) => &self.unit.tree.defines[i].body,
            None => &self.unit.tree.root,
        }
    }

    fn is_empty(&self) -> bool {
        self.body().is_empty_tree(&self.unit.source.text)
    }
}

/// Go's `associate`: a new tree replaces an old one of the same name unless it is empty.
/// `exists` tells whether a name is defined outside `table` (the set a `tpl` call cloned).
pub(crate) fn register(
    table: &mut FastMap<String, TRef>,
    unit: &Arc<Unit>,
    exists: impl Fn(&str) -> bool,
) {
    // Go's `Tree.add` within one parse: an empty body never replaces a non-empty one.
    let mut local: Vec<(String, TRef)> = Vec::new();
    let mut add = |name: &str, r: TRef| match local.iter_mut().find(|(n, _)| n == name) {
        Some(slot) => {
            if slot.1.is_empty() {
                slot.1 = r;
            }
        }
        None => local.push((name.to_string(), r)),
    };
    for (i, d) in unit.tree.defines.iter().enumerate() {
        add(
            &d.name,
            TRef {
                unit: unit.clone(),
                define: Some(i),
            },
        );
    }
    add(
        &unit.parse_name,
        TRef {
            unit: unit.clone(),
            define: None,
        },
    );
    for (name, r) in local {
        if r.is_empty() && (table.contains_key(&name) || exists(&name)) {
            continue;
        }
        table.insert(name, r);
    }
}

/// The parsed templates of one render.
pub struct Engine {
    pub(crate) table: FastMap<String, TRef>,
    /// Maps changed in place by earlier renders (Helm's files share their values).
    pub(crate) redirects: std::sync::Mutex<super::exec::shared::Redirects>,
    /// `include` results kept between the files of a render (see `exec::memo`).
    pub(crate) memo: std::sync::Mutex<super::exec::memo::Memo>,
    pub(crate) limits: Limits,
    pub(crate) lookup: fn(&str) -> Option<Func>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("templates", &self.table.len())
            .field("limits", &self.limits)
            .finish()
    }
}

impl Engine {
    /// Parses every file in Helm's order (deepest path first, then reverse lexical order), so
    /// the last non-empty `define` of a name wins as in Helm: the parent chart's over a
    /// subchart's, and within a folder the alphabetically first file's. The first parse
    /// error fails the whole render: `parse error at (NAME:LINE): MSG`.
    pub fn new(files: Vec<TemplateFile>, limits: Limits) -> Result<Engine, RenderError> {
        Engine::with_trees(files.into_iter().map(|f| (f, None)).collect(), limits)
    }

    /// [`Engine::new`] with trees already parsed: a file given with `Some(tree)` is not parsed
    /// again. The tree must be the one [`template::parse`] gives for the file's text with
    /// [`ParseOptions::helm`].
    pub fn with_trees(
        files: Vec<(TemplateFile, Option<Arc<template::Template>>)>,
        limits: Limits,
    ) -> Result<Engine, RenderError> {
        // Deepest first, then reverse lexical; the depth of each name is counted once, not
        // in every comparison (a chart with a library subchart registers hundreds of files).
        let mut keyed: Vec<(usize, TemplateFile, Option<Arc<template::Template>>)> = files
            .into_iter()
            .map(|(f, tree)| (f.name.bytes().filter(|&c| c == b'/').count(), f, tree))
            .collect();
        keyed.sort_by(|(da, a, _), (db, b, _)| db.cmp(da).then_with(|| b.name.cmp(&a.name)));
        let files = keyed.into_iter().map(|(_, f, tree)| (f, tree));
        let mut table = FastMap::default();
        for (f, tree) in files {
            let unit = match tree {
                Some(tree) => Unit {
                    file_id: f.file_id,
                    parse_name: f.name,
                    source: f.source,
                    tree,
                },
                None => parse_unit(f.file_id, &f.name, f.source)?,
            };
            register(&mut table, &Arc::new(unit), |_| false);
        }
        Ok(Engine {
            table,
            redirects: Default::default(),
            memo: Default::default(),
            limits,
            lookup: funcs::lookup,
        })
    }

    /// Replaces the function table (tests and embedders; the default is
    /// [`funcs::lookup`]).
    pub fn set_function_lookup(&mut self, lookup: fn(&str) -> Option<Func>) {
        self.lookup = lookup;
    }

    /// Whether a template (a file or a `define`) of this name exists.
    pub fn has_template(&self, name: &str) -> bool {
        self.table.contains_key(name)
    }

    /// Executes the template `name` with `data` as `.` and `$`, then deletes every
    /// `<no value>` from the output as Helm does.
    pub fn render_file(&self, name: &str, data: Value) -> Result<Output, RenderError> {
        exec::render(self, name, data)
    }
}

fn parse_unit(file_id: u32, name: &str, source: Arc<SourceFile>) -> Result<Unit, RenderError> {
    match template::parse(&source.text, &ParseOptions::helm(name)) {
        Ok(tree) => Ok(Unit {
            file_id,
            parse_name: name.to_string(),
            source,
            tree: Arc::new(tree),
        }),
        Err(e) => {
            let line = source.line_index(e.span.start as usize) + 1;
            Err(RenderError {
                message: helm_parse_error(name, line, &e.message),
                file: Some(file_id),
                span: Some(e.span),
            })
        }
    }
}

/// Go's parse error text: `template: NAME:LINE: MSG`.
pub(crate) fn go_parse_error(name: &str, line: usize, msg: &str) -> String {
    format!("template: {name}:{line}: {msg}")
}

/// Helm's `cleanupParseError`: `parse error at (NAME:LINE): MSG`, MSG being the text after
/// the last `": "` of Go's message.
pub(crate) fn helm_parse_error(name: &str, line: usize, msg: &str) -> String {
    let full = go_parse_error(name, line, msg);
    let tokens: Vec<&str> = full.split(": ").collect();
    if tokens.len() == 1 {
        return format!("parse error in ({name}): {full}");
    }
    format!(
        "parse error at ({}): {}",
        tokens[1],
        tokens[tokens.len() - 1]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(id: u32, name: &str, text: &str) -> TemplateFile {
        TemplateFile {
            name: name.into(),
            source: SourceFile::new(name, text.into()),
            file_id: id,
        }
    }

    #[test]
    fn parse_errors_read_as_helm_prints_them() {
        let e = Engine::new(
            vec![file(0, "c/templates/t.yaml", "a\n{{ if }}")],
            Limits::default(),
        )
        .unwrap_err();
        assert_eq!(
            e.message,
            "parse error at (c/templates/t.yaml:2): missing value for if"
        );
        assert_eq!(e.file, Some(0));
        let e = Engine::new(
            vec![file(3, "c/templates/t.yaml", "{{ nope 1 }}")],
            Limits::default(),
        )
        .unwrap_err();
        assert_eq!(
            e.message,
            "parse error at (c/templates/t.yaml:1): function \"nope\" not defined"
        );
    }

    #[test]
    fn parent_chart_and_first_file_win_duplicate_defines() {
        let files = vec![
            file(0, "p/templates/_b.tpl", r#"{{ define "x" }}b{{ end }}"#),
            file(1, "p/templates/_a.tpl", r#"{{ define "x" }}a{{ end }}"#),
            file(
                2,
                "p/charts/s/templates/_a.tpl",
                r#"{{ define "x" }}s{{ end }}{{ define "y" }}s{{ end }}"#,
            ),
            file(3, "p/templates/_c.tpl", r#"{{ define "y" }} {{ end }}"#),
        ];
        let e = Engine::new(files, Limits::default()).unwrap();
        let x = &e.table["x"];
        assert_eq!(x.unit.file_id, 1);
        // An empty redefinition does not replace a non-empty one.
        assert_eq!(e.table["y"].unit.file_id, 2);
    }
}
