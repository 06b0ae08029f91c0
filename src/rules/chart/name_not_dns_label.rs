use crate::chart::Chart;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "chart/name-not-dns-label",
    severity: Severity::Warning,
    summary: "Chart name is not a DNS-1123 label (lowercase letters, digits and dashes, at most 63)",
    doc: r#"## What it does
Checks that the chart name follows Helm's naming best practice: lowercase letters, digits and
`-`, starting and ending with a letter or digit, at most 63 characters (a DNS-1123 label).

## Why it matters
Chart names end up in resource names and labels (`helm.sh/chart: web-1.2.3`,
`app.kubernetes.io/name`). Uppercase letters, `_` and `.` make those invalid Kubernetes names,
and several tools (repositories, OCI registries) reject or mangle such names. Helm's own
documentation asks for this form.

## Example
```yaml
name: My_Web.App
```

## Fix
Rename the chart (and its folder) to a lowercase, dashed name such as `my-web-app`.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check);
pub const MANIFESTS: Option<ManifestCheck> = None;

/// Why a name is not a DNS-1123 label, if it is not.
pub(crate) fn dns_label_problem(name: &str) -> Option<&'static str> {
    if name.len() > 63 {
        return Some("is longer than 63 characters");
    }
    if name.chars().any(|c| c.is_ascii_uppercase()) {
        return Some("contains uppercase letters");
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Some("contains characters other than lowercase letters, digits and `-`");
    }
    if name.starts_with('-') || name.ends_with('-') {
        return Some("starts or ends with `-`");
    }
    None
}

fn suggestion(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let t = out.trim_matches('-');
    t.chars()
        .take(63)
        .collect::<String>()
        .trim_end_matches('-')
        .to_string()
}

fn check(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    let Some(m) = super::meta(chart) else {
        return;
    };
    let Some(node) = m.get("name") else {
        return;
    };
    let Some(name) = node.as_str() else {
        return;
    };
    // Empty names, `.`/`..` and path separators are chart/name-invalid's.
    if name.is_empty() || name == "." || name == ".." || name.contains(['/', '\\']) {
        return;
    }
    if let Some(problem) = dns_label_problem(name) {
        let d = sink.report(
            &META,
            m.file(),
            node.span,
            format!("Chart name `{name}` {problem}; chart names should be DNS-1123 labels"),
        );
        let s = suggestion(name);
        if !s.is_empty() && s != name {
            d.help(format!("rename the chart to `{s}`"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::chart::test_support::*;

    #[test]
    fn fires_on_uppercase_underscore_and_length() {
        let c = chart("web")
            .chart_yaml("apiVersion: v2\nname: My_Web\n")
            .build();
        let d = run(CHART, &c);
        assert_one(&d, META.name, (2, 7), "contains uppercase letters");
        assert_eq!(d[0].help.as_deref(), Some("rename the chart to `my-web`"));
        let c = chart("web").chart_yaml("name: web.app\n").build();
        assert_one(&run(CHART, &c), META.name, (1, 7), "other than lowercase");
        let long = "a".repeat(64);
        let c = chart("web").chart_yaml(&format!("name: {long}\n")).build();
        assert_one(&run(CHART, &c), META.name, (1, 7), "longer than 63");
    }

    #[test]
    fn silent_on_good_names() {
        for n in ["web", "my-web-2", "a"] {
            let c = chart("web").chart_yaml(&format!("name: {n}\n")).build();
            assert!(run(CHART, &c).is_empty(), "{n}");
        }
    }
}
