use crate::chart::Chart;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::source::File;
use crate::yaml::Node;

pub static META: RuleMeta = RuleMeta {
    name: "chart/unknown-field",
    severity: Severity::Warning,
    summary: "Chart.yaml has a field Helm does not know (often a typo)",
    doc: r#"## What it does
Reports top-level fields of Chart.yaml that are not part of Helm's chart metadata, and unknown
fields in `maintainers` and `dependencies` entries, with the closest known name. Helm 2's
`engine` and `tillerVersion` are not typos: `chart/helm2-field` reports them at `info`.

## Why it matters
Helm silently drops unknown fields (Helm 4 warns `failed to strictly parse chart metadata
file`), and chart-testing's schema rejects them. A typo such as `appversion` or `dependancies`
means the value is simply not there.

## Example
```yaml
apiVersion: v2
name: web
version: 1.0.0
appversion: "2.0"
```

## Fix
Correct the spelling, or move custom data under `annotations`.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check);
pub const MANIFESTS: Option<ManifestCheck> = None;

/// The fields of Helm's chart `Metadata`.
pub(crate) const TOP_LEVEL: &[&str] = &[
    "apiVersion",
    "name",
    "version",
    "kubeVersion",
    "description",
    "type",
    "keywords",
    "home",
    "sources",
    "dependencies",
    "maintainers",
    "icon",
    "appVersion",
    "deprecated",
    "annotations",
    "condition",
    "tags",
];
/// Fields of Helm 2's chart metadata that Helm 3 ignores; `chart/helm2-field` reports them.
pub(crate) const HELM2_ONLY: &[&str] = &["engine", "tillerVersion"];
const MAINTAINER: &[&str] = &["name", "email", "url"];
pub(crate) const DEPENDENCY: &[&str] = &[
    "name",
    "version",
    "repository",
    "condition",
    "tags",
    "enabled",
    "import-values",
    "alias",
];

fn check_keys(map: &Node, known: &[&str], also: &[&str], what: &str, file: &File, sink: &mut Sink) {
    for e in map.as_map().unwrap_or(&[]) {
        let Some(key) = e.key.as_scalar().map(|s| s.text.as_str()) else {
            continue;
        };
        if known.contains(&key) || also.contains(&key) {
            continue;
        }
        let d = sink.report(
            &META,
            file,
            e.key.span,
            format!("Unknown field `{key}` {what}"),
        );
        let lower = key.to_ascii_lowercase();
        let suggestion = known
            .iter()
            .find(|k| k.to_ascii_lowercase() == lower)
            .copied()
            .or_else(|| crate::suggest::closest(key, known.iter().copied()));
        match suggestion {
            Some(s) => d.help(format!("did you mean `{s}`?")),
            None if what.starts_with("in Chart") => {
                d.help("Helm ignores it; put custom data under `annotations`")
            }
            None => d.help(format!("known fields: {}", known.join(", "))),
        };
    }
}

fn check(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    let Some(m) = super::meta(chart) else {
        return;
    };
    let file = m.file();
    check_keys(m.root, TOP_LEVEL, HELM2_ONLY, "in Chart.yaml", file, sink);
    for (key, known, what) in [
        ("maintainers", MAINTAINER, "in a maintainer entry"),
        ("dependencies", DEPENDENCY, "in a dependency entry"),
    ] {
        for item in m.get(key).and_then(Node::as_seq).unwrap_or(&[]) {
            if item.as_map().is_some() {
                check_keys(item, known, &[], what, file, sink);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::chart::test_support::*;

    #[test]
    fn fires_with_suggestions() {
        let text = "apiVersion: v2\nname: web\nappversion: \"2.0\"\ndependencies:\n  - name: redis\n    repo: https://x\n";
        let d = run(CHART, &chart("web").chart_yaml(text).build());
        assert_eq!(d.len(), 2, "{:#?}", summary(&d));
        assert_eq!(at(&d[0]), (3, 1));
        assert!(
            d[0].message
                .contains("Unknown field `appversion` in Chart.yaml")
        );
        assert_eq!(d[0].help.as_deref(), Some("did you mean `appVersion`?"));
        assert_eq!(at(&d[1]), (6, 5));
        assert!(d[1].message.contains("`repo` in a dependency entry"));
        let c = chart("web")
            .chart_yaml("apiVersion: v2\ncustomStuff: 1\n")
            .build();
        let d = run(CHART, &c);
        assert_one(&d, META.name, (2, 1), "`customStuff`");
        assert!(d[0].help.as_deref().unwrap_or("").contains("annotations"));
    }

    #[test]
    fn silent_on_known_fields() {
        let c = chart("web").chart_yaml(GOOD_CHART_YAML).build();
        assert!(run(CHART, &c).is_empty());
        let c = chart("web")
            .chart_yaml("apiVersion: v2\ndeprecated: false\ndependencies:\n  - name: a\n    version: 1.0.0\n    alias: b\n    enabled: true\n    import-values: [x]\n    tags: [t]\n")
            .build();
        assert!(run(CHART, &c).is_empty());
        let c = chart("web")
            .chart_yaml("apiVersion: v1\nname: web\nengine: gotpl\ntillerVersion: \">=2.8.0\"\n")
            .build();
        assert!(run(CHART, &c).is_empty());
    }
}
