use crate::chart::Chart;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::yaml::Node;

pub static META: RuleMeta = RuleMeta {
    name: "chart/maintainer-invalid",
    severity: Severity::Error,
    summary: "A maintainers entry is empty, has no name, or has an invalid email or url",
    doc: r#"## What it does
Checks every entry of `maintainers` in Chart.yaml: it must be a mapping with a `name`, and
`email` and `url`, when given, must be a valid e-mail address and URL.

## Why it matters
Helm refuses to load a chart with empty maintainer entries (`maintainers must not contain
empty or null nodes`), and `helm lint` reports `each maintainer requires a name` and
`invalid email '…' for maintainer '…'`. Chart repositories show these fields as contact links.
Unlike `helm lint`, every bad entry is reported, not only the first.

## Example
```yaml
maintainers:
  - email: jane.example.com
  -
```

## Fix
Give each maintainer a name, and a full address (`jane@example.com`) and URL
(`https://github.com/jane`).
"#,
};

pub const CHART: Option<ChartCheck> = Some(check);
pub const MANIFESTS: Option<ManifestCheck> = None;

fn check(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    let Some(m) = super::meta(chart) else {
        return;
    };
    let Some(list) = m.get("maintainers").and_then(Node::as_seq) else {
        return;
    };
    let file = m.file();
    for item in list {
        if item.is_null() {
            sink.report(&META, file, item.span, "A maintainer entry is empty")
                .help("remove the empty `-` line or fill in `name`");
            continue;
        }
        if item.as_map().is_none() {
            sink.report(
                &META,
                file,
                item.span,
                format!(
                    "A maintainer entry must be a mapping with `name`, not a {}",
                    item.type_name()
                ),
            )
            .help("write `- name: Jane Doe`");
            continue;
        }
        let name = item.get("name").and_then(Node::as_str).unwrap_or("");
        if name.is_empty() {
            let span = item
                .entry("name")
                .map(|e| e.key.span)
                .or_else(|| item.as_map().and_then(|e| e.first()).map(|e| e.key.span))
                .unwrap_or(item.span);
            sink.report(&META, file, span, "Each maintainer requires a name");
        }
        let who = if name.is_empty() { "(unnamed)" } else { name };
        if let Some(node) = item.get("email")
            && let Some(email) = node.as_str()
            && !email.is_empty()
            && !super::is_email(email)
        {
            sink.report(
                &META,
                file,
                node.span,
                format!("Invalid email `{email}` for maintainer `{who}`"),
            )
            .help("write a full address such as `jane@example.com`");
        }
        if let Some(node) = item.get("url")
            && let Some(url) = node.as_str()
            && !url.is_empty()
            && !super::is_lenient_url(url)
        {
            sink.report(
                &META,
                file,
                node.span,
                format!("Invalid url `{url}` for maintainer `{who}`"),
            )
            .help("write a full URL such as `https://github.com/jane`");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::chart::test_support::*;

    #[test]
    fn fires_on_each_bad_entry() {
        let text = "apiVersion: v2\nmaintainers:\n  - email: jane.example.com\n  -\n  - name: Bob\n    url: not a url\n";
        let d = run(CHART, &chart("web").chart_yaml(text).build());
        let s = summary(&d);
        assert_eq!(d.len(), 4, "{s:#?}");
        assert_eq!(at(&d[0]), (3, 5));
        assert!(d[0].message.contains("requires a name"));
        assert!(d[1].message.contains("Invalid email `jane.example.com`"));
        assert_eq!(at(&d[1]), (3, 12));
        assert!(d[2].message.contains("empty"));
        assert_eq!(at(&d[3]), (6, 10));
        assert!(
            d[3].message
                .contains("Invalid url `not a url` for maintainer `Bob`")
        );
    }

    #[test]
    fn silent_on_good_maintainers() {
        let c = chart("web").chart_yaml(GOOD_CHART_YAML).build();
        assert!(run(CHART, &c).is_empty());
        let c = chart("web")
            .chart_yaml("maintainers:\n  - name: Jane\n    url: github.com/jane\n")
            .build();
        assert!(run(CHART, &c).is_empty());
    }
}
