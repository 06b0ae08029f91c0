use crate::chart::Chart;
use crate::chart::values::{all, is_template, norm};
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::net::{check_host, check_url};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "values/url-invalid",
    severity: Severity::Error,
    summary: "A URL or host value cannot be parsed or has an invalid host",
    doc: r#"## What it does
Reports values under URL keys (`url`, `*Url`, `*URL`, `*Uri`) that hold a URL with a scheme
but an unparsable form or an invalid host or port, and values under host keys (`host`,
`*Host`, `hostname`) that are not valid host names, IP addresses or wildcard domains. Template
strings (`{{ .Release.Name }}-mongodb`) are left to `values/tpl-invalid`; empty values are
left alone.

## Why it matters
`mongodb://-:27017` is what a documented default looks like after the template part
(`{{ .Release.Name }}`) was stripped or rendered empty: the service fails at start-up trying
to resolve the host `-`.

## Example
```yaml
mongodb:
  url: "mongodb://-:27017"
```

## Fix
Write a real host name, or make the value a `tpl` string that the templates render with
`tpl`: `mongodb://{{ .Release.Name }}-mongodb:27017`.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check);
pub const MANIFESTS: Option<ManifestCheck> = None;

fn check(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    for v in all(chart) {
        let Some(key) = v.key else { continue };
        let Some(text) = v.node.as_str() else {
            continue;
        };
        if text.is_empty() || is_template(text) {
            continue;
        }
        let k = norm(key);
        let problem = if k == "url" || k.ends_with("url") || k.ends_with("uri") {
            if !text.contains("://") {
                continue;
            }
            check_url(text)
        } else if k == "host" || k == "hostname" || (k.ends_with("host") && !k.ends_with("ghost")) {
            check_host(text).map(|p| format!("`{text}` is not a valid host: {p}"))
        } else {
            continue;
        };
        let Some(problem) = problem else { continue };
        sink.report(&META, v.file, v.node.span, format!("`{}`: {problem}", v.path))
            .label("invalid")
            .help("write a real host name, or a tpl string such as `{{ .Release.Name }}-db` that the templates render with `tpl`");
    }
}
