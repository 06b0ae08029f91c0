use crate::chart::YamlDoc;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::k8s::objects;
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::yaml::Node;

pub static META: RuleMeta = RuleMeta {
    name: "secrets/plaintext-env",
    severity: Severity::Warning,
    summary: "An environment variable holds a secret as plain text",
    doc: r#"## What it does
Reports `env[].value` literals whose variable name says secret (`PASSWORD`, `SECRET`, `TOKEN`,
`API_KEY`, `PRIVATE_KEY`, `CREDENTIALS`, `AWS_SECRET_ACCESS_KEY`, …) or whose value is a
private key. Empty values, references such as `$(OTHER_VAR)`, template expressions and obvious
placeholders (`changeme`, `<password>`, `xxx`) are left alone, and so are variables that hold a
setting about a secret rather than the secret: booleans (`ALLOW_EMPTY_PASSWORD=no`), numbers
and sizes (`CASSANDRA_NUM_TOKENS=256`, `PASSWORD_LENGTH=12`), paths
(`DB_PASSWORD_FILE=/run/secrets/db`), properties of a secret (`MB_PASSWORD_COMPLEXITY=normal`,
`*_LENGTH`, `*_POLICY`, `*_TTL`, `*_TIMEOUT`, `*_TYPE`, `*_ALGORITHM`, …), commands that print
the secret (`AIRFLOW__API__SECRET_KEY_CMD`), URLs without
credentials, option lists
(`ETCD_AUTH_TOKEN=jwt,priv-key=/certs/jwt.pem,ttl=10m`) and, for tokens and keys, names made of
lowercase words (`ETCD_INITIAL_CLUSTER_TOKEN=etcd-cluster-k8s`).

## Why it matters
The secret is readable by everybody who can read the workload (`kubectl get deploy -o yaml`),
lands in Git, in CI logs and in Helm's release history, and cannot be rotated without a
rollout.

## Example
```yaml
env:
  - name: DB_PASSWORD
    value: hunter2
```

## Fix
Put the value in a Secret and use `valueFrom.secretKeyRef`.
"#,
};

pub const CHART: Option<ChartCheck> = None;
pub const MANIFESTS: Option<ManifestCheck> = Some(check_manifests);

const NAME_WORDS: [&str; 9] = [
    "PASSWORD",
    "PASSWD",
    "SECRET",
    "TOKEN",
    "APIKEY",
    "API_KEY",
    "PRIVATE_KEY",
    "CREDENTIAL",
    "ACCESS_KEY",
];

/// Whether a variable or key name says it holds a secret.
pub(crate) fn secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase().replace('-', "_");
    const NOT_SECRET: [&str; 13] = [
        "_FILE",
        "_PATH",
        "_REF",
        "_NAME",
        "_URL",
        "_URI",
        "_ENDPOINT",
        "_HOST",
        "_PORT",
        "_ID",
        "_USER",
        "_USERNAME",
        "_ENABLED",
    ];
    NAME_WORDS.iter().any(|w| upper.contains(w)) && !NOT_SECRET.iter().any(|s| upper.ends_with(s))
}

/// Values that are clearly not real secrets: empty, references and template text, and the
/// placeholders people write for "put yours here" (`changeme`, `changeit`, `REPLACE_ME`,
/// `YOUR_API_TOKEN`, `your-api-key`, `<password>`, `xxxx`, a PEM block with no key in it).
pub(crate) fn placeholder(value: &str) -> bool {
    let v = value.trim().to_ascii_lowercase();
    let squeezed: String = v.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    v.is_empty()
        || v.contains("{{")
        || v.starts_with("$(")
        || v.starts_with('<')
        || v.starts_with("${")
        || [
            "changeme",
            "changeit",
            "changethis",
            "changethisvalue",
            "xxx",
            "placeholder",
            "secret",
            "password",
            "redacted",
            "none",
            "null",
            "todo",
            "-",
        ]
        .contains(&squeezed.as_str())
        || v.chars().all(|c| c == '*' || c == 'x')
        || [
            "changeme",
            "changeit",
            "replaceme",
            "replacewith",
            "changethis",
            "valuehere",
            "goeshere",
        ]
        .iter()
        .any(|w| squeezed.contains(w))
        || squeezed.starts_with("your")
        || constant_name(value.trim())
        || empty_pem(value)
}

/// `REPLACE_ME`, `YOUR_API_TOKEN`, `CLIENT_SECRET`: an upper-case identifier of several words
/// stands for a value to fill in.
fn constant_name(v: &str) -> bool {
    v.contains('_')
        && v.starts_with(|c: char| c.is_ascii_uppercase())
        && v.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// A value with PEM blocks none of which holds a key (`-----BEGIN RSA PRIVATE KEY-----` right
/// before its `-----END`, or a few characters of filler between them).
fn empty_pem(v: &str) -> bool {
    let mut rest = v;
    let mut blocks = 0;
    while let Some(i) = rest.find("-----BEGIN") {
        let after = &rest[i + 10..];
        let Some(open_end) = after.find("-----") else {
            return false;
        };
        let body_start = &after[open_end + 5..];
        let Some(end) = body_start.find("-----END") else {
            return false;
        };
        let body = body_start[..end].replace("\\n", "");
        let payload = body
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '+' || *c == '/' || *c == '=')
            .count();
        if payload >= 40 {
            return false;
        }
        blocks += 1;
        rest = &body_start[end + 8..];
    }
    blocks > 0
}

/// Whether a variable whose name mentions a secret holds a setting about it rather than the
/// secret: a boolean (`ALLOW_EMPTY_PASSWORD=no`), a number or a size (`CASSANDRA_NUM_TOKENS=256`,
/// `PASSWORD_LENGTH=12`, `TOKEN_TTL=10m`), a path (`..._PASSWORD_FILE=/run/secrets/db`), a URL
/// without credentials, a list of options (`ETCD_AUTH_TOKEN=jwt,priv-key=/certs/jwt.pem,ttl=10m`),
/// or, for tokens and keys, a name made of several lowercase words
/// (`ETCD_INITIAL_CLUSTER_TOKEN=etcd-cluster-k8s`).
pub(crate) fn setting(name: &str, node: &Node, text: &str) -> bool {
    let t = text.trim();
    let lower = t.to_ascii_lowercase();
    if node.as_bool().is_some()
        || [
            "true", "false", "yes", "no", "on", "off", "y", "n", "enabled", "disabled",
        ]
        .contains(&lower.as_str())
    {
        return true;
    }
    let upper = name.to_ascii_uppercase();
    let password = upper.contains("PASSWORD") || upper.contains("PASSWD");
    // 256, 1.5, 10m, 30s, 256Mi, 1h30m; a password of six digits or more is a password.
    let digits = t.trim_start_matches('-');
    let numeric_password =
        password && digits.len() >= 6 && digits.bytes().all(|b| b.is_ascii_digit());
    if !digits.is_empty()
        && !numeric_password
        && digits.starts_with(|c: char| c.is_ascii_digit())
        && digits
            .trim_end_matches(|c: char| c.is_ascii_alphabetic())
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.')
        && digits.bytes().filter(u8::is_ascii_alphabetic).count() <= 3
    {
        return true;
    }
    if (t.starts_with('/') || t.starts_with("./") || t.starts_with("~/"))
        && !t.contains(char::is_whitespace)
    {
        return true;
    }
    // `MB_PASSWORD_COMPLEXITY=normal`, `CONCOURSE_SECRET_RETRY_INTERVAL`: a property of the
    // secret, not the secret.
    // `AIRFLOW__API__SECRET_KEY_CMD=cat /run/secrets/key`: a command that prints the secret.
    const PROPERTIES: [&str; 18] = [
        "_CMD",
        "_COMMAND",
        "_COMPLEXITY",
        "_LENGTH",
        "_POLICY",
        "_TTL",
        "_EXPIRY",
        "_TIMEOUT",
        "_INTERVAL",
        "_ATTEMPTS",
        "_RETRIES",
        "_TYPE",
        "_MODE",
        "_ALGORITHM",
        "_ENCRYPTION",
        "_METHOD",
        "_DIR",
        "_PATHS",
    ];
    if PROPERTIES
        .iter()
        .any(|p| name.to_ascii_uppercase().replace('-', "_").ends_with(p))
    {
        return true;
    }
    if let Some((_, rest)) = t.split_once("://") {
        let authority = rest.split('/').next().unwrap_or(rest);
        return !authority.contains('@');
    }
    if t.contains(',') && t.contains('=') {
        return true;
    }
    let parts: Vec<&str> = t.split(['-', '.', '_']).collect();
    !password
        && parts.len() >= 2
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
        && parts
            .iter()
            .filter(|p| p.bytes().all(|b| b.is_ascii_lowercase()))
            .count()
            >= 2
}

fn check_manifests(docs: &[YamlDoc], _: &Ctx, sink: &mut Sink) {
    for obj in objects(docs) {
        for c in obj.containers() {
            for env in c.node.get("env").and_then(Node::as_seq).unwrap_or(&[]) {
                let (Some(name), Some(value)) = (
                    env.get("name").and_then(Node::scalar_text),
                    env.get("value"),
                ) else {
                    continue;
                };
                let Some(text) = value.scalar_text() else {
                    continue;
                };
                let private_key = text.contains("PRIVATE KEY-----");
                if !(private_key || (secret_name(name) && !setting(name, value, text)))
                    || placeholder(text)
                {
                    continue;
                }
                sink.report(&META, obj.file, value.span, format!("Environment variable `{name}` of container \"{}\" holds a secret in plain text", c.name()))
                    .label("plaintext secret")
                    .help("store it in a Secret and use valueFrom.secretKeyRef");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_setting(name: &str, value: &str) -> bool {
        let doc = crate::yaml::parse(&format!("v: {value}\n"));
        let node = doc.root().and_then(|r| r.get("v")).expect("value");
        setting(name, node, node.scalar_text().unwrap_or(""))
    }

    #[test]
    fn settings_about_secrets_are_not_secrets() {
        for (name, value) in [
            ("ALLOW_EMPTY_PASSWORD", "\"no\""),
            ("RABBITMQ_SECURE_PASSWORD", "yes"),
            ("CASSANDRA_NUM_TOKENS", "\"256\""),
            ("PASSWORD_LENGTH", "12"),
            ("TOKEN_TTL", "10m"),
            ("DB_PASSWORD_PATH_X", "/run/secrets/db"),
            (
                "ETCD_AUTH_TOKEN",
                "jwt,priv-key=/certs/jwt.pem,sign-method=RS256,ttl=10m",
            ),
            ("ETCD_INITIAL_CLUSTER_TOKEN", "etcd-cluster-k8s"),
            ("MB_PASSWORD_COMPLEXITY", "normal"),
            (
                "AIRFLOW__API__SECRET_KEY_CMD",
                "cat /opt/airflow/secrets/airflow-secret-key",
            ),
            ("OAUTH_TOKEN_URL_X", "https://auth.example.com/token"),
        ] {
            assert!(is_setting(name, value), "{name}={value}");
        }
        for (name, value) in [
            ("DB_PASSWORD", "hunter2"),
            ("DB_PASSWORD", "\"12345678\""),
            ("DB_PASSWORD", "my-secret-pass"),
            ("API_TOKEN", "ghp_A1b2C3d4E5f6G7h8I9j0"),
            ("DATABASE_URL_PASSWORD", "postgres://app:s3cret@db:5432/app"),
        ] {
            assert!(!is_setting(name, value), "{name}={value}");
        }
    }
}
