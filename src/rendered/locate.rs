//! From a position in rendered text to the files on disk: the template bytes or action that
//! wrote it, and the values node behind it.
//!
//! The renderer keeps, for every byte range of its output, the template text node or action
//! that printed it ([`Segment`]). Text printed as written maps byte for byte; bytes printed by
//! an action map to the whole action (`{{ .Values.x }}`), and the value it printed keeps the
//! span of the values node it was read from. When an action printed a whole map or list
//! (`toYaml .Values.probe | nindent 8`), the finding's node inside the rendered object is
//! looked up by the same keys inside that values node, so the values line is the exact one.

use crate::render::engine::{Output, Segment};
use crate::source::{File, Span};
use crate::yaml::{Node, NodeKind, YamlFile};

/// A place on disk.
#[derive(Clone, Debug)]
pub struct Place {
    pub file: File,
    pub span: Span,
    /// The values node the bytes were read from, when they printed a value.
    pub value: Option<(File, Span)>,
    /// The bytes were printed by an action (not template text).
    pub action: bool,
    /// When the bytes were written by a named template (`define`) of the chart that the
    /// template at `file` includes: where in it.
    pub helper: Option<(File, Span)>,
}

/// The segment holding output byte `at` (the last one for the end of the text).
pub fn segment_at(out: &Output, at: u32) -> Option<&Segment> {
    let i = out.segments.partition_point(|s| s.out.end <= at);
    out.segments[i..]
        .iter()
        .find(|s| s.out.end > s.out.start)
        .or_else(|| out.segments.last())
}

/// The segment behind the rendered `span`: for an empty span (a value that rendered as
/// nothing, `name: `), the action on that line that printed nothing, nearest to it.
pub fn segment_for(out: &Output, span: Span) -> Option<&Segment> {
    if span.is_empty() {
        let text = out.text.as_bytes();
        let at = (span.start as usize).min(text.len());
        let line_start = text[..at]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        let line_end = text[at..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(text.len(), |p| at + p);
        let first = out
            .segments
            .partition_point(|s| (s.out.end as usize) < line_start);
        let empty = out.segments[first..]
            .iter()
            .take_while(|s| s.out.start as usize <= line_end)
            .filter(|s| s.out.is_empty() && !s.text)
            .min_by_key(|s| (s.out.start as i64 - at as i64).abs());
        if let Some(s) = empty {
            return Some(s);
        }
    }
    segment_at(out, span.start)
}

/// Where the rendered bytes `span` of `out` came from. `files` resolves the file ids of the
/// render; `own` says whether a file belongs to the linted chart (a helper of a chart linked
/// from elsewhere is replaced by the call site in the chart's own template).
pub fn place(
    out: &Output,
    files: &[File],
    span: Span,
    own: &dyn Fn(&File) -> bool,
) -> Option<Place> {
    let seg = segment_for(out, span)?;
    let file = files.get(seg.file as usize)?.clone();
    let value = seg
        .value
        .and_then(|o| Some((files.get(o.file as usize)?.clone(), o.span)));
    let verbatim = seg.text && seg.span.len() == (seg.out.end - seg.out.start) as usize;
    let mut place = if verbatim {
        let start = seg.span.start + (span.start.max(seg.out.start) - seg.out.start);
        let end = seg.span.start + (span.end.min(seg.out.end).max(span.start) - seg.out.start);
        Place {
            file,
            span: Span { start, end },
            value,
            action: false,
            helper: None,
        }
    } else {
        Place {
            file,
            span: first_line(&seg.span, files.get(seg.file as usize)?),
            value,
            action: !seg.text,
            helper: None,
        }
    };
    // Bytes written by an included template are shown at the include in the executed file
    // (a helper serves many objects); the helper's own line, when it is the chart's, beside it.
    if seg.site.0 != seg.file {
        let site_file = files.get(seg.site.0 as usize)?.clone();
        if !own(&site_file) {
            return None;
        }
        if own(&place.file) {
            place.helper = Some((place.file.clone(), place.span));
        }
        place.file = site_file;
        place.span = seg.site.1;
        place.action = true;
    } else if !own(&place.file) {
        return None;
    }
    Some(place)
}

/// A multi-line text node is shown by its first non-blank line.
fn first_line(span: &Span, file: &File) -> Span {
    let text = file.text.get(span.range()).unwrap_or("");
    if !text.contains('\n') {
        return *span;
    }
    let lead = text.len() - text.trim_start().len();
    let rest = &text[lead..];
    let len = rest.find('\n').unwrap_or(rest.len());
    Span::new(
        span.start as usize + lead,
        span.start as usize + lead + len.max(1).min(rest.len()),
    )
}

/// The path of keys and indices from `root` down to the smallest node containing `span`. A
/// span on a key steps into that entry's value and stops there.
fn path_to<'a>(root: &'a Node, span: Span) -> Vec<(Step<'a>, &'a Node)> {
    let mut out = Vec::new();
    let mut node = root;
    loop {
        let next = match &node.kind {
            NodeKind::Map(entries) => entries.iter().find_map(|e| {
                (contains(e.value.span, span) || contains(e.key.span, span))
                    .then(|| (Step::Key(e.key_str().unwrap_or("")), &e.value))
            }),
            NodeKind::Seq(items) => items
                .iter()
                .enumerate()
                .find_map(|(i, n)| contains(n.span, span).then_some((Step::Index(i), n))),
            NodeKind::Scalar(_) => None,
        };
        match next {
            Some((step, n)) if !std::ptr::eq(n, node) => {
                out.push((step, n));
                if !contains(n.span, span) {
                    return out;
                }
                node = n;
            }
            _ => return out,
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

fn contains(outer: Span, inner: Span) -> bool {
    outer.start <= inner.start && inner.end <= outer.end && outer.end > outer.start
}

/// The node of `root` whose span is `span` (or the smallest one containing it).
fn node_at(root: &Node, span: Span) -> &Node {
    let mut node = root;
    for (_, n) in path_to(root, span) {
        if !contains(n.span, span) {
            break;
        }
        node = n;
    }
    node
}

/// Narrows the values span of a place: the finding's node `finding` in the rendered document
/// `doc` sits under the node the segment printed; the same keys below the values node
/// `value` give the values node behind the finding. Returns `value` when the shapes differ.
pub fn refine_value(
    doc: &YamlFile,
    finding: Span,
    seg_start: u32,
    values: &YamlFile,
    value: Span,
) -> Span {
    let Some(rendered_root) = doc.documents.iter().find_map(|d| {
        d.root
            .as_ref()
            .filter(|r| r.span.start <= finding.start && finding.start <= r.span.end)
    }) else {
        return value;
    };
    let Some(values_root) = values.documents.iter().find_map(|d| {
        d.root
            .as_ref()
            .filter(|r| r.span.start <= value.start && value.end <= r.span.end)
    }) else {
        return value;
    };
    let base = node_at(values_root, value);
    if !matches!(base.kind, NodeKind::Map(_) | NodeKind::Seq(_)) {
        return value;
    }
    // The rendered path below the first node printed by the segment.
    let path = path_to(rendered_root, finding);
    let Some(first) = path.iter().position(|(_, n)| n.span.start >= seg_start) else {
        return value;
    };
    let mut node = base;
    for (step, _) in &path[first + 1..] {
        let next = match (step, &node.kind) {
            (Step::Key(k), NodeKind::Map(entries)) => entries
                .iter()
                .find(|e| e.key_str() == Some(k))
                .map(|e| &e.value),
            (Step::Index(i), NodeKind::Seq(items)) => items.get(*i),
            _ => None,
        };
        match next {
            Some(n) => node = n,
            None => return value,
        }
    }
    // The finding may point at a key: the rendered key's node is the entry's value here, so
    // the values entry's value is the best match too.
    node.span
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finding_below_a_printed_map_finds_the_same_keys_in_values() {
        let values = crate::yaml::parse("probe:\n  httpGet:\n    path: /\n  timeoutSeconds: 10\n");
        let rendered =
            "spec:\n  livenessProbe:\n    httpGet:\n      path: /\n    timeoutSeconds: 10\n";
        let doc = crate::yaml::parse(rendered);
        let seg_start = rendered.find("\n    httpGet").unwrap() as u32;
        let finding = rendered.rfind("10").unwrap();
        let values_text = "probe:\n  httpGet:\n    path: /\n  timeoutSeconds: 10\n";
        let probe = values_text.find("httpGet").unwrap();
        let v = refine_value(
            &doc,
            Span::new(finding, finding + 2),
            seg_start,
            &values,
            Span::new(probe, values_text.len() - 1),
        );
        assert_eq!(&values_text[v.range()], "10");
    }
}
