//! values.yaml rules.

pub mod float_version;
pub mod image_invalid;
pub mod large_number;
pub mod leading_zero_number;
pub mod name_invalid;
pub mod negative_count;
pub mod plaintext_secret;
pub mod port_range;
pub mod schema_invalid;
pub mod schema_too_complex;
pub mod schema_violation;
pub mod seconds_not_integer;
pub mod string_bool;
pub mod tab_indent;
pub mod tpl_invalid;
pub mod url_invalid;
pub mod yaml11_boolean;

use crate::chart::{Chart, YamlDoc};
use crate::yaml::{Entry, Node, Value};

/// Called with the values file, the dotted path, the mapping entry (for map values) and the node.
pub(crate) type ValuesVisitor<'a, 'f> = dyn FnMut(&YamlDoc, &str, Option<&'a Entry>, &'a Node) + 'f;

/// Walks values.yaml (when it parsed) over every node that was written in place (aliases and
/// merge-key copies are reported where they were written), with [`crate::chart::values::all`].
pub(crate) fn walk_values<'a>(
    chart: &'a Chart,
    ctx: &crate::rules::Ctx<'a>,
    f: &mut ValuesVisitor<'a, '_>,
) {
    let Some(doc) = &chart.values else {
        return;
    };
    for v in ctx.values(chart) {
        f(doc, v.path, v.entry, v.node);
    }
}

/// Called with the values file, the path, the key, the text as written, the value and the node.
pub(crate) type VersionNumberVisitor<'a, 'f> =
    dyn FnMut(&YamlDoc, &str, &str, &str, &Value, &'a Node) + 'f;

/// Walks the numbers written under version-like keys (`tag`, `*Tag`, `version`, `*Version`):
/// the visitor gets the path, the key, the text as written, the value and the node.
pub(crate) fn walk_version_numbers<'a>(
    chart: &'a Chart,
    ctx: &crate::rules::Ctx<'a>,
    f: &mut VersionNumberVisitor<'a, '_>,
) {
    walk_values(chart, ctx, &mut |doc, path, entry, node| {
        let Some(key) = entry.and_then(|e| e.key_str()) else {
            return;
        };
        if !version_like_key(key) {
            return;
        }
        if let Some((text, value @ (Value::Int(_) | Value::Float(_)))) = plain_value(node) {
            f(doc, path, key, text, value, node);
        }
    });
}

/// Keys whose values are versions or image tags and so meant as text.
pub(crate) fn version_like_key(key: &str) -> bool {
    let l = key.to_ascii_lowercase();
    l == "tag" || l.ends_with("tag") || l.ends_with("version")
}

/// What `{{ .Values.x }}` prints for a number.
pub(crate) fn rendered(value: &Value) -> Option<String> {
    match value {
        Value::Int(i) => Some(crate::rules::chart::go_format_g(*i as f64, false)),
        Value::Float(f) => Some(crate::rules::chart::go_format_g(*f, false)),
        _ => None,
    }
}

/// The span of a plain scalar, key or value.
pub(crate) fn plain_value(node: &Node) -> Option<(&str, &Value)> {
    if !crate::rules::chart::is_plain(node) {
        return None;
    }
    let s = node.as_scalar()?;
    Some((s.text.as_str(), &s.value))
}

/// How a chart's own templates use a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TemplateUse {
    /// Tested for truth somewhere (`if`, `with`, `and`, `or`, `not`, `hasKey`), or named by a
    /// dependency's `condition`; not when every test only guards printing the value itself
    /// (`{{ if .Values.x }}x: {{ .Values.x | quote }}{{ end }}`, an optional text setting).
    Tested,
    /// Read, but only printed, quoted, compared or passed on (a parent printed with `toYaml`
    /// or ranged over included).
    Read,
    /// No read of it was found (a subchart's or global value, or a read the analysis cannot
    /// place).
    Unknown,
}

/// When `path` starts with `segments` joined by dots: the length of that joined text (the
/// segments are compared in place, not joined).
fn joined_prefix(segments: &[String], path: &str) -> Option<usize> {
    let mut at = 0;
    for (i, seg) in segments.iter().enumerate() {
        if i > 0 {
            if !path.get(at..)?.starts_with('.') {
                return None;
            }
            at += 1;
        }
        if !path.get(at..)?.starts_with(seg.as_str()) {
            return None;
        }
        at += seg.len();
    }
    Some(at)
}

/// Whether `segments` joined by dots is the empty text.
fn joined_is_empty(segments: &[String]) -> bool {
    match segments {
        [] => true,
        [only] => only.is_empty(),
        _ => false,
    }
}

/// How the chart's templates use the value at `path` (a dotted values path as
/// [`crate::chart::values::all`] writes it).
pub(crate) fn template_use(chart: &Chart, path: &str) -> TemplateUse {
    let conditions = chart
        .chart_yaml
        .as_ref()
        .and_then(|c| c.yaml.root())
        .and_then(|r| r.get("dependencies"))
        .and_then(Node::as_seq)
        .unwrap_or(&[]);
    if conditions.iter().any(|d| {
        d.get("condition")
            .and_then(Node::as_str)
            .is_some_and(|c| c.split(',').any(|p| p.trim() == path))
    }) {
        return TemplateUse::Tested;
    }
    let reads = chart.value_reads();
    let (mut read, mut tested, mut printed_unguarded, mut guarded) = (false, false, false, false);
    for r in reads.reads.iter().filter(|r| r.checkable) {
        let at = joined_prefix(&r.path, path);
        if at == Some(path.len()) {
            if r.test {
                tested = true;
            } else if r.guard_len < r.path.len() {
                printed_unguarded = true;
            } else {
                guarded = true;
            }
            read = true;
        } else if (r.whole || !r.test)
            && (joined_is_empty(&r.path) || at.is_some_and(|n| path[n..].starts_with(['.', '['])))
        {
            read = true;
        }
    }
    // `{{ if .Values.x }}…{{ .Values.x | quote }}{{ end }}`: tested only for presence before it is
    // printed, the way an optional text setting is written.
    let only_guards = guarded && !printed_unguarded;
    if tested && !only_guards {
        TemplateUse::Tested
    } else if read {
        TemplateUse::Read
    } else {
        TemplateUse::Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::{joined_is_empty, joined_prefix};

    /// The in-place comparison answers what joining the segments and comparing the text would,
    /// dots and empty segments included.
    #[test]
    fn joined_prefix_matches_joining() {
        let segs: &[&[&str]] = &[
            &[],
            &[""],
            &["", ""],
            &["a"],
            &["a", "b"],
            &["a.b"],
            &["a", ""],
            &["", "a"],
            &["image", "tag"],
            &["image", "tag", "x"],
            &["a", "b.c"],
        ];
        let paths = [
            "",
            ".",
            "a",
            "a.",
            "a.b",
            "a.b.c",
            "a[0]",
            "a.b[1]",
            ".a",
            "image.tag",
            "image",
            "image.tags",
            "a..",
            "a.bc",
        ];
        for s in segs {
            let owned: Vec<String> = s.iter().map(|x| x.to_string()).collect();
            let joined = owned.join(".");
            for p in paths {
                let want = p.starts_with(&joined).then_some(joined.len());
                assert_eq!(joined_prefix(&owned, p), want, "{s:?} {p:?}");
            }
            assert_eq!(joined_is_empty(&owned), joined.is_empty(), "{s:?}");
        }
    }
}
