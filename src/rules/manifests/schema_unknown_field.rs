use crate::chart::YamlDoc;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::k8s::schema::validate::Problem;
use crate::rules::{ChartCheck, Ctx, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "manifests/schema-unknown-field",
    severity: Severity::Error,
    summary: "A field the Kubernetes API type does not have",
    doc: r#"## What it does
Validates every object of a built-in apiVersion and kind against the Kubernetes API of the
target version (`kubernetesVersion` in the configuration, `--kube-version`; default: the newest
release plimsoll embeds, 1.23 to 1.35) and reports each field its type does not have, with the
nearest field name, and, when a later release added the field, which one. In a chart's
rendered output the finding is at the template line that wrote the field, with the values line
beside it.

Fields below `x-kubernetes-preserve-unknown-fields` are free; fields of a `volumes[]` entry are
left to `manifests/volume-field-unknown`. Plain manifest files holding template text are not
validated.

## Why it matters
`kubectl apply` (strict field validation) rejects the object: `unknown field
"spec.template.spec.containers[0].imagePullPolicyy"`; `helm install` prints a warning and the
API server drops the field, so the setting silently has no effect. A field one level too deep
or misspelled is the usual cause.

## Example
```yaml
containers:
  - name: web
    image: nginx:1.27
    ports:
      - containerport: 80
```

## Fix
Spell the field as the API does (`containerPort`), move it to the object it belongs to, or
raise the target version when the cluster is new enough to have the field.
"#,
};

pub const CHART: Option<ChartCheck> = None;
pub const MANIFESTS: Option<ManifestCheck> = Some(check_manifests);

fn check_manifests(docs: &[YamlDoc], ctx: &Ctx, sink: &mut Sink) {
    for f in &ctx.schema_findings(docs).findings {
        let Problem::UnknownField {
            key,
            owner,
            suggestion,
            added_in,
        } = &f.problem
        else {
            continue;
        };
        let Some(doc) = docs.get(f.doc) else { continue };
        let (major, minor) = f.version;
        let msg = match added_in {
            Some((a, b)) => format!(
                "`{key}` is not a field of {owner} in Kubernetes {major}.{minor} (it is from {a}.{b}), at `{}` of {}",
                f.path, f.object
            ),
            None => format!(
                "`{key}` is not a field of {owner}, at `{}` of {}",
                f.path, f.object
            ),
        };
        let d = sink.report(&META, &doc.file, f.span, msg);
        d.label("unknown field");
        match (suggestion, added_in) {
            (Some(s), _) => d.help(format!("did you mean `{s}`?")),
            (None, Some((a, b))) => d.help(format!(
                "remove it, or set `kubernetesVersion` (or `--kube-version`) to {a}.{b} or later if every cluster the chart targets runs it"
            )),
            (None, None) => d.help(format!(
                "remove it or move it where it belongs: {owner} has no such field, and the API server rejects unknown fields (strict field validation) or drops them"
            )),
        };
    }
}
