//! Alert templates (labels and annotations of alerting rules): what Prometheus defines for
//! them, and a small scanner for the uses the label-flow checks need.
//!
//! The scanner is the boundary a full Go template parser can replace later: it only has to
//! answer [`template_label_uses`] and [`template_value_uses`].

use regex::Regex;
use std::ops::Range;
use std::sync::OnceLock;

/// Variables Prometheus declares before every alert template
/// (`{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}`).
pub const PRELUDE_VARIABLES: &[&str] = &["$labels", "$externalLabels", "$externalURL", "$value"];

/// The prelude text itself (its length shifts template error columns).
pub const PRELUDE: &str = "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}";

/// Fields of the data passed to alert templates.
pub const DATA_FIELDS: &[&str] = &["Labels", "ExternalLabels", "ExternalURL", "Value"];

/// Functions Prometheus adds to alert templates, with the Prometheus version that added them.
pub const PROMETHEUS_FUNCTIONS: &[(&str, &str)] = &[
    ("query", "1.0"),
    ("first", "1.0"),
    ("label", "1.0"),
    ("value", "1.0"),
    ("strvalue", "1.0"),
    ("sortByLabel", "1.0"),
    ("humanize", "1.0"),
    ("humanize1024", "1.0"),
    ("humanizeDuration", "1.0"),
    ("humanizePercentage", "2.11"),
    ("humanizeTimestamp", "1.0"),
    ("toTime", "2.38"),
    ("toDuration", "3.6"),
    ("now", "3.6"),
    ("parseDuration", "2.32"),
    ("title", "1.0"),
    ("toUpper", "1.0"),
    ("toLower", "1.0"),
    ("stripPort", "2.13"),
    ("stripDomain", "2.36"),
    ("match", "1.0"),
    ("reReplaceAll", "1.0"),
    ("graphLink", "1.0"),
    ("tableLink", "1.0"),
    ("urlQueryEscape", "3.8"),
    ("args", "1.0"),
    ("safeHtml", "1.0"),
    ("externalURL", "2.0"),
    ("pathPrefix", "1.0"),
];

/// Go `text/template` builtins.
pub const GO_BUILTINS: &[&str] = &[
    "and", "or", "not", "len", "index", "slice", "print", "printf", "println", "eq", "ne", "lt",
    "le", "gt", "ge", "html", "js", "urlquery", "call",
];

/// Whether a function name exists in alert templates.
pub fn is_known_function(name: &str) -> bool {
    GO_BUILTINS.contains(&name) || PROMETHEUS_FUNCTIONS.iter().any(|(f, _)| *f == name)
}

/// A use found in a template: the name and the byte range of the name in the template text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Use {
    pub name: String,
    pub span: Range<usize>,
}

/// Byte ranges of the `{{ … }}` actions of a template.
pub fn actions(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(rel) = text.get(i..).and_then(|t| t.find("{{")) {
        let start = i + rel;
        let Some(end_rel) = text[start + 2..].find("}}") else {
            break;
        };
        let end = start + 2 + end_rel + 2;
        out.push(start..end);
        i = end;
    }
    out
}

fn label_patterns() -> &'static [Regex; 3] {
    static RE: OnceLock<[Regex; 3]> = OnceLock::new();
    RE.get_or_init(|| {
        [
            Regex::new(r"\$labels\.([A-Za-z_][A-Za-z0-9_]*)").expect("valid regex"),
            Regex::new(r"(?:^|[^\w$.)\]])\.Labels\.([A-Za-z_][A-Za-z0-9_]*)").expect("valid regex"),
            Regex::new(r#"\bindex\s+(?:\$labels|\.Labels)\s+"([^"\\]+)""#).expect("valid regex"),
        ]
    })
}

/// Labels a template reads from the alert's labels (`$labels.x`, `.Labels.x`,
/// `index $labels "x"`), with the range of each label name.
pub fn template_label_uses(text: &str) -> Vec<Use> {
    let mut out = Vec::new();
    for a in actions(text) {
        let body = &text[a.clone()];
        for re in label_patterns() {
            for c in re.captures_iter(body) {
                if let Some(m) = c.get(1) {
                    out.push(Use {
                        name: m.as_str().to_string(),
                        span: a.start + m.start()..a.start + m.end(),
                    });
                }
            }
        }
    }
    out.sort_by_key(|u| u.span.start);
    out
}

/// Uses of the alert's value (`$value`, `.Value`), with their ranges.
pub fn template_value_uses(text: &str) -> Vec<Use> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(\$value\b|(?:^|[^\w$.)\]])(\.Value)\b)").expect("valid regex")
    });
    let mut out = Vec::new();
    for a in actions(text) {
        let body = &text[a.clone()];
        for c in re.captures_iter(body) {
            let m = c.get(2).or_else(|| c.get(1));
            if let Some(m) = m {
                out.push(Use {
                    name: m.as_str().to_string(),
                    span: a.start + m.start()..a.start + m.end(),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_label_uses() {
        let t = "on [{{ $labels.namespace }}/{{ .Labels.pod }}] {{ index $labels \"k8s.io\" }} $labels.not";
        let uses = template_label_uses(t);
        let names: Vec<_> = uses.iter().map(|u| u.name.as_str()).collect();
        assert_eq!(names, ["namespace", "pod", "k8s.io"]);
        assert_eq!(&t[uses[1].span.clone()], "pod");
        assert!(template_label_uses("{{ $x.Labels.pod }}").is_empty());
    }

    #[test]
    fn finds_value_uses() {
        assert_eq!(template_value_uses("v={{ $value }}").len(), 1);
        assert_eq!(template_value_uses("v={{ .Value | humanize }}").len(), 1);
        assert!(template_value_uses("$value {{ $values }}").is_empty());
        assert!(is_known_function("humanize") && !is_known_function("humanise"));
    }
}
