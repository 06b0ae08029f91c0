//! `.plimsoll.yaml`: rule severities, excludes, target Kubernetes version, external secrets,
//! alert conventions. Found from the linted path upward, or given with `--config`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{File, SourceFile, Span};
use crate::yaml::Node;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub const FILE_NAME: &str = ".plimsoll.yaml";

#[derive(Debug, Default)]
pub struct Config {
    pub file: Option<File>,
    /// Folder the config file lives in; excludes are relative to it.
    pub base: PathBuf,
    /// Per-rule severity; `None` turns the rule off.
    pub severities: HashMap<String, Option<Severity>>,
    pub exclude: Vec<String>,
    /// Target Kubernetes version (major, minor).
    pub kubernetes_version: Option<(u32, u32)>,
    pub external_secrets: Vec<String>,
    pub alert_severities: Vec<String>,
    pub required_alert_labels: Vec<String>,
    pub required_alert_annotations: Vec<String>,
    pub rule_packs: Vec<PathBuf>,
    /// Rules of the packs named in `rulePacks`.
    pub packs: Vec<crate::packs::PackRule>,
    /// Findings about the configuration itself (unknown rule names).
    pub diagnostics: Vec<Diagnostic>,
    /// `--select`: only these rules or domains run (empty: all).
    pub select: Vec<String>,
    /// `--ignore`: these rules or domains do not run.
    pub ignore: Vec<String>,
    /// `dependencyPaths`: folders searched for dependency charts that `charts/` does not hold
    /// (absolute, or relative to the config file's folder).
    pub dependency_paths: Vec<PathBuf>,
    /// `crdCatalogs`: folders of CRD files and kubeconform-layout JSON schemas that describe
    /// custom resources of operators installed separately (see [`crate::k8s::schema::crd`]).
    pub crd_catalogs: Vec<PathBuf>,
    /// `includeSubcharts` (or `--include-subcharts`): report findings in third-party subcharts
    /// (packaged archives and folders fetched from a chart repository) too.
    pub include_subcharts: bool,
    /// `prometheus.version` / `--prometheus-version` and `prometheus.features`: the Prometheus
    /// whose PromQL the rules are checked against.
    pub prometheus_version: Option<(u32, u32)>,
    pub prometheus_features: Vec<String>,
}

/// The default target Kubernetes version: the newest release plimsoll's API table knows.
pub const DEFAULT_KUBERNETES_VERSION: (u32, u32) = (1, 36);

impl Config {
    pub fn kubernetes_version(&self) -> (u32, u32) {
        self.kubernetes_version
            .unwrap_or(DEFAULT_KUBERNETES_VERSION)
    }

    /// The Prometheus PromQL is checked against (default: the current release, no flags).
    pub fn prometheus_target(&self) -> crate::prometheus::version::Target {
        crate::prometheus::version::Target {
            version: self
                .prometheus_version
                .unwrap_or(crate::prometheus::version::CURRENT),
            features: self.prometheus_features.clone(),
        }
    }

    /// Alert labels every rule must set (default: `severity`).
    pub fn required_labels(&self) -> Vec<String> {
        if self.required_alert_labels.is_empty() {
            vec!["severity".to_string()]
        } else {
            self.required_alert_labels.clone()
        }
    }

    /// The severity a rule's findings get, or `None` when the rule is off.
    pub fn severity_for(&self, rule: &str, default: Severity) -> Option<Severity> {
        match self.severities.get(rule) {
            Some(s) => *s,
            None => Some(default),
        }
    }

    /// Whether a rule runs at all: not turned off, selected, not ignored. A rule that does not
    /// run costs nothing.
    pub fn runs(&self, rule: &str) -> bool {
        let matches = |names: &[String]| {
            names
                .iter()
                .any(|n| n == rule || rule.split('/').next() == Some(n.as_str()))
        };
        !matches!(self.severities.get(rule), Some(None))
            && (self.select.is_empty() || matches(&self.select))
            && !matches(&self.ignore)
    }

    pub fn is_excluded(&self, path: &Path) -> bool {
        if self.exclude.is_empty() {
            return false;
        }
        let rel = path.strip_prefix(&self.base).unwrap_or(path);
        let rel = rel.to_string_lossy().replace('\\', "/");
        let rel = rel.trim_start_matches("./");
        self.exclude.iter().any(|p| crate::glob::matches(p, rel))
    }

    /// Finds the nearest `.plimsoll.yaml` from `start` upward.
    pub fn discover(start: &Path) -> Option<PathBuf> {
        let abs = std::fs::canonicalize(start).ok()?;
        let mut dir = if abs.is_dir() {
            Some(abs.as_path())
        } else {
            abs.parent()
        };
        while let Some(d) = dir {
            let candidate = d.join(FILE_NAME);
            if candidate.is_file() {
                return Some(candidate);
            }
            dir = d.parent();
        }
        None
    }

    /// Loads a config file and its rule packs. `Err` is a one-line reason (exit 2).
    ///
    /// With `confine` (a config discovered inside the linted tree rather than named with
    /// `--config`), every rule pack must lie inside the repository that holds the config: the
    /// nearest folder upward with a `.git`, or the config's own folder when there is none.
    pub fn load(path: &Path, confine: bool) -> Result<Config, String> {
        let text = crate::chart::load::read_text_limited(path, "config")?;
        let shown = crate::source::display_path(path);
        let file = SourceFile::new(&shown, text);
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let base = std::fs::canonicalize(&base).unwrap_or(base);
        Config::parse(file, base, confine)
    }

    pub fn parse(file: File, base: PathBuf, confine: bool) -> Result<Config, String> {
        let yaml = crate::yaml::parse(&file.text);
        let at = |span: Span| {
            let lc = file.line_col(span.start as usize);
            format!("{}:{}:{}", file.display_path(), lc.line, lc.col)
        };
        if let Some(issue) = yaml.issues.first() {
            return Err(format!(
                "invalid config {}: {}",
                at(issue.span),
                issue.message
            ));
        }
        let mut config = Config {
            base,
            ..Config::default()
        };
        let Some(root) = yaml.root() else {
            config.file = Some(file);
            return Ok(config);
        };
        // Compiling the JSON schema costs more than the rest of a one-chart run: a config that
        // plainly matches it skips the compile; anything else gets the schema's own message.
        if !plainly_valid(root)
            && let Some((span, message)) =
                crate::schema::validate(schema(), root).into_iter().next()
        {
            let hint = fix_hint(root, &file.text, span)
                .map(|h| format!(" ({h})"))
                .unwrap_or_default();
            return Err(format!("invalid config {}: {message}{hint}", at(span)));
        }
        config.rule_packs = strings(root.get("rulePacks"))
            .into_iter()
            .map(|p| config.base.join(p))
            .collect();
        let repo = confine.then(|| repository_root(&config.base));
        for p in &config.rule_packs {
            if let Some(repo) = &repo {
                let real = std::fs::canonicalize(p).unwrap_or_else(|_| p.clone());
                if !real.starts_with(repo) {
                    return Err(format!(
                        "invalid config {}: rule pack {} lies outside the repository {} (a configuration found in the linted tree may only name packs inside it; name it with --config, or the pack with --rules)",
                        file.display_path(),
                        p.display(),
                        repo.display()
                    ));
                }
            }
            config.packs.append(&mut crate::packs::load(p)?);
        }
        if let Some(rules) = root.get("rules") {
            for e in rules.entries() {
                let name = e.key_str().unwrap_or_default().to_string();
                let sev = e.value.as_str().and_then(Severity::parse);
                if crate::rules::find(&name).is_none() {
                    let mut d = Diagnostic::new(
                        &crate::rules::config::unknown_rule::META,
                        &file,
                        Some(e.key.span),
                        format!("Unknown rule `{name}`"),
                    );
                    if let Some(s) = crate::suggest::closest(
                        &name,
                        crate::rules::RULES.iter().map(|r| r.meta.name),
                    ) {
                        d.help(format!("did you mean `{s}`?"));
                    }
                    config.diagnostics.push(d);
                }
                config.severities.insert(name, sev);
            }
        }
        config.exclude = strings(root.get("exclude"));
        config.external_secrets = strings(root.get("externalSecrets"));
        if let Some(v) = root.get("kubernetesVersion").and_then(Node::as_str) {
            config.kubernetes_version = parse_kube_version(v);
        }
        if let Some(p) = root.get("prometheus") {
            config.alert_severities = strings(p.get("alertSeverities"));
            config.required_alert_labels = strings(p.get("requiredLabels"));
            config.required_alert_annotations = strings(p.get("requiredAnnotations"));
            config.prometheus_version = p
                .get("version")
                .and_then(Node::as_str)
                .and_then(crate::prometheus::version::parse_version);
            config.prometheus_features = strings(p.get("features"));
        }
        // Folders a configuration found in the linted tree names stay inside its repository.
        let folders = |key: &str, what: &str| -> Result<Vec<PathBuf>, String> {
            let paths: Vec<PathBuf> = strings(root.get(key))
                .into_iter()
                .map(|p| config.base.join(p))
                .collect();
            if let Some(repo) = &repo {
                for p in &paths {
                    let real = std::fs::canonicalize(p).unwrap_or_else(|_| p.clone());
                    if !real.starts_with(repo) {
                        return Err(format!(
                            "invalid config {}: {what} {} lies outside the repository {} (a configuration found in the linted tree may only name folders inside it; name it with --config)",
                            file.display_path(),
                            p.display(),
                            repo.display()
                        ));
                    }
                }
            }
            Ok(paths)
        };
        config.dependency_paths = folders("dependencyPaths", "dependency path")?;
        config.crd_catalogs = folders("crdCatalogs", "CRD catalog")?;
        config.include_subcharts = root
            .get("includeSubcharts")
            .and_then(Node::as_bool)
            .unwrap_or(false);
        config.file = Some(file);
        Ok(config)
    }
}

/// The likely fix for a schema error at `span`: a misspelt key or severity, or a version
/// written as a number.
fn fix_hint(root: &Node, text: &str, span: Span) -> Option<String> {
    let written = text
        .get(span.start as usize..span.end as usize)
        .unwrap_or("");
    let properties = |path: &[&str]| -> Vec<String> {
        let json: serde_json::Value =
            serde_json::from_str(include_str!("../schemas/config.schema.json")).unwrap_or_default();
        let mut at = &json;
        for p in path {
            at = &at["properties"][p];
        }
        at["properties"]
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default()
    };
    let suggest = |word: &str, candidates: &[String]| {
        crate::suggest::closest(word, candidates.iter().map(String::as_str))
            .map(|s| format!("did you mean `{s}`?"))
    };
    for e in root.entries() {
        if e.key.span == span {
            return suggest(e.key_str()?, &properties(&[]));
        }
        let name = e.key_str().unwrap_or_default();
        if name == "kubernetesVersion" && e.value.span == span {
            return version_hint(name, &e.value, written, "1.31");
        }
        if name == "prometheus" {
            for p in e.value.entries() {
                if p.key.span == span {
                    return suggest(p.key_str()?, &properties(&["prometheus"]));
                }
                if p.key_str() == Some("version") && p.value.span == span {
                    return version_hint("version", &p.value, written, "2.53");
                }
            }
        }
        if name == "rules" {
            for r in e.value.entries() {
                if r.value.span == span {
                    let levels = ["error", "warning", "info", "off"].map(String::from);
                    return suggest(r.value.scalar_text()?, &levels);
                }
            }
        }
    }
    None
}

/// The fix for a version setting (`key`) the schema refused: quote a version YAML read as a
/// number (`1.30` is the number 1.3), or write one in the expected shape (`example`).
fn version_hint(key: &str, value: &Node, written: &str, example: &str) -> Option<String> {
    let written = written.trim();
    let digits = written.trim_start_matches('v');
    let parts: Vec<&str> = digits.split('.').collect();
    let shaped = (2..=3).contains(&parts.len())
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    if value.as_str().is_none() && shaped {
        return Some(format!(
            "quote it: `{key}: \"{written}\"`; unquoted, YAML reads a number"
        ));
    }
    Some(format!(
        "write the version as a quoted `MAJOR.MINOR`, e.g. `{key}: \"{example}\"`"
    ))
}

/// The repository holding `dir`: the nearest folder upward with a `.git`, else `dir` itself.
fn repository_root(dir: &Path) -> PathBuf {
    dir.ancestors()
        .find(|d| d.join(".git").exists())
        .unwrap_or(dir)
        .to_path_buf()
}

/// `1.31`, `v1.31`, `1.31.2` → (1, 31).
pub fn parse_kube_version(v: &str) -> Option<(u32, u32)> {
    let v = v.trim().trim_start_matches('v');
    let mut parts = v.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.trim_end_matches('+').parse().ok()?;
    Some((major, minor))
}

fn strings(node: Option<&Node>) -> Vec<String> {
    node.and_then(Node::as_seq)
        .map(|items| {
            items
                .iter()
                .filter_map(|n| n.scalar_text().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Whether `root` matches `schemas/config.schema.json`, checked by hand: `true` only when the
/// schema surely accepts it (the schema decides, and words the error, in every other case).
fn plainly_valid(root: &Node) -> bool {
    fn strings(n: &Node, item: impl Fn(&str) -> bool) -> bool {
        n.as_seq()
            .is_some_and(|items| items.iter().all(|i| i.as_str().is_some_and(&item)))
    }
    /// `^v?[0-9]+\.[0-9]+(\.[0-9]+)?$`, the major version among `majors` when given.
    fn version(v: &str, majors: Option<&[u8]>) -> bool {
        let v = v.strip_prefix('v').unwrap_or(v).as_bytes();
        let parts: Vec<&[u8]> = v.split(|&b| b == b'.').collect();
        (2..=3).contains(&parts.len())
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.iter().all(u8::is_ascii_digit))
            && majors.is_none_or(|m| parts[0].len() == 1 && m.contains(&parts[0][0]))
    }
    if root.as_map().is_none() {
        return false;
    }
    root.entries().all(|e| {
        let v = &e.value;
        match e.key_json_string().as_str() {
            "rules" => {
                v.as_map().is_some()
                    && v.entries().all(|r| {
                        matches!(r.value.as_str(), Some("error" | "warning" | "info" | "off"))
                            || r.value.as_bool() == Some(false)
                    })
            }
            "exclude" | "dependencyPaths" => strings(v, |s| !s.is_empty()),
            "externalSecrets" | "rulePacks" => strings(v, |_| true),
            "kubernetesVersion" => v.as_str().is_some_and(|s| version(s, None)),
            "includeSubcharts" => v.as_bool().is_some(),
            "prometheus" => {
                v.as_map().is_some()
                    && v.entries().all(|p| {
                        let v = &p.value;
                        match p.key_json_string().as_str() {
                            "alertSeverities" | "requiredLabels" | "requiredAnnotations" => {
                                strings(v, |_| true)
                            }
                            "version" => v.as_str().is_some_and(|s| version(s, Some(b"23"))),
                            "features" => strings(v, |f| {
                                matches!(
                                    f,
                                    "promql-experimental-functions"
                                        | "promql-duration-expr"
                                        | "promql-extended-range-selectors"
                                        | "promql-binop-fill-modifiers"
                                )
                            }),
                            _ => false,
                        }
                    })
            }
            _ => false,
        }
    })
}

fn schema() -> &'static jsonschema::Validator {
    static V: OnceLock<jsonschema::Validator> = OnceLock::new();
    V.get_or_init(|| {
        let json: serde_json::Value =
            serde_json::from_str(include_str!("../schemas/config.schema.json"))
                .expect("config schema is valid JSON");
        jsonschema::validator_for(&json).expect("config schema is a valid schema")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, String> {
        Config::parse(
            SourceFile::new(".plimsoll.yaml", text.to_string()),
            PathBuf::from("/repo"),
            false,
        )
    }

    #[test]
    fn reads_every_field() {
        let c = parse("rules:\n  yaml/duplicate-key: warning\n  file/not-text: off\nexclude: [vendor]\nkubernetesVersion: \"1.29\"\nexternalSecrets: [license]\nprometheus:\n  alertSeverities: [critical]\n").unwrap();
        assert_eq!(
            c.severity_for("yaml/duplicate-key", Severity::Error),
            Some(Severity::Warning)
        );
        assert_eq!(c.severity_for("file/not-text", Severity::Error), None);
        assert_eq!(c.kubernetes_version(), (1, 29));
        assert_eq!(c.external_secrets, vec!["license"]);
        assert_eq!(c.alert_severities, vec!["critical"]);
        assert!(c.is_excluded(Path::new("/repo/charts/vendor/x.yaml")));
        assert!(c.diagnostics.is_empty());
    }

    #[test]
    fn unknown_rule_is_a_located_warning() {
        let c = parse("rules:\n  yaml/duplicate-keys: off\n").unwrap();
        assert_eq!(c.diagnostics.len(), 1);
        assert_eq!(c.diagnostics[0].start().line, 2);
        assert_eq!(
            c.diagnostics[0].help.as_deref(),
            Some("did you mean `yaml/duplicate-key`?")
        );
    }

    #[test]
    fn invalid_config_is_a_one_line_reason() {
        let e = parse("rules:\n  yaml/syntax: loud\n").unwrap_err();
        assert!(e.starts_with("invalid config .plimsoll.yaml:2:16:"), "{e}");
        let e = parse("colour: red\n").unwrap_err();
        assert!(e.contains("`colour` is not allowed"), "{e}");
        assert!(parse("a: [\n").is_err());
    }

    /// The hand check never lets through a config that the schema rejects, and it takes
    /// the usual configs.
    #[test]
    fn plain_check_agrees_with_the_schema() {
        let valid = [
            "rules:\n  yaml/duplicate-key: warning\n  file/not-text: off\n  a: error\n  b: info\n  c: 'off'\n",
            "exclude: [vendor, '**/x']\nexternalSecrets: [a]\nrulePacks: [packs]\ndependencyPaths: [../c]\n",
            "kubernetesVersion: \"1.29\"\nincludeSubcharts: true\n",
            "kubernetesVersion: v1.29.3\n",
            "prometheus:\n  alertSeverities: [critical]\n  requiredLabels: [team]\n  requiredAnnotations: [summary]\n  version: \"3.5\"\n  features: [promql-duration-expr]\n",
            "prometheus: {version: v2.53.1}\n",
            "includeSubcharts: yes\n",
            "{}\n",
        ];
        let other = [
            "rules:\n  a: loud\n",
            "rules:\n  a: true\n",
            "rules:\n  a: 1\n",
            "rules: []\n",
            "exclude: ['']\n",
            "exclude: [1]\n",
            "exclude: a\n",
            "exclude: [~]\n",
            "dependencyPaths: ['']\n",
            "kubernetesVersion: 1.30\n",
            "kubernetesVersion: \"1\"\n",
            "kubernetesVersion: \"1.2.3.4\"\n",
            "kubernetesVersion: \"v1.x\"\n",
            "kubernetesVersion: \"1.30 \"\n",
            "includeSubcharts: \"yes\"\n",
            "prometheus:\n  version: \"4.0\"\n",
            "prometheus:\n  version: \"23.0\"\n",
            "prometheus:\n  features: [other]\n",
            "prometheus:\n  requiredLabel: [team]\n",
            "prometheus: []\n",
            "colour: red\n",
            "1: a\n",
            "- a\n",
            "true: a\n",
        ];
        for text in valid.iter().chain(&other) {
            let yaml = crate::yaml::parse(text);
            let root = yaml.root().unwrap();
            let errors = crate::schema::validate(schema(), root);
            if plainly_valid(root) {
                assert!(errors.is_empty(), "{text}: {errors:?}");
            }
            assert_eq!(plainly_valid(root), valid.contains(text), "{text}");
        }
    }

    #[test]
    fn config_errors_suggest_the_fix() {
        let e = parse("rules:\n  yaml/syntax: of\n").unwrap_err();
        assert!(e.ends_with("(did you mean `off`?)"), "{e}");
        let e = parse("rules:\n  yaml/syntax: warn1ng\n").unwrap_err();
        assert!(e.ends_with("(did you mean `warning`?)"), "{e}");
        let e = parse("rulez:\n  yaml/syntax: off\n").unwrap_err();
        assert!(e.ends_with("(did you mean `rules`?)"), "{e}");
        let e = parse("prometheus:\n  requiredLabel: [team]\n").unwrap_err();
        assert!(e.ends_with("(did you mean `requiredLabels`?)"), "{e}");
        let e = parse("prometheus:\n  version: 3.10\n").unwrap_err();
        assert!(
            e.ends_with("(quote it: `version: \"3.10\"`; unquoted, YAML reads a number)"),
            "{e}"
        );
        assert!(parse("prometheus:\n  version: \"3.10\"\n").is_ok());
        let e = parse("kubernetesVersion: 1.30\n").unwrap_err();
        assert!(
            e.ends_with("(quote it: `kubernetesVersion: \"1.30\"`; unquoted, YAML reads a number)"),
            "{e}"
        );
        // Every version setting: quoted when YAML read a number, as written (`3.10`, not 3.1).
        let e = parse("prometheus:\n  version: 3.10\n").unwrap_err();
        assert!(
            e.ends_with("(quote it: `version: \"3.10\"`; unquoted, YAML reads a number)"),
            "{e}"
        );
        // Three parts are a string in YAML already.
        assert!(parse("kubernetesVersion: 1.30.2\n").is_ok());
        // A version of the wrong shape is not told to be quoted (quoted, it is still wrong).
        for (text, example) in [
            ("kubernetesVersion: 1\n", "kubernetesVersion: \"1.31\""),
            (
                "kubernetesVersion: \"1.x\"\n",
                "kubernetesVersion: \"1.31\"",
            ),
            ("prometheus:\n  version: \"3\"\n", "version: \"2.53\""),
            ("prometheus:\n  version: 3\n", "version: \"2.53\""),
        ] {
            let e = parse(text).unwrap_err();
            assert!(
                e.ends_with(&format!(
                    "(write the version as a quoted `MAJOR.MINOR`, e.g. `{example}`)"
                )),
                "{text}: {e}"
            );
        }
    }
}
