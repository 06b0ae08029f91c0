use crate::chart::Chart;
use crate::chart::value_reads::Read;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "secrets/empty-reference",
    severity: Severity::Info,
    summary: "A Secret name is empty in values.yaml but the templates need it",
    doc: r#"## What it does
Reports a value that names a Secret (`existingSecret`, `secretName`, `*SecretName`,
`secretRef.name`, …) whose default is the empty string while a template prints it, without an
`if`/`with` on that value and without `default` or `required`, as the name of a Secret: a
`secretKeyRef`/`secretRef` `name:` or a `secretName:`.

In a chart's rendered output (default values and each `ci/*-values.yaml` scenario), a
`secretKeyRef`/`secretRef` name or `secretName` that renders empty is reported as a warning at
the template line, with the values line beside it.

## Why it matters
With the defaults, the rendered object has `name: ""` (or no name at all): the API server
rejects it, or the pod waits forever for a Secret that cannot exist. Users have to know that
this value is required.

## Example
```yaml
# values.yaml
license:
  secretName: ""
# templates/deployment.yaml
      volumes:
        - name: license
          secret:
            secretName: {{ .Values.license.secretName }}
```

## Fix
Make the requirement explicit with `{{ required "license.secretName is required" .Values.license.secretName }}`,
give the value a working default, or render the reference only `{{ with .Values.license.secretName }}`.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check_chart);
pub const MANIFESTS: Option<ManifestCheck> = Some(check_manifests);

/// A reference whose Secret name is empty or missing in a chart's rendered output: what the
/// values check predicts, seen. A warning: the object cannot work as rendered.
fn check_manifests(docs: &[crate::chart::YamlDoc], ctx: &Ctx, sink: &mut Sink) {
    if ctx.rendered.is_none() {
        return;
    }
    for r in crate::k8s::secrets::refs(docs) {
        let Some(node) = r.name else { continue };
        if r.optional || !(node.is_null() || node.as_str() == Some("")) {
            continue;
        }
        let d = sink.report(
            &META,
            r.object.file,
            node.span,
            format!(
                "The Secret name of the {} of {} renders empty",
                r.kind.describe(),
                r.object.describe()
            ),
        );
        d.severity = Severity::Warning;
        d.label("empty Secret name");
        d.help("set the value, make the template say it is needed (`required`), or render the reference only `with` a value");
    }
}

fn check_chart(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    let empty: Vec<_> = crate::chart::values::secret_refs(chart)
        .into_iter()
        .filter(|v| v.node.as_str() == Some("") && !v.path.contains(['[', '"']))
        .collect();
    if empty.is_empty() {
        return;
    }
    let reads = chart.value_reads();
    let parsed = chart.parsed_templates();
    for v in empty {
        let path: Vec<&str> = v.path.split('.').collect();
        let uses: Vec<&Read> = reads
            .reads
            .iter()
            .filter(|r| {
                r.checkable
                    && r.path == path
                    && r.action.is_some()
                    && !r.action_defaulted
                    && !r.optional
                    && r.guard_len < path.len()
            })
            .filter(|r| {
                parsed
                    .get(r.template)
                    .zip(r.action)
                    .is_some_and(|(t, a)| is_secret_name_context(&t.file.text, a.start as usize))
            })
            .collect();
        let Some(first) = uses.first() else { continue };
        let Some(t) = parsed.get(first.template) else {
            continue;
        };
        let span = v
            .key_span
            .map(|k| k.cover(v.node.span))
            .unwrap_or(v.node.span);
        let d = sink.report(
            &META,
            v.file,
            span,
            format!(
                "`{}` is empty, but templates/{} uses it as a Secret name without a guard: the templates need it",
                v.path, t.rel
            ),
        );
        d.label("empty Secret name");
        for r in uses.iter().take(3) {
            if let (Some(t), Some(a)) = (parsed.get(r.template), r.action) {
                d.related(&t.file, a, "used as a Secret name here");
            }
        }
        d.help("set a default, or make the template say so: `required \"… is required\" …`, or render the reference only `with` a value");
    }
}

/// Whether the action at `at` is the value of a `secretName:` key, or of a `name:` key of a
/// `secretKeyRef`/`secretRef` mapping.
fn is_secret_name_context(text: &str, at: usize) -> bool {
    let Some(before_all) = text.get(..at) else {
        return false;
    };
    let line_start = before_all.rfind('\n').map_or(0, |i| i + 1);
    let before = &before_all[line_start..];
    let trimmed = before.trim_start();
    let indent = before.len() - trimmed.len();
    let key_part = trimmed
        .trim_start_matches("- ")
        .trim_end()
        .trim_end_matches(['"', '\'']);
    let Some(key) = key_part.strip_suffix(':') else {
        return false;
    };
    match key.trim() {
        "secretName" => true,
        "name" => {
            // The nearest line above with less indentation holds the parent key.
            for line in before_all[..line_start].lines().rev() {
                let t = line.trim_start();
                if t.is_empty() || t.starts_with('#') || t.starts_with("{{") {
                    continue;
                }
                let ind = line.len() - t.len();
                if ind < indent {
                    let k = t.trim_start_matches("- ").trim_end();
                    return k == "secretKeyRef:" || k == "secretRef:";
                }
            }
            false
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_name_contexts() {
        let t = "env:\n  - name: X\n    valueFrom:\n      secretKeyRef:\n        name: {{ .Values.a }}\n        key: k\nvolumes:\n  - secret:\n      secretName: {{ .Values.b }}\n  - name: {{ .Values.c }}\n";
        let at = |needle: &str| t.find(needle).unwrap();
        assert!(is_secret_name_context(t, at("{{ .Values.a")));
        assert!(is_secret_name_context(t, at("{{ .Values.b")));
        assert!(!is_secret_name_context(t, at("{{ .Values.c")));
    }
}
