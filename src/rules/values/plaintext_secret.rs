use crate::chart::Chart;
use crate::chart::values::norm;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::secrets::plaintext_env::placeholder;
use crate::rules::{ChartCheck, Ctx, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "values/plaintext-secret",
    severity: Severity::Warning,
    summary: "A default value holds a password, token or key in plain text",
    doc: r#"## What it does
Reports non-empty literal defaults under keys that hold secrets (`password`, `token`, `apiKey`,
`secret`, `secretKey`, `privateKey`, `credentials`, …). An access key ID (`accessKey`,
`access_key_id`) is the user half of a key pair and is not reported; its secret half is.

Left alone, because they are not secrets:
- keys that *name* a Secret or an entry in one (`existingSecret`, `secretName`,
  `passwordKey`, `passwordSecretKey`, `tokenSecretKey`), a file or folder (`tokenFile`,
  `secretsDir`, a value that is an absolute path or a file name such as `thanos.yaml`, a
  value that repeats its key such as `token: token`), or
  something about a secret (`tsigSecretAlg`, `secretFieldSelector`, `credentialsConfig`);
- `*Secret` keys whose value reads like the name of a Secret (`tlsSecret: web-tls`,
  `nodeSecret: cockroachdb-node`), except the secrets of a protocol (`clientSecret`,
  `cookieSecret`, `jwtSecret`, `oidcSecret`, …), which are always values;
- empty values, template strings and placeholders meant to be replaced: `changeme`,
  `changeit`, `REPLACE_ME`, `YOUR_API_TOKEN`, `your-api-key`, `<password>`, `xxxx`, a PEM
  block with no key between its `BEGIN` and `END` lines.

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

/// `accessKey` is not among them: an access key (ID) is the user name of an access-key pair,
/// not its secret half.
const SECRET_WORDS: [&str; 8] = [
    "password",
    "passwd",
    "token",
    "apikey",
    "secret",
    "privatekey",
    "credential",
    "passphrase",
];
/// Words that make a key hold something about a secret rather than the secret itself: its
/// name, a reference, a file or folder, a flag, a selector, an algorithm, configuration.
const REFERENCE_WORDS: [&str; 20] = [
    "existing",
    "name",
    "ref",
    "file",
    "path",
    "dir",
    "enabled",
    "create",
    "url",
    "endpoint",
    "header",
    "type",
    "length",
    "policy",
    "mount",
    "selector",
    "config",
    "provider",
    "template",
    "annotation",
];
/// Suffixes of keys that hold the key of an entry inside a Secret when something precedes
/// them (`passwordSecretKey`, `tokenSecretKey`; a bare `secretKey` is a credential).
const ENTRY_SUFFIXES: [&str; 1] = ["secretkey"];
/// Cloud access-key pairs written with a prefix: still the credential itself.
const CREDENTIAL_PREFIXES: [&str; 6] = ["aws", "s3", "minio", "gcs", "oss", "storage"];

/// Whether a key says it holds a secret.
fn is_secret_key(key: &str) -> bool {
    let k = norm(key);
    if !SECRET_WORDS.iter().any(|w| k.contains(w)) || REFERENCE_WORDS.iter().any(|w| k.contains(w))
    {
        return false;
    }
    if k.ends_with("alg") || k.ends_with("algorithm") {
        return false;
    }
    for suffix in ENTRY_SUFFIXES {
        if let Some(prefix) = k.strip_suffix(suffix)
            && !prefix.is_empty()
            && !CREDENTIAL_PREFIXES.contains(&prefix)
        {
            return false;
        }
    }
    // `passwordKey`, `secretKey: password`: the key inside a Secret, unless it is itself a key.
    let names_a_key = k.ends_with("key")
        && !["apikey", "privatekey", "accesskey", "secretkey"]
            .iter()
            .any(|s| k.ends_with(s));
    !names_a_key
}

/// Whether the value, under this key, names a Secret or a file rather than holding a secret:
/// `tlsSecret: web-tls`, `nodeSecret: cockroachdb-node`, `secretKey: thanos.yaml`,
/// `privateKey: private.key`, `secretsPath: /var/run/secrets`.
fn names_something(key: &str, text: &str) -> bool {
    let k = norm(key);
    let t = text.trim();
    // `token: token`, `privateKey: privateKey`: the name of an entry, not its content.
    if norm(t) == k {
        return true;
    }
    if t.starts_with('/') && !t.contains(char::is_whitespace) {
        return true;
    }
    if FILE_EXTENSIONS.iter().any(|e| {
        t.strip_suffix(e).is_some_and(|stem| {
            stem.ends_with('.')
                && stem.len() > 1
                && stem
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        })
    }) {
        return true;
    }
    if !k.ends_with("secret") {
        return false;
    }
    // A TLS or certificate secret is always a reference: certificates are not written inline
    // under a `*Secret` key.
    if k.ends_with("tlssecret") || k.ends_with("certsecret") || k.ends_with("certssecret") {
        return true;
    }
    // `clientSecret`, `cookieSecret`, `jwtSecret`: the secret of a protocol, whatever it
    // looks like.
    if VALUE_SECRETS.contains(&k.as_str()) {
        return false;
    }
    // Other `*Secret` keys name a Secret when the value reads like a Kubernetes object name
    // made of several words (`git-creds`, `etcd-peer-tls`, `grafana.local-tls`).
    t.contains(['-', '.']) && crate::k8s::names::is_dns1123_subdomain(t)
}

/// `*Secret` keys whose value is the secret of a protocol, never the name of a Secret.
const VALUE_SECRETS: [&str; 12] = [
    "clientsecret",
    "cookiesecret",
    "sessionsecret",
    "jwtsecret",
    "sharedsecret",
    "webhooksecret",
    "signingsecret",
    "encryptionsecret",
    "hmacsecret",
    "oidcsecret",
    "appsecret",
    "apisecret",
];

const FILE_EXTENSIONS: [&str; 14] = [
    "yaml", "yml", "json", "key", "pem", "crt", "cert", "txt", "conf", "p12", "jks", "cfg", "ini",
    "toml",
];

fn check<'a>(chart: &'a Chart, ctx: &Ctx<'a>, sink: &mut Sink) {
    for v in ctx.values(chart) {
        let Some(key) = v.key else { continue };
        let Some(text) = v.node.as_str() else {
            continue;
        };
        if !is_secret_key(key) || placeholder(text) || text.len() < 4 || names_something(key, text)
        {
            continue;
        }
        sink.report(&META, v.file, v.node.span, format!("`{}` ships a secret in plain text as its default", v.path))
            .label("plaintext secret")
            .help("default to \"\" and read the value from an existingSecret, or generate it in the template");
    }
}
