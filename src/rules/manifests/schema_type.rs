use crate::chart::YamlDoc;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::k8s::schema::validate::Problem;
use crate::rules::{ChartCheck, Ctx, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "manifests/schema-type",
    severity: Severity::Error,
    summary: "A value of the wrong type for its Kubernetes API field",
    doc: r#"## What it does
Reports a value whose type is not the one its field has in the Kubernetes API of the target
version, as the API server decodes it: YAML is read with YAML 1.1 rules, so an unquoted `80`,
`1.10`, `true`, `yes` or `on` is a number or a boolean, and a quoted `"80"` is a string. An
integer field takes a number, a string field a string, a boolean field `true` or `false`; an
int-or-string field (`targetPort`, `maxSurge`) takes either; a quantity (`cpu`, `memory`) a
string or a number. Also reports integers too large for a 32-bit field and Secret `data`
values that are not base64.

A null value (`field:` or `field: null`) means unset and is accepted. Label values, resource
quantities and probe numbers are checked by `manifests/label-invalid`,
`manifests/invalid-quantity` and `probes/invalid-value`. In a chart's rendered output the
finding is at the template line that wrote the value, with the values line beside it.

## Why it matters
The API server rejects the object (`json: cannot unmarshal string into Go struct field
ContainerPort.spec.template.spec.containers.ports.containerPort of type int32`), and
`helm install` fails. In a chart this usually comes from `quote` on a number, or a number in
values.yaml used where the API wants a string (an environment variable's `value: 8080`).

## Example
```yaml
containers:
  - name: web
    image: nginx:1.27
    ports:
      - containerPort: "8080"
    env:
      - name: WORKERS
        value: 4
```

## Fix
Write numbers and booleans without quotes where the API wants them, and quote strings that
look like numbers or booleans (`value: "4"`; in a template, `{{ .Values.workers | quote }}`).
"#,
};

pub const CHART: Option<ChartCheck> = None;
pub const MANIFESTS: Option<ManifestCheck> = Some(check_manifests);

fn check_manifests(docs: &[YamlDoc], ctx: &Ctx, sink: &mut Sink) {
    for f in &ctx.schema_findings(docs).findings {
        let Problem::Type {
            expected,
            found,
            help,
        } = &f.problem
        else {
            continue;
        };
        let Some(doc) = docs.get(f.doc) else { continue };
        let d = sink.report(
            &META,
            &doc.file,
            f.span,
            format!(
                "`{}` of {} must be {expected}, not {found}",
                f.path, f.object
            ),
        );
        d.label(format!("not {expected}"));
        if let Some(h) = help {
            d.help(h.clone());
        }
    }
}
