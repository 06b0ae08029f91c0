use crate::chart::Chart;
use crate::chart::semver;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::yaml::Node;

pub static META: RuleMeta = RuleMeta {
    name: "chart/dependency-invalid",
    severity: Severity::Error,
    summary: "A dependency is empty, has no name or version, or has a bad version, repository or alias",
    doc: r#"## What it does
Checks every entry of `dependencies` in Chart.yaml: it must be a mapping with a `name` and a
`version` that is a valid version constraint (`1.2.3`, `~1.2.3`, `^2`, `>=1.0.0 <2.0.0`,
`1.x`); `repository`, when given, must be an `http(s)://`, `oci://` or `file://` URL or a
repository alias (`@stable`, `alias:stable`); `alias` may only hold letters, digits, `_`
and `-`. An empty repository is fine: the chart is then expected in `charts/`.

## Why it matters
Helm refuses to load empty entries (`dependencies must not contain empty or null nodes`) and
bad aliases (`dependency "x" has disallowed characters in the alias`), and
`helm dependency update` fails on versions it cannot parse or repositories it cannot reach
(`charts.bitnami.com/bitnami` without a scheme is read as a local path).

## Example
```yaml
dependencies:
  - name: redis
    version: latest
    repository: charts.bitnami.com/bitnami
    alias: redis.cache
```

## Fix
```yaml
dependencies:
  - name: redis
    version: ~17.3.0
    repository: https://charts.bitnami.com/bitnami
    alias: redis-cache
```
"#,
};

pub const CHART: Option<ChartCheck> = Some(check);
pub const MANIFESTS: Option<ManifestCheck> = None;

fn valid_repository(r: &str) -> bool {
    if r.starts_with('@') {
        return r.len() > 1;
    }
    if let Some(rest) = r.strip_prefix("alias:") {
        return !rest.is_empty();
    }
    if r.starts_with("file://") {
        return r.len() > "file://".len();
    }
    // http(s), oci, and schemes served by downloader plugins (`s3://`, `git+https://`).
    match r.split_once("://") {
        Some((scheme, rest)) => {
            !rest.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && super::is_request_url(r)
        }
        None => false,
    }
}

fn check(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    let Some(m) = super::meta(chart) else {
        return;
    };
    let Some(list) = m.get("dependencies").and_then(Node::as_seq) else {
        return;
    };
    let file = m.file();
    for dep in list {
        if dep.is_null() {
            sink.report(&META, file, dep.span, "A dependency entry is empty")
                .help("remove the empty `-` line or fill in `name`, `version` and `repository`");
            continue;
        }
        if dep.as_map().is_none() {
            sink.report(
                &META,
                file,
                dep.span,
                format!(
                    "A dependency must be a mapping with `name` and `version`, not a {}",
                    dep.type_name()
                ),
            );
            continue;
        }
        let (name_node, name, _) = super::dep_names(dep);
        let first_key = dep
            .as_map()
            .and_then(|e| e.first())
            .map(|e| e.key.span)
            .unwrap_or(dep.span);
        if name.is_none() {
            let span = name_node
                .filter(|n| !n.span.is_empty())
                .map(|n| n.span)
                .unwrap_or(first_key);
            sink.report(&META, file, span, "Each dependency requires a `name`");
        }
        let who = name.unwrap_or("(unnamed)");
        match dep.get("version") {
            None => {
                let span = name_node.map(|n| n.span).unwrap_or(first_key);
                sink.report(
                    &META,
                    file,
                    span,
                    format!("Dependency `{who}` has no `version`"),
                )
                .help("add a version or range, e.g. `version: ~1.2.0`");
            }
            Some(v) if v.is_null() => {
                let span = dep
                    .entry("version")
                    .map(|e| e.key.span)
                    .unwrap_or(first_key);
                sink.report(
                    &META,
                    file,
                    span,
                    format!("Dependency `{who}` has an empty `version`"),
                );
            }
            Some(v) => {
                let text = match v.as_str() {
                    Some(t) => t.to_string(),
                    None => super::written(file, v),
                };
                if let Err(e) = semver::parse_constraint(&text) {
                    let bad = text.get(e.at..(e.at + e.len).min(text.len())).unwrap_or("");
                    let span = if bad.is_empty() {
                        v.span
                    } else {
                        super::sub_span(file, v, bad, 0)
                    };
                    sink.report(
                        &META,
                        file,
                        span,
                        format!(
                            "Dependency `{who}` has an invalid version `{text}`: {}",
                            e.message
                        ),
                    )
                    .help("use a version or range such as `1.2.3`, `~1.2.0` or `>=1.2.0 <2.0.0`");
                }
            }
        }
        if let Some(r) = dep.get("repository")
            && let Some(repo) = r.as_str()
            && !repo.is_empty()
            && !valid_repository(repo)
        {
            let d = sink.report(
                &META,
                file,
                r.span,
                format!("Dependency `{who}` has an invalid repository `{repo}`"),
            );
            if !repo.contains("://") && repo.contains('.') && !repo.starts_with(['.', '/']) {
                d.help(format!("add the scheme: `https://{repo}`"));
            } else if repo.starts_with(['.', '/']) {
                d.help(format!("write a local chart as `file://{repo}`"));
            } else {
                d.help(
                    "use an `https://`, `oci://` or `file://` URL, or a repository alias `@name`",
                );
            }
        }
        if let Some(a) = dep.get("alias")
            && !a.is_null()
        {
            let alias = a.as_str().unwrap_or("");
            let ok = !alias.is_empty()
                && alias
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if !ok {
                let shown = super::written(file, a);
                sink.report(
                    &META,
                    file,
                    a.span,
                    format!("Dependency `{who}` has disallowed characters in the alias `{shown}`"),
                )
                .help("an alias may only hold letters, digits, `_` and `-`");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::chart::test_support::*;

    #[test]
    fn fires_on_bad_entries() {
        let text = "apiVersion: v2
dependencies:
  - name: redis
    version: latest
    repository: charts.bitnami.com/bitnami
    alias: redis.cache
  -
  - repository: https://x.example.com
";
        let d = run(CHART, &chart("web").chart_yaml(text).build());
        let s = summary(&d);
        assert_eq!(d.len(), 6, "{s:#?}");
        assert_eq!(at(&d[0]), (4, 14));
        assert!(d[0].message.contains("invalid version `latest`"));
        assert_eq!(at(&d[1]), (5, 17));
        assert_eq!(
            d[1].help.as_deref(),
            Some("add the scheme: `https://charts.bitnami.com/bitnami`")
        );
        assert_eq!(at(&d[2]), (6, 12));
        assert!(
            d[2].message
                .contains("disallowed characters in the alias `redis.cache`")
        );
        assert!(d[3].message.contains("entry is empty"));
        assert_eq!(at(&d[4]), (8, 5));
        assert!(d[4].message.contains("requires a `name`"));
        assert!(d[5].message.contains("has no `version`"));
    }

    #[test]
    fn silent_on_good_dependencies() {
        let text = "apiVersion: v2
dependencies:
  - name: redis
    version: ~17.3.0
    repository: https://charts.bitnami.com/bitnami
    alias: cache_1
  - name: pg
    version: \">=12.0.0-0 <13\"
    repository: oci://registry-1.docker.io/bitnamicharts
  - name: local
    version: 0.1.0
    repository: file://../local
  - name: vendored
    version: 1.x
  - name: aliased
    version: ^2
    repository: \"@stable\"
";
        let d = run(CHART, &chart("web").chart_yaml(text).build());
        assert!(d.is_empty(), "{:#?}", summary(&d));
    }
}
