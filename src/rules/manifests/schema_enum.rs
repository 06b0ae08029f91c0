use crate::chart::YamlDoc;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::k8s::schema::validate::Problem;
use crate::rules::{ChartCheck, Ctx, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "manifests/schema-enum",
    severity: Severity::Error,
    summary: "A value the Kubernetes API does not accept for an enumerated field",
    doc: r#"## What it does
Reports a value of a field that the API server limits to a fixed set: a Service `type`,
`protocol`, `restartPolicy`, `dnsPolicy`, a Deployment or StatefulSet strategy `type`,
`podManagementPolicy`, a CronJob `concurrencyPolicy`, an Ingress `pathType`, label selector and
toleration operators, a topology spread constraint's `whenUnsatisfiable`, HPA metric and
target types, `seccompProfile.type`, and others. Values are case-sensitive; an empty string
means the default and is accepted. `imagePullPolicy` and `hostPath.type` have their own rules.

## Why it matters
The API server rejects the object: `spec.type: Unsupported value: "Loadbalancer": supported
values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"`, and `helm install` fails.

## Example
```yaml
kind: Service
spec:
  type: Loadbalancer
```

## Fix
Use one of the values the message lists, spelt exactly.
"#,
};

pub const CHART: Option<ChartCheck> = None;
pub const MANIFESTS: Option<ManifestCheck> = Some(check_manifests);

fn check_manifests(docs: &[YamlDoc], ctx: &Ctx, sink: &mut Sink) {
    for f in &ctx.schema_findings(docs).findings {
        let Problem::Enum {
            value,
            field,
            allowed,
        } = &f.problem
        else {
            continue;
        };
        let Some(doc) = docs.get(f.doc) else { continue };
        let list = allowed
            .iter()
            .map(|a| format!("`{a}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let d = sink.report(
            &META,
            &doc.file,
            f.span,
            format!(
                "`{value}` is not a value of `{field}` (at `{}` of {}): the API accepts {list}",
                f.path, f.object
            ),
        );
        d.label("unsupported value");
        let lower = value.to_ascii_lowercase();
        let same_case = allowed.iter().find(|a| a.to_ascii_lowercase() == lower);
        match same_case
            .map(String::as_str)
            .or_else(|| crate::suggest::closest(value, allowed.iter().map(String::as_str)))
        {
            Some(s) => d.help(format!("did you mean `{s}`?")),
            None => d.help(format!("use one of {list}")),
        };
    }
}
