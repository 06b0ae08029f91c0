//! The language server (`plimsoll server`): the Language Server Protocol over standard input
//! and output, for any editor with an LSP client.
//!
//! - Findings are published when a file is opened, changed (the unsaved buffer is linted: open
//!   buffers stand in for their files through [`crate::overlay`]) and saved, for every file the
//!   linted unit holds: Chart.yaml, values, templates, README, manifests.
//! - Only the unit the changed file belongs to is linted again: its chart (the top chart, for
//!   a file of a subchart), or the manifest file itself. Changes that arrive while a lint runs
//!   are taken together: one lint per unit for the whole batch.
//! - Within the unit, only what depends on the changed file runs again (see
//!   [`crate::incremental`]): unchanged files keep their parses, and a README edit runs the
//!   README rules only. After each lint the server sends a `$/plimsoll/stats` notification
//!   (what was parsed, reused and rendered, and how long the lint took).
//! - Findings are published for the files whose findings changed (a file that became clean
//!   gets an empty list), and for a file just opened.
//! - Code actions: each finding's fix (see [`crate::fix`]), and "ignore this rule here", which
//!   writes a suppression comment in the syntax [`crate::suppress`] reads.
//! - Hover on a rule name (in a suppression comment, a configuration, or on a finding) shows
//!   the rule's documentation.
//!
//! The protocol is JSON-RPC with `Content-Length` framing, written here with serde_json: the
//! server needs a handful of messages, not a framework. Positions are UTF-16 code units, the
//! protocol's default.

mod actions;
mod proto;

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{LintOptions, lint};
use proto::{Message, Transport};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// Runs the server until `exit`; returns the process exit code (0 after `shutdown`, 1 when the
/// input ends or `exit` comes without it, as the protocol says).
pub fn run() -> u8 {
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    crate::incremental::enable();
    let mut server = Server::new(Transport::new(stdin, stdout));
    server.serve()
}

/// An open buffer.
struct Document {
    uri: String,
}

struct Server<R: std::io::Read + Send + 'static, W: std::io::Write> {
    transport: Transport<R, W>,
    docs: HashMap<PathBuf, Document>,
    /// The last findings of each file, by absolute path (for code actions and hover).
    findings: HashMap<PathBuf, Vec<Diagnostic>>,
    /// Files with published findings, by the unit that reported them.
    published: HashMap<PathBuf, BTreeSet<PathBuf>>,
    /// What was last published for each file (to publish only what changed).
    sent: HashMap<PathBuf, Value>,
    /// Files opened since their unit was last linted: they get an answer, even an unchanged one.
    opened: BTreeSet<PathBuf>,
    /// Units waiting to be linted, with the file that made them dirty.
    dirty: BTreeMap<PathBuf, PathBuf>,
    shutdown: bool,
    overlay: crate::overlay::Guard,
}

impl<R: std::io::Read + Send + 'static, W: std::io::Write> Server<R, W> {
    fn new(transport: Transport<R, W>) -> Self {
        Server {
            transport,
            docs: HashMap::new(),
            findings: HashMap::new(),
            published: HashMap::new(),
            sent: HashMap::new(),
            opened: BTreeSet::new(),
            dirty: BTreeMap::new(),
            shutdown: false,
            overlay: crate::overlay::Guard::default(),
        }
    }

    fn serve(&mut self) -> u8 {
        loop {
            // Everything that has arrived is handled as one batch: notifications update the
            // buffers, lints run once per unit before a request is answered and at the end.
            let Some(first) = self.transport.recv() else {
                return 1;
            };
            let mut batch = vec![first];
            batch.extend(self.transport.drain());
            for msg in batch {
                match msg {
                    Message::Request { id, method, params } => {
                        self.flush();
                        if method == "shutdown" {
                            self.shutdown = true;
                            self.transport.respond(id, Value::Null);
                            continue;
                        }
                        match self.request(&method, &params) {
                            Ok(result) => self.transport.respond(id, result),
                            Err((code, message)) => self.transport.error(id, code, &message),
                        }
                    }
                    Message::Notification { method, params } => {
                        if method == "exit" {
                            return u8::from(!self.shutdown);
                        }
                        self.notification(&method, &params);
                    }
                    Message::Invalid(reason) => {
                        self.transport.error(Value::Null, -32700, &reason);
                    }
                }
            }
            self.flush();
        }
    }

    fn request(&mut self, method: &str, params: &Value) -> Result<Value, (i64, String)> {
        match method {
            "initialize" => Ok(json!({
                "capabilities": {
                    "positionEncoding": "utf-16",
                    "textDocumentSync": {
                        "openClose": true,
                        "change": 1,
                        "save": { "includeText": false }
                    },
                    "codeActionProvider": {
                        "codeActionKinds": ["quickfix", "source.fixAll.plimsoll"]
                    },
                    "hoverProvider": true
                },
                "serverInfo": { "name": "plimsoll", "version": env!("CARGO_PKG_VERSION") }
            })),
            "textDocument/codeAction" => Ok(self.code_actions(params)),
            "textDocument/hover" => Ok(self.hover(params)),
            _ if self.shutdown => Err((-32600, "the server is shutting down".into())),
            _ => Err((-32601, format!("unsupported method `{method}`"))),
        }
    }

    fn notification(&mut self, method: &str, params: &Value) {
        let uri = params["textDocument"]["uri"].as_str().unwrap_or("");
        let Some(path) = proto::uri_to_path(uri) else {
            return;
        };
        match method {
            "textDocument/didOpen" => {
                let text = params["textDocument"]["text"].as_str().unwrap_or("");
                self.overlay.set(&path, text.as_bytes().to_vec());
                self.docs.insert(
                    crate::overlay::key(&path),
                    Document {
                        uri: uri.to_string(),
                    },
                );
                self.opened.insert(crate::overlay::key(&path));
                self.mark(&path);
            }
            "textDocument/didChange" => {
                // Full sync: the last change holds the whole text.
                if let Some(text) = params["contentChanges"]
                    .as_array()
                    .and_then(|c| c.last())
                    .and_then(|c| c["text"].as_str())
                {
                    self.overlay.set(&path, text.as_bytes().to_vec());
                    self.mark(&path);
                }
            }
            "textDocument/didSave" => self.mark(&path),
            "textDocument/didClose" => {
                crate::overlay::remove(&path);
                self.docs.remove(&crate::overlay::key(&path));
                self.mark(&path);
            }
            _ => {}
        }
    }

    /// Queues the unit of `path` for linting.
    fn mark(&mut self, path: &Path) {
        if let Some(unit) = unit_of(path) {
            self.dirty.insert(unit, path.to_path_buf());
        }
    }

    /// Lints every queued unit and publishes its findings.
    fn flush(&mut self) {
        let dirty = std::mem::take(&mut self.dirty);
        for (unit, _) in dirty {
            self.lint_unit(&unit);
        }
    }

    fn lint_unit(&mut self, unit: &Path) {
        let started = std::time::Instant::now();
        let result = lint(&[unit.to_path_buf()], &LintOptions::default());
        let elapsed = started.elapsed();
        let diags = match result {
            Ok(r) => r.diagnostics,
            Err(reason) => {
                self.transport.notify(
                    "window/logMessage",
                    json!({ "type": 1, "message": format!("plimsoll: {reason}") }),
                );
                Vec::new()
            }
        };
        let mut by_file: BTreeMap<PathBuf, Vec<Diagnostic>> = BTreeMap::new();
        for d in diags {
            by_file.entry(abs(&d.file.path)).or_default().push(d);
        }
        let mut before = self.published.remove(unit).unwrap_or_default();
        // Open buffers of the unit always get an answer, an empty one included.
        let mut open = false;
        for path in self.docs.keys() {
            if unit_of(path).as_deref() == Some(unit) {
                before.insert(path.clone());
                open = true;
            }
        }
        if !open {
            // Nothing of the unit is open any more: what was kept for it can go.
            crate::incremental::forget(unit);
        }
        let mut now = BTreeSet::new();
        let mut published = 0;
        for path in before.iter() {
            if !by_file.contains_key(path) {
                self.findings.remove(path);
                published += usize::from(self.publish(path, &[]));
            }
        }
        for (path, list) in by_file {
            published += usize::from(self.publish(&path, &list));
            now.insert(path.clone());
            self.findings.insert(path, list);
        }
        self.published.insert(unit.to_path_buf(), now);
        let stats = crate::incremental::take_stats();
        self.transport.notify(
            "$/plimsoll/stats",
            json!({
                "unit": proto::path_to_uri(unit),
                "milliseconds": elapsed.as_secs_f64() * 1000.0,
                "published": published,
                "filesDecoded": stats.files_decoded,
                "filesReused": stats.files_reused,
                "yamlParsed": stats.yaml_parsed,
                "yamlReused": stats.yaml_reused,
                "templatesParsed": stats.templates_parsed,
                "templatesReused": stats.templates_reused,
                "chartsFull": stats.full,
                "chartsReadmeOnly": stats.readme_only,
                "chartsRendered": stats.rendered,
            }),
        );
    }

    fn uri_for(&self, path: &Path) -> String {
        match self.docs.get(&crate::overlay::key(path)) {
            Some(d) => d.uri.clone(),
            None => proto::path_to_uri(path),
        }
    }

    /// Publishes the findings of `path` unless they are what was last published for it (and
    /// it was not just opened); returns whether it published.
    fn publish(&mut self, path: &Path, list: &[Diagnostic]) -> bool {
        let uri = self.uri_for(path);
        let items = Value::Array(list.iter().map(|d| self.lsp_diagnostic(d)).collect());
        let opened = self.opened.remove(path);
        // Nothing published counts as an empty list.
        let same = match self.sent.get(path) {
            Some(last) => *last == items,
            None => list.is_empty(),
        };
        if same && !opened {
            return false;
        }
        if list.is_empty() {
            self.sent.remove(path);
        } else {
            self.sent.insert(path.to_path_buf(), items.clone());
        }
        self.transport.notify(
            "textDocument/publishDiagnostics",
            json!({ "uri": uri, "diagnostics": items }),
        );
        true
    }

    fn lsp_diagnostic(&self, d: &Diagnostic) -> Value {
        let mut message = d.message.clone();
        if let Some(l) = &d.label {
            message.push_str(&format!(" ({l})"));
        }
        if let Some(h) = &d.help {
            message.push_str(&format!("\nhelp: {h}"));
        }
        let related: Vec<Value> = d
            .labels
            .iter()
            .map(|l| {
                json!({
                    "location": {
                        "uri": self.uri_for(&abs(&l.file.path)),
                        "range": proto::range(&l.file, Some(l.span)),
                    },
                    "message": l.message,
                })
            })
            .collect();
        let mut v = json!({
            "range": proto::range(&d.file, d.span),
            "severity": match d.severity {
                Severity::Error => 1,
                Severity::Warning => 2,
                Severity::Info => 3,
            },
            "code": d.rule.name,
            "source": "plimsoll",
            "message": message,
        });
        if !related.is_empty() {
            v["relatedInformation"] = Value::Array(related);
        }
        v
    }

    fn code_actions(&self, params: &Value) -> Value {
        let uri = params["textDocument"]["uri"].as_str().unwrap_or("");
        let Some(path) = proto::uri_to_path(uri) else {
            return json!([]);
        };
        let Some(list) = self.findings.get(&abs(&path)) else {
            return json!([]);
        };
        let (Some(start), Some(end)) = (
            proto::position(&params["range"]["start"]),
            proto::position(&params["range"]["end"]),
        ) else {
            return json!([]);
        };
        let mut out = Vec::new();
        for d in list {
            let r = proto::range(&d.file, d.span);
            let (Some(ds), Some(de)) = (proto::position(&r["start"]), proto::position(&r["end"]))
            else {
                continue;
            };
            // The finding's lines and the requested range meet.
            if ds.0 > end.0 || de.0 < start.0 {
                continue;
            }
            let diag = self.lsp_diagnostic(d);
            if let Some(fix) = &d.fix
                && fix.changes_anything()
            {
                out.push(actions::fix_action(fix, diag.clone(), &|p| self.uri_for(p)));
            }
            if let Some(a) = actions::ignore_action(d, diag, uri) {
                out.push(a);
            }
        }
        if let Some(a) = actions::fix_all_action(list, &abs(&path), uri) {
            out.push(a);
        }
        // `context.only` narrows the kinds the editor wants (`source.fixAll` on save).
        if let Some(only) = params["context"]["only"].as_array() {
            let kinds: Vec<&str> = only.iter().filter_map(Value::as_str).collect();
            out.retain(|a| {
                let kind = a["kind"].as_str().unwrap_or("");
                kinds
                    .iter()
                    .any(|k| kind == *k || kind.starts_with(&format!("{k}.")))
            });
        }
        Value::Array(out)
    }

    fn hover(&self, params: &Value) -> Value {
        let uri = params["textDocument"]["uri"].as_str().unwrap_or("");
        let Some(path) = proto::uri_to_path(uri) else {
            return Value::Null;
        };
        let Some(pos) = proto::position(&params["position"]) else {
            return Value::Null;
        };
        let text = crate::overlay::get(&path)
            .map(|t| String::from_utf8_lossy(&t).into_owned())
            .or_else(|| std::fs::read_to_string(&path).ok())
            .unwrap_or_default();
        let file = crate::source::SourceFile::new(&path, text);
        let offset = proto::offset(&file, pos);
        if let Some((name, span)) = actions::rule_name_at(&file, offset)
            && let Some(meta) = crate::rules::find(name)
        {
            return json!({
                "contents": { "kind": "markdown", "value": actions::rule_markdown(meta) },
                "range": proto::range(&file, Some(span)),
            });
        }
        // On a finding: the documentation of its rule.
        if let Some(list) = self.findings.get(&abs(&path)) {
            for d in list {
                let Some(s) = d.span else { continue };
                let covers = if s.is_empty() {
                    offset == s.start as usize
                } else {
                    (s.start as usize..=s.end as usize).contains(&offset)
                };
                if covers && d.file.text == file.text {
                    return json!({
                        "contents": { "kind": "markdown", "value": actions::rule_markdown(d.rule) },
                        "range": proto::range(&d.file, d.span),
                    });
                }
            }
        }
        Value::Null
    }
}

/// An absolute path with `.` and `..` resolved as the overlay keys them.
fn abs(path: &Path) -> PathBuf {
    crate::overlay::key(path)
}

/// What to lint for a changed file: its top chart folder, or the file itself when it is a YAML
/// file outside any chart; `None` for other files outside charts.
fn unit_of(path: &Path) -> Option<PathBuf> {
    let path = abs(path);
    let mut chart = None;
    let mut at = path.parent();
    while let Some(dir) = at {
        if dir.join("Chart.yaml").exists() {
            // A subchart's files belong to the top chart: climb out of `charts/`.
            let mut top = dir;
            while let Some(parent) = top.parent().filter(|p| p.ends_with("charts"))
                && let Some(grand) = parent.parent()
                && grand.join("Chart.yaml").exists()
            {
                top = grand;
            }
            chart = Some(top.to_path_buf());
            break;
        }
        at = dir.parent();
    }
    if chart.is_some() {
        return chart;
    }
    let yaml = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
    yaml.then_some(path)
}
