use crate::chart::Chart;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::source::File;
use crate::yaml::Node;

pub static META: RuleMeta = RuleMeta {
    name: "chart/url-invalid",
    severity: Severity::Error,
    summary: "home, icon or a sources entry in Chart.yaml is not a valid URL",
    doc: r#"## What it does
Checks the URLs of Chart.yaml: `home`, every `sources` entry, and `icon`. Each must be an
absolute URL with a scheme; `icon` must be `http://`, `https://` or a `data:` URL.

## Why it matters
`helm lint` reports `invalid source URL '…'` and `invalid icon URL '…'` as errors. Chart
repositories and Artifact Hub link to these addresses and load the icon from them; a relative
path or a bare host name leads nowhere.

## Example
```yaml
home: example.com/web
icon: ./icon.png
sources:
  - github.com/example/web
```

## Fix
Write full URLs: `https://example.com/web`, `https://example.com/web/icon.svg`.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check);
pub const MANIFESTS: Option<ManifestCheck> = None;

fn report(sink: &mut Sink, file: &File, node: &Node, what: &str, url: &str) {
    let d = sink.report(&META, file, node.span, format!("Invalid {what} `{url}`"));
    if !url.contains(':') && !url.is_empty() && !url.starts_with(['.', '/']) {
        d.help(format!("add the scheme: `https://{url}`"));
    } else {
        d.help("use an absolute URL such as `https://example.com/…`");
    }
}

fn check(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    let Some(m) = super::meta(chart) else {
        return;
    };
    let file = m.file();
    if let Some(node) = m.get("home")
        && let Some(url) = node.as_str()
        && !url.is_empty()
        && !super::is_request_url(url)
    {
        report(sink, file, node, "home URL", url);
    }
    if let Some(list) = m.get("sources").and_then(Node::as_seq) {
        for node in list {
            if let Some(url) = node.as_str()
                && !super::is_request_url(url)
            {
                report(sink, file, node, "source URL", url);
            }
        }
    }
    if let Some(node) = m.get("icon")
        && let Some(url) = node.as_str()
        && !url.is_empty()
    {
        let scheme = url.split_once(':').map(|(s, _)| s.to_ascii_lowercase());
        let web = matches!(scheme.as_deref(), Some("http" | "https" | "data"));
        if !super::is_request_url(url) || !web {
            report(sink, file, node, "icon URL", url);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::chart::test_support::*;

    #[test]
    fn fires_on_relative_and_schemeless_urls() {
        let text = "apiVersion: v2\nhome: example.com/web\nicon: ./icon.png\nsources:\n  - https://ok.example.com\n  - git@github.com:x/y\n";
        let d = run(CHART, &chart("web").chart_yaml(text).build());
        assert_eq!(d.len(), 3, "{:#?}", summary(&d));
        assert_eq!(at(&d[0]), (2, 7));
        assert!(d[0].message.contains("Invalid home URL `example.com/web`"));
        assert_eq!(
            d[0].help.as_deref(),
            Some("add the scheme: `https://example.com/web`")
        );
        assert_eq!(at(&d[1]), (6, 5));
        assert!(d[1].message.contains("source URL"));
        assert_eq!(at(&d[2]), (3, 7));
        assert!(d[2].message.contains("icon URL"));
    }

    #[test]
    fn silent_on_good_urls() {
        let c = chart("web").chart_yaml(GOOD_CHART_YAML).build();
        assert!(run(CHART, &c).is_empty());
        let c = chart("web")
            .chart_yaml("icon: data:image/png;base64,iVBORw0KGgo=\n")
            .build();
        assert!(run(CHART, &c).is_empty());
    }
}
