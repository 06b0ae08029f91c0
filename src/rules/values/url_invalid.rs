use crate::chart::Chart;
use crate::chart::values::{is_template, norm};
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

A host value may carry a port (`0.0.0.0:8200`), and a URL under a host key is checked as a URL.
Not checked, because they are not literal addresses: environment substitutions (`${DNS_NAME}`,
`$HOSTNAME`), `<placeholders>`, a port written as a word to fill in
(`http://exporter_url:exporter_port/`), regular expressions (`.*`, `^$`), and RabbitMQ
virtual hosts (`vhost`). JDBC URLs are checked after their `jdbc:` prefix.

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

fn check<'a>(chart: &'a Chart, ctx: &Ctx<'a>, sink: &mut Sink) {
    for v in ctx.values(chart) {
        let Some(key) = v.key else { continue };
        let Some(text) = v.node.as_str() else {
            continue;
        };
        // A block scalar's final line break is not part of the address.
        let text = text.trim_end_matches(['\n', '\r']);
        if text.is_empty() || is_template(text) || substituted(text) {
            continue;
        }
        let k = norm(key);
        let problem = if k == "url" || k.ends_with("url") || k.ends_with("uri") {
            // JDBC URLs put the driver before the scheme: `jdbc:postgresql://db:5432/app`.
            let url = text.strip_prefix("jdbc:").unwrap_or(text);
            if !url.contains("://") {
                continue;
            }
            check_url(url)
        } else if is_host_key(&k) {
            if pattern(text) {
                continue;
            }
            if text.contains("://") {
                // A URL where a host was expected: check it as the URL it is.
                check_url(text)
            } else {
                check_host_port(text).map(|p| format!("`{text}` is not a valid host: {p}"))
            }
        } else {
            continue;
        };
        let Some(problem) = problem else { continue };
        if placeholder_address(text) {
            continue;
        }
        sink.report(&META, v.file, v.node.span, format!("`{}`: {problem}", v.path))
            .label("invalid")
            .help("write a real host name, or a tpl string such as `{{ .Release.Name }}-db` that the templates render with `tpl`");
    }
}

/// `host`, `hostname`, `*Host`; not `vhost` (a RabbitMQ virtual host is a name, not a host)
/// nor `ghost`.
fn is_host_key(k: &str) -> bool {
    (k == "host" || k == "hostname" || k.ends_with("host"))
        && !k.ends_with("vhost")
        && !k.ends_with("ghost")
}

/// A host with an optional port (`0.0.0.0:8200`, `db.internal:5432`).
fn check_host_port(text: &str) -> Option<String> {
    if let Some((host, port)) = text.rsplit_once(':')
        && !host.contains(':')
    {
        if !port.parse::<u32>().is_ok_and(|n| (1..=65535).contains(&n)) {
            return Some(format!("the port `{port}` is not a port number"));
        }
        return check_host(host);
    }
    check_host(text)
}

/// Values resolved elsewhere: environment substitutions (`${NODE_NAME}`, `$HOSTNAME`) and
/// `<placeholders>`.
fn substituted(text: &str) -> bool {
    text.contains('$') || (text.starts_with('<') && text.ends_with('>'))
}

/// `http://exporter_host:exporter_port/x`: a host and port written as names to fill in (a port
/// that is a word, not a number) is a placeholder, not an address.
fn placeholder_address(text: &str) -> bool {
    let rest = text.split_once("://").map(|(_, r)| r).unwrap_or(text);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    authority.rsplit_once(':').is_some_and(|(_, port)| {
        port.contains(|c: char| c.is_ascii_alphabetic())
            && port.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    })
}

/// A regular expression or glob where a host name is matched rather than written (`.*`,
/// `^$`, `(a|b)`); a leading `*.` wildcard domain is still a host.
fn pattern(text: &str) -> bool {
    text.contains(['^', '|', '(', ')', '\\', '+', '?', '[', ']'])
        && !(text.starts_with('[') && text.contains(']'))
        || text.contains(".*")
        || text.trim_start_matches("*.").contains('*')
}
