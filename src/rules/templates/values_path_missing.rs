use crate::chart::Chart;
use crate::chart::coalesce::{
    ChartValues, ValueView, ViewKind, for_subchart, subchart_key, with_dependencies,
};
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use serde_json::Value;
use std::collections::HashSet;

pub static META: RuleMeta = RuleMeta {
    name: "templates/values-path-missing",
    severity: Severity::Warning,
    summary: "A template reads a values path that values.yaml does not have",
    doc: r#"## What it does
Follows every `.Values.a.b` the templates read (also `$.Values…`, inside `with` and through
variables, `index .Values "a" "b"` with literal keys, `hasKey`, `dig`, and named templates
called with `.`) and compares it with the values Helm renders with: values.yaml, the defaults
of every dependency under its alias or name (subcharts in `charts/`, and dependencies found
locally: see `chart/dependency-not-vendored`), the parent's section and `global` for a
subchart, and `--values` files.

What is reported (a warning):
- a read through a missing middle key (`.Values.a.b.c` without `a.b`), not guarded: rendering
  fails with `nil pointer evaluating interface {}.c` as soon as it runs;
- a field read from a value that is a string, number or list, or `.Values` read where `.` is
  a value (inside `with`, or a named template called with one);
- a printed value whose key is missing while a key at the same level looks like a slip for it
  (`tagg` for `tag`, `existingSecrets` for `existingSecret`, `accessMode` for `accessModes`).

What is not:
- guarded reads: inside `if`/`with` on the same path or a prefix, after an earlier argument
  of `and` that tests it, in a condition (`if`, `and`, `or`, `not`, `eq`, `ne`, also in
  parentheses: a missing value is false), passed to `default`, `required`, `coalesce`,
  `ternary`, `empty`, `hasKey`, `dig`, `kindIs` or `typeIs`, ranged over, or read nil-safely
  (`((.Values.global).imageRegistry)`, through a variable): a similar sibling key does not
  turn these into typos (`coalesce .Values.service.port .Values.service.ports.http`);
- a legacy key read where an enclosing condition tests its replacement (`accessMode` in the
  `else` of `if .Values.persistence.accessModes`);
- keys below an empty mapping or `null` (`podAnnotations: {}` is filled in by users), and
  values under a dependency that is found nowhere (its defaults are unknown);
- named templates nothing calls, charts of partials only and library charts, and reads the
  analysis cannot follow (dynamic keys, values passed through `dict` or `tpl`).

An optional key read without a guard and absent from values.yaml is
`templates/values-key-undeclared` (info), and so is a read into a subtree the chart documents
(as a commented-out block in values.yaml or a dotted path in the README) but leaves unset.

## Why it matters
A misspelt path does not fail: Helm renders it as an empty string, so `existingSecrets`
instead of `existingSecret` silently drops the setting, and a missing middle key stops every
render of the chart that reaches it.

## Example
```yaml
# values.yaml
existingSecret: db-credentials
# templates/deployment.yaml
secretName: {{ .Values.existingSecrets }}
```

## Fix
Correct the path, or add the key to values.yaml with a documented default; for values that
are really optional, guard them with `{{ with … }}`, `{{ if … }}` or `default`.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check_chart);
pub const MANIFESTS: Option<ManifestCheck> = None;

/// The values reads are checked against: the JSON form Helm coalesces (with `--values` files
/// or a parent's section), or, for a chart on its own, its values read in place.
enum Values<'v> {
    Json(Value),
    InPlace(ChartValues<'v>),
}

/// A mapping a key is missing from.
enum MissingFrom<'v> {
    Json(&'v serde_json::Map<String, Value>),
    InPlace(ValueView<'v>),
}

impl MissingFrom<'_> {
    fn is_empty(&self, lists: &mut KeyLists) -> bool {
        match self {
            MissingFrom::Json(m) => m.is_empty(),
            MissingFrom::InPlace(v @ ValueView::Merged(..)) => lists.of(v).is_empty(),
            MissingFrom::InPlace(v) => v.is_empty(),
        }
    }
}

/// The sorted keys of the mappings read in place that values are missing from, listed once
/// per mapping (many reads miss in the same one).
#[derive(Default)]
struct KeyLists(crate::FastMap<(u8, usize), Vec<String>>);

impl KeyLists {
    fn of(&mut self, v: &ValueView) -> &[String] {
        self.0.entry(v.identity()).or_insert_with(|| v.keys())
    }
}

enum Miss<'v> {
    /// Missing from a mapping (possibly empty).
    Missing(MissingFrom<'v>),
    /// The parent is `null`.
    NullParent,
    /// The parent is a scalar or a list (its kind, `a string`, …).
    NotMap(&'static str),
}

fn find_miss<'v>(values: &'v Values, path: &[String]) -> Option<(usize, Miss<'v>)> {
    match values {
        Values::Json(values) => find_miss_json(values, path),
        Values::InPlace(values) => {
            let mut node = values.root();
            for (i, seg) in path.iter().enumerate() {
                match node.kind() {
                    ViewKind::Mapping => match node.get(seg) {
                        Some(v) => node = v,
                        None => return Some((i, Miss::Missing(MissingFrom::InPlace(node)))),
                    },
                    ViewKind::Null => return Some((i, Miss::NullParent)),
                    ViewKind::Other(kind) => return Some((i, Miss::NotMap(kind))),
                }
            }
            None
        }
    }
}

fn find_miss_json<'v>(values: &'v Value, path: &[String]) -> Option<(usize, Miss<'v>)> {
    let mut node = values;
    for (i, seg) in path.iter().enumerate() {
        match node {
            Value::Object(m) => match m.get(seg) {
                Some(v) => node = v,
                None => return Some((i, Miss::Missing(MissingFrom::Json(m)))),
            },
            Value::Null => return Some((i, Miss::NullParent)),
            other => return Some((i, Miss::NotMap(type_name(other)))),
        }
    }
    None
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
        Value::Null => "null",
    }
}

fn check_chart(chart: &Chart, ctx: &Ctx, sink: &mut Sink) {
    check_reads(chart, ctx, sink, Kind::Broken);
}

/// Which findings of the shared analysis a rule emits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Reads that fail rendering or that look like a typo of an existing key (this rule).
    Broken,
    /// Optional values read without a guard and without a default in values.yaml
    /// (`templates/values-key-undeclared`).
    Undeclared,
}

/// One finding of the analysis behind this rule and `templates/values-key-undeclared`.
#[derive(Debug)]
pub struct ReadFinding {
    kind: Kind,
    /// The template, as an index of [`Chart::parsed_templates`].
    template: usize,
    span: crate::source::Span,
    message: String,
    label: String,
    help: String,
}

/// Reports the findings of `kind` of the analysis behind this rule and
/// `templates/values-key-undeclared`, which runs once for both.
pub(crate) fn check_reads(chart: &Chart, ctx: &Ctx, sink: &mut Sink, kind: Kind) {
    let found = ctx
        .value_read_findings
        .get_or_init(|| read_findings(chart, ctx));
    if found.is_empty() {
        return;
    }
    let parsed = chart.parsed_templates();
    for f in found.iter().filter(|f| f.kind == kind) {
        let Some(t) = parsed.get(f.template) else {
            continue;
        };
        let meta = match kind {
            Kind::Broken => &META,
            Kind::Undeclared => &super::values_key_undeclared::META,
        };
        let d = sink.report(meta, &t.file, f.span, f.message.clone());
        d.label(f.label.clone());
        d.help(f.help.clone());
    }
}

/// The findings of both rules, in the order of the reads; each template position is reported
/// once per rule.
fn read_findings(chart: &Chart, ctx: &Ctx) -> Vec<ReadFinding> {
    let mut out = Vec::new();
    if crate::rules::chart::is_library(chart) || chart.templates.is_empty() {
        return out;
    }
    // A chart of partials only renders nothing itself: its `define`s are for other charts,
    // whose values they read (a library chart from before `type: library`).
    if chart.parsed_templates().iter().all(|t| t.partial) {
        return out;
    }
    let reads = chart.value_reads();
    if reads.reads.is_empty() {
        return out;
    }
    let (values, source) = match ctx.parent {
        None if ctx.overrides.is_empty() => (
            Values::InPlace(ChartValues::of(chart)),
            "values.yaml".to_string(),
        ),
        None => (
            Values::Json(with_dependencies(chart, ctx.overrides)),
            "values.yaml".to_string(),
        ),
        Some(parent) => {
            let key = subchart_key(parent, chart);
            (
                Values::Json(for_subchart(
                    &with_dependencies(parent, ctx.overrides),
                    &key,
                    chart,
                )),
                format!("values.yaml or the parent's `{key}` section"),
            )
        }
    };
    // Values under a dependency that is found nowhere come from its unknown defaults.
    let unknown: Vec<&str> = chart
        .dependencies()
        .iter()
        .filter(|d| chart.dependency_chart(d.name).is_none())
        .map(|d| d.key())
        .collect();
    let parsed = chart.parsed_templates();
    let mut lists = KeyLists::default();
    // Template positions reported, for each rule.
    let mut seen_broken = HashSet::new();
    let mut seen_undeclared = HashSet::new();
    for r in &reads.reads {
        if !r.checkable || r.path.is_empty() || unknown.contains(&r.path[0].as_str()) {
            continue;
        }
        let Some((i, miss)) = find_miss(&values, &r.path) else {
            continue;
        };
        // A miss before this read's own segments was judged at the read it came from (a
        // variable, `.` or a parenthesised value: Go hands on a nil there as an invalid
        // value, whose fields read as nothing).
        if i < r.own_from {
            continue;
        }
        if parsed.get(r.template).is_none() {
            continue;
        }
        let Some(&span) = r.spans.get(i) else {
            continue;
        };
        let shown = format!(".Values.{}", r.path[..=i].join("."));
        let deeper = i + 1 < r.path.len();
        let prefix_guard = r.guard_len > i;
        let (rule, message, label, suggestion) = match miss {
            Miss::NotMap(kind) => {
                if r.optional || prefix_guard || r.lookup {
                    continue;
                }
                let parent = r.path[..i].join(".");
                (
                    Kind::Broken,
                    format!(
                        "`.Values.{parent}` is {} in {source}, so `.{}` cannot be read from it",
                        kind, r.path[i]
                    ),
                    format!("`{parent}` is not a mapping"),
                    Some(Err(format!(
                        "read `.Values.{parent}` itself, or make `{parent}` a mapping in values.yaml"
                    ))),
                )
            }
            Miss::NullParent | Miss::Missing(_) if deeper => {
                if prefix_guard || r.lookup {
                    continue;
                }
                if i > 0 && i == r.own_from && r.path[i] == "Values" {
                    if !seen_broken.insert((r.template, span)) {
                        continue;
                    }
                    let dot = r.path[..i].join(".");
                    let rest = r.path[i + 1..].join(".");
                    out.push(ReadFinding {
                        kind: Kind::Broken,
                        template: r.template,
                        span,
                        message: format!(
                            "Here `.` is `.Values.{dot}`, so `.Values.{rest}` reads `.Values.{dot}.Values.{rest}`, which is not set (nil pointer evaluating interface {{}}.{})",
                            r.path[i + 1]
                        ),
                        label: "`.` is not the chart's context here".to_string(),
                        help: format!("inside `with` and named templates called with a value, reach the chart's values through `$`: `$.Values.{rest}`"),
                    });
                    continue;
                }
                let siblings = match miss {
                    Miss::Missing(m) => closest(&r.path[i], &m, &mut lists),
                    _ => None,
                };
                // A subtree the chart documents (in a comment of values.yaml or in the
                // README) without setting it is for users to fill in: reading into it fails
                // only for a user who enables the feature without configuring it.
                if siblings.is_none() && documented(chart, &r.path[..=i + 1]) {
                    (
                        Kind::Undeclared,
                        format!(
                            "`{shown}` is documented but not set in {source}, so reading `.{}` from it fails (nil pointer evaluating interface {{}}.{}) unless users set it",
                            r.path[i + 1],
                            r.path[i + 1]
                        ),
                        "not in values".to_string(),
                        None,
                    )
                } else {
                    (
                        Kind::Broken,
                        format!(
                            "`{shown}` is not set in {source}, so reading `.{}` from it fails (nil pointer evaluating interface {{}}.{})",
                            r.path[i + 1],
                            r.path[i + 1]
                        ),
                        "not in values".to_string(),
                        siblings.map(Ok),
                    )
                }
            }
            Miss::NullParent => continue,
            Miss::Missing(m) => {
                // Below an empty mapping: filled in by users.
                if m.is_empty(&mut lists) {
                    continue;
                }
                // Guarded, tested, defaulted, ranged over or read nil-safely: a missing value
                // is expected there, however alike a sibling key looks.
                if prefix_guard || r.optional || r.lookup || r.chained || r.ranged {
                    continue;
                }
                let typo = closest(&r.path[i], &m, &mut lists)
                    .filter(|s| likely_typo(&r.path[i], s) && !r.sibling_tests.contains(s));
                // A condition on an undeclared key is the usual optional setting, and an
                // alternative to a similar key (`or .Values.ldap.url .Values.ldap.uri`, a
                // check for a deprecated spelling) as often as a slip: silent.
                if r.test || r.compared {
                    continue;
                }
                match typo {
                    Some(s) => (
                        Kind::Broken,
                        format!(
                            "`{shown}` is not set in {source}, but `{}` is; it renders as an empty value",
                            s
                        ),
                        "not in values".to_string(),
                        Some(Ok(s)),
                    ),
                    None => (
                        Kind::Undeclared,
                        format!(
                            "`{shown}` is not declared in {source}; unless users set it, it renders as an empty value"
                        ),
                        "not in values".to_string(),
                        None,
                    ),
                }
            }
        };
        let seen = match rule {
            Kind::Broken => &mut seen_broken,
            Kind::Undeclared => &mut seen_undeclared,
        };
        if !seen.insert((r.template, span)) {
            continue;
        }
        let help = if let Some(Err(help)) = suggestion {
            help
        } else if let Some(Ok(s)) = suggestion {
            let mut p = r.path[..i].to_vec();
            p.push(s);
            format!("did you mean `.Values.{}`?", p.join("."))
        } else {
            format!(
                "declare `{}` in values.yaml (with a default and a comment), or guard the read with `default`, `if` or `with`",
                r.path[..=i].join(".")
            )
        };
        out.push(ReadFinding {
            kind: rule,
            template: r.template,
            span,
            message,
            label,
            help,
        });
    }
    out
}

/// Whether `word` (read) looks like a slip for `key` (set): the same key up to case and
/// separators, singular for plural (`accessMode` / `accessModes`), or a difference of one
/// character (two changed characters in longer keys). Renamings such as `existingCASecret` / `existingTLSSecret`,
/// `statdPort` / `statdNodePort` or `fluentdUserConfig` / `fluentdUserConfigDir` name another
/// setting, not a typo.
fn likely_typo(word: &str, key: &str) -> bool {
    let norm = |s: &str| {
        s.chars()
            .filter(|c| !matches!(c, '_' | '-'))
            .flat_map(char::to_lowercase)
            .collect::<String>()
    };
    let (a, b) = (norm(word), norm(key));
    let plural = |x: &str, y: &str| x.strip_suffix('s') == Some(y);
    if a == b || plural(&a, &b) || plural(&b, &a) {
        return true;
    }
    let d = crate::suggest::distance(&a, &b);
    let (la, lb) = (a.chars().count(), b.chars().count());
    d <= 1 || (d == 2 && la == lb && la >= 6)
}

/// Whether the chart documents the values path `path` without setting it: a commented-out
/// key of that name in values.yaml (`# s3:` / `#   region:`), or the dotted path in the
/// README or in a values.yaml comment (`s3.region`).
fn documented(chart: &Chart, path: &[String]) -> bool {
    let dotted = path.join(".");
    if chart
        .readme
        .as_ref()
        .is_some_and(|r| r.text.contains(&dotted))
    {
        return true;
    }
    let Some(values) = &chart.values else {
        return false;
    };
    let Some(parent) = path.len().checked_sub(2).and_then(|i| path.get(i)) else {
        return false;
    };
    comment_mentions(&values.file.text, &dotted, &format!("{parent}:"))
}

/// Whether a comment line of `text` holds `dotted`, or starts (after its `#`s) with
/// `parent_key`.
fn comment_mentions(text: &str, dotted: &str, parent_key: &str) -> bool {
    // Where the words of a comment line start and where the line ends (as `str::lines` ends
    // it), for the line holding byte `at`: found from each occurrence of the words, not by
    // searching every comment line.
    let comment_at = |at: usize| -> Option<(usize, usize)> {
        let bytes = text.as_bytes();
        let start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
        let end = memchr::memchr(b'\n', &bytes[at..]).map_or(text.len(), |i| at + i);
        let mut line = &text[start..end];
        if end < text.len() {
            line = line.strip_suffix('\r').unwrap_or(line);
        }
        let c = line.trim_start().strip_prefix('#')?;
        let c = c.trim_start_matches('#').trim_start();
        let line_end = start + line.len();
        Some((line_end - c.len(), line_end))
    };
    memchr::memmem::find_iter(text.as_bytes(), dotted.as_bytes())
        .any(|at| comment_at(at).is_some_and(|(from, to)| from <= at && at + dotted.len() <= to))
        || memchr::memmem::find_iter(text.as_bytes(), parent_key.as_bytes()).any(|at| {
            comment_at(at).is_some_and(|(from, to)| from == at && at + parent_key.len() <= to)
        })
}

fn closest(word: &str, m: &MissingFrom, lists: &mut KeyLists) -> Option<String> {
    match m {
        MissingFrom::Json(m) => closest_of(word, m.keys().map(String::as_str)),
        MissingFrom::InPlace(v) => closest_of(word, lists.of(v).iter().map(String::as_str)),
    }
}

fn closest_of<'a>(word: &str, keys: impl Iterator<Item = &'a str> + Clone) -> Option<String> {
    crate::suggest::closest(word, keys.clone())
        .or_else(|| crate::suggest::same_but_case(word, keys))
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    /// [`super::comment_mentions`], line by line.
    fn by_lines(text: &str, dotted: &str, parent_key: &str) -> bool {
        text.lines().any(|l| {
            let Some(c) = l.trim_start().strip_prefix('#') else {
                return false;
            };
            let c = c.trim_start_matches('#').trim_start();
            c.contains(dotted) || c.starts_with(parent_key)
        })
    }

    #[test]
    fn comments_are_searched_as_line_by_line() {
        // Every text of up to four pieces, some of them line ends and comment marks.
        let pieces = [
            "#", " ", "a.b", "a:", "\n", "\r\n", "\r", "x", "## a", "a.", "b",
        ];
        let mut texts = vec![String::new()];
        for _ in 0..4 {
            let mut next = Vec::new();
            for t in &texts {
                for p in pieces {
                    next.push(format!("{t}{p}"));
                }
            }
            texts.extend(next);
            texts.sort();
            texts.dedup();
        }
        for t in &texts {
            for (dotted, key) in [("a.b", "a:"), ("b", "x:"), ("a.b.c", "b:")] {
                assert_eq!(
                    super::comment_mentions(t, dotted, key),
                    by_lines(t, dotted, key),
                    "{t:?} {dotted} {key}"
                );
            }
        }
    }
}
