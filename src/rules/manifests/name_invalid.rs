use crate::chart::YamlDoc;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::k8s::names::object_name_problem;
use crate::k8s::objects;
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::yaml::Node;

pub static META: RuleMeta = RuleMeta {
    name: "manifests/name-invalid",
    severity: Severity::Error,
    summary: "An object's metadata.name is empty or not a valid name for its kind",
    doc: r#"## What it does
Reports a `metadata.name` that the API server rejects for the object's kind, with the
rules `helm lint` applies (which Helm itself only warns about):

- Service: an RFC 1035 label (a lowercase letter first, then lowercase letters, digits and
  `-`, at most 63 characters);
- Namespace: an RFC 1123 label (like a Service name, but it may start with a digit);
- Role, ClusterRole, RoleBinding, ClusterRoleBinding: anything but `.`, `..`, `/` and `%`;
- CertificateSigningRequest: no rule;
- every other kind, custom resources included: an RFC 1123 subdomain (lowercase letters,
  digits, `-` and `.`, starting and ending with a letter or digit, at most 253 characters);
  a CronJob name at most 52 characters and a Job name at most 63, because they become part of
  the names and labels of the Jobs and pods they create.

A name that is present but empty is reported for every kind; in a chart's rendered output,
an object with neither `name` nor `generateName` is reported too. In plain manifest files,
names holding template text (`{{ … }}`) are left alone; in rendered output they are what the
cluster would receive, so they are checked.

## Why it matters
The API server refuses the object: `metadata.name: Invalid value: "Web_Frontend": a lowercase
RFC 1123 subdomain must consist of …`, and `helm install` fails on it. In a chart, a name
renders invalid when a value holds uppercase letters or underscores, when a prefix such as the
release name renders empty (`-backend`), or when `fullnameOverride` is longer than the kind
allows.

## Example
```yaml
kind: Service
metadata:
  name: web.frontend      # dots are not allowed in a Service name
```

## Fix
Use a name of lowercase letters, digits and `-`; in a chart, build names with a helper that
truncates to 63 characters and trims a trailing `-` (`trunc 63 | trimSuffix "-"`).
"#,
};

pub const CHART: Option<ChartCheck> = None;
pub const MANIFESTS: Option<ManifestCheck> = Some(check_manifests);

fn check_manifests(docs: &[YamlDoc], ctx: &Ctx, sink: &mut Sink) {
    let rendered = ctx.rendered.is_some();
    for obj in objects(docs) {
        // Configuration files that look like objects but never reach an API server.
        let group = obj.api_version.split('/').next().unwrap_or("");
        if group.ends_with("config.k8s.io") || group.ends_with("kubeadm.k8s.io") {
            continue;
        }
        let metadata = obj.root.get("metadata");
        let Some(node) = metadata.and_then(|m| m.get("name")) else {
            if rendered
                && metadata
                    .and_then(|m| m.get("generateName"))
                    .is_none_or(Node::is_null)
            {
                let span = obj
                    .root
                    .entry("metadata")
                    .map(|e| e.key.span)
                    .unwrap_or(obj.root.span);
                sink.report(
                    &META,
                    obj.file,
                    span,
                    format!("This {} has no metadata.name", obj.kind),
                )
                .label("no name")
                .help("give the object a name");
            }
            continue;
        };
        let name = match node.as_scalar() {
            Some(_) if node.is_null() => "",
            Some(s) => s.text.as_str(),
            None => continue,
        };
        if !rendered && name.contains("{{") {
            continue;
        }
        if name.is_empty()
            && metadata
                .and_then(|m| m.get("generateName"))
                .is_some_and(|g| !g.is_null())
        {
            continue;
        }
        let Some(problem) = object_name_problem(obj.kind, name) else {
            continue;
        };
        let msg = if name.is_empty() {
            format!("The name of this {} is empty", obj.kind)
        } else {
            format!("`{name}` is not a valid {} name: {problem}", obj.kind)
        };
        sink.report(&META, obj.file, node.span, msg)
            .label("invalid name")
            .help(if name.is_empty() {
                "give the object a name; in a chart, make sure the value or helper behind it cannot render empty"
            } else {
                "use lowercase letters, digits and '-'; in a chart, build names with `trunc 63 | trimSuffix \"-\"`"
            });
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
    fn names_by_kind_and_origin() {
        let svc = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web.front\n";
        assert_eq!(run(svc, false).len(), 1);
        let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web.front\n";
        assert!(run(cm, false).is_empty());
        let empty = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name:\n";
        assert_eq!(run(empty, false), ["The name of this ConfigMap is empty"]);
        let generated = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: x-\n";
        assert!(run(generated, true).is_empty());
        let none = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels: {}\n";
        assert!(run(none, false).is_empty());
        assert_eq!(run(none, true).len(), 1);
        let tpl = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \"{{ .Values.x }}\"\n";
        assert!(run(tpl, false).is_empty());
        assert_eq!(run(tpl, true).len(), 1);
        let kustomize = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nmetadata:\n  name: Base_1\n";
        assert!(run(kustomize, false).is_empty());
    }
}
