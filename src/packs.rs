//! Rule packs: conventions that are data rather than code (`rules/*.yaml`, described by
//! `schemas/rule-pack.schema.json`). A pack rule selects values by path pattern or manifest
//! fields by kind and path, and asserts a type, an enum, a pattern, a range, required or known
//! keys, or a JSON Schema fragment.
//!
//! plimsoll ships `rules/kar.yaml` and `rules/helm-best-practices.yaml`, always active; users
//! add packs with `--rules PATH` or `rulePacks` in `.plimsoll.yaml`.

use crate::chart::{Chart, YamlDoc};
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::k8s::objects;
use crate::source::{File, SourceFile, Span};
use crate::yaml::Node;
use regex::Regex;
use std::path::Path;
use std::sync::{Mutex, OnceLock};

impl std::fmt::Debug for PackRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.meta.name)
    }
}

pub struct PackRule {
    pub meta: &'static RuleMeta,
    message: Option<String>,
    help: Option<String>,
    select: Select,
    assert: Assert,
}

enum Select {
    Values {
        pattern: Vec<String>,
        key: Option<String>,
        exclude: Vec<Vec<String>>,
        has_key: Option<String>,
    },
    Manifests {
        kinds: Vec<String>,
        path: Vec<String>,
        key: Option<String>,
        has_key: Option<String>,
    },
}

#[derive(Default)]
struct Assert {
    ty: Option<String>,
    one_of: Option<Vec<serde_json::Value>>,
    pattern: Option<Regex>,
    minimum: Option<f64>,
    maximum: Option<f64>,
    numeric: bool,
    key_pattern: Option<Regex>,
    required_keys: Vec<String>,
    allowed_keys: Option<Vec<String>>,
    schema: Option<jsonschema::Validator>,
}

/// Every pack rule's metadata ever loaded in this process, for `find` and `explain`.
fn loaded() -> &'static Mutex<Vec<&'static RuleMeta>> {
    static L: OnceLock<Mutex<Vec<&'static RuleMeta>>> = OnceLock::new();
    L.get_or_init(|| Mutex::new(Vec::new()))
}

/// Metadata of a pack rule by name (built-in packs and packs loaded so far).
pub fn find(name: &str) -> Option<&'static RuleMeta> {
    builtin()
        .iter()
        .map(|r| r.meta)
        .find(|m| m.name == name)
        .or_else(|| {
            loaded()
                .lock()
                .ok()?
                .iter()
                .copied()
                .find(|m| m.name == name)
        })
}

/// The rules of the packs plimsoll ships.
pub fn builtin() -> &'static [PackRule] {
    static B: OnceLock<Vec<PackRule>> = OnceLock::new();
    B.get_or_init(|| {
        let mut out = Vec::new();
        for (name, text) in [
            ("rules/kar.yaml", include_str!("../rules/kar.yaml")),
            (
                "rules/helm-best-practices.yaml",
                include_str!("../rules/helm-best-practices.yaml"),
            ),
        ] {
            // Checked against the rule-pack schema by the tests, not on every start.
            match parse(SourceFile::new(name, text.to_string()), false) {
                Ok(mut rules) => out.append(&mut rules),
                Err(e) => eprintln!("plimsoll: built-in rule pack {name} is invalid: {e}"),
            }
        }
        out
    })
}

/// Loads the packs in a file or folder (every `.yaml`/`.yml` file). `Err` is a one-line reason.
pub fn load(path: &Path) -> Result<Vec<PackRule>, String> {
    let mut files: Vec<std::path::PathBuf> = if path.is_dir() {
        std::fs::read_dir(path)
            .map_err(|e| format!("cannot read rule packs in {}: {e}", path.display()))?
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
            .collect()
    } else {
        vec![path.to_path_buf()]
    };
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let text = crate::chart::load::read_text_limited(&f, "rule pack")?;
        out.append(&mut parse(
            SourceFile::new(crate::source::display_path(&f), text),
            true,
        )?);
    }
    Ok(out)
}

fn pack_schema() -> &'static jsonschema::Validator {
    static V: OnceLock<jsonschema::Validator> = OnceLock::new();
    V.get_or_init(|| {
        let json: serde_json::Value =
            serde_json::from_str(include_str!("../schemas/rule-pack.schema.json"))
                .expect("rule-pack schema is valid JSON");
        jsonschema::validator_for(&json).expect("rule-pack schema is a valid schema")
    })
}

fn at(file: &File, span: Span) -> String {
    let lc = file.line_col(span.start as usize);
    format!("{}:{}:{}", file.display_path(), lc.line, lc.col)
}

/// Reads the rules of one pack; `validate`: check it against the rule-pack schema first (a
/// user's pack; the shipped packs are checked by the tests).
fn parse(file: File, validate: bool) -> Result<Vec<PackRule>, String> {
    let yaml = crate::yaml::parse(&file.text);
    if let Some(issue) = yaml.issues.first() {
        return Err(format!(
            "invalid rule pack {}: {}",
            at(&file, issue.span),
            issue.message
        ));
    }
    let Some(root) = yaml.root() else {
        return Ok(Vec::new());
    };
    if validate
        && let Some((span, message)) = crate::schema::validate(pack_schema(), root)
            .into_iter()
            .next()
    {
        return Err(format!("invalid rule pack {}: {message}", at(&file, span)));
    }
    let mut out = Vec::new();
    for r in root.get("rules").and_then(Node::as_seq).unwrap_or(&[]) {
        let s = |k: &str| r.get(k).and_then(Node::scalar_text).map(str::to_string);
        let name = s("name").unwrap_or_default();
        if crate::rules::RULES.iter().any(|x| x.meta.name == name)
            || builtin_names_contain(&name, &out)
        {
            return Err(format!(
                "invalid rule pack {}: rule `{name}` is defined twice",
                at(&file, r.span)
            ));
        }
        let summary = s("summary").unwrap_or_default();
        let help = s("help");
        let doc = s("doc").unwrap_or_else(|| {
            format!(
                "## What it does\n{summary}.\n\n## Why it matters\nA convention of the rule pack {}.\n\n## Example\nSee the pack's selection: `{}`.\n\n## Fix\n{}\n",
                file.display_path(),
                r.get("select").map(|n| n.to_json().to_string()).unwrap_or_default(),
                help.clone().unwrap_or_else(|| "Follow the convention.".into())
            )
        });
        let meta: &'static RuleMeta = Box::leak(Box::new(RuleMeta {
            name: Box::leak(name.into_boxed_str()),
            severity: s("severity")
                .as_deref()
                .and_then(Severity::parse)
                .unwrap_or(Severity::Warning),
            summary: Box::leak(summary.into_boxed_str()),
            doc: Box::leak(doc.into_boxed_str()),
        }));
        let select = r
            .get("select")
            .ok_or_else(|| format!("invalid rule pack {}: no select", at(&file, r.span)))?;
        let gs = |k: &str| {
            select
                .get(k)
                .and_then(Node::scalar_text)
                .map(str::to_string)
        };
        let has_key = select
            .get_path(&["when", "hasKey"])
            .and_then(Node::scalar_text)
            .map(str::to_string);
        let select = match gs("values") {
            Some(p) => Select::Values {
                pattern: split(&p),
                key: gs("key"),
                exclude: select
                    .get("exclude")
                    .and_then(Node::as_seq)
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(Node::scalar_text)
                    .map(split)
                    .collect(),
                has_key,
            },
            None => Select::Manifests {
                kinds: select
                    .get("kinds")
                    .and_then(Node::as_seq)
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(Node::scalar_text)
                    .map(str::to_string)
                    .collect(),
                path: gs("path").map(|p| split(&p)).unwrap_or_default(),
                key: gs("key"),
                has_key,
            },
        };
        let a = r
            .get("assert")
            .ok_or_else(|| format!("invalid rule pack {}: no assert", at(&file, r.span)))?;
        let regex = |k: &str| -> Result<Option<Regex>, String> {
            match a.get(k) {
                Some(n) => {
                    let src = n.scalar_text().unwrap_or_default();
                    Regex::new(&format!("^(?:{src})$"))
                        .map(Some)
                        .map_err(|e| format!("invalid rule pack {}: {e}", at(&file, n.span)))
                }
                None => Ok(None),
            }
        };
        let schema = match a.get("schema") {
            Some(n) => Some(
                jsonschema::validator_for(&n.to_json())
                    .map_err(|e| format!("invalid rule pack {}: {e}", at(&file, n.span)))?,
            ),
            None => None,
        };
        let strings = |k: &str| {
            a.get(k).and_then(Node::as_seq).map(|s| {
                s.iter()
                    .filter_map(Node::scalar_text)
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
        };
        let assert = Assert {
            ty: a
                .get("type")
                .and_then(Node::scalar_text)
                .map(str::to_string),
            one_of: a
                .get("enum")
                .and_then(Node::as_seq)
                .map(|s| s.iter().map(Node::to_json).collect()),
            pattern: regex("pattern")?,
            minimum: a.get("minimum").and_then(Node::as_f64),
            maximum: a.get("maximum").and_then(Node::as_f64),
            numeric: a.get("numeric").and_then(Node::as_bool).unwrap_or(false),
            key_pattern: regex("keyPattern")?,
            required_keys: strings("requiredKeys").unwrap_or_default(),
            allowed_keys: strings("allowedKeys"),
            schema,
        };
        if let Ok(mut l) = loaded().lock() {
            l.push(meta);
        }
        out.push(PackRule {
            meta,
            message: s("message"),
            help,
            select,
            assert,
        });
    }
    Ok(out)
}

fn builtin_names_contain(name: &str, so_far: &[PackRule]) -> bool {
    so_far.iter().any(|r| r.meta.name == name)
}

fn split(p: &str) -> Vec<String> {
    p.split('.')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Glob over one segment: `*` any run of characters.
fn glob(p: &str, s: &str) -> bool {
    crate::glob::matches_segment(p, s)
}

/// Whether a path (keys and list indices) matches a pattern with `*` and `**`.
fn path_matches<S: AsRef<str>>(pat: &[String], path: &[S]) -> bool {
    match pat.split_first() {
        None => path.is_empty(),
        // Without another `**`, the rest matches a fixed number of last segments.
        Some((p, rest)) if p == "**" && !rest.iter().any(|r| r == "**") => {
            path.len() >= rest.len() && path_matches(rest, &path[path.len() - rest.len()..])
        }
        Some((p, rest)) if p == "**" => (0..=path.len()).any(|i| path_matches(rest, &path[i..])),
        Some((p, rest)) => path
            .split_first()
            .is_some_and(|(s, prest)| glob(p, s.as_ref()) && path_matches(rest, prest)),
    }
}

/// Whether a path below `path` may still match `pat`: `path` is a prefix the pattern allows.
fn may_match_below<S: AsRef<str>>(pat: &[String], path: &[S]) -> bool {
    match (pat.split_first(), path.split_first()) {
        (Some((p, _)), _) if p == "**" => true,
        (Some(_), None) => true,
        (None, _) => false,
        (Some((p, rest)), Some((s, prest))) => glob(p, s.as_ref()) && may_match_below(rest, prest),
    }
}

struct Hit<'a, 'p> {
    file: &'a File,
    /// The values path's segments (empty for a manifest hit).
    segments: &'p [std::borrow::Cow<'a, str>],
    /// The path as shown, for a manifest hit; for a values hit, `segments` joined on first use.
    path: std::cell::OnceCell<String>,
    node: &'a Node,
    /// The span of the key holding `node`, for findings about a mapping.
    holder: Span,
}

impl Hit<'_, '_> {
    fn path(&self) -> &str {
        self.path.get_or_init(|| self.segments.join("."))
    }

    /// The last key of a values path.
    fn key(&self) -> Option<&str> {
        self.segments.last().map(|k| k.as_ref())
    }
}

impl PackRule {
    pub fn check_chart(&self, chart: &Chart, sink: &mut Sink) {
        let Select::Values {
            pattern,
            key,
            exclude,
            has_key,
        } = &self.select
        else {
            return;
        };
        let Some(values) = &chart.values else { return };
        let Some(root) = values.yaml.root() else {
            return;
        };
        let mut path = Vec::new();
        let exclude = Excludes::new(exclude);
        collect_values(
            root,
            &mut path,
            &values.file,
            pattern,
            &exclude,
            &mut |h| self.check_hit(h, key.as_deref(), has_key.as_deref(), sink),
            root.span,
        );
    }

    pub fn check_manifests(&self, docs: &[YamlDoc], sink: &mut Sink) {
        let Select::Manifests {
            kinds,
            path,
            key,
            has_key,
        } = &self.select
        else {
            return;
        };
        for obj in objects(docs) {
            if !kinds.is_empty() && !kinds.iter().any(|k| k == obj.kind) {
                continue;
            }
            let (mut node, rest) = match path.first().map(String::as_str) {
                Some("pod") => match obj.kind {
                    "Pod" => (obj.root, &path[1..]),
                    _ => match obj.pod_template() {
                        Some(t) => (t, &path[1..]),
                        None => continue,
                    },
                },
                _ => (obj.root, &path[..]),
            };
            let mut holder = node.span;
            let mut ok = true;
            for seg in rest {
                match node.entry(seg) {
                    Some(e) => {
                        holder = e.key.span;
                        node = &e.value;
                    }
                    None => {
                        ok = false;
                        break;
                    }
                }
            }
            if !ok {
                continue;
            }
            let hit = Hit {
                file: obj.file,
                segments: &[],
                path: format!("{} {}", obj.describe(), path.join(".")).into(),
                node,
                holder,
            };
            self.check_hit(hit, key.as_deref(), has_key.as_deref(), sink);
        }
    }

    fn check_hit(
        &self,
        hit: Hit<'_, '_>,
        key: Option<&str>,
        has_key: Option<&str>,
        sink: &mut Sink,
    ) {
        if let Some(h) = has_key
            && !hit
                .node
                .entries()
                .any(|e| e.key_str().is_some_and(|k| glob(h, k)))
        {
            return;
        }
        let a = &self.assert;
        for required in &a.required_keys {
            if hit.node.get(required).is_none() {
                self.report(
                    sink,
                    hit.file,
                    hit.holder,
                    hit.path(),
                    Some(required),
                    None,
                    format!("`{}` has no `{required}`", hit.path()),
                );
            }
        }
        let Some(key) = key else {
            self.check_value(sink, hit.file, hit.path(), hit.key(), hit.node);
            return;
        };
        // Whether anything is asserted of the values under the selected keys (not only of
        // the keys themselves).
        let checks_values = a.ty.is_some()
            || a.one_of.is_some()
            || a.pattern.is_some()
            || a.numeric
            || a.minimum.is_some()
            || a.maximum.is_some()
            || a.schema.is_some();
        for e in hit.node.entries() {
            let Some(k) = e.key_str() else { continue };
            if !glob(key, k) {
                continue;
            }
            let allowed = a
                .allowed_keys
                .as_ref()
                .is_none_or(|l| l.iter().any(|x| x == k));
            let matches = a.key_pattern.as_ref().is_none_or(|re| re.is_match(k));
            if allowed && matches && !checks_values {
                continue;
            }
            let path = if hit.path().is_empty() {
                k.to_string()
            } else {
                format!("{}.{k}", hit.path())
            };
            if !allowed && let Some(allowed) = &a.allowed_keys {
                let suggestion = crate::suggest::closest(k, allowed.iter().map(String::as_str))
                    .map(|s| format!("did you mean `{s}`?"));
                self.report(
                    sink,
                    hit.file,
                    e.key.span,
                    &path,
                    Some(k),
                    suggestion,
                    format!("`{k}` is not a known key"),
                );
                continue;
            }
            if !matches && let Some(re) = &a.key_pattern {
                self.report(
                    sink,
                    hit.file,
                    e.key.span,
                    &path,
                    Some(k),
                    None,
                    format!("`{k}` does not match `{}`", re.as_str()),
                );
                continue;
            }
            self.check_value(sink, hit.file, &path, Some(k), &e.value);
        }
    }

    fn check_value(
        &self,
        sink: &mut Sink,
        file: &File,
        path: &str,
        key: Option<&str>,
        node: &Node,
    ) {
        let a = &self.assert;
        // The value as shown in a message, built only when there is one.
        let text = || {
            node.scalar_text()
                .map(str::to_string)
                .unwrap_or_else(|| node.to_json().to_string())
        };
        let mut problem: Option<String> = None;
        if let Some(ty) = &a.ty {
            let actual = node.type_name();
            let ok = match ty.as_str() {
                "number" => matches!(actual, "int" | "float"),
                t => t == actual,
            };
            if !ok {
                problem = Some(format!("is {} `{}`, not {ty}", actual, text()));
            }
        }
        if problem.is_none()
            && let Some(options) = &a.one_of
        {
            let json = node.to_json();
            if !options
                .iter()
                .any(|o| *o == json || o.as_str() == node.scalar_text())
            {
                let list: Vec<String> = options.iter().map(|o| o.to_string()).collect();
                problem = Some(format!("is `{}`, not one of {}", text(), list.join(", ")));
            }
        }
        if problem.is_none()
            && let Some(re) = &a.pattern
            && !node.scalar_text().is_some_and(|t| re.is_match(t))
        {
            problem = Some(format!("`{}` does not match `{}`", text(), re.as_str()));
        }
        let number = node.as_f64().or_else(|| {
            node.scalar_text()
                .and_then(|t| t.trim().parse::<f64>().ok())
        });
        if problem.is_none() && a.numeric && !number.is_some_and(|n| n.fract() == 0.0) {
            problem = Some(format!("`{}` is not a whole number", text()));
        }
        if problem.is_none()
            && let Some(n) = number
            && (a.minimum.is_some_and(|m| n < m) || a.maximum.is_some_and(|m| n > m))
        {
            problem = Some(format!("{n} is out of range"));
        }
        if problem.is_none()
            && let Some(schema) = &a.schema
            && let Some(err) = schema.iter_errors(&node.to_json()).next()
        {
            problem = Some(err.to_string());
        }
        if let Some(p) = problem {
            self.report(
                sink,
                file,
                node.span,
                path,
                key,
                None,
                format!("`{path}` {p}"),
            );
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn report(
        &self,
        sink: &mut Sink,
        file: &File,
        span: Span,
        path: &str,
        key: Option<&str>,
        extra_help: Option<String>,
        default: String,
    ) {
        let value = if span.is_empty() {
            String::new()
        } else {
            file.slice(span).to_string()
        };
        let message = match &self.message {
            Some(m) => m
                .replace("{path}", path)
                .replace("{key}", key.unwrap_or(path))
                .replace("{value}", value.trim_matches('"')),
            None => default,
        };
        let d = sink.report(self.meta, file, span, message);
        d.label("convention not met");
        if let Some(h) = extra_help.or_else(|| self.help.clone()) {
            d.help(h);
        }
    }
}

/// The `exclude` patterns of a values selection. `**.key` with a plain key (the usual form)
/// matches a path whose last segment is that key: those are compared directly.
struct Excludes<'x> {
    last: Vec<&'x str>,
    other: Vec<&'x [String]>,
}

impl<'x> Excludes<'x> {
    fn new(exclude: &'x [Vec<String>]) -> Excludes<'x> {
        let mut e = Excludes {
            last: Vec::new(),
            other: Vec::new(),
        };
        for x in exclude {
            match x.as_slice() {
                [any, key] if any == "**" && !key.contains(['*', '?']) => e.last.push(key),
                _ => e.other.push(x),
            }
        }
        e
    }

    fn matches<S: AsRef<str>>(&self, path: &[S]) -> bool {
        path.last()
            .is_some_and(|l| self.last.iter().any(|k| *k == l.as_ref()))
            || self.other.iter().any(|x| path_matches(x, path))
    }
}

fn collect_values<'a>(
    node: &'a Node,
    path: &mut Vec<std::borrow::Cow<'a, str>>,
    file: &'a File,
    pattern: &[String],
    exclude: &Excludes<'_>,
    out: &mut dyn FnMut(Hit<'a, '_>),
    holder: Span,
) {
    if exclude.matches(path) {
        return;
    }
    if path_matches(pattern, path) {
        out(Hit {
            file,
            segments: path,
            path: std::cell::OnceCell::new(),
            node,
            holder,
        });
    }
    if path.len() > 64 || !may_match_below(pattern, path) {
        return;
    }
    if let Some(items) = node.as_seq() {
        for (i, item) in items.iter().enumerate() {
            path.push(std::borrow::Cow::Owned(i.to_string()));
            collect_values(item, path, file, pattern, exclude, out, item.span);
            path.pop();
        }
    } else {
        for e in node.entries() {
            // String keys are borrowed; others are written as Helm's JSON step writes them.
            path.push(match &e.key.kind {
                crate::yaml::NodeKind::Scalar(k) if matches!(k.value, crate::yaml::Value::Str) => {
                    std::borrow::Cow::Borrowed(k.text.as_str())
                }
                _ => std::borrow::Cow::Owned(e.key_json_string()),
            });
            collect_values(&e.value, path, file, pattern, exclude, out, e.key.span);
            path.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Excludes, may_match_below, parse, path_matches};
    use crate::source::SourceFile;

    /// The shipped packs are read without the schema check at run time: they must pass it.
    #[test]
    fn shipped_packs_meet_the_rule_pack_schema() {
        for (name, text) in [
            ("rules/kar.yaml", include_str!("../rules/kar.yaml")),
            (
                "rules/helm-best-practices.yaml",
                include_str!("../rules/helm-best-practices.yaml"),
            ),
        ] {
            let rules = parse(SourceFile::new(name, text.to_string()), true);
            assert!(rules.is_ok_and(|r| !r.is_empty()), "{name}");
        }
        let broken = "rules:\n  - name: x/y\n    severity: loud\n    select: {values: a}\n";
        assert!(parse(SourceFile::new("p.yaml", broken.into()), true).is_err());
    }

    fn pat(s: &str) -> Vec<String> {
        s.split('.').map(str::to_string).collect()
    }

    #[test]
    fn excludes_answer_as_their_patterns() {
        let exclude: Vec<Vec<String>> = ["**.env", "**.a*", "x.**.y", "**.", "**"]
            .iter()
            .map(|p| pat(p))
            .collect();
        for one in &exclude {
            let e = Excludes::new(std::slice::from_ref(one));
            for path in ["", "env", "a.env", "a.envs", "x.q.y", "abc", "b.a", "x.y"] {
                let path: Vec<&str> = path.split('.').filter(|s| !s.is_empty()).collect();
                assert_eq!(
                    e.matches(&path),
                    path_matches(one, &path),
                    "{one:?} {path:?}"
                );
            }
        }
        assert_eq!(Excludes::new(&exclude).last, ["env", ""]);
    }

    #[test]
    fn double_star_matches_any_depth_and_fixed_tails_align_to_the_end() {
        fn p(s: &str) -> Vec<&str> {
            s.split('.').collect()
        }
        assert!(path_matches(&pat("**.env"), &p("env")));
        assert!(path_matches(&pat("**.env"), &p("a.b.env")));
        assert!(!path_matches(&pat("**.env"), &p("a.env.b")));
        assert!(path_matches(&pat("**"), &p("a.b")));
        assert!(path_matches(&pat("a.**.c.**.e"), &p("a.x.c.y.z.e")));
        assert!(!path_matches(&pat("a.**.c.**.e"), &p("a.x.y.e")));
        assert!(path_matches(&pat("image.*"), &p("image.tag")));
        assert!(may_match_below(&pat("image.tag"), &p("image")));
        assert!(!may_match_below(&pat("image.tag"), &p("image.tag")));
        assert!(!may_match_below(&pat("image.tag"), &p("service")));
        assert!(may_match_below(&pat("**.env"), &p("a.b")));
    }
}
