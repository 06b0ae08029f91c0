use crate::chart::Chart;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::source::File;
use crate::yaml::{Node, NodeKind, Value};

pub static META: RuleMeta = RuleMeta {
    name: "chart/field-type",
    severity: Severity::Error,
    summary: "A Chart.yaml field has the wrong type (e.g. a list where a string belongs)",
    doc: r#"## What it does
Checks the types of Chart.yaml fields that have no rule of their own: `description`, `home`,
`icon`, `condition`, `tags` are strings; `keywords` and `sources` are lists of strings;
`deprecated` is a boolean; `annotations` maps strings to strings; `maintainers` and
`dependencies` are lists. (`name`, `version`, `appVersion`, `kubeVersion` and `type` are
checked by their own rules.)

## Why it matters
Helm decodes Chart.yaml into typed fields: a mismatch makes the chart fail to load
(`cannot unmarshal …`), or, for numbers and booleans in string fields, silently changes the
text (`annotations: {minVersion: 1.10}` becomes `"1.1"`). chart-testing's schema rejects these too.

## Example
```yaml
deprecated: "yes"
keywords: web, http
annotations:
  replicas: 3
```

## Fix
Use the expected type: `deprecated: true`, `keywords: [web, http]`, and quote annotation
values (`replicas: "3"`).
"#,
};

pub const CHART: Option<ChartCheck> = Some(check);
pub const MANIFESTS: Option<ManifestCheck> = None;

fn scalar_value(node: &Node) -> Option<&Value> {
    node.as_scalar().map(|s| &s.value)
}

fn want_string(node: &Node, what: &str, file: &File, sink: &mut Sink) {
    match scalar_value(node) {
        Some(Value::Str) | Some(Value::Null) => {}
        Some(_) => {
            let written = super::written(file, node);
            let read = super::helm_string_of(node).unwrap_or_default();
            let msg = if read == written {
                format!(
                    "{what} must be a string, but `{written}` is {}",
                    super::describe_value(node)
                )
            } else {
                format!(
                    "{what} must be a string, but `{written}` is {}: Helm reads it as \"{read}\"",
                    super::describe_value(node)
                )
            };
            sink.report(&META, file, node.span, msg)
                .help(format!("quote it: `\"{written}\"`"));
        }
        None => {
            sink.report(
                &META,
                file,
                node.span,
                format!("{what} must be a string, not a {}", node.type_name()),
            );
        }
    }
}

fn want_string_list(node: &Node, what: &str, file: &File, sink: &mut Sink) {
    match &node.kind {
        NodeKind::Seq(items) => {
            for item in items {
                want_string(item, &format!("each entry of {what}"), file, sink);
            }
        }
        NodeKind::Scalar(s) if s.value == Value::Null => {}
        _ => {
            let d = sink.report(
                &META,
                file,
                node.span,
                format!(
                    "{what} must be a list of strings, not a {}",
                    node.type_name()
                ),
            );
            if let Some(s) = node.as_str()
                && s.contains(',')
            {
                d.help(format!("write it as a list: `[{s}]`"));
            }
        }
    }
}

fn check(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    let Some(m) = super::meta(chart) else {
        return;
    };
    let file = m.file();
    for key in ["description", "home", "icon", "condition", "tags"] {
        if let Some(node) = m.get(key) {
            want_string(node, &format!("`{key}`"), file, sink);
        }
    }
    for key in ["keywords", "sources"] {
        if let Some(node) = m.get(key) {
            want_string_list(node, &format!("`{key}`"), file, sink);
        }
    }
    if let Some(node) = m.get("deprecated")
        && !matches!(scalar_value(node), Some(Value::Bool(_) | Value::Null))
    {
        let d = sink.report(
            &META,
            file,
            node.span,
            format!(
                "`deprecated` must be a boolean, not {}",
                super::describe_value(node)
            ),
        );
        if let Some(s) = node.as_str()
            && matches!(s.to_ascii_lowercase().as_str(), "true" | "false")
        {
            d.help(format!(
                "remove the quotes: `deprecated: {}`",
                s.to_ascii_lowercase()
            ));
        }
    }
    if let Some(node) = m.get("annotations") {
        match &node.kind {
            NodeKind::Map(_) => {
                for e in node.entries() {
                    let key = e.key_json_string();
                    want_string(&e.value, &format!("Annotation `{key}`"), file, sink);
                }
            }
            NodeKind::Scalar(s) if s.value == Value::Null => {}
            _ => {
                sink.report(
                    &META,
                    file,
                    node.span,
                    format!(
                        "`annotations` must be a mapping of strings, not a {}",
                        node.type_name()
                    ),
                );
            }
        }
    }
    for key in ["maintainers", "dependencies"] {
        if let Some(node) = m.get(key)
            && node.as_seq().is_none()
            && !node.is_null()
        {
            sink.report(
                &META,
                file,
                node.span,
                format!("`{key}` must be a list, not a {}", node.type_name()),
            )
            .help("start each entry with `- `");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::chart::test_support::*;

    #[test]
    fn fires_on_wrong_types() {
        let text = "apiVersion: v2\ndeprecated: \"true\"\nkeywords: web, http\nannotations:\n  minVersion: 1.10\n  ok: \"x\"\nmaintainers:\n  name: Jane\n";
        let d = run(CHART, &chart("web").chart_yaml(text).build());
        assert_eq!(d.len(), 4, "{:#?}", summary(&d));
        assert_eq!(at(&d[0]), (3, 11));
        assert!(
            d[0].message
                .contains("`keywords` must be a list of strings")
        );
        assert_eq!(
            d[0].help.as_deref(),
            Some("write it as a list: `[web, http]`")
        );
        assert_eq!(at(&d[1]), (2, 13));
        assert!(d[1].message.contains("`deprecated` must be a boolean"));
        assert_eq!(at(&d[2]), (5, 15));
        assert!(d[2].message.contains("Helm reads it as \"1.1\""));
        assert_eq!(at(&d[3]), (8, 3));
        assert!(d[3].message.contains("`maintainers` must be a list"));
    }

    #[test]
    fn silent_on_right_types() {
        let c = chart("web").chart_yaml(GOOD_CHART_YAML).build();
        assert!(run(CHART, &c).is_empty());
        let c = chart("web")
            .chart_yaml("description:\ndeprecated: true\n")
            .build();
        assert!(run(CHART, &c).is_empty());
    }
}
