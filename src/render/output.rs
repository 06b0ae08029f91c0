//! How `helm template` turns rendered files into its output (Helm 3.17's
//! `releaseutil.SortManifests`, `renderResources` and the `template` command):
//!
//! - files in sorted path order, `_*` files and whitespace-only files skipped;
//! - each file split on `(?:^|\s*\n)---\s*`, every piece `TrimSpace`d, empty pieces dropped
//!   (comment-only pieces are kept, with the empty kind);
//! - each piece read as YAML for its `kind` and annotations (a parse error fails the render);
//! - pieces annotated `helm.sh/hook` are hooks (an unknown hook event drops the piece), the
//!   others manifests; both stably sorted by kind in Helm's install order, unknown kinds after
//!   the known ones in byte order;
//! - output: with `--include-crds` the raw CRD files first, then every manifest as
//!   `---\n# Source: PATH\nCONTENT\n`, all `TrimSpace`d plus a newline, then the hooks the same
//!   way; `--show-only` re-splits that and keeps the documents of the matching templates.

use crate::yaml::{Node, NodeKind};
use std::sync::LazyLock;

/// Helm's `InstallOrder`.
pub const INSTALL_ORDER: &[&str] = &[
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
];

/// The hook events Helm knows (`test-success` is an old name of `test`).
const HOOK_EVENTS: &[&str] = &[
    "pre-install",
    "post-install",
    "pre-delete",
    "post-delete",
    "pre-upgrade",
    "post-upgrade",
    "pre-rollback",
    "post-rollback",
    "test",
    "test-success",
];

/// A rendered template file: its Helm name (`chart/templates/x.yaml`) and output.
#[derive(Clone, Debug)]
pub struct RenderedFile {
    pub name: String,
    pub content: String,
}

/// One document of the output.
#[derive(Clone, Debug)]
pub struct Manifest {
    /// The template it came from (`# Source:`).
    pub name: String,
    pub content: String,
    pub kind: String,
    /// Hook events, for hooks.
    pub events: Vec<String>,
}

/// What `helm template` prints besides the rendered manifests.
#[derive(Clone, Debug, Default)]
pub struct OutputOptions {
    pub include_crds: bool,
    /// `--show-only` patterns (Go `filepath.Match` on the path after the chart name).
    pub show_only: Vec<String>,
    pub skip_tests: bool,
    /// `--no-hooks`.
    pub no_hooks: bool,
}

/// A failure while assembling the output.
#[derive(Clone, Debug, PartialEq)]
pub struct OutputError {
    pub message: String,
    /// Whether Helm adds "Use --debug flag to render out invalid YAML" (errors after the
    /// release object exists: YAML errors, not `--show-only` misses).
    pub render_error: bool,
}

/// The separators Helm splits a rendered file at (`releaseutil`'s regular expression
/// `(?:^|\s*\n)---\s*`), as byte ranges of `text`, left to right. Found by hand: compiling the
/// expression cost more than splitting a chart's output with it.
///
/// A separator is `---` at the start, or `---` after a newline together with the whole run of
/// whitespace before that newline (from where the last separator ended); either way with the
/// whitespace after it.
fn separators(text: &str) -> Vec<(usize, usize)> {
    // Go's `\s` in RE2: ASCII space, tab, newline, form feed, carriage return.
    let ws = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\x0C' | b'\r');
    let b = text.as_bytes();
    let after = |mut i: usize| {
        while i < b.len() && ws(b[i]) {
            i += 1;
        }
        i
    };
    let mut out = Vec::new();
    let mut from = 0;
    if b.starts_with(b"---") {
        from = after(3);
        out.push((0, from));
    }
    while let Some(at) = memchr::memmem::find(&b[from..], b"\n---") {
        let newline = from + at;
        let mut start = newline;
        while start > from && ws(b[start - 1]) {
            start -= 1;
        }
        let end = after(newline + 4);
        out.push((start, end));
        from = end;
    }
    out
}

/// Go's `strings.TrimSpace`.
fn trim_space(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace())
}

/// `releaseutil.SplitManifests`, in document order.
pub fn split_manifests(big: &str) -> Vec<String> {
    let text = trim_space(big);
    let mut out = Vec::new();
    let mut last = 0;
    for (start, end) in separators(text)
        .into_iter()
        .chain([(text.len(), text.len())])
    {
        let piece = &text[last..start];
        if !piece.is_empty() {
            out.push(trim_space(piece).to_string());
        }
        last = end;
    }
    out
}

/// [`split_manifests`] with where each document starts in `big`.
pub fn split_manifests_at(big: &str) -> Vec<(usize, &str)> {
    let lead = big.len() - big.trim_start_matches(|c: char| c.is_whitespace()).len();
    let trimmed = trim_space(big);
    let mut out = Vec::new();
    let mut push = |from: usize, piece: &str| {
        let l = piece.len() - piece.trim_start_matches(|c: char| c.is_whitespace()).len();
        let len = trim_space(piece).len();
        if len > 0 {
            out.push((lead + from + l, len));
        }
    };
    let mut last = 0;
    for (start, end) in separators(trimmed) {
        push(last, &trimmed[last..start]);
        last = end;
    }
    push(last, &trimmed[last..]);
    out.into_iter()
        .map(|(at, len)| (at, &big[at..at + len]))
        .collect()
}

/// The fields of a document Helm reads (`releaseutil.SimpleHead`).
#[derive(Debug, Default)]
struct Head {
    kind: String,
    annotations: Vec<(String, String)>,
}

fn json_kind(n: &Node) -> &'static str {
    match &n.kind {
        NodeKind::Map(_) => "object",
        NodeKind::Seq(_) => "array",
        NodeKind::Scalar(s) => match s.value {
            crate::yaml::Value::Bool(_) => "bool",
            crate::yaml::Value::Int(_) | crate::yaml::Value::Float(_) => "number",
            crate::yaml::Value::Null => "null",
            crate::yaml::Value::Str => "string",
        },
    }
}

/// A scalar read into a Go string field through sigs.k8s.io/yaml (numbers and bools are
/// turned into their text).
fn string_field(n: &Node, field: &str) -> Result<String, String> {
    match &n.kind {
        NodeKind::Scalar(s) => Ok(match s.value {
            crate::yaml::Value::Null => String::new(),
            crate::yaml::Value::Bool(b) => b.to_string(),
            _ => s.text.clone(),
        }),
        _ => Err(format!(
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go struct field {field} of type string",
            json_kind(n)
        )),
    }
}

fn read_head(doc: &str) -> Result<Head, String> {
    let parsed = crate::yaml::parse(doc);
    // The error text as sigs.k8s.io/yaml gives it, from the same reader as values files.
    super::yaml_in::load_parsed(doc, &parsed, None, super::yaml_in::Target::Any)?;
    let mut head = Head::default();
    let Some(root) = parsed.documents.first().and_then(|d| d.root.as_ref()) else {
        return Ok(head);
    };
    match &root.kind {
        NodeKind::Map(_) => {}
        _ if root.is_null() => return Ok(head),
        _ => {
            return Err(format!(
                "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type releaseutil.SimpleHead",
                json_kind(root)
            ));
        }
    }
    if let Some(k) = root.get("kind") {
        head.kind = string_field(k, "SimpleHead.kind")?;
    }
    if let Some(v) = root.get("apiVersion") {
        string_field(v, "SimpleHead.apiVersion")?;
    }
    if let Some(meta) = root.get("metadata")
        && !meta.is_null()
    {
        if !matches!(meta.kind, NodeKind::Map(_)) {
            return Err(format!(
                "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go struct field SimpleHead.metadata of type struct {{ Name string \"json:\\\"name\\\"\"; Annotations map[string]string \"json:\\\"annotations\\\"\" }}",
                json_kind(meta)
            ));
        }
        if let Some(n) = meta.get("name") {
            string_field(n, "SimpleHead.metadata.name")?;
        }
        if let Some(a) = meta.get("annotations")
            && !a.is_null()
        {
            if !matches!(a.kind, NodeKind::Map(_)) {
                return Err(format!(
                    "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go struct field .metadata.annotations of type map[string]string",
                    json_kind(a)
                ));
            }
            for e in a.entries() {
                let v = string_field(&e.value, ".metadata.annotations")?;
                head.annotations.push((e.key_json_string(), v));
            }
        }
    }
    Ok(head)
}

/// `SortManifests`: hooks and manifests from the rendered files, each sorted by kind.
pub fn sort_manifests(files: &[RenderedFile]) -> Result<(Vec<Manifest>, Vec<Manifest>), String> {
    let mut sorted: Vec<&RenderedFile> = files.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    let mut hooks = Vec::new();
    let mut generic = Vec::new();
    for f in sorted {
        let base = f.name.rsplit('/').next().unwrap_or(&f.name);
        if base.starts_with('_') || trim_space(&f.content).is_empty() {
            continue;
        }
        for m in split_manifests(&f.content) {
            let head = read_head(&m).map_err(|e| format!("YAML parse error on {}: {e}", f.name))?;
            let hook = head
                .annotations
                .iter()
                .rev()
                .find(|(k, _)| k == "helm.sh/hook")
                .map(|(_, v)| v.clone());
            let Some(hook) = hook else {
                generic.push(Manifest {
                    name: f.name.clone(),
                    content: m,
                    kind: head.kind,
                    events: Vec::new(),
                });
                continue;
            };
            let mut events = Vec::new();
            let mut unknown = false;
            for e in hook.split(',') {
                let e = e.trim().to_lowercase();
                if !HOOK_EVENTS.contains(&e.as_str()) {
                    unknown = true;
                    break;
                }
                events.push(if e == "test-success" {
                    "test".into()
                } else {
                    e
                });
            }
            if unknown {
                continue;
            }
            hooks.push(Manifest {
                name: f.name.clone(),
                content: m,
                kind: head.kind,
                events,
            });
        }
    }
    sort_by_kind(&mut hooks);
    sort_by_kind(&mut generic);
    Ok((hooks, generic))
}

fn sort_by_kind(ms: &mut [Manifest]) {
    let rank = |k: &str| INSTALL_ORDER.iter().position(|x| *x == k);
    ms.sort_by(|a, b| match (rank(&a.kind), rank(&b.kind)) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.kind.cmp(&b.kind),
    });
}

/// A CRD file as `--include-crds` prints it.
#[derive(Clone, Debug)]
pub struct CrdFile {
    /// `chart/crds/x.yaml`.
    pub name: String,
    /// The chart's file, shared rather than copied (CRD files run to megabytes).
    pub file: crate::source::File,
}

impl CrdFile {
    /// The file's text without a byte order mark.
    pub fn text(&self) -> &str {
        let t = &self.file.text;
        t.strip_prefix('\u{feff}').unwrap_or(t)
    }
}

/// The whole `helm template` output for rendered files.
pub fn assemble(
    files: &[RenderedFile],
    crds: &[CrdFile],
    opts: &OutputOptions,
) -> Result<String, OutputError> {
    let (hooks, manifests) = sort_manifests(files).map_err(|message| OutputError {
        message,
        render_error: true,
    })?;
    let mut b = String::new();
    if opts.include_crds {
        for c in crds {
            b.push_str(&format!("---\n# Source: {}\n{}\n", c.name, c.text()));
        }
    }
    for m in &manifests {
        b.push_str(&format!("---\n# Source: {}\n{}\n", m.name, m.content));
    }
    let mut out = String::with_capacity(b.len() + 1);
    out.push_str(trim_space(&b));
    out.push('\n');
    if !opts.no_hooks {
        for h in &hooks {
            if opts.skip_tests && h.events.iter().any(|e| e == "test") {
                continue;
            }
            out.push_str(&format!("---\n# Source: {}\n{}\n", h.name, h.content));
        }
    }
    if opts.show_only.is_empty() {
        return Ok(out);
    }
    static NAME: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"# Source: [^/]+/(.+)").expect("valid regex"));
    let docs = split_manifests(&out);
    let mut shown = String::new();
    for f in &opts.show_only {
        let f = f.replace('\\', "/");
        let mut missing = true;
        for d in &docs {
            let Some(c) = NAME.captures(d) else { continue };
            if go_path_match(&f, &c[1]) {
                shown.push_str(&format!("---\n{d}\n"));
                missing = false;
            }
        }
        if missing {
            return Err(OutputError {
                message: format!("could not find template {f} in chart"),
                render_error: false,
            });
        }
    }
    Ok(shown)
}

/// Go's `path/filepath.Match` on `/`-separated names; a malformed pattern matches nothing.
pub fn go_path_match(pattern: &str, name: &str) -> bool {
    fn class(p: &[char], c: char) -> Option<(bool, usize)> {
        // p starts after '['; returns (matched, consumed incl. ']')
        let mut i = 0;
        let negate = p.first() == Some(&'^');
        if negate {
            i += 1;
        }
        let mut matched = false;
        let mut first = true;
        loop {
            let ch = *p.get(i)?;
            if ch == ']' && !first {
                i += 1;
                break;
            }
            first = false;
            let lo = if ch == '\\' {
                i += 1;
                *p.get(i)?
            } else {
                ch
            };
            i += 1;
            let mut hi = lo;
            if p.get(i) == Some(&'-') && p.get(i + 1).is_some_and(|c| *c != ']') {
                i += 1;
                hi = if p[i] == '\\' {
                    i += 1;
                    *p.get(i)?
                } else {
                    p[i]
                };
                i += 1;
            }
            if lo <= c && c <= hi {
                matched = true;
            }
        }
        Some((matched != negate, i))
    }
    fn go(p: &[char], n: &[char]) -> Option<bool> {
        if p.is_empty() {
            return Some(n.is_empty());
        }
        match p[0] {
            '*' => {
                let rest = &p[1..];
                for k in 0..=n.len() {
                    if k > 0 && n[k - 1] == '/' {
                        break;
                    }
                    if go(rest, &n[k..])? {
                        return Some(true);
                    }
                }
                Some(false)
            }
            '?' => {
                if n.is_empty() || n[0] == '/' {
                    return Some(false);
                }
                go(&p[1..], &n[1..])
            }
            '[' => {
                if n.is_empty() || n[0] == '/' {
                    // still validate the class
                    class(&p[1..], '\0')?;
                    return Some(false);
                }
                let (m, used) = class(&p[1..], n[0])?;
                if !m {
                    return Some(false);
                }
                go(&p[1 + used..], &n[1..])
            }
            '\\' => {
                let c = *p.get(1)?;
                if n.first() != Some(&c) {
                    return Some(false);
                }
                go(&p[2..], &n[1..])
            }
            c => {
                if n.first() != Some(&c) {
                    return Some(false);
                }
                go(&p[1..], &n[1..])
            }
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    go(&p, &n).unwrap_or(false)
}

#[cfg(test)]
mod split_tests {
    use super::*;

    #[test]
    fn documents_split_as_helm_splits_them_keep_their_offsets() {
        let big = "\n---\na: 1\n---b: 2\n---\n\n  \n---\nc: 3\n";
        let docs = split_manifests_at(big);
        let texts: Vec<&str> = docs.iter().map(|d| d.1).collect();
        assert_eq!(texts, split_manifests(big));
        for (at, t) in docs {
            assert_eq!(&big[at..at + t.len()], t);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_are_where_helms_expression_matches() {
        let re = regex::Regex::new(r"(?:^|[\t\n\x0C\r ]*\n)---[\t\n\x0C\r ]*").unwrap();
        let alphabet = [
            "-", "--", "---", "\n", " ", "\r", "\t", "\x0C", "\x0B", "a", "é",
        ];
        let mut texts = vec![String::new()];
        texts.extend(crate::test_strings::every_string(&alphabet, 5));
        assert!(texts.len() > 150_000);
        for text in &texts {
            let want: Vec<(usize, usize)> =
                re.find_iter(text).map(|m| (m.start(), m.end())).collect();
            assert_eq!(separators(text), want, "{text:?}");
        }
    }

    fn file(name: &str, content: &str) -> RenderedFile {
        RenderedFile {
            name: name.into(),
            content: content.into(),
        }
    }

    // Expectations checked with helm v3.17.1 `helm template` on the same file contents.
    #[test]
    fn split_like_helm() {
        assert_eq!(split_manifests("a\n---\n\n---\nb"), ["a", "---\nb"]);
        assert_eq!(split_manifests("---foo: 1"), ["foo: 1"]);
        assert_eq!(split_manifests("  x: 1\n  y: 2\n---\n"), ["x: 1\n  y: 2"]);
        assert_eq!(
            split_manifests("cm\n---\n---\n\n---\nsec"),
            ["cm", "---", "sec"]
        );
    }

    #[test]
    fn kind_order_hooks_and_unknown_hooks() {
        let files = vec![
            file(
                "c/templates/b.yaml",
                "kind: Deployment\n---\nkind: Zebra\n---\n# only a comment\n---\nkind: Service",
            ),
            file(
                "c/templates/a.yaml",
                "kind: Job\nmetadata:\n  annotations:\n    helm.sh/hook: pre-install\n---\nkind: Pod\nmetadata:\n  annotations:\n    helm.sh/hook: nope\n---\nkind: ConfigMap",
            ),
            file("c/templates/_h.tpl", "kind: Secret"),
            file("c/templates/empty.yaml", " \n\n"),
        ];
        let out = assemble(&files, &[], &OutputOptions::default()).unwrap();
        assert_eq!(
            out,
            "---\n# Source: c/templates/a.yaml\nkind: ConfigMap\n---\n# Source: c/templates/b.yaml\nkind: Service\n---\n# Source: c/templates/b.yaml\nkind: Deployment\n---\n# Source: c/templates/b.yaml\n# only a comment\n---\n# Source: c/templates/b.yaml\nkind: Zebra\n---\n# Source: c/templates/a.yaml\nkind: Job\nmetadata:\n  annotations:\n    helm.sh/hook: pre-install\n"
        );
    }

    #[test]
    fn nothing_rendered_is_one_newline() {
        assert_eq!(assemble(&[], &[], &OutputOptions::default()).unwrap(), "\n");
    }

    #[test]
    fn crds_and_show_only() {
        let files = vec![
            file("c/templates/a.yaml", "kind: ConfigMap"),
            file("c/templates/sub/b.yaml", "kind: Service"),
        ];
        let crds = vec![CrdFile {
            name: "c/crds/x.yaml".into(),
            file: crate::source::SourceFile::new(
                "c/crds/x.yaml",
                "\u{feff}kind: CustomResourceDefinition\n".into(),
            ),
        }];
        let opts = OutputOptions {
            include_crds: true,
            ..Default::default()
        };
        assert_eq!(
            assemble(&files, &crds, &opts).unwrap(),
            "---\n# Source: c/crds/x.yaml\nkind: CustomResourceDefinition\n\n---\n# Source: c/templates/a.yaml\nkind: ConfigMap\n---\n# Source: c/templates/sub/b.yaml\nkind: Service\n"
        );
        let opts = OutputOptions {
            show_only: vec!["templates/sub/*".into()],
            ..Default::default()
        };
        assert_eq!(
            assemble(&files, &crds, &opts).unwrap(),
            "---\n# Source: c/templates/sub/b.yaml\nkind: Service\n"
        );
        let opts = OutputOptions {
            show_only: vec!["templates/none.yaml".into()],
            ..Default::default()
        };
        assert_eq!(
            assemble(&files, &crds, &opts).unwrap_err().message,
            "could not find template templates/none.yaml in chart"
        );
    }

    #[test]
    fn yaml_errors_fail() {
        let files = vec![file("c/templates/a.yaml", "a: [1\nb: 2")];
        let e = assemble(&files, &[], &OutputOptions::default()).unwrap_err();
        assert!(
            e.message
                .starts_with("YAML parse error on c/templates/a.yaml: "),
            "{}",
            e.message
        );
        assert!(e.render_error);
        let files = vec![file("c/templates/a.yaml", "just a string")];
        let e = assemble(&files, &[], &OutputOptions::default()).unwrap_err();
        assert_eq!(
            e.message,
            "YAML parse error on c/templates/a.yaml: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go value of type releaseutil.SimpleHead"
        );
    }

    #[test]
    fn filepath_match() {
        assert!(go_path_match("templates/*.yaml", "templates/a.yaml"));
        assert!(!go_path_match("templates/*", "templates/sub/b.yaml"));
        assert!(go_path_match("templates/[ab].yaml", "templates/b.yaml"));
        assert!(go_path_match("templates/[^a].yaml", "templates/b.yaml"));
        assert!(!go_path_match("templates/[", "templates/["));
        assert!(go_path_match("t?x", "tax"));
    }
}
