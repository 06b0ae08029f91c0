//! Putting the rendered findings together: one finding for the same defect in several
//! scenarios (naming the scenarios when it is not in all of them), and the static findings
//! that rendering confirmed (dropped: the rendered one says more) or could not reach (kept, one
//! level lower).

use super::scenario::DEFAULT;
use crate::diagnostic::{Diagnostic, Severity};
use std::collections::HashMap;

/// Rules about hygiene, not breakage: not reported for what only a `ci/` scenario renders.
const CI_HYGIENE: &[&str] = &[
    "manifests/image-tag",
    "manifests/image-pull-policy",
    "manifests/memory-limit-missing",
    "manifests/requests-missing",
    "probes/readiness-missing",
    "probes/liveness-missing",
];

/// Merges the findings of each scenario `(name, findings)`, in scenario order.
pub fn scenarios(passes: Vec<(String, Vec<Diagnostic>)>) -> Vec<Diagnostic> {
    let total = passes.len();
    let mut order: Vec<(Diagnostic, Vec<String>)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (name, found) in passes {
        for d in found {
            let key = format!(
                "{}\u{0}{}\u{0}{:?}\u{0}{}",
                d.rule.name,
                d.file.path.display(),
                d.span.map(|s| (s.start, s.end)),
                d.message
            );
            match index.get(&key) {
                Some(&i) => {
                    if !order[i].1.contains(&name) {
                        order[i].1.push(name.clone());
                    }
                }
                None => {
                    index.insert(key, order.len());
                    order.push((d, vec![name.clone()]));
                }
            }
        }
    }
    order
        .into_iter()
        // A `ci/` file is a test configuration: the hygiene of what only it renders (test
        // images, example sidecars without probes or resources) is not the chart's.
        .filter(|(d, names)| {
            total == 1 || names.iter().any(|n| n == DEFAULT) || !CI_HYGIENE.contains(&d.rule.name)
        })
        .map(|(mut d, names)| {
            if total > 1 && names.len() < total {
                let list: Vec<String> = names
                    .iter()
                    .map(|n| {
                        if n == DEFAULT {
                            n.clone()
                        } else {
                            format!("`{n}`")
                        }
                    })
                    .collect();
                d.message = format!("{} (only with {})", d.message, list.join(", "));
            }
            d
        })
        .collect()
}

/// A static check of values and the check of rendered objects that sees the same defect.
const SAME_DEFECT: &[(&str, &str)] = &[("values/image-invalid", "manifests/image-invalid")];

/// Reconciles the static findings in `found` with the rendered ones:
/// - a static finding of a rule that the render also reported at the same template line, or
///   whose values node a rendered finding of that rule points at, is dropped;
/// - a static `templates/values-path-missing` at a template position where rendering failed is
///   dropped (the render error says what happens);
/// - when the chart rendered with its default values (`reached`), a static finding in a values
///   file of a rule that also runs on rendered objects, which no rendered finding confirmed, is
///   about something the default values leave off: it stays, one level lower.
pub fn reconcile(found: &mut Vec<Diagnostic>, rendered: &[Diagnostic], reached: bool) {
    let manifest_rules: std::collections::HashSet<&str> = crate::rules::RULES
        .iter()
        .filter(|r| r.manifests.is_some() && r.chart.is_some())
        .map(|r| r.meta.name)
        .collect();
    found.retain(|s| {
        let Some(ss) = s.span else { return true };
        let line = s.start().line;
        !rendered.iter().any(|r| {
            let same_rule =
                r.rule.name == s.rule.name || SAME_DEFECT.contains(&(s.rule.name, r.rule.name));
            if same_rule {
                let same_line = r.file.path == s.file.path && r.start().line == line;
                let behind = r.labels.iter().any(|l| {
                    l.file.path == s.file.path && l.span.start <= ss.end && ss.start <= l.span.end
                });
                same_line || behind
            } else {
                s.rule.name == "templates/values-path-missing"
                    && r.rule.name == crate::rules::templates::render_error::META.name
                    && r.file.path == s.file.path
                    && r.start().line == line
            }
        })
    });
    if !reached {
        return;
    }
    for s in found.iter_mut() {
        if manifest_rules.contains(s.rule.name)
            && s.rule.domain() != "yaml"
            && is_values_file(&s.file.path)
        {
            s.severity = match s.severity {
                Severity::Error => Severity::Warning,
                _ => Severity::Info,
            };
            let note = "the default values do not render this";
            s.help = Some(match s.help.take() {
                Some(h) => format!("{h}; {note}"),
                None => note.to_string(),
            });
        }
    }
}

/// A chart's `values.yaml` (of the chart or one of its subcharts).
fn is_values_file(p: &std::path::Path) -> bool {
    p.file_name().is_some_and(|n| n == "values.yaml")
}

/// Static findings on rule expressions that a render also checked.
const RENDERED_EXPRESSION_RULES: &[&str] = &["prometheus/promql-syntax"];

/// Drops the static findings of [`RENDERED_EXPRESSION_RULES`] that a render checked: those
/// in template text or values that a render printed into a rule expression (`sources`; the
/// rendered expression was checked as Prometheus will read it, and reports its own errors), and
/// those a rendered finding repeats word for word (the same rule and error, printed through a
/// function that hides where its text came from, as `tpl … | quote`). A dropped finding in a
/// values file that a rendered finding repeats gives that finding its exact place in the
/// value (the rendered finding is at the action that printed it, `{{ tpl .expr $ }}`).
pub fn superseded_by_rendered_rules(
    found: &mut Vec<Diagnostic>,
    sources: &[(crate::source::File, crate::source::Span)],
    rendered: &mut [Diagnostic],
) {
    // Per file: the spans by start, with the furthest end among each prefix.
    let mut by_file: HashMap<&std::path::Path, Vec<(u32, u32)>> = HashMap::new();
    for (f, s) in sources {
        by_file
            .entry(f.path.as_path())
            .or_default()
            .push((s.start, s.end));
    }
    for spans in by_file.values_mut() {
        spans.sort_unstable();
        let mut reach = 0;
        for s in spans.iter_mut() {
            reach = reach.max(s.1);
            s.1 = reach;
        }
    }
    let printed = |d: &Diagnostic, at: u32| {
        by_file.get(d.file.path.as_path()).is_some_and(|spans| {
            let n = spans.partition_point(|s| s.0 <= at);
            n > 0 && spans[n - 1].1 >= at
        })
    };
    // A rendered message without the scenarios it was found in.
    let plain = |m: &str| -> String {
        match m
            .strip_suffix(')')
            .and_then(|h| h.rsplit_once(" (only with "))
        {
            Some((head, _)) => head.to_string(),
            None => m.to_string(),
        }
    };
    let mut repeated: HashMap<(&'static str, String), Vec<usize>> = HashMap::new();
    for (i, r) in rendered.iter().enumerate() {
        if RENDERED_EXPRESSION_RULES.contains(&r.rule.name) {
            repeated
                .entry((r.rule.name, plain(&r.message)))
                .or_default()
                .push(i);
        }
    }
    let mut exact: Vec<(usize, crate::source::File, crate::source::Span)> = Vec::new();
    found.retain(|d| {
        if !RENDERED_EXPRESSION_RULES.contains(&d.rule.name) {
            return true;
        }
        let Some(span) = d.span else { return true };
        let same = repeated.get(&(d.rule.name, d.message.clone()));
        if let Some(same) = same
            && is_values_file(&d.file.path)
        {
            exact.extend(same.iter().map(|&i| (i, d.file.clone(), span)));
        }
        !(printed(d, span.start) || same.is_some())
    });
    for (i, file, span) in exact {
        let r = &mut rendered[i];
        let in_file = r.labels.iter().any(|l| l.file.path == file.path);
        // The label on the value's node becomes the label on the offending text in it.
        let on_node = r.labels.iter_mut().find(|l| {
            l.file.path == file.path && l.span.start <= span.start && span.end <= l.span.end
        });
        match on_node {
            Some(l) => l.span = span,
            None if !in_file => {
                r.related(&file, span, "the rendered value comes from here");
            }
            None => {}
        }
    }
}
