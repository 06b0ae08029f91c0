//! Kubernetes API schema validation (`manifests/schema-*`): a broken object of each common
//! kind is reported at its line, the target version decides which fields exist, and in a
//! chart the finding is at the template line with the values line beside it.

use plimsoll::diagnostic::Diagnostic;
use plimsoll::lint::{LintOptions, lint};
use std::path::{Path, PathBuf};

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn schema_findings(path: &Path, kube: Option<(u32, u32)>) -> Vec<Diagnostic> {
    let options = LintOptions {
        kube_version: kube,
        ..LintOptions::default()
    };
    lint(&[path.to_path_buf()], &options)
        .unwrap()
        .diagnostics
        .into_iter()
        .filter(|d| d.rule.name.starts_with("manifests/schema-"))
        .collect()
}

fn fixture(rule: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/rules/manifests")
        .join(rule)
        .join("fire.yaml")
}

#[test]
fn each_common_kind_broken_is_reported_at_its_line_in_every_release() {
    // One unknown field in each of 15 kinds; every embedded release from 1.23 reports the
    // same 15 lines (the kinds and these fields exist in all of them).
    let path = fixture("schema-unknown-field");
    let text = std::fs::read_to_string(&path).unwrap();
    let expected: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains("expect: manifests/schema-unknown-field"))
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(expected.len(), 15);
    for minor in 23..=35 {
        let found = schema_findings(&path, Some((1, minor)));
        let mut lines: Vec<usize> = found.iter().map(|d| d.start().line).collect();
        lines.sort();
        assert_eq!(lines, expected, "Kubernetes 1.{minor}: {found:#?}");
        assert!(
            found
                .iter()
                .all(|d| d.rule.name == "manifests/schema-unknown-field")
        );
    }
    let found = schema_findings(&path, None);
    let msg = |line: usize| {
        let d = found.iter().find(|d| d.start().line == line).unwrap();
        (d.message.clone(), d.help.clone().unwrap_or_default())
    };
    let (m, h) = msg(expected[0]);
    assert!(
        m.contains("`imagePullPolicyy` is not a field of Container"),
        "{m}"
    );
    assert!(
        m.contains("spec.template.spec.containers[0].imagePullPolicyy"),
        "{m}"
    );
    assert_eq!(h, "did you mean `imagePullPolicy`?");
    let (_, h) = msg(*expected.last().unwrap());
    assert_eq!(h, "did you mean `namespace`?");
}

#[test]
fn the_target_version_decides_which_fields_and_apis_exist() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: app\n      image: app:1.0\n      resizePolicy:\n        - resourceName: cpu\n          restartPolicy: NotRequired\n---\napiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: c\nspec:\n  schedule: \"* * * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n          containers:\n            - name: c\n              image: c:1.0\n              imagePullPolicyy: Always\n",
    );
    // 1.26: containers have no `resizePolicy` yet (1.27), and batch/v1beta1 CronJob is no
    // longer served (1.25), so its typo is not validated.
    let at = |kube| {
        schema_findings(dir.path(), Some(kube))
            .into_iter()
            .map(|d| (d.start().line, d.message))
            .collect::<Vec<_>>()
    };
    let old = at((1, 26));
    assert_eq!(old.len(), 1, "{old:?}");
    assert_eq!(old[0].0, 9);
    assert!(
        old[0].1.contains("in Kubernetes 1.26 (it is from 1.27)"),
        "{}",
        old[0].1
    );
    // 1.24 serves batch/v1beta1 CronJob: its typo is found too.
    let older = at((1, 24));
    assert_eq!(
        older.iter().map(|(l, _)| *l).collect::<Vec<_>>(),
        vec![9, 27],
        "{older:?}"
    );
    // 1.27 and later: nothing (the CronJob API is gone, `manifests/api-removed` says so).
    assert!(at((1, 27)).is_empty());
    assert!(at((1, 35)).is_empty());
}

/// Rule, file name, line, and the (file name, line) of each related label.
type Seen = (String, String, usize, Vec<(String, usize)>);

#[test]
fn rendered_findings_point_at_the_template_and_values_lines() {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("web");
    write(
        &chart,
        "Chart.yaml",
        "apiVersion: v2\nname: web\ndescription: web\nversion: 1.0.0\nappVersion: \"1.0\"\n",
    );
    write(
        &chart,
        "values.yaml",
        "port: 8080\nresources:\n  limits:\n    memory: 1Gi\n  memory: 1Gi\nenabled: true\n",
    );
    write(
        &chart,
        "templates/deployment.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n          ports:\n            - containerPort: {{ .Values.port | quote }}\n          resources:\n            {{- toYaml .Values.resources | nindent 12 }}\n          {{- if .Values.enabled }}\n          imagePullPolicyy: Always\n          {{- end }}\n",
    );
    let found = schema_findings(&chart, None);
    let mut got: Vec<Seen> = found
        .iter()
        .map(|d| {
            (
                d.rule.name.to_string(),
                d.file
                    .path
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                d.start().line,
                d.labels
                    .iter()
                    .map(|l| {
                        (
                            l.file
                                .path
                                .file_name()
                                .unwrap()
                                .to_string_lossy()
                                .into_owned(),
                            l.file.line_col(l.span.start as usize).line,
                        )
                    })
                    .collect(),
            )
        })
        .collect();
    got.sort();
    let s = |x: &str| x.to_string();
    assert_eq!(
        got,
        vec![
            (
                s("manifests/schema-type"),
                s("deployment.yaml"),
                16,
                vec![(s("values.yaml"), 1)]
            ),
            (
                s("manifests/schema-unknown-field"),
                s("deployment.yaml"),
                18,
                vec![(s("values.yaml"), 5)]
            ),
            (
                s("manifests/schema-unknown-field"),
                s("deployment.yaml"),
                20,
                vec![]
            ),
        ],
        "{found:#?}"
    );
}

#[test]
fn a_charts_own_crds_validate_its_custom_resources() {
    // A required field with a default (`count`) is filled in by the API server: not missing.
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("op");
    write(
        &chart,
        "Chart.yaml",
        "apiVersion: v2\nname: op\ndescription: op\nversion: 1.0.0\nappVersion: \"1.0\"\n",
    );
    write(&chart, "values.yaml", "size: \"3\"\n");
    write(
        &chart,
        "crds/widget.yaml",
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\nspec:\n  group: example.com\n  names: {kind: Widget, plural: widgets}\n  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n            spec:\n              type: object\n              required: [mode, count]\n              properties:\n                size: {type: integer}\n                count: {type: integer, default: 1}\n                mode: {type: string, enum: [fast, safe]}\n                extra:\n                  type: object\n                  x-kubernetes-preserve-unknown-fields: true\n",
    );
    write(
        &chart,
        "templates/widget.yaml",
        "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  size: {{ .Values.size | quote }}\n  mode: quick\n  colour: red\n  extra:\n    anything: 1\n---\napiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: w\nspec: {}\n",
    );
    let found = schema_findings(&chart, None);
    let got = rules_and_lines(&found);
    let s = |x: &str| x.to_string();
    assert_eq!(
        got,
        vec![
            (s("manifests/schema-enum"), 7),
            (s("manifests/schema-missing"), 12),
            (s("manifests/schema-type"), 6),
            (s("manifests/schema-unknown-field"), 8),
        ],
        "{found:#?}"
    );
    let missing = found
        .iter()
        .find(|d| d.rule.name == "manifests/schema-missing")
        .unwrap();
    assert_eq!(missing.severity, plimsoll::diagnostic::Severity::Info);
    assert!(
        missing
            .message
            .contains("monitoring.coreos.com/v1 ServiceMonitor"),
        "{}",
        missing.message
    );
}

/// (rule, line) of each finding, sorted.
fn rules_and_lines(found: &[Diagnostic]) -> Vec<(String, usize)> {
    let mut got: Vec<(String, usize)> = found
        .iter()
        .map(|d| (d.rule.name.to_string(), d.start().line))
        .collect();
    got.sort();
    got
}

#[test]
fn a_configured_catalog_validates_resources_of_operators_installed_separately() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".plimsoll.yaml", "crdCatalogs: [catalog]\n");
    // The kubeconform layout: <group>/<kind>_<version>.json, nullable types as lists.
    write(
        dir.path(),
        "catalog/monitoring.coreos.com/servicemonitor_v1.json",
        r#"{"type": "object", "properties": {"apiVersion": {"type": "string"}, "kind": {"type": "string"}, "metadata": {"type": "object"}, "spec": {"type": "object", "additionalProperties": false, "required": ["endpoints"], "properties": {"endpoints": {"type": "array", "items": {"type": "object", "properties": {"port": {"type": ["string", "null"]}, "interval": {"type": "string"}}}}, "jobLabel": {"type": "string"}}}}}"#,
    );
    write(
        dir.path(),
        "catalog/certificates.yaml",
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: certificates.cert-manager.io\nspec:\n  group: cert-manager.io\n  names: {kind: Certificate, plural: certificates}\n  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n            spec:\n              type: object\n              properties:\n                secretName: {type: string}\n                dnsNames: {type: array, items: {type: string}}\n",
    );
    write(
        dir.path(),
        "manifests/monitor.yaml",
        "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: web\nspec:\n  endpoints:\n    - port: metrics\n      intervall: 30s\n---\napiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: web\nspec:\n  secretName: web-tls\n  dnsNames: web.example.com\n---\napiVersion: example.com/v1\nkind: Gadget\nmetadata:\n  name: g\n",
    );
    let found = schema_findings(&dir.path().join("manifests"), None);
    let got = rules_and_lines(&found);
    let s = |x: &str| x.to_string();
    assert_eq!(
        got,
        vec![
            (s("manifests/schema-missing"), 18),
            (s("manifests/schema-type"), 16),
            (s("manifests/schema-unknown-field"), 8),
        ],
        "{found:#?}"
    );
    let unknown = found
        .iter()
        .find(|d| d.rule.name == "manifests/schema-unknown-field")
        .unwrap();
    assert_eq!(unknown.help.as_deref(), Some("did you mean `interval`?"));
}

#[test]
fn a_curated_rule_and_a_schema_rule_never_report_the_same_line() {
    // The fire fixtures of the manifest and probe rules: where a curated rule reports, the
    // schema rules leave the problem to it (volume fields, hostPath, labels, quantities,
    // probe numbers, selectors, duplicate containers, variables and mount paths).
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules");
    let mut checked = 0;
    for domain in ["manifests", "probes"] {
        for entry in std::fs::read_dir(root.join(domain)).unwrap().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with("schema-") {
                continue;
            }
            let rule = format!("{domain}/{name}");
            let Some(fire) = ["fire", "fire.yaml"]
                .iter()
                .map(|f| entry.path().join(f))
                .find(|p| p.exists())
            else {
                continue;
            };
            let all = lint(std::slice::from_ref(&fire), &LintOptions::default())
                .unwrap()
                .diagnostics;
            let curated: Vec<(String, usize)> = all
                .iter()
                .filter(|d| d.rule.name == rule)
                .map(|d| (d.path(), d.start().line))
                .collect();
            for d in all
                .iter()
                .filter(|d| d.rule.name.starts_with("manifests/schema-"))
            {
                assert!(
                    !curated.contains(&(d.path(), d.start().line)),
                    "{rule} and {} both report {}:{}: {}",
                    d.rule.name,
                    d.path(),
                    d.start().line,
                    d.message
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 20, "{checked} fixtures");
}
