//! Finds alerting and recording rules with their spans: in values files (any sequence of
//! mappings with `alert`/`record` and `expr`), in plain rule files (`groups:` → `rules:`), in
//! `PrometheusRule` resources, and in chart templates that hold `PrometheusRule` resources
//! (after turning Helm's escapes back into the text Prometheus will see).

use super::parse::{self, ParseError};
use super::templated::{self, ActionKind, Slot};
use super::text::Text;
use crate::source::{File, SourceFile, Span};
use crate::yaml::{Node, NodeKind, YamlFile};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, Weak};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A rule in values.yaml (rendered by the chart's templates).
    Values,
    /// A plain Prometheus rule file.
    RuleFile,
    /// A `PrometheusRule` resource among manifests.
    PrometheusRule,
    /// A `PrometheusRule` resource in a chart template.
    Template,
}

impl Origin {
    /// Whether the rule is read by Prometheus as written (strict field checks apply).
    pub fn is_strict(self) -> bool {
        !matches!(self, Origin::Values)
    }
}

/// A `key: value` of a rule with both spans.
#[derive(Clone, Debug)]
pub struct Field {
    pub key: String,
    pub key_span: Span,
    pub value: Text,
    /// `false` when the value is a mapping or sequence (not a scalar).
    pub scalar: bool,
}

#[derive(Clone, Debug)]
pub struct PromRule {
    /// The rule's mapping in the file.
    pub span: Span,
    pub origin: Origin,
    pub group: Option<String>,
    pub group_labels: Vec<(String, String)>,
    /// 1-based position in its group (or sequence).
    pub index: usize,
    pub alert: Option<Field>,
    pub record: Option<Field>,
    pub expr: Option<Field>,
    pub for_: Option<Field>,
    pub keep_firing_for: Option<Field>,
    pub labels: Vec<Field>,
    pub labels_span: Option<Span>,
    pub annotations: Vec<Field>,
    pub annotations_span: Option<Span>,
    /// Keys that are not rule fields, with their spans.
    pub unknown: Vec<(String, Span)>,
    /// Fields whose value is (partly) a Helm template action: unknown until rendering.
    pub templated: Vec<String>,
    /// The rule mapping holds template actions (conditionals, `toYaml` of extra labels).
    pub has_template_actions: bool,
    /// An `expr` written with template actions (not in `expr`, not parsed): its text, with the
    /// actions' places in it, for the placeholder check of `prometheus/promql-syntax`.
    pub templated_expr: Option<(Field, Vec<Slot>)>,
    /// The expression parsed once: `None` without a usable `expr`.
    pub parsed: Option<Result<super::ast::Expr, ParseError>>,
}

impl PromRule {
    pub fn is_alert(&self) -> bool {
        self.alert.is_some()
    }

    /// The alert or record name.
    pub fn name(&self) -> Option<&str> {
        self.alert
            .as_ref()
            .or(self.record.as_ref())
            .map(|f| f.value.value.as_str())
    }

    pub fn name_field(&self) -> Option<&Field> {
        self.alert.as_ref().or(self.record.as_ref())
    }

    /// The parsed expression, if it parsed.
    pub fn ast(&self) -> Option<&super::ast::Expr> {
        self.parsed.as_ref().and_then(|r| r.as_ref().ok())
    }

    pub fn label(&self, name: &str) -> Option<&Field> {
        self.labels.iter().rev().find(|f| f.key == name)
    }

    /// Labels from the rule and its group, as Prometheus attaches them.
    pub fn all_labels(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self.group_labels.clone();
        for f in &self.labels {
            out.retain(|(k, _)| k != &f.key);
            out.push((f.key.clone(), f.value.value.clone()));
        }
        out.sort();
        out
    }
}

const RULE_FIELDS: &[&str] = &[
    "alert",
    "record",
    "expr",
    "for",
    "keep_firing_for",
    "labels",
    "annotations",
];

/// Text preprocessed from a chart template, with the map back to the file.
struct Prepared {
    text: String,
    /// (offset in `text`, offset in the file) at each change of shift.
    breaks: Vec<(usize, usize)>,
    /// Ranges of `text` that stand for template actions.
    placeholders: Vec<(usize, usize)>,
}

impl Prepared {
    fn to_file(&self, t: usize) -> usize {
        let i = self.breaks.partition_point(|&(tp, _)| tp <= t);
        match i.checked_sub(1).and_then(|i| self.breaks.get(i)) {
            Some(&(tp, op)) => op + (t - tp),
            None => t,
        }
    }

    fn overlaps(&self, s: usize, e: usize) -> bool {
        self.placeholders
            .iter()
            .any(|&(ps, pe)| ps < e.max(s + 1) && s < pe)
    }
}

/// Turns a chart template into the YAML Prometheus will eventually read: the escape forms
/// ``{{`{{`}}`` and `{{ "{{" }}` become `{{`, other actions become blanks (whole-line actions) or
/// same-length placeholders (inline), recorded so rules using them can be skipped.
fn prepare_template(src: &str) -> Prepared {
    let mut text = String::with_capacity(src.len());
    let mut breaks = vec![(0, 0)];
    let mut placeholders = Vec::new();
    let mut i = 0;
    let b = src.as_bytes();
    while i < src.len() {
        let Some(rel) = src[i..].find("{{") else {
            text.push_str(&src[i..]);
            break;
        };
        let start = i + rel;
        text.push_str(&src[i..start]);
        let Some(close_rel) = templated::action_len(&src[start..]) else {
            // Unterminated action: blank the rest.
            let ts = text.len();
            text.push_str(&" ".repeat(src.len() - start));
            placeholders.push((ts, text.len()));
            break;
        };
        let end = start + close_rel;
        let inner = src[start + 2..end - 2]
            .trim_start_matches('-')
            .trim_end_matches('-')
            .trim();
        let escaped = match inner {
            "`{{`" | "\"{{\"" => Some("{{"),
            "`}}`" | "\"}}\"" => Some("}}"),
            _ => None,
        };
        match escaped {
            Some(rep) => {
                text.push_str(rep);
                breaks.push((text.len(), end));
            }
            None => {
                // Alone on its line: only white space before it on the line, and after it
                // only white space or another action. Both scans stop at the first other
                // character, so many actions on one line cost linear time.
                let before = src[..start]
                    .bytes()
                    .rev()
                    .find(|c| *c == b'\n' || !c.is_ascii_whitespace());
                let after = src[end..]
                    .bytes()
                    .position(|c| c == b'\n' || !c.is_ascii_whitespace())
                    .map(|p| &src[end + p..]);
                let alone = before.is_none_or(|c| c == b'\n')
                    && after.is_none_or(|rest| rest.starts_with('\n') || rest.starts_with("{{"));
                let ts = text.len();
                for &c in &b[start..end] {
                    text.push(if c == b'\n' {
                        '\n'
                    } else if alone {
                        ' '
                    } else {
                        'x'
                    });
                }
                placeholders.push((ts, text.len()));
            }
        }
        i = end;
    }
    Prepared {
        text,
        breaks,
        placeholders,
    }
}

#[derive(Clone, Copy)]
struct Ctx<'a> {
    src: &'a str,
    /// The file's own text (`src` is the preprocessed text of a chart template).
    orig: &'a str,
    prep: Option<&'a Prepared>,
    origin: Origin,
}

impl Ctx<'_> {
    fn file_offset(self, t: usize) -> usize {
        match self.prep {
            Some(p) => p.to_file(t),
            None => t,
        }
    }

    fn span(&self, s: Span) -> Span {
        Span::new(
            self.file_offset(s.start as usize),
            self.file_offset(s.end as usize),
        )
    }

    /// The actions of a templated expression, in the expression's text: the bytes of each
    /// placeholder, and a control slot when a control action lies within the scalar (its line
    /// may have been blanked away).
    fn template_slots(&self, text: &Text) -> Vec<Slot> {
        let Some(prep) = self.prep else {
            return templated::slots_in(&text.value);
        };
        // The actions in file offsets.
        let actions: Vec<(usize, usize)> = prep
            .placeholders
            .iter()
            .map(|&(ps, pe)| {
                let fs = prep.to_file(ps);
                (fs, fs + (pe - ps))
            })
            .collect();
        let action = |(s, e): (usize, usize)| self.orig.get(s..e).unwrap_or("");
        let kind = |(s, e): (usize, usize)| match self.orig.get(s..e) {
            Some(a) => templated::classify(a),
            None => ActionKind::Control,
        };
        let mut slots: Vec<Slot> = Vec::new();
        let mut seen = vec![false; actions.len()];
        let mut last: Option<usize> = None;
        for i in 0..text.value.len() {
            let at = text.span_of(i, i + 1).start as usize;
            let a = actions.partition_point(|&(s, _)| s <= at);
            let hit = a
                .checked_sub(1)
                .filter(|&k| actions[k].0 <= at && at < actions[k].1);
            match (hit, last) {
                (Some(k), Some(l)) if k == l => {
                    if let Some(s) = slots.last_mut() {
                        s.range.end = i + 1;
                    }
                }
                (Some(k), _) => {
                    seen[k] = true;
                    slots.push(Slot {
                        range: i..i + 1,
                        kind: kind(actions[k]),
                        action: action(actions[k]).to_string(),
                    });
                }
                (None, _) => {}
            }
            last = hit;
        }
        // An action inside the scalar whose bytes are not in the value (a line of its own,
        // blanked, then dropped by YAML): what it prints or chooses cannot be followed.
        let (fs, fe) = (text.span.start as usize, text.span.end as usize);
        if actions.iter().enumerate().any(|(k, &(s, e))| {
            fs <= s && e <= fe && !seen[k] && kind((s, e)) != ActionKind::Silent
        }) {
            slots.push(Slot {
                range: 0..0,
                kind: ActionKind::Control,
                action: String::new(),
            });
        }
        slots
    }

    fn templated(&self, s: Span) -> bool {
        self.prep
            .is_some_and(|p| p.overlaps(s.start as usize, s.end as usize))
    }

    fn text(&self, node: &Node) -> Text {
        let to_file = |o: usize| self.file_offset(o);
        Text::from_node(node, self.src, &to_file)
            .unwrap_or_else(|| Text::detached("", self.span(node.span)))
    }

    fn field(&self, e: &crate::yaml::Entry) -> Field {
        let scalar = e.value.as_scalar().is_some();
        let value = if e.value.is_null() {
            Text::detached("", self.span(e.value.span))
        } else {
            self.text(&e.value)
        };
        Field {
            key: e.key_str().unwrap_or_default().to_string(),
            key_span: self.span(e.key.span),
            value,
            scalar,
        }
    }

    fn map_fields(&self, node: &Node) -> Vec<Field> {
        node.entries()
            .filter(|e| !self.templated(e.key.span))
            .map(|e| self.field(e))
            .collect()
    }

    fn rule(
        &self,
        node: &Node,
        index: usize,
        group: Option<String>,
        group_labels: &[(String, String)],
    ) -> PromRule {
        let mut r = PromRule {
            span: self.span(node.span),
            origin: self.origin,
            group,
            group_labels: group_labels.to_vec(),
            index,
            alert: None,
            record: None,
            expr: None,
            for_: None,
            keep_firing_for: None,
            labels: Vec::new(),
            labels_span: None,
            annotations: Vec::new(),
            annotations_span: None,
            unknown: Vec::new(),
            templated: Vec::new(),
            has_template_actions: self.templated(node.span),
            templated_expr: None,
            parsed: None,
        };
        let entries: Vec<_> = node.entries().collect();
        for (i, e) in entries.iter().enumerate() {
            let e = *e;
            let Some(key) = e.key_str() else { continue };
            if self.templated(e.key.span) {
                continue;
            }
            // A block scalar whose lines are all actions (`expr: |` then
            // `{{- tpl .expr $ | nindent 12 }}`) reads as empty: its text is the actions'.
            let blank_block = e.value.scalar_text().is_some_and(|t| t.trim().is_empty())
                && self.prep.is_some_and(|p| {
                    let end = entries
                        .get(i + 1)
                        .map_or(node.span.end, |n| n.key.span.start);
                    p.overlaps(
                        e.key.span.end as usize,
                        (end as usize).max(e.value.span.end as usize),
                    )
                });
            if (self.templated(e.value.span) || blank_block)
                && !matches!(key, "labels" | "annotations")
            {
                r.templated.push(key.to_string());
                if key == "expr" && e.value.as_scalar().is_some() {
                    let f = self.field(e);
                    let slots = self.template_slots(&f.value);
                    r.templated_expr = Some((f, slots));
                }
                continue;
            }
            // A values expression with template actions is a `tpl` string: its PromQL exists
            // only once the chart renders it.
            if key == "expr"
                && self.origin == Origin::Values
                && e.value.scalar_text().is_some_and(|t| t.contains("{{"))
            {
                r.templated.push(key.to_string());
                let f = self.field(e);
                let slots = self.template_slots(&f.value);
                r.templated_expr = Some((f, slots));
                continue;
            }
            let f = || self.field(e);
            match key {
                "alert" => r.alert = Some(f()),
                "record" => r.record = Some(f()),
                "expr" => r.expr = Some(f()),
                "for" => r.for_ = Some(f()),
                "keep_firing_for" => r.keep_firing_for = Some(f()),
                "labels" | "annotations" => {
                    let fields = self.map_fields(&e.value);
                    if self.templated(e.value.span) {
                        r.templated.push(key.to_string());
                    }
                    let span = Some(self.span(e.key.span));
                    if key == "labels" {
                        r.labels = fields;
                        r.labels_span = span;
                    } else {
                        r.annotations = fields;
                        r.annotations_span = span;
                    }
                }
                other => {
                    if !RULE_FIELDS.contains(&other) {
                        r.unknown.push((other.to_string(), self.span(e.key.span)));
                    }
                }
            }
        }
        if let Some(expr) = &r.expr
            && expr.scalar
            && !expr.value.value.trim().is_empty()
        {
            r.parsed = Some(parse::parse(&expr.value.value));
        }
        r
    }
}

fn looks_like_rule(node: &Node) -> bool {
    node.as_map().is_some()
        && node.get("expr").is_some()
        && (node.get("alert").is_some() || node.get("record").is_some())
}

/// Rules anywhere in a values tree.
fn from_values(ctx: &Ctx, node: &Node, group: Option<&str>, out: &mut Vec<PromRule>) {
    match &node.kind {
        NodeKind::Seq(items) => {
            let mut index = 0;
            for item in items {
                if looks_like_rule(item) {
                    index += 1;
                    out.push(ctx.rule(item, index, group.map(str::to_string), &[]));
                } else {
                    from_values(ctx, item, None, out);
                }
            }
        }
        NodeKind::Map(_) => {
            let name = node.get("name").and_then(Node::as_str);
            for e in node.entries() {
                let g = if e.key_str() == Some("rules") {
                    name
                } else {
                    None
                };
                from_values(ctx, &e.value, g, out);
            }
        }
        NodeKind::Scalar(_) => {}
    }
}

fn from_groups(ctx: &Ctx, groups: &Node, out: &mut Vec<PromRule>) {
    for g in groups.as_seq().unwrap_or(&[]) {
        let name = g
            .get("name")
            .and_then(Node::scalar_text)
            .map(str::to_string);
        let labels: Vec<(String, String)> = g
            .get("labels")
            .map(|l| {
                l.entries()
                    .filter_map(|e| {
                        Some((
                            e.key_str()?.to_string(),
                            e.value.scalar_text().unwrap_or("").to_string(),
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        for (i, r) in g
            .get("rules")
            .and_then(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .enumerate()
        {
            if r.as_map().is_some() {
                out.push(ctx.rule(r, i + 1, name.clone(), &labels));
            }
        }
    }
}

/// Rules of a parsed YAML manifest or rule file.
fn from_manifest(ctx: &Ctx, yaml: &YamlFile, out: &mut Vec<PromRule>) {
    for doc in &yaml.documents {
        let Some(root) = &doc.root else { continue };
        if root.get("kind").and_then(Node::as_str) == Some("PrometheusRule") {
            if let Some(groups) = root.get_path(&["spec", "groups"]) {
                let c = Ctx {
                    origin: if ctx.origin == Origin::Template {
                        Origin::Template
                    } else {
                        Origin::PrometheusRule
                    },
                    ..*ctx
                };
                from_groups(&c, groups, out);
            }
        } else if ctx.origin == Origin::RuleFile
            && let Some(groups) = root.get("groups")
            && groups
                .as_seq()
                .is_some_and(|g| g.iter().any(|g| g.get("rules").is_some()))
        {
            from_groups(ctx, groups, out);
        }
    }
}

/// Rules in a values file.
pub fn values_rules(file: &File, yaml: &YamlFile) -> Arc<Vec<PromRule>> {
    cached(file, 0, || {
        let ctx = Ctx {
            src: &file.text,
            orig: &file.text,
            prep: None,
            origin: Origin::Values,
        };
        let mut out = Vec::new();
        if let Some(root) = yaml.root() {
            from_values(&ctx, root, None, &mut out);
        }
        out
    })
}

/// Rules in a manifest or rule file.
pub fn manifest_rules(file: &File, yaml: &YamlFile) -> Arc<Vec<PromRule>> {
    cached(file, 1, || {
        if !file.text.contains("rules") {
            return Vec::new();
        }
        let ctx = Ctx {
            src: &file.text,
            orig: &file.text,
            prep: None,
            origin: Origin::RuleFile,
        };
        let mut out = Vec::new();
        from_manifest(&ctx, yaml, &mut out);
        out
    })
}

/// Rules in a chart template holding `PrometheusRule` resources.
pub fn template_rules(file: &File) -> Arc<Vec<PromRule>> {
    cached(file, 2, || {
        if !file.text.contains("PrometheusRule") {
            return Vec::new();
        }
        let prep = prepare_template(&file.text);
        let yaml = crate::yaml::parse(&prep.text);
        let ctx = Ctx {
            src: &prep.text,
            orig: &file.text,
            prep: Some(&prep),
            origin: Origin::Template,
        };
        let mut out = Vec::new();
        from_manifest(&ctx, &yaml, &mut out);
        out
    })
}

type CacheMap = HashMap<(usize, u8), (Weak<SourceFile>, Arc<Vec<PromRule>>)>;

static CACHE: OnceLock<Mutex<CacheMap>> = OnceLock::new();

/// Each file's rules are extracted and parsed once, however many rules read them.
fn cached(file: &File, kind: u8, f: impl FnOnce() -> Vec<PromRule>) -> Arc<Vec<PromRule>> {
    let cache = CACHE.get_or_init(Default::default);
    let key = (Arc::as_ptr(file) as usize, kind);
    if let Ok(map) = cache.lock()
        && let Some((weak, rules)) = map.get(&key)
        && weak.upgrade().is_some_and(|f| Arc::ptr_eq(&f, file))
    {
        return rules.clone();
    }
    let rules = Arc::new(f());
    if let Ok(mut map) = cache.lock() {
        // Sweep entries of dropped files when the map reaches a power of two in size, so the
        // sweeps cost constant time per insert however many files stay alive.
        if map.len() >= 256 && map.len().is_power_of_two() {
            map.retain(|_, (w, _)| w.strong_count() > 0);
        }
        map.insert(key, (Arc::downgrade(file), rules.clone()));
    }
    rules
}

/// Drops the cached rules of `files`. Called when a chart or manifest set has been linted, so
/// the cache holds only the files of units in progress, not every file a finding keeps alive.
pub fn release(files: &[File]) {
    let Some(cache) = CACHE.get() else { return };
    if let Ok(mut map) = cache.lock() {
        if map.is_empty() {
            return;
        }
        let done: crate::FastSet<usize> = files.iter().map(|f| Arc::as_ptr(f) as usize).collect();
        map.retain(|(ptr, _), (weak, _)| weak.strong_count() > 0 && !done.contains(ptr));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_drops_the_cached_rules_of_finished_files() {
        let src = "monitoring:\n  rules:\n    - alert: A\n      expr: up == 0\n";
        let f = SourceFile::new("values.yaml", src.to_string());
        let y = crate::yaml::parse(src);
        let held = |f: &File| {
            let map = CACHE.get().unwrap().lock().unwrap();
            map.contains_key(&(Arc::as_ptr(f) as usize, 0))
                || map.contains_key(&(Arc::as_ptr(f) as usize, 1))
        };
        let first = values_rules(&f, &y);
        assert!(held(&f));
        // A second read is the cached one.
        assert!(Arc::ptr_eq(&first, &values_rules(&f, &y)));
        release(std::slice::from_ref(&f));
        // The file is still alive (a finding may keep it), but its rules are gone.
        assert!(!held(&f));
    }

    #[test]
    fn finds_rules_in_values_with_spans() {
        let src = "monitoring:\n  rules:\n    - alert: A\n      expr: |\n        sum(x)\n          > 3\n      labels:\n        severity: error\n";
        let f = SourceFile::new("values.yaml", src.to_string());
        let y = crate::yaml::parse(src);
        let rules = values_rules(&f, &y);
        assert_eq!(rules.len(), 1);
        let r = &rules[0];
        assert_eq!(r.name(), Some("A"));
        let e = r.expr.as_ref().unwrap();
        let at = e.value.value.find('>').unwrap();
        assert_eq!(&src[e.value.span_of(at, at + 1).range()], ">");
        assert!(r.ast().is_some());
        assert_eq!(r.label("severity").unwrap().value.value, "error");
    }

    #[test]
    fn template_escapes_become_prometheus_text() {
        let src = "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n  name: {{ include \"x.fullname\" . }}\nspec:\n  groups:\n    - name: g\n      rules:\n        {{- if .Values.on }}\n        - alert: A\n          expr: up{job=\"{{ .Values.job }}\"} == 0\n          annotations:\n            summary: \"{{`{{`}} $labels.pod {{`}}`}} down\"\n        - alert: B\n          expr: up == 0\n          annotations:\n            summary: '{{ \"{{\" }} $labels.pod {{ \"}}\" }}'\n        {{- end }}\n";
        let f = SourceFile::new("templates/rules.yaml", src.to_string());
        let rules = template_rules(&f);
        assert_eq!(rules.len(), 2, "{rules:?}");
        assert!(rules[0].expr.is_none());
        assert_eq!(rules[0].templated, vec!["expr".to_string()]);
        let a = &rules[0].annotations[0].value;
        assert_eq!(a.value, "{{ $labels.pod }} down");
        let at = a.value.find("pod").unwrap();
        assert_eq!(&src[a.span_of(at, at + 3).range()], "pod");
        assert_eq!(rules[1].annotations[0].value.value, "{{ $labels.pod }}");
        assert!(rules[1].ast().is_some());
    }

    #[test]
    fn values_expressions_with_template_actions_are_templated() {
        let src = "prometheus:\n  rules:\n    - alert: Down\n      expr: up{service=\"{{ template \"x.fullname\" . }}\"} == 0\n    - alert: Up\n      expr: up == 1\n";
        let f = SourceFile::new("values.yaml", src.to_string());
        let y = crate::yaml::parse(src);
        let rules = values_rules(&f, &y);
        assert_eq!(rules.len(), 2);
        assert!(rules[0].expr.is_none() && rules[0].parsed.is_none());
        assert_eq!(rules[0].templated, vec!["expr".to_string()]);
        assert!(rules[1].ast().is_some());
    }
}
