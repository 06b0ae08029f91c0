use crate::chart::YamlDoc;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::k8s::schema::validate::Problem;
use crate::rules::{ChartCheck, Ctx, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "manifests/schema-duplicate-key",
    severity: Severity::Warning,
    summary: "Two entries of a keyed Kubernetes list have the same key",
    doc: r#"## What it does
Reports an entry of a list the Kubernetes API keys by some of its fields (a list-map) that
repeats the keys of an earlier entry: two container ports with the same `containerPort` and
`protocol` (TCP when unset), two Service ports with the same `port` and `protocol`, two
volumes with one name, two topology spread constraints with the same `topologyKey` and
`whenUnsatisfiable`. Containers, environment variables and mount paths have
their own rules (`manifests/container-name-duplicate`, `manifests/env-duplicate`,
`manifests/duplicate-mount-path`).

## Why it matters
The API server rejects some (`spec.volumes[1].name: Duplicate value: "data"`, Service ports)
and warns about others; server-side apply refuses them all (`duplicate entries for key
[containerPort=8080,protocol="TCP"]`), and strategic merge patches, which `helm upgrade`
sends, merge the two entries into one, so an upgrade can drop one of them.

## Example
```yaml
ports:
  - name: http
    containerPort: 8080
  - name: metrics
    containerPort: 8080
```

## Fix
Remove the repeated entry, or give it its own key (another port, another name).
"#,
};

pub const CHART: Option<ChartCheck> = None;
pub const MANIFESTS: Option<ManifestCheck> = Some(check_manifests);

fn check_manifests(docs: &[YamlDoc], ctx: &Ctx, sink: &mut Sink) {
    for f in &ctx.schema_findings(docs).findings {
        let Problem::Duplicate { list, keys, first } = &f.problem else {
            continue;
        };
        let Some(doc) = docs.get(f.doc) else { continue };
        sink.report(
            &META,
            &doc.file,
            f.span,
            format!(
                "`{}` of {} repeats an earlier entry of `{list}` ({keys})",
                f.path, f.object
            ),
        )
        .label("duplicate key")
        .related(&doc.file, *first, "first entry with these keys")
        .help("remove the repeated entry, or give it its own key");
    }
}
