use crate::chart::Chart;
use crate::chart::values::{all, norm};
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::secrets::plaintext_env::placeholder;
use crate::rules::{ChartCheck, Ctx, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "values/plaintext-secret",
    severity: Severity::Warning,
    summary: "A default value holds a password, token or key in plain text",
    doc: r#"## What it does
Reports non-empty literal defaults under keys that hold secrets (`password`, `token`, `apiKey`,
`secret`, `secretKey`, `privateKey`, `credentials`, `accessKey`, …). Keys that *name* a secret
(`existingSecret`, `secretName`, `passwordKey`, `tokenFile`) are not secrets and are left
alone, and so are empty values, template strings and placeholders such as `changeme` or
`<password>`.

## Why it matters
A default secret is the same in every installation, published with the chart, and stays in
Helm's release history; people forget to override it.

## Example
```yaml
auth:
  rootPassword: s3cr3t-Passw0rd
```

## Fix
Default to an empty string, generate the secret in the template (`randAlphaNum`) or read it
from an `existingSecret`.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check);
pub const MANIFESTS: Option<ManifestCheck> = None;

const SECRET_WORDS: [&str; 9] = [
    "password",
    "passwd",
    "token",
    "apikey",
    "secret",
    "privatekey",
    "credential",
    "accesskey",
    "passphrase",
];
const REFERENCE_WORDS: [&str; 14] = [
    "existing", "name", "ref", "file", "path", "enabled", "create", "url", "endpoint", "header",
    "type", "length", "policy", "mount",
];

fn is_secret_key(key: &str) -> bool {
    let k = norm(key);
    if !SECRET_WORDS.iter().any(|w| k.contains(w)) || REFERENCE_WORDS.iter().any(|w| k.contains(w))
    {
        return false;
    }
    // `passwordKey`, `secretKey: password`: the key inside a Secret, unless it is itself a key.
    let names_a_key = k.ends_with("key")
        && !["apikey", "privatekey", "accesskey", "secretkey"]
            .iter()
            .any(|s| k.ends_with(s));
    !names_a_key
}

fn check(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    for v in all(chart) {
        let Some(key) = v.key else { continue };
        let Some(text) = v.node.as_str() else {
            continue;
        };
        if !is_secret_key(key) || placeholder(text) || text.len() < 4 {
            continue;
        }
        sink.report(&META, v.file, v.node.span, format!("`{}` ships a secret in plain text as its default", v.path))
            .label("plaintext secret")
            .help("default to \"\" and read the value from an existingSecret, or generate it in the template");
    }
}
