//! Documented values: the README values table (helm-docs `Key | Type | Default | Description`
//! and Bitnami `Name | Description | Value`) and the documentation comments in values.yaml
//! (helm-docs `# --`, `# -- (type)`, `# @default --`, old-style `# key -- text`; Bitnami
//! `## @param key [modifiers] text` and `## @skip key`).

use super::Chart;
use crate::source::{File, Span};
use crate::yaml::{Node, walk};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    HelmDocs,
    Bitnami,
}

/// One row of a README values table.
#[derive(Debug, Clone)]
pub struct Row {
    pub key: String,
    pub key_span: Span,
    pub ty: Option<(String, Span)>,
    /// The default cell with backticks removed.
    pub default: Option<(String, Span)>,
    pub layout: Layout,
}

/// A key documented by a comment in values.yaml.
#[derive(Debug, Clone)]
pub struct Commented {
    pub key: String,
    /// The comment's span.
    pub span: Span,
    /// helm-docs `(type)` hint.
    pub ty: Option<String>,
    /// helm-docs `@default` text or Bitnami `[default: …]`: the default is described, not compared.
    pub custom_default: bool,
    /// Bitnami `@skip`: the key and its children need no documentation.
    pub skip: bool,
    /// Bitnami `@param` (a documented key that must exist).
    pub param: bool,
}

/// Everything a chart documents about its values.
#[derive(Debug, Default)]
pub struct Docs {
    pub readme: Option<File>,
    pub rows: Vec<Row>,
    pub comments: Vec<Commented>,
}

impl Docs {
    /// Whether the chart documents its values at all.
    pub fn any(&self) -> bool {
        !self.rows.is_empty() || self.comments.iter().any(|c| !c.skip)
    }

    /// Whether `path` or one of its ancestors is documented (or skipped).
    pub fn covers(&self, path: &str) -> bool {
        let documented = |p: &str| {
            self.rows.iter().any(|r| r.key == p) || self.comments.iter().any(|c| c.key == p)
        };
        let mut p = path;
        loop {
            if documented(p) {
                return true;
            }
            match parent_path(p) {
                Some(parent) => p = parent,
                None => return false,
            }
        }
    }
}

/// `a.b[0].c` → `a.b[0]` → `a.b` → `a`; quoted segments are kept whole.
pub fn parent_path(path: &str) -> Option<&str> {
    let b = path.as_bytes();
    let mut in_quote = false;
    let mut cut = None;
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'"' => in_quote = !in_quote,
            b'.' | b'[' if !in_quote => cut = Some(i),
            _ => {}
        }
    }
    cut.map(|i| &path[..i])
}

/// The README table and the values comments of a chart, read once per run.
pub fn read(chart: &Chart) -> &Docs {
    chart.docs_cache.get_or_init(|| read_uncached(chart))
}

fn read_uncached(chart: &Chart) -> Docs {
    let mut docs = Docs::default();
    if let Some(readme) = &chart.readme {
        docs.rows = table(readme);
        if !docs.rows.is_empty() {
            docs.readme = Some(readme.clone());
        }
    }
    if let Some(values) = &chart.values {
        docs.comments = comments(&values.file, values.yaml.root());
    }
    docs
}

/// Cells of a Markdown table row with their byte ranges (`\|` does not split).
fn cells(line: &str, line_start: usize) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    let trimmed_start = line.len() - line.trim_start().len();
    let body = line.trim();
    let body = body.strip_prefix('|').unwrap_or(body);
    let body = body
        .strip_suffix('|')
        .filter(|b| !b.ends_with('\\'))
        .unwrap_or(body);
    let base = line_start + trimmed_start + usize::from(line.trim_start().starts_with('|'));
    let bytes = body.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i <= bytes.len() {
        if i == bytes.len() || (bytes[i] == b'|' && (i == 0 || bytes[i - 1] != b'\\')) {
            let raw = &body[start..i];
            let lead = raw.len() - raw.trim_start().len();
            let text = raw.trim();
            let s = base + start + lead;
            out.push((text.replace("\\|", "|"), Span::new(s, s + text.len())));
            start = i + 1;
        }
        i += 1;
    }
    out
}

fn strip_ticks(s: &str) -> &str {
    let t = s.trim();
    if t.len() >= 2 && t.starts_with('`') && t.ends_with('`') {
        &t[1..t.len() - 1]
    } else {
        t
    }
}

/// Parses every values table of a README.
pub fn table(file: &File) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut layout: Option<(Layout, usize, usize, Option<usize>)> = None; // layout, key col, default col, type col
    for line_no in 0..file.line_count() {
        let range = file.line_range(line_no);
        let line = &file.text[range.clone()];
        if !line.trim_start().starts_with('|') {
            layout = None;
            continue;
        }
        let cs = cells(line, range.start);
        let names: Vec<String> = cs.iter().map(|(t, _)| t.to_ascii_lowercase()).collect();
        if names
            .iter()
            .all(|n| n.chars().all(|c| c == '-' || c == ':' || c == ' '))
        {
            continue;
        }
        let col = |n: &str| names.iter().position(|x| x == n);
        if let (Some(k), Some(d)) = (col("key"), col("default")) {
            layout = Some((Layout::HelmDocs, k, d, col("type")));
            continue;
        }
        if let (Some(k), Some(d)) = (col("name"), col("value").or(col("default")))
            && col("description").is_some()
        {
            layout = Some((Layout::Bitnami, k, d, None));
            continue;
        }
        let Some((lay, k, d, t)) = layout else {
            continue;
        };
        let Some((key, key_span)) = cs.get(k) else {
            continue;
        };
        let key_text = strip_ticks(key);
        if key_text.is_empty() {
            continue;
        }
        let key_offset = key.find(key_text).unwrap_or(0);
        rows.push(Row {
            key: key_text.to_string(),
            key_span: key_span.sub(key_offset, key_offset + key_text.len()),
            ty: t.and_then(|t| cs.get(t)).map(|(s, sp)| (s.clone(), *sp)),
            default: cs.get(d).map(|(s, sp)| (strip_ticks(s).to_string(), *sp)),
            layout: lay,
        });
    }
    rows
}

/// Documentation comments in values.yaml.
pub fn comments(file: &File, root: Option<&Node>) -> Vec<Commented> {
    let mut out = Vec::new();
    // Bitnami tags and old-style helm-docs comments name their key.
    for line_no in 0..file.line_count() {
        let range = file.line_range(line_no);
        let line = file.text[range.clone()].trim_start();
        let span = Span::new(range.start + (range.len() - line.len()), range.end);
        if let Some(rest) = line.strip_prefix("##").map(str::trim_start) {
            if let Some(p) = rest.strip_prefix("@param") {
                let mut parts = p.split_whitespace();
                if let Some(key) = parts.next() {
                    let rest: String = parts.collect::<Vec<_>>().join(" ");
                    out.push(Commented {
                        key: key.to_string(),
                        span,
                        ty: None,
                        custom_default: rest.starts_with('[') && rest.contains("default"),
                        skip: false,
                        param: true,
                    });
                }
            } else if let Some(p) = rest.strip_prefix("@skip")
                && let Some(key) = p.split_whitespace().next()
            {
                out.push(Commented {
                    key: key.to_string(),
                    span,
                    ty: None,
                    custom_default: false,
                    skip: true,
                    param: false,
                });
            }
            continue;
        }
        if let Some(rest) = line.strip_prefix('#').map(str::trim_start)
            && let Some((key, _)) = rest.split_once(" -- ")
            && !key.is_empty()
            && !key.contains(' ')
            && !key.starts_with('@')
        {
            out.push(Commented {
                key: key.to_string(),
                span,
                ty: None,
                custom_default: false,
                skip: false,
                param: false,
            });
        }
    }
    // New-style helm-docs: `# --` in the comment block directly above a key.
    let Some(root) = root else { return out };
    walk(root, &mut |path, entry, _| {
        let Some(e) = entry else { return };
        let key_line = file.line_index(e.key.span.start as usize);
        let mut l = key_line;
        let mut described: Option<(Span, Option<String>)> = None;
        let mut custom_default = false;
        while l > 0 {
            l -= 1;
            let range = file.line_range(l);
            let text = file.text[range.clone()].trim();
            if !text.starts_with('#') {
                break;
            }
            let body = text.trim_start_matches('#').trim_start();
            if body.starts_with("@default") {
                custom_default = true;
            }
            if let Some(rest) = body.strip_prefix("--") {
                let rest = rest.trim_start();
                let ty = rest
                    .strip_prefix('(')
                    .and_then(|r| r.split_once(')'))
                    .map(|(t, _)| t.trim().to_string());
                described = Some((Span::new(range.start, range.end), ty));
                break;
            }
        }
        if let Some((span, ty)) = described {
            out.push(Commented {
                key: path.to_string(),
                span,
                ty,
                custom_default,
                skip: false,
                param: false,
            });
        }
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    #[test]
    fn reads_both_table_layouts() {
        let text = "# x\n\n| Key | Type | Default | Description |\n|-----|------|---------|-------------|\n| image.tag | string | `\"1.0\"` | Tag. |\n| a.\"b.c\" | object | `{}` | pipe \\| inside |\n\nText\n\n| Name | Description | Value |\n|---|---|---|\n| `replicaCount` | Replicas | `1` |\n";
        let f = SourceFile::new("README.md", text.to_string());
        let rows = table(&f);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].key, "image.tag");
        assert_eq!(&f.text[rows[0].key_span.range()], "image.tag");
        assert_eq!(rows[0].default.as_ref().unwrap().0, "\"1.0\"");
        assert_eq!(rows[1].key, "a.\"b.c\"");
        assert_eq!(rows[2].layout, Layout::Bitnami);
        assert_eq!(rows[2].key, "replicaCount");
        assert_eq!(&f.text[rows[2].key_span.range()], "replicaCount");
    }

    #[test]
    fn reads_comment_forms() {
        let text = "## @param image.tag Image tag\n## @skip extra\nimage:\n  # -- (int) Port.\n  port: 80\n  # old.style -- Described.\n  other: 1\n";
        let f = SourceFile::new("values.yaml", text.to_string());
        let y = crate::yaml::parse(&f.text);
        let c = comments(&f, y.root());
        let keys: Vec<_> = c
            .iter()
            .map(|c| (c.key.as_str(), c.ty.as_deref(), c.skip))
            .collect();
        assert!(keys.contains(&("image.tag", None, false)));
        assert!(keys.contains(&("extra", None, true)));
        assert!(keys.contains(&("image.port", Some("int"), false)));
        assert!(keys.contains(&("old.style", None, false)));
        assert_eq!(parent_path("a.b[0].c"), Some("a.b[0]"));
        assert_eq!(parent_path("a.\"b.c\""), Some("a"));
    }
}

/// Splits a helm-docs path (`a."b.c".d[0]`) into keys and indices.
pub fn segments(path: &str) -> Option<Vec<Segment>> {
    let mut out = Vec::new();
    let b = path.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'.' => i += 1,
            b'"' => {
                let end = path[i + 1..].find('"')? + i + 1;
                out.push(Segment::Key(path[i + 1..end].to_string()));
                i = end + 1;
            }
            b'[' => {
                let end = path[i..].find(']')? + i;
                out.push(Segment::Index(path[i + 1..end].parse().ok()?));
                i = end + 1;
            }
            _ => {
                let end = path[i..].find(['.', '[']).map(|e| e + i).unwrap_or(b.len());
                out.push(Segment::Key(path[i..end].to_string()));
                i = end;
            }
        }
    }
    Some(out)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// The value at a helm-docs path.
pub fn resolve<'a>(root: &'a Node, path: &str) -> Option<&'a Node> {
    let mut node = root;
    for seg in segments(path)? {
        node = match seg {
            Segment::Key(k) => node
                .entries()
                .find(|e| e.key_json_string() == k)
                .map(|e| &e.value)?,
            Segment::Index(i) => node.as_seq()?.get(i)?,
        };
    }
    Some(node)
}
