use crate::chart::YamlDoc;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::k8s::names::{label_key_problem, label_value_problem};
use crate::k8s::{Object, objects};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::source::File;
use crate::yaml::{Node, Value};

pub static META: RuleMeta = RuleMeta {
    name: "manifests/label-invalid",
    severity: Severity::Error,
    summary: "A label key or value is not valid in Kubernetes",
    doc: r#"## What it does
Reports label keys and values that the API server rejects, in `metadata.labels` of every
object, in the labels of pod and Job templates and of StatefulSet volume claim templates, and
in the selectors of workloads, Services, PodDisruptionBudgets and NetworkPolicies
(`matchLabels`, and the keys and `In`/`NotIn` values of `matchExpressions`):

- a key is an optional prefix (an RFC 1123 subdomain of at most 253 characters) and `/`,
  then a name of at most 63 characters of letters, digits, `-`, `_` and `.`, starting and
  ending with a letter or digit;
- a value may be empty; otherwise it follows the same rule as the name part of a key;
- a value is a string: `version: 1.0` or `enabled: true` is a number or a boolean once the
  YAML is read, and is refused.

A value left empty by a template (`app:`) is accepted by Kubernetes and not reported. In plain
manifest files, keys and values holding template text (`{{ … }}`) are left alone; in rendered
output they are what the cluster would receive, so they are checked.

## Why it matters
The API server refuses the object (`metadata.labels: Invalid value: "1.2.3+build": a valid
label must be an empty string or consist of alphanumeric characters, '-', '_' or '.'`, or
`got "number", expected "string"`), and `helm install` fails. In a chart, label values
usually come from `.Chart.AppVersion` or a value: a version with `+`, a value longer than 63
characters, or an unquoted number.

## Example
```yaml
metadata:
  labels:
    app.kubernetes.io/version: 1.2.3+build.7
    release: 1.10            # a number, not a string
```

## Fix
Keep label values short and to letters, digits, `-`, `_` and `.`; in a chart, sanitise them
(`replace "+" "_" | trunc 63 | trimSuffix "-"`) and `quote` them.
"#,
};

pub const CHART: Option<ChartCheck> = None;
pub const MANIFESTS: Option<ManifestCheck> = Some(check_manifests);

/// Kinds whose `spec.selector` is a label selector (`matchLabels`/`matchExpressions`).
const SELECTOR_KINDS: [&str; 6] = [
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "Job",
    "PodDisruptionBudget",
];

fn check_manifests(docs: &[YamlDoc], ctx: &Ctx, sink: &mut Sink) {
    let mut checker = Checker {
        sink,
        rendered: ctx.rendered.is_some(),
    };
    for obj in objects(docs) {
        checker.labels(&obj, obj.root.get_path(&["metadata", "labels"]));
        if let Some(t) = obj.pod_template() {
            checker.labels(&obj, t.get_path(&["metadata", "labels"]));
        }
        let spec = obj.root.get("spec");
        if obj.kind == "CronJob" {
            let job = spec.and_then(|s| s.get("jobTemplate"));
            checker.labels(&obj, job.and_then(|j| j.get_path(&["metadata", "labels"])));
            checker.selector(&obj, job.and_then(|j| j.get_path(&["spec", "selector"])));
        }
        if obj.kind == "StatefulSet" {
            for t in spec
                .and_then(|s| s.get("volumeClaimTemplates"))
                .and_then(Node::as_seq)
                .unwrap_or(&[])
            {
                checker.labels(&obj, t.get_path(&["metadata", "labels"]));
            }
        }
        match obj.kind {
            "Service" | "ReplicationController" => {
                checker.labels(&obj, spec.and_then(|s| s.get("selector")));
            }
            "NetworkPolicy" => checker.selector(&obj, spec.and_then(|s| s.get("podSelector"))),
            k if SELECTOR_KINDS.contains(&k) => {
                checker.selector(&obj, spec.and_then(|s| s.get("selector")));
            }
            _ => {}
        }
    }
}

struct Checker<'s> {
    sink: &'s mut Sink,
    rendered: bool,
}

impl Checker<'_> {
    /// A label map (`metadata.labels`, `matchLabels`, a Service selector).
    fn labels(&mut self, obj: &Object, map: Option<&Node>) {
        let Some(map) = map else { return };
        for e in map.as_map().unwrap_or(&[]) {
            let Some(key) = e.key_str() else { continue };
            self.key(obj.file, obj, &e.key, key);
            self.value(obj.file, obj, &e.value, key);
        }
    }

    /// A label selector: `matchLabels` and `matchExpressions`.
    fn selector(&mut self, obj: &Object, sel: Option<&Node>) {
        let Some(sel) = sel else { return };
        self.labels(obj, sel.get("matchLabels"));
        for expr in sel
            .get("matchExpressions")
            .and_then(Node::as_seq)
            .unwrap_or(&[])
        {
            let Some(key_node) = expr.get("key") else {
                continue;
            };
            let Some(key) = key_node.as_str() else {
                continue;
            };
            self.key(obj.file, obj, key_node, key);
            if matches!(
                expr.get("operator").and_then(Node::as_str),
                Some("In" | "NotIn")
            ) {
                for v in expr.get("values").and_then(Node::as_seq).unwrap_or(&[]) {
                    self.value(obj.file, obj, v, key);
                }
            }
        }
    }

    fn skip(&self, text: &str) -> bool {
        !self.rendered && text.contains("{{")
    }

    fn key(&mut self, file: &File, obj: &Object, node: &Node, key: &str) {
        if self.skip(key) {
            return;
        }
        let Some(problem) = label_key_problem(key) else {
            return;
        };
        self.sink
            .report(
                &META,
                file,
                node.span,
                format!(
                    "`{key}` is not a valid label key in {}: {problem}",
                    obj.describe()
                ),
            )
            .label("invalid label key")
            .help("a label key is an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit");
    }

    fn value(&mut self, file: &File, obj: &Object, node: &Node, key: &str) {
        let Some(s) = node.as_scalar() else { return };
        let (problem, help) = match &s.value {
            Value::Null => return,
            Value::Str => {
                if self.skip(&s.text) {
                    return;
                }
                match label_value_problem(&s.text) {
                    Some(p) => (
                        p,
                        "a label value is empty or at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit",
                    ),
                    None => return,
                }
            }
            v => (
                format!(
                    "it is a {} once the YAML is read, and label values are strings",
                    if matches!(v, Value::Bool(_)) {
                        "boolean"
                    } else {
                        "number"
                    }
                ),
                "quote the value (in a template, pipe it to `quote`)",
            ),
        };
        self.sink
            .report(
                &META,
                file,
                node.span,
                format!(
                    "`{}` is not a valid value for label `{key}` in {}: {problem}",
                    s.text,
                    obj.describe()
                ),
            )
            .label("invalid label value")
            .help(help);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn run(text: &str, rendered: bool) -> Vec<String> {
        let doc = YamlDoc::parse(SourceFile::new("m.yaml", text.to_string()));
        crate::rules::run_manifest_check(check_manifests, std::slice::from_ref(&doc), rendered)
            .into_iter()
            .map(|d| d.message)
            .collect()
    }

    #[test]
    fn template_text_is_checked_only_in_rendered_output() {
        let m = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels:\n    version: \"{{ .Chart.AppVersion }}\"\n";
        assert!(run(m, false).is_empty());
        assert_eq!(run(m, true).len(), 1);
    }

    #[test]
    fn types_and_selectors() {
        let m = "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  labels:\n    enabled: true\n    count: 3\n    unset:\nspec:\n  selector:\n    app: web/api\n";
        let found = run(m, false);
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found[0].contains("it is a boolean"));
        assert!(found[1].contains("it is a number"));
        assert!(found[2].contains("'/'"));
    }
}
