use crate::chart::{Chart, YamlDoc};
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::k8s::names::{is_dns1123_subdomain, subdomain_problem};
use crate::k8s::secrets::refs;
use crate::rules::{ChartCheck, Ctx, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "secrets/invalid-name",
    severity: Severity::Error,
    summary: "A Secret reference names a Secret that cannot exist",
    doc: r#"## What it does
Reports a Secret reference (`secretKeyRef`, `envFrom.secretRef`, secret and projected volumes,
`imagePullSecrets`, Ingress TLS) whose name is not a valid Secret name: an RFC 1123 subdomain
of lowercase letters, digits, `-` and `.`, starting and ending with a letter or digit. A name
such as `-keycloak-backend` is what remains when a `{{ .Release.Name }}` prefix renders empty.

The same check runs on values that name Secrets (`existingSecret`, `secretName`,
`*SecretName`, `secretRef.name`, image pull secrets); template strings there are checked by
`values/tpl-invalid` instead.

## Why it matters
No Secret can have that name, so the pod never starts ("secret not found") or the API server
rejects the object.

## Example
```yaml
secretKeyRef:
  name: -keycloak-backend
  key: client-secret
```

## Fix
Use the real Secret's name; in a chart, make sure the template that builds it cannot render an
empty prefix.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check_chart);
pub const MANIFESTS: Option<ManifestCheck> = Some(check_manifests);

fn check_manifests(docs: &[YamlDoc], _: &Ctx, sink: &mut Sink) {
    for r in refs(docs) {
        let Some(node) = r.name.filter(|n| !n.is_null()) else {
            continue;
        };
        let Some(name) = node.scalar_text() else {
            continue;
        };
        if name.is_empty() || name.contains("{{") || is_dns1123_subdomain(name) {
            continue;
        }
        sink.report(&META, r.object.file, node.span, format!("`{name}` in the {} of {} is not a valid Secret name: {}", r.kind.describe(), r.object.describe(), subdomain_problem(name)))
            .label("invalid Secret name")
            .help("Secret names are lowercase letters, digits, '-' and '.', starting and ending with a letter or digit");
    }
}

fn check_chart(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    for v in crate::chart::values::secret_refs(chart) {
        let Some(name) = v.node.as_str() else {
            continue;
        };
        if name.is_empty() || crate::chart::values::is_template(name) || is_dns1123_subdomain(name)
        {
            continue;
        }
        let d = sink.report(
            &META,
            v.file,
            v.node.span,
            format!(
                "`{}` is `{name}`, which is not a valid Secret name: {}",
                v.path,
                subdomain_problem(name)
            ),
        );
        d.label("invalid Secret name");
        if name.starts_with(['-', '.']) {
            d.help(format!("a prefix seems to be missing; if it is the release name, make it a tpl string such as `{{{{ .Release.Name }}}}{name}` rendered with `tpl`"));
        } else {
            d.help("Secret names are lowercase letters, digits, '-' and '.', starting and ending with a letter or digit");
        }
    }
}
