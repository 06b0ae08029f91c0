//! Linting what charts render: the defects of `charts-under-test/umbrella` and of the ECR seed
//! chart that show only in rendered objects are reported at the template line that produces
//! them, with a related label at the values line the text came from, across the subchart and
//! the `ci/` scenarios; render problems of `tests/fixtures/render/broken` are findings at their
//! template positions while the chart's other templates are still linted; the good chart stays
//! silent.
//!
//! Where each umbrella and ECR defect is to be reported is data: `tests/rendered_lint/*.tsv`.

mod oracle;
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

const UMBRELLA: &str = "charts-under-test/umbrella";
const BROKEN: &str = "tests/fixtures/render/broken";

/// The diagnostics of `plimsoll lint PATH --format json`, which must exit 0 (`--fail-on never`):
/// render problems are findings, not a failed run.
fn lint(path: &str) -> Vec<Value> {
    let out = Command::new(env!("CARGO_BIN_EXE_plimsoll"))
        .args(["lint", path, "--format", "json", "--fail-on", "never"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("the report is JSON");
    report["diagnostics"]
        .as_array()
        .expect("the report has diagnostics")
        .clone()
}

fn rule(d: &Value) -> &str {
    d["rule"].as_str().unwrap_or_default()
}

fn path(d: &Value) -> &str {
    d["path"].as_str().unwrap_or_default()
}

fn line(d: &Value) -> u64 {
    d["start"]["line"].as_u64().unwrap_or_default()
}

fn column(d: &Value) -> u64 {
    d["start"]["column"].as_u64().unwrap_or_default()
}

fn message(d: &Value) -> &str {
    d["message"].as_str().unwrap_or_default()
}

fn labels(d: &Value) -> Vec<&Value> {
    d["labels"]
        .as_array()
        .map(|l| l.iter().collect())
        .unwrap_or_default()
}

/// One sentence per diagnostic for assertion messages.
fn show(ds: &[Value]) -> String {
    ds.iter()
        .map(|d| {
            let related: Vec<String> = labels(d)
                .iter()
                .map(|l| format!("{}:{}", path(l), line(l)))
                .collect();
            format!(
                "{}:{}:{}: {} [{}] related {:?}",
                path(d),
                line(d),
                column(d),
                message(d),
                rule(d),
                related
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A row of an expected-findings table.
struct Expected {
    rule: String,
    template: String,
    line: u64,
    /// The values file and line the offending text came from.
    values: Option<(String, u64)>,
    /// The only `ci/` scenario (chart-relative) in which the defect appears.
    scenario: Option<String>,
}

fn table(rel: &str) -> Vec<Expected> {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    let text = std::fs::read_to_string(&file).expect("the table exists");
    let dash = |s: &str| (s != "-").then(|| s.to_string());
    let rows: Vec<Expected> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .skip(1) // the header
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 5, "{rel}: {l}");
            Expected {
                rule: f[0].to_string(),
                template: f[1].to_string(),
                line: f[2].parse().expect("a line number"),
                values: dash(f[3]).map(|v| {
                    let (p, n) = v.rsplit_once(':').expect("path:line");
                    (p.to_string(), n.parse().expect("a line number"))
                }),
                scenario: dash(f[4]),
            }
        })
        .collect();
    assert!(!rows.is_empty(), "{rel} has rows");
    for r in &rows {
        let on_disk = Path::new(env!("CARGO_MANIFEST_DIR")).join(&r.template);
        assert!(on_disk.is_file(), "{rel}: {} is a file", r.template);
        let lines = std::fs::read_to_string(on_disk).unwrap().lines().count() as u64;
        assert!(
            r.line >= 1 && r.line <= lines,
            "{rel}: {}:{}",
            r.template,
            r.line
        );
    }
    rows
}

/// What is wrong with the report for one expected row, if anything.
fn check(ds: &[Value], e: &Expected) -> Option<String> {
    let at = format!("{} at {}:{}", e.rule, e.template, e.line);
    let found: Vec<&Value> = ds
        .iter()
        .filter(|d| rule(d) == e.rule && path(d) == e.template && line(d) == e.line)
        .collect();
    let [d] = found.as_slice() else {
        return Some(format!("{at}: expected once, found {} times", found.len()));
    };
    if let Some((vpath, vline)) = &e.values
        && !labels(d)
            .iter()
            .any(|l| path(l) == vpath && line(l) == *vline)
    {
        return Some(format!("{at}: no related label at {vpath}:{vline}"));
    }
    match &e.scenario {
        Some(s) if !message(d).contains(s.as_str()) => {
            Some(format!("{at}: the message does not name the scenario {s}"))
        }
        None if message(d).contains("ci/") => Some(format!(
            "{at}: found with every value set, yet the message names a scenario"
        )),
        _ => None,
    }
}

fn assert_table(ds: &[Value], rows: &[Expected]) {
    let problems: Vec<String> = rows.iter().filter_map(|e| check(ds, e)).collect();
    assert!(
        problems.is_empty(),
        "{}\n\nreport:\n{}",
        problems.join("\n"),
        show(ds)
    );
}

#[test]
fn umbrella_rendered_defects_are_reported_at_their_template_and_values_lines() {
    let ds = lint(UMBRELLA);
    assert_table(&ds, &table("tests/rendered_lint/expected.tsv"));
}

#[test]
fn umbrella_subchart_defect_is_reported_in_the_subchart() {
    let ds = lint(UMBRELLA);
    let worker = format!("{UMBRELLA}/charts/worker/");
    let probe: Vec<&Value> = ds
        .iter()
        .filter(|d| rule(d) == "probes/timeout-exceeds-period" && path(d).starts_with(&worker))
        .collect();
    assert_eq!(probe.len(), 1, "{}", show(&ds));
    // The message names the subchart's container and shows the rendered timings (timeout 5 from
    // the subchart's values, period 3 from the defaults its template merges in).
    let m = message(probe[0]);
    assert!(
        m.contains("worker") && m.contains('5') && m.contains('3'),
        "{}",
        show(&ds)
    );
}

#[test]
fn umbrella_scenario_only_defects_name_their_scenario_and_no_other() {
    let ds = lint(UMBRELLA);
    let legacy: Vec<&Value> = ds
        .iter()
        .filter(|d| message(d).contains("ci/legacy-values.yaml"))
        .collect();
    // The removed Ingress API and the web container's 20 s liveness timeout.
    let mut got: Vec<(&str, &str, u64)> =
        legacy.iter().map(|d| (rule(d), path(d), line(d))).collect();
    got.sort();
    let ingress = format!("{UMBRELLA}/templates/ingress.yaml");
    let deployment = format!("{UMBRELLA}/templates/deployment.yaml");
    assert_eq!(
        got,
        vec![
            ("manifests/api-removed", ingress.as_str(), 2),
            ("probes/timeout-exceeds-period", deployment.as_str(), 55),
        ],
        "{}",
        show(&ds)
    );
    assert!(
        !ds.iter()
            .any(|d| message(d).contains("ci/default-values.yaml")),
        "{}",
        show(&ds)
    );
}

#[test]
fn umbrella_findings_point_at_files_on_disk_and_only_at_its_defects() {
    let ds = lint(UMBRELLA);
    assert!(!ds.is_empty());
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for d in &ds {
        for p in std::iter::once(path(d)).chain(labels(d).iter().map(|l| path(l))) {
            assert!(
                p.starts_with(UMBRELLA) && root.join(p).is_file(),
                "{p} is not a file of the chart:\n{}",
                show(&ds)
            );
        }
    }
    // Every warning or error lies on a line the table names: several rules may see one defect,
    // but nothing else in the chart is wrong.
    let rows = table("tests/rendered_lint/expected.tsv");
    let stray: Vec<Value> = ds
        .iter()
        .filter(|d| d["severity"] != "info")
        .filter(|d| {
            !rows
                .iter()
                .any(|e| path(d) == e.template && line(d) == e.line)
        })
        .cloned()
        .collect();
    assert!(stray.is_empty(), "{}", show(&stray));
}

#[test]
fn ecr_rendered_defects_are_reported_at_their_template_and_values_lines() {
    let ds = lint("charts-under-test/ecr");
    assert_table(&ds, &table("tests/rendered_lint/ecr-expected.tsv"));
}

#[test]
fn the_good_chart_stays_silent_when_rendered() {
    let ds = lint("charts-under-test/good");
    assert!(ds.is_empty(), "{}", show(&ds));
}

/// A render problem of the broken fixture: rule, template, line, 1-based column (when the
/// template names one), text of Helm's message the finding carries, and severity (`required`
/// and `fail` are information, as `helm lint` reports them: the chart asks for a value).
type RenderProblem = (
    &'static str,
    &'static str,
    u64,
    Option<u64>,
    Option<&'static str>,
    &'static str,
);

const RENDER_PROBLEMS: &[RenderProblem] = &[
    (
        "templates/render-error",
        "templates/required.yaml",
        6,
        Some(16),
        Some("endpoint is required: set .Values.endpoint"),
        "info",
    ),
    (
        "templates/render-error",
        "templates/fail.yaml",
        2,
        Some(5),
        Some("mode must be primary or replica, not \"standalone\""),
        "info",
    ),
    (
        "templates/render-error",
        "templates/nil-pointer.yaml",
        6,
        Some(19),
        Some("nil pointer evaluating interface {}.host"),
        "error",
    ),
    // Rendered line 8 (`      team: storage`) comes from the `nindent 6` on template line 7.
    (
        "templates/rendered-invalid-yaml",
        "templates/bad-indent.yaml",
        7,
        None,
        None,
        "error",
    ),
    (
        "manifests/missing-kind",
        "templates/no-kind.yaml",
        1,
        Some(1),
        None,
        "error",
    ),
    (
        "manifests/duplicate-object",
        "templates/settings-b.yaml",
        4,
        None,
        Some("release-name-settings"),
        "error",
    ),
];

#[test]
fn broken_chart_render_problems_are_findings_at_their_template_positions() {
    let ds = lint(BROKEN);
    let mut problems = Vec::new();
    for (r, template, l, col, text, severity) in RENDER_PROBLEMS {
        let file = format!("{BROKEN}/{template}");
        let found: Vec<&Value> = ds
            .iter()
            .filter(|d| rule(d) == *r && path(d) == file && line(d) == *l)
            .collect();
        let [d] = found.as_slice() else {
            problems.push(format!(
                "{r} at {file}:{l}: expected once, found {} times",
                found.len()
            ));
            continue;
        };
        if d["severity"] != *severity {
            problems.push(format!("{r} at {file}:{l}: not {severity}"));
        }
        if let Some(c) = col
            && column(d) != *c
        {
            problems.push(format!("{r} at {file}:{l}: column {} not {c}", column(d)));
        }
        if let Some(t) = text
            && !message(d).contains(t)
        {
            problems.push(format!("{r} at {file}:{l}: the message lacks {t:?}"));
        }
    }
    // The duplicate points back at the first object of that kind, namespace and name.
    let first = format!("{BROKEN}/templates/settings-a.yaml");
    if !ds.iter().any(|d| {
        rule(d) == "manifests/duplicate-object"
            && labels(d).iter().any(|l| path(l) == first && line(l) == 4)
    }) {
        problems.push(format!(
            "manifests/duplicate-object: no related label at {first}:4"
        ));
    }
    assert!(
        problems.is_empty(),
        "{}\n\nreport:\n{}",
        problems.join("\n"),
        show(&ds)
    );
}

#[test]
fn broken_chart_templates_that_render_are_still_linted() {
    let ds = lint(BROKEN);
    let deployment = format!("{BROKEN}/templates/deployment.yaml");
    assert!(
        ds.iter()
            .any(|d| rule(d) == "manifests/volume-mount-undefined"
                && path(d) == deployment
                && line(d) == 21),
        "{}",
        show(&ds)
    );
}

fn template(program: &Path, args: &[&str]) -> Output {
    Command::new(program)
        .arg("template")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the renderer runs")
}

/// The fixtures render: the umbrella chart with its defaults and with each `ci/` scenario, the
/// broken chart not at all (Helm stops at its first failing template). When a real `helm` is
/// installed, `plimsoll template` answers byte for byte as it does.
#[test]
fn the_fixtures_render_as_helm_renders_them() {
    let plimsoll = Path::new(env!("CARGO_BIN_EXE_plimsoll"));
    let legacy = format!("{UMBRELLA}/ci/legacy-values.yaml");
    let default = format!("{UMBRELLA}/ci/default-values.yaml");
    let cases: [(Vec<&str>, i32); 4] = [
        (vec![UMBRELLA], 0),
        (vec![UMBRELLA, "-f", &default], 0),
        (vec![UMBRELLA, "-f", &legacy], 0),
        (vec![BROKEN], 1),
    ];
    for (args, code) in &cases {
        let ours = template(plimsoll, args);
        assert_eq!(ours.status.code(), Some(*code), "{args:?}");
        if let Some(helm) = oracle::helm_binary() {
            let theirs = template(&helm, args);
            assert_eq!(ours.status.code(), theirs.status.code(), "{args:?}");
            assert_eq!(
                String::from_utf8_lossy(&ours.stdout),
                String::from_utf8_lossy(&theirs.stdout),
                "{args:?}"
            );
            assert_eq!(
                String::from_utf8_lossy(&ours.stderr),
                String::from_utf8_lossy(&theirs.stderr),
                "{args:?}"
            );
        }
    }
    let legacy_out =
        String::from_utf8(template(plimsoll, &[UMBRELLA, "-f", &legacy]).stdout).expect("UTF-8");
    assert!(legacy_out.contains("apiVersion: extensions/v1beta1\nkind: Ingress"));
    assert!(legacy_out.contains("timeoutSeconds: 20"));
    let broken = template(plimsoll, &[BROKEN]);
    assert!(String::from_utf8_lossy(&broken.stderr).contains(
        "execution error at (broken/templates/required.yaml:6:15): endpoint is required"
    ));
}

#[test]
fn a_template_that_does_not_parse_is_reported_once() {
    let dir = tempfile::tempdir().expect("a scratch folder");
    let root = dir.path();
    std::fs::create_dir(root.join("templates")).unwrap();
    std::fs::write(
        root.join("Chart.yaml"),
        "apiVersion: v2\nname: web\nversion: 1.0.0\n",
    )
    .unwrap();
    std::fs::write(root.join("values.yaml"), "a: 1\n").unwrap();
    // A syntax error: Helm's render fails with the same parse error.
    std::fs::write(
        root.join("templates/cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: {{ .Values.a | quote }\n",
    )
    .unwrap();
    // Nesting past plimsoll's parser limit: Helm renders it, plimsoll says it did not check it.
    let deep = format!(
        "x: {}y{}\n",
        "{{ if true }}".repeat(1500),
        "{{ end }}".repeat(1500)
    );
    std::fs::write(root.join("templates/deep.yaml"), deep).unwrap();
    let ds = lint(root.to_str().unwrap());
    let on = |file: &str| -> Vec<&Value> {
        ds.iter()
            .filter(|d| path(d).ends_with(file) && rule(d).starts_with("templates/"))
            .collect()
    };
    let cm = on("templates/cm.yaml");
    assert_eq!(cm.len(), 1, "{}", show(&ds));
    assert_eq!(rule(cm[0]), "templates/syntax");
    assert_eq!(cm[0]["severity"], "error");
    assert_eq!((line(cm[0]), column(cm[0])), (6, 27));
    let deep = on("templates/deep.yaml");
    assert_eq!(deep.len(), 1, "{}", show(&ds));
    assert_eq!(rule(deep[0]), "templates/syntax");
    assert_eq!(deep[0]["severity"], "info");
    assert!(message(deep[0]).contains("not checked"), "{}", show(&ds));
}
