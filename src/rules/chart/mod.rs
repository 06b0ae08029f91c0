//! Chart.yaml and chart-structure rules.

pub mod api_version;
pub mod app_version_not_string;
pub mod chart_yaml_not_mapping;
pub mod dependency_condition_missing;
pub mod dependency_duplicate;
pub mod dependency_invalid;
pub mod dependency_not_vendored;
pub mod field_type;
pub mod helm2_field;
pub mod helmignore_inline_comment;
pub mod helmignore_invalid_pattern;
pub mod icon_missing;
pub mod kube_version_excludes_prerelease;
pub mod kube_version_invalid;
pub mod maintainer_invalid;
pub mod missing_chart_yaml;
pub mod name_folder_mismatch;
pub mod name_invalid;
pub mod name_not_dns_label;
pub mod templates_not_dir;
pub mod type_invalid;
pub mod undeclared_subchart;
pub mod unknown_field;
pub mod url_invalid;
pub mod values_missing;
pub mod version_missing;
pub mod version_not_semver;
pub mod version_not_strict_semver;
pub mod version_not_string;

#[cfg(test)]
pub(crate) mod test_support;

use crate::chart::{Chart, YamlDoc};
use crate::source::{File, Span};
use crate::yaml::{Entry, Node, Style, Value};

/// Chart.yaml when it parsed to a mapping: what every Chart.yaml rule reads. Like Helm, no
/// field is checked when the file is missing, does not parse or is not a mapping.
pub(crate) struct Meta<'a> {
    pub doc: &'a YamlDoc,
    pub root: &'a Node,
}

pub(crate) fn meta(chart: &Chart) -> Option<Meta<'_>> {
    let doc = chart.chart_yaml.as_ref()?;
    if doc.yaml.has_syntax_error() {
        return None;
    }
    let root = doc.yaml.root()?;
    root.as_map()?;
    Some(Meta { doc, root })
}

impl<'a> Meta<'a> {
    pub fn file(&self) -> &'a File {
        &self.doc.file
    }

    pub fn get(&self, key: &str) -> Option<&'a Node> {
        self.root.get(key)
    }

    pub fn entry(&self, key: &str) -> Option<&'a Entry> {
        self.root.entry(key)
    }

    /// A field's string value, when it is a string.
    pub fn str(&self, key: &str) -> Option<&'a str> {
        self.get(key).and_then(Node::as_str)
    }

    pub fn api_version(&self) -> Option<&'a str> {
        self.str("apiVersion")
    }

    /// `apiVersion: v1` (Helm 2 style): dependencies live in requirements.yaml.
    pub fn is_v1(&self) -> bool {
        self.api_version() == Some("v1")
    }

    pub fn is_library(&self) -> bool {
        self.str("type") == Some("library")
    }

    /// Dependency entries that are mappings.
    pub fn dependencies(&self) -> impl Iterator<Item = &'a Node> {
        self.get("dependencies")
            .and_then(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .filter(|n| n.as_map().is_some())
    }
}

pub(crate) fn is_library(chart: &Chart) -> bool {
    meta(chart).is_some_and(|m| m.is_library())
}

/// How Helm turns a non-string scalar into the string a `string` field of Chart.yaml gets
/// (sigs.k8s.io/yaml: ints in decimal, floats with `FormatFloat(f, 'g', -1, 32)`).
pub(crate) fn helm_string_of(node: &Node) -> Option<String> {
    let s = node.as_scalar()?;
    match &s.value {
        Value::Int(i) => Some(i.to_string()),
        Value::Float(f) => Some(go_format_g(*f, true)),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null | Value::Str => None,
    }
}

/// How Helm reads a scalar, in words: "the number 2.1", "the boolean true", "null".
pub(crate) fn describe_value(node: &Node) -> String {
    match node.as_scalar().map(|s| &s.value) {
        Some(Value::Int(i)) => format!("the number {i}"),
        Some(Value::Float(f)) => format!("the number {}", go_format_g(*f, false)),
        Some(Value::Bool(b)) => format!("the boolean {b}"),
        Some(Value::Null) => "null".into(),
        Some(Value::Str) => "a string".into(),
        None => format!("a {}", node.type_name()),
    }
}

/// Go's `strconv.FormatFloat(f, 'g', -1, bits)` (also what `{{ .Values.x }}` prints for a
/// float64): the shortest digits, in exponent form when the exponent is below -4 or at least 6.
pub(crate) fn go_format_g(f: f64, bits32: bool) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0" } else { "0" }.into();
    }
    let sci = if bits32 {
        format!("{:e}", f as f32)
    } else {
        format!("{f:e}")
    };
    let (mant, exp) = match sci.split_once('e') {
        Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
        None => (sci.as_str(), 0),
    };
    let (neg, mant) = match mant.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mant),
    };
    let digits: String = mant.chars().filter(char::is_ascii_digit).collect();
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if !(-4..6).contains(&exp) {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        out.push_str(&format!("{:02}", exp.abs()));
    } else if exp < 0 {
        out.push_str("0.");
        for _ in 0..(-exp - 1) {
            out.push('0');
        }
        out.push_str(&digits);
    } else {
        let int_len = exp as usize + 1;
        if digits.len() <= int_len {
            out.push_str(&digits);
            for _ in digits.len()..int_len {
                out.push('0');
            }
        } else {
            out.push_str(&digits[..int_len]);
            out.push('.');
            out.push_str(&digits[int_len..]);
        }
    }
    out
}

/// The span of `needle` inside a scalar node's source text (quotes and all), falling back to
/// the whole node.
pub(crate) fn sub_span(file: &File, node: &Node, needle: &str, from: usize) -> Span {
    let src = file.slice(node.span);
    match src.get(from..).and_then(|rest| rest.find(needle)) {
        Some(i) if !needle.is_empty() => node.span.sub(from + i, from + i + needle.len()),
        _ => node.span,
    }
}

/// A URL Helm accepts in `sources`, `icon` (govalidator `IsRequestURL`): a scheme, then a
/// non-empty rest without spaces; `scheme://` needs a host.
pub(crate) fn is_request_url(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    if !chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        || !chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return false;
    }
    if rest.is_empty() || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    match rest.strip_prefix("//") {
        Some(authority) => {
            let host = authority
                .split(['/', '?', '#'])
                .next()
                .unwrap_or("")
                .rsplit('@')
                .next()
                .unwrap_or("");
            let host = host.split(':').next().unwrap_or("");
            !host.is_empty() || scheme.eq_ignore_ascii_case("file")
        }
        None => true,
    }
}

/// A maintainer URL (govalidator `IsURL`, lenient): a request URL, or `host.tld/path`.
pub(crate) fn is_lenient_url(s: &str) -> bool {
    if s.contains("://") {
        return is_request_url(s)
            && s.split_once("://")
                .is_some_and(|(sc, _)| sc.chars().all(|c| c.is_ascii_alphanumeric()));
    }
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) || s.len() >= 2083 {
        return false;
    }
    let host = s.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.split(':').next().unwrap_or("");
    is_host(host) && host.contains('.')
}

fn is_host(h: &str) -> bool {
    !h.is_empty()
        && h.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
}

/// An e-mail address as govalidator `IsEmail` roughly accepts it: `local@host.tld`.
pub(crate) fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && !local.chars().any(|c| {
            c.is_whitespace()
                || c.is_control()
                || matches!(
                    c,
                    '<' | '>' | '(' | ')' | ',' | ';' | ':' | '\\' | '"' | '[' | ']' | '@'
                )
        })
        && is_host(domain)
        && domain.contains('.')
}

/// A scalar quoted for messages as it is written in the file.
pub(crate) fn written(file: &File, node: &Node) -> String {
    let s = file.slice(node.span);
    if s.is_empty() {
        node.scalar_text().unwrap_or("").to_string()
    } else {
        s.to_string()
    }
}

/// True for plain (unquoted) scalars, where YAML typing surprises happen.
pub(crate) fn is_plain(node: &Node) -> bool {
    node.as_scalar()
        .is_some_and(|s| s.style == Style::Plain && s.tag.is_none())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_float_formatting() {
        assert_eq!(go_format_g(1.2, false), "1.2");
        assert_eq!(go_format_g(1.0, false), "1");
        assert_eq!(go_format_g(1_000_000.0, false), "1e+06");
        assert_eq!(go_format_g(20240102.0, false), "2.0240102e+07");
        assert_eq!(go_format_g(123456.0, false), "123456");
        assert_eq!(go_format_g(0.0001, false), "0.0001");
        assert_eq!(go_format_g(0.00001, false), "1e-05");
        assert_eq!(go_format_g(-2.5, false), "-2.5");
        assert_eq!(go_format_g(2.1, true), "2.1");
        assert_eq!(go_format_g(1.1, true), "1.1");
        assert_eq!(go_format_g(16777217.0, true), "1.6777216e+07");
    }

    #[test]
    fn urls_and_emails() {
        for ok in [
            "https://example.com/x",
            "http://localhost:8080",
            "data:image/png;base64,AAAA",
            "oci://registry.io/charts",
        ] {
            assert!(is_request_url(ok), "{ok}");
        }
        for bad in [
            "example.com",
            "https://",
            "https://exa mple.com",
            "",
            "1http://x",
        ] {
            assert!(!is_request_url(bad), "{bad}");
        }
        assert!(is_lenient_url("github.com/someone"));
        assert!(is_lenient_url("https://github.com/someone"));
        assert!(!is_lenient_url("someone"));
        assert!(is_email("jane.doe@example.com"));
        assert!(!is_email("jane.doe"));
        assert!(!is_email("jane@localhost"));
        assert!(!is_email("jane doe@example.com"));
    }
}

/// A chart found in `charts/`: the name Helm matches dependencies against (the name inside its
/// Chart.yaml when loaded, else derived from the file name) and the path to show.
pub(crate) struct Present {
    pub name: String,
    pub shown: String,
}

/// Charts in `charts/`, skipping what Helm skips (`.prov` files, names starting with `.` or `_`).
pub(crate) fn present_subcharts(chart: &Chart) -> Vec<Present> {
    let shown_of = |p: &std::path::Path| {
        let s = crate::source::display_path(p);
        match s.find("charts/") {
            Some(i) => s[i..].to_string(),
            None => s,
        }
    };
    let mut out: Vec<Present> = Vec::new();
    let mut covered: Vec<&std::path::Path> = Vec::new();
    for sub in &chart.subcharts {
        let path = sub
            .archive
            .as_ref()
            .map(|a| a.path.as_path())
            .unwrap_or(&sub.root);
        covered.push(path);
        covered.push(&sub.root);
        out.push(Present {
            name: sub.name().to_string(),
            shown: shown_of(path),
        });
    }
    for e in &chart.charts_dir {
        let n = e.file_name.as_str();
        if n.starts_with(['.', '_']) || n.ends_with(".prov") {
            continue;
        }
        if covered
            .iter()
            .any(|p| *p == e.path.as_path() || p.starts_with(&e.path))
        {
            continue;
        }
        let name = if e.packaged {
            packaged_name(n)
        } else {
            n.to_string()
        };
        out.push(Present {
            name,
            shown: shown_of(&e.path),
        });
    }
    out
}

/// `redis-17.3.1.tgz` → `redis`; `my-chart.tgz` → `my-chart`.
pub(crate) fn packaged_name(file_name: &str) -> String {
    let stem = file_name
        .strip_suffix(".tgz")
        .or_else(|| file_name.strip_suffix(".tar.gz"))
        .unwrap_or(file_name);
    for (i, _) in stem.match_indices('-') {
        let rest = &stem[i + 1..];
        if rest.starts_with(|c: char| c.is_ascii_digit())
            && crate::chart::semver::parse_lenient(rest).is_some()
        {
            return stem[..i].to_string();
        }
    }
    stem.to_string()
}

/// A dependency's name and the name it is known by in values (its alias, if any).
pub(crate) fn dep_names(dep: &Node) -> (Option<&Node>, Option<&str>, Option<&str>) {
    let name_node = dep.get("name");
    let name = name_node.and_then(Node::as_str).filter(|s| !s.is_empty());
    let alias = dep
        .get("alias")
        .and_then(Node::as_str)
        .filter(|s| !s.is_empty());
    (name_node, name, alias)
}

#[cfg(test)]
mod present_tests {
    use super::*;

    #[test]
    fn packaged_names() {
        assert_eq!(packaged_name("redis-17.3.1.tgz"), "redis");
        assert_eq!(packaged_name("my-chart-0.1.0-rc.1.tgz"), "my-chart");
        assert_eq!(packaged_name("my-chart.tgz"), "my-chart");
    }
}

#[cfg(test)]
mod whole_chart_tests {
    use super::test_support::*;

    fn well_made() -> crate::chart::Chart {
        let chart_yaml = format!(
            "{GOOD_CHART_YAML}dependencies:
  - name: redis
    version: ~17.3.0
    repository: https://charts.bitnami.com/bitnami
    condition: redis.enabled
  - name: common
    version: 2.x
    repository: oci://registry-1.docker.io/bitnamicharts
"
        );
        chart("charts/web")
            .chart_yaml(&chart_yaml)
            .values(
                "image:
  repository: nginx
  tag: \"1.27.0\"
  pullPolicy: IfNotPresent
replicaCount: 2
podSecurityContext:
  fsGroup: 1001
config:
  defaultMode: 0644
  script: |
    #!/bin/sh
    \techo tabs inside a block scalar are content
redis:
  enabled: true
",
            )
            .template("deployment.yaml", "apiVersion: apps/v1\nkind: Deployment\n")
            .subchart(
                chart("redis")
                    .chart_yaml("apiVersion: v2\nname: redis\nversion: 17.3.11\nappVersion: \"7.2.4\"\nicon: https://example.com/redis.svg\n")
                    .values("architecture: replication\n")
                    .template("sts.yaml", "kind: StatefulSet\n"),
            )
            .charts_entry("common-2.13.3.tgz", true)
            .build()
    }

    #[test]
    fn a_well_made_chart_gives_no_finding() {
        let d = run_all(&well_made());
        assert!(d.is_empty(), "{:#?}", summary(&d));
    }

    #[test]
    fn a_library_chart_without_values_or_templates_is_fine() {
        let c = chart("common")
            .chart_yaml("apiVersion: v2\nname: common\ntype: library\nversion: 2.13.3\nicon: https://example.com/c.svg\n")
            .build();
        let d = run_all(&c);
        assert!(d.is_empty(), "{:#?}", summary(&d));
    }

    #[test]
    fn one_problem_gives_one_finding() {
        // A float version is reported once, not also as non-SemVer.
        let c = chart("web")
            .chart_yaml("apiVersion: v2\nname: web\nversion: 1.0\nicon: https://e.com/i.svg\n")
            .values("{}\n")
            .build();
        let d = run_all(&c);
        assert_eq!(summary(&d).len(), 1, "{:#?}", summary(&d));
        assert_eq!(d[0].rule.name, "chart/version-not-string");
        // Syntax errors in Chart.yaml stop the Chart.yaml checks, like Helm.
        let c = chart("web")
            .chart_yaml("apiVersion: v2\nname: [web\n")
            .values("{}\n")
            .build();
        let d = run_all(&c);
        assert_eq!(d.len(), 1, "{:#?}", summary(&d));
        assert_eq!(d[0].rule.name, "yaml/syntax");
    }

    #[test]
    fn a_broken_chart_reports_each_problem_at_its_place() {
        let c = chart("charts/Web")
            .chart_yaml(
                "apiVersion: v2\nname: Web\nversion: v1.2\nappVersion: 2.10\ntype: app\nmaintainers:\n  - email: bad\n",
            )
            .build();
        let d = run_all(&c);
        let s = summary(&d);
        for (rule, pos) in [
            ("chart/name-not-dns-label", "Chart.yaml:2:7"),
            ("chart/version-not-strict-semver", "Chart.yaml:3:10"),
            ("chart/app-version-not-string", "Chart.yaml:4:13"),
            ("chart/type-invalid", "Chart.yaml:5:7"),
            ("chart/maintainer-invalid", "Chart.yaml:7:5"),
            ("chart/icon-missing", "Chart.yaml:2:1"),
            ("chart/values-missing", "values.yaml:1:1"),
        ] {
            assert!(
                s.iter().any(|l| l.contains(rule) && l.contains(pos)),
                "{rule} at {pos} missing from {s:#?}"
            );
        }
    }
}
