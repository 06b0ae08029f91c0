use crate::chart::{Chart, YamlDoc};
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::source::Span;
use crate::yaml::{NodeKind, Style};
use std::sync::OnceLock;

pub static META: RuleMeta = RuleMeta {
    name: "values/tab-indent",
    severity: Severity::Error,
    summary: "A tab character in the indentation of values.yaml or Chart.yaml",
    doc: r#"## What it does
Reports tab characters in the leading whitespace of a line of values.yaml or Chart.yaml,
including lines that hold nothing but whitespace, at the tab's exact column. Tabs inside block
scalars (`key: |`) and quoted strings are content and are not reported. When the tab is what
stops the YAML parser, this finding replaces the `yaml/syntax` one.

## Why it matters
YAML forbids tabs for indentation. Helm's parser stops with the unhelpful
`found character that cannot start any token`, and some editors show a tab as the same width
as the surrounding spaces, so the mistake is invisible.

## Example
```yaml
image:
→ tag: "1.27"     # → is a tab
```

## Fix
Replace the tab with spaces (configure the editor to insert spaces in YAML files).
"#,
};

pub const CHART: Option<ChartCheck> = Some(check);
pub const MANIFESTS: Option<ManifestCheck> = None;

fn block_header() -> &'static regex::Regex {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(r"(?:^|[\s:\-?])[|>][0-9+\-]{0,2}\s*(?:#.*)?$").expect("valid regex")
    })
}

/// Tabs in indentation: `(0-based line, byte offset of the first tab, line is blank)`.
pub(crate) fn tab_positions(doc: &YamlDoc) -> Vec<(usize, usize, bool)> {
    let file = &doc.file;
    if !file.text.contains('\t') {
        return Vec::new();
    }
    // Multi-line scalars known from the tree: their inner lines are content.
    let mut content: Vec<Span> = Vec::new();
    for d in &doc.yaml.documents {
        if let Some(root) = &d.root {
            crate::yaml::walk(root, &mut |_, _, node| {
                if let NodeKind::Scalar(s) = &node.kind
                    && s.style != Style::Plain
                    && node.alias.is_none()
                {
                    content.push(node.span);
                }
            });
        }
    }
    let mut out = Vec::new();
    let mut block: Option<usize> = None;
    for line in 0..file.line_count() {
        let start = file.line_start(line);
        let text = file.line_text(line);
        let spaces = text.len() - text.trim_start_matches(' ').len();
        let ws_len = text.len() - text.trim_start_matches([' ', '\t']).len();
        let blank = ws_len == text.len();
        if let Some(indent) = block {
            if blank || spaces > indent {
                continue;
            }
            block = None;
        }
        if content
            .iter()
            .any(|s| (s.start as usize) < start && start < s.end as usize)
        {
            continue;
        }
        if let Some(tab) = text[..ws_len].find('\t') {
            out.push((line, start + tab, blank));
        }
        let code = text.trim_end();
        if !code.trim_start().starts_with('#') && block_header().is_match(code) {
            block = Some(spaces);
        }
    }
    out
}

/// Whether a syntax error at `span` is explained by a tab in indentation on its line or the
/// next one (the parser may stop at the end of the previous value).
pub(crate) fn explains(doc: &YamlDoc, span: Span) -> bool {
    let line = doc.file.line_index(span.start as usize);
    tab_positions(doc)
        .iter()
        .any(|(l, _, _)| *l == line || *l == line + 1)
}

fn check(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    for doc in chart.yaml_docs() {
        for (_, at, blank) in tab_positions(doc) {
            let msg = if blank {
                "Tab character on a blank line; Helm's YAML parser rejects a tab at the start of a line"
            } else {
                "Tab character in indentation; YAML allows only spaces there"
            };
            sink.report(&META, &doc.file, Span::new(at, at + 1), msg)
                .help("replace the tab with spaces");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::chart::test_support::*;

    #[test]
    fn fires_at_the_tab_column() {
        let c = chart("web")
            .values("image:\n  repository: x\n  \ttag: \"1\"\n")
            .build();
        assert_one(
            &run(CHART, &c),
            META.name,
            (3, 3),
            "Tab character in indentation",
        );
        let c = chart("web").values("a:\n\tb: 1\n").build();
        assert_one(&run(CHART, &c), META.name, (2, 1), "in indentation");
        let c = chart("web").values("a: 1\n\t\nb: 2\n").build();
        assert_one(&run(CHART, &c), META.name, (2, 1), "blank line");
        let c = chart("web")
            .chart_yaml("apiVersion: v2\n\tname: web\n")
            .build();
        assert_one(&run(CHART, &c), META.name, (2, 1), "in indentation");
    }

    #[test]
    fn silent_on_tabs_inside_block_scalars_and_strings() {
        let c = chart("web")
            .values("script: |\n  make\n  \tindented\nmsg: \"a\n  \tb\"\nfolded: >-\n  x\n\n  \ty\nk: v\t# trailing\n")
            .build();
        let d = run(CHART, &c);
        assert!(d.is_empty(), "{:#?}", summary(&d));
    }

    #[test]
    fn replaces_the_syntax_error_it_causes() {
        let c = chart("web").values("a:\n  b: 1\n\tc: 2\n").build();
        let all = run_all(&c);
        let s = summary(&all);
        assert!(s.iter().any(|l| l.contains("values/tab-indent")), "{s:#?}");
        assert!(!s.iter().any(|l| l.contains("yaml/syntax")), "{s:#?}");
        let c = chart("web").values("a: [1, 2\n").build();
        assert!(
            summary(&run_all(&c))
                .iter()
                .any(|l| l.contains("yaml/syntax"))
        );
    }
}
