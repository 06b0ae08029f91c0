//! `chart/kube-version-excludes-prerelease`: a kubeVersion constraint without `-0` rejects the
//! pre-release versions that managed clusters report.

use crate::chart::Chart;
use crate::chart::semver;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::source::Span;

pub static META: RuleMeta = RuleMeta {
    name: "chart/kube-version-excludes-prerelease",
    severity: Severity::Warning,
    summary: "kubeVersion without `-0` refuses clusters that report a pre-release version (EKS, GKE)",
    doc: r#"## What it does
Reports a `kubeVersion` constraint in Chart.yaml with a version that has no pre-release part,
such as `>=1.22.0`.

## Why it matters
Helm checks `kubeVersion` with Masterminds/semver, where a version with a pre-release part only
satisfies comparisons that have one too. Managed clusters report such versions:
EKS `v1.28.3-eks-4f4795d`, GKE `v1.27.3-gke.100`. On them `>=1.22.0` fails, and
`helm install` stops with `chart requires kubeVersion: >=1.22.0 which is incompatible with
Kubernetes v1.28.3-eks-4f4795d`. Helm's documentation recommends the `-0` suffix for this
reason.

## Example
```yaml
kubeVersion: ">=1.22.0 <1.31.0"
```

## Fix
Add `-0` to each version: `kubeVersion: ">=1.22.0-0 <1.31.0-0"`. Release versions match as
before; pre-release builds of them now match too. `plimsoll lint --fix` writes it (a safe fix).
"#,
};

pub const CHART: Option<ChartCheck> = Some(check);
pub const MANIFESTS: Option<ManifestCheck> = None;
/// Clusters that matched still match; only pre-release builds of the same versions are added.
pub const FIXABLE: crate::fix::Applicability = crate::fix::Applicability::Safe;

/// One version in a constraint, as the pattern
/// `v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?` finds it (leftmost,
/// each part as long as it goes): byte ranges of the whole and of its parts.
#[derive(Debug, PartialEq, Eq)]
struct Version {
    whole: std::ops::Range<usize>,
    minor: Option<std::ops::Range<usize>>,
    patch: Option<std::ops::Range<usize>>,
    major_end: usize,
    prerelease: bool,
}

/// The versions in `text`, left to right, without overlap. Scanned by hand: compiling the
/// pattern cost more than the rest of a one-chart lint's chart rules.
fn versions(text: &str) -> Vec<Version> {
    let b = text.as_bytes();
    let digits = |mut i: usize| {
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        i
    };
    let ident = |mut i: usize| {
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.' || b[i] == b'-') {
            i += 1;
        }
        i
    };
    // `\.[0-9]+` or `<sep>[0-9A-Za-z.-]+` at `i`: where it ends.
    let dotted = |i: usize| {
        (i + 1 < b.len() && b[i] == b'.' && b[i + 1].is_ascii_digit()).then(|| digits(i + 1))
    };
    let tagged = |i: usize, sep: u8| {
        (i + 1 < b.len() && b[i] == sep && ident(i + 1) > i + 1).then(|| ident(i + 1))
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let start = i;
        let first = if b[i] == b'v' && i + 1 < b.len() && b[i + 1].is_ascii_digit() {
            i + 1
        } else if b[i].is_ascii_digit() {
            i
        } else {
            i += 1;
            continue;
        };
        let major_end = digits(first);
        let mut end = major_end;
        let minor = dotted(end).map(|e| {
            let r = end..e;
            end = e;
            r
        });
        let patch = dotted(end).map(|e| {
            let r = end..e;
            end = e;
            r
        });
        let prerelease = tagged(end, b'-').map(|e| end = e).is_some();
        if let Some(e) = tagged(end, b'+') {
            end = e;
        }
        out.push(Version {
            whole: start..end,
            minor,
            patch,
            major_end,
            prerelease,
        });
        i = end;
    }
    out
}

fn check(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    let Some(m) = super::meta(chart) else {
        return;
    };
    let Some(node) = m.get("kubeVersion") else {
        return;
    };
    let Some(text) = node.as_str() else {
        return;
    };
    // Invalid constraints are chart/kube-version-invalid's; wildcards (`1.x`) are left alone.
    if semver::parse_constraint(text).is_err()
        || text.contains(['x', 'X', '*'])
        || text.trim().is_empty()
    {
        return;
    }
    let file = m.file();
    let src = file.slice(node.span);
    // The written scalar holds the value as is (plain, or quoted without escapes).
    let inner = match src.as_bytes().first() {
        Some(b'"') | Some(b'\'') if src.len() >= 2 => &src[1..src.len() - 1],
        _ => src,
    };
    if inner != text {
        return;
    }
    let base = node.span.start as usize + (src.len() - inner.len()) / 2;
    let mut bare = Vec::new();
    for v in versions(inner) {
        if v.prerelease {
            continue;
        }
        let core_end = v
            .patch
            .as_ref()
            .or(v.minor.as_ref())
            .map_or(v.major_end, |r| r.end);
        let missing = match (&v.minor, &v.patch) {
            (None, _) => ".0.0",
            (Some(_), None) => ".0",
            _ => "",
        };
        bare.push((inner[v.whole].to_string(), core_end, missing));
    }
    if bare.is_empty() {
        return;
    }
    let mut fixed = inner.to_string();
    for (_, end, missing) in bare.iter().rev() {
        fixed.insert_str(*end, &format!("{missing}-0"));
    }
    let shown: Vec<String> = bare.iter().map(|(v, _, _)| format!("`{v}`")).collect();
    let d = sink.report(
        &META,
        file,
        node.span,
        format!(
            "`kubeVersion: \"{text}\"` refuses clusters that report a pre-release version, such as EKS `v1.28.3-eks-4f4795d`: {} {} no `-0`",
            shown.join(", "),
            if shown.len() == 1 { "has" } else { "have" }
        ),
    );
    d.help(format!("write `kubeVersion: \"{fixed}\"`"));
    if semver::parse_constraint(&fixed).is_ok() {
        let mut fix = crate::fix::Fix::safe(format!("Write `kubeVersion: \"{fixed}\"`"));
        for (_, end, missing) in &bare {
            fix = fix.edit(file, Span::empty(base + end), format!("{missing}-0"));
        }
        d.fix(fix);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::chart::test_support::*;

    #[test]
    fn the_scanner_finds_what_the_version_pattern_finds() {
        let re = regex::Regex::new(
            r"v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?",
        )
        .unwrap();
        let alphabet = [
            "v", "1", "22", ".", "-", "+", "x", "a", " ", ">=", "<", "é", ",", "||",
        ];
        // Every string of up to five pieces of the alphabet, and some written constraints.
        let mut texts: Vec<String> = vec![
            ">=1.22.0 <1.31.0".into(),
            ">= 1.19-0 < v1.30.1-eks.1+build.5".into(),
            "~1.2 || ^v2.x.0-".into(),
        ];
        texts.extend(crate::test_strings::every_string(&alphabet, 5));
        assert!(texts.len() > 500_000);
        for text in &texts {
            let want: Vec<Version> = re
                .captures_iter(text)
                .map(|c| Version {
                    whole: c.get(0).unwrap().range(),
                    minor: c.get(2).map(|m| m.range()),
                    patch: c.get(3).map(|m| m.range()),
                    major_end: c.get(1).unwrap().end(),
                    prerelease: c.get(4).is_some(),
                })
                .collect();
            assert_eq!(versions(text), want, "{text:?}");
        }
    }

    #[test]
    fn fires_on_versions_without_a_prerelease_part() {
        let c = chart("web")
            .chart_yaml("apiVersion: v2\nkubeVersion: \">=1.22.0 <1.31\"\n")
            .build();
        let d = run(CHART, &c);
        assert_one(&d, META.name, (2, 14), "`1.22.0`, `1.31` have no `-0`");
        assert_eq!(
            d[0].help.as_deref(),
            Some("write `kubeVersion: \">=1.22.0-0 <1.31.0-0\"`")
        );
        let fix = d[0].fix.as_ref().unwrap();
        let spans: Vec<(Span, &str)> = fix
            .edits
            .iter()
            .map(|e| (e.span, e.replacement.as_str()))
            .collect();
        assert_eq!(
            crate::fix::edit::apply(&fix.edits[0].file.text, &spans),
            "apiVersion: v2\nkubeVersion: \">=1.22.0-0 <1.31.0-0\"\n"
        );
        // One bound with `-0` and one without: still refused.
        let c = chart("web")
            .chart_yaml("kubeVersion: '>= 1.22.0-0, < 2.0.0'\n")
            .build();
        assert_one(&run(CHART, &c), META.name, (1, 14), "`2.0.0` has no `-0`");
    }

    #[test]
    fn silent_with_prerelease_parts_wildcards_and_invalid_constraints() {
        for v in [
            "\">=1.22.0-0\"",
            "\">=1.22.0-0 <1.31.0-0\"",
            "'^1.10.0-0'",
            "1.x",
            "\">= 1.22 and < 1.30\"",
            "1.20",
        ] {
            let c = chart("web")
                .chart_yaml(&format!("kubeVersion: {v}\n"))
                .build();
            assert!(run(CHART, &c).is_empty(), "{v}");
        }
    }
}
